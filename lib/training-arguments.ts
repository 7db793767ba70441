// The one settings object of a training run, named as Hugging Face's TrainingArguments (in
// camelCase: per_device_train_batch_size is perDeviceTrainBatchSize). The high-level train(), the
// custom-loop Trainer of notebooks 02 and 03, `ft-roberta train` and params.ts all read it; the
// notebooks show it as a table, so the settings on screen are the settings that train.
//
//   const args = trainingArguments({ outputDir: 'outputs/02', lrSchedulerType: 'constant' }, params);
import type { OptimizerName } from './optimizer';
import { warmupStepCount, type ScheduleName } from './schedule';
import type { PaddingMode } from './batching';
import type { ProgressMode } from './display/progress';

export type MetricName = 'accuracy' | 'f1' | 'loss';
export type IntervalStrategy = 'epoch' | 'no';

export interface TrainingArguments {
  /** Saved models (E01_A0.95_F0.95/) and the checkpoint folder go here. */
  outputDir: string;
  numTrainEpochs: number;
  perDeviceTrainBatchSize: number;
  perDeviceEvalBatchSize: number;
  /** Batches whose gradients are averaged into one optimizer step. */
  gradientAccumulationSteps: number;
  /**
   * On wasm, train() measures what a step takes and splits the perDeviceTrainBatchSize ×
   * gradientAccumulationSteps reviews of an optimizer step into micro-batches that fit the 4 GiB heap
   * (lib/micro-batch.ts). false keeps the two settings as given.
   */
  autoFindBatchSize: boolean;
  /**
   * Keep only each layer's input for the backward pass and recompute the layer there: one more
   * forward pass of work for a fraction of the activation memory. autoFindBatchSize turns it on
   * when not even one review per pass fits otherwise.
   */
  gradientCheckpointing: boolean;
  /** The peak learning rate (after warm-up). */
  learningRate: number;
  /** 'adamw' (decoupled weight decay, Hugging Face's default) or 'adam' (torch.optim.Adam). */
  optim: OptimizerName;
  weightDecay: number;
  /** 'linear' decays to 0 at the last step (Hugging Face's default); 'constant' keeps the rate. */
  lrSchedulerType: ScheduleName;
  /** Share of the optimizer steps spent warming up from 0; warmupSteps, when above 0, wins. */
  warmupRatio: number;
  warmupSteps: number;
  /** Clip the gradients' global norm to this; 0: no clipping. */
  maxGradNorm: number;
  /** 'epoch': evaluate on the validation set after every epoch. */
  evalStrategy: IntervalStrategy;
  /** 'epoch': save the model (Hugging Face layout + tokenizer) after every epoch. */
  saveStrategy: IntervalStrategy;
  /** 'epoch': print a summary line after every epoch. */
  loggingStrategy: IntervalStrategy;
  /** Put the weights of the best epoch (by metricForBestModel) back in the model when training ends. */
  loadBestModelAtEnd: boolean;
  metricForBestModel: MetricName;
  /** Seeds weight initialisation, dropout, shuffling and the offline corpus. */
  seed: number;
  /** Continue from a checkpoint folder written with saveCheckpoints or checkpointSteps. */
  resumeFromCheckpoint?: string;

  // Not in Hugging Face's TrainingArguments (its tokenizer and data collator hold these).
  /** Reviews longer than this many tokens are truncated. */
  maxLength: number;
  /** 'static' pads every batch to maxLength, 'dynamic' to its longest review, 'grouped' also sorts by length. */
  padding: PaddingMode;
  /** Save a resumable checkpoint (weights, optimizer moments, counters) after every epoch. */
  saveCheckpoints: boolean;
  /** Also save one every this many optimizer steps (long epochs); 0: never. */
  checkpointSteps: number;
  /** Progress bars: detected (notebook, terminal or log) when absent; false for none. */
  progress?: ProgressMode | false;
}

/** The workshop's training settings for the offline default; params.ts starts from these. */
export const TRAINING_ARGUMENT_DEFAULTS: TrainingArguments = {
  outputDir: 'outputs',
  numTrainEpochs: 2,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 32,
  /** On wasm, autoFindBatchSize raises this (and lowers the batch) when a batch does not fit the heap. */
  gradientAccumulationSteps: 1,
  /** Hugging Face's default is false (and it halves after an out-of-memory error); here it plans ahead. */
  autoFindBatchSize: true,
  gradientCheckpointing: false,
  /** 1e-3 suits the small model trained from scratch; fine-tuning roberta-base wants about 1e-5. */
  learningRate: 1e-3,
  optim: 'adamw',
  weightDecay: 0.01,
  lrSchedulerType: 'linear',
  warmupRatio: 0,
  warmupSteps: 0,
  maxGradNorm: 1,
  evalStrategy: 'epoch',
  saveStrategy: 'epoch',
  loggingStrategy: 'epoch',
  /** Hugging Face's default is false; the workshop keeps the best epoch unless a notebook says otherwise. */
  loadBestModelAtEnd: true,
  metricForBestModel: 'accuracy',
  seed: 42,
  maxLength: 256,
  padding: 'grouped',
  saveCheckpoints: false,
  checkpointSteps: 0,
};

const OPTIONAL_KEYS = ['resumeFromCheckpoint', 'progress'] as const;
const KEYS = new Set<string>([...Object.keys(TRAINING_ARGUMENT_DEFAULTS), ...OPTIONAL_KEYS]);

/** Whether `key` names a training argument (params.ts holds these and the run's model, data and sizes). */
export function isTrainingArgument(key: string): key is keyof TrainingArguments {
  return KEYS.has(key);
}

/**
 * The training arguments of `base` (params.ts, or any object holding them) with `overrides` on top;
 * other fields of `base` (model, data, sizes) are left out. Inconsistent values are errors naming them.
 */
export function trainingArguments(
  overrides: Partial<TrainingArguments> = {},
  base: Partial<TrainingArguments> = TRAINING_ARGUMENT_DEFAULTS,
): TrainingArguments {
  const args: Record<string, unknown> = {};
  for (const source of [TRAINING_ARGUMENT_DEFAULTS, base, overrides]) {
    for (const [key, value] of Object.entries(source)) {
      if (isTrainingArgument(key) && value !== undefined) args[key] = value;
    }
  }
  for (const key of Object.keys(overrides)) {
    if (!isTrainingArgument(key)) throw new Error(`trainingArguments: '${key}' is not a training argument`);
  }
  return checkTrainingArguments(args as unknown as TrainingArguments);
}

/** The same checks for arguments made by hand (an object literal) as for trainingArguments(). */
export function checkTrainingArguments(args: TrainingArguments, where = 'trainingArguments'): TrainingArguments {
  const problems: string[] = [];
  const integerAtLeast = (key: keyof TrainingArguments, least: number): void => {
    const value = args[key];
    if (!(Number.isInteger(value) && (value as number) >= least)) {
      const found = typeof value === 'string' ? JSON.stringify(value) : String(value);
      problems.push(`${key} should be an integer >= ${least}, found ${found}`);
    }
  };
  integerAtLeast('numTrainEpochs', 1);
  integerAtLeast('perDeviceTrainBatchSize', 1);
  integerAtLeast('perDeviceEvalBatchSize', 1);
  integerAtLeast('gradientAccumulationSteps', 1);
  integerAtLeast('warmupSteps', 0);
  integerAtLeast('checkpointSteps', 0);
  if (!(args.learningRate > 0)) problems.push(`learningRate should be above 0, found ${args.learningRate}`);
  if (!(args.warmupRatio >= 0 && args.warmupRatio <= 1)) {
    problems.push(`warmupRatio should be between 0 and 1, found ${args.warmupRatio}`);
  }
  if (!(args.maxGradNorm >= 0)) problems.push(`maxGradNorm should be >= 0 (0: no clipping), found ${args.maxGradNorm}`);
  if (args.loadBestModelAtEnd && (args.evalStrategy !== 'epoch' || args.saveStrategy !== 'epoch')) {
    problems.push("loadBestModelAtEnd needs evalStrategy and saveStrategy 'epoch'");
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return args;
}

/** Warm-up in optimizer steps: warmupSteps when above 0 (Hugging Face's rule), else the schedule's ratio rule. */
export function warmupStepsOf(
  args: Pick<TrainingArguments, 'warmupSteps' | 'warmupRatio'>,
  totalSteps: number,
): number {
  const warmupSteps = args.warmupSteps > 0 ? args.warmupSteps : undefined;
  return warmupStepCount({ warmupSteps, warmupRatio: args.warmupRatio, totalSteps });
}
