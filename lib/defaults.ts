// The workshop's offline defaults: what `ft-roberta train` uses when nothing else is given, and what
// params.ts (the notebooks' settings file) starts from. The training fields are the training
// arguments' defaults (lib/training-arguments.ts), with the output folder under the repository.
//
// They run offline, with nothing to download: a small RoBERTa-shaped model trained from scratch, a
// tokenizer built from GPT-2's BPE files (RoBERTa's own merges), and a generated IMDb-like corpus.
// For the real workshop on a machine with internet, set
//   model: 'roberta-base', tokenizer: 'roberta-base', data: 'jahjinx/IMDb_movie_reviews',
//   learningRate: 1e-5, and the sizes to 36000 / 4000 / 10000
// (see the README for what that costs in time and memory on each backend).
import * as path from 'path';
import type { BackendChoice, WasmThreads } from './backend';
import { TRAINING_ARGUMENT_DEFAULTS, type TrainingArguments } from './training-arguments';

/** The repository root (this file runs compiled from dist/lib/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A whole run: the backend, the model, tokenizer and data it uses, and its training arguments. */
export interface WorkshopParams extends TrainingArguments {
  /** 'auto' picks tfjs-node if it loads, else wasm, else cpu. */
  backend: BackendChoice;
  /** WebAssembly threads: 'auto' is cores - 1 (at most 8) from 3 cores up, else 1; FT_ROBERTA_WASM_THREADS wins. */
  wasmThreads: WasmThreads;
  /** 'offline' (the small config, trained from scratch), a model folder, or a Hub id such as 'roberta-base'. */
  model: string;
  /** 'offline', a tokenizer folder, or a Hub id such as 'roberta-base'. */
  tokenizer: string;
  /** 'offline' (the generated corpus), a Hub dataset id, an aclImdb/ folder or a CSV file. */
  data: string;
  /** How many reviews of each split a run uses (the full splits are 36000 / 4000 / 10000). */
  trainSize: number;
  validationSize: number;
  testSize: number;
}

export const WORKSHOP_DEFAULTS: WorkshopParams = {
  backend: 'auto',
  wasmThreads: 'auto',
  model: 'offline',
  tokenizer: 'offline',
  data: 'offline',
  trainSize: 2500,
  validationSize: 500,
  testSize: 1000,
  ...TRAINING_ARGUMENT_DEFAULTS,
  /** Saved models and checkpoints go below this folder. */
  outputDir: path.join(REPO_ROOT, 'outputs'),
};
