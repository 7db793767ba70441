// Progress bars: redrawn in place in a notebook (one display_id, updated) or in a terminal (one
// line rewritten with \r); in a log or pipe, a line every few percent so nothing floods.
import { UpdatableDisplay, escapeHtml, inNotebook, yieldToEventLoop } from './output';

export type ProgressMode = 'notebook' | 'tty' | 'log' | 'silent';

export interface ProgressOptions {
  total: number;
  description?: string;
  /** What one step counts, shown in the rate: 'batch', 'example', ... */
  unit?: string;
  /** Default: notebook inside tslab, tty when the stream is a terminal, else log. */
  mode?: ProgressMode;
  /** Terminal and log output; stderr by default so stdout stays clean for JSON. */
  stream?: NodeJS.WriteStream;
  /** Log mode: one line each time this many percent more are done. */
  logEveryPercent?: number;
  /** Shortest time between two redraws (and event-loop yields). */
  minIntervalMs?: number;
  /** Steps already done before this bar started (a resumed epoch); not counted in the rate. */
  initial?: number;
}

export type ProgressValues = Record<string, number | string>;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = String(s % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}`
    : `${String(minutes).padStart(2, '0')}:${secs}`;
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toFixed(4);
}

function formatRate(perSecond: number, unit: string): string {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return `? ${unit}/s`;
  return perSecond >= 1 ? `${perSecond.toFixed(2)} ${unit}/s` : `${(1 / perSecond).toFixed(2)} s/${unit}`;
}

function detectMode(stream: NodeJS.WriteStream): ProgressMode {
  if (inNotebook()) return 'notebook';
  return stream.isTTY ? 'tty' : 'log';
}

export class ProgressBar {
  readonly total: number;
  readonly description: string;
  readonly unit: string;
  readonly mode: ProgressMode;
  count: number;
  values: ProgressValues = {};
  private readonly initial: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly logEveryPercent: number;
  private readonly minIntervalMs: number;
  private readonly startedAt = performance.now();
  private lastDrawAt = -Infinity;
  private lastLoggedPercent = -1;
  private lastLineLength = 0;
  private closed = false;
  private readonly display = new UpdatableDisplay();

  constructor(options: ProgressOptions) {
    if (!(options.total >= 0)) throw new Error(`ProgressBar: total must be >= 0, got ${options.total}`);
    this.total = options.total;
    this.description = options.description ?? '';
    this.unit = options.unit ?? 'it';
    this.stream = options.stream ?? process.stderr;
    this.mode = options.mode ?? detectMode(this.stream);
    this.logEveryPercent = options.logEveryPercent ?? 10;
    this.minIntervalMs = options.minIntervalMs ?? 200;
    this.initial = options.initial ?? 0;
    this.count = this.initial;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** The status line: description, percent, bar, count, elapsed<ETA, rate, values. */
  text(): string {
    const fraction = this.total > 0 ? Math.min(1, this.count / this.total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const elapsed = this.elapsedSeconds;
    const rate = (this.count - this.initial) / elapsed;
    const remaining = this.count > this.initial ? (this.total - this.count) / rate : NaN;
    const values = Object.entries(this.values).map(([k, v]) => `${k}=${formatValue(v)}`);
    const prefix = this.description ? `${this.description}: ` : '';
    const timing = `${formatDuration(elapsed)}<${formatDuration(remaining)}, ${formatRate(rate, this.unit)}`;
    return (
      `${prefix}${String(Math.floor(fraction * 100)).padStart(3)}% |${bar}| ${this.count}/${this.total} ` +
      `[${[timing, ...values].join(', ')}]`
    );
  }

  private html(): string {
    const percent = this.total > 0 ? Math.min(100, (100 * this.count) / this.total) : 100;
    const colour = this.closed && this.count >= this.total ? '#2ca02c' : '#1f77b4';
    return (
      '<div style="font-family:monospace;font-size:13px;white-space:pre">' +
      '<div style="display:inline-block;vertical-align:middle;width:240px;height:12px;background:#e0e0e0;' +
      'margin-right:8px">' +
      `<div style="width:${percent.toFixed(1)}%;height:12px;background:${colour}"></div></div>` +
      `<span>${escapeHtml(this.text())}</span></div>`
    );
  }

  private draw(final: boolean): void {
    if (this.mode === 'notebook') {
      if (this.display.show({ 'text/plain': this.text(), 'text/html': this.html() })) return;
    }
    if (this.mode === 'tty') {
      const line = this.text();
      this.stream.write('\r' + line.padEnd(this.lastLineLength) + (final ? '\n' : ''));
      this.lastLineLength = line.length;
      return;
    }
    if (this.mode === 'log' || this.mode === 'notebook') {
      const percent = this.total > 0 ? Math.floor((100 * this.count) / this.total) : 100;
      const step = Math.max(1, this.logEveryPercent);
      if (
        final ||
        this.lastLoggedPercent < 0 ||
        Math.floor(percent / step) > Math.floor(this.lastLoggedPercent / step)
      ) {
        if (!final || percent !== this.lastLoggedPercent) this.stream.write(this.text() + '\n');
        this.lastLoggedPercent = percent;
      }
    }
  }

  /** Advances by `n` and merges `values` into the shown values; redraws and yields at most every minIntervalMs. */
  async tick(n = 1, values?: ProgressValues): Promise<void> {
    this.count += n;
    if (values) Object.assign(this.values, values);
    if (this.mode === 'silent') return;
    const now = performance.now();
    if (now - this.lastDrawAt < this.minIntervalMs && this.count < this.total) return;
    this.lastDrawAt = now;
    this.draw(false);
    await yieldToEventLoop();
  }

  set(values: ProgressValues): void {
    Object.assign(this.values, values);
  }

  /** Final redraw (always drawn, so the saved notebook shows the finished bar). */
  async close(values?: ProgressValues): Promise<void> {
    if (this.closed) return;
    if (values) Object.assign(this.values, values);
    this.closed = true;
    if (this.mode !== 'silent') this.draw(true);
    await yieldToEventLoop();
  }
}

/** Iterates `items` with a progress bar; closes the bar when the loop ends or breaks. */
export async function* withProgress<T>(
  items: Iterable<T> & { length?: number },
  options: Omit<ProgressOptions, 'total'> & { total?: number },
): AsyncGenerator<T> {
  const total = options.total ?? items.length;
  if (total === undefined) throw new Error('withProgress: give options.total for an iterable without length');
  const bar = new ProgressBar({ ...options, total });
  try {
    for (const item of items) {
      yield item;
      await bar.tick();
    }
  } finally {
    await bar.close();
  }
}

/** A bar for `total` units; `progress` false shows none, undefined picks the display (notebook, terminal or log). */
export function progressBar(
  total: number,
  description: string,
  unit: string,
  progress: ProgressMode | false | undefined,
  initial = 0,
): ProgressBar {
  return new ProgressBar({ total, description, unit, mode: progress === false ? 'silent' : progress, initial });
}
