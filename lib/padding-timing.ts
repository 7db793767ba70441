// What padding costs, the way notebook 03 ends: first the exact count of positions one epoch
// computes for each way of batching (no timing, no noise), then the time those epochs take.
//
// The timing takes whole epochs of batches, several rounds of them, on the current backend. In
// each round the cases take turns batch by batch, in a rotating order, so a machine that gets
// busier slows all of them alike. A case's figure for a round is its epoch's wall-clock seconds
// divided by its batches; over the rounds we keep the median and the range. The range is the
// noise a reader needs to judge a difference: a difference inside it is not a finding.
//
// Wall clock, not CPU time: CPU time counts every thread of the process (the garbage collector,
// and on tfjs-node every core), so it is not "the time a step took". It is kept only as a
// contention check: when the process got much less than one core's worth of CPU time per wall
// second on a one-threaded backend, other programs were running.
import * as tf from '@tensorflow/tfjs';
import { DataLoader, paddingReport, type Batch, type PaddingMode, type TokenizedExample } from './batching';
import { robertaConfig, type RobertaConfig } from './model/config';
import { RobertaForSequenceClassification } from './model/roberta';
import { AdamOptimizer } from './optimizer';
import { comparisonModelConfig, TimedTrainingSteps } from './timed-steps';
import { ProgressBar, type ProgressMode } from './display/progress';

export interface BatchingCase {
  /** Short, for tables and chart axes. */
  name: string;
  mode: PaddingMode;
  maxLength: number;
}

/** The six ways of batching the lesson compares: padding matters at 512, truncation at 256. */
export const BATCHING_CASES: readonly BatchingCase[] = [
  { name: 'static 512', mode: 'static', maxLength: 512 },
  { name: 'dynamic 512 random', mode: 'dynamic', maxLength: 512 },
  { name: 'dynamic 512 grouped', mode: 'grouped', maxLength: 512 },
  { name: 'static 256', mode: 'static', maxLength: 256 },
  { name: 'dynamic 256 random', mode: 'dynamic', maxLength: 256 },
  { name: 'dynamic 256 grouped', mode: 'grouped', maxLength: 256 },
];

export interface BatchingOptions {
  /** Untruncated token ids with labels (tokenizer.encodePlain): the loaders truncate. */
  examples: readonly TokenizedExample[];
  padTokenId: number;
  cases?: readonly BatchingCase[];
  /** Default 16. */
  batchSize?: number;
  /** Seeds the shuffling (and, when timing, the model and dropout). Default 42. */
  seed?: number;
}

/** One epoch of one case, counted from the lengths alone. */
export interface PositionCount {
  name: string;
  mode: PaddingMode;
  maxLength: number;
  batches: number;
  /** Positions holding a token of a review (attention mask 1). */
  realTokens: number;
  /** Positions holding <pad>. */
  padTokens: number;
  /** Every position computed: the sum of batchSize × seqLength. */
  positions: number;
  paddingShare: number;
  meanBatchLength: number;
  /** Batches padded to the full maxLength: they hold a review that reaches it. */
  fullBatches: number;
  /** Reviews longer than maxLength, cut to it. */
  truncatedReviews: number;
}

function loaderFor(options: BatchingOptions, spec: BatchingCase): DataLoader {
  return new DataLoader(options.examples, {
    batchSize: options.batchSize ?? 16,
    mode: spec.mode,
    maxLength: spec.maxLength,
    shuffle: true,
    seed: options.seed ?? 42,
    padTokenId: options.padTokenId,
  });
}

function countLoader(spec: BatchingCase, loader: DataLoader): PositionCount {
  const report = paddingReport(loader, 0);
  const fullBatches = loader.batchOrder(0).filter((indices) => loader.seqLengthOf(indices) === spec.maxLength).length;
  return {
    name: spec.name,
    mode: spec.mode,
    maxLength: spec.maxLength,
    batches: report.batches,
    realTokens: report.realTokens,
    padTokens: report.padTokens,
    positions: report.paddedTokens,
    paddingShare: report.paddingShare,
    meanBatchLength: report.meanBatchLength,
    fullBatches,
    truncatedReviews: report.truncatedExamples,
  };
}

/** The exact positions one epoch (epoch 0) of each case computes, real and padding. */
export function countPositions(options: BatchingOptions): PositionCount[] {
  if (options.examples.length === 0) throw new Error('countPositions: no examples');
  return (options.cases ?? BATCHING_CASES).map((spec) => countLoader(spec, loaderFor(options, spec)));
}

export interface PaddingTimingOptions extends BatchingOptions {
  /** The tokenizer's vocabulary size (the timed model is built for it). */
  vocabSize: number;
  /** Epochs timed per case (default 3). */
  rounds?: number;
  /** Untimed steps per case before the first round, on its first batch (default 1). */
  warmupBatches?: number;
  /** The model to time; default the offline shape with room for 512 tokens. Weights are random. */
  modelConfig?: RobertaConfig;
  progress?: ProgressMode | false;
}

export interface CaseTiming extends PositionCount {
  /** Wall-clock seconds per batch of each round (that round's epoch time / batches). */
  roundSecondsPerBatch: number[];
  medianSecondsPerBatch: number;
  minSecondsPerBatch: number;
  maxSecondsPerBatch: number;
  /** Reviews per wall-clock second at the median. */
  samplesPerSecond: number;
  /** CPU seconds of this process (all threads) over the timed steps: a contention check only. */
  cpuSeconds: number;
  wallSeconds: number;
}

export interface PaddingTiming {
  backend: string;
  batchSize: number;
  /** Reviews in the timed epoch. */
  examples: number;
  parameters: number;
  rounds: number;
  /** Wall-clock seconds of the whole measurement, warm-up included. */
  seconds: number;
  /** CPU seconds per wall-clock second over all timed steps (about 1 for an idle one-threaded backend). */
  cpuPerWallSecond: number;
  cases: CaseTiming[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Lane {
  spec: BatchingCase;
  count: PositionCount;
  batches: Batch[];
  roundSeconds: number[];
  cpuSeconds: number;
  wallSeconds: number;
}

/** Times `rounds` whole epochs of every case; see the file comment. */
export async function timePaddingEpochs(options: PaddingTimingOptions): Promise<PaddingTiming> {
  const cases = options.cases ?? BATCHING_CASES;
  const batchSize = options.batchSize ?? 16;
  const rounds = options.rounds ?? 3;
  const warmup = options.warmupBatches ?? 1;
  const seed = options.seed ?? 42;
  if (options.examples.length === 0) throw new Error('timePaddingEpochs: no examples');
  if (!(Number.isInteger(rounds) && rounds >= 1))
    throw new Error(`timePaddingEpochs: rounds must be an integer >= 1, got ${rounds}`);
  const config = robertaConfig(options.modelConfig ?? comparisonModelConfig(options.vocabSize));
  const positionsNeeded = Math.max(...cases.map((c) => c.maxLength)) + config.pad_token_id + 1;
  if (config.max_position_embeddings < positionsNeeded) {
    throw new Error(
      `timePaddingEpochs: the model has ${config.max_position_embeddings} positions, the longest case needs ` +
        `${positionsNeeded}`,
    );
  }

  const lanes: Lane[] = cases.map((spec) => {
    const loader = loaderFor({ ...options, batchSize, seed }, spec);
    // The same epoch every round: the rounds differ only by the noise of the machine.
    return {
      spec,
      count: countLoader(spec, loader),
      batches: [...loader.batches(0)],
      roundSeconds: [],
      cpuSeconds: 0,
      wallSeconds: 0,
    };
  });

  const started = performance.now();
  const model = RobertaForSequenceClassification.fromConfig(config, { seed });
  const parameters = model.numParameters();
  const optimizer = new AdamOptimizer(model.parameters, { name: 'adamw', learningRate: 1e-4, weightDecay: 0.01 });
  const steps = new TimedTrainingSteps(model, optimizer, seed);
  const longest = Math.max(...lanes.map((lane) => lane.batches.length));
  const totalSteps = lanes.reduce((sum, lane) => sum + warmup + rounds * lane.batches.length, 0);
  const bar = new ProgressBar({
    total: totalSteps,
    description: 'Timing',
    unit: 'step',
    mode: options.progress === false ? 'silent' : options.progress,
  });
  try {
    for (const lane of lanes) {
      for (let i = 0; i < warmup; i++) {
        steps.train(lane.batches[0]);
        await bar.tick(1, { now: `${lane.spec.name} (warm-up)` });
      }
    }
    for (let round = 0; round < rounds; round++) {
      const epochSeconds = lanes.map(() => 0);
      for (let b = 0; b < longest; b++) {
        // Rotate who goes first: a step right after a long one runs slower (caches, freed memory).
        for (let k = 0; k < lanes.length; k++) {
          const index = (k + b + round) % lanes.length;
          const lane = lanes[index];
          if (b >= lane.batches.length) continue;
          const timing = steps.train(lane.batches[b]);
          epochSeconds[index] += timing.total;
          lane.cpuSeconds += timing.cpu;
          await bar.tick(1, { now: lane.spec.name });
        }
      }
      lanes.forEach((lane, i) => {
        lane.roundSeconds.push(epochSeconds[i] / lane.batches.length);
        lane.wallSeconds += epochSeconds[i];
      });
    }
  } finally {
    optimizer.dispose();
    model.dispose();
    bar.values = {};
    await bar.close();
  }

  const results = lanes.map((lane): CaseTiming => {
    const middle = median(lane.roundSeconds);
    return {
      ...lane.count,
      roundSecondsPerBatch: lane.roundSeconds,
      medianSecondsPerBatch: middle,
      minSecondsPerBatch: Math.min(...lane.roundSeconds),
      maxSecondsPerBatch: Math.max(...lane.roundSeconds),
      samplesPerSecond: options.examples.length / (middle * lane.batches.length),
      cpuSeconds: lane.cpuSeconds,
      wallSeconds: lane.wallSeconds,
    };
  });
  const cpu = results.reduce((sum, c) => sum + c.cpuSeconds, 0);
  const wall = results.reduce((sum, c) => sum + c.wallSeconds, 0);
  return {
    backend: tf.getBackend(),
    batchSize,
    examples: options.examples.length,
    parameters,
    rounds,
    seconds: (performance.now() - started) / 1000,
    cpuPerWallSecond: cpu / wall,
    cases: results,
  };
}

export type Comparison = { verdict: 'within noise'; ratio: number } | { verdict: 'faster' | 'slower'; ratio: number };

/**
 * How `a` compares with `b` in time per epoch: 'within noise' when their ranges over the rounds
 * overlap, else which is faster and by how much (ratio ≥ 1, the slower over the faster).
 * Epoch time, not time per batch: cases with other batch counts still compare fairly.
 */
export function compareTimings(a: CaseTiming, b: CaseTiming): Comparison {
  const epoch = (c: CaseTiming, s: number): number => s * c.batches;
  const [aMin, aMax, bMin, bMax] = [
    epoch(a, a.minSecondsPerBatch),
    epoch(a, a.maxSecondsPerBatch),
    epoch(b, b.minSecondsPerBatch),
    epoch(b, b.maxSecondsPerBatch),
  ];
  const aMedian = epoch(a, a.medianSecondsPerBatch);
  const bMedian = epoch(b, b.medianSecondsPerBatch);
  if (aMin <= bMax && bMin <= aMax)
    return { verdict: 'within noise', ratio: Math.max(aMedian, bMedian) / Math.min(aMedian, bMedian) };
  return aMedian < bMedian
    ? { verdict: 'faster', ratio: bMedian / aMedian }
    : { verdict: 'slower', ratio: aMedian / bMedian };
}
