// The high-level API of notebook 01, shaped like Hugging Face's TrainingArguments + Trainer.train():
//
//   const args = trainingArguments({ outputDir: 'outputs/01', learningRate: 1e-3, numTrainEpochs: 3 });
//   const result = await train({ model, tokenizer, args, trainData: train, evalData: validation });
//   result.metrics   // {train_runtime, train_samples_per_second, ..., eval_accuracy, eval_f1, best_model_dir}
//
// Evaluation runs every epoch, the model is saved every epoch, and with loadBestModelAtEnd the
// weights of the best epoch (by metricForBestModel) are back in `model` when train() returns.
import { Trainer, bestEpoch, type TrainingHistory } from './trainer';
import type { ClassifierModel } from './evaluation';
import { DataLoader, tokenizedExamples, type PaddingMode } from './batching';
import { textsAndLabels, type LabeledTexts, type TextLabelFrame } from './pipeline';
import { loadTokenizer, type RobertaTokenizer } from './tokenizer';
import type { ProgressMode } from './display/progress';
import { RobertaForSequenceClassification } from './model/roberta';
import { OFFLINE_MODEL_CONFIG, offlineModelConfig } from './model/config';
import type { Review } from './data/corpus';
import { loadImdb } from './data/imdb';
import { skippedRowsSummary } from './data/readers';
import { accuracy as baselineModelAccuracy, trainBagOfWords } from './data/baseline';
import type { WorkshopParams } from './defaults';
import { trainingArguments, type TrainingArguments } from './training-arguments';
import { describePlan, planMicroBatches, type MicroBatchPlan } from './micro-batch';

export { trainingArguments, type TrainingArguments };

export interface TrainInput {
  model: ClassifierModel;
  tokenizer: RobertaTokenizer;
  args: TrainingArguments;
  trainData: LabeledTexts | TextLabelFrame;
  evalData?: LabeledTexts | TextLabelFrame;
  signal?: AbortSignal;
  /** Where per-epoch summary lines go (default console.log). */
  log?: (line: string) => void;
  /** The heap autoFindBatchSize plans for: wasm's 4 GiB unless given (less, to leave room for something else). */
  heapLimitBytes?: number;
}

/** Hugging Face-style numbers (snake_case keys, as HF's train() and evaluate() report them). */
export interface TrainMetrics {
  train_runtime: number;
  train_samples_per_second: number;
  train_steps_per_second: number;
  train_loss: number;
  epoch: number;
  /** Tokenization and batching before training, seconds (not in train_runtime). */
  preprocess_runtime: number;
  eval_loss?: number;
  eval_accuracy?: number;
  eval_f1?: number;
  eval_precision?: number;
  eval_recall?: number;
  /** The saved model folder of the best epoch (or of the last, without evaluation). */
  best_model_dir?: string;
  best_epoch?: number;
}

export interface LogEntry {
  epoch: number;
  loss: number;
  eval_loss?: number;
  eval_accuracy?: number;
  eval_f1?: number;
  eval_precision?: number;
  eval_recall?: number;
  seconds_per_batch: number;
  samples_per_second: number;
}

export interface TrainResult {
  metrics: TrainMetrics;
  /** One entry per epoch. */
  logHistory: LogEntry[];
  /** The trainer's full history (per batch and per epoch), for plots. */
  history: TrainingHistory;
  globalStep: number;
  /** What autoFindBatchSize measured and picked (absent when it is off). */
  microBatchPlan?: MicroBatchPlan;
}

function loaderFor(
  tokenizer: RobertaTokenizer,
  data: LabeledTexts | TextLabelFrame,
  options: { batchSize: number; padding: PaddingMode; maxLength: number; shuffle: boolean; seed: number },
): DataLoader {
  const { texts, labels } = textsAndLabels(data);
  const examples = tokenizedExamples(tokenizer.encodePlain(texts).inputIds, labels);
  return new DataLoader(examples, {
    batchSize: options.batchSize,
    mode: options.padding,
    maxLength: options.maxLength,
    shuffle: options.shuffle,
    seed: options.seed,
    padTokenId: tokenizer.padTokenId,
  });
}

/** Tokenizes, trains with evaluation each epoch, keeps the best model; see the file comment. */
export async function train(input: TrainInput): Promise<TrainResult> {
  const { model, tokenizer } = input;
  const log = input.log ?? console.log;
  let args = input.args;
  let microBatchPlan: MicroBatchPlan | undefined;
  if (args.autoFindBatchSize) {
    microBatchPlan = await planMicroBatches(model, {
      effectiveBatchSize: args.perDeviceTrainBatchSize * args.gradientAccumulationSteps,
      maxLength: args.maxLength,
      gradientCheckpointing: args.gradientCheckpointing,
      heapLimitBytes: input.heapLimitBytes,
    });
    const { perDeviceTrainBatchSize, gradientAccumulationSteps, gradientCheckpointing } = microBatchPlan;
    if (
      perDeviceTrainBatchSize !== args.perDeviceTrainBatchSize ||
      gradientCheckpointing !== args.gradientCheckpointing
    ) {
      args = { ...args, perDeviceTrainBatchSize, gradientAccumulationSteps, gradientCheckpointing };
      log(`autoFindBatchSize: ${describePlan(microBatchPlan)}`);
    }
  }
  const preprocessStart = performance.now();
  const trainLoader = loaderFor(tokenizer, input.trainData, {
    batchSize: args.perDeviceTrainBatchSize,
    padding: args.padding,
    maxLength: args.maxLength,
    shuffle: true,
    seed: args.seed,
  });
  const evaluate = args.evalStrategy === 'epoch' && input.evalData !== undefined;
  // Evaluation order does not matter: group by length so it pads little.
  const validationLoader = evaluate
    ? loaderFor(tokenizer, input.evalData!, {
        batchSize: args.perDeviceEvalBatchSize,
        padding: args.padding === 'static' ? 'static' : 'grouped',
        maxLength: args.maxLength,
        shuffle: false,
        seed: args.seed,
      })
    : undefined;
  const preprocessSeconds = (performance.now() - preprocessStart) / 1000;
  const trainer = new Trainer({
    model,
    args,
    tokenizer,
    trainLoader,
    validationLoader,
    signal: input.signal,
    log: input.log,
  });
  const started = performance.now();
  let history: TrainingHistory;
  try {
    history = await trainer.fit();
  } finally {
    trainer.dispose();
  }
  const runtime = (performance.now() - started) / 1000;
  const reported = args.loadBestModelAtEnd ? bestEpoch(history.epochs, args.metricForBestModel) : history.epochs.at(-1);
  const samples = history.batches.reduce((s, b) => s + b.batchSize, 0);
  const metrics: TrainMetrics = {
    train_runtime: runtime,
    train_samples_per_second: samples / runtime,
    train_steps_per_second: trainer.state.globalStep / runtime,
    train_loss: history.batches.reduce((s, b) => s + b.loss * b.batchSize, 0) / Math.max(1, samples),
    epoch: history.epochs.length,
    preprocess_runtime: preprocessSeconds,
    ...(reported?.evalAccuracy !== undefined
      ? {
          eval_loss: reported.evalLoss,
          eval_accuracy: reported.evalAccuracy,
          eval_f1: reported.evalF1,
          eval_precision: reported.evalPrecision,
          eval_recall: reported.evalRecall,
        }
      : {}),
    ...(reported?.savedModelDir !== undefined
      ? { best_model_dir: reported.savedModelDir, best_epoch: reported.epoch }
      : {}),
  };
  const logHistory: LogEntry[] = history.epochs.map((e) => ({
    epoch: e.epoch,
    loss: e.trainLoss,
    ...(e.evalAccuracy !== undefined
      ? {
          eval_loss: e.evalLoss,
          eval_accuracy: e.evalAccuracy,
          eval_f1: e.evalF1,
          eval_precision: e.evalPrecision,
          eval_recall: e.evalRecall,
        }
      : {}),
    seconds_per_batch: e.secondsPerBatch,
    samples_per_second: e.samplesPerSecond,
  }));
  return { metrics, logHistory, history, globalStep: trainer.state.globalStep, microBatchPlan };
}

// ---------------------------------------------------------------------------------------------
// A whole run from WorkshopParams (what `ft-roberta train` does): tokenizer, model, data, train().

export type SplitName = 'train' | 'validation' | 'test';

/** Reading review files: skip bad rows (counted, reported through `log`) instead of failing on the first. */
export interface ReadOptions {
  skipBadRows?: boolean;
  log?: (line: string) => void;
}

/** `limit` examples (default: all) of one split of the offline corpus or an IMDb source (lib/data/imdb.ts). */
export async function loadSplit(
  source: string,
  split: SplitName,
  options: { limit?: number; seed: number } & ReadOptions,
): Promise<LabeledTexts> {
  const limit = { train: 0, validation: 0, test: 0, [split]: options.limit };
  const splits = await loadImdb(source, { seed: options.seed, limit, skipBadRows: options.skipBadRows });
  for (const line of skippedRowsSummary(splits.skipped, splits.problems)) options.log?.(line);
  return textsAndLabels(splits[split]);
}

/** The training and validation reviews of a run, read once. */
export async function loadTrainingData(
  params: WorkshopParams,
  options: ReadOptions = {},
): Promise<{ trainData: LabeledTexts; evalData: LabeledTexts }> {
  const limit = { train: params.trainSize, validation: params.validationSize, test: 0 };
  const splits = await loadImdb(params.data, { seed: params.seed, limit, skipBadRows: options.skipBadRows });
  for (const line of skippedRowsSummary(splits.skipped, splits.problems)) options.log?.(line);
  return { trainData: textsAndLabels(splits.train), evalData: textsAndLabels(splits.validation) };
}

/** The model a run starts from: the small offline config (fresh) or a checkpoint with a 2-label head. */
export async function loadModelForTraining(
  params: WorkshopParams,
  tokenizer: RobertaTokenizer,
): Promise<RobertaForSequenceClassification> {
  if (params.model === 'offline') {
    const positions = Math.max(
      OFFLINE_MODEL_CONFIG.max_position_embeddings,
      params.maxLength + OFFLINE_MODEL_CONFIG.pad_token_id + 1,
    );
    return RobertaForSequenceClassification.fromConfig(
      offlineModelConfig(tokenizer.vocabSize, { max_position_embeddings: positions }),
      { seed: params.seed },
    );
  }
  return RobertaForSequenceClassification.fromPretrained(params.model, { numLabels: 2, seed: params.seed });
}

export interface DefaultRun {
  result: TrainResult;
  model: RobertaForSequenceClassification;
  tokenizer: RobertaTokenizer;
  /** Validation accuracy of a unigram bag-of-words logistic regression on the same data: the floor to beat. */
  baselineAccuracy: number;
}

export interface DefaultRunOptions extends ReadOptions {
  log?: (line: string) => void;
  progress?: ProgressMode | false;
  signal?: AbortSignal;
  /** Save a resumable checkpoint every epoch and on an interrupt (outputDir/checkpoint). */
  saveCheckpoints?: boolean;
  /** Continue from this checkpoint folder. */
  resumeFromCheckpoint?: string;
}

export async function runDefaultTraining(params: WorkshopParams, options: DefaultRunOptions = {}): Promise<DefaultRun> {
  const tokenizer = await loadTokenizer(params.tokenizer);
  const model = await loadModelForTraining(params, tokenizer);
  const { trainData, evalData } = await loadTrainingData(params, options);
  const args = trainingArguments(
    {
      progress: options.progress,
      saveCheckpoints: options.saveCheckpoints ?? params.saveCheckpoints,
      resumeFromCheckpoint: options.resumeFromCheckpoint ?? params.resumeFromCheckpoint,
    },
    params,
  );
  const result = await train({ model, tokenizer, args, trainData, evalData, signal: options.signal, log: options.log });
  const asReviews = (data: LabeledTexts): Review[] => data.texts.map((text, i) => ({ text, label: data.labels[i] }));
  const baselineAccuracy = baselineModelAccuracy(
    trainBagOfWords(asReviews(trainData), { seed: params.seed }),
    asReviews(evalData),
  );
  return { result, model, tokenizer, baselineAccuracy };
}
