// A small SVG renderer for the four chart kinds the notebooks draw. It is the static picture in
// every chart's display bundle: what GitHub, untrusted notebooks and the committed notebooks show.
import { escapeHtml } from './output';
import type { BarChart, Chart, HeatmapChart, HistogramChart, LineChart } from './charts';

export const PALETTE = ['#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a', '#19d3f3', '#ff6692', '#b6e880'];

const WIDTH = 680;
const HEIGHT = 380;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Round tick values covering [min, max] (1, 2, 2.5 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (min === max) return [min];
  const rough = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

const text = (x: number, y: number, content: string, attrs = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attrs}>${escapeHtml(content)}</text>`;

function frameFor(chart: Chart, legendEntries: number): Frame {
  return { left: 70, right: WIDTH - (legendEntries > 1 ? 150 : 24), top: 44, bottom: HEIGHT - 56 };
}

/** The y-axis title, rotated, centred on the plot area. */
function yAxisLabel(f: Frame, label: string): string {
  const midY = (f.top + f.bottom) / 2;
  return text(18, midY, label, `font-size="13" text-anchor="middle" fill="#2a3f5f" transform="rotate(-90 18 ${midY})"`);
}

function axes(f: Frame, chart: Chart, yTicks: number[], yScale: (v: number) => number): string {
  const parts = [
    text(WIDTH / 2, 24, chart.title, 'font-size="16" text-anchor="middle" fill="#2a3f5f"'),
    `<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="#e5ecf6"/>`,
  ];
  for (const t of yTicks) {
    const y = yScale(t);
    parts.push(`<line x1="${f.left}" x2="${f.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#fff"/>`);
    parts.push(text(f.left - 6, y + 4, formatTick(t), 'font-size="11" text-anchor="end" fill="#2a3f5f"'));
  }
  parts.push(
    text((f.left + f.right) / 2, HEIGHT - 12, chart.xLabel ?? '', 'font-size="13" text-anchor="middle" fill="#2a3f5f"'),
  );
  parts.push(yAxisLabel(f, chart.yLabel));
  return parts.join('');
}

function legend(f: Frame, names: string[]): string {
  if (names.length < 2) return '';
  return names
    .map((name, i) => {
      const y = f.top + 8 + i * 20;
      return (
        `<rect x="${f.right + 12}" y="${y}" width="14" height="10" fill="${PALETTE[i % PALETTE.length]}"/>` +
        text(f.right + 32, y + 9, name, 'font-size="12" fill="#2a3f5f"')
      );
    })
    .join('');
}

function linearScale(domainMin: number, domainMax: number, rangeMin: number, rangeMax: number): (v: number) => number {
  const span = domainMax - domainMin || 1;
  return (v) => rangeMin + ((v - domainMin) / span) * (rangeMax - rangeMin);
}

function paddedRange(values: number[], includeZero: boolean): [number, number] {
  const finite = values.filter(Number.isFinite);
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  if (includeZero) min = Math.min(0, min);
  if (min === max) [min, max] = [min - 1, max + 1];
  const pad = includeZero && min === 0 ? 0 : (max - min) * 0.08;
  return [min - pad, max + (max - min) * 0.08];
}

function svgDocument(body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ` +
    `${HEIGHT}"><rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>${body}</svg>`
  );
}

function renderLine(chart: LineChart): string {
  const f = frameFor(chart, chart.series.length);
  const xs = chart.series.flatMap((s) => s.x);
  const ys = chart.series.flatMap((s) => s.y);
  const [yMin, yMax] = paddedRange(ys, false);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const xScale = linearScale(xMin, xMax === xMin ? xMin + 1 : xMax, f.left + 12, f.right - 12);
  const yScale = linearScale(yMin, yMax, f.bottom, f.top);
  const parts = [axes(f, chart, niceTicks(yMin, yMax), yScale)];
  const xTicks =
    xs.every(Number.isInteger) && xMax - xMin <= 12 ? [...new Set(xs)].sort((a, b) => a - b) : niceTicks(xMin, xMax, 6);
  for (const t of xTicks)
    parts.push(text(xScale(t), f.bottom + 16, formatTick(t), 'font-size="11" text-anchor="middle" fill="#2a3f5f"'));
  chart.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const points = s.x.map((x, j) => `${xScale(x).toFixed(1)},${yScale(s.y[j]).toFixed(1)}`);
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" ` +
        `stroke-width="2"${s.dash ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    if (s.x.length <= 60) {
      for (const p of points) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour}"/>`);
      }
    }
  });
  parts.push(
    legend(
      f,
      chart.series.map((s) => s.name),
    ),
  );
  return svgDocument(parts.join(''));
}

function renderBar(chart: BarChart): string {
  const f = frameFor(chart, chart.series.length);
  const [yMin, yMax] = paddedRange(
    chart.series.flatMap((s) => s.values),
    true,
  );
  const yScale = linearScale(yMin, yMax, f.bottom, f.top);
  const parts = [axes(f, chart, niceTicks(yMin, yMax), yScale)];
  const band = (f.right - f.left) / Math.max(1, chart.categories.length);
  const barWidth = (band * 0.8) / Math.max(1, chart.series.length);
  chart.categories.forEach((category, c) => {
    parts.push(
      text(f.left + band * (c + 0.5), f.bottom + 16, category, 'font-size="11" text-anchor="middle" fill="#2a3f5f"'),
    );
    chart.series.forEach((s, i) => {
      const value = s.values[c];
      if (!Number.isFinite(value)) return;
      const x = f.left + band * c + band * 0.1 + barWidth * i;
      const y0 = yScale(0);
      const y1 = yScale(value);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${barWidth.toFixed(1)}" ` +
          `height="${Math.abs(y0 - y1).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"/>`,
      );
      if (chart.series.length <= 3 && chart.categories.length <= 8) {
        parts.push(
          text(
            x + barWidth / 2,
            Math.min(y0, y1) - 4,
            formatTick(value),
            'font-size="10" text-anchor="middle" fill="#2a3f5f"',
          ),
        );
      }
    });
  });
  parts.push(
    legend(
      f,
      chart.series.map((s) => s.name),
    ),
  );
  return svgDocument(parts.join(''));
}

function renderHistogram(chart: HistogramChart): string {
  const f = frameFor(chart, 1);
  const xMin = chart.binStart;
  const xMax = chart.binStart + chart.binSize * chart.counts.length;
  const markerXs = (chart.markers ?? []).map((m) => m.x);
  const xScale = linearScale(Math.min(xMin, ...markerXs), Math.max(xMax, ...markerXs), f.left, f.right);
  const [, yMax] = paddedRange(chart.counts, true);
  const yScale = linearScale(0, yMax, f.bottom, f.top);
  const parts = [axes(f, chart, niceTicks(0, yMax), yScale)];
  chart.counts.forEach((count, i) => {
    const x0 = xScale(xMin + i * chart.binSize);
    const x1 = xScale(xMin + (i + 1) * chart.binSize);
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${yScale(count).toFixed(1)}" width="${Math.max(0.5, x1 - x0 - 0.5).toFixed(1)}" ` +
        `height="${(f.bottom - yScale(count)).toFixed(1)}" fill="${PALETTE[0]}"/>`,
    );
  });
  for (const t of niceTicks(xMin, xMax, 8))
    parts.push(text(xScale(t), f.bottom + 16, formatTick(t), 'font-size="11" text-anchor="middle" fill="#2a3f5f"'));
  (chart.markers ?? []).forEach((m, i) => {
    const x = xScale(m.x).toFixed(1);
    const colour = PALETTE[(i + 1) % PALETTE.length];
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.bottom}" stroke="${colour}" stroke-width="2" ` +
        `stroke-dasharray="6 4"/>`,
    );
    parts.push(text(Number(x) + 4, f.top + 14 + i * 16, m.label, `font-size="11" fill="${colour}"`));
  });
  return svgDocument(parts.join(''));
}

function heatColour(fraction: number): string {
  // White to plotly's dark blue.
  const mix = (from: number, to: number): number => Math.round(from + (to - from) * fraction);
  return `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`;
}

function renderHeatmap(chart: HeatmapChart): string {
  const f = { left: 130, right: WIDTH - 150, top: 44, bottom: HEIGHT - 56 };
  const rows = chart.yCategories.length;
  const cols = chart.xCategories.length;
  const max = Math.max(1e-12, ...chart.z.flat());
  const cellW = (f.right - f.left) / cols;
  const cellH = (f.bottom - f.top) / rows;
  const parts = [text(WIDTH / 2, 24, chart.title, `font-size="16" text-anchor="middle" fill="#2a3f5f"`)];
  chart.z.forEach((row, r) =>
    row.forEach((value, c) => {
      const fraction = value / max;
      const x = f.left + c * cellW;
      const y = f.top + r * cellH;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${cellW.toFixed(1)}" height="${cellH.toFixed(1)}" ` +
          `fill="${heatColour(fraction)}" stroke="#fff"/>`,
      );
      parts.push(
        text(
          x + cellW / 2,
          y + cellH / 2 + 5,
          formatTick(value),
          `font-size="15" text-anchor="middle" fill="${fraction > 0.5 ? '#fff' : '#2a3f5f'}"`,
        ),
      );
    }),
  );
  chart.xCategories.forEach((name, c) =>
    parts.push(
      text(f.left + (c + 0.5) * cellW, f.bottom + 16, name, 'font-size="12" text-anchor="middle" fill="#2a3f5f"'),
    ),
  );
  chart.yCategories.forEach((name, r) =>
    parts.push(
      text(f.left - 8, f.top + (r + 0.5) * cellH + 4, name, 'font-size="12" text-anchor="end" fill="#2a3f5f"'),
    ),
  );
  parts.push(
    text((f.left + f.right) / 2, HEIGHT - 14, chart.xLabel, 'font-size="13" text-anchor="middle" fill="#2a3f5f"'),
  );
  parts.push(yAxisLabel(f, chart.yLabel));
  return svgDocument(parts.join(''));
}

export function renderSvg(chart: Chart): string {
  switch (chart.kind) {
    case 'line':
      return renderLine(chart);
    case 'bar':
      return renderBar(chart);
    case 'histogram':
      return renderHistogram(chart);
    case 'heatmap':
      return renderHeatmap(chart);
  }
}
