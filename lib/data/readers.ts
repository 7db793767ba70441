// Readers for labelled review files: CSV (papaparse), Parquet (hyparquet) and the Stanford aclImdb
// folder layout. Every bad row is reported with its file, row and field; with `skipBadRows` the
// row is skipped and counted instead.
import * as fs from 'fs';
import * as path from 'path';
import Papa from 'papaparse';
import type { Review } from './corpus';

/** Column names accepted for the review text and its label (Kaggle's IMDb CSV uses review/sentiment). */
export const TEXT_COLUMNS = ['text', 'review', 'sentence'];
export const LABEL_COLUMNS = ['label', 'sentiment', 'labels'];

export interface RowProblem {
  file: string;
  /** 1-based data row (the header row is not counted); 0 for problems with the whole file. */
  row: number;
  field: string;
  message: string;
}

export function describeProblem(p: RowProblem): string {
  return p.row > 0 ? `${p.file}: row ${p.row}, field '${p.field}': ${p.message}` : `${p.file}: field '${p.field}': ${p.message}`;
}

/** Collects bad rows: throws on the first one, or counts them when skipping is on. */
export class BadRows {
  skipped = 0;
  /** The first few problems, for a report. */
  readonly examples: RowProblem[] = [];

  constructor(readonly skip: boolean) {}

  report(problem: RowProblem): void {
    if (!this.skip) throw new Error(describeProblem(problem));
    this.skipped++;
    if (this.examples.length < 20) this.examples.push(problem);
  }
}

const LABEL_WORDS: Record<string, number> = { '0': 0, '1': 1, neg: 0, pos: 1, negative: 0, positive: 1 };

/** 0/1 (numbers, bigints or strings), neg/pos or negative/positive, any case; otherwise null. */
export function parseLabel(value: unknown): number | null {
  if (typeof value === 'number') return value === 0 || value === 1 ? value : null;
  if (typeof value === 'bigint') return value === 0n || value === 1n ? Number(value) : null;
  if (typeof value === 'boolean') return null;
  if (typeof value !== 'string') return null;
  const label = LABEL_WORDS[value.trim().toLowerCase()];
  return label === undefined ? null : label;
}

function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}`;
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Checks one row's text and label, reporting what is wrong. */
export function checkRow(file: string, row: number, text: unknown, label: unknown, columns: { text: string; label: string }, bad: BadRows): Review | null {
  if (typeof text !== 'string') {
    bad.report({ file, row, field: columns.text, message: `expected review text, found ${showValue(text)}` });
    return null;
  }
  if (text.trim().length === 0) {
    bad.report({ file, row, field: columns.text, message: 'empty text' });
    return null;
  }
  const parsed = parseLabel(label);
  if (parsed === null) {
    bad.report({ file, row, field: columns.label, message: `expected a label 0/1, neg/pos or negative/positive, found ${showValue(label)}` });
    return null;
  }
  return { text, label: parsed };
}

/** Picks the text and label columns among `fields`, or explains which are missing. */
export function findColumns(file: string, fields: readonly string[]): { text: string; label: string } {
  const lower = new Map(fields.map((f) => [f.trim().toLowerCase(), f]));
  const text = TEXT_COLUMNS.map((c) => lower.get(c)).find((c) => c !== undefined);
  const label = LABEL_COLUMNS.map((c) => lower.get(c)).find((c) => c !== undefined);
  const missing = [text === undefined ? `'text' (or ${TEXT_COLUMNS.slice(1).join(', ')})` : null, label === undefined ? `'label' (or ${LABEL_COLUMNS.slice(1).join(', ')})` : null].filter((m) => m !== null);
  if (text === undefined || label === undefined) {
    throw new Error(`${file}: missing column ${missing.join(' and ')}; found columns: ${fields.length > 0 ? fields.join(', ') : 'none'}`);
  }
  return { text, label };
}

function readFileOrExplain(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: cannot read (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`);
  }
}

/** Reviews of a CSV file with a header row (tab-separated when the name ends in .tsv). */
export function readCsvReviews(file: string, bad: BadRows): Review[] {
  const content = readFileOrExplain(file).toString('utf8').replace(/^\uFEFF/, '');
  const parsed = Papa.parse<Record<string, unknown>>(content, {
    header: true,
    skipEmptyLines: 'greedy',
    delimiter: file.toLowerCase().endsWith('.tsv') ? '\t' : undefined,
  });
  const columns = findColumns(file, parsed.meta.fields ?? []);
  // papaparse numbers data rows from 0; a row with several problems is reported once.
  const unparsable = new Map<number, string>();
  for (const e of parsed.errors) {
    if (e.row === undefined) throw new Error(`${file}: cannot parse CSV (${e.message})`);
    if (!unparsable.has(e.row)) unparsable.set(e.row, `${e.message} (${e.code})`);
  }
  const reviews: Review[] = [];
  parsed.data.forEach((record, i) => {
    const problem = unparsable.get(i);
    if (problem !== undefined) {
      bad.report({ file, row: i + 1, field: '*', message: `unparsable row: ${problem}` });
      return;
    }
    const review = checkRow(file, i + 1, record[columns.text], record[columns.label], columns, bad);
    if (review) reviews.push(review);
  });
  return reviews;
}

/** Reviews of a Parquet file (hyparquet reads PLAIN/dictionary pages, uncompressed or snappy). */
export async function readParquetReviews(file: string, bad: BadRows): Promise<Review[]> {
  const bytes = readFileOrExplain(file);
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let fields: string[];
  try {
    fields = parquetMetadata(arrayBuffer).schema.slice(1).map((s) => s.name);
  } catch (err) {
    throw new Error(`${file}: not a readable Parquet file (${(err as Error).message})`);
  }
  const columns = findColumns(file, fields);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await parquetReadObjects({
      file: { byteLength: arrayBuffer.byteLength, slice: (start: number, end?: number) => arrayBuffer.slice(start, end) },
      columns: [columns.text, columns.label],
    });
  } catch (err) {
    throw new Error(`${file}: cannot read Parquet data (${(err as Error).message})`);
  }
  const reviews: Review[] = [];
  rows.forEach((record, i) => {
    const review = checkRow(file, i + 1, record[columns.text], record[columns.label], columns, bad);
    if (review) reviews.push(review);
  });
  return reviews;
}

/** Reads a table by extension: .csv, .tsv or .parquet. */
export async function readTableReviews(file: string, bad: BadRows): Promise<Review[]> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet')) return readParquetReviews(file, bad);
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return readCsvReviews(file, bad);
  throw new Error(`${file}: unsupported file type (expected .csv, .tsv or .parquet)`);
}

/** Sorts aclImdb names like `123_8.txt` by their numeric id, so the order is the same everywhere. */
function byReviewId(a: string, b: string): number {
  const ia = parseInt(a, 10);
  const ib = parseInt(b, 10);
  return Number.isNaN(ia) || Number.isNaN(ib) || ia === ib ? (a < b ? -1 : a > b ? 1 : 0) : ia - ib;
}

/** One split of the Stanford layout: `<dir>/<split>/pos/*.txt` (label 1) and `.../neg/*.txt` (label 0). */
export function readAclImdbSplit(root: string, split: 'train' | 'test', bad: BadRows): Review[] {
  const reviews: Review[] = [];
  for (const [folder, label] of [['neg', 0], ['pos', 1]] as const) {
    const dir = path.join(root, split, folder);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${dir}: missing folder (an aclImdb folder holds train/pos, train/neg, test/pos and test/neg)`);
    }
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.txt')).sort(byReviewId);
    if (names.length === 0) throw new Error(`${dir}: no .txt reviews in this folder`);
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readFileOrExplain(file).toString('utf8');
      if (text.trim().length === 0) {
        bad.report({ file, row: 1, field: 'text', message: 'empty review file' });
        continue;
      }
      reviews.push({ text, label });
    }
  }
  return reviews;
}

/** True when `dir` looks like the Stanford aclImdb folder. */
export function isAclImdbFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'train', 'pos')) && fs.existsSync(path.join(dir, 'train', 'neg'));
}
