// Adam and AdamW written out as torch.optim.Adam / AdamW compute them (PyTorch 1.13, single-tensor
// path), over the model's `Map<HF name, tf.Variable>`. tfjs's own Adam differs: it folds bias
// correction into epsilon, has no decoupled decay, and names its state by tfjs variable names.
// Also here: clipping by global norm (torch.nn.utils.clip_grad_norm_) and gradient accumulation.
import * as tf from '@tensorflow/tfjs';
import { fusedAdamUpdate } from './kernels';

export type OptimizerName = 'adam' | 'adamw';

export interface AdamOptions {
  name: OptimizerName;
  /** Starting learning rate; a schedule may change `learningRate` before every step. */
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Adam: L2 penalty added to the gradient (torch semantics). AdamW: decoupled decay factor. */
  weightDecay?: number;
  /**
   * Substrings of parameter names that get no weight decay. Default: Hugging Face Trainer's
   * choice, biases and LayerNorm parameters. `[]` decays everything, as a bare torch.optim.AdamW does.
   */
  noDecay?: string[];
}

export type ResolvedAdamOptions = Required<AdamOptions>;

export const DEFAULT_NO_DECAY = ['.bias', 'LayerNorm.'];

export function resolveAdamOptions(options: AdamOptions): ResolvedAdamOptions {
  const resolved: ResolvedAdamOptions = {
    name: options.name,
    learningRate: options.learningRate,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    weightDecay: options.weightDecay ?? (options.name === 'adamw' ? 0.01 : 0),
    noDecay: options.noDecay ?? DEFAULT_NO_DECAY,
  };
  if (resolved.name !== 'adam' && resolved.name !== 'adamw') {
    throw new Error(`optimizer: name must be 'adam' or 'adamw', got '${String(resolved.name)}'`);
  }
  for (const [field, value] of Object.entries({ learningRate: resolved.learningRate, epsilon: resolved.epsilon })) {
    if (!(value > 0)) throw new Error(`optimizer: ${field} must be > 0, got ${value}`);
  }
  for (const [field, value] of Object.entries({ beta1: resolved.beta1, beta2: resolved.beta2 })) {
    if (!(value >= 0 && value < 1)) throw new Error(`optimizer: ${field} must be in [0, 1), got ${value}`);
  }
  if (!(resolved.weightDecay >= 0)) throw new Error(`optimizer: weightDecay must be >= 0, got ${resolved.weightDecay}`);
  return resolved;
}

/** Everything needed to continue exactly: hyper-parameters, per-parameter step counts and moments. */
export interface OptimizerState {
  options: ResolvedAdamOptions;
  /** Steps taken by each parameter (torch keeps one counter per parameter). */
  steps: Record<string, number>;
  /** First and second moments (torch's exp_avg, exp_avg_sq) of each parameter that has stepped. */
  moments: Map<string, { expAvg: Float32Array; expAvgSq: Float32Array; shape: number[] }>;
}

interface Moments {
  expAvg: tf.Variable;
  expAvgSq: tf.Variable;
  steps: number;
}

export class AdamOptimizer {
  readonly options: ResolvedAdamOptions;
  /** The rate the next step uses; the trainer's schedule sets it before each step. */
  learningRate: number;
  private readonly params: Map<string, tf.Variable>;
  private readonly moments = new Map<string, Moments>();

  constructor(params: Map<string, tf.Variable>, options: AdamOptions) {
    this.options = resolveAdamOptions(options);
    this.learningRate = this.options.learningRate;
    this.params = params;
  }

  decays(name: string): boolean {
    return this.options.weightDecay > 0 && !this.options.noDecay.some((pattern) => name.includes(pattern));
  }

  /** Largest per-parameter step count: the number of optimizer steps taken. */
  get stepCount(): number {
    let most = 0;
    for (const m of this.moments.values()) most = Math.max(most, m.steps);
    return most;
  }

  /**
   * One update of every parameter that has a gradient; the gradients are not disposed.
   * Parameters without a gradient are skipped, as torch skips those whose .grad is None.
   */
  step(grads: Map<string, tf.Tensor>): void {
    for (const name of grads.keys()) {
      if (!this.params.has(name)) throw new Error(`optimizer.step: gradient for unknown parameter '${name}'`);
    }
    for (const [name, param] of this.params) {
      const grad = grads.get(name);
      if (grad === undefined) continue;
      if (!tf.util.arraysEqual(grad.shape, param.shape)) {
        throw new Error(
          `optimizer.step: gradient of '${name}' has shape [${grad.shape}], parameter has [${param.shape}]`,
        );
      }
      this.updateParameter(name, param, grad);
    }
  }

  private momentsOf(name: string, param: tf.Variable): Moments {
    let m = this.moments.get(name);
    if (m === undefined) {
      m = {
        expAvg: tf.tidy(() => tf.variable(tf.zerosLike(param), false)),
        expAvgSq: tf.tidy(() => tf.variable(tf.zerosLike(param), false)),
        steps: 0,
      };
      this.moments.set(name, m);
    }
    return m;
  }

  private updateParameter(name: string, param: tf.Variable, grad: tf.Tensor): void {
    const { name: kind, beta1, beta2, weightDecay } = this.options;
    const lr = this.learningRate;
    const m = this.momentsOf(name, param);
    m.steps += 1;
    // Bias corrections in float64, as torch computes them in Python floats.
    const stepSize = lr / (1 - beta1 ** m.steps);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** m.steps);
    const decay = this.decays(name) ? weightDecay : 0;
    // One pass over each element (a kernel on wasm and cpu): the op-by-op form peaks at about 14
    // parameter-sized buffers, which roberta-base's word embeddings cannot afford on wasm.
    const [p, expAvg, expAvgSq] = fusedAdamUpdate(param, grad, m.expAvg, m.expAvgSq, {
      beta1,
      beta2,
      epsilon: this.options.epsilon,
      stepSize,
      biasCorrection2Sqrt,
      decayFactor: kind === 'adamw' && decay > 0 ? 1 - lr * decay : 1,
      l2: kind === 'adam' ? decay : 0,
    });
    m.expAvg.assign(expAvg);
    m.expAvgSq.assign(expAvgSq);
    param.assign(p);
    tf.dispose([p, expAvg, expAvgSq]);
  }

  getState(): OptimizerState {
    const steps: Record<string, number> = {};
    const moments: OptimizerState['moments'] = new Map();
    for (const [name, m] of this.moments) {
      steps[name] = m.steps;
      moments.set(name, {
        expAvg: m.expAvg.dataSync() as Float32Array,
        expAvgSq: m.expAvgSq.dataSync() as Float32Array,
        shape: [...m.expAvg.shape],
      });
    }
    return { options: { ...this.options, noDecay: [...this.options.noDecay] }, steps, moments };
  }

  /** Restores moments and step counts; hyper-parameters must match (a changed optimizer is an error). */
  setState(state: OptimizerState): void {
    for (const key of ['name', 'beta1', 'beta2', 'epsilon', 'weightDecay'] as const) {
      if (state.options[key] !== this.options[key]) {
        throw new Error(
          `optimizer.setState: saved ${key} is ${state.options[key]}, this optimizer has ${this.options[key]}`,
        );
      }
    }
    for (const name of Object.keys(state.steps)) {
      const param = this.params.get(name);
      const saved = state.moments.get(name);
      if (param === undefined) throw new Error(`optimizer.setState: state for unknown parameter '${name}'`);
      if (saved === undefined) throw new Error(`optimizer.setState: step count for '${name}' but no moments`);
      if (!tf.util.arraysEqual(saved.shape, param.shape)) {
        throw new Error(
          `optimizer.setState: moments of '${name}' have shape [${saved.shape}], parameter has [${param.shape}]`,
        );
      }
    }
    this.disposeMoments();
    for (const [name, steps] of Object.entries(state.steps)) {
      const saved = state.moments.get(name)!;
      this.moments.set(name, {
        expAvg: tf.tidy(() => tf.variable(tf.tensor(saved.expAvg, saved.shape, 'float32'), false)),
        expAvgSq: tf.tidy(() => tf.variable(tf.tensor(saved.expAvgSq, saved.shape, 'float32'), false)),
        steps,
      });
    }
  }

  private disposeMoments(): void {
    for (const m of this.moments.values()) {
      m.expAvg.dispose();
      m.expAvgSq.dispose();
    }
    this.moments.clear();
  }

  dispose(): void {
    this.disposeMoments();
  }
}

/**
 * torch.nn.utils.clip_grad_norm_: scales all gradients by min(1, maxNorm / (norm + 1e-6)), where
 * norm is the L2 norm of all gradients together. Returns new tensors (the inputs are not disposed)
 * and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: number } {
  const names = [...grads.keys()];
  const normTensor = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads.get(n)!))))));
  const norm = normTensor.dataSync()[0];
  normTensor.dispose();
  const coefficient = Math.min(1, maxNorm / (norm + 1e-6));
  const clipped = new Map<string, tf.Tensor>();
  tf.tidy(() => {
    const scale = tf.scalar(coefficient);
    for (const n of names) clipped.set(n, tf.keep(grads.get(n)!.mul(scale)));
  });
  return { grads: clipped, norm };
}

/** Sums gradients over micro-batches; `mean()` hands back their average and starts over. */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  count = 0;

  /** Adds the gradients (which stay owned by the caller). */
  add(grads: Map<string, tf.Tensor>): void {
    for (const [name, grad] of grads) {
      const previous = this.sums.get(name);
      this.sums.set(name, previous === undefined ? grad.clone() : tf.tidy(() => previous.add(grad)));
      previous?.dispose();
    }
    this.count += 1;
  }

  /** Average of the added gradients; the caller owns (and disposes) the returned tensors. */
  mean(): Map<string, tf.Tensor> {
    if (this.count === 0) throw new Error('GradientAccumulator.mean: no gradients were added');
    const out = new Map<string, tf.Tensor>();
    tf.tidy(() => {
      const scale = tf.scalar(1 / this.count);
      for (const [name, sum] of this.sums) out.set(name, tf.keep(sum.mul(scale)));
    });
    this.reset();
    return out;
  }

  reset(): void {
    for (const t of this.sums.values()) t.dispose();
    this.sums.clear();
    this.count = 0;
  }
}
