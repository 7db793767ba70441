// The tfjs plumbing under the RoBERTa classes in roberta.ts: scalars made once per model, seeded
// dropout, a PyTorch-layout Linear, LayerNorm / exact GELU / embedding lookup / cross-entropy with
// hand-written gradients, and Hugging Face's weight initialisation. Nothing here knows RoBERTa's layout.
import * as tf from '@tensorflow/tfjs';
import type { RobertaConfig } from './config';
import { elementCount, type ParameterSpec } from './parameters';
import { mulberry32, siteSeed } from '../random';

/** The most negative float32: Hugging Face adds (1 - mask) times this to masked attention scores. */
const MASK_FILL = -3.4028234663852886e38;

/** Scalars every forward pass needs, created once per model instead of once per call. */
export interface Constants {
  one: tf.Scalar;
  maskFill: tf.Scalar;
  layerNormEps: tf.Scalar;
  attentionScale: tf.Scalar;
  half: tf.Scalar;
  invSqrt2: tf.Scalar;
  invSqrt2Pi: tf.Scalar;
  minusHalf: tf.Scalar;
}

export function createConstants(config: RobertaConfig): Constants {
  return {
    one: tf.scalar(1),
    maskFill: tf.scalar(MASK_FILL),
    layerNormEps: tf.scalar(config.layer_norm_eps),
    attentionScale: tf.scalar(1 / Math.sqrt(config.hidden_size / config.num_attention_heads)),
    half: tf.scalar(0.5),
    invSqrt2: tf.scalar(Math.SQRT1_2),
    invSqrt2Pi: tf.scalar(1 / Math.sqrt(2 * Math.PI)),
    minusHalf: tf.scalar(-0.5),
  };
}

/** Batch geometry shared by the layers of one forward pass. */
export interface Shape {
  batch: number;
  seq: number;
}

/** Per-call state: train/eval mode and the dropout seed stream. */
export class ForwardContext {
  private site = 0;
  constructor(
    readonly training: boolean,
    private readonly seed: number,
  ) {}

  /** How many dropout sites this pass has gone through. */
  get position(): number {
    return this.site;
  }

  /** A context at `position` of the same seed stream: replaying a stretch of the pass draws the same masks. */
  at(position: number): ForwardContext {
    const replay = new ForwardContext(this.training, this.seed);
    replay.site = position;
    return replay;
  }

  /** Inverted dropout (scale by 1/(1-p) in training, identity in eval). Each call is one site with its own seed. */
  dropout<T extends tf.Tensor>(x: T, rate: number): T {
    const site = this.site++;
    if (!this.training || rate === 0) return x;
    const mask = dropoutMask(x.shape, rate, siteSeed(this.seed, site));
    return tf.mul(x, mask);
  }
}

/** A {0, 1/(1-rate)} mask: one pass in JS, one tensor, no per-element tf ops. */
function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const keep = 1 - rate;
  const scale = 1 / keep;
  const uniform = mulberry32(seed);
  const values = new Float32Array(elementCount(shape));
  for (let i = 0; i < values.length; i++) values[i] = uniform() < keep ? scale : 0;
  return tf.tensor(values, shape, 'float32');
}

/** y = x · Wᵀ + b with W stored [out, in] as in PyTorch. */
export class Linear {
  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
  ) {}

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight, false, true), this.bias);
  }
}

type CustomOp = (
  inputs: tf.Tensor[],
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/**
 * tf.customGrad with the inputs as an array (tfjs types its callback over a mixed argument list).
 * Besides fewer kernels, a custom gradient keeps memory down: tfjs holds every intermediate
 * gradient until the backward pass ends, but those made inside a gradFunc are freed right away.
 */
function customOp(f: CustomOp): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    f(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc),
  );
}

export class LayerNorm {
  private readonly op: (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
    constants: Constants,
  ) {
    this.op = customOp(([x, gamma, beta], save) => {
      // torch.nn.LayerNorm over the last axis, biased variance.
      const centered = tf.sub(x, tf.mean(x, -1, true));
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), constants.layerNormEps));
      const normalized = tf.mul(centered, rstd);
      save([normalized, rstd, gamma]);
      return {
        value: tf.add(tf.mul(normalized, gamma), beta),
        gradFunc: (dy, [xHat, savedRstd, savedGamma]) => {
          // dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · γ, the standard LayerNorm backward.
          const g = tf.mul(dy, savedGamma);
          const meanG = tf.mean(g, -1, true);
          const meanGxHat = tf.mean(tf.mul(g, xHat), -1, true);
          const dx = tf.mul(savedRstd, tf.sub(tf.sub(g, meanG), tf.mul(xHat, meanGxHat)));
          return [dx, tf.sum(tf.mul(dy, xHat), 0), tf.sum(dy, 0)];
        },
      };
    });
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.op(x, this.weight, this.bias) as tf.Tensor2D;
  }
}

/**
 * Exact GELU, x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2, as torch.nn.functional.gelu. A custom
 * gradient (Φ(x) + x·φ(x)) keeps the backward pass to a few element-wise ops.
 */
export function exactGelu(c: Constants): (x: tf.Tensor2D) => tf.Tensor2D {
  const op = customOp(([input], save) => {
    const cdf = tf.mul(c.half, tf.add(c.one, tf.erf(tf.mul(input, c.invSqrt2))));
    save([input, cdf]);
    return {
      value: tf.mul(input, cdf),
      gradFunc: (dy, [savedInput, savedCdf]) => {
        const pdf = tf.mul(c.invSqrt2Pi, tf.exp(tf.mul(c.minusHalf, tf.square(savedInput))));
        return tf.mul(dy, tf.add(savedCdf, tf.mul(savedInput, pdf)));
      },
    };
  });
  return (x) => op(x) as tf.Tensor2D;
}

/**
 * Row lookup in an nn.Embedding with padding_idx: rows for `ids`, but the gradient skips the
 * padding row, so it stays exactly where it is (PyTorch's semantics). The gradient's scatter-add
 * maps padding ids to segment -1, which UnsortedSegmentSum drops.
 */
export function embeddingLookup(table: tf.Variable, ids: tf.Tensor1D, paddingIdx: number): tf.Tensor2D {
  const rows = table.shape[0];
  const op = customOp(([weights], save) => {
    const segmentIds = tf.where(tf.equal(ids, paddingIdx), tf.fill(ids.shape, -1, 'int32'), ids);
    save([segmentIds]);
    return {
      value: tf.gather(weights, ids),
      gradFunc: (dy, saved) => tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, rows),
    };
  });
  return op(table) as tf.Tensor2D;
}

/**
 * Mean over rows of −log softmax(logits)[label], with the gradient (softmax − onehot) / rows in one
 * step: the vocabulary-wide tensors of the generic backward pass are what MLM training pays most for.
 */
export function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [rows, classes] = logits.shape;
  const op = customOp(([x], save) => {
    const logProbabilities = tf.logSoftmax(x);
    const flatIndex = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')), labels);
    save([logProbabilities, labels]);
    return {
      value: tf.neg(tf.mean(tf.gather(tf.reshape(logProbabilities, [-1]), flatIndex))),
      gradFunc: (dy, [saved, savedLabels]) => {
        // The one-hot is made as int32 and cast: tfjs-backend-wasm 4.22's OneHot with dtype float32
        // writes the integer bit pattern of 1 (a float32 of 1.4e-45), not 1.0. (A broadcast Equal
        // against a range gives the same result, about 10x slower on wasm.)
        const oneHot = tf.cast(tf.oneHot(savedLabels as tf.Tensor1D, classes, 1, 0, 'int32'), 'float32');
        return tf.mul(tf.sub(tf.exp(saved), oneHot), tf.div(dy, rows));
      },
    };
  });
  return op(logits) as tf.Scalar;
}

/** The variables of a model by Hugging Face name; a missing name is a programming error. */
export class ParameterTable {
  constructor(
    private readonly variables: Map<string, tf.Variable>,
    private readonly constants: Constants,
  ) {}

  get(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`RobertaForSequenceClassification: no parameter '${name}'`);
    return variable;
  }

  linear(prefix: string): Linear {
    return new Linear(this.get(`${prefix}.weight`), this.get(`${prefix}.bias`));
  }

  layerNorm(prefix: string): LayerNorm {
    return new LayerNorm(this.get(`${prefix}.weight`), this.get(`${prefix}.bias`), this.constants);
  }
}

/** Hugging Face's _init_weights: normal(0, initializer_range), padding rows zeroed, LayerNorm 1/0, biases 0. */
export function initialValue(spec: ParameterSpec, config: RobertaConfig, seed: number, index: number): tf.Tensor {
  if (spec.init === 'zeros') return tf.zeros(spec.shape);
  if (spec.init === 'ones') return tf.ones(spec.shape);
  return tf.tidy(() => {
    const values = tf.randomNormal(spec.shape, 0, config.initializer_range, 'float32', siteSeed(seed, index));
    if (spec.paddingRow === undefined) return values;
    const keep = tf.oneHot(tf.tensor1d([spec.paddingRow], 'int32'), spec.shape[0]).reshape([spec.shape[0], 1]);
    return tf.mul(values, tf.sub(1, keep));
  });
}
