// `ft-roberta tokenize` and `ft-roberta padding-report`.
import { DataLoader, paddingReport, tokenizedExamples, type PaddingMode, type PaddingReport } from '../batching';
import { generateCorpus } from '../data/corpus';
import { loadTokenizer } from '../tokenizer';
import { UsageError, parseCommandArgs } from './args';
import { PADDING_REPORT, TOKENIZE } from './specs';
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

export interface TokenizeLine {
  tokens: string[];
  input_ids: number[];
  attention_mask: number[];
}

/** What `tokenize` prints, one object per text. */
export async function tokenizeCommand(argv: string[]): Promise<TokenizeLine[]> {
  const args = parseCommandArgs(TOKENIZE, argv);
  const padding = args.string('padding');
  if (padding !== undefined && padding !== 'max_length') {
    throw new UsageError(`--padding should be 'max_length', found ${JSON.stringify(padding)}`);
  }
  const givenMaxLength = args.string('max-length') === undefined ? null : args.integer('max-length', 0);
  const texts = args.positionals;
  const tokenizer = await loadTokenizer(args.string('tokenizer') ?? 'offline');
  const encoded =
    padding === 'max_length'
      ? // Like Hugging Face: padding to max_length without a length means the model's limit.
        tokenizer.encodeStatic(texts, givenMaxLength ?? tokenizer.modelMaxLength)
      : givenMaxLength !== null
        ? tokenizer.encodeDynamic(texts, givenMaxLength)
        : tokenizer.encodePlain(texts);
  return encoded.inputIds.map((ids, i) => ({
    tokens: args.flag('readable') ? tokenizer.readableTokenStrings(ids) : tokenizer.tokenStrings(ids),
    input_ids: ids,
    attention_mask: encoded.attentionMask[i],
  }));
}

const tokenize: CliCommand = {
  spec: TOKENIZE,
  summary: TOKENIZE.summary,
  async run(argv) {
    for (const line of await tokenizeCommand(argv)) process.stdout.write(JSON.stringify(line) + '\n');
  },
};

/** What `padding-report` prints: the report of one epoch over the offline corpus's train split. */
export async function paddingReportCommand(argv: string[]): Promise<PaddingReportOutput> {
  const args = parseCommandArgs(PADDING_REPORT, argv);
  const mode = args.oneOf('mode', MODES, 'dynamic');
  const maxLength = args.integer('max-length', 256);
  const batchSize = args.integer('batch-size', 16);
  const seed = args.integer('seed', DEFAULT_SEED, 0);
  const epoch = args.integer('epoch', 0, 0);
  const limit = args.integer('limit', 36000);

  const started = Date.now();
  const train = generateCorpus({ seed, sizes: { train: limit, validation: 0, test: 0 } }).train;
  const tokenizer = await loadTokenizer(args.string('tokenizer') ?? 'offline');
  const encoded = tokenizer.encodePlain(train.map((review) => review.text));
  const examples = tokenizedExamples(
    encoded.inputIds,
    train.map((review) => review.label),
  );
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
  spec: PADDING_REPORT,
  summary: PADDING_REPORT.summary,
  async run(argv) {
    process.stdout.write(JSON.stringify(await paddingReportCommand(argv), null, 2) + '\n');
  },
};

export const commands: Record<string, CliCommand> = {
  tokenize,
  'padding-report': paddingReportCli,
};
