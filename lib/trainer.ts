// The custom training loop of notebooks 02 and 03: the original workshop's trainer.py, with
// metrics over the whole validation set, exact resume, atomic saves and a clean stop.
//
//   const args = trainingArguments({ outputDir: 'outputs/02', optim: 'adam', learningRate: 1e-5 }, params);
//   const trainer = new Trainer({ model, args, tokenizer, trainLoader, validationLoader });
//   const history = await trainer.fit();
//
// As in Hugging Face's Trainer, `args` (lib/training-arguments.ts) says how to train; the loaders
// (made with args.perDeviceTrainBatchSize, args.maxLength, args.padding) say on what.
//
// Exact resume rests on three facts: the loaders' batch order depends only on (seed, epoch), the
// dropout masks only on the seed and the batch counter, and the checkpoint holds the weights and
// the optimizer moments bit for bit.
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { AdamOptimizer, GradientAccumulator, clipByGlobalNorm } from './optimizer';
import { makeSchedule, type LearningRateSchedule } from './schedule';
import { checkTrainingArguments, warmupStepsOf, type MetricName, type TrainingArguments } from './training-arguments';
import {
  CHECKPOINT_DIR_NAME,
  MODEL_FILE,
  loadCheckpoint as readCheckpoint,
  replaceDirectory,
  restoreParameters,
  saveCheckpoint as writeCheckpoint,
} from './checkpoint';
import { progressBar, type ProgressBar } from './display/progress';
import { inNotebook, yieldToEventLoop } from './display/output';
import { configToJson } from './model/config';
import { SafetensorsFile } from './model/safetensors';
import { toTensors, type Batch } from './batching';
import { batchSeed } from './random';
import { evaluateBatches, type BatchLoader, type ClassifierModel, type EvalResult } from './evaluation';
import type { ConfusionMatrix } from './metrics';

export { evaluateBatches, type BatchLoader, type ClassifierModel, type EvalResult };

/** Writes tokenizer files next to a saved model (RobertaTokenizer has it). */
export interface TokenizerSaver {
  saveTo(dir: string): void | Promise<void>;
}

export interface TrainerOptions {
  model: ClassifierModel;
  /** How to train: epochs, optimizer, schedule, clipping, accumulation, evaluation, saving. */
  args: TrainingArguments;
  tokenizer?: TokenizerSaver;
  trainLoader: BatchLoader;
  /** Evaluated after every epoch when args.evalStrategy is 'epoch'. */
  validationLoader?: BatchLoader;
  /** An optimizer over model.parameters; by default one made from args.optim, learningRate and weightDecay. */
  optimizer?: AdamOptimizer;
  signal?: AbortSignal;
  /** Where the per-epoch summary lines go. Default console.log. */
  log?: (line: string) => void;
}

export interface BatchRecord {
  epoch: number; // 1-based
  batch: number; // 0-based within the epoch
  step: number; // optimizer steps completed after this batch
  loss: number;
  seconds: number; // forward + backward (+ optimizer step when one ran)
  batchSize: number;
  seqLength: number;
  realTokens: number;
  paddedTokens: number; // batchSize × seqLength
  learningRate: number;
  gradNorm?: number; // before clipping, when clipping is on
}

export interface EpochRecord {
  epoch: number; // 1-based
  trainLoss: number; // mean over the epoch's examples
  trainSeconds: number;
  batches: number;
  samples: number;
  secondsPerBatch: number;
  samplesPerSecond: number;
  realTokensPerSecond: number;
  paddedTokensPerSecond: number;
  paddingShare: number; // padded positions / all positions
  evalLoss?: number;
  evalAccuracy?: number;
  evalPrecision?: number;
  evalRecall?: number;
  evalF1?: number;
  evalConfusionMatrix?: ConfusionMatrix;
  evalSeconds?: number;
  savedModelDir?: string;
}

export interface TrainingHistory {
  epochs: EpochRecord[];
  batches: BatchRecord[];
  /** Why fit() returned: all epochs done, or stopped by an interrupt / abort signal. */
  stopped: 'completed' | 'interrupted';
}

/** The JSON part of a checkpoint. */
export interface TrainerState {
  version: 1;
  /** The epoch in progress (0-based); equals `epochs` when training is finished. */
  epoch: number;
  /** Batches of that epoch already trained on. */
  batchIndex: number;
  /** Optimizer steps taken. */
  globalStep: number;
  /** Batches trained on overall: the dropout seed counter. */
  batchesSeen: number;
  seed: number;
  epochs: number;
  batchesPerEpoch: number;
  /** The training loader's shuffle seed (null when it has none): with the epoch it fixes the batch order. */
  loaderSeed: number | null;
  gradientAccumulationSteps: number;
  history: TrainingHistory;
}

/** A dropout seed per batch: different for every batch, the same on a resumed run. */
export const dropoutSeedFor = batchSeed;

/** One batch's loss and gradients (by Hugging Face name): batch to tensors, forward, loss, backward. */
export function lossAndGradients(
  model: ClassifierModel,
  batch: Batch,
  options: { training: boolean; dropoutSeed?: number; gradientCheckpointing?: boolean },
): { loss: number; grads: Map<string, tf.Tensor> } {
  if (options.gradientCheckpointing) {
    if (model.lossAndGradientsByLayer === undefined) {
      throw new Error('gradientCheckpointing: this model has no lossAndGradientsByLayer');
    }
    const { inputIds, attentionMask, labels } = toTensors(batch);
    try {
      const { loss, grads } = model.lossAndGradientsByLayer({ inputIds, attentionMask }, labels, options);
      const value = loss.dataSync()[0];
      loss.dispose();
      return { loss: value, grads };
    } finally {
      tf.dispose([inputIds, attentionMask, labels]);
    }
  }
  const variables = [...model.parameters.values()];
  const { value, grads } = tf.tidy(() =>
    tf.variableGrads(() => {
      const { inputIds, attentionMask, labels } = toTensors(batch);
      const logits = model.forward({ inputIds, attentionMask }, options);
      return model.loss(logits, labels);
    }, variables),
  );
  const loss = value.dataSync()[0];
  value.dispose();
  const byName = new Map<string, tf.Tensor>();
  for (const [name, variable] of model.parameters) {
    const grad = grads[variable.name];
    if (grad !== undefined) byName.set(name, grad);
  }
  return { loss, grads: byName };
}

function disposeAll(tensors: Map<string, tf.Tensor>): void {
  for (const t of tensors.values()) t.dispose();
}

const round2 = (value: number): string => value.toFixed(2);

/** The original workshop's folder name for a saved model: E01_A0.95_F0.95. */
export function modelDirName(epoch: number, accuracy: number, f1: number): string {
  return `E${String(epoch).padStart(2, '0')}_A${round2(accuracy)}_F${round2(f1)}`;
}

export class Trainer {
  readonly model: ClassifierModel;
  readonly optimizer: AdamOptimizer;
  readonly outputDir: string;
  state: TrainerState;
  private readonly options: TrainerOptions;
  private readonly args: TrainingArguments;
  private readonly schedule: LearningRateSchedule;
  private readonly accumulation: number;
  private readonly accumulator = new GradientAccumulator();
  private stopRequested = false;
  private resumed = false;
  private epochLoss = { sum: 0, count: 0 };

  constructor(options: TrainerOptions) {
    this.options = options;
    this.args = checkTrainingArguments(options.args, 'Trainer: args');
    this.model = options.model;
    this.outputDir = this.args.outputDir;
    if (options.trainLoader.numBatches < 1) throw new Error('Trainer: the training loader has no batches');
    this.optimizer =
      options.optimizer ??
      new AdamOptimizer(this.model.parameters, {
        name: this.args.optim,
        learningRate: this.args.learningRate,
        weightDecay: this.args.weightDecay,
      });
    this.accumulation = this.args.gradientAccumulationSteps;
    const totalSteps = Math.ceil(options.trainLoader.numBatches / this.accumulation) * this.args.numTrainEpochs;
    this.schedule = makeSchedule({
      name: this.args.lrSchedulerType,
      learningRate: this.optimizer.options.learningRate,
      totalSteps,
      warmupSteps: warmupStepsOf(this.args, totalSteps),
    });
    this.state = {
      version: 1,
      epoch: 0,
      batchIndex: 0,
      globalStep: 0,
      batchesSeen: 0,
      seed: this.args.seed,
      epochs: this.args.numTrainEpochs,
      batchesPerEpoch: options.trainLoader.numBatches,
      loaderSeed: options.trainLoader.seed ?? null,
      gradientAccumulationSteps: this.accumulation,
      history: { epochs: [], batches: [], stopped: 'completed' },
    };
  }

  get history(): TrainingHistory {
    return this.state.history;
  }

  get checkpointDir(): string {
    return path.join(this.outputDir, CHECKPOINT_DIR_NAME);
  }

  /** Asks the loop to stop after the current optimizer step (what SIGINT and the abort signal do). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs the remaining epochs: train, validate, log, save; at the end, with loadBestModelAtEnd, the
   * best epoch's weights go back into the model. Returns the history (also when stopped).
   */
  async fit(): Promise<TrainingHistory> {
    const resumeFrom = this.args.resumeFromCheckpoint;
    if (resumeFrom !== undefined && !this.resumed) await this.loadCheckpoint(resumeFrom);
    this.stopRequested = false;
    this.history.stopped = 'completed';
    await this.whileHandlingInterrupts(async () => {
      while (this.state.epoch < this.args.numTrainEpochs) {
        if (!(await this.trainEpoch())) return this.stopEarly();
        const record = this.epochSummary(this.state.epoch + 1);
        if (this.evaluating) addEvaluation(record, await this.validate());
        this.endEpoch(record);
        if (this.args.saveStrategy === 'epoch') record.savedModelDir = await this.saveModel(record);
        if (this.args.saveCheckpoints) await this.saveCheckpoint();
      }
      if (this.args.loadBestModelAtEnd) this.loadBestModel();
    });
    return this.history;
  }

  /**
   * Trains on the rest of the current epoch (from state.batchIndex). Returns false when it stopped
   * early on request; the state then points at the first batch not yet trained on.
   */
  async trainEpoch(): Promise<boolean> {
    const epoch = this.state.epoch + 1;
    const bar = this.startEpoch(epoch);
    if (bar === null) return false;
    try {
      for (const batch of this.options.trainLoader.batches(this.state.epoch, { startBatch: this.state.batchIndex })) {
        const started = performance.now();
        const learningRate = this.schedule(this.state.globalStep);
        const dropoutSeed = batchSeed(this.state.seed, this.state.batchesSeen);
        // Batch to tensors, forward, loss, backward: the loss and one gradient per parameter.
        const { loss, grads } = lossAndGradients(this.model, batch, {
          training: true,
          dropoutSeed,
          gradientCheckpointing: this.args.gradientCheckpointing,
        });
        // With gradient accumulation, null until enough batches have been summed.
        const stepGrads = this.accumulate(grads);
        let gradNorm: number | undefined;
        if (stepGrads !== null) {
          const maxNorm = this.args.maxGradNorm;
          const clipped = maxNorm > 0 ? clipByGlobalNorm(stepGrads, maxNorm) : undefined;
          gradNorm = clipped?.norm;
          this.optimizer.learningRate = learningRate;
          this.optimizer.step(clipped?.grads ?? stepGrads);
          this.state.globalStep += 1;
          disposeAll(stepGrads);
          if (clipped !== undefined) disposeAll(clipped.grads);
        }
        this.recordBatch(batch, { epoch, loss, learningRate, gradNorm, seconds: (performance.now() - started) / 1000 });
        if (!(await this.afterBatch(bar, stepGrads !== null))) return false;
      }
    } finally {
      await bar.close();
    }
    return this.checkEpochEnded(epoch);
  }

  /** Loss and metrics over the whole validation set (eval mode: no dropout). */
  async validate(loader: BatchLoader | undefined = this.options.validationLoader): Promise<EvalResult> {
    if (loader === undefined) throw new Error('Trainer.validate: no validation loader');
    return evaluateBatches(
      this.model,
      loader,
      this.model.config.num_labels,
      progressBar(loader.numBatches, 'Validation', 'batch', this.args.progress),
    );
  }

  /** The best evaluated epoch's saved weights back in the model (nothing to do when it is the last). */
  loadBestModel(): EpochRecord | undefined {
    const best = bestEpoch(this.history.epochs, this.args.metricForBestModel);
    if (best?.savedModelDir !== undefined && best !== this.history.epochs.at(-1)) {
      restoreParameters(this.model.parameters, SafetensorsFile.read(path.join(best.savedModelDir, MODEL_FILE)));
      this.log(`best model (epoch ${best.epoch} by ${this.args.metricForBestModel}) loaded from ${best.savedModelDir}`);
    }
    return best;
  }

  /** Saves the model (HF format) and tokenizer into outputDir/E01_A0.95_F0.95/; returns the folder. */
  async saveModel(record: EpochRecord | undefined = this.history.epochs.at(-1)): Promise<string> {
    const name =
      record?.evalAccuracy !== undefined
        ? modelDirName(record.epoch, record.evalAccuracy, record.evalF1 ?? 0)
        : `E${String(record?.epoch ?? 0).padStart(2, '0')}`;
    const dir = path.join(this.outputDir, name);
    await replaceDirectory(dir, async (temp) => {
      await this.model.savePretrained(temp);
      await this.options.tokenizer?.saveTo(temp);
    });
    return dir;
  }

  async saveCheckpoint(dir: string = this.checkpointDir): Promise<string> {
    if (this.accumulator.count > 0) {
      throw new Error(
        'Trainer.saveCheckpoint: gradients of a partial accumulation would be lost; save after an optimizer step',
      );
    }
    await writeCheckpoint(dir, {
      parameters: this.model.parameters,
      optimizer: this.optimizer.getState(),
      state: this.state,
      config: configToJson(this.model.config),
    });
    return dir;
  }

  /** Restores weights, optimizer state, counters and history from a checkpoint folder. */
  async loadCheckpoint(dir: string): Promise<void> {
    const loaded = readCheckpoint(dir);
    const state = loaded.state as TrainerState;
    if (state.version !== 1 || typeof state.epoch !== 'number' || state.history === undefined) {
      throw new Error(`${loaded.dir}: trainer_state.json is not a version-1 trainer state`);
    }
    const checks: [string, number | null, number | null][] = [
      ['batches per epoch', state.batchesPerEpoch, this.options.trainLoader.numBatches],
      ['gradientAccumulationSteps', state.gradientAccumulationSteps, this.accumulation],
      ['training loader seed', state.loaderSeed, this.options.trainLoader.seed ?? null],
    ];
    for (const [what, saved, now] of checks) {
      if (saved !== now) throw new Error(`${loaded.dir}: checkpoint has ${what} ${saved}, this trainer has ${now}`);
    }
    if (state.epoch > this.args.numTrainEpochs) {
      throw new Error(
        `${loaded.dir}: checkpoint is at epoch ${state.epoch}, beyond this run's ${this.args.numTrainEpochs} epochs`,
      );
    }
    restoreParameters(this.model.parameters, loaded.weights);
    this.optimizer.setState(loaded.optimizer);
    this.state = { ...state, epochs: this.args.numTrainEpochs };
    this.resumed = true;
  }

  dispose(): void {
    this.accumulator.reset();
    this.optimizer.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // The edges of the loop: interrupts, progress, accumulation, bookkeeping, mid-epoch checkpoints.

  private get evaluating(): boolean {
    return this.args.evalStrategy === 'epoch' && this.options.validationLoader !== undefined;
  }

  private get shouldStop(): boolean {
    return this.stopRequested || this.options.signal?.aborted === true;
  }

  private log(line: string): void {
    (this.options.log ?? console.log)(line);
  }

  /** Runs `body` with Ctrl-C turned into requestStop() (a second one quits, outside a notebook). */
  private async whileHandlingInterrupts(body: () => Promise<void>): Promise<void> {
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts += 1;
      if (interrupts > 1 && !inNotebook()) process.exit(130);
      this.log(
        'interrupt received: stopping after the current step' +
          (inNotebook() ? '' : ' (press Ctrl-C again to quit at once)'),
      );
      this.requestStop();
    };
    // Register only after the first await: tslab runs a cell's synchronous part in a vm script with
    // breakOnSigint, and a SIGINT listener added inside it is lost when Node restores the signal
    // disposition afterwards; the next interrupt would then kill the kernel.
    await yieldToEventLoop();
    process.on('SIGINT', onSigint);
    try {
      await body();
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  }

  /** After a stop request: a checkpoint (when the run saves any) and a line saying where it stopped. */
  private async stopEarly(): Promise<void> {
    this.history.stopped = 'interrupted';
    const saving = this.args.saveCheckpoints || this.args.checkpointSteps > 0;
    if (saving) await this.saveCheckpoint();
    const where =
      `stopped in epoch ${this.state.epoch + 1} after batch ${this.state.batchIndex} (step ` +
      `${this.state.globalStep})`;
    this.log(where + (saving ? `; checkpoint in ${this.checkpointDir}` : ''));
  }

  /** Checks the loader against the run; the epoch's progress bar, or null when a stop was requested. */
  private startEpoch(epoch: number): ProgressBar | null {
    const loader = this.options.trainLoader;
    if (loader.numBatches !== this.state.batchesPerEpoch) {
      const setUp = `the run was set up with ${this.state.batchesPerEpoch}`;
      throw new Error(`Trainer: the training loader has ${loader.numBatches} batches per epoch, ${setUp}`);
    }
    if (this.shouldStop) return null;
    this.epochLoss = { sum: 0, count: 0 };
    const description = `Epoch ${epoch}/${this.args.numTrainEpochs}`;
    return progressBar(loader.numBatches, description, 'batch', this.args.progress, this.state.batchIndex);
  }

  /** The gradients to step with: these, or with accumulation the mean once enough batches (or the epoch's last) are ' +
    'in. */
  private accumulate(grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> | null {
    if (this.accumulation === 1) return grads;
    this.accumulator.add(grads);
    disposeAll(grads);
    const lastOfEpoch = this.state.batchIndex + 1 === this.options.trainLoader.numBatches;
    return lastOfEpoch || this.accumulator.count >= this.accumulation ? this.accumulator.mean() : null;
  }

  private recordBatch(
    batch: Batch,
    step: { epoch: number; loss: number; learningRate: number; gradNorm?: number; seconds: number },
  ): void {
    this.history.batches.push({
      epoch: step.epoch,
      batch: this.state.batchIndex,
      step: this.state.globalStep,
      loss: step.loss,
      seconds: step.seconds,
      batchSize: batch.batchSize,
      seqLength: batch.seqLength,
      realTokens: batch.realTokens,
      paddedTokens: batch.batchSize * batch.seqLength,
      learningRate: step.learningRate,
      ...(step.gradNorm !== undefined ? { gradNorm: step.gradNorm } : {}),
    });
    this.epochLoss.sum += step.loss;
    this.epochLoss.count += 1;
    this.state.batchesSeen += 1;
    this.state.batchIndex += 1;
  }

  /** Progress, a yield to the event loop, a checkpoint every checkpointSteps; false to stop here. */
  private async afterBatch(bar: ProgressBar, stepped: boolean): Promise<boolean> {
    await bar.tick(1, { loss: this.epochLoss.sum / this.epochLoss.count });
    await yieldToEventLoop();
    const moreToCome = this.state.batchIndex < this.options.trainLoader.numBatches;
    const checkpointSteps = this.args.checkpointSteps;
    if (stepped && checkpointSteps > 0 && this.state.globalStep % checkpointSteps === 0 && moreToCome) {
      await this.saveCheckpoint();
    }
    return !(this.shouldStop && this.accumulator.count === 0 && moreToCome);
  }

  private checkEpochEnded(epoch: number): boolean {
    const announced = this.options.trainLoader.numBatches;
    if (this.state.batchIndex !== announced) {
      const found = `the training loader yielded ${this.state.batchIndex} batches in epoch ${epoch}`;
      throw new Error(`Trainer: ${found}, it announced ${announced}`);
    }
    return true;
  }

  private epochSummary(epoch: number): EpochRecord {
    const batches = this.history.batches.filter((b) => b.epoch === epoch);
    const sum = (pick: (b: BatchRecord) => number): number => batches.reduce((s, b) => s + pick(b), 0);
    const seconds = sum((b) => b.seconds);
    const samples = sum((b) => b.batchSize);
    const padded = sum((b) => b.paddedTokens);
    return {
      epoch,
      trainLoss: sum((b) => b.loss * b.batchSize) / Math.max(1, samples),
      trainSeconds: seconds,
      batches: batches.length,
      samples,
      secondsPerBatch: seconds / Math.max(1, batches.length),
      samplesPerSecond: samples / seconds,
      realTokensPerSecond: sum((b) => b.realTokens) / seconds,
      paddedTokensPerSecond: padded / seconds,
      paddingShare: 1 - sum((b) => b.realTokens) / Math.max(1, padded),
    };
  }

  /** The epoch's record joins the history; the state moves on to the next epoch. */
  private endEpoch(record: EpochRecord): void {
    this.history.epochs.push(record);
    this.state.epoch = record.epoch;
    this.state.batchIndex = 0;
    if (this.args.loggingStrategy === 'epoch') this.log(formatEpochLine(record, this.args.numTrainEpochs));
  }
}

function metricValue(record: EpochRecord, metric: MetricName): number | undefined {
  if (metric === 'loss') return record.evalLoss === undefined ? undefined : -record.evalLoss;
  return metric === 'accuracy' ? record.evalAccuracy : record.evalF1;
}

/** The best evaluated epoch by `metric` (the earliest among equals), or the last epoch. */
export function bestEpoch(epochs: EpochRecord[], metric: MetricName): EpochRecord | undefined {
  let best: EpochRecord | undefined;
  for (const record of epochs) {
    const value = metricValue(record, metric);
    if (value === undefined) continue;
    if (best === undefined || value > metricValue(best, metric)!) best = record;
  }
  return best ?? epochs.at(-1);
}

function addEvaluation(record: EpochRecord, result: EvalResult): void {
  Object.assign(record, {
    evalLoss: result.loss,
    evalAccuracy: result.accuracy,
    evalPrecision: result.precision,
    evalRecall: result.recall,
    evalF1: result.f1,
    evalConfusionMatrix: result.confusionMatrix,
    evalSeconds: result.seconds,
  });
}

export function formatEpochLine(record: EpochRecord, epochs: number): string {
  const parts = [
    `epoch ${record.epoch}/${epochs}`,
    `train loss ${record.trainLoss.toFixed(4)}`,
    ...(record.evalLoss !== undefined
      ? [
          `val loss ${record.evalLoss.toFixed(4)}`,
          `accuracy ${record.evalAccuracy!.toFixed(4)}`,
          `F1 ${record.evalF1!.toFixed(4)}`,
          `precision ${record.evalPrecision!.toFixed(4)}`,
          `recall ${record.evalRecall!.toFixed(4)}`,
        ]
      : []),
    `${record.secondsPerBatch.toFixed(3)} s/batch`,
    `${record.samplesPerSecond.toFixed(1)} samples/s`,
  ];
  return parts.join(' | ');
}
