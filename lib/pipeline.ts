// Inference as Hugging Face's text-classification pipeline does it, and the evaluation of a model
// over a whole split.
//
//   const classify = await pipeline('text-classification', 'runs/01/best'); // or a Hub id, or {model, tokenizer}
//   await pipeline('runs/01/best')                             // the task name may be left out
//   await classify('I hate this movie!')   // [{label: 'NEGATIVE', score: 0.98}]: the best label, as in transformers
//   await classify('…', {topK: null})     // every label, best first (Python's top_k=None)
//   await classify(['…', '…'])            // one list per text
//   await pipeline('web/model', {runtime: 'onnxruntime'}) // an exported folder (lib/export) on ONNX Runtime
import * as tf from '@tensorflow/tfjs';
import { RobertaForSequenceClassification } from './model/roberta';
import type { PretrainedOptions } from './model/pretrained';
import { maxSequenceLength } from './model/config';
import { loadTokenizer, type RobertaTokenizer } from './tokenizer';
import { DataLoader, toTensors, tokenizedExamples } from './batching';
import { evaluateBatches, evaluateWith, type BatchLoader, type ClassifierModel, type EvalResult } from './evaluation';
import { argmaxRows, softmaxRows } from './metrics';
import { progressBar, type ProgressBar, type ProgressMode } from './display/progress';
import { loadOnnxRuntimeModel, OnnxRuntimeModel, type OnnxRuntimeOptions } from './export/ort';
import type { RobertaConfig } from './model/config';

export interface LabelScore {
  label: string;
  score: number;
}

export interface ClassifyOptions {
  /** Keep the k best labels (default 1, as in transformers); null keeps every label, best first. */
  topK?: number | null;
  /** Cut texts longer than maxLength (default true); when false a long text is an error. */
  truncation?: boolean;
  maxLength?: number;
  batchSize?: number;
}

export interface TextClassificationPipeline {
  (text: string, options?: ClassifyOptions): Promise<LabelScore[]>;
  (texts: string[], options?: ClassifyOptions): Promise<LabelScore[][]>;
  /** The tfjs model, or an ONNX Runtime session with `runtime: 'onnxruntime'`. */
  readonly model: ClassifierModel | OnnxRuntimeModel;
  readonly tokenizer: RobertaTokenizer;
  /** Label names by class index, from the config's id2label. */
  readonly labels: string[];
  /** Releases the model when the pipeline loaded it. */
  dispose(): void;
}

export function labelNames(model: { config: RobertaConfig }): string[] {
  return Array.from({ length: model.config.num_labels }, (_, i) => model.config.id2label[String(i)] ?? `LABEL_${i}`);
}

/** The longest input both the tokenizer and the model's position table allow. */
export function defaultMaxLength(model: { config: RobertaConfig }, tokenizer: RobertaTokenizer): number {
  return Math.min(tokenizer.modelMaxLength, maxSequenceLength(model.config));
}

/** Class probabilities [texts][labels], batched, texts sorted by length so batches pad little. */
export function predictProbabilities(
  model: ClassifierModel,
  tokenizer: RobertaTokenizer,
  texts: string[],
  options: ClassifyOptions = {},
): Float64Array[] {
  const numLabels = model.config.num_labels;
  const out: Float64Array[] = new Array(texts.length);
  for (const batch of predictionLoader(model, tokenizer, texts, options).batches(0)) {
    const logits = tf.tidy(() => {
      const { inputIds, attentionMask } = toTensors(batch, model.config.vocab_size);
      return model.forward({ inputIds, attentionMask }, { training: false });
    });
    const probabilities = softmaxRows(logits.dataSync(), numLabels);
    logits.dispose();
    batch.exampleIndices.forEach(
      (example, row) => (out[example] = probabilities.slice(row * numLabels, (row + 1) * numLabels)),
    );
  }
  return out;
}

/** predictProbabilities on ONNX Runtime: the same batches, logits from the exported graph. */
export async function predictProbabilitiesOnnx(
  model: OnnxRuntimeModel,
  tokenizer: RobertaTokenizer,
  texts: string[],
  options: ClassifyOptions = {},
): Promise<Float64Array[]> {
  const numLabels = model.config.num_labels;
  const out: Float64Array[] = new Array(texts.length);
  for (const batch of predictionLoader(model, tokenizer, texts, options).batches(0)) {
    const { logits } = await model.run(batch.inputIds, batch.attentionMask, [batch.batchSize, batch.seqLength]);
    const probabilities = softmaxRows(logits, numLabels);
    batch.exampleIndices.forEach(
      (example, row) => (out[example] = probabilities.slice(row * numLabels, (row + 1) * numLabels)),
    );
  }
  return out;
}

/** Texts sorted by length into batches that pad little; a text over maxLength is an error without truncation. */
function predictionLoader(
  model: { config: RobertaConfig },
  tokenizer: RobertaTokenizer,
  texts: string[],
  options: ClassifyOptions,
): DataLoader {
  const maxLength = options.maxLength ?? defaultMaxLength(model, tokenizer);
  const batchSize = options.batchSize ?? 16;
  const encoded = tokenizer.encodePlain(texts).inputIds;
  encoded.forEach((ids, i) => {
    if (ids.length > maxLength && options.truncation === false) {
      throw new Error(
        `pipeline: text ${i} has ${ids.length} tokens, more than maxLength ${maxLength}; pass truncation: true or ` +
          `shorten it`,
      );
    }
  });
  const loader = new DataLoader(tokenizedExamples(encoded, new Array<number>(texts.length).fill(0)), {
    batchSize,
    mode: 'grouped',
    maxLength,
    shuffle: false,
    padTokenId: tokenizer.padTokenId,
  });
  return loader;
}

function ranked(probabilities: Float64Array, labels: string[], topK: number | null): LabelScore[] {
  const scores = labels.map((label, i) => ({ label, score: probabilities[i] }));
  scores.sort((a, b) => b.score - a.score);
  return topK === null ? scores : scores.slice(0, topK);
}

export type PipelineSource = string | { model: ClassifierModel | OnnxRuntimeModel; tokenizer: RobertaTokenizer };

export interface PipelineOptions extends ClassifyOptions {
  hub?: PretrainedOptions;
  /**
   * 'tfjs' (default) or 'onnxruntime': a folder written by `exportOnnx` / `ft-roberta export`
   * (a saved model folder is exported to a temporary folder on the fly).
   */
  runtime?: 'tfjs' | 'onnxruntime';
  /** With runtime 'onnxruntime': which graph (quantized int8 or fp32) and how many threads. */
  onnx?: OnnxRuntimeOptions;
}

/**
 * A text-classification pipeline from a saved model folder (with its tokenizer files), a Hub id,
 * or a model and tokenizer already in memory.
 */
export async function pipeline(
  task: 'text-classification',
  source: PipelineSource,
  options?: PipelineOptions,
): Promise<TextClassificationPipeline>;
export async function pipeline(source: PipelineSource, options?: PipelineOptions): Promise<TextClassificationPipeline>;
export async function pipeline(
  ...args: [PipelineSource, PipelineOptions?] | ['text-classification', PipelineSource, PipelineOptions?]
): Promise<TextClassificationPipeline> {
  // As in transformers.js and Python, the task may come first; it is the only task this library has.
  const [first, second, third] = args;
  const sourceSecond =
    typeof second === 'string' || (typeof second === 'object' && second !== null && 'model' in second);
  if (first === 'text-classification' && sourceSecond) {
    return textClassificationPipeline(second as PipelineSource, (third ?? {}) as PipelineOptions);
  }
  return textClassificationPipeline(first, (second ?? {}) as PipelineOptions);
}

async function textClassificationPipeline(
  source: PipelineSource,
  options: PipelineOptions,
): Promise<TextClassificationPipeline> {
  let model: ClassifierModel | OnnxRuntimeModel;
  let tokenizer: RobertaTokenizer;
  let owned: RobertaForSequenceClassification | null = null;
  if (typeof source === 'string' && options.runtime === 'onnxruntime') {
    model = await loadOnnxRuntimeModel(source, options.onnx);
    tokenizer = await loadTokenizer(source, options.hub);
  } else if (typeof source === 'string') {
    owned = await RobertaForSequenceClassification.fromPretrained(source, options.hub);
    model = owned;
    tokenizer = await loadTokenizer(source, options.hub);
  } else {
    ({ model, tokenizer } = source);
  }
  const labels = labelNames(model);
  const defaults = options;
  async function classify(
    input: string | string[],
    callOptions: ClassifyOptions = {},
  ): Promise<LabelScore[] | LabelScore[][]> {
    const merged = { ...defaults, ...callOptions };
    const topK = merged.topK === undefined ? 1 : merged.topK;
    if (topK !== null && !(Number.isInteger(topK) && topK >= 1)) {
      throw new Error(`pipeline: topK must be a positive integer or null (every label), got ${topK}`);
    }
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
      throw new Error('pipeline: expected a string or an array of strings');
    const probabilities =
      model instanceof OnnxRuntimeModel
        ? await predictProbabilitiesOnnx(model, tokenizer, texts, merged)
        : predictProbabilities(model, tokenizer, texts, merged);
    const results = probabilities.map((p) => ranked(p, labels, topK));
    return typeof input === 'string' ? results[0] : results;
  }
  return Object.assign(classify as TextClassificationPipeline, {
    model,
    tokenizer,
    labels,
    dispose: () => owned?.dispose(),
  });
}

// ---------------------------------------------------------------------------------------------
// Evaluation over a split

export interface LabeledTexts {
  texts: string[];
  labels: ArrayLike<number>;
}

/** The part of a danfojs DataFrame with `text` and `label` columns that evaluation reads. */
export interface TextLabelFrame {
  column(name: string): { values: unknown };
}

export function textsAndLabels(data: LabeledTexts | TextLabelFrame): { texts: string[]; labels: number[] } {
  if ('texts' in data) return { texts: data.texts, labels: Array.from(data.labels) };
  const texts = data.column('text').values;
  const labels = data.column('label').values;
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string'))
    throw new Error("evaluate: column 'text' must hold strings");
  if (!Array.isArray(labels) || !labels.every((l) => Number.isInteger(l)))
    throw new Error("evaluate: column 'label' must hold integer labels");
  return { texts: texts as string[], labels: labels as number[] };
}

export interface EvaluateOptions {
  /** The tfjs model, or an exported model on ONNX Runtime (`loadOnnxRuntimeModel`). */
  model: ClassifierModel | OnnxRuntimeModel;
  tokenizer: RobertaTokenizer;
  data: LabeledTexts | TextLabelFrame;
  maxLength?: number;
  batchSize?: number;
  /** Evaluate only the first `limit` examples. */
  limit?: number;
  progress?: ProgressMode | false;
  description?: string;
}

/** Hugging Face-style keys, as `ft-roberta evaluate` prints them. */
export interface EvaluationReport {
  accuracy: number;
  f1: number;
  precision: number;
  recall: number;
  loss: number;
  confusion_matrix: number[][];
  count: number;
  seconds: number;
  samples_per_s: number;
}

/** Accuracy, F1, precision, recall and the confusion matrix of a model over a whole split, with a progress bar. */
export async function evaluateModel(options: EvaluateOptions): Promise<EvaluationReport> {
  const { model, tokenizer } = options;
  let { texts, labels } = textsAndLabels(options.data);
  if (options.limit !== undefined) {
    texts = texts.slice(0, options.limit);
    labels = labels.slice(0, options.limit);
  }
  if (texts.length === 0) throw new Error('evaluate: no examples to evaluate');
  const maxLength = options.maxLength ?? defaultMaxLength(model, tokenizer);
  const loader = new DataLoader(tokenizedExamples(tokenizer.encodeDynamic(texts, maxLength).inputIds, labels), {
    batchSize: options.batchSize ?? 32,
    mode: 'grouped',
    maxLength,
    shuffle: false,
    padTokenId: tokenizer.padTokenId,
  });
  const bar = progressBar(loader.numBatches, options.description ?? 'Evaluating', 'batch', options.progress);
  const result =
    model instanceof OnnxRuntimeModel
      ? await evaluateOnnxBatches(model, loader, bar)
      : await evaluateBatches(model, loader, model.config.num_labels, bar);
  return {
    accuracy: result.accuracy,
    f1: result.f1,
    precision: result.precision,
    recall: result.recall,
    loss: result.loss,
    confusion_matrix: result.confusionMatrix,
    count: result.count,
    seconds: result.seconds,
    samples_per_s: result.samplesPerSecond,
  };
}

/** evaluateBatches on ONNX Runtime: mean cross-entropy and the metrics of the argmax predictions. */
async function evaluateOnnxBatches(
  model: OnnxRuntimeModel,
  loader: BatchLoader,
  bar: ProgressBar,
): Promise<EvalResult> {
  const numLabels = model.config.num_labels;
  return evaluateWith(loader, numLabels, bar, async (batch) => {
    const { logits } = await model.run(batch.inputIds, batch.attentionMask, [batch.batchSize, batch.seqLength]);
    let lossSum = 0;
    for (let row = 0; row < batch.batchSize; row++) {
      const rowLogits = logits.subarray(row * numLabels, (row + 1) * numLabels);
      const best = argmaxRows(rowLogits, numLabels)[0];
      let sum = 0;
      for (let k = 0; k < numLabels; k++) sum += Math.exp(rowLogits[k] - rowLogits[best]);
      // Cross-entropy as log-sum-exp minus the true label's logit.
      lossSum += rowLogits[best] + Math.log(sum) - rowLogits[batch.labels[row]];
    }
    return { logits, lossSum };
  });
}
