// Notebook 03's ending: exact positions per epoch, whole epochs timed over rounds, and findings
// that call a difference inside the rounds' spread "within noise".
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { DataLoader, type TokenizedExample } from '../lib/batching';
import { offlineModelConfig } from '../lib/model/config';
import {
  BATCHING_CASES,
  compareTimings,
  countPositions,
  median,
  timePaddingEpochs,
  type CaseTiming,
  type PaddingTiming,
} from '../lib/padding-timing';
import { paddingTimingFindings, positionRows, timingRows, megaBatchSentence } from '../lib/display/padding-timing';

before(async () => {
  await initBackend('wasm');
});

/** Review-like token ids: lengths spread around both limits, as IMDb's are. */
function reviews(count: number): TokenizedExample[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 20 + ((i * 97) % 620);
    return {
      inputIds: Array.from({ length }, (_, k) => (k === 0 ? 0 : k === length - 1 ? 2 : 4 + ((i + k) % 500))),
      label: i % 2,
    };
  });
}

test('countPositions: every position of an epoch, real and padding, counted exactly', () => {
  const examples = reviews(40);
  const counts = countPositions({ examples, padTokenId: 1, batchSize: 4, seed: 3 });
  assert.deepEqual(
    counts.map((c) => c.name),
    BATCHING_CASES.map((c) => c.name),
  );
  for (const c of counts) {
    // Recount independently: each row holds min(length, maxLength) tokens; a batch is as wide as the
    // static limit or its longest row.
    const loader = new DataLoader(examples, {
      batchSize: 4,
      mode: c.mode,
      maxLength: c.maxLength,
      seed: 3,
      padTokenId: 1,
    });
    let positions = 0;
    let real = 0;
    for (const batch of loader.batches(0)) {
      const rows = Array.from(batch.exampleIndices, (i) => Math.min(examples[i].inputIds.length, c.maxLength));
      const width = c.mode === 'static' ? c.maxLength : Math.max(...rows);
      positions += rows.length * width;
      real += rows.reduce((a, b) => a + b, 0);
    }
    assert.equal(c.positions, positions, c.name);
    assert.equal(c.realTokens, real, c.name);
    assert.equal(c.padTokens, positions - real, c.name);
    assert.equal(c.truncatedReviews, examples.filter((e) => e.inputIds.length > c.maxLength).length, c.name);
  }
  const [s512, , g512, s256] = counts;
  assert.equal(s512.positions, 40 * 512);
  assert.equal(s256.positions, 40 * 256);
  assert.ok(g512.positions < s512.positions);
  assert.deepEqual(Object.keys(positionRows(counts)[0]).length <= 5, true, 'at most five columns');
});

test('timePaddingEpochs: whole epochs per case, every round, the same batches, no leaked tensors', async () => {
  const examples = reviews(12);
  const config = offlineModelConfig(600, {
    hidden_size: 16,
    num_attention_heads: 2,
    intermediate_size: 32,
    num_hidden_layers: 1,
    max_position_embeddings: 514,
  });
  const before = tf.memory().numTensors;
  const timing = await timePaddingEpochs({
    examples,
    vocabSize: 600,
    padTokenId: 1,
    batchSize: 4,
    rounds: 3,
    modelConfig: config,
    progress: false,
  });
  assert.equal(tf.memory().numTensors, before, 'model, optimizer and gradients released');
  assert.equal(timing.rounds, 3);
  assert.equal(timing.examples, 12);
  const counts = countPositions({ examples, padTokenId: 1, batchSize: 4 });
  for (const [i, c] of timing.cases.entries()) {
    assert.equal(c.batches, 3, `${c.name}: a whole epoch of 12 reviews in batches of 4`);
    assert.equal(c.positions, counts[i].positions, `${c.name}: the timed epoch is the counted one`);
    assert.equal(c.roundSecondsPerBatch.length, 3);
    assert.equal(c.medianSecondsPerBatch, median(c.roundSecondsPerBatch));
    assert.ok(c.minSecondsPerBatch <= c.medianSecondsPerBatch && c.medianSecondsPerBatch <= c.maxSecondsPerBatch);
    const total = c.roundSecondsPerBatch.reduce((a, b) => a + b, 0) * c.batches;
    assert.ok(Math.abs(c.wallSeconds - total) < 1e-9, `${c.name}: wall seconds add up over the rounds`);
    assert.ok(Math.abs(c.samplesPerSecond - 12 / (3 * c.medianSecondsPerBatch)) < 1e-9);
  }
  assert.ok(timing.cpuPerWallSecond > 0);
  assert.ok(
    timingRows(timing).every((row) => Object.keys(row).length <= 5),
    'at most five columns on screen',
  );
  await assert.rejects(
    timePaddingEpochs({ examples: [], vocabSize: 600, padTokenId: 1, progress: false }),
    /no examples/,
  );
  await assert.rejects(
    timePaddingEpochs({ examples, vocabSize: 600, padTokenId: 1, rounds: 0, modelConfig: config, progress: false }),
    /rounds must be an integer >= 1, got 0/,
  );
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /no values/);
});

function fakeCase(
  name: string,
  mode: CaseTiming['mode'],
  maxLength: number,
  rounds: number[],
  positions: number,
  real: number,
  fullBatches: number,
): CaseTiming {
  const sorted = [...rounds].sort((a, b) => a - b);
  return {
    name,
    mode,
    maxLength,
    batches: 10,
    realTokens: real,
    padTokens: positions - real,
    positions,
    paddingShare: 1 - real / positions,
    meanBatchLength: positions / 160,
    fullBatches,
    truncatedReviews: maxLength === 256 ? 80 : 20,
    roundSecondsPerBatch: rounds,
    medianSecondsPerBatch: median(rounds),
    minSecondsPerBatch: sorted[0],
    maxSecondsPerBatch: sorted.at(-1)!,
    samplesPerSecond: 160 / (10 * median(rounds)),
    cpuSeconds: 1,
    wallSeconds: 1,
  };
}

function fakeTiming(grouped256: number[], cpuPerWallSecond = 1): PaddingTiming {
  return {
    backend: 'wasm',
    batchSize: 16,
    examples: 160,
    parameters: 1000,
    rounds: 3,
    seconds: 60,
    cpuPerWallSecond,
    cases: [
      fakeCase('static 512', 'static', 512, [2.0, 2.1, 1.9], 81920, 45000, 10),
      fakeCase('dynamic 512 random', 'dynamic', 512, [1.9, 2.0, 1.95], 80000, 45000, 8),
      fakeCase('dynamic 512 grouped', 'grouped', 512, [1.0, 1.1, 1.05], 46000, 45000, 2),
      fakeCase('static 256', 'static', 256, [1.0, 0.95, 1.05], 40960, 33000, 10),
      fakeCase('dynamic 256 random', 'dynamic', 256, [1.02, 0.97, 1.0], 40960, 33000, 10),
      fakeCase('dynamic 256 grouped', 'grouped', 256, grouped256, 36000, 33000, 6),
    ],
  };
}

test('compareTimings: overlapping ranges are noise; otherwise the faster one, ratio never below 1', () => {
  const t = fakeTiming([1.04, 1.06, 1.05]);
  const [s512, , , s256, d256, g256] = t.cases;
  assert.equal(compareTimings(d256, s256).verdict, 'within noise');
  assert.equal(compareTimings(g256, s256).verdict, 'within noise', "grouped 5% slower but inside static 256's range");
  const faster = compareTimings(s256, s512);
  assert.equal(faster.verdict, 'faster');
  assert.ok(Math.abs(faster.ratio - 2) < 1e-12);
  const slower = compareTimings(s512, s256);
  assert.equal(slower.verdict, 'slower');
  assert.ok(slower.ratio >= 1);
});

test(
  'findings: "within noise" inside the spread, never a ratio below 1 called faster, the 256 lesson, ' + 'contention',
  () => {
    const quiet = paddingTimingFindings(fakeTiming([1.04, 1.06, 1.05]));
    const text = quiet.join('\n');
    assert.match(
      quiet[0],
      /static 256 computes 50\.0% fewer positions than static 512; a batch took 1\.000 s against 2\.000 s: 2\.00× faster/,
    );
    assert.match(text, /At 256, grouped by length: .*: within noise/);
    assert.match(
      text,
      /At 256, dynamic padding in random order: 10 of 10 batches .* exactly as many positions as static 256; .*within noise/,
    );
    assert.match(text, /At 512, grouped by length: .*1\.90× faster/);
    assert.match(
      text,
      /saving comes from truncation, not from dynamic padding: 50% of the reviews are longer than 256 tokens/,
    );
    assert.doesNotMatch(text, /0\.\d+× faster/);
    assert.doesNotMatch(text, /Contention/);
    const clearlySlower = paddingTimingFindings(fakeTiming([1.3, 1.35, 1.4])).join('\n');
    assert.match(clearlySlower, /At 256, grouped by length: .*1\.35× slower/);
    assert.doesNotMatch(clearlySlower, /0\.\d+× faster/);
    assert.match(
      paddingTimingFindings({ ...fakeTiming([1.04, 1.06, 1.05]), rounds: 1 })[0],
      /One round only: no spread was measured/,
    );
    assert.doesNotMatch(text, /One round only/);
    const busy = paddingTimingFindings(fakeTiming([1.04, 1.06, 1.05], 0.5));
    assert.match(busy.at(-1)!, /Contention: this kernel got 0\.50 s of CPU time per wall-clock second/);
  },
);

test('the mega-batch note is computed from the loader', () => {
  const loader = new DataLoader(reviews(480), {
    batchSize: 16,
    mode: 'grouped',
    maxLength: 256,
    seed: 42,
    padTokenId: 1,
  });
  assert.match(
    megaBatchSentence(loader),
    /mega-batches of 7 batches \(112 reviews\).*\(480 reviews here\).*16 neighbours out of 112/,
  );
});
