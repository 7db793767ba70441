// tslab rewrites a later cell's use of an earlier cell's variable into `exports.<name>`; inside an
// object shorthand (`{ model }`) tslab 1.0.22 loses that rewrite and the cell throws "model is not
// defined". patches/tslab+1.0.22.patch (applied by patch-package at install) spells the shorthand
// out. This converts two cells the way the kernel does and runs the second.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';

interface Converted {
  output: string;
  declOutput: string;
  diagnostics: unknown[];
}
interface Converter {
  convert(previousDeclarations: string, source: string): Converted;
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createConverter } = require('tslab/dist/converter') as { createConverter: () => Converter };

test("an object shorthand sees an earlier cell's variables", () => {
  const converter = createConverter();
  try {
    const first = converter.convert('', 'const model = 41;\nconst tokenizer = "bpe";');
    const second = converter.convert(first.declOutput, 'const local = 1;\nconst both = { model, tokenizer, local };');
    assert.deepEqual(second.diagnostics, []);
    const exports: Record<string, unknown> = { model: 41, tokenizer: 'bpe' };
    vm.runInNewContext(second.output, { exports });
    assert.deepEqual({ ...(exports.both as object) }, { model: 41, tokenizer: 'bpe', local: 1 });
  } finally {
    converter.close();
  }
});
