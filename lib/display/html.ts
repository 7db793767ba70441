// Tables for the notebooks: rows of records (or a danfojs DataFrame) as an HTML table, with an
// aligned plain-text version beside it for terminals and logs.
import { displayBundle, escapeHtml, type MimeBundle } from './output';

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

export interface TableOptions {
  /** Column order; default: keys of the first row, then any new keys in later rows. */
  columns?: string[];
  caption?: string;
  /** Rows shown before "… N more rows". */
  maxRows?: number;
  /** Significant digits for non-integer numbers. */
  digits?: number;
}

/** The parts of a danfojs DataFrame a table needs (structural, so danfojs stays optional here). */
export interface DataFrameLike {
  columns: string[];
  values: unknown[];
  index: (string | number)[];
}

function formatCell(value: Cell, digits: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : String(value);
  }
  return String(value);
}

function columnsOf(rows: Row[], options: TableOptions): string[] {
  if (options.columns) return options.columns;
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

interface Prepared {
  columns: string[];
  cells: string[][];
  numeric: boolean[];
  hidden: number;
}

function prepare(rows: Row[], options: TableOptions): Prepared {
  const columns = columnsOf(rows, options);
  const maxRows = options.maxRows ?? 50;
  const digits = options.digits ?? 4;
  const shown = rows.slice(0, maxRows);
  const numeric = columns.map((c) =>
    shown.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'),
  );
  const cells = shown.map((r) => columns.map((c) => formatCell(r[c], digits)));
  return { columns, cells, numeric, hidden: rows.length - shown.length };
}

export function tableHtml(rows: Row[], options: TableOptions = {}): string {
  const { columns, cells, numeric, hidden } = prepare(rows, options);
  const align = (i: number): string => (numeric[i] ? 'right' : 'left');
  const head = columns.map((c, i) => `<th style="text-align:${align(i)}">${escapeHtml(c)}</th>`).join('');
  const body = cells
    .map((row) => `<tr>${row.map((v, i) => `<td style="text-align:${align(i)}">${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('');
  const caption = options.caption
    ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>`
    : '';
  const more = hidden > 0 ? `<p style="font-size:smaller">… ${hidden} more row${hidden === 1 ? '' : 's'}</p>` : '';
  return (
    `<table class="dataframe" ` +
    `border="1">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`
  );
}

export function tableText(rows: Row[], options: TableOptions = {}): string {
  const { columns, cells, numeric, hidden } = prepare(rows, options);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (options.caption) lines.unshift(options.caption);
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export function tableBundle(rows: Row[], options: TableOptions = {}): MimeBundle {
  return { 'text/plain': tableText(rows, options), 'text/html': tableHtml(rows, options) };
}

export function showTable(rows: Row[], options: TableOptions = {}): void {
  displayBundle(tableBundle(rows, options));
}

function toCell(value: unknown): Cell {
  if (
    value === null ||
    value === undefined ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  )
    return value;
  return String(value);
}

/** Rows of a DataFrame (with its index as the first column), long strings shortened. */
export function dataFrameRows(df: DataFrameLike, options: { maxChars?: number } = {}): Row[] {
  const maxChars = options.maxChars ?? 120;
  return df.values.map((values, r) => {
    const row: Row = { '': df.index[r] };
    const list = Array.isArray(values) ? values : [values];
    df.columns.forEach((column, c) => {
      let cell = toCell(list[c]);
      if (typeof cell === 'string' && cell.length > maxChars) cell = cell.slice(0, maxChars - 1) + '…';
      row[column] = cell;
    });
    return row;
  });
}

export function showDataFrame(df: DataFrameLike, options: TableOptions & { maxChars?: number } = {}): void {
  showTable(dataFrameRows(df, options), { maxRows: 20, ...options });
}

/** Shows an HTML fragment with a plain-text alternative. */
export function showHtml(html: string, text: string): void {
  displayBundle({ 'text/plain': text, 'text/html': html });
}
