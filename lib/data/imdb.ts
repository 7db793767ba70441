// loadImdb: one entry point for every data source of the workshop, returning danfojs DataFrames
// with columns `text` and `label` (0 = negative, 1 = positive) for train, validation and test.
//
//   loadImdb('offline')                          the generated corpus (no download)
//   loadImdb('offline', {unsupervised: true})    plus 50,000 unlabelled reviews for pretraining
//   loadImdb('jahjinx/IMDb_movie_reviews')       a Hub dataset: CSV or Parquet split files
//   loadImdb('stanfordnlp/imdb')                 (no validation split: carved from train)
//   loadImdb('/data/aclImdb')                    the Stanford folder layout
//   loadImdb('/data/reviews.csv')                one local table (or a folder of split files)
import * as fs from 'fs';
import * as path from 'path';
import type * as dfd from 'danfojs';
import { hubDownload, hubIdOf, hubListFiles, type HubOptions } from '../hub';
import {
  DEFAULT_SIZES,
  DEFAULT_UNSUPERVISED_SIZE,
  SPLITS,
  generateSplit,
  type CorpusSizes,
  type Review,
  type Split,
} from './corpus';
import { corpusToFrames, reviewsToFrame } from './frames';
import { permutation, rngFor } from '../random';
import { BadRows, isAclImdbFolder, readAclImdbSplit, readTableReviews, type RowProblem } from './readers';

/** The real data of the original workshop (CSV splits 36000 / 4000 / 10000). */
export const DEFAULT_IMDB_DATASET = 'jahjinx/IMDb_movie_reviews';

export interface LoadImdbOptions {
  /** Seeds the offline corpus, shuffling and carved splits. Default 42. */
  seed?: number;
  /** Keep at most this many rows per split (after shuffling); a number applies to every split. */
  limit?: number | Partial<Record<Split, number>>;
  /** Offline corpus only: split sizes (default 36000 / 4000 / 10000). */
  sizes?: Partial<CorpusSizes>;
  /** Share of train carved off as validation when a source has none. Default 0.1. */
  validationShare?: number;
  /** Share carved off as test when a source has no test split (a single CSV). Default 0.2. */
  testShare?: number;
  /** Shuffle real data with the seed (aclImdb and stanfordnlp/imdb come sorted by label). Default true. */
  shuffle?: boolean;
  /** Skip bad rows (and count them) instead of failing on the first one. Default false. */
  skipBadRows?: boolean;
  /** Hub download settings (endpoint, cache, revision, token, offline). */
  hub?: HubOptions;
  /**
   * Offline corpus only: also return unlabelled reviews (label -1) for pretraining, none of them a
   * repeat of a labelled one; `true` for IMDb's 50,000, or a number.
   */
  unsupervised?: boolean | number;
}

export interface ImdbSplits {
  train: dfd.DataFrame;
  validation: dfd.DataFrame;
  test: dfd.DataFrame;
  /** Rows skipped as bad (always 0 unless skipBadRows). */
  skipped: number;
  /** The first few skipped rows and why. */
  problems: RowProblem[];
  /** Where each split came from: file names, or how it was made. */
  origin: Record<Split, string>;
  /** Unlabelled reviews (column `label` is -1), when asked for with `unsupervised`. */
  unsupervised?: dfd.DataFrame;
}

type SplitReviews = Record<Split, Review[]>;

/** Names split files: IMDB_train.csv, plain_text/test-00000-of-00001.parquet, data/valid.csv ... */
export function splitOfFile(file: string): Split | null {
  const base = path.posix.basename(file).toLowerCase();
  if (!/\.(csv|tsv|parquet)$/.test(base)) return null;
  const words = base.replace(/\.(csv|tsv|parquet)$/, '').split(/[^a-z0-9]+/);
  if (words.some((w) => w === 'unsupervised' || w === 'unsup' || w === 'unlabeled' || w === 'unlabelled')) return null;
  if (words.some((w) => w === 'train' || w === 'training')) return 'train';
  if (words.some((w) => w === 'validation' || w === 'valid' || w === 'val' || w === 'dev')) return 'validation';
  if (words.some((w) => w === 'test' || w === 'testing')) return 'test';
  return null;
}

/** Groups a repository's (or folder's) files by split; Parquet wins over CSV when both exist. */
export function discoverSplitFiles(files: readonly string[]): Partial<Record<Split, string[]>> {
  const found: Partial<Record<Split, string[]>> = {};
  for (const split of SPLITS) {
    const candidates = files.filter((f) => splitOfFile(f) === split).sort();
    const parquet = candidates.filter((f) => f.toLowerCase().endsWith('.parquet'));
    const chosen = parquet.length > 0 ? parquet : candidates;
    if (chosen.length > 0) found[split] = chosen;
  }
  return found;
}

/** A seeded random split of `reviews` into (kept, carved) with `share` of them carved. */
function carve(reviews: Review[], share: number, seed: number, what: string): [Review[], Review[]] {
  if (!(share > 0 && share < 1)) throw new Error(`${what}: share must be between 0 and 1, found ${share}`);
  const order = permutation(rngFor(seed, 'carve', what), reviews.length);
  const carvedCount = Math.round(reviews.length * share);
  const carved = order
    .slice(0, carvedCount)
    .sort((a, b) => a - b)
    .map((i) => reviews[i]);
  const kept = order
    .slice(carvedCount)
    .sort((a, b) => a - b)
    .map((i) => reviews[i]);
  return [kept, carved];
}

function limitFor(options: LoadImdbOptions, split: Split): number | undefined {
  const { limit } = options;
  const n = typeof limit === 'number' ? limit : limit?.[split];
  if (n !== undefined && (!Number.isInteger(n) || n < 0))
    throw new Error(`loadImdb: limit for ${split} must be a non-negative integer, found ${n}`);
  return n;
}

function finish(
  splits: SplitReviews,
  options: LoadImdbOptions,
  shuffle: boolean,
  bad: BadRows,
  origin: Record<Split, string>,
): ImdbSplits {
  const seed = options.seed ?? 42;
  const out = {} as SplitReviews;
  for (const split of SPLITS) {
    let reviews = splits[split];
    if (shuffle) reviews = permutation(rngFor(seed, 'shuffle', split), reviews.length).map((i) => reviews[i]);
    const limit = limitFor(options, split);
    out[split] = limit === undefined ? reviews : reviews.slice(0, limit);
  }
  return { ...corpusToFrames(out), skipped: bad.skipped, problems: bad.examples, origin };
}

async function readSplitFiles(
  files: Partial<Record<Split, string[]>>,
  localPath: (f: string) => Promise<string>,
  bad: BadRows,
  seed: number,
  options: LoadImdbOptions,
  where: string,
): Promise<{ splits: SplitReviews; origin: Record<Split, string> }> {
  if (!files.train) {
    throw new Error(
      `${where}: no train split file found (looked for .csv/.tsv/.parquet names containing train, ` +
        `validation|valid|val|dev, test)`,
    );
  }
  const read = async (list: string[]): Promise<Review[]> => {
    const all: Review[] = [];
    for (const f of list) all.push(...(await readTableReviews(await localPath(f), bad)));
    return all;
  };
  let train = await read(files.train);
  const origin = { train: files.train.join(', ') } as Record<Split, string>;
  // A split without its own files is carved out of train (validation first, then test).
  const readOrCarve = async (
    split: 'validation' | 'test',
    listed: string[] | undefined,
    share: number,
  ): Promise<Review[]> => {
    if (listed) {
      origin[split] = listed.join(', ');
      return read(listed);
    }
    let carved: Review[];
    [train, carved] = carve(train, share, seed, `${where} ${split}`);
    origin[split] = `${Math.round(share * 100)}% of train, seed ${seed}`;
    return carved;
  };
  const validation = await readOrCarve('validation', files.validation, options.validationShare ?? 0.1);
  const test = await readOrCarve('test', files.test, options.testShare ?? 0.2);
  return { splits: { train, validation, test }, origin };
}

function loadOffline(options: LoadImdbOptions): ImdbSplits {
  const seed = options.seed ?? 42;
  const sizes = { ...DEFAULT_SIZES, ...options.sizes };
  const splits = {} as SplitReviews;
  for (const split of SPLITS) {
    const limit = limitFor(options, split);
    const count = limit === undefined ? sizes[split] : Math.min(limit, sizes[split]);
    splits[split] = generateSplit(seed, split, count).map(({ text, label }) => ({ text, label }));
  }
  const origin = {
    train: `offline corpus, seed ${seed}`,
    validation: `offline corpus, seed ${seed}`,
    test: `offline corpus, seed ${seed}`,
  };
  const out: ImdbSplits = { ...corpusToFrames(splits), skipped: 0, problems: [], origin };
  const unsupervised = unsupervisedCount(options);
  if (unsupervised > 0) {
    const reviews = generateSplit(seed, 'unsupervised', unsupervised);
    out.unsupervised = reviewsToFrame(reviews.map(({ text, label }) => ({ text, label })));
  }
  return out;
}

function unsupervisedCount(options: LoadImdbOptions): number {
  const { unsupervised } = options;
  if (unsupervised === undefined || unsupervised === false) return 0;
  if (unsupervised === true) return DEFAULT_UNSUPERVISED_SIZE;
  if (!Number.isInteger(unsupervised) || unsupervised < 0) {
    throw new Error(`loadImdb: unsupervised must be true, false or a non-negative integer, found ${unsupervised}`);
  }
  return unsupervised;
}

async function loadLocalTable(file: string, options: LoadImdbOptions, bad: BadRows): Promise<ImdbSplits> {
  const seed = options.seed ?? 42;
  const all = await readTableReviews(file, bad);
  const testShare = options.testShare ?? 0.2;
  const validationShare = options.validationShare ?? 0.1;
  const [rest, test] = carve(all, testShare, seed, `${file} test`);
  // validationShare is a share of the whole table, like testShare.
  const [train, validation] = carve(rest, validationShare / (1 - testShare), seed, `${file} validation`);
  const origin = {
    train: `${file} (the rest)`,
    validation: `${file} (${Math.round(validationShare * 100)}%, seed ${seed})`,
    test: `${file} (${Math.round(testShare * 100)}%, seed ${seed})`,
  };
  return finish({ train, validation, test }, options, options.shuffle ?? true, bad, origin);
}

function listFolder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(d, entry.name), rel);
      else out.push(rel);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Loads IMDb reviews from `source` ('offline', a Hub dataset id, an aclImdb folder, a folder of
 * split files, or one CSV/Parquet file) as `{train, validation, test}` DataFrames.
 */
export async function loadImdb(source: string = 'offline', options: LoadImdbOptions = {}): Promise<ImdbSplits> {
  if (source === 'offline') return loadOffline(options);
  if (unsupervisedCount(options) > 0) {
    throw new Error(
      `loadImdb: the unsupervised option is only for the 'offline' corpus, found source ${JSON.stringify(source)}`,
    );
  }
  const seed = options.seed ?? 42;
  const bad = new BadRows(options.skipBadRows ?? false);
  const shuffle = options.shuffle ?? true;

  if (fs.existsSync(source)) {
    const stat = fs.statSync(source);
    if (stat.isFile()) return loadLocalTable(source, options, bad);
    const root = isAclImdbFolder(source)
      ? source
      : isAclImdbFolder(path.join(source, 'aclImdb'))
        ? path.join(source, 'aclImdb')
        : null;
    if (root !== null) {
      const [train, validation] = carve(
        readAclImdbSplit(root, 'train', bad),
        options.validationShare ?? 0.1,
        seed,
        `${root} validation`,
      );
      const test = readAclImdbSplit(root, 'test', bad);
      const origin = {
        train: path.join(root, 'train'),
        validation:
          `${Math.round((options.validationShare ?? 0.1) * 100)}% of ${path.join(root, 'train')}, seed ` + `${seed}`,
        test: path.join(root, 'test'),
      };
      return finish({ train, validation, test }, options, shuffle, bad, origin);
    }
    const { splits, origin } = await readSplitFiles(
      discoverSplitFiles(listFolder(source)),
      async (f) => path.join(source, f),
      bad,
      seed,
      options,
      source,
    );
    return finish(splits, options, shuffle, bad, origin);
  }

  hubIdOf(source, "loadImdb: expected 'offline', an existing file or folder, or a Hub dataset id (owner/name)");
  const hub: HubOptions = { ...options.hub, repoType: 'dataset' };
  const files = await hubListFiles(source, hub);
  const { splits, origin } = await readSplitFiles(
    discoverSplitFiles(files),
    (f) => hubDownload(source, f, hub),
    bad,
    seed,
    options,
    `dataset ${source}`,
  );
  return finish(splits, options, shuffle, bad, origin);
}
