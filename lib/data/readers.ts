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
  /** 1-based line where the row starts, for text files (a quoted field may span lines). */
  line?: number;
  /** The column; '*' for the whole row. */
  field: string;
  message: string;
}

export function describeProblem(p: RowProblem): string {
  const row = p.row > 0 ? `row ${p.row}${p.line === undefined ? '' : ` (line ${p.line})`}` : '';
  const place = [row, p.field === '*' ? '' : `field '${p.field}'`].filter((part) => part !== '').join(', ');
  return place === '' ? `${p.file}: ${p.message}` : `${p.file}: ${place}: ${p.message}`;
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

/** Lines for a report (stderr): how many rows were skipped and the first few reasons; none if none were. */
export function skippedRowsSummary(skipped: number, problems: readonly RowProblem[], shown = 3): string[] {
  if (skipped === 0) return [];
  const rows = `${skipped} bad row${skipped === 1 ? '' : 's'}`;
  const first = `skipped ${rows}${skipped > shown ? `; the first ${shown}:` : ':'}`;
  return [first, ...problems.slice(0, shown).map((p) => `  ${describeProblem(p)}`)];
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
export function checkRow(
  file: string,
  row: number,
  text: unknown,
  label: unknown,
  columns: { text: string; label: string },
  bad: BadRows,
  line?: number,
): Review | null {
  if (typeof text !== 'string') {
    bad.report({ file, row, line, field: columns.text, message: `expected review text, found ${showValue(text)}` });
    return null;
  }
  if (text.trim().length === 0) {
    bad.report({ file, row, line, field: columns.text, message: 'empty text' });
    return null;
  }
  const parsed = parseLabel(label);
  if (parsed === null) {
    const message = `expected a label 0/1, neg/pos or negative/positive, found ${showValue(label)}`;
    bad.report({ file, row, line, field: columns.label, message });
    return null;
  }
  return { text, label: parsed };
}

/** Picks the text and label columns among `fields`, or explains which are missing. */
export function findColumns(file: string, fields: readonly string[]): { text: string; label: string } {
  const lower = new Map(fields.map((f) => [f.trim().toLowerCase(), f]));
  const text = TEXT_COLUMNS.map((c) => lower.get(c)).find((c) => c !== undefined);
  const label = LABEL_COLUMNS.map((c) => lower.get(c)).find((c) => c !== undefined);
  const missing = [
    text === undefined ? `'text' (or ${TEXT_COLUMNS.slice(1).join(', ')})` : null,
    label === undefined ? `'label' (or ${LABEL_COLUMNS.slice(1).join(', ')})` : null,
  ].filter((m) => m !== null);
  if (text === undefined || label === undefined) {
    throw new Error(
      `${file}: missing column ${missing.join(' and ')}; found columns: ` +
        `${fields.length > 0 ? fields.join(', ') : 'none'}`,
    );
  }
  return { text, label };
}

function readFileOrExplain(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`);
  }
}

// ---------------------------------------------------------------------------------------------
// UTF-8: a lenient decoder turns bad bytes into U+FFFD without a word, so the fast path is a fatal
// decoder and only a file that fails it is searched for its bad bytes.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface DecodedText {
  /** The text, byte-order mark removed; bad bytes (if any) replaced by U+FFFD. */
  text: string;
  /** Lines (1-based) holding invalid UTF-8, each with the file offset of its first bad byte. */
  invalidLines: Array<{ line: number; byte: number }>;
}

/** Offset in `bytes` of the first byte that is not valid UTF-8 (bytes.length when all are valid). */
function firstInvalidByte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let byte = 0;
  let consumed = 0;
  // Every U+FFFD before the first bad byte is a real one (EF BF BD), so byte offsets add up exactly.
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    byte += Buffer.byteLength(text.slice(consumed, i));
    if (bytes[byte] !== 0xef || bytes[byte + 1] !== 0xbf || bytes[byte + 2] !== 0xbd) return byte;
    byte += 3;
    consumed = i + 1;
  }
  return bytes.length;
}

/** Decodes UTF-8, finding every line with bad bytes (0x0A never occurs inside a multi-byte sequence). */
export function decodeUtf8(bytes: Buffer): DecodedText {
  const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  try {
    return { text: stripBom(strictUtf8.decode(bytes)), invalidLines: [] };
  } catch {
    const invalidLines: DecodedText['invalidLines'] = [];
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      const bad = firstInvalidByte(bytes.subarray(start, end));
      if (bad < end - start) invalidLines.push({ line, byte: start + bad });
      start = end + 1;
    }
    return { text: stripBom(bytes.toString('utf8')), invalidLines };
  }
}

function invalidUtf8Message(byte: number): string {
  return `invalid UTF-8 at byte ${byte} (a lenient decoder would turn it into U+FFFD)`;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** 1-based line numbers of character offsets. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  lineOf(offset: number): number {
    let [lo, hi] = [0, this.starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** A record whose quoted field never closed before a line that reads as the next row. */
interface UnclosedQuote {
  /** Character range of the damaged record (up to and including its last line break). */
  start: number;
  end: number;
  /** Where the quote opened, and the index of the field it opened. */
  quote: number;
  field: number;
  /** Where the line that looks like a new row starts. */
  nextRow: number;
}

/** True when `line`, read inside an open quoted field, closes it properly (`"` then delimiter or end). */
function closesQuote(line: string, delimiter: string): boolean {
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 2)) {
    if (line[i + 1] !== '"') return i + 1 === line.length || line[i + 1] === delimiter || line[i + 1] === '\r';
  }
  return false;
}

/**
 * Records where a quote opens a field and a line break inside it is followed by a line that reads as
 * a row of its own: an unterminated quote that would swallow the next row(s). Quoted line breaks in
 * good records (a review of two paragraphs) are left alone.
 */
function findUnclosedQuotes(
  content: string,
  delimiter: string,
  readsAsRow: (line: string) => boolean,
): UnclosedQuote[] {
  const found: UnclosedQuote[] = [];
  const lineAt = (start: number): string => {
    const end = content.indexOf('\n', start);
    return content.slice(start, end === -1 ? content.length : end);
  };
  let recordStart = 0;
  let field = 0;
  let i = 0;
  while (i < content.length) {
    if (content[i] === '"') {
      const quote = i;
      let damagedEnd = -1;
      let j = i + 1;
      while (j <= content.length) {
        const closing = content.indexOf('"', j);
        const lineBreak = content.indexOf('\n', j);
        if (lineBreak !== -1 && (closing === -1 || lineBreak < closing)) {
          const next = lineAt(lineBreak + 1);
          if (!closesQuote(next, delimiter) && readsAsRow(next)) {
            damagedEnd = lineBreak + 1;
            break;
          }
          j = lineBreak + 1;
        } else if (closing === -1) {
          j = content.length; // unterminated at the end of the file: papaparse reports it
          break;
        } else if (content[closing + 1] === '"') {
          j = closing + 2;
        } else {
          j = closing + 1;
          break;
        }
      }
      if (damagedEnd !== -1) {
        found.push({ start: recordStart, end: damagedEnd, quote, field, nextRow: damagedEnd });
        recordStart = i = damagedEnd;
        field = 0;
        continue;
      }
      i = j;
    }
    while (i < content.length && content[i] !== delimiter && content[i] !== '\n') i++;
    if (content[i] === '\n') {
      recordStart = i + 1;
      field = 0;
    } else {
      field++;
    }
    i++;
  }
  return found;
}

/** Reviews of a CSV file with a header row (tab-separated when the name ends in .tsv). */
export function readCsvReviews(file: string, bad: BadRows): Review[] {
  const decoded = decodeUtf8(readFileOrExplain(file));
  const delimiter = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  const parseOptions = { delimiter, header: false, skipEmptyLines: 'greedy' } as const;
  const header = Papa.parse<string[]>(decoded.text, { ...parseOptions, preview: 1 }).data[0] ?? [];
  const lines = new LineIndex(decoded.text);
  const headerLine = lines.lineOf(decoded.text.search(/\S/));
  const badHeaderBytes = decoded.invalidLines.find((l) => l.line <= headerLine);
  if (badHeaderBytes !== undefined) throw new Error(`${file}: header: ${invalidUtf8Message(badHeaderBytes.byte)}`);
  const columns = findColumns(file, header);
  const textIndex = header.indexOf(columns.text);
  const labelIndex = header.indexOf(columns.label);

  const readsAsRow = (line: string): boolean => {
    const fields = Papa.parse<string[]>(line.replace(/\r$/, ''), { delimiter, header: false }).data[0] ?? [];
    if (fields.length !== header.length) return false;
    return fields[textIndex].trim() !== '' && parseLabel(fields[labelIndex]) !== null;
  };
  const unclosed = findUnclosedQuotes(decoded.text, delimiter, readsAsRow);
  // Damaged records become blank lines, so papaparse resumes at the next row and line numbers hold.
  const pieces: string[] = [];
  let kept = 0;
  for (const u of unclosed) {
    pieces.push(decoded.text.slice(kept, u.start), decoded.text.slice(u.start, u.end).replace(/[^\r\n]/g, ''));
    kept = u.end;
  }
  const content = pieces.join('') + decoded.text.slice(kept);

  const contentLines = new LineIndex(content);
  const reviews: Review[] = [];
  let row = 0;
  let pendingUnclosed = 0;
  let invalidLine = 0;
  /** Reports the damaged records that start before `line`, each as its own row. */
  const reportUnclosedBefore = (line: number): void => {
    while (pendingUnclosed < unclosed.length && lines.lineOf(unclosed[pendingUnclosed].start) < line) {
      const u = unclosed[pendingUnclosed++];
      const [quoteLine, nextLine] = [lines.lineOf(u.quote), lines.lineOf(u.nextRow)];
      bad.report({
        file,
        row: ++row,
        line: lines.lineOf(u.start),
        field: header[u.field] ?? '*',
        message:
          `the quote opened on line ${quoteLine} is not closed before line ${nextLine}, ` +
          'which reads as the next row (unterminated quote)',
      });
    }
  };
  let previousEnd = 0;
  let headerSeen = false;
  Papa.parse<string[]>(content, {
    ...parseOptions,
    step: (result) => {
      const start = previousEnd + Math.max(0, content.slice(previousEnd, result.meta.cursor).search(/\S/));
      const end = result.meta.cursor;
      previousEnd = end;
      if (!headerSeen) {
        headerSeen = true;
        return;
      }
      const line = contentLines.lineOf(start);
      reportUnclosedBefore(line);
      row++;
      const lastLine = contentLines.lineOf(Math.max(start, end - 1));
      while (invalidLine < decoded.invalidLines.length && decoded.invalidLines[invalidLine].line < line) invalidLine++;
      const invalid = decoded.invalidLines[invalidLine];
      const fields = result.data;
      const problem =
        invalid !== undefined && invalid.line <= lastLine
          ? invalidUtf8Message(invalid.byte)
          : result.errors.length > 0
            ? `${result.errors[0].message} (${result.errors[0].code})`
            : fields.length !== header.length
              ? `expected ${header.length} fields, found ${fields.length}`
              : null;
      if (problem !== null) {
        bad.report({ file, row, line, field: '*', message: problem });
        return;
      }
      const review = checkRow(file, row, fields[textIndex], fields[labelIndex], columns, bad, line);
      if (review) reviews.push(review);
    },
  });
  reportUnclosedBefore(Infinity);
  if (row === 0) {
    const headerText = header.join(delimiter === '\t' ? '\\t' : delimiter);
    throw new Error(`${file}: no rows (the file holds only the header ${headerText})`);
  }
  return reviews;
}

/** Reviews of a Parquet file (hyparquet reads PLAIN/dictionary pages, uncompressed or snappy). */
export async function readParquetReviews(file: string, bad: BadRows): Promise<Review[]> {
  const bytes = readFileOrExplain(file);
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let fields: string[];
  try {
    fields = parquetMetadata(arrayBuffer)
      .schema.slice(1)
      .map((s) => s.name);
  } catch (err) {
    throw new Error(`${file}: not a readable Parquet file (${(err as Error).message})`);
  }
  const columns = findColumns(file, fields);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await parquetReadObjects({
      file: {
        byteLength: arrayBuffer.byteLength,
        slice: (start: number, end?: number) => arrayBuffer.slice(start, end),
      },
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
  for (const [folder, label] of [
    ['neg', 0],
    ['pos', 1],
  ] as const) {
    const dir = path.join(root, split, folder);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${dir}: missing folder (an aclImdb folder holds train/pos, train/neg, test/pos and test/neg)`);
    }
    const names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.txt'))
      .sort(byReviewId);
    if (names.length === 0) throw new Error(`${dir}: no .txt reviews in this folder`);
    for (const name of names) {
      const file = path.join(dir, name);
      const { text, invalidLines } = decodeUtf8(readFileOrExplain(file));
      if (invalidLines.length > 0) {
        bad.report({ file, row: 0, field: '*', message: invalidUtf8Message(invalidLines[0].byte) });
        continue;
      }
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
