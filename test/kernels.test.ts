// Our wasm kernels (lib/kernels.ts) must give the cpu backend's results within float32 rounding,
// through autodiff too, and must leave no tensor, data id or heap memory behind.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  ADAM_UPDATE_KERNEL,
  fusedAdamUpdate,
  gatherRows,
  openHeapViews,
  registerTrainingKernels,
  setWasmKernelOptions,
  sumRows,
  type AdamUpdateConfig,
} from '../lib/kernels';
import { AdamOptimizer } from '../lib/optimizer';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { createStackParams, meanCrossEntropy, stackLogits, type StackShape } from '../bench/transformer-ops';
import { threadsCheckOutputs } from '../bench/threads-check-workload';
import { seededValues as seededFloats } from './helpers/seeded';
import { withComposedAdam } from './helpers/composed-adam';

const seededValues = (count: number, seed: number): Float32Array => seededFloats(count, seed, 2);

/** Largest |a - b| / (1 + |b|) with where it happens; fails naming the worst element. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
    if (!(error <= worst)) {
      worst = error;
      where = i;
    }
  }
  assert.ok(
    worst <= tolerance,
    `${what}: worst relative error ${worst} at flat index ${where}: wasm ${actual[where]} vs cpu ${expected[where]}`,
  );
}

/** Runs `compute` on cpu, then on wasm with our kernels, and returns both results as flat arrays. */
async function onBothBackends(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = (): Float32Array[] =>
    tf.tidy(() => {
      const out = compute();
      return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
    });
  await initBackend('cpu');
  const cpu = run();
  await initBackend('wasm');
  const wasm = run();
  return { cpu, wasm };
}

interface WasmInternals {
  numDataIds(): number;
  wasm: { HEAPU8: Uint8Array };
}

function wasmInternals(): WasmInternals {
  return tf.backend() as unknown as WasmInternals;
}

const MATMUL_CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [7, 5], b: [5, 3], transposeA: false, transposeB: false },
  { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
  { a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
  { a: [5, 7], b: [3, 5], transposeA: true, transposeB: true },
  { a: [4, 6, 5], b: [4, 5, 3], transposeA: false, transposeB: false },
  { a: [4, 5, 6], b: [4, 3, 5], transposeA: true, transposeB: true },
  { a: [2, 3, 9, 8], b: [2, 3, 9, 8], transposeA: false, transposeB: true },
  { a: [2, 3, 9, 8], b: [2, 3, 9, 4], transposeA: true, transposeB: false },
  { a: [1, 6, 5], b: [4, 5, 3], transposeA: false, transposeB: false },
  { a: [4, 6, 5], b: [1, 5, 3], transposeA: false, transposeB: false },
  { a: [4, 6, 5], b: [5, 3], transposeA: false, transposeB: false },
  { a: [4, 6, 5], b: [3, 5], transposeA: false, transposeB: true },
  { a: [3, 1, 4], b: [3, 4, 1], transposeA: false, transposeB: false },
];

test('BatchMatMul on wasm matches cpu for every flag, rank and broadcast', async () => {
  for (const c of MATMUL_CASES) {
    const aValues = seededValues(tf.util.sizeFromShape(c.a), 11);
    const bValues = seededValues(tf.util.sizeFromShape(c.b), 12);
    const { cpu, wasm } = await onBothBackends(() =>
      tf.matMul(tf.tensor(aValues, c.a), tf.tensor(bValues, c.b), c.transposeA, c.transposeB),
    );
    assertClose(wasm[0], cpu[0], 1e-5, `matMul a ${c.a} b ${c.b} tA ${c.transposeA} tB ${c.transposeB}`);
  }
});

test('BatchMatMul on wasm keeps the broadcast output shape and rejects mismatched batches', async () => {
  await initBackend('wasm');
  tf.tidy(() => {
    const out = tf.matMul(tf.ones([1, 6, 5]), tf.ones([2, 3, 5, 4]));
    assert.deepEqual(out.shape, [2, 3, 6, 4]);
    assertClose(out.dataSync(), new Float32Array(2 * 3 * 6 * 4).fill(5), 0, 'broadcast a over b');
    assert.throws(() => tf.matMul(tf.ones([6, 2, 3]), tf.ones([6, 3, 2, 4])).dataSync());
    const empty = tf.matMul(tf.ones([3, 4, 0]), tf.ones([3, 0, 2]));
    assert.deepEqual(Array.from(empty.dataSync()), new Array(24).fill(0), 'an empty inner dimension gives zeros');
  });
});

test('attention-shaped gradients through batched products match cpu', async () => {
  const [batch, heads, seq, dim] = [2, 3, 7, 4];
  const q = seededValues(batch * heads * seq * dim, 21);
  const k = seededValues(batch * heads * seq * dim, 22);
  const v = seededValues(batch * heads * seq * dim, 23);
  const { cpu, wasm } = await onBothBackends(() => {
    const shape = [batch, heads, seq, dim];
    const attention = (qt: tf.Tensor, kt: tf.Tensor, vt: tf.Tensor): tf.Tensor =>
      tf.sum(tf.square(tf.matMul(tf.softmax(tf.matMul(qt, kt, false, true)), vt)));
    return tf.grads(attention)([tf.tensor(q, shape), tf.tensor(k, shape), tf.tensor(v, shape)]);
  });
  ['dq', 'dk', 'dv'].forEach((name, i) => assertClose(wasm[i], cpu[i], 1e-5, name));
});

test('Sum over leading axes matches cpu, with and without keepDims', async () => {
  const cases: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
    { shape: [37, 5], axis: 0, keepDims: false },
    { shape: [3, 4, 5], axis: [0, 1], keepDims: false },
    { shape: [3, 4, 5], axis: [1, 0], keepDims: true },
    { shape: [3, 4, 5], axis: -3, keepDims: false },
    { shape: [3, 4, 5], axis: [0, 2], keepDims: false },
    { shape: [3, 4, 5], axis: [0, 1, 2], keepDims: false },
    { shape: [6, 5], axis: 1, keepDims: true },
  ];
  for (const c of cases) {
    const values = seededValues(tf.util.sizeFromShape(c.shape), 31);
    const { cpu, wasm } = await onBothBackends(() => tf.sum(tf.tensor(values, c.shape), c.axis, c.keepDims));
    assertClose(wasm[0], cpu[0], 1e-6, `sum ${c.shape} axis ${c.axis}`);
  }
  await initBackend('wasm');
  tf.tidy(() => {
    assert.deepEqual(tf.sum(tf.ones([3, 4, 5]), [0, 1], true).shape, [1, 1, 5]);
    const ints = tf.sum(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        'int32',
      ),
      0,
    );
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(Array.from(ints.dataSync()), [4, 6]);
  });
});

test('sumRows adds columns over any number of rows', () => {
  for (const rows of [0, 1, 7, 8, 9, 17]) {
    const x = seededValues(rows * 3, rows + 1);
    const out = new Float32Array(3);
    sumRows(x, rows, 3, out);
    const expected = [0, 1, 2].map((c) =>
      Array.from({ length: rows }, (_, r) => x[r * 3 + c]).reduce((p, q) => p + q, 0),
    );
    assertClose(out, expected, 1e-6, `sumRows with ${rows} rows`);
  }
});

test('Identity and same-dtype Cast share data safely on wasm', async () => {
  await initBackend('wasm');
  const before = wasmInternals().numDataIds();
  const original = tf.tensor1d([1.5, -2, 3]);
  const copy = original.clone();
  const cast = tf.cast(original, 'float32');
  const asInt = tf.cast(original, 'int32');
  original.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3]);
  assert.deepEqual(Array.from(cast.dataSync()), [1.5, -2, 3]);
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual(Array.from(asInt.dataSync()), [1, -2, 3]);
  tf.dispose([copy, cast, asInt]);
  assert.equal(wasmInternals().numDataIds(), before, 'every shared buffer is released with its last tensor');
});

test('GatherV2 on wasm matches cpu and rejects indices out of range', async () => {
  const table = seededValues(50 * 6, 41);
  const ids = [3, 0, 49, 3, 17, 17];
  const { cpu, wasm } = await onBothBackends(() => [
    tf.gather(tf.tensor2d(table, [50, 6]), tf.tensor2d(ids, [2, 3], 'int32')),
    tf.gather(tf.tensor1d(Array.from(table.slice(0, 50)), 'float32'), tf.tensor1d(ids, 'int32')),
    tf.gather(tf.tensor2d(table, [50, 6]), tf.tensor1d([5, 1], 'int32'), 1),
    tf.gather(tf.tensor2d(ids, [3, 2], 'int32'), tf.tensor1d([2, 0], 'int32')),
  ]);
  cpu.forEach((expected, i) => assertClose(wasm[i], expected, 0, `gather case ${i}`));
  await initBackend('wasm');
  tf.tidy(() => {
    const out = tf.gather(tf.tensor2d(table, [50, 6]), tf.tensor2d(ids, [2, 3], 'int32'));
    assert.deepEqual(out.shape, [2, 3, 6]);
    assert.throws(
      () => tf.gather(tf.tensor2d(table, [50, 6]), tf.tensor1d([2, 50], 'int32')),
      /index value 50 is not in \[0, 49\]/,
    );
  });
});

test('gatherRows copies whole rows in order', () => {
  const heap = new Uint8Array(64);
  heap.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
  gatherRows(heap, 0, 4, 2, [3, 0, 3], 32);
  assert.deepEqual(Array.from(heap.slice(32, 38)), [7, 8, 1, 2, 7, 8]);
  assert.throws(() => gatherRows(heap, 0, 4, 2, [4], 32), /index value 4 is not in \[0, 3\]/);
});

const SMALL_STACK: StackShape = {
  layers: 2,
  hidden: 16,
  heads: 2,
  intermediate: 24,
  vocab: 40,
  positions: 12,
  labels: 2,
};

function stackGradients(): tf.Tensor[] {
  const params = createStackParams(SMALL_STACK, 5);
  const ids = tf.tensor2d([0, 5, 9, 33, 2, 1, 0, 7, 7, 12, 2, 1, 0, 39, 2, 1], [2, 8], 'int32');
  const mask = tf.tensor2d([1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0], [2, 8]);
  const labels = tf.tensor1d([1, 0], 'int32');
  const { value, grads } = tf.variableGrads(
    () => meanCrossEntropy(stackLogits(params, SMALL_STACK, ids, mask), labels),
    [...params.values()],
  );
  const result = [value, ...[...params.values()].map((p) => grads[p.name])];
  params.forEach((p) => p.dispose());
  return result;
}

test('a transformer stack has the same loss and gradients on wasm as on cpu', async () => {
  const { cpu, wasm } = await onBothBackends(stackGradients);
  cpu.forEach((expected, i) => assertClose(wasm[i], expected, 2e-5, i === 0 ? 'loss' : `gradient ${i - 1}`));
});

test('the speed-ups change nothing but speed: all off and all on agree on wasm', async () => {
  await initBackend('wasm');
  const run = (): Float32Array[] => tf.tidy(() => stackGradients().map((t) => Float32Array.from(t.dataSync())));
  const fast = run();
  const previous = setWasmKernelOptions({
    transposeFirst: false,
    splitBatches: false,
    leadingAxesSum: false,
    shareIdentity: false,
    rowGather: false,
  });
  let plain: Float32Array[];
  try {
    plain = run();
  } finally {
    setWasmKernelOptions(previous);
  }
  plain.forEach((expected, i) => assertClose(fast[i], expected, 2e-5, `output ${i}`));
});

test('training steps on wasm leave no tensor, data id or heap growth behind', async () => {
  await initBackend('wasm');
  const step = (): void => {
    tf.tidy(() => {
      stackGradients();
    });
  };
  for (let i = 0; i < 3; i++) step();
  const tensors = tf.memory().numTensors;
  const dataIds = wasmInternals().numDataIds();
  const heapBytes = wasmInternals().wasm.HEAPU8.length;
  for (let i = 0; i < 30; i++) step();
  assert.equal(tf.memory().numTensors, tensors, 'tensor count');
  assert.equal(wasmInternals().numDataIds(), dataIds, 'wasm data ids');
  assert.equal(wasmInternals().wasm.HEAPU8.length, heapBytes, 'wasm heap size');
  assert.equal(openHeapViews(), 0, 'tensor ids registered on heap views');
});

test('the multi-threaded wasm build (lib/wasm-threads.ts) runs 2 threads and matches cpu', async () => {
  const script = path.join(__dirname, '..', 'bench', 'threads-check.js');
  const report = JSON.parse(
    execFileSync(process.execPath, [script, '2'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 }),
  ) as {
    backend: string;
    threads: number;
    outputs: number[][];
  };
  assert.equal(report.backend, 'wasm');
  assert.equal(report.threads, 2);
  await initBackend('cpu');
  const expected = tf.tidy(() => threadsCheckOutputs().map((t) => Float32Array.from(t.dataSync())));
  assert.equal(report.outputs.length, expected.length);
  expected.forEach((values, i) => assertClose(report.outputs[i], values, 2e-5, `threaded output ${i}`));
});

/**
 * Runs `steps` AdamOptimizer steps (through the fused kernel), then the same steps through
 * fusedAdamUpdate with the kernel removed (the op composition tfjs-node runs); returns both.
 */
async function adamBothWays(
  name: 'adam' | 'adamw',
  steps: number,
): Promise<{ fused: Float32Array; composed: Float32Array }> {
  const shape = [37, 11];
  const size = shape[0] * shape[1];
  const start = seededValues(size, 51);
  const gradAt = (step: number): tf.Tensor => tf.tensor(seededValues(size, 60 + step), shape);
  const [beta1, beta2, lr, decay] = [0.9, 0.999, 1e-3, 0.05];
  const initial = tf.tensor(start, shape);
  const param = tf.variable(initial, true, `fused-adam-test-${name}-${Math.random()}`);
  initial.dispose();
  const options = { name, learningRate: lr, weightDecay: decay, noDecay: [] };
  const optimizer = new AdamOptimizer(new Map([['w', param]]), options);
  for (let step = 1; step <= steps; step++) {
    const grad = gradAt(step);
    optimizer.step(new Map([['w', grad]]));
    grad.dispose();
  }
  let p: tf.Tensor = tf.tensor(start, shape);
  let m: tf.Tensor = tf.zeros(shape);
  let v: tf.Tensor = tf.zeros(shape);
  await withComposedAdam(() => {
    for (let step = 1; step <= steps; step++) {
      const grad = gradAt(step);
      const config: AdamUpdateConfig = {
        beta1,
        beta2,
        epsilon: 1e-8,
        stepSize: lr / (1 - beta1 ** step),
        biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
        decayFactor: name === 'adamw' ? 1 - lr * decay : 1,
        l2: name === 'adam' ? decay : 0,
      };
      const [p2, m2, v2] = fusedAdamUpdate(p, grad, m, v, config);
      tf.dispose([p, m, v, grad]);
      [p, m, v] = [p2, m2, v2];
    }
  });
  const state = optimizer.getState().moments.get('w')!;
  assertClose(state.expAvg, m.dataSync(), 0, `${name} expAvg, fused vs composed`);
  assertClose(state.expAvgSq, v.dataSync(), 0, `${name} expAvgSq, fused vs composed`);
  const result = { fused: Float32Array.from(param.dataSync()), composed: Float32Array.from(p.dataSync()) };
  tf.dispose([p, m, v, param]);
  optimizer.dispose();
  return result;
}

test("the fused Adam kernel gives the op composition's numbers bit for bit on wasm and cpu", async () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend(backend);
    assert.notEqual(
      tf.getKernel(ADAM_UPDATE_KERNEL, backend),
      undefined,
      `the fused kernel is registered on ${backend}`,
    );
    for (const name of ['adam', 'adamw'] as const) {
      const before = tf.memory().numTensors;
      const { fused, composed } = await adamBothWays(name, 4);
      assertClose(fused, composed, 0, `${backend} ${name} parameters after 4 steps, fused vs composed`);
      assert.equal(tf.memory().numTensors, before, `${backend} ${name}: tensors left behind`);
    }
    assert.notEqual(tf.getKernel(ADAM_UPDATE_KERNEL, backend), undefined, `the fused kernel is back on ${backend}`);
  }
});

test('fusedAdamUpdate holds 3 outputs at its peak where the op composition holds many temporaries', async () => {
  await initBackend('wasm');
  const shape = [300, 100];
  const bytes = 300 * 100 * 4;
  const inputs = [0, 1, 2, 3].map((i) => tf.tensor(seededValues(300 * 100, 70 + i).map(Math.abs), shape));
  const config: AdamUpdateConfig = {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    stepSize: 1e-3,
    biasCorrection2Sqrt: 0.03,
    decayFactor: 0.99,
    l2: 0,
  };
  const peakOf = async (): Promise<number> => {
    const start = tf.memory().numBytes;
    let outputs: tf.Tensor[] = [];
    const info = await tf.profile(() => {
      outputs = fusedAdamUpdate(inputs[0], inputs[1], inputs[2], inputs[3], config);
      return outputs;
    });
    tf.dispose(outputs);
    return info.peakBytes - start;
  };
  const fusedPeak = await peakOf();
  tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'wasm');
  let composedPeak: number;
  try {
    composedPeak = await peakOf();
  } finally {
    registerTrainingKernels('wasm');
  }
  assert.equal(fusedPeak, 3 * bytes, 'the fused update allocates its three outputs and nothing else');
  assert.ok(composedPeak >= 10 * bytes, `composed peak ${composedPeak} B, expected at least 10 outputs' worth`);
  tf.dispose(inputs);
});
