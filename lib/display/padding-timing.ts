// Notebook 03's ending on screen: the exact positions per epoch, the measured epochs, and the
// findings written from those numbers (a difference inside the measured spread is called noise).
import type { DataLoader } from '../batching';
import { compareTimings, type CaseTiming, type PaddingTiming, type PositionCount } from '../padding-timing';
import { barChart } from './charts';
import { showTable, showHtml, tableHtml, tableText, type Row } from './html';
import { escapeHtml } from './output';
import { showChart } from './plots';

const percent = (share: number, digits = 1): string => `${(100 * share).toFixed(digits)}%`;
const count = (n: number): string => n.toLocaleString('en-US');
const seconds = (s: number): string => `${s.toFixed(3)} s`;

/** At most five columns: what a presenter reads aloud. */
export function positionRows(counts: readonly PositionCount[]): Row[] {
  return counts.map((c) => ({
    batching: c.name,
    'positions computed': count(c.positions),
    'review tokens': count(c.realTokens),
    padding: count(c.padTokens),
    'padding share': percent(c.paddingShare),
  }));
}

/** The exact count of positions one epoch computes per case, as a table and a bar chart. */
export function showPositionCounts(counts: readonly PositionCount[], reviews: number, batchSize: number): void {
  showTable(positionRows(counts), {
    caption:
      `Positions one epoch computes (${count(reviews)} reviews, batches of ${batchSize}), counted from ` +
      `the lengths: exact, no timing`,
  });
  showChart(
    barChart({
      title: 'Positions computed in one epoch',
      yLabel: 'positions',
      categories: counts.map((c) => c.name),
      series: [
        { name: 'review tokens', values: counts.map((c) => c.realTokens) },
        { name: 'padding', values: counts.map((c) => c.padTokens) },
      ],
    }),
  );
}

/** At most five columns; the per-round figures go to the collapsed details. */
export function timingRows(timing: PaddingTiming): Row[] {
  return timing.cases.map((c) => ({
    batching: c.name,
    'positions / epoch': count(c.positions),
    's / batch (median)': c.medianSecondsPerBatch.toFixed(3),
    'range over rounds': `${c.minSecondsPerBatch.toFixed(3)}–${c.maxSecondsPerBatch.toFixed(3)}`,
    'reviews / s': c.samplesPerSecond.toFixed(1),
  }));
}

export function timingDetailRows(timing: PaddingTiming): Row[] {
  return timing.cases.map((c) => ({
    batching: c.name,
    'mean batch length': Number(c.meanBatchLength.toFixed(1)),
    'batches at the limit': `${c.fullBatches} of ${c.batches}`,
    's / batch per round': c.roundSecondsPerBatch.map((s) => s.toFixed(3)).join(', '),
    'CPU s per wall s': (c.cpuSeconds / c.wallSeconds).toFixed(2),
  }));
}

export function timingCaption(timing: PaddingTiming): string {
  return (
    `${timing.rounds} round${timing.rounds === 1 ? '' : 's'} of one epoch per case: ${count(timing.examples)} ` +
    `reviews in ${timing.cases[0]?.batches ?? 0} batches of ` +
    `${timing.batchSize}, training steps (forward, backward, AdamW) on ${timing.backend}, a ` +
    `${count(timing.parameters)}-parameter model; ` +
    `${timing.seconds.toFixed(0)} s in all. Seconds are wall-clock time per batch: the median of the rounds, ` +
    `and their range.`
  );
}

/** The timing table, the per-round details collapsed under it, and a chart of the medians. */
export function showPaddingTiming(timing: PaddingTiming): void {
  const caption = timingCaption(timing);
  const details = timingDetailRows(timing);
  const html =
    tableHtml(timingRows(timing), { caption }) +
    `<details><summary>Details: every round, batches at the limit, CPU time</summary>${tableHtml(details)}</details>`;
  showHtml(html, tableText(timingRows(timing), { caption }));
  showChart(
    barChart({
      title: 'Seconds per training step (median of the rounds)',
      yLabel: 'seconds per batch',
      categories: timing.cases.map((c) => c.name),
      series: [{ name: 'median', values: timing.cases.map((c) => Number(c.medianSecondsPerBatch.toFixed(4))) }],
    }),
  );
}

function fewerPositions(a: PositionCount, b: PositionCount): string {
  const share = 1 - a.positions / b.positions;
  if (Math.abs(share) < 0.0005) return `exactly as many positions as ${b.name}`;
  return share > 0
    ? `${percent(share)} fewer positions than ${b.name}`
    : `${percent(-share)} more positions than ${b.name}`;
}

/** "2.20× faster", "1.10× slower", or "within noise", from the rounds' ranges. */
export function timeVerdict(a: CaseTiming, b: CaseTiming): string {
  const result = compareTimings(a, b);
  const measured = `a batch took ${seconds(a.medianSecondsPerBatch)} against ${seconds(b.medianSecondsPerBatch)}`;
  if (result.verdict === 'within noise') return `${measured}: within noise (the ranges over the rounds overlap)`;
  return `${measured}: ${result.ratio.toFixed(2)}× ${result.verdict}`;
}

/** The findings as sentences, computed from the counts and the timing (never typed). */
export function paddingTimingFindings(timing: PaddingTiming): string[] {
  const find = (mode: string, maxLength: number): CaseTiming | undefined =>
    timing.cases.find((c) => c.mode === mode && c.maxLength === maxLength);
  const s512 = find('static', 512);
  const d512 = find('dynamic', 512);
  const g512 = find('grouped', 512);
  const s256 = find('static', 256);
  const d256 = find('dynamic', 256);
  const g256 = find('grouped', 256);
  const lines: string[] = [];
  if (timing.rounds < 2)
    lines.push(
      'One round only: no spread was measured, so no difference below can be told from noise. Time at least 3 rounds.',
    );
  if (s512 && s256) {
    lines.push(
      `Cutting at 256 instead of 512 tokens: static 256 computes ${fewerPositions(s256, s512)}; ` +
        `${timeVerdict(s256, s512)}.`,
    );
  }
  if (d512 && s512) {
    lines.push(
      `At 512, dynamic padding in random order: ${d512.fullBatches} of ${d512.batches} batches hold a review ` +
        `that reaches 512 tokens; ` +
        `it computes ${fewerPositions(d512, s512)}; ${timeVerdict(d512, s512)}.`,
    );
  }
  if (g512 && s512) {
    lines.push(
      `At 512, grouped by length: padding falls to ${percent(g512.paddingShare)} (static 512: ` +
        `${percent(s512.paddingShare)}); it computes ${fewerPositions(g512, s512)}; ${timeVerdict(g512, s512)}.`,
    );
  }
  if (d256 && s256) {
    lines.push(
      `At 256, dynamic padding in random order: ${d256.fullBatches} of ${d256.batches} batches hold a review ` +
        `that reaches 256 tokens and are padded to 256 anyway; ` +
        `it computes ${fewerPositions(d256, s256)}; ${timeVerdict(d256, s256)}.`,
    );
  }
  if (g256 && s256) {
    lines.push(
      `At 256, grouped by length: padding falls to ${percent(g256.paddingShare)} (static 256: ` +
        `${percent(s256.paddingShare)}); it computes ${fewerPositions(g256, s256)}; ${timeVerdict(g256, s256)}.`,
    );
  }
  if (s512 && s256 && d256) {
    const saved = 1 - d256.positions / s256.positions;
    const cut = s256.truncatedReviews / Math.max(1, timing.examples);
    lines.push(
      saved < 0.05
        ? `So at 256 on these lengths the saving comes from truncation, not from dynamic padding: ` +
            `${percent(cut, 0)} of the reviews are longer than 256 tokens, ` +
            `so nearly every random batch of ${timing.batchSize} holds one and is as wide as a static batch.`
        : `At 256 dynamic padding saves ${percent(saved)} of the positions here: fewer reviews reach the limit ` +
            `(${percent(cut, 0)}).`,
    );
  }
  const perPosition = timing.cases.map(
    (c) => `${c.name} ${((1000 * c.medianSecondsPerBatch * c.batches) / c.positions).toFixed(3)}`,
  );
  lines.push(
    `Seconds per 1,000 positions computed (median): ${perPosition.join(', ')}. Time follows the positions, ` +
      `padding included.`,
  );
  if ((timing.backend === 'wasm' || timing.backend === 'cpu') && timing.cpuPerWallSecond < 0.8) {
    lines.push(
      `Contention: this kernel got ${timing.cpuPerWallSecond.toFixed(2)} s of CPU time per wall-clock second on ` +
        `a one-threaded backend, ` +
        'so other programs were using the processor. Every figure is slower than on an idle machine and the ' +
        'ranges are wider; ' +
        'the cases took turns batch by batch, so the slowdown hit them alike.',
    );
  }
  return lines;
}

export function showPaddingTimingFindings(timing: PaddingTiming): void {
  const lines = paddingTimingFindings(timing);
  showHtml(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`, lines.map((l) => `- ${l}`).join('\n'));
}

/** Why grouped batches can still carry padding on a small training set: the mega-batch size. */
export function megaBatchSentence(loader: DataLoader): string {
  const perMega = loader.megaBatchSize / loader.batchSize;
  return (
    `Grouping sorts reviews by length inside mega-batches of ${perMega} batches (${loader.megaBatchSize} reviews): ` +
    `Hugging Face's rule takes 50 batches, but at most a quarter of the data (${loader.numExamples} reviews ` +
    `here), so that the ` +
    `batches still differ from epoch to epoch. A batch then holds ${loader.batchSize} neighbours out of ` +
    `${loader.megaBatchSize} sorted reviews, ` +
    'and the short ones differ a lot in relative length: such batches still carry a fair share of padding. With ' +
    'more data the ' +
    'mega-batches grow and the padding shrinks.'
  );
}

export function showMegaBatchNote(loader: DataLoader): void {
  const sentence = megaBatchSentence(loader);
  showHtml(`<p>${escapeHtml(sentence)}</p>`, sentence);
}
