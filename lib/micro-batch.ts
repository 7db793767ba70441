// Splitting a training batch into micro-batches that fit WebAssembly's 4 GiB heap, with gradient
// accumulation keeping the batch the optimizer sees (Hugging Face's auto_find_batch_size halves the
// batch after an out-of-memory error; wasm cannot recover from one, so this measures first).
//
// Two probe passes (forward + backward on 1 and on 2 rows of maxLength tokens, no optimizer step)
// give the memory one more row costs. Weights are already allocated; Adam's two moments and the
// accumulated gradients will be, so they are added. The plan is the largest divisor of the batch
// whose estimated peak stays under HEAP_BUDGET_SHARE of the heap; when no divisor fits, the same
// with gradient checkpointing (each layer recomputed in the backward pass, far fewer activations).
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './batching';
import type { ClassifierModel } from './evaluation';
import { lossAndGradients } from './trainer';
import { WASM_HEAP_LIMIT_BYTES } from './wasm-memory';

/** The share of the heap a plan may fill: the rest absorbs fragmentation of the allocator. */
export const HEAP_BUDGET_SHARE = 0.85;

export interface MicroBatchPlan {
  /** Rows per forward/backward pass. */
  perDeviceTrainBatchSize: number;
  gradientAccumulationSteps: number;
  /** Whether the plan needs gradient checkpointing (or it was asked for). */
  gradientCheckpointing: boolean;
  /** Reviews per optimizer step: the product of the two, as asked for. */
  effectiveBatchSize: number;
  maxLength: number;
  backend: string;
  /** Null on backends without a heap limit (tfjs-node, cpu): then nothing was measured. */
  memory: null | {
    /** Tensors allocated before training (the weights). */
    allocatedBytes: number;
    /** Adam's moments and, with accumulation, the summed gradients: twice or three times the weights. */
    optimizerBytes: number;
    /** One pass's activations and gradients for a single row, and for each row more (measured). */
    firstRowBytes: number;
    perRowBytes: number;
    /** The estimate for the chosen micro-batch, and what a plan may use. */
    estimatedPeakBytes: number;
    budgetBytes: number;
  };
}

export class MicroBatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MicroBatchError';
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A batch of `rows` reviews of `maxLength` ordinary tokens: the most memory a batch can take. */
export function fullLengthBatch(rows: number, maxLength: number, vocabSize: number): Batch {
  const tokens = rows * maxLength;
  const inputIds = new Int32Array(tokens);
  for (let i = 0; i < tokens; i++) inputIds[i] = 4 + ((i * 7919) % Math.max(1, vocabSize - 4));
  return {
    inputIds,
    attentionMask: new Int32Array(tokens).fill(1),
    labels: new Int32Array(rows),
    batchSize: rows,
    seqLength: maxLength,
    realTokens: tokens,
    truncatedExamples: 0,
    exampleIndices: Int32Array.from({ length: rows }, (_, i) => i),
  };
}

/** Peak tensor bytes above what was allocated before, over one forward + backward pass. */
async function stepPeakBytes(
  model: ClassifierModel,
  rows: number,
  maxLength: number,
  gradientCheckpointing: boolean,
): Promise<number> {
  const batch = fullLengthBatch(rows, maxLength, model.config.vocab_size);
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => {
    const { grads } = lossAndGradients(model, batch, { training: true, dropoutSeed: 0, gradientCheckpointing });
    for (const grad of grads.values()) grad.dispose();
  });
  return profile.peakBytes - before;
}

function parameterBytes(model: ClassifierModel): number {
  let bytes = 0;
  for (const variable of model.parameters.values()) bytes += variable.size * 4;
  return bytes;
}

/** Divisors of n, largest first. */
function divisorsDescending(n: number): number[] {
  const out: number[] = [];
  for (let d = n; d >= 1; d--) if (n % d === 0) out.push(d);
  return out;
}

interface StepMemory {
  firstRowBytes: number;
  perRowBytes: number;
}

/**
 * What one row and each further row of a step take. The two-row probe is skipped when it could
 * itself overflow the heap (each row costs at most what the first did, gradients included); then
 * a row is counted as the whole first row, an upper bound.
 */
async function measureStep(
  model: ClassifierModel,
  maxLength: number,
  effectiveBatchSize: number,
  gradientCheckpointing: boolean,
  heapLimitBytes: number,
): Promise<StepMemory> {
  const firstRowBytes = await stepPeakBytes(model, 1, maxLength, gradientCheckpointing);
  if (effectiveBatchSize === 1) return { firstRowBytes, perRowBytes: 0 };
  if (tf.memory().numBytes + 2 * firstRowBytes > HEAP_BUDGET_SHARE * heapLimitBytes) {
    return { firstRowBytes, perRowBytes: firstRowBytes };
  }
  const twoRowBytes = await stepPeakBytes(model, 2, maxLength, gradientCheckpointing);
  return { firstRowBytes, perRowBytes: Math.max(0, twoRowBytes - firstRowBytes) };
}

/**
 * How to train `effectiveBatchSize` reviews per optimizer step at up to `maxLength` tokens on the
 * current backend. Plan before the optimizer has taken a step (its moments are counted as to come).
 * Gradient checkpointing is chosen only when not even one review per pass fits without it, unless
 * asked for. Throws MicroBatchError when nothing fits.
 */
export async function planMicroBatches(
  model: ClassifierModel,
  options: { effectiveBatchSize: number; maxLength: number; gradientCheckpointing?: boolean; heapLimitBytes?: number },
): Promise<MicroBatchPlan> {
  const { effectiveBatchSize, maxLength } = options;
  if (!(Number.isInteger(effectiveBatchSize) && effectiveBatchSize >= 1)) {
    throw new MicroBatchError(
      `planMicroBatches: effectiveBatchSize should be an integer >= 1, found ${effectiveBatchSize}`,
    );
  }
  const backend = tf.getBackend();
  const whole = { effectiveBatchSize, maxLength, backend };
  const askedCheckpointing = options.gradientCheckpointing ?? false;
  if (backend !== 'wasm' && options.heapLimitBytes === undefined) {
    return {
      ...whole,
      perDeviceTrainBatchSize: effectiveBatchSize,
      gradientAccumulationSteps: 1,
      gradientCheckpointing: askedCheckpointing,
      memory: null,
    };
  }
  const heapLimitBytes = options.heapLimitBytes ?? WASM_HEAP_LIMIT_BYTES;
  const budgetBytes = HEAP_BUDGET_SHARE * heapLimitBytes;
  const allocatedBytes = tf.memory().numBytes;
  const weights = parameterBytes(model);
  const estimate = (rows: number, step: StepMemory): { peak: number; optimizerBytes: number } => {
    const optimizerBytes = (rows < effectiveBatchSize ? 3 : 2) * weights;
    const backward = allocatedBytes + optimizerBytes + step.firstRowBytes + (rows - 1) * step.perRowBytes;
    // After the last pass: the averaged gradients and their clipped copy beside weights and moments.
    const update = allocatedBytes + 4 * weights;
    return { peak: Math.max(backward, update), optimizerBytes };
  };
  let step: StepMemory | null = null;
  for (const gradientCheckpointing of askedCheckpointing ? [true] : [false, true]) {
    step = await measureStep(model, maxLength, effectiveBatchSize, gradientCheckpointing, heapLimitBytes);
    for (const rows of divisorsDescending(effectiveBatchSize)) {
      const { peak, optimizerBytes } = estimate(rows, step);
      if (peak > budgetBytes) continue;
      return {
        ...whole,
        perDeviceTrainBatchSize: rows,
        gradientAccumulationSteps: effectiveBatchSize / rows,
        gradientCheckpointing,
        memory: { allocatedBytes, optimizerBytes, ...step, estimatedPeakBytes: peak, budgetBytes },
      };
    }
  }
  const { peak, optimizerBytes } = estimate(1, step!);
  throw new MicroBatchError(
    `Training needs about ${mib(peak)} for one review of ${maxLength} tokens per pass, even with gradient ` +
      `checkpointing (tensors already allocated ${mib(allocatedBytes)}, optimizer state ${mib(optimizerBytes)}, ` +
      `one review's activations and gradients ${mib(step!.firstRowBytes)}): more than the ${mib(budgetBytes)} ` +
      `a plan may use of the ${backend} heap. Lower maxLength, or use the native backend (tfjs-node), ` +
      'which has no such limit.',
  );
}

/** One line saying what a plan picked, for logs and notebooks. */
export function describePlan(plan: MicroBatchPlan): string {
  const split =
    plan.gradientAccumulationSteps === 1
      ? `batches of ${plan.perDeviceTrainBatchSize} in one pass`
      : `micro-batches of ${plan.perDeviceTrainBatchSize} × ${plan.gradientAccumulationSteps} accumulation ` +
        `steps = ${plan.effectiveBatchSize} reviews per optimizer step`;
  if (plan.memory === null) return `${split} (${plan.backend}: no heap limit to plan for)`;
  const checkpointing = plan.gradientCheckpointing ? ', with gradient checkpointing' : '';
  return (
    `${split}${checkpointing} at ${plan.maxLength} tokens: ` +
    `estimated peak ${mib(plan.memory.estimatedPeakBytes)} of the ` +
    `${mib(plan.memory.budgetBytes)} a plan may use on ${plan.backend} ` +
    `(${mib(plan.memory.perRowBytes)} per review more per pass, measured)`
  );
}

/**
 * The plan `ft-roberta plan-batch` measures in a process of its own, for a model this process need
 * not hold (roberta-base's probe grows a wasm heap to about 3 GiB, and a wasm heap never shrinks).
 */
export async function planInChildProcess(options: {
  shape: 'base' | 'offline';
  effectiveBatchSize: number;
  maxLength: number;
  backend?: string;
}): Promise<MicroBatchPlan> {
  const cli = path.join(__dirname, 'cli.js');
  const argv = [cli, 'plan-batch', '--shape', options.shape, '--batch-size', String(options.effectiveBatchSize)];
  argv.push('--max-length', String(options.maxLength));
  if (options.backend !== undefined) argv.push('--backend', options.backend);
  const { stdout } = await promisify(execFile)(process.execPath, argv, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as MicroBatchPlan;
}
