// The training settings of the custom loop (notebooks 02 and 03), as one object: the notebook
// shows it as a table and spreads the same object into `new Trainer({...})`, so what is on screen
// is what trains. Made from the notebook's settings (params.ts with its overrides).
import type { AdamOptions } from './optimizer';
import type { ScheduleName } from './schedule';
import type { TrainingDefaults } from './train-api';
import { showTable, type Row } from './display/html';

export interface LoopSettings {
  epochs: number;
  optimizer: AdamOptions;
  schedule: ScheduleName;
  warmupSteps: number;
  /** 0: no clipping. */
  maxGradNorm: number;
  gradientAccumulationSteps: number;
  seed: number;
}

type LoopSource = Pick<
  TrainingDefaults,
  | 'epochs'
  | 'optimizer'
  | 'learningRate'
  | 'weightDecay'
  | 'warmupRatio'
  | 'maxGradNorm'
  | 'gradientAccumulationSteps'
  | 'seed'
>;

/**
 * The loop's settings from the notebook's settings. `batchesPerEpoch` (the training loader's)
 * turns warmupRatio into optimizer steps, rounded up as Hugging Face does.
 */
export function loopSettings(
  settings: LoopSource,
  options: { schedule: ScheduleName; batchesPerEpoch: number },
): LoopSettings {
  if (!(Number.isInteger(options.batchesPerEpoch) && options.batchesPerEpoch >= 1)) {
    throw new Error(`loopSettings: batchesPerEpoch should be an integer >= 1, found ${options.batchesPerEpoch}`);
  }
  const steps = Math.ceil(options.batchesPerEpoch / settings.gradientAccumulationSteps) * settings.epochs;
  return {
    epochs: settings.epochs,
    optimizer: { name: settings.optimizer, learningRate: settings.learningRate, weightDecay: settings.weightDecay },
    schedule: options.schedule,
    warmupSteps: Math.ceil(settings.warmupRatio * steps),
    maxGradNorm: settings.maxGradNorm,
    gradientAccumulationSteps: settings.gradientAccumulationSteps,
    seed: settings.seed,
  };
}

const MEANING: Record<string, string> = {
  epochs: 'passes over the training reviews',
  'optimizer.name': 'adam: Adam as in torch.optim; adamw: with decoupled weight decay',
  'optimizer.learningRate': 'peak learning rate',
  'optimizer.weightDecay': 'adam: L2 penalty added to the gradient; adamw: decoupled decay; 0: none',
  schedule: 'constant: the same rate every step; linear: decays to 0 at the last step',
  warmupSteps: 'optimizer steps over which the rate climbs from 0 (0: none)',
  maxGradNorm: 'gradients clipped to this global norm (0: no clipping)',
  gradientAccumulationSteps: 'batches whose gradients are averaged into one optimizer step',
  seed: 'dropout masks',
};

/** Every field of the object, nested ones as `optimizer.name`: generated, so it cannot drift. */
export function loopSettingRows(settings: LoopSettings): Row[] {
  const rows: Row[] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === '' ? key : `${prefix}.${key}`, inner);
      return;
    }
    if (value === undefined) return;
    rows.push({
      setting: prefix,
      value: Array.isArray(value) ? value.join(', ') : String(value),
      meaning: MEANING[prefix] ?? '',
    });
  };
  visit('', settings);
  return rows;
}

export function showLoopSettings(settings: LoopSettings): void {
  showTable(loopSettingRows(settings), {
    caption: 'What the Trainer receives (the same object is passed to it below)',
    maxRows: 50,
  });
}
