import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  DataLoader,
  dynamicPaddingCollate,
  paddingReport,
  toTensors,
  tokenizedExamples,
  type Batch,
  type DataLoaderOptions,
  type TokenizedExample,
} from '../lib/batching';
import { loadTokenizer } from '../lib/tokenizer';
import { paddingReportCommand } from '../lib/cli/data';

const PAD = 1;
const BOS = 0;
const EOS = 2;

/** An example of `length` tokens: <s>, body ids that encode (example, position), </s>. */
function example(index: number, length: number, label: number): TokenizedExample {
  const body = Array.from({ length: length - 2 }, (_, j) => 1000 + ((index * 7 + j) % 40000));
  return { inputIds: [BOS, ...body, EOS], label };
}

/** Log-normal lengths like IMDb in RoBERTa tokens (median 245, sigma 0.64), seeded. */
function imdbLikeExamples(count: number, seed: number): TokenizedExample[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => {
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const length = Math.max(4, Math.min(3000, Math.round(245 * Math.exp(0.64 * gaussian))));
    return example(i, length, i % 2);
  });
}

function allBatches(loader: DataLoader, epoch: number): Batch[] {
  return [...loader.batches(epoch)];
}

function row(batch: Batch, r: number, field: 'inputIds' | 'attentionMask'): number[] {
  return Array.from(batch[field].subarray(r * batch.seqLength, (r + 1) * batch.seqLength));
}

/** Checks every batch against the examples it claims to hold; returns the indices seen. */
function checkBatchesMatchExamples(loader: DataLoader, batches: Batch[]): number[] {
  const seen: number[] = [];
  for (const [b, batch] of batches.entries()) {
    assert.equal(batch.inputIds.length, batch.batchSize * batch.seqLength, `batch ${b} inputIds size`);
    let real = 0;
    for (let r = 0; r < batch.batchSize; r++) {
      const index = batch.exampleIndices[r];
      seen.push(index);
      const source = loader.examples[index].inputIds;
      const kept =
        source.length <= loader.maxLength
          ? source
          : [...source.slice(0, loader.maxLength - 1), source[source.length - 1]];
      const ids = row(batch, r, 'inputIds');
      const mask = row(batch, r, 'attentionMask');
      const expectedIds = [...kept, ...new Array<number>(batch.seqLength - kept.length).fill(PAD)];
      const expectedMask = [
        ...new Array<number>(kept.length).fill(1),
        ...new Array<number>(batch.seqLength - kept.length).fill(0),
      ];
      assert.deepEqual(ids, expectedIds, `batch ${b} row ${r} (example ${index}) ids`);
      assert.deepEqual(mask, expectedMask, `batch ${b} row ${r} (example ${index}) mask`);
      assert.equal(batch.labels[r], loader.examples[index].label, `batch ${b} row ${r} label`);
      assert.equal(ids[kept.length - 1], EOS, `batch ${b} row ${r} keeps </s> last`);
      real += kept.length;
    }
    assert.equal(batch.realTokens, real, `batch ${b} realTokens`);
  }
  return seen;
}

const BASE: DataLoaderOptions = { batchSize: 8, mode: 'dynamic', maxLength: 64, seed: 1, padTokenId: PAD };

test('static mode pads and truncates every row to maxLength, keeping </s>', () => {
  const examples = [example(0, 5, 1), example(1, 100, 0), example(2, 64, 1), example(3, 65, 0)];
  const loader = new DataLoader(examples, { ...BASE, mode: 'static', batchSize: 4, shuffle: false });
  const [batch] = allBatches(loader, 0);
  assert.equal(batch.seqLength, 64);
  assert.deepEqual(Array.from(batch.exampleIndices), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(batch.labels), [1, 0, 1, 0]);
  assert.equal(batch.truncatedExamples, 2);
  assert.deepEqual(row(batch, 0, 'attentionMask').slice(0, 7), [1, 1, 1, 1, 1, 0, 0]);
  assert.deepEqual(row(batch, 0, 'inputIds').slice(3, 7), [examples[0].inputIds[3], EOS, PAD, PAD]);
  assert.deepEqual(row(batch, 1, 'inputIds').slice(61), [examples[1].inputIds[61], examples[1].inputIds[62], EOS]);
  checkBatchesMatchExamples(loader, [batch]);
});

test('dynamic mode pads each batch to its own longest row, with <pad> and mask 0', () => {
  const examples = imdbLikeExamples(203, 5);
  const loader = new DataLoader(examples, { ...BASE, maxLength: 256 });
  assert.equal(loader.numBatches, 26);
  const batches = allBatches(loader, 0);
  assert.equal(batches.length, 26);
  assert.equal(batches[25].batchSize, 203 - 25 * 8, 'the last batch is smaller');
  for (const batch of batches) {
    const longest = Math.max(...Array.from(batch.exampleIndices, (i) => Math.min(examples[i].inputIds.length, 256)));
    assert.equal(batch.seqLength, longest);
  }
  const seen = checkBatchesMatchExamples(loader, batches);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    examples.map((_, i) => i),
    'each example exactly once per epoch',
  );
  assert.notDeepEqual(
    seen.slice(0, 20),
    examples.slice(0, 20).map((_, i) => i),
    'shuffled',
  );
});

test('grouped mode sorts within mega-batches and shuffles the batch order', () => {
  const examples = imdbLikeExamples(2000, 9);
  const loader = new DataLoader(examples, {
    ...BASE,
    mode: 'grouped',
    batchSize: 16,
    maxLength: 512,
    megaBatchBatches: 50,
  });
  // 2000 / (16 * 4) = 31 batches per mega-batch on this small set (Hugging Face's rule).
  assert.equal(loader.megaBatchSize, 31 * 16);
  const batches = allBatches(loader, 0);
  const seen = checkBatchesMatchExamples(loader, batches);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    examples.map((_, i) => i),
  );
  // Rows of a batch come from one sorted run: lengths within a batch are non-increasing.
  for (const [b, batch] of batches.entries()) {
    const lengths = Array.from(batch.exampleIndices, (i) => loader.lengthOf(i));
    for (let r = 1; r < lengths.length; r++)
      assert.ok(lengths[r] <= lengths[r - 1], `batch ${b} is sorted by length: ${lengths}`);
  }
  const seqLengths = batches.map((batch) => batch.seqLength);
  const descendingRuns = seqLengths.filter((length, i) => i > 0 && length <= seqLengths[i - 1]).length;
  assert.ok(
    descendingRuns < seqLengths.length * 0.8,
    `batch order is shuffled, not sorted: ${seqLengths.slice(0, 20)}`,
  );

  const grouped = paddingReport(loader);
  const dynamic = paddingReport(new DataLoader(examples, { ...BASE, batchSize: 16, maxLength: 512 }));
  assert.equal(grouped.realTokens, dynamic.realTokens);
  assert.ok(grouped.paddingShare < 0.1, `grouped padding share ${grouped.paddingShare}`);
  assert.ok(dynamic.paddingShare > 0.3, `dynamic padding share ${dynamic.paddingShare}`);
});

test('unshuffled loaders keep the order; unshuffled grouped sorts each mega-batch', () => {
  const examples = imdbLikeExamples(100, 2);
  const plain = new DataLoader(examples, { ...BASE, shuffle: false, batchSize: 10 });
  assert.deepEqual(
    plain.batchOrder(3).flat(),
    examples.map((_, i) => i),
  );
  const grouped = new DataLoader(examples, {
    ...BASE,
    mode: 'grouped',
    shuffle: false,
    batchSize: 10,
    maxLength: 1000,
  });
  assert.equal(grouped.megaBatchSize, 20);
  const order = grouped.batchOrder(0).flat();
  for (let start = 0; start < 100; start += 20) {
    const mega = order.slice(start, start + 20);
    assert.deepEqual(
      [...mega].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, k) => start + k),
    );
    const lengths = mega.map((i) => grouped.lengthOf(i));
    assert.deepEqual(
      lengths,
      [...lengths].sort((a, b) => b - a),
    );
  }
});

test('the order depends only on (seed, epoch); startBatch resumes mid-epoch', () => {
  const examples = imdbLikeExamples(300, 4);
  for (const mode of ['static', 'dynamic', 'grouped'] as const) {
    const a = new DataLoader(examples, { ...BASE, mode, seed: 42 });
    const b = new DataLoader(examples, { ...BASE, mode, seed: 42 });
    assert.deepEqual(b.batchOrder(2), a.batchOrder(2), `${mode}: same seed and epoch`);
    a.batchOrder(0);
    assert.deepEqual(a.batchOrder(2), b.batchOrder(2), `${mode}: earlier epochs do not matter`);
    assert.notDeepEqual(a.batchOrder(1), a.batchOrder(2), `${mode}: epochs differ`);
    const c = new DataLoader(examples, { ...BASE, mode, seed: 43 });
    assert.notDeepEqual(c.batchOrder(2), a.batchOrder(2), `${mode}: seeds differ`);

    const full = allBatches(a, 2);
    const resumed = [...a.batches(2, { startBatch: 30 })];
    assert.equal(resumed.length, full.length - 30);
    assert.deepEqual(resumed, full.slice(30), `${mode}: resumed batches equal the tail of the epoch`);
    assert.deepEqual([...a.batches(2, { startBatch: a.numBatches })], []);
    assert.throws(
      () => a.batches(2, { startBatch: a.numBatches + 1 }).next(),
      /startBatch should be an integer in 0\.\.38, found 39/,
    );
  }
});

test('dropLast drops the smaller last batch', () => {
  const loader = new DataLoader(imdbLikeExamples(20, 1), { ...BASE, batchSize: 8, dropLast: true });
  assert.equal(loader.numBatches, 2);
  assert.deepEqual(
    allBatches(loader, 0).map((batch) => batch.batchSize),
    [8, 8],
  );
});

test('the shuffle puts every example at every position equally often (an unbiased Fisher–Yates)', () => {
  const n = 5;
  const epochs = 5000;
  const loader = new DataLoader(imdbLikeExamples(n, 3), { ...BASE, batchSize: n, seed: 9 });
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let epoch = 0; epoch < epochs; epoch++) {
    loader.batchOrder(epoch)[0].forEach((example, position) => counts[example][position]++);
  }
  // Each cell expects epochs / n = 1000; a binomial's standard deviation here is about 28.
  for (const [example, row] of counts.entries()) {
    for (const [position, count] of row.entries()) {
      const where = `example ${example} at position ${position} ${count} times of ${epochs}`;
      assert.ok(Math.abs(count - epochs / n) < 150, where);
    }
  }
});

test('edge cases: batch size 1, a custom pad id, bad start batches, static length, a report on zero batches', () => {
  const examples = tokenizedExamples(
    [
      [0, 5, 2],
      [0, 6, 7, 8, 2],
      [0, 2],
    ],
    [1, 0, 1],
  );
  assert.deepEqual(examples[1], { inputIds: [0, 6, 7, 8, 2], label: 0 });

  const single = new DataLoader(examples, { ...BASE, batchSize: 1, shuffle: false });
  assert.equal(single.numBatches, 3);
  assert.equal(single.numExamples, 3);
  assert.deepEqual(
    allBatches(single, 0).map((batch) => [...batch.exampleIndices]),
    [[0], [1], [2]],
  );

  const padded = allBatches(new DataLoader(examples, { ...BASE, batchSize: 3, shuffle: false, padTokenId: 9 }), 0)[0];
  assert.equal(padded.seqLength, 5);
  assert.deepEqual(row(padded, 0, 'inputIds'), [0, 5, 2, 9, 9]);
  assert.deepEqual(row(padded, 2, 'inputIds'), [0, 2, 9, 9, 9]);
  assert.equal(new DataLoader(examples, { ...BASE, padTokenId: undefined }).padTokenId, 1);
  const collated = dynamicPaddingCollate(examples, 9);
  assert.equal(collated.seqLength, 5);
  assert.deepEqual(row(collated, 2, 'inputIds'), [0, 2, 9, 9, 9]);
  assert.deepEqual(row(dynamicPaddingCollate(examples), 2, 'inputIds'), [0, 2, 1, 1, 1]);
  assert.throws(() => dynamicPaddingCollate([]), { message: 'dynamicPaddingCollate: no examples' });

  for (const startBatch of [-1, 0.5]) {
    assert.throws(
      () => single.batches(0, { startBatch }).next(),
      new RegExp(`startBatch should be an integer in 0\\.\\.3, found ${startBatch}`),
    );
  }

  // Static mode pads to maxLength even when every row is shorter.
  const staticBatch = allBatches(new DataLoader(examples, { ...BASE, mode: 'static', maxLength: 8 }), 0)[0];
  assert.equal(staticBatch.seqLength, 8);
  assert.equal(paddingReport(new DataLoader(examples, { ...BASE, mode: 'static', maxLength: 8 })).minBatchLength, 8);

  // dropLast with fewer examples than a batch: no batches, and the report says so without NaN or Infinity.
  const none = new DataLoader(examples, { ...BASE, batchSize: 4, dropLast: true });
  assert.equal(none.numBatches, 0);
  assert.deepEqual(paddingReport(none), {
    mode: 'dynamic',
    batchSize: 4,
    maxLength: 64,
    examples: 0,
    batches: 0,
    realTokens: 0,
    paddedTokens: 0,
    padTokens: 0,
    paddingShare: 0,
    meanBatchLength: 0,
    maxBatchLength: 0,
    minBatchLength: 0,
    truncatedExamples: 0,
    truncatedShare: 0,
  });
});

test('bad options and examples are named', () => {
  const examples = imdbLikeExamples(4, 1);
  assert.throws(
    () => new DataLoader(examples, { ...BASE, batchSize: 0 }),
    /batchSize should be a positive integer, found 0/,
  );
  assert.throws(
    () => new DataLoader(examples, { ...BASE, maxLength: 2.5 }),
    /maxLength should be a positive integer, found 2\.5/,
  );
  assert.throws(
    () => new DataLoader(examples, { ...BASE, mode: 'bucket' as 'static' }),
    /mode should be 'static', 'dynamic' or 'grouped', found "bucket"/,
  );
  assert.throws(() => new DataLoader([...examples, { inputIds: [], label: 0 }], BASE), /example 4 has no inputIds/);
  assert.throws(() => new DataLoader([{ inputIds: [0, 2], label: 0.5 }], BASE), /example 0 has label 0\.5, expected a/);
  assert.throws(() => new DataLoader(examples, BASE).batchOrder(-1), /epoch should be an integer >= 0, found -1/);
  for (const label of [-1, 2 ** 31]) {
    const expected = new RegExp(`example 0 has label ${label}, expected a class index`);
    assert.throws(() => new DataLoader([{ inputIds: [0, 2], label }], BASE), expected);
  }
  assert.throws(() => tokenizedExamples([[0, 2]], [1, 0]), /1 encoded texts but 2 labels/);
});

test('dynamicPaddingCollate pads to the longest example without truncating', async () => {
  const tok = await loadTokenizer('offline');
  const texts = ['Hello', 'Hello world, how are you?', 'Fine'];
  const examples = tokenizedExamples(tok.encodePlain(texts).inputIds, [1, 0, 1]);
  const batch = dynamicPaddingCollate(examples, tok.padTokenId);
  assert.equal(batch.seqLength, examples[1].inputIds.length);
  assert.deepEqual(tok.tokenStrings(row(batch, 0, 'inputIds')), [
    '<s>',
    'Hello',
    '</s>',
    '<pad>',
    '<pad>',
    '<pad>',
    '<pad>',
    '<pad>',
    '<pad>',
  ]);
  assert.deepEqual(row(batch, 0, 'attentionMask'), [1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(row(batch, 1, 'inputIds'), examples[1].inputIds);
  assert.deepEqual(Array.from(batch.labels), [1, 0, 1]);
  assert.equal(batch.realTokens, 3 + 9 + 3);
  assert.throws(() => dynamicPaddingCollate([]), /no examples/);
});

test('toTensors gives int32 tensors of the right shapes, and nothing leaks', async () => {
  await initBackend('cpu');
  const loader = new DataLoader(imdbLikeExamples(10, 3), { ...BASE, batchSize: 4, maxLength: 32, mode: 'static' });
  const [batch] = allBatches(loader, 0);
  const before = tf.memory().numTensors;
  const tensors = toTensors(batch);
  assert.deepEqual(tensors.inputIds.shape, [4, 32]);
  assert.deepEqual(tensors.attentionMask.shape, [4, 32]);
  assert.deepEqual(tensors.labels.shape, [4]);
  for (const tensor of Object.values(tensors)) assert.equal(tensor.dtype, 'int32');
  assert.deepEqual(Array.from(tensors.inputIds.dataSync()), Array.from(batch.inputIds));
  assert.deepEqual(Array.from(tensors.labels.dataSync()), Array.from(batch.labels));
  tf.dispose(tensors);
  assert.equal(tf.memory().numTensors, before);
});

test("toTensors on a ragged batch: mask 1 exactly on the real tokens, ids then <pad>, the rows' labels", async () => {
  await initBackend('cpu');
  // Lengths 3, 12 (cut to 10), 5 and 7; labels chosen so no row shares its neighbour's.
  const examples = [example(0, 3, 1), example(1, 12, 0), example(2, 5, 0), example(3, 7, 1)];
  const loader = new DataLoader(examples, { ...BASE, batchSize: 4, maxLength: 10, mode: 'dynamic', shuffle: false });
  const [batch] = allBatches(loader, 0);
  const tensors = toTensors(batch);
  const [mask, ids] = [tensors.attentionMask.arraySync(), tensors.inputIds.arraySync()];
  const labels = Array.from(tensors.labels.dataSync());
  tf.dispose(tensors);
  const realLengths = [3, 10, 5, 7];
  assert.deepEqual(
    mask,
    realLengths.map((n) => Array.from({ length: 10 }, (_, j) => (j < n ? 1 : 0))),
  );
  realLengths.forEach((n, r) => {
    const source = examples[r].inputIds;
    const kept = source.length <= 10 ? source : [...source.slice(0, 9), source[source.length - 1]];
    assert.deepEqual(ids[r], [...kept, ...new Array<number>(10 - n).fill(PAD)], `row ${r} ids`);
  });
  assert.deepEqual(labels, [1, 0, 0, 1]);
});

test('token ids that an int32 cast would wrap, ids outside the vocabulary and masks other than 0/1 are refused', () => {
  // 2^32 + 5 becomes 5 in an Int32Array: it must be refused before any batch is built.
  const wrapping = [example(0, 4, 0), { inputIds: [BOS, 7, 4294967301, EOS], label: 1 }];
  assert.throws(() => new DataLoader(wrapping, BASE), {
    message:
      'DataLoader: input_ids example 1, position 2: found 4294967301, ' +
      'expected an integer token id in [0, 2^31) (int32)',
  });
  assert.throws(
    () => dynamicPaddingCollate(wrapping),
    /dynamicPaddingCollate: input_ids example 1, position 2: found 4294967301/,
  );
  for (const bad of [-1, 2 ** 31, 1.5, Number.NaN]) {
    const expected = new RegExp(`position 1: found ${bad}, expected an integer token id`);
    assert.throws(() => new DataLoader([{ inputIds: [BOS, bad, EOS], label: 0 }], BASE), expected);
  }
  const hugeLabel = [{ inputIds: [0, 2], label: 2 ** 32 + 1 }];
  assert.throws(() => new DataLoader(hugeLabel, BASE), /example 0 has label 4294967297, expected a class index/);

  const batch = dynamicPaddingCollate([example(0, 3, 0), example(1, 4, 1)]);
  const outOfVocab =
    'toTensors: input_ids row 1, position 1: found 1007, expected an integer token id in [0, 1005) (vocab_size 1005)';
  assert.throws(() => toTensors(batch, 1005), { message: outOfVocab });
  const badMask = { ...batch, attentionMask: Int32Array.from(batch.attentionMask, (m, i) => (i === 5 ? 2 : m)) };
  const maskTwo = 'toTensors: attention_mask row 1, position 1: found 2, expected 0 (padding) or 1 (token)';
  assert.throws(() => toTensors(badMask), { message: maskTwo });
});

test('paddingReport counts tokens exactly (hand-checked small case)', () => {
  // lengths 3, 10, 4, 20 with maxLength 8, batches of 2, in order: [3, 10->8], [4, 20->8]
  const examples = [example(0, 3, 0), example(1, 10, 1), example(2, 4, 0), example(3, 20, 1)];
  const options: DataLoaderOptions = { ...BASE, batchSize: 2, maxLength: 8, shuffle: false };
  const dynamic = paddingReport(new DataLoader(examples, options));
  assert.deepEqual(dynamic, {
    mode: 'dynamic',
    batchSize: 2,
    maxLength: 8,
    examples: 4,
    batches: 2,
    realTokens: 3 + 8 + 4 + 8,
    paddedTokens: 2 * 8 + 2 * 8,
    padTokens: 32 - 23,
    paddingShare: 9 / 32,
    meanBatchLength: 8,
    maxBatchLength: 8,
    minBatchLength: 8,
    truncatedExamples: 2,
    truncatedShare: 0.5,
  });
  const shortOnly = paddingReport(new DataLoader([example(0, 3, 0), example(1, 5, 1), example(2, 4, 0)], options));
  assert.equal(shortOnly.paddedTokens, 2 * 5 + 1 * 4);
  assert.equal(shortOnly.meanBatchLength, 4.5);
  assert.equal(shortOnly.minBatchLength, 4);
  const staticReport = paddingReport(new DataLoader(examples, { ...options, mode: 'static' }));
  assert.equal(staticReport.paddedTokens, 4 * 8);
  assert.equal(JSON.parse(JSON.stringify(dynamic)).paddingShare, 9 / 32, 'JSON-friendly');
});

test('paddingReport agrees with the batches and shows the padding lesson on IMDb-like lengths', () => {
  const examples = imdbLikeExamples(4000, 21);
  const report = (mode: DataLoaderOptions['mode'], maxLength: number) =>
    paddingReport(new DataLoader(examples, { ...BASE, mode, maxLength, batchSize: 16 }), 1);
  const dynamicLoader = new DataLoader(examples, { ...BASE, mode: 'dynamic', maxLength: 256, batchSize: 16 });
  const batches = allBatches(dynamicLoader, 1);
  const fromBatches = batches.reduce((sum, batch) => sum + batch.batchSize * batch.seqLength, 0);
  assert.equal(paddingReport(dynamicLoader, 1).paddedTokens, fromBatches);
  assert.equal(
    paddingReport(dynamicLoader, 1).realTokens,
    batches.reduce((sum, batch) => sum + batch.realTokens, 0),
  );
  assert.equal(
    paddingReport(dynamicLoader, 1).truncatedExamples,
    batches.reduce((sum, batch) => sum + batch.truncatedExamples, 0),
  );

  const static512 = report('static', 512);
  const static256 = report('static', 256);
  const dynamic256 = report('dynamic', 256);
  const grouped256 = report('grouped', 256);
  console.log(
    [static512, static256, dynamic256, grouped256]
      .map(
        (r) =>
          `${r.mode} ${r.maxLength}: ${r.paddedTokens} positions, padding ${(100 * r.paddingShare).toFixed(1)}%, ` +
          `mean length ${r.meanBatchLength.toFixed(0)}`,
      )
      .join('\n'),
  );
  // About 47% of such reviews exceed 256 tokens, so random batches of 16 nearly always reach the limit.
  assert.ok(Math.abs(static256.truncatedShare - 0.47) < 0.04, `share over 256: ${static256.truncatedShare}`);
  assert.ok(dynamic256.meanBatchLength > 250, `dynamic 256 mean batch length ${dynamic256.meanBatchLength}`);
  assert.ok(static512.paddedTokens > 1.9 * static256.paddedTokens);
  assert.ok(
    grouped256.paddedTokens < 0.85 * dynamic256.paddedTokens,
    `grouped ${grouped256.paddedTokens} vs dynamic ${dynamic256.paddedTokens}`,
  );
  assert.ok(grouped256.paddingShare < 0.02, `grouped padding share ${grouped256.paddingShare}`);
});

test('ft-roberta padding-report reports the offline corpus', async () => {
  const report = await paddingReportCommand([
    '--limit',
    '200',
    '--mode',
    'grouped',
    '--max-length',
    '128',
    '--batch-size',
    '8',
  ]);
  assert.equal(report.mode, 'grouped');
  assert.equal(report.examples, 200);
  assert.deepEqual(report.data, { corpus: 'offline', split: 'train', seed: 42, examples: 200 });
  assert.equal(report.batches, 25);
  assert.equal(report.maxLength, 128);
  assert.equal(report.padTokens, report.paddedTokens - report.realTokens);
  assert.ok(report.realTokens > 200 * 50, `real tokens ${report.realTokens}`);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'JSON-friendly');
  await assert.rejects(
    paddingReportCommand(['--mode', 'bucket']),
    /--mode should be one of static, dynamic, grouped, found "bucket"/,
  );
  await assert.rejects(paddingReportCommand(['--limit=-3']), /--limit should be a positive integer, found "-3"/);
});
