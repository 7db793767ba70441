// `npm run lint`: typescript-eslint's recommended rules on the TypeScript sources (prettier checks
// the formatting separately).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'outputs/**', 'notebooks/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The library rethrows with messages that already quote the caught error's message.
      'preserve-caught-error': 'off',
      // An explicit initial value often says what "nothing found yet" is, even when every path assigns.
      'no-useless-assignment': 'off',
    },
  },
);
