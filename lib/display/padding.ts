// Notebook 03's padding comparison shown as a table, bar charts and sentences computed from the
// measured numbers.
import { showTable, showHtml, type Row } from './html';
import { escapeHtml } from './output';
import { timingBars, barChart } from './plots';
import type { PaddingComparison } from '../padding-comparison';
import { percent, fixed, showChart } from './format';

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
    `${result.cases[0]?.batches ?? 0} timed training steps per case (batch ${result.batchSize}) on ` +
    `${result.backend}, ` +
    `a ${result.parameters.toLocaleString('en-US')}-parameter model; batches drawn from ${result.examples} reviews; ` +
    `${result.seconds.toFixed(0)} s in all. CPU s: processor time of this kernel (steady on a busy machine); wall s: ` +
    `clock time. ` +
    '"padded tokens" counts every position computed (batch × length); the "epoch" columns give the same figures for ' +
    'a whole epoch of these reviews.';
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
  const tokenRows = result.cases.map((c) => ({
    name: c.name,
    secondsPerBatch: c.secondsPerBatch,
    samplesPerSecond: c.samplesPerSecond,
    realTokens: c.realTokens,
    paddedTokens: c.paddedTokens,
  }));
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
  const find = (mode: string, maxLength: number) =>
    result.cases.find((c) => c.mode === mode && c.maxLength === maxLength);
  const static512 = find('static', 512);
  const static256 = find('static', 256);
  const dynamic = find('dynamic', 256);
  const grouped = find('grouped', 256);
  const lines: string[] = [];
  const fewer = (a: number, b: number): string => percent(1 - a / b, 0);
  const cpu = (c: { cpuSecondsPerBatch: number }): string => `${c.cpuSecondsPerBatch.toFixed(2)} s`;
  if (static512 && static256) {
    lines.push(
      `Truncating at 256 instead of 512 tokens: static 256 computes ` +
        `${fewer(static256.paddedTokens, static512.paddedTokens)} fewer positions than static 512, ` +
        `and a step took ${cpu(static256)} of CPU time instead of ${cpu(static512)}: ` +
        `${static256.speedup.toFixed(2)}× faster.`,
    );
  }
  if (dynamic && static256) {
    const full = dynamic.batchLengths.filter((l) => l === dynamic.maxLength).length;
    lines.push(
      `Dynamic padding in random order: ${full} of the ${dynamic.batches} timed batches (${dynamic.epochFullBatches} ` +
        `of ${dynamic.epoch.batches} in a whole epoch) ` +
        `held a review that reaches 256 tokens and were padded to 256 anyway. Over an epoch it computes ` +
        `${fewer(dynamic.epoch.paddedTokens, static256.epoch.paddedTokens)} ` +
        `fewer positions than static 256, and a step took ${cpu(dynamic)} against ${cpu(static256)}.`,
    );
  }
  if (grouped && static256) {
    lines.push(
      `Grouped by length: over an epoch the batches are padded to ${grouped.epoch.meanBatchLength.toFixed(0)} tokens ` +
        `on average, and padding falls to ` +
        `${percent(grouped.epoch.paddingShare)} of the positions (static 256: ` +
        `${percent(static256.epoch.paddingShare)}). A step took ${cpu(grouped)}: ` +
        `${(static256.cpuSecondsPerBatch / grouped.cpuSecondsPerBatch).toFixed(2)}× faster than static 256 and ` +
        `${grouped.speedup.toFixed(2)}× faster than static 512.`,
    );
  }
  const perThousand = result.cases.map(
    (c) => `${c.name} ${((1000 * c.cpuSecondsPerBatch * c.batches) / c.paddedTokens).toFixed(3)} s`,
  );
  lines.push(
    `Time follows the positions computed, padding included: CPU seconds per 1,000 positions were ` +
      `${perThousand.join(', ')}.`,
  );
  const slowdown =
    result.cases.reduce((sum, c) => sum + c.secondsPerBatch / c.cpuSecondsPerBatch, 0) /
    Math.max(1, result.cases.length);
  if (slowdown > 1.3) {
    lines.push(
      `The wall clock ran ${slowdown.toFixed(1)}× the CPU time: other programs were competing for the processor ` +
        `during the measurement, ` +
        'which makes the wall-clock figures noisy. The CPU times are the ones to compare.',
    );
  }
  return lines;
}

export function showPaddingFindings(result: PaddingComparison): void {
  const lines = paddingComparisonFindings(result);
  showHtml(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`, lines.map((l) => `- ${l}`).join('\n'));
}
