// The notebooks' one-stop import: preprocessing, collation, tables and plots.
//
//   import { loadTokenizer, showTokenization, showChart, ... } from '../dist/lib/utils';
//
// It re-exports what the notebooks use from the library (tokenizer, batching, data frames, display)
// and adds the small helpers that only the notebooks need: the platform and parameter tables, the
// tokenization teaching tables, tokenizing with a progress bar, the collate demonstration, the
// model summary, training and evaluation tables, and the display of the padding comparison.
// Training itself is imported from trainer / train-api / pipeline, as the notebooks show it.
import * as fs from 'fs';
import * as path from 'path';
import type * as dfd from 'danfojs';
import { describePlatform, type PlatformInfo } from './backend';
import type { RobertaTokenizer, EncodedTexts } from './tokenizer';
import { paddingReport, tokenizedExamples, type Batch, type DataLoader, type TokenizedExample } from './batching';
import { infoHtml, valueCountsHtml, frameInfo, valueCounts, frameToReviews } from './data/frames';
import type { ImdbSplits } from './data/imdb';
import { lengthStats } from './data/corpus';
import { accuracy as bagOfWordsAccuracy, topWords, trainBagOfWords } from './data/baseline';
import { showTable, showHtml, tableHtml, tableText, dataFrameRows, type Row } from './display/html';
import { displayBundle, escapeHtml } from './display/output';
import { chartBundle, chartMode, lossCurves, metricCurves, stepLossCurve, confusionMatrixChart, lengthHistogram, timingBars, barChart, type Chart, type ChartMode } from './display/plots';
import { ProgressBar, type ProgressMode } from './display/progress';
import { parameterSummary, formatSummary } from './model/summary';
import type { RobertaConfig } from './model/config';
import type { EpochRecord, TrainingHistory } from './trainer';
import type { EvaluationReport, LabelScore } from './pipeline';
import type { PaddingComparison } from './padding-comparison';

export { initBackend, describePlatform, platformInfo, type PlatformInfo } from './backend';
export { loadTokenizer, RobertaTokenizer, type EncodedTexts } from './tokenizer';
export { DataLoader, dynamicPaddingCollate, paddingReport, tokenizedExamples, toTensors, type Batch, type TokenizedExample, type PaddingMode } from './batching';
export { loadImdb, DEFAULT_IMDB_DATASET, type ImdbSplits } from './data/imdb';
export { headHtml, infoHtml, valueCountsHtml, frameInfo, valueCounts } from './data/frames';
export { lengthStats } from './data/corpus';
export { showTable, showHtml, showDataFrame, tableHtml, type Row } from './display/html';
export {
  setChartMode,
  chartMode,
  resetPlotlyLoader,
  lossCurves,
  metricCurves,
  stepLossCurve,
  confusionMatrixChart,
  lengthHistogram,
  timingBars,
  barChart,
} from './display/plots';
export { ProgressBar, withProgress } from './display/progress';
export { parameterSummary, formatSummary } from './model/summary';
export { comparePadding, PADDING_CASES, type PaddingComparison, type PaddingCaseResult } from './padding-comparison';

// ---------------------------------------------------------------------------------------------
// Small formatting helpers

// This file runs compiled, from dist/lib/.
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A path as the reader should see it: relative to the repository when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

const percent = (share: number, digits = 1): string => `${(100 * share).toFixed(digits)}%`;
const fixed = (value: number | undefined, digits = 4): string => (value === undefined ? '' : value.toFixed(digits));

/** A warning box. */
function warningHtml(text: string): string {
  return `<div style="background:#fff4e5;border-left:4px solid #e8a33d;padding:6px 10px;margin:6px 0">${escapeHtml(text)}</div>`;
}

// ---------------------------------------------------------------------------------------------
// Charts

const round4 = (x: number): number => Number(x.toPrecision(4));

/** A short text for a line chart with long series (the display layer's summary lists every value). */
function lineSummary(chart: Chart): string | null {
  if (chart.kind !== 'line' || chart.series.every((s) => s.y.length <= 12)) return null;
  const parts = chart.series.map((s) => {
    const min = s.y.reduce((a, b) => Math.min(a, b), Infinity);
    const max = s.y.reduce((a, b) => Math.max(a, b), -Infinity);
    return `${s.name}: ${s.y.length} points, first ${round4(s.y[0])}, last ${round4(s.y[s.y.length - 1])}, range ${round4(min)}–${round4(max)}`;
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

// ---------------------------------------------------------------------------------------------
// Platform and parameters

/** What the slow fallbacks mean in practice, in one sentence each. */
export function platformWarning(info: PlatformInfo): string | null {
  if (info.backend === 'wasm') {
    return (
      'Slow fallback: native TensorFlow (tfjs-node) is not available, so tensors run on WebAssembly, on one thread. ' +
      'The small offline model trains in minutes here; roberta-base takes seconds per batch and needs small batches ' +
      'with gradient accumulation (the WebAssembly heap stops at 4 GiB).'
    );
  }
  if (info.backend === 'cpu') {
    return 'Slow fallback: the plain JavaScript backend multiplies matrices about 30 times slower than WebAssembly. Training will crawl; install tfjs-node or use the wasm backend.';
  }
  return null;
}

/** Backend, threads, tfjs and Node versions as a table, with a warning on the slow fallbacks. */
export function showPlatform(info: PlatformInfo): void {
  const rows: Row[] = [
    { '': 'backend', value: info.backend },
    { '': 'threads', value: info.threads },
    { '': 'TensorFlow.js', value: info.tfjsVersion },
    { '': 'Node.js', value: info.nodeVersion },
  ];
  info.notes.forEach((note, i) => rows.push({ '': i === 0 ? 'not used' : '', value: note }));
  const warning = platformWarning(info);
  const html = tableHtml(rows) + (warning === null ? '' : warningHtml(warning));
  showHtml(html, describePlatform(info) + (warning === null ? '' : `\n${warning}`));
}

/** One line per parameter: what it is for (params.ts has the longer comments). */
export const PARAMETER_NOTES: Record<string, string> = {
  backend: "'auto': native if it loads, else wasm, else cpu",
  model: "'offline' = small model from scratch; or a folder / Hub id",
  tokenizer: "'offline' = GPT-2's byte-level BPE, RoBERTa's special tokens",
  data: "'offline' = generated IMDb-like corpus; or a Hub dataset / folder / CSV",
  trainSize: 'training reviews used',
  validationSize: 'validation reviews used',
  testSize: 'test reviews used',
  learningRate: 'starting learning rate',
  optimizer: 'adam, or adamw (decoupled weight decay)',
  weightDecay: 'AdamW weight decay',
  epochs: 'passes over the training reviews',
  batchSize: 'reviews per training step',
  evalBatchSize: 'reviews per evaluation batch',
  gradientAccumulationSteps: 'batches summed before one optimizer step',
  warmupRatio: 'share of steps with a rising learning rate',
  maxGradNorm: 'gradient clipping by global norm',
  maxLength: 'tokens kept per review (longer ones are cut)',
  padding: 'static, dynamic, or grouped (dynamic + batches of similar length)',
  seed: 'initialisation, dropout, shuffling, corpus',
  outputDir: 'saved models and checkpoints',
};

function formatParameter(key: string, value: unknown): string {
  if (typeof value === 'string' && (key.endsWith('Dir') || path.isAbsolute(value))) return displayPath(value);
  if (typeof value === 'number' && !Number.isInteger(value) && Math.abs(value) < 1e-2) return value.toExponential(0);
  return String(value);
}

/** The shared parameters with this notebook's overrides applied. */
export function withOverrides<T extends object>(shared: T, overrides: Partial<T>): T {
  for (const key of Object.keys(overrides)) {
    if (!(key in shared)) throw new Error(`withOverrides: '${key}' is not one of the shared parameters (${Object.keys(shared).join(', ')})`);
  }
  return { ...shared, ...overrides };
}

/** Rows: parameter, the value in params.ts, the value this notebook uses (marked when overridden). */
export function parameterRows<T extends object>(shared: T, overrides: Partial<T>): Row[] {
  const changed = overrides as Record<string, unknown>;
  return Object.entries(shared).map(([key, value]) => {
    const set = key in changed;
    const mark = set ? (changed[key] !== value ? '◀ changed' : '◀ set here') : '';
    return {
      parameter: key,
      'params.ts': formatParameter(key, value),
      'this notebook': set ? `${formatParameter(key, changed[key])}  ${mark}` : 'same',
      meaning: PARAMETER_NOTES[key] ?? '',
    };
  });
}

export function showParameters<T extends object>(shared: T, overrides: Partial<T>): void {
  showTable(parameterRows(shared, overrides), { caption: 'Shared parameters (params.ts) and this notebook’s overrides', maxRows: 100 });
}

/** Any flat record (training arguments, HF-style metrics) as a two-column table. */
export function keyValueRows(record: object): Row[] {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined && typeof value !== 'function')
    .map(([key, value]) => ({
      name: key,
      value: typeof value === 'number' ? (Number.isInteger(value) ? value : Number(value.toPrecision(4))) : formatParameter(key, value),
    }));
}

export function showKeyValues(record: object, caption?: string): void {
  showTable(keyValueRows(record), { caption, maxRows: 100 });
}

// ---------------------------------------------------------------------------------------------
// Data

/** Where the reviews come from, in words. */
export function describeDataSource(source: string): string {
  if (source === 'offline') {
    return 'The built-in offline corpus: generated IMDb-like reviews (no download), with IMDb’s length distribution in RoBERTa tokens, balanced labels and about 2% label noise.';
  }
  return `IMDb reviews from ${source}.`;
}

/** Size, label balance and origin of each split, under a sentence saying what the data is. */
export function showSplits(splits: Pick<ImdbSplits, 'train' | 'validation' | 'test' | 'origin'>, source: string): void {
  const rows: Row[] = (['train', 'validation', 'test'] as const).map((name) => {
    const frame = splits[name];
    const counts = new Map(valueCounts(frame).map((c) => [c.value, c.count]));
    return {
      split: name,
      reviews: frame.shape[0],
      negative: counts.get('0') ?? 0,
      positive: counts.get('1') ?? 0,
      'from': splits.origin[name],
    };
  });
  const sentence = describeDataSource(source);
  showHtml(`<p>${escapeHtml(sentence)}</p>${tableHtml(rows)}`, `${sentence}\n${tableText(rows)}`);
}

/** The first rows of a review DataFrame (texts shortened), text left-aligned. */
export function showHead(frame: dfd.DataFrame, rows = 5): void {
  const head = frame.head(Math.min(rows, frame.shape[0]));
  showTable(dataFrameRows(head, { maxChars: 110 }), { caption: `${head.shape[0]} of ${frame.shape[0]} rows` });
}

/** pandas' df.info(): columns, types, non-null counts, and text lengths. */
export function showInfo(frame: dfd.DataFrame): void {
  const info = frameInfo(frame);
  const text = [
    `${info.rows} rows`,
    ...info.columns.map((c) => `${c.name}: ${c.nonNull} non-null ${c.dtype}`),
    ...(info.textLength ? [`text: mean ${info.textLength.words.mean.toFixed(0)} words, ${info.textLength.chars.mean.toFixed(0)} characters`] : []),
  ].join('\n');
  showHtml(infoHtml(frame), text);
}

/** value_counts() of the label column. */
export function showLabelCounts(frame: dfd.DataFrame, column = 'label'): void {
  const text = valueCounts(frame, column).map((c) => `${c.value}: ${c.count} (${percent(c.share)})`).join('\n');
  showHtml(valueCountsHtml(frame, column), text);
}

/**
 * The floor to beat: a unigram bag-of-words logistic regression trained on `train`, scored on
 * `evaluation`, with the words it leans on most.
 */
export function showBagOfWordsBaseline(train: dfd.DataFrame, evaluation: dfd.DataFrame, seed = 42): number {
  const model = trainBagOfWords(frameToReviews(train), { seed });
  const score = bagOfWordsAccuracy(model, frameToReviews(evaluation));
  const words = topWords(model, 8);
  showTable(
    [
      { '': 'validation accuracy', value: score.toFixed(4) },
      { '': 'most positive words', value: words.positive.join(', ') },
      { '': 'most negative words', value: words.negative.join(', ') },
    ],
    { caption: `Bag-of-words baseline (logistic regression on word presence, ${train.shape[0]} training reviews)` },
  );
  return score;
}

/** The text and label columns as plain arrays. */
export function textsAndLabelsOf(frame: dfd.DataFrame): { texts: string[]; labels: number[] } {
  return { texts: frame.column('text').values as string[], labels: frame.column('label').values as number[] };
}

// ---------------------------------------------------------------------------------------------
// Tokenization

export interface TokenizationOptions {
  /** Pad (and truncate) to this many tokens, as static padding does. */
  maxLength?: number;
}

/** One row per token: position, token string, id, attention mask. */
export function tokenizationRows(tokenizer: RobertaTokenizer, text: string, options: TokenizationOptions = {}): Row[] {
  const encoded = options.maxLength === undefined ? tokenizer.encodePlain([text]) : tokenizer.encodeStatic([text], options.maxLength);
  const ids = encoded.inputIds[0];
  const tokens = tokenizer.tokenStrings(ids);
  return ids.map((id, i) => ({ position: i, token: tokens[i], id, 'attention mask': encoded.attentionMask[0][i] }));
}

/** Token tables for several texts, side by side in a notebook. */
export function showTokenization(tokenizer: RobertaTokenizer, texts: string | string[], options: TokenizationOptions = {}): void {
  const list = typeof texts === 'string' ? [texts] : texts;
  const tables = list.map((text) => ({ caption: JSON.stringify(text), rows: tokenizationRows(tokenizer, text, options) }));
  const html =
    '<div style="display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start">' +
    tables.map((t) => `<div>${tableHtml(t.rows, { caption: t.caption, maxRows: 600 })}</div>`).join('') +
    '</div>';
  showHtml(html, tables.map((t) => tableText(t.rows, { caption: t.caption, maxRows: 600 })).join('\n\n'));
}

export type EncodingMode = 'static' | 'dynamic' | 'plain';

/**
 * Tokenizes many texts in chunks with a progress bar: 'static' pads and truncates to maxLength,
 * 'dynamic' only truncates, 'plain' does neither.
 */
export async function tokenizeWithProgress(
  tokenizer: RobertaTokenizer,
  texts: string[],
  options: { mode: EncodingMode; maxLength?: number; chunkSize?: number; description?: string; progress?: ProgressMode | false },
): Promise<EncodedTexts> {
  if (options.mode !== 'plain' && options.maxLength === undefined) throw new Error(`tokenizeWithProgress: mode '${options.mode}' needs maxLength`);
  const chunkSize = options.chunkSize ?? 100;
  const mode = options.progress === false ? 'silent' : options.progress;
  const bar = new ProgressBar({ total: texts.length, description: options.description ?? 'Tokenizing', unit: 'review', mode });
  const result: EncodedTexts = { inputIds: [], attentionMask: [], truncated: [] };
  try {
    for (let start = 0; start < texts.length; start += chunkSize) {
      const chunk = texts.slice(start, start + chunkSize);
      const encoded =
        options.mode === 'static'
          ? tokenizer.encodeStatic(chunk, options.maxLength!)
          : options.mode === 'dynamic'
            ? tokenizer.encodeDynamic(chunk, options.maxLength!)
            : tokenizer.encodePlain(chunk);
      result.inputIds.push(...encoded.inputIds);
      result.attentionMask.push(...encoded.attentionMask);
      result.truncated.push(...encoded.truncated);
      await bar.tick(chunk.length);
    }
  } finally {
    await bar.close();
  }
  return result;
}

/** Sequence lengths (what the model sees) and real tokens (attention mask 1) of an encoding. */
export function encodingSummaryRows(encoded: EncodedTexts): Row[] {
  const lengths = encoded.inputIds.map((ids) => ids.length);
  const real = encoded.attentionMask.map((mask) => mask.reduce((a, b) => a + b, 0));
  const positions = lengths.reduce((a, b) => a + b, 0);
  const realTotal = real.reduce((a, b) => a + b, 0);
  const min = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
  const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
  return [
    { '': 'sequences', value: lengths.length },
    { '': 'shortest sequence (tokens)', value: min(lengths) },
    { '': 'longest sequence (tokens)', value: max(lengths) },
    { '': 'distinct lengths', value: new Set(lengths).size },
    { '': 'mean real tokens (mask 1)', value: Number((realTotal / lengths.length).toFixed(1)) },
    { '': 'padding share (mask 0)', value: percent(1 - realTotal / positions) },
    { '': 'reviews cut at the limit', value: `${encoded.truncated.filter(Boolean).length} (${percent(encoded.truncated.filter(Boolean).length / lengths.length)})` },
  ];
}

export function showEncodingSummary(encoded: EncodedTexts, caption = 'The tokenized training reviews'): void {
  showTable(encodingSummaryRows(encoded), { caption });
}

/** Count, mean, median, 95th percentile, longest, and the shares over 256 and 512 tokens. */
export function showLengthStats(lengths: number[], caption = 'Tokens per review'): void {
  const s = lengthStats(lengths);
  showTable(
    [
      { '': 'reviews', value: s.count },
      { '': 'mean', value: Number(s.mean.toFixed(1)) },
      { '': 'median', value: s.median },
      { '': '95th percentile', value: Number(s.p95.toFixed(0)) },
      { '': 'longest', value: s.max },
      { '': 'longer than 256', value: percent(s.over256) },
      { '': 'longer than 512', value: percent(s.over512) },
    ],
    { caption },
  );
}

/**
 * Training examples from an encoding: only the tokens with attention mask 1, so the loader can
 * pad them again as its mode says (a DataLoader takes unpadded ids and makes the mask itself).
 */
export function examplesFromEncoding(encoded: EncodedTexts, labels: ArrayLike<number>): TokenizedExample[] {
  const ids = encoded.inputIds.map((row, i) => row.filter((_, j) => encoded.attentionMask[i][j] === 1));
  return tokenizedExamples(ids, labels);
}

// ---------------------------------------------------------------------------------------------
// Collation

/** A batch as a grid: one row per review, one cell per position, padding greyed out. */
export function showBatch(batch: Batch, tokenizer: RobertaTokenizer, caption?: string): void {
  const title = caption ?? `Batch of shape [${batch.batchSize}, ${batch.seqLength}]: ${batch.realTokens} real tokens, ${batch.batchSize * batch.seqLength - batch.realTokens} padding`;
  const cell = 'padding:2px 5px;border:1px solid #ccc;text-align:center;font-family:monospace;font-size:12px';
  const rowsHtml: string[] = [];
  const textRows: string[] = [title];
  for (let r = 0; r < batch.batchSize; r++) {
    const ids = Array.from(batch.inputIds.subarray(r * batch.seqLength, (r + 1) * batch.seqLength));
    const mask = Array.from(batch.attentionMask.subarray(r * batch.seqLength, (r + 1) * batch.seqLength));
    const tokens = tokenizer.tokenStrings(ids);
    const cells = ids.map((id, j) => {
      const shade = mask[j] === 1 ? '' : ';background:#e6e6e6;color:#777';
      return `<td style="${cell}${shade}">${escapeHtml(tokens[j])}<br><small>${id} · ${mask[j]}</small></td>`;
    });
    rowsHtml.push(`<tr><th style="${cell}">${r}</th>${cells.join('')}</tr>`);
    textRows.push(`row ${r}: ids [${ids.join(' ')}]  mask [${mask.join('')}]`);
  }
  const html =
    `<div style="overflow-x:auto"><table style="border-collapse:collapse"><caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(title)}</caption>` +
    `${rowsHtml.join('')}</table><p style="font-size:smaller">Each cell: token, then id · attention mask. Grey cells are &lt;pad&gt; with mask 0.</p></div>`;
  showHtml(html, textRows.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Model

/** torchinfo-style table of parameters by module, with output shapes for `inputShape`. */
export function showModelSummary(config: RobertaConfig, inputShape?: [number, number], depth = 3): void {
  const summary = parameterSummary(config, { depth, inputShape });
  const rows: Row[] = summary.rows.map((row) => {
    const last = row.path === '' ? row.module : row.path.split('.').slice(-1)[0];
    const name = row.path.startsWith('roberta.encoder.layer.') && row.module === 'RobertaLayer' ? `layer.${last}` : last;
    return {
      module: '\u00a0\u00a0\u00a0'.repeat(row.depth) + (row.path === '' ? name : `${name}`),
      type: row.module,
      ...(inputShape ? { 'output shape': row.outputShape === null ? '' : `[${row.outputShape.join(', ')}]` } : {}),
      parameters: row.parameters.toLocaleString('en-US'),
    };
  });
  const footer = `Total parameters: ${summary.total.toLocaleString('en-US')} (all trainable), ${(summary.bytes / 2 ** 20).toFixed(1)} MiB as float32`;
  showHtml(`${tableHtml(rows, { maxRows: 200 })}<p><b>${escapeHtml(footer)}</b></p>`, formatSummary(summary));
}

// ---------------------------------------------------------------------------------------------
// Training and evaluation

/** One row per epoch: losses, validation metrics, speed, padding, where the model was saved. */
export function epochRows(epochs: readonly EpochRecord[]): Row[] {
  return epochs.map((e) => ({
    epoch: e.epoch,
    'train loss': fixed(e.trainLoss),
    'val loss': fixed(e.evalLoss),
    accuracy: fixed(e.evalAccuracy),
    F1: fixed(e.evalF1),
    precision: fixed(e.evalPrecision),
    recall: fixed(e.evalRecall),
    's / batch': fixed(e.secondsPerBatch, 2),
    'samples / s': fixed(e.samplesPerSecond, 1),
    padding: percent(e.paddingShare),
    'saved to': e.savedModelDir === undefined ? '' : displayPath(e.savedModelDir),
  }));
}

export function showEpochs(epochs: readonly EpochRecord[]): void {
  showTable(epochRows(epochs), { caption: 'Per epoch' });
}

/** The loss of every step (with a moving average), then loss and validation metrics per epoch. */
export function showTrainingCurves(history: TrainingHistory): void {
  const losses = history.batches.map((b) => b.loss);
  showChart(stepLossCurve(losses, Math.max(2, Math.min(20, Math.round(losses.length / 8)))));
  showChart(lossCurves(history.epochs));
  showChart(metricCurves(history.epochs));
}

/** Accuracy, F1, precision, recall as a table, then the confusion matrix. */
export function showEvaluation(report: EvaluationReport, labelNames: string[], caption = 'Test split'): void {
  showTable(
    [
      { metric: 'accuracy', value: fixed(report.accuracy) },
      { metric: 'F1', value: fixed(report.f1) },
      { metric: 'precision', value: fixed(report.precision) },
      { metric: 'recall', value: fixed(report.recall) },
      { metric: 'loss', value: fixed(report.loss) },
      { metric: 'reviews', value: report.count },
      { metric: 'reviews / s', value: fixed(report.samples_per_s, 1) },
    ],
    { caption },
  );
  showChart(confusionMatrixChart(report.confusion_matrix, labelNames, `Confusion matrix (${caption.toLowerCase()}, ${report.count} reviews)`));
}

/** One row per text: the best label, its score, and all scores. */
export function showPredictions(texts: string[], results: LabelScore[][]): void {
  showTable(
    texts.map((text, i) => ({
      text,
      prediction: results[i][0].label,
      score: fixed(results[i][0].score),
      'all scores (best first)': results[i].map((r) => `${r.label} ${r.score.toFixed(4)}`).join(' · '),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// The padding comparison (notebook 03)

export function paddingComparisonRows(result: PaddingComparison): Row[] {
  return result.cases.map((c) => ({
    batching: c.name,
    'CPU s / batch': fixed(c.cpuSecondsPerBatch, 3),
    'wall s / batch': fixed(c.secondsPerBatch, 3),
    'samples / s (wall)': fixed(c.samplesPerSecond, 1),
    'speed-up vs static 512 (CPU)': `${c.speedup.toFixed(2)}×`,
    'mean batch length': Number(c.meanBatchLength.toFixed(0)),
    'real tokens': c.realTokens,
    'padded tokens': c.paddedTokens,
    'padding share': percent(c.paddingShare),
    'epoch: padded tokens': c.epoch.paddedTokens,
    'epoch: padding share': percent(c.epoch.paddingShare),
  }));
}

/** The comparison's table, then bars of seconds per batch, samples per second, tokens and padding share. */
export function showPaddingComparison(result: PaddingComparison): void {
  const caption =
    `${result.cases[0]?.batches ?? 0} timed training steps per case (batch ${result.batchSize}) on ${result.backend}, ` +
    `a ${result.parameters.toLocaleString('en-US')}-parameter model; batches drawn from ${result.examples} reviews; ` +
    `${result.seconds.toFixed(0)} s in all. CPU s: processor time of this kernel (steady on a busy machine); wall s: clock time. ` +
    '"padded tokens" counts every position computed (batch × length); the "epoch" columns give the same figures for a whole epoch of these reviews.';
  showTable(paddingComparisonRows(result), { caption });
  const categories = result.cases.map((c) => c.name);
  showChart(
    barChart({
      title: 'Padding comparison: seconds per training step',
      yLabel: 'seconds per batch',
      categories,
      series: [
        { name: 'CPU time', values: result.cases.map((c) => c.cpuSecondsPerBatch) },
        { name: 'wall clock', values: result.cases.map((c) => c.secondsPerBatch) },
      ],
    }),
  );
  showChart(
    barChart({
      title: 'Padding comparison: samples per second',
      yLabel: 'samples / s',
      categories,
      series: [
        { name: 'per CPU second', values: result.cases.map((c) => result.batchSize / c.cpuSecondsPerBatch) },
        { name: 'per wall-clock second', values: result.cases.map((c) => c.samplesPerSecond) },
      ],
    }),
  );
  const tokenRows = result.cases.map((c) => ({ name: c.name, secondsPerBatch: c.secondsPerBatch, samplesPerSecond: c.samplesPerSecond, realTokens: c.realTokens, paddedTokens: c.paddedTokens }));
  showChart(timingBars(tokenRows)[2]);
  showChart(
    barChart({
      title: 'Padding comparison: share of computed positions that are padding',
      yLabel: 'padding share (%)',
      categories,
      series: [
        { name: 'timed batches', values: result.cases.map((c) => Number((100 * c.paddingShare).toFixed(1))) },
        { name: 'whole epoch', values: result.cases.map((c) => Number((100 * c.epoch.paddingShare).toFixed(1))) },
      ],
    }),
  );
}

/** The comparison in sentences, from the measured numbers (so a re-run explains its own figures). */
export function paddingComparisonFindings(result: PaddingComparison): string[] {
  const find = (mode: string, maxLength: number) => result.cases.find((c) => c.mode === mode && c.maxLength === maxLength);
  const static512 = find('static', 512);
  const static256 = find('static', 256);
  const dynamic = find('dynamic', 256);
  const grouped = find('grouped', 256);
  const lines: string[] = [];
  const fewer = (a: number, b: number): string => percent(1 - a / b, 0);
  const cpu = (c: { cpuSecondsPerBatch: number }): string => `${c.cpuSecondsPerBatch.toFixed(2)} s`;
  if (static512 && static256) {
    lines.push(
      `Truncating at 256 instead of 512 tokens: static 256 computes ${fewer(static256.paddedTokens, static512.paddedTokens)} fewer positions than static 512, ` +
        `and a step took ${cpu(static256)} of CPU time instead of ${cpu(static512)}: ${static256.speedup.toFixed(2)}× faster.`,
    );
  }
  if (dynamic && static256) {
    const full = dynamic.batchLengths.filter((l) => l === dynamic.maxLength).length;
    lines.push(
      `Dynamic padding in random order: ${full} of the ${dynamic.batches} timed batches (${dynamic.epochFullBatches} of ${dynamic.epoch.batches} in a whole epoch) ` +
        `held a review that reaches 256 tokens and were padded to 256 anyway. Over an epoch it computes ${fewer(dynamic.epoch.paddedTokens, static256.epoch.paddedTokens)} ` +
        `fewer positions than static 256, and a step took ${cpu(dynamic)} against ${cpu(static256)}.`,
    );
  }
  if (grouped && static256) {
    lines.push(
      `Grouped by length: over an epoch the batches are padded to ${grouped.epoch.meanBatchLength.toFixed(0)} tokens on average, and padding falls to ` +
        `${percent(grouped.epoch.paddingShare)} of the positions (static 256: ${percent(static256.epoch.paddingShare)}). A step took ${cpu(grouped)}: ` +
        `${(static256.cpuSecondsPerBatch / grouped.cpuSecondsPerBatch).toFixed(2)}× faster than static 256 and ${grouped.speedup.toFixed(2)}× faster than static 512.`,
    );
  }
  const perThousand = result.cases.map((c) => `${c.name} ${((1000 * c.cpuSecondsPerBatch * c.batches) / c.paddedTokens).toFixed(3)} s`);
  lines.push(`Time follows the positions computed, padding included: CPU seconds per 1,000 positions were ${perThousand.join(', ')}.`);
  const slowdown = result.cases.reduce((sum, c) => sum + c.secondsPerBatch / c.cpuSecondsPerBatch, 0) / Math.max(1, result.cases.length);
  if (slowdown > 1.3) {
    lines.push(
      `The wall clock ran ${slowdown.toFixed(1)}× the CPU time: other programs were competing for the processor during the measurement, ` +
        'which makes the wall-clock figures noisy. The CPU times are the ones to compare.',
    );
  }
  return lines;
}

export function showPaddingFindings(result: PaddingComparison): void {
  const lines = paddingComparisonFindings(result);
  showHtml(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`, lines.map((l) => `- ${l}`).join('\n'));
}

/** The padded length of the first `count` batches of each loader (epoch 0), side by side. */
export function showBatchLengths(loaders: Record<string, DataLoader>, count = 8): void {
  const orders = Object.entries(loaders).map(([name, loader]) => ({ name, loader, order: loader.batchOrder(0).slice(0, count) }));
  const rows: Row[] = [];
  for (let b = 0; b < count; b++) {
    const row: Row = { batch: b };
    for (const { name, loader, order } of orders) {
      if (b >= order.length) continue;
      const length = loader.seqLengthOf(order[b]);
      const real = order[b].reduce((sum, i) => sum + loader.lengthOf(i), 0);
      row[name] = `${length} tokens, ${percent(1 - real / (length * order[b].length), 0)} padding`;
    }
    rows.push(row);
  }
  const epoch: Row = { batch: 'whole epoch' };
  for (const { name, loader } of orders) {
    const report = paddingReport(loader, 0);
    epoch[name] = `mean ${report.meanBatchLength.toFixed(0)} tokens, ${percent(report.paddingShare, 0)} padding`;
  }
  rows.push(epoch);
  showTable(rows, { caption: `Padded length of the first ${count} batches of an epoch` });
}

/**
 * Files in a folder (one level of subfolders) with their sizes: what a save or checkpoint wrote.
 * `only` keeps just these top-level entries (e.g. this run's saves, not an earlier run's).
 */
export function showFolder(dir: string, only?: string[]): void {
  const keep = only === undefined ? null : new Set(only.map((entry) => path.relative(dir, path.resolve(dir, entry)).split(path.sep)[0]));
  const rows: Row[] = [];
  const visit = (folder: string, depth: number): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (depth === 0 && keep !== null && !keep.has(entry.name)) continue;
      const full = path.join(folder, entry.name);
      const name = path.relative(dir, full);
      if (entry.isDirectory()) {
        rows.push({ file: `${name}/`, size: '' });
        if (depth < 1) visit(full, depth + 1);
      } else {
        const bytes = fs.statSync(full).size;
        rows.push({ file: name, size: bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} kB` });
      }
    }
  };
  visit(dir, 0);
  showTable(rows, { caption: displayPath(dir), maxRows: 200 });
}

/** The sequence-length histogram with the 256 and 512 cut-offs marked. */
export function showLengthHistogram(lengths: number[], binSize = 16): void {
  showChart(lengthHistogram(lengths, { binSize, limits: [256, 512], title: 'Tokens per training review (before truncation)' }));
}
