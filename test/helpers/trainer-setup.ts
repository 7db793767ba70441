// TrainerOptions for the trainer tests from one flat object of overrides: the fields that are
// training arguments go into `args`, the others (loaders, signal, log, ...) stay on the options.
import type { TrainerOptions } from '../../lib/trainer';
import { isTrainingArgument, trainingArguments } from '../../lib/training-arguments';
import type { TrainingArguments } from '../../lib/training-arguments';

export type TrainerOverrides = Partial<Omit<TrainerOptions, 'args'>> & Partial<TrainingArguments>;

/** A quiet run that saves nothing and evaluates, at a constant rate with no clipping, unless overridden. */
export const QUIET_RUN: Partial<TrainingArguments> = {
  optim: 'adamw',
  lrSchedulerType: 'constant',
  maxGradNorm: 0,
  saveStrategy: 'no',
  saveCheckpoints: false,
  loadBestModelAtEnd: false,
  progress: false,
};

/**
 * `fixed` (model and loaders) with `base` and then `overrides` applied. Arguments are checked only
 * when the Trainer is made, so tests can pass values the Trainer must refuse.
 */
export function trainerOptionsFrom(
  fixed: Omit<TrainerOptions, 'args'>,
  base: Partial<TrainingArguments>,
  overrides: TrainerOverrides,
): TrainerOptions {
  const args: Record<string, unknown> = { ...trainingArguments(QUIET_RUN), ...base };
  const rest: Record<string, unknown> = { log: () => {} };
  for (const [key, value] of Object.entries(overrides)) {
    if (!isTrainingArgument(key)) rest[key] = value;
    else if (value !== undefined) args[key] = value; // undefined: the default
  }
  return { ...fixed, ...rest, args: args as unknown as TrainingArguments };
}
