// The workshop's offline defaults: what `ft-roberta train` and trainingArguments() use when nothing
// else is given, and what params.ts (the notebooks' settings file) starts from.
//
// They run offline, with nothing to download: a small RoBERTa-shaped model trained from scratch, a
// tokenizer built from GPT-2's BPE files (RoBERTa's own merges), and a generated IMDb-like corpus.
// For the real workshop on a machine with internet, set
//   model: 'roberta-base', tokenizer: 'roberta-base', data: 'jahjinx/IMDb_movie_reviews',
//   learningRate: 1e-5, and the sizes to 36000 / 4000 / 10000
// (see the README for what that costs in time and memory on each backend).
import * as path from 'path';
import type { BackendChoice } from './backend';
import type { OptimizerName } from './optimizer';
import type { PaddingMode } from './batching';

/** The repository root (this file runs compiled from dist/lib/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The settings of a whole run: model, tokenizer, data and the training hyperparameters. */
export interface TrainingDefaults {
  /** 'offline' (the small config, trained from scratch), a model folder, or a Hub id such as 'roberta-base'. */
  model: string;
  /** 'offline', a folder or a Hub id. */
  tokenizer: string;
  /** 'offline' (the generated corpus) or an IMDb source lib/data understands. */
  data: string;
  trainSize: number;
  validationSize: number;
  testSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  weightDecay: number;
  epochs: number;
  batchSize: number;
  evalBatchSize: number;
  gradientAccumulationSteps: number;
  warmupRatio: number;
  maxGradNorm: number;
  maxLength: number;
  padding: PaddingMode;
  seed: number;
  outputDir: string;
}

export interface WorkshopParams extends TrainingDefaults {
  /** 'auto' picks tfjs-node if it loads, else wasm, else cpu. */
  backend: BackendChoice;
}

export const WORKSHOP_DEFAULTS: WorkshopParams = {
  backend: 'auto',
  /** 'offline' (small config, random start), a model folder, or a Hub id such as 'roberta-base'. */
  model: 'offline',
  /** 'offline', a tokenizer folder, or a Hub id such as 'roberta-base'. */
  tokenizer: 'offline',
  /** 'offline' (generated corpus), a Hub dataset id, an aclImdb/ folder or a CSV file. */
  data: 'offline',
  /** How many reviews of each split the notebooks use (the full splits are 36000 / 4000 / 10000). */
  trainSize: 2500,
  validationSize: 500,
  testSize: 1000,
  /** 1e-3 suits the small model trained from scratch; fine-tuning roberta-base wants about 1e-5. */
  learningRate: 1e-3,
  optimizer: 'adamw',
  weightDecay: 0.01,
  epochs: 2,
  batchSize: 16,
  evalBatchSize: 32,
  /** Raise this to train roberta-base on wasm: its 4 GiB heap only holds small batches. */
  gradientAccumulationSteps: 1,
  warmupRatio: 0,
  maxGradNorm: 1,
  maxLength: 256,
  padding: 'grouped',
  /** Seeds weight initialisation, dropout, shuffling and the offline corpus. */
  seed: 42,
  /** Saved models and checkpoints go below this folder. */
  outputDir: path.join(REPO_ROOT, 'outputs'),
};
