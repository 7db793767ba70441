import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, platformInfo, describePlatform } from '../lib/backend';
import { unregisterSegmentSumForTest, registerTrainingKernels, scatterAddRows } from '../lib/kernels';
import { seededValues as seededFloats } from './helpers/seeded';
import { TFJS_NODE_UTIL_HELPERS } from '../lib/node-compat';

// A tiny embedding -> dense -> softmax classifier, trained with plain SGD from fixed weights.
const VOCAB = 50;
const DIM = 8;
const CLASSES = 3;

const seededValues = (count: number, seed: number): Float32Array => seededFloats(count, seed, 0.4);

function trainTinyNetwork(steps: number): number[] {
  const embedding = tf.variable(tf.tensor2d(seededValues(VOCAB * DIM, 1), [VOCAB, DIM]));
  const dense = tf.variable(tf.tensor2d(seededValues(DIM * CLASSES, 2), [DIM, CLASSES]));
  const bias = tf.variable(tf.zeros([CLASSES]));
  const ids = tf.tensor2d(
    Array.from({ length: 4 * 6 }, (_, i) => (i * 7 + 3) % VOCAB),
    [4, 6],
    'int32',
  );
  const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), CLASSES);
  const optimizer = tf.train.sgd(5);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() => {
      const vectors = tf.gather(embedding, ids).mean(1);
      const logits = vectors.matMul(dense).add(bias);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    }, true) as tf.Scalar;
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  tf.dispose([embedding, dense, bias, ids, labels]);
  optimizer.dispose();
  return losses;
}

test('wasm and cpu train the same tiny embedding network to the same losses', async () => {
  await initBackend('cpu');
  const cpuLosses = trainTinyNetwork(10);
  await initBackend('wasm');
  const wasmLosses = trainTinyNetwork(10);
  assert.ok(cpuLosses[9] < cpuLosses[0] * 0.8, `the network should learn: ${cpuLosses.join(', ')}`);
  for (let i = 0; i < cpuLosses.length; i++) {
    const relative = Math.abs(wasmLosses[i] - cpuLosses[i]) / Math.abs(cpuLosses[i]);
    assert.ok(relative <= 1e-5, `step ${i}: cpu ${cpuLosses[i]} vs wasm ${wasmLosses[i]} (relative ${relative})`);
  }
});

test('without our UnsortedSegmentSum the wasm backend cannot take an embedding gradient', async () => {
  await initBackend('wasm');
  unregisterSegmentSumForTest('wasm');
  try {
    assert.throws(() => trainTinyNetwork(1), /UnsortedSegmentSum/);
  } finally {
    registerTrainingKernels('wasm');
  }
  assert.equal(trainTinyNetwork(1).length, 1);
});

test('transposed matMul on wasm matches cpu', async () => {
  const a = seededValues(5 * 7 * 3, 3);
  const b = seededValues(5 * 4 * 7, 4);
  const compute = () =>
    tf.tidy(() => tf.matMul(tf.tensor3d(a, [5, 7, 3]), tf.tensor3d(b, [5, 4, 7]), true, true).arraySync());
  await initBackend('cpu');
  const onCpu = compute() as number[][][];
  await initBackend('wasm');
  const onWasm = compute() as number[][][];
  assert.deepEqual(tf.tensor(onWasm).shape, [5, 3, 4]);
  const worst = Math.max(...onCpu.flat(2).map((v, i) => Math.abs(v - onWasm.flat(2)[i])));
  assert.ok(worst < 1e-5, `worst difference ${worst}`);
});

test('scatterAddRows adds repeated ids and drops ids out of range', () => {
  const out = new Float32Array(3 * 2);
  scatterAddRows(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [2, 0, 2, 7], 3, 2, out);
  assert.deepEqual(Array.from(out), [3, 4, 0, 0, 6, 8]);
});

test('platform info names the backend, tfjs version and threads', async () => {
  await initBackend('wasm');
  const info = platformInfo();
  assert.equal(info.backend, 'wasm');
  assert.equal(info.tfjsVersion, '4.22.0');
  assert.ok(info.threads >= 1);
  assert.match(describePlatform(info), /backend: wasm \(tfjs 4\.22\.0/);
  await assert.rejects(initBackend('tpu' as 'cpu'), /expected one of auto, tensorflow, wasm, cpu/);
});

test('trying tfjs-node first puts back the util helpers it calls (removed in Node 23)', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require('util') as Record<string, unknown>;
  await initBackend('tensorflow').catch(() => undefined);
  for (const name of Object.keys(TFJS_NODE_UTIL_HELPERS)) {
    assert.equal(typeof util[name], 'function', `util.${name} on Node ${process.version}`);
  }
});
