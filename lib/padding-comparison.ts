// The padding comparison that ends notebook 03, measured live on the current backend: the same
// reviews batched four ways (static 512, static 256, dynamic 256 in random order, dynamic 256
// grouped by length), a fixed number of real training steps timed for each.
//
// Why not lib/padding-bench.ts's runPaddingBench: it draws a fresh sample of exactly
// steps × batchSize reviews and trains one epoch of it per mode. With the few batches a notebook
// can afford, that sample is too small to group (a mega-batch shrinks to one batch), so grouping
// would show no gain. Here the loaders run over the notebook's whole training set, grouping works
// as it does in training, and only the first `batches` batches of each epoch are timed. The step
// itself is the trainer's (lossAndGradients, then an AdamW step), as in the benchmark.
//
// The cases take turns batch by batch (in a rotating order), so a busy machine slows them all
// alike. Each step is timed twice: wall clock (what you wait) and the CPU time of this process
// (the work done, which other programs on a shared machine inflate far less). Speed-ups compare
// CPU times.
import * as tf from '@tensorflow/tfjs';
import {
  DataLoader,
  paddingReport,
  type Batch,
  type PaddingMode,
  type PaddingReport,
  type TokenizedExample,
} from './batching';
import { offlineModelConfig, robertaConfig, type RobertaConfig } from './model/config';
import { RobertaForSequenceClassification } from './model/roberta';
import { AdamOptimizer } from './optimizer';
import { dropoutSeedFor, lossAndGradients } from './trainer';
import { ProgressBar, type ProgressMode } from './display/progress';

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
  ) {}

  train(batch: Batch): StepTiming {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const { grads } = lossAndGradients(this.model, batch, {
      training: true,
      dropoutSeed: dropoutSeedFor(this.seed, this.stepsTaken++),
    });
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

export interface PaddingCase {
  /** Short, for tables and chart axes. */
  name: string;
  mode: PaddingMode;
  maxLength: number;
}

export const PADDING_CASES: readonly PaddingCase[] = [
  { name: 'static 512', mode: 'static', maxLength: 512 },
  { name: 'static 256', mode: 'static', maxLength: 256 },
  { name: 'dynamic 256 random', mode: 'dynamic', maxLength: 256 },
  { name: 'dynamic 256 grouped', mode: 'grouped', maxLength: 256 },
];

export interface PaddingComparisonOptions {
  /** Untruncated token ids with labels (tokenizer.encodePlain), e.g. the notebook's training set. */
  examples: readonly TokenizedExample[];
  /** The tokenizer's vocabulary size and pad id. */
  vocabSize: number;
  padTokenId: number;
  cases?: readonly PaddingCase[];
  /** Default 16. */
  batchSize?: number;
  /** Timed training steps per case (default 8: a multiple of the four cases evens out the rotation). */
  batches?: number;
  /** Untimed steps per case first, on the case's first batch (default 1). */
  warmupBatches?: number;
  /** Seeds the model, the shuffling and dropout (default 42). */
  seed?: number;
  /** The model to time; default the offline shape with room for 512 tokens. Weights are random. */
  modelConfig?: RobertaConfig;
  progress?: ProgressMode | false;
}

export interface PaddingCaseResult {
  name: string;
  mode: PaddingMode;
  maxLength: number;
  /** Timed batches (the first ones of the epoch). */
  batches: number;
  /** Mean wall-clock seconds of a training step (forward, backward, AdamW). */
  secondsPerBatch: number;
  /** Mean CPU seconds of this process per step (all threads). */
  cpuSecondsPerBatch: number;
  /** Samples per wall-clock second. */
  samplesPerSecond: number;
  /** Tokens carrying text in the timed batches. */
  realTokens: number;
  /** Every position computed in the timed batches: sum of batchSize × seqLength. */
  paddedTokens: number;
  /** (paddedTokens − realTokens) / paddedTokens. */
  paddingShare: number;
  meanBatchLength: number;
  /** seqLength of each timed batch. */
  batchLengths: number[];
  /** Batches of the whole epoch padded to the full maxLength (they hold a review that reaches it). */
  epochFullBatches: number;
  /** static 512's CPU seconds per batch divided by this case's (1 for static 512 itself). */
  speedup: number;
  /** The same padding figures over the loader's whole epoch (no computation, lengths only). */
  epoch: PaddingReport;
}

export interface PaddingComparison {
  backend: string;
  batchSize: number;
  /** Reviews the loaders draw from. */
  examples: number;
  parameters: number;
  /** Wall-clock seconds of the whole measurement, warm-up included. */
  seconds: number;
  cases: PaddingCaseResult[];
}

interface Lane {
  spec: PaddingCase;
  loader: DataLoader;
  batches: Batch[];
  seconds: number[];
  cpuSeconds: number[];
}

/** A fresh offline-shaped model that accepts 512 tokens (514 positions). */
export function comparisonModelConfig(vocabSize: number): RobertaConfig {
  return offlineModelConfig(vocabSize, { max_position_embeddings: 514 });
}

/** Times `batches` training steps of each padding case; see the file comment. */
export async function comparePadding(options: PaddingComparisonOptions): Promise<PaddingComparison> {
  const cases = options.cases ?? PADDING_CASES;
  const batchSize = options.batchSize ?? 16;
  const timed = options.batches ?? 8;
  const warmup = options.warmupBatches ?? 1;
  const seed = options.seed ?? 42;
  if (options.examples.length === 0) throw new Error('comparePadding: no examples');
  if (!(Number.isInteger(timed) && timed >= 1))
    throw new Error(`comparePadding: batches must be an integer >= 1, got ${timed}`);
  const config = robertaConfig(options.modelConfig ?? comparisonModelConfig(options.vocabSize));
  const positionsNeeded = Math.max(...cases.map((c) => c.maxLength)) + config.pad_token_id + 1;
  if (config.max_position_embeddings < positionsNeeded) {
    throw new Error(
      `comparePadding: the model has ${config.max_position_embeddings} positions, the longest case needs ` +
        `${positionsNeeded}`,
    );
  }

  const lanes: Lane[] = cases.map((spec) => {
    const loader = new DataLoader(options.examples, {
      batchSize,
      mode: spec.mode,
      maxLength: spec.maxLength,
      shuffle: true,
      seed,
      padTokenId: options.padTokenId,
    });
    const batches: Batch[] = [];
    for (const batch of loader.batches(0)) {
      if (batches.length === timed) break;
      batches.push(batch);
    }
    return { spec, loader, batches, seconds: [], cpuSeconds: [] };
  });

  const started = performance.now();
  const model = RobertaForSequenceClassification.fromConfig(config, { seed });
  const parameters = model.numParameters();
  const optimizer = new AdamOptimizer(model.parameters, { name: 'adamw', learningRate: 1e-4, weightDecay: 0.01 });
  const steps = new TimedTrainingSteps(model, optimizer, seed);
  const trainStep = (batch: Batch): { wall: number; cpu: number } => {
    const timing = steps.train(batch);
    return { wall: timing.total, cpu: timing.cpu };
  };

  const totalSteps = lanes.reduce((sum, lane) => sum + lane.batches.length + warmup, 0);
  const mode = options.progress === false ? 'silent' : options.progress;
  const bar = new ProgressBar({ total: totalSteps, description: 'Timing', unit: 'step', mode });
  try {
    for (const lane of lanes) {
      for (let i = 0; i < warmup; i++) {
        trainStep(lane.batches[0]);
        await bar.tick(1, { now: `${lane.spec.name} (warm-up)` });
      }
    }
    for (let round = 0; round < timed; round++) {
      // Rotate who goes first: a step right after a static-512 step runs measurably slower (caches,
      // freed memory), and rotation spreads that over all cases instead of always the second one.
      const turn = lanes.map((_, i) => lanes[(i + round) % lanes.length]);
      for (const lane of turn) {
        if (round >= lane.batches.length) continue;
        const time = trainStep(lane.batches[round]);
        lane.seconds.push(time.wall);
        lane.cpuSeconds.push(time.cpu);
        await bar.tick(1, { now: lane.spec.name });
      }
    }
  } finally {
    optimizer.dispose();
    model.dispose();
    bar.values = {};
    await bar.close();
  }

  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const cpuPerBatch = (lane: Lane): number => mean(lane.cpuSeconds);
  const reference = lanes.find((lane) => lane.spec.mode === 'static' && lane.spec.maxLength === 512) ?? lanes[0];
  const results = lanes.map((lane): PaddingCaseResult => {
    const realTokens = lane.batches.reduce((sum, b) => sum + b.realTokens, 0);
    const paddedTokens = lane.batches.reduce((sum, b) => sum + b.batchSize * b.seqLength, 0);
    const samples = lane.batches.reduce((sum, b) => sum + b.batchSize, 0);
    const seconds = lane.seconds.reduce((a, b) => a + b, 0);
    return {
      name: lane.spec.name,
      mode: lane.spec.mode,
      maxLength: lane.spec.maxLength,
      batches: lane.batches.length,
      secondsPerBatch: mean(lane.seconds),
      cpuSecondsPerBatch: cpuPerBatch(lane),
      samplesPerSecond: samples / seconds,
      realTokens,
      paddedTokens,
      paddingShare: 1 - realTokens / paddedTokens,
      meanBatchLength: lane.batches.reduce((sum, b) => sum + b.seqLength, 0) / lane.batches.length,
      batchLengths: lane.batches.map((b) => b.seqLength),
      epochFullBatches: lane.loader
        .batchOrder(0)
        .filter((indices) => lane.loader.seqLengthOf(indices) === lane.spec.maxLength).length,
      speedup: cpuPerBatch(reference) / cpuPerBatch(lane),
      epoch: paddingReport(lane.loader, 0),
    };
  });
  return {
    backend: tf.getBackend(),
    batchSize,
    examples: options.examples.length,
    parameters,
    seconds: (performance.now() - started) / 1000,
    cases: results,
  };
}
