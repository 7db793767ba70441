// DataFrames of reviews and the notebook views of them: head, an info-like summary and label
// counts, each as a plain HTML table (the display layer wraps it). In a terminal, danfojs's own
// `df.print()` / `df.toString()` draw a text table instead.
import * as dfd from 'danfojs';
import type { Review } from './corpus';
import { escapeHtml } from '../display/output';
import { median } from '../metrics';

/** A DataFrame with columns `text` (string) and `label` (int32, 0 = negative, 1 = positive). */
export function reviewsToFrame(reviews: readonly Review[]): dfd.DataFrame {
  if (reviews.length === 0) return new dfd.DataFrame([], { columns: ['text', 'label'] });
  return new dfd.DataFrame(
    { text: reviews.map((r) => r.text), label: reviews.map((r) => r.label) },
    { columns: ['text', 'label'], dtypes: ['string', 'int32'] },
  );
}

/** The `{train, validation, test}` arrays of the offline corpus (or any) as DataFrames. */
export function corpusToFrames<K extends string>(splits: Record<K, readonly Review[]>): Record<K, dfd.DataFrame> {
  const out = {} as Record<K, dfd.DataFrame>;
  for (const key of Object.keys(splits) as K[]) out[key] = reviewsToFrame(splits[key]);
  return out;
}

/** Reads the text and label columns back out of a frame, checking their types. */
export function frameToReviews(frame: dfd.DataFrame): Review[] {
  if (frame.shape[0] === 0) return [];
  for (const c of ['text', 'label']) {
    if (!frame.columns.includes(c))
      throw new Error(`DataFrame: missing column '${c}' (found ${frame.columns.join(', ')})`);
  }
  const texts = frame.column('text').values as unknown[];
  const labels = frame.column('label').values as unknown[];
  return texts.map((text, i) => {
    const label = labels[i];
    if (typeof text !== 'string')
      throw new Error(`DataFrame: row ${i}, column 'text': expected a string, found ${typeof text}`);
    if (label !== 0 && label !== 1)
      throw new Error(`DataFrame: row ${i}, column 'label': expected 0 or 1, found ${String(label)}`);
    return { text, label };
  });
}

/** Cuts `s` to at most `max` characters, at a word boundary when one is near, with an ellipsis. */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + '…';
}

function table(headers: string[], rows: Array<Array<string | number>>, caption?: string): string {
  const th = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const cell = (v: unknown, i: number): string =>
    i === 0 ? `<th>${escapeHtml(String(v))}</th>` : `<td>${escapeHtml(String(v))}</td>`;
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return `<table class="dataframe">${cap}\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** The first `n` rows as an HTML table; long texts are cut to `maxChars` and everything is escaped. */
export function headHtml(frame: dfd.DataFrame, n = 5, maxChars = 120): string {
  const count = Math.min(n, frame.shape[0]);
  const columns = frame.columns;
  const rows: Array<Array<string | number>> = [];
  const values = columns.map((c) => frame.column(c).values as unknown[]);
  const index = frame.index as Array<string | number>;
  for (let i = 0; i < count; i++) {
    rows.push([
      index[i],
      ...values.map((v) => (typeof v[i] === 'string' ? truncateText(v[i] as string, maxChars) : String(v[i]))),
    ]);
  }
  return table(['', ...columns], rows, `${count} of ${frame.shape[0]} rows`);
}

export interface FrameInfo {
  rows: number;
  columns: Array<{ name: string; dtype: string; nonNull: number }>;
  /** Lengths of the `text` column, when there is one. */
  textLength?: {
    chars: { mean: number; median: number; max: number };
    words: { mean: number; median: number; max: number };
  };
}

function summary(xs: number[]): { mean: number; median: number; max: number } {
  if (xs.length === 0) return { mean: 0, median: 0, max: 0 };
  const max = xs.reduce((a, b) => Math.max(a, b), -Infinity);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: median(xs), max };
}

function isPresent(v: unknown): boolean {
  return v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v));
}

/** What pandas' `df.info()` tells, plus text lengths in characters and words. */
export function frameInfo(frame: dfd.DataFrame): FrameInfo {
  const rows = frame.shape[0];
  const dtypes = frame.dtypes as string[];
  const columns = frame.columns.map((name, i) => {
    const values = rows === 0 ? [] : (frame.column(name).values as unknown[]);
    return { name, dtype: dtypes[i] ?? 'unknown', nonNull: values.filter(isPresent).length };
  });
  const info: FrameInfo = { rows, columns };
  if (frame.columns.includes('text') && rows > 0) {
    const texts = (frame.column('text').values as unknown[]).filter((t): t is string => typeof t === 'string');
    info.textLength = {
      chars: summary(texts.map((t) => t.length)),
      words: summary(texts.map((t) => t.split(/\s+/).filter((w) => w.length > 0).length)),
    };
  }
  return info;
}

export function infoHtml(frame: dfd.DataFrame): string {
  const info = frameInfo(frame);
  const columnTable = table(
    ['#', 'column', 'non-null', 'dtype'],
    info.columns.map((c, i) => [i, c.name, `${c.nonNull} non-null`, c.dtype]),
    `${info.rows} rows, ${info.columns.length} columns`,
  );
  if (!info.textLength) return columnTable;
  const { chars, words } = info.textLength;
  const lengths = table(
    ['text length', 'mean', 'median', 'max'],
    [
      ['characters', formatNumber(chars.mean), formatNumber(chars.median), chars.max],
      ['words', formatNumber(words.mean), formatNumber(words.median), words.max],
    ],
  );
  return `${columnTable}\n${lengths}`;
}

/** Counts per value of `column` (default `label`), most frequent first, with shares. */
export function valueCounts(
  frame: dfd.DataFrame,
  column = 'label',
): Array<{ value: string; count: number; share: number }> {
  if (!frame.columns.includes(column))
    throw new Error(`valueCounts: no column '${column}' (found ${frame.columns.join(', ')})`);
  const rows = frame.shape[0];
  const counts = new Map<string, number>();
  if (rows > 0)
    for (const v of frame.column(column).values as unknown[]) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([value, count]) => ({ value, count, share: count / rows }));
}

const LABEL_NAMES: Record<string, string> = { '0': '0 (negative)', '1': '1 (positive)' };

export function valueCountsHtml(frame: dfd.DataFrame, column = 'label'): string {
  const counts = valueCounts(frame, column);
  const name = (v: string) => (column === 'label' ? (LABEL_NAMES[v] ?? v) : v);
  return table(
    [column, 'count', 'share'],
    counts.map((c) => [name(c.value), c.count, `${(100 * c.share).toFixed(1)}%`]),
  );
}
