// What every `ft-roberta` command accepts. This file imports nothing heavy, so `ft-roberta --help`
// and `ft-roberta <command> --help` answer without loading tfjs. Adding a flag to a command is one
// entry in its `options`; the command reads it with ParsedArgs (lib/cli/args.ts).
import type { CommandSpec } from './args';

const BACKEND = { kind: 'string', value: 'NAME', description: 'auto|tensorflow|wasm|cpu (default auto)' } as const;
const MODEL_SOURCE = {
  kind: 'string',
  value: 'DIR|HUB_ID',
  description: 'the model: a saved folder or a Hub id',
  required: true,
} as const;
const TOKENIZER_SOURCE = {
  kind: 'string',
  value: 'SOURCE',
  description: 'offline, a tokenizer folder or a Hub id (default offline)',
} as const;

export const TRAIN: CommandSpec = {
  name: 'train',
  summary: 'train on the offline defaults (lib/defaults.ts, --params overrides); prints one JSON line of metrics',
  options: {
    params: {
      kind: 'string',
      value: 'FILE.json',
      description: 'a JSON object overriding fields of the offline defaults (e.g. {"epochs": 1})',
    },
    'output-dir': {
      kind: 'string',
      value: 'DIR',
      description: 'where saved models and the checkpoint go (default: params outputDir)',
    },
    resume: {
      kind: 'optional',
      value: 'DIR',
      description: "continue an interrupted run: from DIR, or without DIR from the output folder's checkpoint",
    },
    'skip-bad-rows': {
      kind: 'boolean',
      description: 'skip unreadable rows of review files (bad quotes, field counts, UTF-8) and report them',
    },
  },
  notes: [
    'Progress goes to stderr, the metrics JSON to stdout. Ctrl-C saves a checkpoint and prints the command',
    'that resumes it (exit code 130); a second Ctrl-C quits at once.',
  ],
};

export const PREDICT: CommandSpec = {
  name: 'predict',
  summary: 'the best label and its score for each TEXT (more with --top-k), as JSON',
  positionals: { name: 'TEXT…', min: 1 },
  options: {
    model: { ...MODEL_SOURCE, value: 'DIR' },
    'top-k': { kind: 'string', value: 'N', description: 'how many labels per text, best first (default 1)' },
    'max-length': { kind: 'string', value: 'N', description: "truncate texts to N tokens (default: the model's)" },
  },
};

export const EVALUATE: CommandSpec = {
  name: 'evaluate',
  summary: 'accuracy, F1, precision, recall and confusion matrix of a saved model over a split, as JSON',
  options: {
    model: { ...MODEL_SOURCE, value: 'DIR' },
    data: {
      kind: 'string',
      value: 'SOURCE',
      description: 'offline, a Hub dataset id, an aclImdb/ folder or a CSV file (default: params data)',
    },
    split: { kind: 'string', value: 'NAME', description: 'train|validation|test (default test)' },
    limit: { kind: 'string', value: 'N', description: 'the first N reviews of the split (default all)' },
    'max-length': { kind: 'string', value: 'N', description: 'truncate reviews to N tokens' },
    'batch-size': { kind: 'string', value: 'N', description: 'reviews per forward pass (default 32)' },
    onnx: {
      kind: 'boolean',
      description: 'run on ONNX Runtime: an exported folder, or a saved model exported on the fly',
    },
    quantized: { kind: 'boolean', description: 'with --onnx: the int8 graph (onnx/model_quantized.onnx)' },
    'skip-bad-rows': {
      kind: 'boolean',
      description: 'skip unreadable rows of review files (bad quotes, field counts, UTF-8) and report them',
    },
  },
};

export const LOGITS: CommandSpec = {
  name: 'logits',
  summary:
    'eval-mode logits of a batch of token ids, as JSON {"logits": [[...]]} ' +
    '([batch][labels] for a classifier, [batch][sequence][vocabulary] for a masked-language model)',
  options: {
    model: MODEL_SOURCE,
    input: {
      kind: 'string',
      value: 'FILE.json',
      description: '{"input_ids": [[...]], "attention_mask": [[...]]}',
      required: true,
    },
    backend: BACKEND,
  },
};

export const RESAVE: CommandSpec = {
  name: 'resave',
  summary: 'load a model (safetensors or pytorch_model.bin) and save it as config.json + model.safetensors',
  options: {
    model: MODEL_SOURCE,
    out: { kind: 'string', value: 'DIR', description: 'the folder to write', required: true },
    backend: BACKEND,
  },
};

export const TOKENIZE: CommandSpec = {
  name: 'tokenize',
  summary: 'tokens, input_ids and attention_mask of each TEXT: one JSON line per text',
  positionals: { name: 'TEXT…', min: 1 },
  options: {
    tokenizer: TOKENIZER_SOURCE,
    'max-length': { kind: 'string', value: 'N', description: 'truncate to N tokens' },
    padding: { kind: 'string', value: 'max_length', description: "pad to --max-length (or the model's limit)" },
    readable: { kind: 'boolean', description: 'show the space marker Ġ as ␣' },
  },
};

export const PADDING_REPORT: CommandSpec = {
  name: 'padding-report',
  summary: 'padding of one epoch over the offline corpus train split, as JSON',
  options: {
    'max-length': { kind: 'string', value: 'N', description: 'truncate reviews to N tokens (default 256)' },
    'batch-size': { kind: 'string', value: 'N', description: '(default 16)' },
    mode: { kind: 'string', value: 'MODE', description: 'static|dynamic|grouped (default dynamic)' },
    limit: { kind: 'string', value: 'N', description: 'reviews of the train split (default 36000)' },
    seed: { kind: 'string', value: 'N', description: 'corpus and shuffling seed (default 42)' },
    epoch: { kind: 'string', value: 'N', description: "which epoch's batch order (default 0)" },
    tokenizer: TOKENIZER_SOURCE,
  },
};

export const CORPUS: CommandSpec = {
  name: 'corpus',
  summary:
    'print the offline IMDb-like corpus as JSON lines {"text", "label"} ' +
    '(label -1 in the unsupervised split; --stats: lengths, kinds, balance)',
  options: {
    seed: { kind: 'string', value: 'N', description: 'corpus seed (default 42)' },
    split: { kind: 'string', value: 'NAME', description: 'train|validation|test|unsupervised (default train)' },
    limit: { kind: 'string', value: 'N', description: 'number of reviews (default: the whole split)' },
    details: { kind: 'boolean', description: 'also print sentiment, kind and target length' },
    stats: { kind: 'boolean', description: 'one JSON object of statistics instead of the reviews' },
  },
};

export const BENCH: CommandSpec = {
  name: 'bench',
  summary: 'time training steps for static, dynamic and length-grouped padding',
  options: {
    model: { kind: 'string', value: 'tiny|base', description: 'model shape, random weights (default tiny)' },
    'batch-size': { kind: 'string', value: 'N', description: '(default 16)' },
    steps: { kind: 'string', value: 'N', description: 'measured batches per mode (default 25)' },
    warmup: { kind: 'string', value: 'N', description: 'unmeasured batches per mode first (default 2)' },
    backend: BACKEND,
    'wasm-threads': { kind: 'string', value: 'N', description: 'experimental multi-threaded wasm build, N threads' },
    modes: { kind: 'string', value: 'LIST', description: 'comma-separated, e.g. static-512,dynamic-256,grouped-256' },
    data: {
      kind: 'string',
      value: 'corpus|lognormal',
      description: 'offline corpus (default) or random ids with log-normal lengths',
    },
    seed: { kind: 'string', value: 'N', description: 'data and shuffling seed (default 42)' },
    'skip-inference': { kind: 'boolean', description: 'no eval-mode inference timing' },
    'leak-steps': { kind: 'string', value: 'N', description: 'then N more training steps watching the tensor count' },
    profile: { kind: 'boolean', description: 'per-kernel profile of one dynamic-256 training step' },
    json: { kind: 'string', value: 'FILE', description: 'also write the results as JSON' },
    html: { kind: 'string', value: 'FILE', description: 'also write a page with a plotly chart' },
  },
};

export const PRETRAIN: CommandSpec = {
  name: 'pretrain',
  summary: 'masked-language-model pretraining, the RoBERTa recipe; prints one JSON line (held-out MLM loss, accuracy)',
  options: {
    texts: { kind: 'string', value: 'FILE.json', description: 'a JSON array of texts (default: the offline corpus)' },
    'held-out': { kind: 'string', value: 'FILE.json', description: 'held-out texts for the final figures' },
    reviews: { kind: 'string', value: 'N', description: 'offline reviews to pretrain on (default 20000)' },
    'held-out-reviews': { kind: 'string', value: 'N', description: 'offline reviews held out (default 500)' },
    model: { kind: 'string', value: 'DIR|HUB_ID', description: 'start from this masked-LM checkpoint' },
    tokenizer: TOKENIZER_SOURCE,
    'output-dir': {
      kind: 'string',
      value: 'DIR',
      description: 'checkpoints and the final model (default runs/pretrain)',
    },
    steps: { kind: 'string', value: 'N', description: 'stop after N optimizer steps' },
    epochs: { kind: 'string', value: 'N', description: 'passes over the packed sequences' },
    'batch-size': { kind: 'string', value: 'N', description: 'sequences per step (default 16)' },
    'max-length': { kind: 'string', value: 'N', description: 'tokens per packed sequence (default 256)' },
    'learning-rate': { kind: 'string', value: 'LR', description: 'peak learning rate' },
    'warmup-ratio': { kind: 'string', value: 'R', description: 'share of the steps spent warming up' },
    'restrict-vocabulary': {
      kind: 'boolean',
      description: 'softmax only over the ids that occur in the texts (faster; an approximation)',
    },
    'checkpoint-steps': { kind: 'string', value: 'N', description: 'save a checkpoint every N steps' },
    resume: { kind: 'string', value: 'DIR', description: 'continue from this checkpoint' },
    seed: { kind: 'string', value: 'N', description: 'seed for the corpus, the masks and the initial weights' },
    backend: BACKEND,
    'wasm-threads': { kind: 'string', value: 'N', description: 'multi-threaded wasm build with N threads' },
  },
};

export const FILL_MASK: CommandSpec = {
  name: 'fill-mask',
  summary: 'the likeliest tokens for each <mask> in TEXT, as JSON [{score, token, token_str, sequence}]',
  positionals: { name: 'TEXT…', min: 1 },
  options: {
    model: MODEL_SOURCE,
    'top-k': { kind: 'string', value: 'N', description: 'how many candidates per mask (default 5)' },
    backend: BACKEND,
  },
};

export const EXPORT: CommandSpec = {
  name: 'export',
  summary: 'write an ONNX folder that transformers.js and ONNX Runtime load (prints what was written as JSON)',
  options: {
    model: { ...MODEL_SOURCE, value: 'DIR' },
    out: { kind: 'string', value: 'DIR2', description: 'the folder to write (refused if it exists)', required: true },
    quantize: { kind: 'boolean', description: 'also write onnx/model_quantized.onnx (dynamic int8 MatMul weights)' },
    force: { kind: 'boolean', description: 'replace DIR2 if it exists' },
    tokenizer: TOKENIZER_SOURCE,
    task: {
      kind: 'string',
      value: 'NAME',
      description: 'text-classification|fill-mask (default: the head the checkpoint holds)',
    },
  },
};
