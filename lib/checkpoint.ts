// Checkpoints: everything needed to continue training exactly where it stopped.
//
//   <dir>/model.safetensors      weights by Hugging Face name (F32)
//   <dir>/config.json            the model's config (so the folder also loads as a model)
//   <dir>/optimizer.safetensors  Adam moments: exp_avg.<name>, exp_avg_sq.<name>
//   <dir>/optimizer.json         optimizer hyper-parameters and per-parameter step counts
//   <dir>/trainer_state.json     epoch, batch index, step counters, seed, history
//
// A folder is replaced as a whole: written under a temporary name, then swapped in with two
// renames, so a crash leaves the previous checkpoint (or, between the renames, its `.old` copy,
// which loadCheckpoint falls back to) and never a mix of two.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ensureDir, readJsonFile, writeJsonAtomic } from './fsutil';
import { SafetensorsFile, writeSafetensors, type NamedFloat32Tensor } from './model/safetensors';
import type { OptimizerState, ResolvedAdamOptions } from './optimizer';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const OPTIMIZER_JSON = 'optimizer.json';
export const TRAINER_STATE_FILE = 'trainer_state.json';
export const CONFIG_FILE = 'config.json';
/** The trainer's checkpoint folder inside its output folder. */
export const CHECKPOINT_DIR_NAME = 'checkpoint';

const OLD_SUFFIX = '.old';

/** `.checkpoint.tmp-<pid>-<ms>`: the pid says whether the save that wrote it may still be running. */
const TEMP_NAME = /^\.(.+)\.tmp-(\d+)-(\d+)$/;
/** The folders the trainer saves (checkpoint, E01, E01_A0.95_F0.95): only their temp copies are ours to remove. */
const SAVED_FOLDER_NAME = /^(checkpoint|E\d+(_A\d+\.\d+_F\d+\.\d+)?)$/;

export function temporaryName(base: string): string {
  return `.${base}.tmp-${process.pid}-${Date.now()}`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary folders that saves into `outputDir` left behind when their process was
 * killed (kill -9, a second Ctrl-C mid-save). Only folders named like ours whose process is gone
 * are removed; returns their paths.
 */
export function removeUnfinishedSaves(outputDir: string): string[] {
  if (!fs.existsSync(outputDir)) return [];
  const removed: string[] = [];
  for (const entry of fs.readdirSync(outputDir, { withFileTypes: true })) {
    const match = TEMP_NAME.exec(entry.name);
    if (!entry.isDirectory() || match === null || !SAVED_FOLDER_NAME.test(match[1])) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(outputDir, entry.name);
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** Creates `outputDir` and proves it writable with a probe file, so a run fails before training, not after. */
export function checkWritableFolder(outputDir: string): void {
  try {
    ensureDir(outputDir);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`output folder ${outputDir}: cannot create it (${reason})`);
  }
  const probe = path.join(outputDir, `.write-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(`output folder ${outputDir}: not writable (${reason})`);
  }
}

/**
 * Replaces the folder `finalDir` with what `write` puts into a fresh temporary folder. If `write`
 * throws, the temporary folder is removed and `finalDir` is untouched.
 */
export async function replaceDirectory(
  finalDir: string,
  write: (tempDir: string) => Promise<void> | void,
): Promise<void> {
  const parent = path.dirname(path.resolve(finalDir));
  ensureDir(parent);
  const base = path.basename(finalDir);
  const temp = path.join(parent, temporaryName(base));
  const old = path.join(parent, base + OLD_SUFFIX);
  fs.rmSync(temp, { recursive: true, force: true });
  ensureDir(temp);
  try {
    await write(temp);
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(finalDir)) fs.renameSync(finalDir, old);
  fs.renameSync(temp, finalDir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** The folder to read: `dir`, or its `.old` copy when a crash came between the two renames. */
export function resolveCheckpointDir(dir: string): string {
  if (fs.existsSync(path.join(dir, TRAINER_STATE_FILE))) return dir;
  const old = path.resolve(dir) + OLD_SUFFIX;
  if (fs.existsSync(path.join(old, TRAINER_STATE_FILE))) return old;
  throw new Error(`checkpoint ${dir}: no ${TRAINER_STATE_FILE} there (nor in ${old}); not a checkpoint folder`);
}

export function parametersToTensors(parameters: Map<string, tf.Variable>): NamedFloat32Tensor[] {
  return [...parameters].map(([name, variable]) => ({
    name,
    shape: [...variable.shape],
    values: variable.dataSync() as Float32Array,
  }));
}

/** Assigns saved weights to the model's variables; every name and shape must match both ways. */
export function restoreParameters(parameters: Map<string, tf.Variable>, file: SafetensorsFile): void {
  const missing = [...parameters.keys()].filter((name) => !file.tensors.has(name));
  const unexpected = file.names.filter((name) => !parameters.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new Error(
      `${file.source}: weights do not match the model` +
        (missing.length
          ? `; missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}`
          : '') +
        (unexpected.length
          ? `; unexpected: ` +
            `${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ` (+${unexpected.length - 5})` : ''}`
          : ''),
    );
  }
  for (const [name, variable] of parameters) {
    const info = file.tensors.get(name)!;
    if (!tf.util.arraysEqual(info.shape, variable.shape)) {
      throw new Error(
        `${file.source}: tensor '${name}' has shape [${info.shape}], the model expects [${variable.shape}]`,
      );
    }
    const values = file.readFloat32(name);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  }
}

function writeOptimizerState(dir: string, state: OptimizerState): void {
  const tensors: NamedFloat32Tensor[] = [];
  for (const [name, m] of state.moments) {
    tensors.push({ name: `exp_avg.${name}`, shape: m.shape, values: m.expAvg });
    tensors.push({ name: `exp_avg_sq.${name}`, shape: m.shape, values: m.expAvgSq });
  }
  writeSafetensors(path.join(dir, OPTIMIZER_FILE), tensors, { format: 'ft-roberta-optimizer' });
  writeJsonAtomic(path.join(dir, OPTIMIZER_JSON), { options: state.options, steps: state.steps });
}

function readOptimizerState(dir: string): OptimizerState {
  const json = readJsonFile(path.join(dir, OPTIMIZER_JSON)) as {
    options?: ResolvedAdamOptions;
    steps?: Record<string, number>;
  };
  if (json.options === undefined || json.steps === undefined) {
    throw new Error(`${path.join(dir, OPTIMIZER_JSON)}: expected fields 'options' and 'steps'`);
  }
  const file = SafetensorsFile.read(path.join(dir, OPTIMIZER_FILE));
  const moments: OptimizerState['moments'] = new Map();
  for (const name of Object.keys(json.steps)) {
    const info = file.tensors.get(`exp_avg.${name}`);
    if (info === undefined || !file.tensors.has(`exp_avg_sq.${name}`)) {
      throw new Error(`${file.source}: no moments for parameter '${name}' listed in ${OPTIMIZER_JSON}`);
    }
    moments.set(name, {
      expAvg: file.readFloat32(`exp_avg.${name}`),
      expAvgSq: file.readFloat32(`exp_avg_sq.${name}`),
      shape: info.shape,
    });
  }
  return { options: json.options, steps: json.steps, moments };
}

export interface CheckpointContents<State> {
  parameters: Map<string, tf.Variable>;
  optimizer: OptimizerState;
  /** The trainer's own state (JSON). */
  state: State;
  /** The model's config.json content. */
  config: Record<string, unknown>;
}

export async function saveCheckpoint<State>(dir: string, contents: CheckpointContents<State>): Promise<void> {
  await replaceDirectory(dir, (temp) => {
    writeSafetensors(path.join(temp, MODEL_FILE), parametersToTensors(contents.parameters), { format: 'pt' });
    writeJsonAtomic(path.join(temp, CONFIG_FILE), contents.config);
    writeOptimizerState(temp, contents.optimizer);
    writeJsonAtomic(path.join(temp, TRAINER_STATE_FILE), contents.state);
  });
}

export interface LoadedCheckpoint {
  dir: string;
  weights: SafetensorsFile;
  optimizer: OptimizerState;
  state: unknown;
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const found = resolveCheckpointDir(dir);
  return {
    dir: found,
    weights: SafetensorsFile.read(path.join(found, MODEL_FILE)),
    optimizer: readOptimizerState(found),
    state: readJsonFile(path.join(found, TRAINER_STATE_FILE)),
  };
}
