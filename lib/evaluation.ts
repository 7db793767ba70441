// Evaluation of a sequence classifier over a data loader: mean loss and classification metrics in
// eval mode (no dropout). The trainer's validation and the pipeline's evaluateModel both use it.
import * as tf from '@tensorflow/tfjs';
import { argmaxRows, classificationMetrics, type ConfusionMatrix } from './metrics';
import { toTensors, type Batch } from './batching';
import type { ProgressBar } from './display/progress';
import type { RobertaConfig } from './model/config';

/** What training and evaluation need of a model (RobertaForSequenceClassification has it). */
export interface ClassifierModel {
  readonly config: RobertaConfig;
  readonly parameters: Map<string, tf.Variable>;
  forward(
    inputs: { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D },
    options: { training: boolean; dropoutSeed?: number },
  ): tf.Tensor2D;
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  /** Gradient checkpointing (RobertaForSequenceClassification has it): the same loss and gradients, less memory. */
  lossAndGradientsByLayer?(
    inputs: { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D },
    labels: tf.Tensor1D,
    options: { training: boolean; dropoutSeed?: number },
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> };
  savePretrained(dir: string): Promise<void>;
}

/** What training and evaluation need of a data loader (DataLoader has it). */
export interface BatchLoader {
  readonly numBatches: number;
  /** The shuffle seed, when the loader has one (DataLoader does): recorded in checkpoints and checked on resume. */
  readonly seed?: number;
  /** The epoch's batches from `startBatch` on; the order depends only on the epoch (and the loader's seed). */
  batches(epoch: number, options?: { startBatch?: number }): Iterable<Batch>;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusionMatrix: ConfusionMatrix;
  count: number;
  seconds: number;
  samplesPerSecond: number;
}

/** Loss and metrics of `model` over every batch of `loader` (eval mode). */
export async function evaluateBatches(
  model: ClassifierModel,
  loader: BatchLoader,
  numLabels: number,
  bar?: ProgressBar,
): Promise<EvalResult> {
  return evaluateWith(loader, numLabels, bar, async (batch) => {
    const { loss, logits } = tf.tidy(() => {
      const tensors = toTensors(batch);
      const out = model.forward(tensors, { training: false });
      return { loss: model.loss(out, tensors.labels), logits: out };
    });
    const scored = { lossSum: loss.dataSync()[0] * batch.batchSize, logits: logits.dataSync() };
    tf.dispose([loss, logits]);
    return scored;
  });
}

/** The logits of a batch ([batchSize, numLabels], row-major) and the batch's summed loss. */
export interface ScoredBatch {
  logits: ArrayLike<number>;
  lossSum: number;
}

/** Scores every batch of `loader` (epoch 0) with `scoreBatch`; the metrics of the argmax predictions. */
export async function evaluateWith(
  loader: BatchLoader,
  numLabels: number,
  bar: ProgressBar | undefined,
  scoreBatch: (batch: Batch) => Promise<ScoredBatch>,
): Promise<EvalResult> {
  const started = performance.now();
  const labels: number[] = [];
  const predictions: number[] = [];
  let lossSum = 0;
  try {
    for (const batch of loader.batches(0)) {
      const scored = await scoreBatch(batch);
      lossSum += scored.lossSum;
      for (const p of argmaxRows(scored.logits, numLabels)) predictions.push(p);
      for (const l of batch.labels) labels.push(l);
      await bar?.tick(1);
    }
  } finally {
    await bar?.close();
  }
  return evaluationResult(labels, predictions, lossSum, numLabels, started);
}

/** Metrics of an evaluation pass: mean loss from the summed loss, and the time since `started` (ms). */
export function evaluationResult(
  labels: number[],
  predictions: number[],
  lossSum: number,
  numLabels: number,
  started: number,
): EvalResult {
  const seconds = (performance.now() - started) / 1000;
  const metrics = classificationMetrics(labels, predictions, numLabels);
  return {
    loss: lossSum / Math.max(1, labels.length),
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    confusionMatrix: metrics.confusionMatrix,
    count: labels.length,
    seconds,
    samplesPerSecond: labels.length / seconds,
  };
}
