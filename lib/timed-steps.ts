// Training steps timed as the trainer takes them: notebook 03's padding timing (lib/padding-timing.ts)
// and the padding benchmark (lib/padding-bench.ts) both measure with these.
import { offlineModelConfig, type RobertaConfig } from './model/config';
import { RobertaForSequenceClassification } from './model/roberta';
import * as tf from '@tensorflow/tfjs';
import { AdamOptimizer, GradientAccumulator } from './optimizer';
import { dropoutSeedFor, lossAndGradients } from './trainer';
import type { Batch } from './batching';

/** Wall and processor seconds of one training step, split into its two parts. */
export interface StepTiming {
  total: number;
  forwardBackward: number;
  optimizer: number;
  cpu: number;
}

/**
 * Training steps taken as the trainer takes them (loss and gradients with seeded dropout, then the
 * optimizer), timed. The notebook's comparison and the benchmark both measure with this.
 */
/** How a step's batch is passed through the model: in micro-batches of `rows` with accumulation. */
export interface MicroBatching {
  rows: number;
  gradientCheckpointing: boolean;
}

export class TimedTrainingSteps {
  private stepsTaken = 0;
  constructor(
    private readonly model: RobertaForSequenceClassification,
    private readonly optimizer: AdamOptimizer,
    private readonly seed: number,
    private readonly microBatching: MicroBatching = { rows: Infinity, gradientCheckpointing: false },
  ) {}

  /** One optimizer step on `batch`; micro-batches of a static batch keep its length (`keepLength`). */
  train(batch: Batch, keepLength = false): StepTiming {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const { rows, gradientCheckpointing } = this.microBatching;
    const parts = batch.batchSize > rows ? microBatches(batch, rows, keepLength) : [batch];
    const accumulator = new GradientAccumulator();
    let grads: Map<string, tf.Tensor> | null = null;
    for (const part of parts) {
      const result = lossAndGradients(this.model, part, {
        training: true,
        dropoutSeed: dropoutSeedFor(this.seed, this.stepsTaken++),
        gradientCheckpointing,
      });
      if (parts.length === 1) {
        grads = result.grads;
      } else {
        accumulator.add(result.grads);
        tf.dispose([...result.grads.values()]);
      }
    }
    grads ??= accumulator.mean();
    const middle = performance.now();
    // Kernels run synchronously on wasm, cpu and tfjs-node: when step() returns, the work is done.
    this.optimizer.step(grads);
    for (const grad of grads.values()) grad.dispose();
    const end = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    return {
      total: (end - start) / 1000,
      forwardBackward: (middle - start) / 1000,
      optimizer: (end - middle) / 1000,
      cpu: (cpu.user + cpu.system) / 1e6,
    };
  }
}

/**
 * The batch's rows in groups of `rows`, each cut to its own longest review (as a loader of
 * micro-batches pads them) unless `keepLength` (static padding).
 */
export function microBatches(batch: Batch, rows: number, keepLength: boolean): Batch[] {
  const seq = batch.seqLength;
  const realLength = (row: number): number => {
    let length = 0;
    for (let j = 0; j < seq; j++) if (batch.attentionMask[row * seq + j] !== 0) length = j + 1;
    return length;
  };
  const parts: Batch[] = [];
  for (let first = 0; first < batch.batchSize; first += rows) {
    const count = Math.min(rows, batch.batchSize - first);
    const length = keepLength ? seq : Math.max(...Array.from({ length: count }, (_, r) => realLength(first + r)));
    const inputIds = new Int32Array(count * length);
    const attentionMask = new Int32Array(count * length);
    let realTokens = 0;
    for (let r = 0; r < count; r++) {
      const from = (first + r) * seq;
      inputIds.set(batch.inputIds.subarray(from, from + length), r * length);
      attentionMask.set(batch.attentionMask.subarray(from, from + length), r * length);
      for (let j = 0; j < length; j++) realTokens += attentionMask[r * length + j];
    }
    const exampleIndices = batch.exampleIndices.slice(first, first + count);
    parts.push({
      inputIds,
      attentionMask,
      labels: batch.labels.slice(first, first + count),
      batchSize: count,
      seqLength: length,
      realTokens,
      // Which rows lost tokens is not in a Batch; timing does not need it.
      truncatedExamples: 0,
      exampleIndices,
    });
  }
  return parts;
}

/** A fresh offline-shaped model that accepts 512 tokens (514 positions). */
export function comparisonModelConfig(vocabSize: number): RobertaConfig {
  return offlineModelConfig(vocabSize, { max_position_embeddings: 514 });
}
