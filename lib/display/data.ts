// Showing the data on its way to the model: splits, DataFrame views, the bag-of-words floor,
// tokenization tables, length statistics, and batches after collation.
import type * as dfd from 'danfojs';
import type { RobertaTokenizer, EncodedTexts } from '../tokenizer';
import { paddingReport, type Batch, type DataLoader } from '../batching';
import { infoHtml, valueCountsHtml, frameInfo, valueCounts, frameToReviews } from '../data/frames';
import type { ImdbSplits } from '../data/imdb';
import { lengthStats } from '../data/corpus';
import { accuracy as bagOfWordsAccuracy, topWords, trainBagOfWords } from '../data/baseline';
import { showTable, showHtml, tableHtml, tableText, dataFrameRows, type Row } from './html';
import { escapeHtml } from './output';
import { lengthHistogram } from './plots';
import { percent, showChart } from './format';

/** Where the reviews come from, in words. */
export function describeDataSource(source: string): string {
  if (source === 'offline') {
    return (
      'The built-in offline corpus: generated IMDb-like reviews (no download), with IMDb’s length distribution ' +
      'in RoBERTa tokens, balanced labels and about 2% label noise.'
    );
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
      from: splits.origin[name],
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
    ...(info.textLength
      ? [
          `text: mean ${info.textLength.words.mean.toFixed(0)} words, ${info.textLength.chars.mean.toFixed(0)} ` +
            `characters`,
        ]
      : []),
  ].join('\n');
  showHtml(infoHtml(frame), text);
}

/** value_counts() of the label column. */
export function showLabelCounts(frame: dfd.DataFrame, column = 'label'): void {
  const text = valueCounts(frame, column)
    .map((c) => `${c.value}: ${c.count} (${percent(c.share)})`)
    .join('\n');
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

export interface TokenizationOptions {
  /** Pad (and truncate) to this many tokens, as static padding does. */
  maxLength?: number;
}

/** One row per token: position, token string, id, attention mask. */
export function tokenizationRows(tokenizer: RobertaTokenizer, text: string, options: TokenizationOptions = {}): Row[] {
  const encoded =
    options.maxLength === undefined ? tokenizer.encodePlain([text]) : tokenizer.encodeStatic([text], options.maxLength);
  const ids = encoded.inputIds[0];
  const tokens = tokenizer.tokenStrings(ids);
  return ids.map((id, i) => ({ position: i, token: tokens[i], id, 'attention mask': encoded.attentionMask[0][i] }));
}

/** Token tables for several texts, side by side in a notebook. */
export function showTokenization(
  tokenizer: RobertaTokenizer,
  texts: string | string[],
  options: TokenizationOptions = {},
): void {
  const list = typeof texts === 'string' ? [texts] : texts;
  const tables = list.map((text) => ({
    caption: JSON.stringify(text),
    rows: tokenizationRows(tokenizer, text, options),
  }));
  const html =
    '<div style="display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start">' +
    tables.map((t) => `<div>${tableHtml(t.rows, { caption: t.caption, maxRows: 600 })}</div>`).join('') +
    '</div>';
  showHtml(html, tables.map((t) => tableText(t.rows, { caption: t.caption, maxRows: 600 })).join('\n\n'));
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
    {
      '': 'reviews cut at the limit',
      value:
        `${encoded.truncated.filter(Boolean).length} ` +
        `(${percent(encoded.truncated.filter(Boolean).length / lengths.length)})`,
    },
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

/** The sequence-length histogram with the 256 and 512 cut-offs marked. */
export function showLengthHistogram(lengths: number[], binSize = 16): void {
  showChart(
    lengthHistogram(lengths, { binSize, limits: [256, 512], title: 'Tokens per training review (before truncation)' }),
  );
}

/** A batch as a grid: one row per review, one cell per position, padding greyed out. */
export function showBatch(batch: Batch, tokenizer: RobertaTokenizer, caption?: string): void {
  const title =
    caption ??
    `Batch of shape [${batch.batchSize}, ${batch.seqLength}]: ${batch.realTokens} real tokens, ` +
      `${batch.batchSize * batch.seqLength - batch.realTokens} padding`;
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
    `<div style="overflow-x:auto"><table style="border-collapse:collapse"><caption ` +
    `style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(title)}</caption>` +
    `${rowsHtml.join('')}</table><p style="font-size:smaller">Each cell: token, then id · attention mask. Grey cells ` +
    `are &lt;pad&gt; with mask 0.</p></div>`;
  showHtml(html, textRows.join('\n'));
}

/** The padded length of the first `count` batches of each loader (epoch 0), side by side. */
export function showBatchLengths(loaders: Record<string, DataLoader>, count = 8): void {
  const orders = Object.entries(loaders).map(([name, loader]) => ({
    name,
    loader,
    order: loader.batchOrder(0).slice(0, count),
  }));
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
