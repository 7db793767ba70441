// `ft-roberta corpus`: the offline corpus as JSON lines, `{"text": ..., "label": ...}` per review.
import { parseArgs } from 'node:util';
import {
  DEFAULT_SIZES, DEFAULT_UNSUPERVISED_SIZE, SPLITS, corpusStats, generateReview, generateSplit, type CorpusSplit,
} from '../data/corpus';
import type { CliCommand } from './types';

const CORPUS_SPLITS: readonly CorpusSplit[] = [...SPLITS, 'unsupervised'];
const USAGE =
  'ft-roberta corpus [--seed S] [--split train|validation|test|unsupervised] [--limit N] [--details] [--stats]';

function integerFlag(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new Error(`corpus: ${flag} should be an integer >= ${min}, found ${JSON.stringify(value)}\nusage: ${USAGE}`);
  }
  return Number(value);
}

export interface CorpusCommandOptions {
  seed: number;
  split: CorpusSplit;
  limit: number;
  details: boolean;
  stats: boolean;
}

export function parseCorpusArgs(argv: string[]): CorpusCommandOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      split: { type: 'string', default: 'train' },
      limit: { type: 'string' },
      details: { type: 'boolean', default: false },
      stats: { type: 'boolean', default: false },
    },
  });
  const split = values.split as CorpusSplit;
  if (!CORPUS_SPLITS.includes(split)) {
    const expected = CORPUS_SPLITS.join(', ');
    throw new Error(`corpus: --split should be one of ${expected}, found ${JSON.stringify(values.split)}`);
  }
  return {
    seed: integerFlag(values.seed, '--seed', 42, 0),
    split,
    limit: integerFlag(
      values.limit,
      '--limit',
      split === 'unsupervised' ? DEFAULT_UNSUPERVISED_SIZE : DEFAULT_SIZES[split],
      0,
    ),
    details: values.details ?? false,
    stats: values.stats ?? false,
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
    await writeLine(JSON.stringify({ seed: options.seed, split: options.split, ...corpusStats(generateSplit(options.seed, options.split, options.limit)) }));
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
  corpus: {
    summary:
      'print the offline IMDb-like corpus as JSON lines {"text", "label"} ' +
      '(label -1 in the unsupervised split; --stats: lengths, kinds, balance)',
    run: runCorpus,
  },
};
