// Learning-rate schedules, as functions of the optimizer step about to be taken (0-based).
// `linear` is Hugging Face's get_linear_schedule_with_warmup, the Trainer's default: the rate climbs
// from 0 to its peak over the warm-up steps, then falls linearly to 0 at the last step.

export type ScheduleName = 'linear' | 'constant';

export interface ScheduleOptions {
  name: ScheduleName;
  learningRate: number;
  /** Optimizer steps of the whole run (after gradient accumulation). */
  totalSteps: number;
  /** Warm-up steps; when absent, warmupRatio × totalSteps (rounded up, as HF does). */
  warmupSteps?: number;
  warmupRatio?: number;
}

export type LearningRateSchedule = (step: number) => number;

export function warmupStepCount(options: Pick<ScheduleOptions, 'totalSteps'> & Partial<ScheduleOptions>): number {
  if (options.warmupSteps !== undefined) return options.warmupSteps;
  return Math.ceil((options.warmupRatio ?? 0) * options.totalSteps);
}

export function makeSchedule(options: ScheduleOptions): LearningRateSchedule {
  const { learningRate, totalSteps } = options;
  if (!(learningRate > 0)) throw new Error(`schedule: learningRate must be > 0, got ${learningRate}`);
  if (!(totalSteps >= 1)) throw new Error(`schedule: totalSteps must be >= 1, got ${totalSteps}`);
  const warmup = warmupStepCount(options);
  if (options.name === 'constant') {
    return (step) => (step < warmup ? (learningRate * step) / Math.max(1, warmup) : learningRate);
  }
  return (step) => {
    if (step < warmup) return (learningRate * step) / Math.max(1, warmup);
    return learningRate * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
  };
}
