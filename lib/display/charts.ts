// The charts the notebooks draw, as plain descriptions. plots.ts turns one into a plotly figure
// and an SVG; the builders here take plain records so the display layer depends on nothing else.

export interface LineSeries {
  name: string;
  x: number[];
  y: number[];
  dash?: boolean;
}

export interface LineChart {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

export interface BarChart {
  kind: 'bar';
  title: string;
  xLabel?: string;
  yLabel: string;
  categories: string[];
  series: { name: string; values: number[] }[];
}

/** Pre-binned: counts[i] covers [binStart + i·binSize, binStart + (i+1)·binSize). */
export interface HistogramChart {
  kind: 'histogram';
  title: string;
  xLabel: string;
  yLabel: string;
  binStart: number;
  binSize: number;
  counts: number[];
  /** Vertical reference lines, e.g. the 256 and 512 token limits. */
  markers?: { x: number; label: string }[];
}

/** z[row][column]; rows are drawn top to bottom in yCategories order. */
export interface HeatmapChart {
  kind: 'heatmap';
  title: string;
  xLabel: string;
  yLabel: string;
  xCategories: string[];
  yCategories: string[];
  z: number[][];
}

export type Chart = LineChart | BarChart | HistogramChart | HeatmapChart;

/** What the curve builders read from a training history (the trainer's EpochRecord has these). */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  evalLoss?: number;
  evalAccuracy?: number;
  evalF1?: number;
}

export function lossCurves(epochs: EpochPoint[], title = 'Loss per epoch'): LineChart {
  const series: LineSeries[] = [
    { name: 'train loss', x: epochs.map((e) => e.epoch), y: epochs.map((e) => e.trainLoss) },
  ];
  const evaluated = epochs.filter((e) => e.evalLoss !== undefined);
  if (evaluated.length > 0)
    series.push({ name: 'validation loss', x: evaluated.map((e) => e.epoch), y: evaluated.map((e) => e.evalLoss!) });
  return { kind: 'line', title, xLabel: 'epoch', yLabel: 'cross-entropy', series };
}

export function metricCurves(epochs: EpochPoint[], title = 'Validation metrics per epoch'): LineChart {
  const evaluated = epochs.filter((e) => e.evalAccuracy !== undefined);
  const x = evaluated.map((e) => e.epoch);
  const series: LineSeries[] = [{ name: 'accuracy', x, y: evaluated.map((e) => e.evalAccuracy!) }];
  if (evaluated.every((e) => e.evalF1 !== undefined))
    series.push({ name: 'F1', x, y: evaluated.map((e) => e.evalF1!), dash: true });
  return { kind: 'line', title, xLabel: 'epoch', yLabel: 'score', series };
}

/** Loss of every optimizer step, with a moving average to see the trend through the noise. */
export function stepLossCurve(losses: number[], window = 20, title = 'Training loss per step'): LineChart {
  const x = losses.map((_, i) => i + 1);
  const smoothed = losses.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    const slice = losses.slice(from, i + 1);
    return slice.reduce((a, b) => a + b, 0) / slice.length;
  });
  return {
    kind: 'line',
    title,
    xLabel: 'step',
    yLabel: 'cross-entropy',
    series: [
      { name: 'loss', x, y: losses },
      { name: `mean of last ${window}`, x, y: smoothed },
    ],
  };
}

export function confusionMatrixChart(
  matrix: number[][],
  labelNames?: string[],
  title = 'Confusion matrix',
): HeatmapChart {
  const names = labelNames ?? matrix.map((_, i) => String(i));
  return {
    kind: 'heatmap',
    title,
    xLabel: 'predicted',
    yLabel: 'true label',
    xCategories: names,
    yCategories: names,
    z: matrix,
  };
}

export function barChart(options: Omit<BarChart, 'kind'>): BarChart {
  return { kind: 'bar', ...options };
}

/** Histogram of token counts per review, with the truncation limits marked. */
export function lengthHistogram(
  lengths: ArrayLike<number>,
  options: { binSize?: number; limits?: number[]; title?: string } = {},
): HistogramChart {
  const binSize = options.binSize ?? 16;
  let max = 0;
  for (let i = 0; i < lengths.length; i++) max = Math.max(max, lengths[i]);
  const counts = new Array<number>(Math.floor(max / binSize) + 1).fill(0);
  for (let i = 0; i < lengths.length; i++) counts[Math.floor(lengths[i] / binSize)] += 1;
  const limits = options.limits ?? [256, 512];
  return {
    kind: 'histogram',
    title: options.title ?? 'Tokens per review',
    xLabel: 'tokens (with <s> and </s>)',
    yLabel: 'reviews',
    binStart: 0,
    binSize,
    counts,
    markers: limits.map((limit) => {
      let over = 0;
      for (let i = 0; i < lengths.length; i++) if (lengths[i] > limit) over += 1;
      return { x: limit, label: `${limit}: ${((100 * over) / Math.max(1, lengths.length)).toFixed(1)}% longer` };
    }),
  };
}

/** One measured way of batching (the padding comparison of notebook 03, or a training run). */
export interface TimingRow {
  name: string;
  secondsPerBatch: number;
  samplesPerSecond: number;
  realTokens: number;
  paddedTokens: number;
}

/** Three bar charts side by side in meaning: seconds per batch, samples per second, real vs padding tokens. */
export function timingBars(rows: TimingRow[], title = 'Padding comparison'): BarChart[] {
  const categories = rows.map((r) => r.name);
  return [
    barChart({
      title: `${title}: seconds per batch`,
      yLabel: 'seconds',
      categories,
      series: [{ name: 'seconds per batch', values: rows.map((r) => r.secondsPerBatch) }],
    }),
    barChart({
      title: `${title}: samples per second`,
      yLabel: 'samples / s',
      categories,
      series: [{ name: 'samples per second', values: rows.map((r) => r.samplesPerSecond) }],
    }),
    barChart({
      title: `${title}: tokens processed`,
      yLabel: 'tokens',
      categories,
      series: [
        { name: 'real tokens', values: rows.map((r) => r.realTokens) },
        { name: 'padding', values: rows.map((r) => r.paddedTokens - r.realTokens) },
      ],
    }),
  ];
}
