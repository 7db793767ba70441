import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  AdamOptimizer,
  GradientAccumulator,
  clipByGlobalNorm,
  resolveAdamOptions,
  type AdamOptions,
  type OptimizerState,
} from '../lib/optimizer';
import * as fs from 'fs';
import * as path from 'path';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { lossAndGradients } from '../lib/trainer';
import type { Batch } from '../lib/batching';
import { FIXTURES_DIR } from './helpers/paths';
import { withComposedAdam } from './helpers/composed-adam';
import { ADAM_UPDATE_KERNEL } from '../lib/kernels';

before(async () => {
  await initBackend('wasm');
});

function seeded(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** torch.optim.Adam / AdamW (1.13, single-tensor path) written out in float64 for one parameter. */
function torchAdamReference(
  param: Float64Array,
  grads: Float32Array[],
  o: { name: 'adam' | 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number },
): Float64Array {
  const p = Float64Array.from(param);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  grads.forEach((gradient, index) => {
    const step = index + 1;
    for (let i = 0; i < p.length; i++) {
      let g = gradient[i];
      if (o.name === 'adam' && o.weightDecay) g += o.weightDecay * p[i];
      if (o.name === 'adamw') p[i] *= 1 - o.lr * o.weightDecay;
      m[i] = m[i] * o.beta1 + (1 - o.beta1) * g;
      v[i] = v[i] * o.beta2 + (1 - o.beta2) * g * g;
      const stepSize = o.lr / (1 - o.beta1 ** step);
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - o.beta2 ** step) + o.eps;
      p[i] -= (stepSize * m[i]) / denom;
    }
  });
  return p;
}

function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): { index: number; error: number } {
  let worst = { index: -1, error: 0 };
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]) / Math.max(1e-6, Math.abs(expected[i]));
    if (error > worst.error) worst = { index: i, error };
  }
  return worst;
}

function makeParams(): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([
    ['encoder.dense.weight', tf.variable(tf.tensor2d(seeded(12, 1), [3, 4]), true, 'opt-test-w-' + Math.random())],
    ['encoder.dense.bias', tf.variable(tf.tensor1d(seeded(3, 2)), true, 'opt-test-b-' + Math.random())],
    [
      'encoder.LayerNorm.weight',
      tf.variable(tf.tensor1d(seeded(4, 3, 0.1).map((x) => 1 + x)), true, 'opt-test-ln-' + Math.random()),
    ],
  ]);
}

function gradsFor(params: Map<string, tf.Variable>, step: number): Map<string, tf.Tensor> {
  return new Map(
    [...params].map(([name, v], i) => [name, tf.tensor(seeded(v.size, 100 + 10 * step + i, 0.5), v.shape)]),
  );
}

function disposeMap(m: Map<string, tf.Tensor>): void {
  for (const t of m.values()) t.dispose();
}

// Both update paths: the fused kernel (wasm, cpu) and the op-by-op composition (tfjs-node).
const PATHS = ['fused', 'composed'] as const;
type UpdatePath = (typeof PATHS)[number];

async function onPath<T>(updatePath: UpdatePath, body: () => T | Promise<T>): Promise<T> {
  if (updatePath === 'fused') {
    assert.notEqual(tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()), undefined, 'the fused kernel is registered');
    return body();
  }
  return withComposedAdam(() => {
    assert.equal(tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()), undefined, 'the fused kernel is out of the way');
    return body();
  });
}

const CASES = (['adam', 'adamw'] as const).flatMap((n) => PATHS.map((p) => [n, p] as const));

for (const [name, updatePath] of CASES) {
  const title = `${name} (${updatePath}) matches torch's update rule over 6 steps (biases, LayerNorm not decayed)`;
  test(title, () =>
    onPath(updatePath, () => {
      const params = makeParams();
      const options: AdamOptions = { name, learningRate: 0.01, weightDecay: 0.1 };
      const optimizer = new AdamOptimizer(params, options);
      const initial = new Map([...params].map(([n, v]) => [n, Float64Array.from(v.dataSync())]));
      const history = new Map<string, Float32Array[]>([...params.keys()].map((n) => [n, []]));
      for (let step = 0; step < 6; step++) {
        const grads = gradsFor(params, step);
        for (const [n, g] of grads) history.get(n)!.push(g.dataSync() as Float32Array);
        optimizer.step(grads);
        disposeMap(grads);
      }
      for (const [n, v] of params) {
        // The default exclusions (biases, LayerNorm) apply to both, as in Hugging Face's Trainer.
        const decays = n === 'encoder.dense.weight';
        const expected = torchAdamReference(initial.get(n)!, history.get(n)!, {
          name,
          lr: 0.01,
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: decays ? 0.1 : 0,
        });
        const worst = worstRelative(v.dataSync(), expected);
        assert.ok(
          worst.error < 2e-6,
          `${n}: worst relative error ${worst.error} at ${worst.index} (${v.dataSync()[worst.index]} vs ` +
            `${expected[worst.index]})`,
        );
      }
      assert.equal(optimizer.stepCount, 6);
      optimizer.dispose();
      for (const v of params.values()) v.dispose();
    }),
  );
}

test("defaults are torch.optim.Adam / AdamW's and the Hugging Face Trainer's no-decay names", () => {
  // torch: betas (0.9, 0.999), eps 1e-8, weight_decay 0 (Adam) and 1e-2 (AdamW); the HF Trainer
  // exempts biases and LayerNorm weights from decay.
  for (const [name, weightDecay] of [
    ['adam', 0],
    ['adamw', 0.01],
  ] as const) {
    const resolved = resolveAdamOptions({ name, learningRate: 5e-5 });
    const torch = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay };
    assert.deepEqual(resolved, { name, learningRate: 5e-5, ...torch, noDecay: ['.bias', 'LayerNorm.'] });
  }
  const params = makeParams();
  const optimizer = new AdamOptimizer(params, { name: 'adamw', learningRate: 1e-3 });
  assert.deepEqual(
    [...params.keys()].map((n) => optimizer.decays(n)),
    [true, false, false],
  );
  const adam = new AdamOptimizer(params, { name: 'adam', learningRate: 1e-3 });
  assert.equal(adam.decays('encoder.dense.weight'), false, 'Adam: no decay by default');
  optimizer.dispose();
  for (const v of params.values()) v.dispose();
});

test('adamw decays weights but not biases or LayerNorm weights (zero gradients isolate the decay)', () => {
  const params = makeParams();
  const before = new Map([...params].map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
  const optimizer = new AdamOptimizer(params, { name: 'adamw', learningRate: 0.1, weightDecay: 0.5 });
  const zeros = new Map([...params].map(([n, v]) => [n, tf.zerosLike(v) as tf.Tensor]));
  optimizer.step(zeros);
  disposeMap(zeros);
  const weight = params.get('encoder.dense.weight')!.dataSync();
  before
    .get('encoder.dense.weight')!
    .forEach((x, i) => assert.ok(Math.abs(weight[i] - x * 0.95) < 1e-6, `weight[${i}] ${weight[i]} != ${x * 0.95}`));
  assert.deepEqual(params.get('encoder.dense.bias')!.dataSync(), before.get('encoder.dense.bias'));
  assert.deepEqual(params.get('encoder.LayerNorm.weight')!.dataSync(), before.get('encoder.LayerNorm.weight'));
  optimizer.dispose();
  for (const v of params.values()) v.dispose();
});

test('state saved after 3 steps and restored into a new optimizer continues bit for bit', () => {
  const straightParams = makeParams();
  const resumedParams = new Map(
    [...straightParams].map(([n, v]) => [n, tf.variable(v.clone(), true, 'copy-' + n + Math.random())]),
  );
  const options: AdamOptions = { name: 'adamw', learningRate: 0.02 };
  const straight = new AdamOptimizer(straightParams, options);
  const first = new AdamOptimizer(resumedParams, options);
  for (let step = 0; step < 3; step++) {
    const g1 = gradsFor(straightParams, step);
    straight.step(g1);
    first.step(g1);
    disposeMap(g1);
  }
  const saved = first.getState();
  first.dispose();
  const second = new AdamOptimizer(resumedParams, options);
  second.setState(saved);
  assert.equal(second.stepCount, 3);
  for (let step = 3; step < 6; step++) {
    const g = gradsFor(straightParams, step);
    straight.step(g);
    second.step(g);
    disposeMap(g);
  }
  for (const [n, v] of straightParams)
    assert.deepEqual(resumedParams.get(n)!.dataSync(), v.dataSync(), `${n} differs after resume`);
  assert.throws(
    () => new AdamOptimizer(resumedParams, { name: 'adam', learningRate: 0.02 }).setState(saved),
    /saved name is adamw/,
  );
  straight.dispose();
  second.dispose();
  for (const v of [...straightParams.values(), ...resumedParams.values()]) v.dispose();
});

test('an optimizer step allocates no lasting tensors', () => {
  const params = makeParams();
  const optimizer = new AdamOptimizer(params, { name: 'adamw', learningRate: 0.01 });
  const grads = gradsFor(params, 0);
  optimizer.step(grads); // creates the moments
  const count = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) optimizer.step(grads);
  assert.equal(tf.memory().numTensors, count);
  disposeMap(grads);
  optimizer.dispose();
  for (const v of params.values()) v.dispose();
});

test('errors name the parameter and the shapes', () => {
  const params = makeParams();
  const optimizer = new AdamOptimizer(params, { name: 'adam', learningRate: 0.01 });
  const wrong = new Map<string, tf.Tensor>([['encoder.dense.bias', tf.zeros([4])]]);
  assert.throws(() => optimizer.step(wrong), /'encoder.dense.bias' has shape \[4\], parameter has \[3\]/);
  const unknown = new Map<string, tf.Tensor>([['nope', tf.zeros([1])]]);
  assert.throws(() => optimizer.step(unknown), /unknown parameter 'nope'/);
  assert.throws(() => new AdamOptimizer(params, { name: 'adam', learningRate: 0 }), /learningRate must be > 0/);
  disposeMap(wrong);
  disposeMap(unknown);
  optimizer.dispose();
  for (const v of params.values()) v.dispose();
});

test('bad options and saved states are named; dispose releases the moments', () => {
  const unknownName = JSON.parse('{"name": "sgd", "learningRate": 1}') as AdamOptions;
  const adam = (extra: Partial<AdamOptions>): AdamOptions => ({ name: 'adam', learningRate: 1, ...extra });
  assert.throws(() => resolveAdamOptions(unknownName), /^Error: optimizer: name must be 'adam' or 'adamw', got 'sgd'$/);
  assert.throws(() => resolveAdamOptions(adam({ epsilon: 0 })), /^Error: optimizer: epsilon must be > 0, got 0$/);
  assert.throws(() => resolveAdamOptions(adam({ beta1: 1 })), /^Error: optimizer: beta1 must be in \[0, 1\), got 1$/);
  assert.throws(() => resolveAdamOptions(adam({ beta2: -0.5 })), /optimizer: beta2 must be in \[0, 1\), got -0\.5$/);
  assert.throws(() => resolveAdamOptions(adam({ weightDecay: -1 })), /optimizer: weightDecay must be >= 0, got -1/);
  assert.equal(resolveAdamOptions(adam({ beta1: 0, beta2: 0 })).beta1, 0, 'beta 0 is allowed (no momentum)');

  const params = makeParams();
  const before = tf.memory().numTensors;
  const optimizer = new AdamOptimizer(params, { name: 'adamw', learningRate: 0.01 });
  const grads = gradsFor(params, 0);
  optimizer.step(grads);
  disposeMap(grads);
  const saved = optimizer.getState();
  assert.deepEqual(saved.options.noDecay, ['.bias', 'LayerNorm.']);
  const withMoments = tf.memory().numTensors;
  optimizer.setState(saved);
  assert.equal(tf.memory().numTensors, withMoments, 'setState replaces the moments, it does not add to them');
  const unknown: OptimizerState = { ...saved, steps: { ...saved.steps, 'pooler.dense.weight': 1 } };
  assert.throws(
    () => optimizer.setState(unknown),
    /optimizer.setState: state for unknown parameter 'pooler.dense.weight'/,
  );
  const noMoments: OptimizerState = { ...saved, moments: new Map([...saved.moments].slice(1)) };
  assert.throws(
    () => optimizer.setState(noMoments),
    /optimizer.setState: step count for 'encoder.dense.weight' but no/,
  );
  const first = { ...saved.moments.get('encoder.dense.weight')!, shape: [4, 3] };
  const reshaped: OptimizerState = { ...saved, moments: new Map([...saved.moments, ['encoder.dense.weight', first]]) };
  assert.throws(() => optimizer.setState(reshaped), /'encoder.dense.weight' have shape \[4,3\], parameter has \[3,4\]/);
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before, 'dispose releases every moment');
  for (const v of params.values()) v.dispose();
  assert.throws(() => new GradientAccumulator().mean(), /^Error: GradientAccumulator.mean: no gradients were added$/);
});

test('clipping adds 1e-6 to the norm, as torch does: visible when the norm itself is tiny', () => {
  const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([6e-6, 8e-6])]]);
  const clipped = clipByGlobalNorm(grads, 5e-6);
  const coefficient = 5e-6 / (1e-5 + 1e-6);
  const a = clipped.grads.get('a')!.dataSync();
  assert.ok(Math.abs(a[0] / 6e-6 - coefficient) < 1e-4, `scaled by ${a[0] / 6e-6}, expected ${coefficient}`);
  disposeMap(grads);
  disposeMap(clipped.grads);
});

test('clipping by global norm scales every gradient by maxNorm / norm, and only when above', () => {
  const grads = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([3, 0])],
    ['b', tf.tensor1d([0, 4])],
  ]);
  const clipped = clipByGlobalNorm(grads, 1);
  assert.ok(Math.abs(clipped.norm - 5) < 1e-6);
  const a = clipped.grads.get('a')!.dataSync();
  const b = clipped.grads.get('b')!.dataSync();
  assert.ok(Math.abs(a[0] - 3 / (5 + 1e-6)) < 1e-6 && Math.abs(b[1] - 4 / (5 + 1e-6)) < 1e-6, `clipped to ${a}, ${b}`);
  const untouched = clipByGlobalNorm(grads, 10);
  assert.deepEqual(untouched.grads.get('b')!.dataSync(), new Float32Array([0, 4]));
  for (const m of [grads, clipped.grads, untouched.grads]) disposeMap(m);
});

test('gradient accumulation averages micro-batch gradients and releases its sums', () => {
  const count = tf.memory().numTensors;
  const accumulator = new GradientAccumulator();
  const g1 = new Map<string, tf.Tensor>([['w', tf.tensor1d([1, 2])]]);
  const g2 = new Map<string, tf.Tensor>([['w', tf.tensor1d([3, 6])]]);
  accumulator.add(g1);
  accumulator.add(g2);
  assert.equal(accumulator.count, 2);
  const mean = accumulator.mean();
  assert.deepEqual(mean.get('w')!.dataSync(), new Float32Array([2, 4]));
  assert.equal(accumulator.count, 0);
  for (const m of [g1, g2, mean]) disposeMap(m);
  assert.equal(tf.memory().numTensors, count);
});

// ---------------------------------------------------------------------------------------------
// Against PyTorch: 5 Adam and 5 AdamW steps recorded on the tiny-roberta-a fixture.

interface TensorSummary {
  shape: number[];
  sum: number;
  values: number[];
}

interface OptimizerRecord {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  losses_before_each_step: number[];
  loss_after_last_step: number;
  params_after: Record<string, TensorSummary>;
}

interface Fixture {
  batch: { input_ids: number[][]; attention_mask: number[][]; labels: number[] };
  optimizer_steps: { adam: OptimizerRecord; adamw: OptimizerRecord };
}

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');

function fixtureBatch(fixture: Fixture): Batch {
  const rows = fixture.batch.input_ids.length;
  const seqLength = fixture.batch.input_ids[0].length;
  const attentionMask = Int32Array.from(fixture.batch.attention_mask.flat());
  return {
    inputIds: Int32Array.from(fixture.batch.input_ids.flat()),
    attentionMask,
    labels: Int32Array.from(fixture.batch.labels),
    batchSize: rows,
    seqLength,
    realTokens: attentionMask.reduce((a, b) => a + b, 0),
    truncatedExamples: 0,
    exampleIndices: Int32Array.from(fixture.batch.labels.map((_, i) => i)),
  };
}

for (const [name, updatePath] of CASES) {
  const title = `${name} (${updatePath}): 5 steps on the fixture reproduce PyTorch's losses and parameters`;
  test(title, () =>
    onPath(updatePath, async () => {
      const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Fixture;
      const record = fixture.optimizer_steps[name];
      const model = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
      // The fixture's torch optimizer was built on model.parameters(): every tensor decays, so no exclusions.
      const optimizer = new AdamOptimizer(model.parameters, {
        name,
        learningRate: record.lr,
        beta1: record.betas[0],
        beta2: record.betas[1],
        epsilon: record.eps,
        weightDecay: record.weight_decay,
        noDecay: [],
      });
      const batch = fixtureBatch(fixture);
      // Eval mode, as the fixture notes say ("K steps on this batch in eval mode").
      const losses: number[] = [];
      let tensorsAfterFirstStep = 0;
      for (let step = 0; step < record.losses_before_each_step.length; step++) {
        const { loss, grads } = lossAndGradients(model, batch, { training: false });
        losses.push(loss);
        optimizer.step(grads);
        for (const g of grads.values()) g.dispose();
        if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
      }
      assert.equal(tf.memory().numTensors, tensorsAfterFirstStep, 'tensor count flat across steps');
      const final = lossAndGradients(model, batch, { training: false });
      for (const g of final.grads.values()) g.dispose();
      losses.push(final.loss);
      const expectedLosses = [...record.losses_before_each_step, record.loss_after_last_step];
      expectedLosses.forEach((want, i) => {
        const relative = Math.abs(losses[i] - want) / Math.abs(want);
        assert.ok(
          relative < 1e-4,
          `loss ${i}: ${losses[i]} vs PyTorch ${want} (relative ${relative.toExponential(2)})`,
        );
      });
      for (const [param, summary] of Object.entries(record.params_after)) {
        const values = model.parameters.get(param)!.dataSync();
        let worst = { index: -1, error: 0 };
        summary.values.forEach((want, i) => {
          const error = Math.abs(values[i] - want);
          if (error > worst.error) worst = { index: i, error };
        });
        assert.ok(
          worst.error < 1e-6,
          `${param}[${worst.index}]: ${values[worst.index]} vs PyTorch ${summary.values[worst.index]}`,
        );
      }
      optimizer.dispose();
      model.dispose();
    }),
  );
}
