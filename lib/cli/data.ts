// `ft-roberta tokenize` and `ft-roberta padding-report`.
import { parseArgs } from 'node:util';
import { DataLoader, paddingReport, tokenizedExamples, type PaddingMode, type PaddingReport } from '../batching';
import { generateCorpus } from '../data/corpus';
import { loadTokenizer } from '../tokenizer';
import type { CliCommand } from './types';

export interface PaddingReportOutput extends PaddingReport {
  data: { corpus: 'offline'; split: 'train'; seed: number; examples: number };
  tokenizer: string;
  epoch: number;
  /** Generating, tokenizing and counting, wall time. */
  seconds: number;
}

const MODES: readonly PaddingMode[] = ['static', 'dynamic', 'grouped'];
const DEFAULT_SEED = 42;

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new Error(`${flag} should be a positive integer, found ${JSON.stringify(value)}`);
  }
  return parsed;
}

function nonNegativeInteger(value: string | undefined, flag: string, fallback: number): number {
  return value === '0' ? 0 : positiveInteger(value, flag, fallback);
}

export interface TokenizeLine {
  tokens: string[];
  input_ids: number[];
  attention_mask: number[];
}

/** What `tokenize` prints, one object per text. */
export async function tokenizeCommand(argv: string[]): Promise<TokenizeLine[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tokenizer: { type: 'string', default: 'offline' },
      'max-length': { type: 'string' },
      padding: { type: 'string' },
      readable: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new Error('tokenize: give at least one TEXT');
  if (values.padding !== undefined && values.padding !== 'max_length') {
    throw new Error(`--padding should be 'max_length', found ${JSON.stringify(values.padding)}`);
  }
  const maxLengthFlag = values['max-length'];
  const givenMaxLength = maxLengthFlag === undefined ? null : positiveInteger(maxLengthFlag, '--max-length', 0);
  const tokenizer = await loadTokenizer(values.tokenizer ?? 'offline');
  const encoded =
    values.padding === 'max_length'
      ? // Like Hugging Face: padding to max_length without a length means the model's limit.
        tokenizer.encodeStatic(positionals, givenMaxLength ?? tokenizer.modelMaxLength)
      : givenMaxLength !== null
        ? tokenizer.encodeDynamic(positionals, givenMaxLength)
        : tokenizer.encodePlain(positionals);
  return encoded.inputIds.map((ids, i) => ({
    tokens: values.readable ? tokenizer.readableTokenStrings(ids) : tokenizer.tokenStrings(ids),
    input_ids: ids,
    attention_mask: encoded.attentionMask[i],
  }));
}

const tokenize: CliCommand = {
  summary: 'tokenize TEXT… [--tokenizer offline|DIR|HUB_ID] [--max-length N] [--padding max_length] [--readable]: one JSON line per text',
  async run(argv) {
    for (const line of await tokenizeCommand(argv)) process.stdout.write(JSON.stringify(line) + '\n');
  },
};

/** What `padding-report` prints: the report of one epoch over the offline corpus's train split. */
export async function paddingReportCommand(argv: string[]): Promise<PaddingReportOutput> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'max-length': { type: 'string' },
      'batch-size': { type: 'string' },
      mode: { type: 'string', default: 'dynamic' },
      limit: { type: 'string' },
      seed: { type: 'string' },
      epoch: { type: 'string' },
      tokenizer: { type: 'string', default: 'offline' },
    },
  });
  const mode = values.mode as PaddingMode;
  if (!MODES.includes(mode)) throw new Error(`--mode should be one of ${MODES.join(', ')}, found ${JSON.stringify(values.mode)}`);
  const maxLength = positiveInteger(values['max-length'], '--max-length', 256);
  const batchSize = positiveInteger(values['batch-size'], '--batch-size', 16);
  const seed = nonNegativeInteger(values.seed, '--seed', DEFAULT_SEED);
  const epoch = nonNegativeInteger(values.epoch, '--epoch', 0);
  const limit = positiveInteger(values.limit, '--limit', 36000);

  const started = Date.now();
  const train = generateCorpus({ seed, sizes: { train: limit, validation: 0, test: 0 } }).train;
  const tokenizer = await loadTokenizer(values.tokenizer ?? 'offline');
  const encoded = tokenizer.encodePlain(train.map((review) => review.text));
  const examples = tokenizedExamples(encoded.inputIds, train.map((review) => review.label));
  const loader = new DataLoader(examples, { batchSize, mode, maxLength, seed, padTokenId: tokenizer.padTokenId });
  const report = paddingReport(loader, epoch);
  return {
    data: { corpus: 'offline', split: 'train', seed, examples: train.length },
    tokenizer: tokenizer.source,
    epoch,
    ...report,
    seconds: (Date.now() - started) / 1000,
  };
}

const paddingReportCli: CliCommand = {
  summary:
    'padding-report [--max-length 256] [--batch-size 16] [--mode static|dynamic|grouped] [--limit N] [--seed 42] [--epoch 0]: padding of one epoch over the offline corpus train split, as JSON',
  async run(argv) {
    process.stdout.write(JSON.stringify(await paddingReportCommand(argv), null, 2) + '\n');
  },
};

export const commands: Record<string, CliCommand> = {
  tokenize,
  'padding-report': paddingReportCli,
};
