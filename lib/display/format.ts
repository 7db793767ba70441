// Small pieces every notebook display shares: paths as the reader sees them, number formats, a
// warning box, and showChart (a live chart with an SVG image beside it).
import * as path from 'path';
import { displayBundle, escapeHtml } from './output';
import { chartBundle, chartMode, type Chart, type ChartMode } from './plots';
import { REPO_ROOT } from '../defaults';

/** A path as the reader should see it: relative to the repository when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

export const percent = (share: number, digits = 1): string => `${(100 * share).toFixed(digits)}%`;

export const fixed = (value: number | undefined, digits = 4): string =>
  value === undefined ? '' : value.toFixed(digits);

/** A warning box. */
export function warningHtml(text: string): string {
  return (
    `<div style="background:#fff4e5;border-left:4px solid #e8a33d;padding:6px 10px;margin:6px ` +
    `0">${escapeHtml(text)}</div>`
  );
}

const round4 = (x: number): number => Number(x.toPrecision(4));

/** A short text for a line chart with long series (the display layer's summary lists every value). */
function lineSummary(chart: Chart): string | null {
  if (chart.kind !== 'line' || chart.series.every((s) => s.y.length <= 12)) return null;
  const parts = chart.series.map((s) => {
    const min = s.y.reduce((a, b) => Math.min(a, b), Infinity);
    const max = s.y.reduce((a, b) => Math.max(a, b), -Infinity);
    return (
      `${s.name}: ${s.y.length} points, first ${round4(s.y[0])}, last ${round4(s.y[s.y.length - 1])}, range ` +
      `${round4(min)}–${round4(max)}`
    );
  });
  return `${chart.title}: ${parts.join('; ')}`;
}

/**
 * Shows a chart: a live plotly chart in a notebook, with an SVG image beside it for GitHub and
 * untrusted notebooks; only the SVG when FT_ROBERTA_CHARTS=static (see lib/display/plots.ts).
 */
export function showChart(chart: Chart, mode: ChartMode = chartMode()): void {
  const bundle = chartBundle(chart, mode);
  const summary = lineSummary(chart);
  if (summary !== null) bundle['text/plain'] = summary;
  displayBundle(bundle);
}
