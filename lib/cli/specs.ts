// What every `ft-roberta` command accepts. This file imports nothing heavy, so `ft-roberta --help`
// and `ft-roberta <command> --help` answer without loading tfjs. Adding a flag to a command is one
// entry in its `options`; the command reads it with ParsedArgs (lib/cli/args.ts).
import type { CommandSpec, OptionSpec } from './args';

/** An option that takes a value, shown as VALUE in the help. */
const valued = (value: string, description: string): OptionSpec => ({ kind: 'string', value, description });
const flag = (description: string): OptionSpec => ({ kind: 'boolean', description });

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
    params: valued('FILE.json', 'a JSON object overriding fields of the offline defaults (e.g. {"numTrainEpochs": 1})'),
    'output-dir': valued('DIR', 'where saved models and the checkpoint go (default: params outputDir)'),
    resume: {
      kind: 'optional',
      value: 'DIR',
      description: "continue an interrupted run: from DIR, or without DIR from the output folder's checkpoint",
    },
    'skip-bad-rows': flag('skip unreadable rows of review files (bad quotes, field counts, UTF-8) and report them'),
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
    'top-k': valued('N', 'how many labels per text, best first (default 1)'),
    'max-length': valued('N', "truncate texts to N tokens (default: the model's)"),
  },
};

export const EVALUATE: CommandSpec = {
  name: 'evaluate',
  summary: 'accuracy, F1, precision, recall and confusion matrix of a saved model over a split, as JSON',
  options: {
    model: { ...MODEL_SOURCE, value: 'DIR' },
    data: valued('SOURCE', 'offline, a Hub dataset id, an aclImdb/ folder or a CSV file (default: params data)'),
    split: valued('NAME', 'train|validation|test (default test)'),
    limit: valued('N', 'the first N reviews of the split (default all)'),
    'max-length': valued('N', 'truncate reviews to N tokens'),
    'batch-size': valued('N', 'reviews per forward pass (default 32)'),
    onnx: flag('run on ONNX Runtime: an exported folder, or a saved model exported on the fly'),
    quantized: flag('with --onnx: the int8 graph (onnx/model_quantized.onnx)'),
    'skip-bad-rows': flag('skip unreadable rows of review files (bad quotes, field counts, UTF-8) and report them'),
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
    'max-length': valued('N', 'truncate to N tokens'),
    padding: valued('max_length', "pad to --max-length (or the model's limit)"),
    readable: flag('show the space marker Ġ as ␣'),
  },
};

export const PADDING_REPORT: CommandSpec = {
  name: 'padding-report',
  summary: 'padding of one epoch over the offline corpus train split, as JSON',
  options: {
    'max-length': valued('N', 'truncate reviews to N tokens (default 256)'),
    'batch-size': valued('N', '(default 16)'),
    mode: valued('MODE', 'static|dynamic|grouped (default dynamic)'),
    limit: valued('N', 'reviews of the train split (default 36000)'),
    seed: valued('N', 'corpus and shuffling seed (default 42)'),
    epoch: valued('N', "which epoch's batch order (default 0)"),
    tokenizer: TOKENIZER_SOURCE,
  },
};

export const CORPUS: CommandSpec = {
  name: 'corpus',
  summary:
    'print the offline IMDb-like corpus as JSON lines {"text", "label"} ' +
    '(label -1 in the unsupervised split; --stats: lengths, kinds, balance)',
  options: {
    seed: valued('N', 'corpus seed (default 42)'),
    split: valued('NAME', 'train|validation|test|unsupervised (default train)'),
    limit: valued('N', 'number of reviews (default: the whole split)'),
    details: flag('also print sentiment, kind and target length'),
    stats: flag('one JSON object of statistics instead of the reviews'),
  },
};

export const PLAN_BATCH: CommandSpec = {
  name: 'plan-batch',
  summary: 'how a training batch fits the wasm heap: micro-batch, accumulation, checkpointing (JSON)',
  options: {
    shape: valued('base|offline', 'a model of this shape with random weights (default base: roberta-base)'),
    model: valued('DIR', 'a saved classifier folder instead of a shape'),
    'batch-size': valued('N', 'reviews per optimizer step (default 16)'),
    'max-length': valued('N', 'tokens per review at most (default 256)'),
    backend: BACKEND,
    'wasm-threads': valued('N', 'multi-threaded wasm build with N threads'),
  },
  notes: [
    'Measures two forward and backward passes (one and two reviews of max-length tokens), as train() does',
    'with autoFindBatchSize. On backends without a heap limit the whole batch is one pass.',
  ],
};

export const BENCH: CommandSpec = {
  name: 'bench',
  summary: 'time training steps for static, dynamic and length-grouped padding',
  options: {
    model: valued('tiny|base', 'model shape, random weights (default tiny)'),
    'batch-size': valued('N', '(default 16)'),
    steps: valued('N', 'measured batches per mode (default 25)'),
    warmup: valued('N', 'unmeasured batches per mode first (default 2)'),
    backend: BACKEND,
    'wasm-threads': valued('N', 'experimental multi-threaded wasm build, N threads'),
    modes: valued('LIST', 'comma-separated, e.g. static-512,dynamic-256,grouped-256'),
    data: valued('corpus|lognormal', 'offline corpus (default) or random ids with log-normal lengths'),
    seed: valued('N', 'data and shuffling seed (default 42)'),
    'skip-inference': flag('no eval-mode inference timing'),
    'leak-steps': valued('N', 'then N more training steps watching the tensor count'),
    profile: flag('per-kernel profile of one dynamic-256 training step'),
    json: valued('FILE', 'also write the results as JSON'),
    html: valued('FILE', 'also write a page with a plotly chart'),
  },
};

export const PRETRAIN: CommandSpec = {
  name: 'pretrain',
  summary: 'masked-language-model pretraining, the RoBERTa recipe; prints one JSON line (held-out MLM loss, accuracy)',
  options: {
    texts: valued('FILE.json', 'a JSON array of texts (default: the offline corpus)'),
    'held-out': valued('FILE.json', 'held-out texts for the final figures'),
    reviews: valued('N', 'offline reviews to pretrain on (default 20000)'),
    'held-out-reviews': valued('N', 'offline reviews held out (default 500)'),
    model: valued('DIR|HUB_ID', 'start from this masked-LM checkpoint'),
    tokenizer: TOKENIZER_SOURCE,
    'output-dir': valued('DIR', 'checkpoints and the final model (default runs/pretrain)'),
    steps: valued('N', 'stop after N optimizer steps'),
    epochs: valued('N', 'passes over the packed sequences'),
    'batch-size': valued('N', 'sequences per step (default 16)'),
    'max-length': valued('N', 'tokens per packed sequence (default 256)'),
    'learning-rate': valued('LR', 'peak learning rate'),
    'warmup-ratio': valued('R', 'share of the steps spent warming up'),
    'restrict-vocabulary': flag('softmax only over the ids that occur in the texts (faster; an approximation)'),
    'checkpoint-steps': valued('N', 'save a checkpoint every N steps'),
    resume: valued('DIR', 'continue from this checkpoint'),
    seed: valued('N', 'seed for the corpus, the masks and the initial weights'),
    backend: BACKEND,
    'wasm-threads': valued('N', 'multi-threaded wasm build with N threads'),
  },
};

export const FILL_MASK: CommandSpec = {
  name: 'fill-mask',
  summary: 'the likeliest tokens for each <mask> in TEXT, as JSON [{score, token, token_str, sequence}]',
  positionals: { name: 'TEXT…', min: 1 },
  options: {
    model: MODEL_SOURCE,
    'top-k': valued('N', 'how many candidates per mask (default 5)'),
    backend: BACKEND,
  },
};

export const EXPORT: CommandSpec = {
  name: 'export',
  summary: 'write an ONNX folder that transformers.js and ONNX Runtime load (prints what was written as JSON)',
  options: {
    model: { ...MODEL_SOURCE, value: 'DIR' },
    out: { kind: 'string', value: 'DIR2', description: 'the folder to write (refused if it exists)', required: true },
    quantize: flag('also write onnx/model_quantized.onnx (dynamic int8 MatMul weights)'),
    force: flag('replace DIR2 if it exists'),
    tokenizer: TOKENIZER_SOURCE,
    task: valued('NAME', 'text-classification|fill-mask (default: the head the checkpoint holds)'),
  },
};
