// Training steps timed as the trainer takes them: notebook 03's padding timing (lib/padding-timing.ts)
// and the padding benchmark (lib/padding-bench.ts) both measure with these.
import * as tf from '@tensorflow/tfjs';
import { offlineModelConfig, type RobertaConfig } from './model/config';
import { RobertaForSequenceClassification } from './model/roberta';
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
export class TimedTrainingSteps {
  private stepsTaken = 0;
  constructor(
    private readonly model: RobertaForSequenceClassification,
    private readonly optimizer: AdamOptimizer,
    private readonly seed: number,
    private readonly options: { gradientCheckpointing?: boolean } = {},
  ) {}

  /** One optimizer step on a batch, or on micro-batches whose gradients are averaged (accumulation). */
  train(step: Batch | readonly Batch[]): StepTiming {
    const parts = Array.isArray(step) ? step : [step as Batch];
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const accumulator = parts.length > 1 ? new GradientAccumulator() : null;
    let grads: Map<string, tf.Tensor> | null = null;
    for (const part of parts) {
      const result = lossAndGradients(this.model, part, {
        training: true,
        dropoutSeed: dropoutSeedFor(this.seed, this.stepsTaken++),
        gradientCheckpointing: this.options.gradientCheckpointing,
      });
      if (accumulator === null) {
        grads = result.grads;
      } else {
        accumulator.add(result.grads);
        tf.dispose([...result.grads.values()]);
      }
    }
    grads ??= accumulator!.mean();
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

/** A fresh offline-shaped model that accepts 512 tokens (514 positions). */
export function comparisonModelConfig(vocabSize: number): RobertaConfig {
  return offlineModelConfig(vocabSize, { max_position_embeddings: 514 });
}
