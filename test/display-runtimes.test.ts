// The agreement notebook 01 prints between our pipeline and transformers.js's comes from the results given.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { showRuntimeAgreement } from '../lib/display/runtimes';

const names = { ours: 'ours', theirs: 'theirs' };

test('showRuntimeAgreement: same labels and the largest score difference; a differing label is reported', () => {
  const texts = ['a', 'b'];
  const ours = [
    { label: 'POSITIVE', score: 0.9 },
    { label: 'NEGATIVE', score: 0.7 },
  ];
  const same = showRuntimeAgreement(
    texts,
    ours,
    [
      { label: 'POSITIVE', score: 0.9 },
      { label: 'NEGATIVE', score: 0.75 },
    ],
    names,
  );
  assert.equal(same.sameLabels, true);
  assert.ok(Math.abs(same.maxScoreDifference - 0.05) < 1e-12, String(same.maxScoreDifference));
  const differing = showRuntimeAgreement(
    texts,
    ours,
    [
      { label: 'POSITIVE', score: 0.9 },
      { label: 'POSITIVE', score: 0.7 },
    ],
    names,
  );
  assert.equal(differing.sameLabels, false);
  assert.throws(() => showRuntimeAgreement(texts, ours.slice(0, 1), ours, names), /2 texts, 1 and 2 results/);
});
