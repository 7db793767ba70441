// `ft-roberta corpus`: the offline corpus as JSON lines, `{"text": ..., "label": ...}` per review.
import {
  DEFAULT_SIZES,
  DEFAULT_UNSUPERVISED_SIZE,
  SPLITS,
  corpusStats,
  generateReview,
  generateSplit,
  type CorpusSplit,
} from '../data/corpus';
import { parseCommandArgs } from './args';
import { CORPUS } from './specs';
import type { CliCommand } from './types';

const CORPUS_SPLITS: readonly CorpusSplit[] = [...SPLITS, 'unsupervised'];

export interface CorpusCommandOptions {
  seed: number;
  split: CorpusSplit;
  limit: number;
  details: boolean;
  stats: boolean;
}

export function parseCorpusArgs(argv: string[]): CorpusCommandOptions {
  const args = parseCommandArgs(CORPUS, argv);
  const split = args.oneOf('split', CORPUS_SPLITS, 'train');
  return {
    seed: args.integer('seed', 42, 0),
    split,
    limit: args.integer('limit', split === 'unsupervised' ? DEFAULT_UNSUPERVISED_SIZE : DEFAULT_SIZES[split], 0),
    details: args.flag('details'),
    stats: args.flag('stats'),
  };
}

/** Writes a line, waiting when stdout's buffer is full (a 36000-review split is ~50 MB). */
function writeLine(line: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(line + '\n')) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

export async function runCorpus(argv: string[]): Promise<void> {
  const options = parseCorpusArgs(argv);
  if (options.stats) {
    const stats = corpusStats(generateSplit(options.seed, options.split, options.limit));
    await writeLine(JSON.stringify({ seed: options.seed, split: options.split, ...stats }));
    return;
  }
  for (let i = 0; i < options.limit; i++) {
    const r = generateReview(options.seed, options.split, i);
    const record = options.details
      ? { text: r.text, label: r.label, sentiment: r.sentiment, kind: r.kind, target_tokens: r.targetTokens }
      : { text: r.text, label: r.label };
    await writeLine(JSON.stringify(record));
  }
}

export const commands: Record<string, CliCommand> = {
  corpus: { spec: CORPUS, summary: CORPUS.summary, run: runCorpus },
};
