import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { argmaxRows, classificationMetrics, confusionMatrix, median, softmaxRows } from '../lib/metrics';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, expected ${expected}`);

test('binary metrics use class 1 as positive (hand-counted: TP 3, FN 1, FP 2, TN 2)', () => {
  const labels = [1, 1, 1, 0, 0, 0, 1, 0];
  const predictions = [1, 0, 1, 0, 1, 0, 1, 1];
  const m = classificationMetrics(labels, predictions, 2);
  assert.deepEqual(m.confusionMatrix, [
    [2, 2],
    [1, 3],
  ]);
  close(m.accuracy, 5 / 8, 'accuracy');
  close(m.precision, 3 / 5, 'precision');
  close(m.recall, 3 / 4, 'recall');
  close(m.f1, (2 * 0.6 * 0.75) / 1.35, 'f1');
  assert.equal(m.count, 8);
});

test('more than two labels: macro averages, micro F1 equals accuracy', () => {
  const m = classificationMetrics([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1], 3);
  close(m.accuracy, 4 / 6, 'accuracy');
  close(m.precision, (1 + 0.5 + 2 / 3) / 3, 'macro precision');
  close(m.recall, (0.5 + 0.5 + 1) / 3, 'macro recall');
  close(m.f1, (2 / 3 + 0.5 + 0.8) / 3, 'macro f1');
  close(m.microF1!, 4 / 6, 'micro f1');
  assert.deepEqual(
    m.perClass.map((c) => c.support),
    [2, 2, 2],
  );
});

test('undefined ratios count as 0 (no positive predictions), as sklearn with zero_division=0', () => {
  const m = classificationMetrics([1, 0, 1], [0, 0, 0], 2);
  assert.equal(m.precision, 0);
  assert.equal(m.recall, 0);
  assert.equal(m.f1, 0);
  close(m.accuracy, 1 / 3, 'accuracy');
});

test('whole-set F1 differs from the mean of per-batch F1 (why the trainer collects predictions first)', () => {
  const labels = [1, 1, 0, 0, 1, 0, 0, 0];
  const predictions = [1, 0, 0, 1, 1, 0, 0, 0];
  const whole = classificationMetrics(labels, predictions, 2).f1;
  const perBatch = [0, 4].map(
    (start) => classificationMetrics(labels.slice(start, start + 4), predictions.slice(start, start + 4), 2).f1,
  );
  const batchMean = (perBatch[0] + perBatch[1]) / 2;
  close(whole, 2 / 3, 'whole-set f1');
  close(batchMean, (0.5 + 1) / 2, 'mean of batch f1');
});

test('bad inputs are reported with the row', () => {
  assert.throws(
    () => confusionMatrix([0, 2], [0, 1], 2),
    /^Error: confusionMatrix: row 1 has label 2 \/ prediction 1, expected 0\.\.1$/,
  );
  assert.throws(() => confusionMatrix([0, -1], [0, 1], 2), /row 1 has label -1 \/ prediction 1/);
  assert.throws(() => confusionMatrix([0, 1, 1], [0, 1, 3], 3), /row 2 has label 1 \/ prediction 3, expected 0\.\.2/);
  assert.throws(() => confusionMatrix([1, 0], [1, -1], 2), /row 1 has label 0 \/ prediction -1/);
  assert.throws(() => confusionMatrix([1, 0], [1, 2], 2), /row 1 has label 0 \/ prediction 2/);
  assert.throws(() => confusionMatrix([0], [0, 1], 2), /1 labels but 2 predictions/);
});

test('argmax and softmax per row', () => {
  assert.deepEqual([...argmaxRows([0.1, 0.9, 2, -1, 0, 0], 2)], [1, 0, 0]);
  // Three labels, several rows: each row's winner is found within that row, ties go to the first.
  assert.deepEqual([...argmaxRows([0, 5, 1, 3, 9, 4, 7, 2, 8, 1, 1, 1], 3)], [1, 1, 2, 0]);
  const p = softmaxRows([0, Math.log(3)], 2);
  close(p[0], 0.25, 'p0');
  close(p[1], 0.75, 'p1');
  // Rows are independent, and large logits do not overflow (the row maximum is subtracted first).
  const rows = softmaxRows([0, Math.log(3), 1000, 1000 + Math.log(4), Math.log(2), 0], 2);
  const expected = [0.25, 0.75, 0.2, 0.8, 2 / 3, 1 / 3];
  expected.forEach((want, i) => close(rows[i], want, `softmax[${i}]`));
  const three = softmaxRows([Math.log(1), Math.log(2), Math.log(5), 0, 0, 0], 3);
  [0.125, 0.25, 0.625, 1 / 3, 1 / 3, 1 / 3].forEach((want, i) => close(three[i], want, `softmax3[${i}]`));
});

test('median: the middle value, the mean of the middle two for an even count, NaN for none; input untouched', () => {
  const values = [5, 1, 4, 2, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 4, 2, 3], 'the input keeps its order');
  assert.equal(median([10, 2, 4, 8]), 6);
  assert.equal(median([7]), 7);
  assert.equal(median([-1, -3]), -2);
  // Numeric order, not string order: '10' < '9' as strings.
  assert.equal(median([9, 10, 100]), 10);
  assert.ok(Number.isNaN(median([])));
});
