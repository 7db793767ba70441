// A RoBERTa-shaped layer stack written with raw tf ops, independent of lib/model: the
// micro-benchmark's workload for finding where a training step spends its time on a backend.
// Same op mix as the real model: embedding gathers, dense layers as x · Wᵀ with W [out, in],
// attention as [batch, heads, seq, headDim] batched products, softmax, layer norm via moments,
// erf GELU, and a mean cross-entropy loss.
import * as tf from '@tensorflow/tfjs';

export interface StackShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  positions: number;
  labels: number;
}

export const TINY_STACK: StackShape = {
  layers: 2,
  hidden: 128,
  heads: 2,
  intermediate: 512,
  vocab: 50265,
  positions: 514,
  labels: 2,
};

/** How attention multiplies: one rank-4 batched product, or one 2-D product per batch × head. */
export type AttentionStyle = 'batched' | 'per-head';

function seededNormal(count: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 2 ** 32;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()) * scale;
  }
  return out;
}

export type StackParams = Map<string, tf.Variable>;

export function createStackParams(shape: StackShape, seed = 1): StackParams {
  const params: StackParams = new Map();
  let nextSeed = seed;
  const add = (name: string, dims: number[], kind: 'normal' | 'zeros' | 'ones'): void => {
    const size = dims.reduce((a, b) => a * b, 1);
    const values =
      kind === 'normal' ? seededNormal(size, nextSeed++, 0.02) : new Float32Array(size).fill(kind === 'ones' ? 1 : 0);
    params.set(name, tf.variable(tf.tensor(values, dims), true, `bench/${name}`));
  };
  const dense = (name: string, out: number, inp: number): void => {
    add(`${name}.weight`, [out, inp], 'normal');
    add(`${name}.bias`, [out], 'zeros');
  };
  const norm = (name: string): void => {
    add(`${name}.weight`, [shape.hidden], 'ones');
    add(`${name}.bias`, [shape.hidden], 'zeros');
  };
  add('word', [shape.vocab, shape.hidden], 'normal');
  add('position', [shape.positions, shape.hidden], 'normal');
  norm('embeddings.norm');
  for (let l = 0; l < shape.layers; l++) {
    for (const part of ['query', 'key', 'value', 'attention.output'])
      dense(`layer${l}.${part}`, shape.hidden, shape.hidden);
    norm(`layer${l}.attention.norm`);
    dense(`layer${l}.intermediate`, shape.intermediate, shape.hidden);
    dense(`layer${l}.output`, shape.hidden, shape.intermediate);
    norm(`layer${l}.output.norm`);
  }
  dense('head.dense', shape.hidden, shape.hidden);
  dense('head.out', shape.labels, shape.hidden);
  return params;
}

function param(params: StackParams, name: string): tf.Variable {
  const p = params.get(name);
  if (p === undefined) throw new Error(`bench stack: no parameter '${name}'`);
  return p;
}

function dense(params: StackParams, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, param(params, `${name}.weight`), false, true), param(params, `${name}.bias`));
}

function layerNorm(params: StackParams, name: string, x: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normed, param(params, `${name}.weight`)), param(params, `${name}.bias`));
}

function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

function attentionProducts(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  maskBias: tf.Tensor4D,
  style: AttentionStyle,
): tf.Tensor4D {
  const [batch, heads, seq, headDim] = q.shape;
  if (style === 'batched') {
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), maskBias);
    return tf.matMul(tf.softmax(scores), v);
  }
  const flat = (t: tf.Tensor4D): tf.Tensor2D[] => tf.unstack(t.reshape([batch * heads, seq, headDim])) as tf.Tensor2D[];
  const [qs, ks, vs] = [flat(q), flat(k), flat(v)];
  const scores = tf.stack(qs.map((qi, i) => tf.matMul(qi, ks[i], false, true))).reshape([batch, heads, seq, seq]);
  const probs = tf.softmax(tf.add(tf.mul(scores, 1 / Math.sqrt(headDim)), maskBias));
  const ps = tf.unstack(probs.reshape([batch * heads, seq, seq])) as tf.Tensor2D[];
  return tf.stack(ps.map((pi, i) => tf.matMul(pi, vs[i]))).reshape([batch, heads, seq, headDim]) as tf.Tensor4D;
}

/** Logits [batch, labels] of the stack for int32 ids [batch, seq] and a 0/1 float mask [batch, seq]. */
export function stackLogits(
  params: StackParams,
  shape: StackShape,
  inputIds: tf.Tensor2D,
  mask: tf.Tensor2D,
  style: AttentionStyle = 'batched',
): tf.Tensor2D {
  const [batch, seq] = inputIds.shape;
  const heads = shape.heads;
  const headDim = shape.hidden / heads;
  const positions = tf.add(tf.mul(tf.cumsum(mask, 1), mask), 1).toInt();
  let x = tf.add(
    tf.gather(param(params, 'word'), inputIds.reshape([-1])),
    tf.gather(param(params, 'position'), positions.reshape([-1])),
  ) as tf.Tensor2D;
  x = layerNorm(params, 'embeddings.norm', x);
  const maskBias = tf.mul(tf.sub(1, mask), -3.4028234663852886e38).reshape([batch, 1, 1, seq]) as tf.Tensor4D;
  const split = (t: tf.Tensor2D): tf.Tensor4D =>
    t.reshape([batch, seq, heads, headDim]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  for (let l = 0; l < shape.layers; l++) {
    const q = split(dense(params, `layer${l}.query`, x));
    const k = split(dense(params, `layer${l}.key`, x));
    const v = split(dense(params, `layer${l}.value`, x));
    const context = attentionProducts(q, k, v, maskBias, style)
      .transpose([0, 2, 1, 3])
      .reshape([batch * seq, shape.hidden]);
    const attended = layerNorm(
      params,
      `layer${l}.attention.norm`,
      tf.add(dense(params, `layer${l}.attention.output`, context as tf.Tensor2D), x),
    );
    const inner = gelu(dense(params, `layer${l}.intermediate`, attended));
    x = layerNorm(params, `layer${l}.output.norm`, tf.add(dense(params, `layer${l}.output`, inner), attended));
  }
  const first = x
    .reshape([batch, seq, shape.hidden])
    .slice([0, 0, 0], [batch, 1, shape.hidden])
    .reshape([batch, shape.hidden]);
  return dense(params, 'head.out', tf.tanh(dense(params, 'head.dense', first as tf.Tensor2D)));
}

export function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1])), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}
