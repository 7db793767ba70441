// StrykerJS over one library file at a time, each against its own test files only (a run over
// every file with every test would take hours on two cores). Choose the target with
// MUTATION_TARGET (a key of TARGETS); `npm run mutation` runs them all in turn (over an hour on
// two shared cores), `npm run mutation:ci` the small subset CI runs.
//
// Stryker mutates the TypeScript source in a sandbox copy, tsc builds it there, and the tap
// runner runs each compiled test file with `node --test-reporter=tap`.
const TARGETS = {
  metrics: { mutate: ['lib/metrics.ts'], tests: ['metrics'] },
  schedule: { mutate: ['lib/schedule.ts'], tests: ['schedule'] },
  // Without `ft-roberta padding-report` (spawns the CLI, 5 s a run) and dynamicPaddingCollate's
  // tokenizer test (2 s loading the tokenizer); dynamicPaddingCollate's few mutants then count as
  // not covered.
  // (A negative pattern does not work: node runs a test when any ancestor's name matches.)
  batching: {
    mutate: ['lib/batching.ts'],
    tests: ['batching'],
    nodeArgs: [
      '--test-name-pattern=^(static|dynamic mode|grouped|unshuffled|the order|the shuffle|edge cases|dropLast|' +
        'bad options|toTensors|token ids|paddingReport)',
    ],
  },
  // The optimizer's tests and the fused-Adam kernel tests (the other kernel tests, among them the
  // multi-threaded build's, which needs files the sandbox does not compile, check no optimizer code).
  optimizer: {
    mutate: ['lib/optimizer.ts'],
    tests: ['optimizer', 'kernels'],
    nodeArgs: [
      '--test-name-pattern=^(adam|defaults are|state saved|an optimizer step|errors name|bad options|clipping|' +
        'gradient accumulation|the fused Adam|fusedAdamUpdate)',
    ],
  },
  // Stryker's hook exits on SIGINT; the trainer tests send themselves SIGINT (see the preload).
  trainer: {
    mutate: ['lib/trainer.ts'],
    tests: ['trainer', 'trainer-options'],
    nodeArgs: ['-r', './test/helpers/stryker-sigint.cjs'],
  },
  // The evaluation loop (lib/evaluation.ts, shared by tfjs and ONNX Runtime) and evaluateModel with
  // textsAndLabels (the rest of pipeline.ts is inference, outside the core).
  evaluation: { mutate: ['lib/evaluation.ts', 'lib/pipeline.ts:228-298'], tests: ['evaluation'] },
  // RobertaForSequenceClassification, its building blocks, the shared pretrained-model base and the
  // tfjs ops under them. Cheapest files first: a failing file stops the mutant's run.
  // Without the cpu-backend parity tests (the wasm ones check the same arithmetic, 4 s less a run).
  roberta: {
    mutate: ['lib/model/roberta.ts:1-254', 'lib/model/roberta.ts:283-516', 'lib/model/ops.ts'],
    // mlm-parity (its wasm tests) for meanCrossEntropy in ops.ts, which the masked-LM loss uses.
    tests: ['model-shapes', 'model-dropout', 'model-parity', 'model-training', 'model-pretrained', 'mlm-parity'],
    nodeArgs: [
      '--test-name-pattern=^(fresh weights|right-padded|gradients agree|save and reload|inputs the model|' +
        'wasm:|training-mode|' +
        '20 training steps|dropout|the padding rows|' +
        'names without|a base checkpoint|numLabels different|a tensor whose|F16 and|savePretrained|a Hub id|sharded|' +
        'bad inputs)',
    ],
  },
  // RobertaForMaskedLM and its lm_head (tied decoder), against the masked-LM tests. Without the two
  // tests that spawn the CLI (the sandbox compiles only the test files' imports, not lib/cli.ts),
  // and without the cpu-backend parity tests.
  'roberta-mlm': {
    mutate: ['lib/model/roberta.ts:255-282', 'lib/model/roberta.ts:517-624'],
    tests: ['mlm-masking', 'mlm-pretrained', 'mlm-fill-mask', 'mlm-parity'],
    nodeArgs: [
      '--test-name-pattern=^(wasm:|15% of|a fresh mask|a short input|packing keeps|sentences split|a checkpoint with|' +
        'an older checkpoint|savePretrained writes|a classifier from|an MLM from|one mask|several masks|bad inputs|' +
        'fromConfig without)',
    ],
  },
  // The subset CI runs: small, pure files whose tests take a second.
  ci: { mutate: ['lib/metrics.ts', 'lib/schedule.ts'], tests: ['metrics', 'schedule'] },
};

const name = process.env.MUTATION_TARGET ?? 'ci';
const target = TARGETS[name];
if (target === undefined) {
  throw new Error(`MUTATION_TARGET is '${name}', expected one of ${Object.keys(TARGETS).join(', ')}`);
}

// MUTATION_TESTS (comma-separated test file names) narrows a target's tests for a quicker run;
// MUTATION_MUTATE (comma-separated patterns such as lib/trainer.ts:1-350) splits a target's
// mutants into parts that can run one after the other or side by side, each with its own report.
if (process.env.MUTATION_TESTS) target.tests = process.env.MUTATION_TESTS.split(',');
let runName = name;
if (process.env.MUTATION_MUTATE) {
  target.mutate = process.env.MUTATION_MUTATE.split(',');
  runName = `${name}-${target.mutate.join('-').replace(/[^A-Za-z0-9]+/g, '-')}`;
}

// tsc compiles only the target's test files and what they import (the whole project takes a minute
// here), with tsconfig.json's options.
const buildCommand = [
  'tsc --target ES2022 --module commonjs --moduleResolution node --lib ES2022,DOM --strict',
  '--esModuleInterop --skipLibCheck --resolveJsonModule --types node --rootDir . --outDir dist',
  ...target.tests.map((file) => `test/${file}.test.ts`),
].join(' ');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  tap: {
    testFiles: target.tests.map((file) => `dist/test/${file}.test.js`),
    // Not `--test`: it runs each file in a child process, out of reach of Stryker's coverage hook.
    nodeArgs: ['--test-reporter=tap', ...(target.nodeArgs ?? [])],
  },
  plugins: ['@stryker-mutator/tap-runner'],
  mutate: target.mutate,
  buildCommand,
  coverageAnalysis: 'perTest',
  ignorePatterns: ['dist', 'reports', 'runs', 'notebooks', 'presentation_resources', '.stryker-tmp-*'],
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${runName}.json` },
  tempDirName: `.stryker-tmp-${runName}`,
  cleanTempDir: 'always',
};
