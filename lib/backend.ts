// Chooses where tensors are computed: tfjs-node (native TensorFlow) when it is installed and
// loads, else WebAssembly, else plain JavaScript. Also registers the kernels that training needs
// and the fallback backends lack or run slowly.
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './kernels';
import { installTfjsNodeUtilHelpers } from './node-compat';
import { guardWasmAllocations } from './wasm-memory';
import { useThreadedWasm } from './wasm-threads';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
/** Threads of the WebAssembly backend: a count, or 'auto' (see defaultWasmThreads). */
export type WasmThreads = number | 'auto';

export interface BackendOptions {
  /** Default 'auto'; the environment variable FT_ROBERTA_WASM_THREADS overrides it. */
  wasmThreads?: WasmThreads;
}

export const WASM_THREADS_ENV = 'FT_ROBERTA_WASM_THREADS';

export interface PlatformInfo {
  backend: BackendName;
  tfjsVersion: string;
  threads: number;
  nodeVersion: string;
  /** True when training runs on a fallback much slower than the native backend. */
  slowFallback: boolean;
  /** Why the preferred backends were not used, one line each. */
  notes: string[];
}

const BACKEND_ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
/** What a `backend` setting may say: 'auto' or one backend. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_ORDER];
let lastNotes: string[] = [];

function loadTfjsNode(): void {
  // tfjs-node 4.22 calls util helpers that Node 23 removed; put them back before it loads.
  installTfjsNodeUtilHelpers();
  // A plain require: the package is optional and may be absent or fail to load its binary.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-node');
}

function loadWasm(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
}

/**
 * Threads for the WebAssembly backend on a machine with `cores` logical cores: one core stays free
 * for the rest of the machine (the kernel, Jupyter, the browser), at most 8. On two cores the
 * threaded build gains little once the second core is shared, so one thread unless asked.
 */
export function defaultWasmThreads(cores: number): number {
  return cores >= 3 ? Math.min(8, cores - 1) : 1;
}

/** The thread count asked for: the environment variable, else the option, 'auto' resolved. */
export function resolveWasmThreads(option: WasmThreads = 'auto', cores = os.availableParallelism()): number {
  const fromEnv = process.env[WASM_THREADS_ENV] || undefined; // empty: not set
  const asked: WasmThreads = fromEnv === undefined ? option : fromEnv === 'auto' ? 'auto' : Number(fromEnv);
  if (asked === 'auto') return defaultWasmThreads(cores);
  if (!(Number.isInteger(asked) && asked >= 1)) {
    const where = fromEnv === undefined ? 'wasmThreads' : WASM_THREADS_ENV;
    throw new Error(`${where}: expected 'auto' or a whole number of threads >= 1, got '${fromEnv ?? option}'`);
  }
  return asked;
}

async function tryBackend(name: BackendName, wasmThreads: number): Promise<string | null> {
  try {
    if (name === 'tensorflow') loadTfjsNode();
    if (name === 'wasm') {
      loadWasm();
      if (wasmThreads > 1) await useThreadedWasm(wasmThreads);
    }
    if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) {
      return `${name}: not registered`;
    }
    const ok = await tf.setBackend(name);
    if (!ok) return `${name}: failed to initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    // An optional package that is absent is not an error worth a stack trace: say so plainly.
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND')
      return `${name}: not installed`;
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `${name}: ${message}`;
  }
}

/**
 * Selects and initialises a backend. `auto` tries tensorflow, wasm, cpu in that order; a named
 * backend is used or an error explains why it could not be.
 */
export async function initBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<PlatformInfo> {
  const envChoice = process.env.FT_ROBERTA_BACKEND as BackendChoice | undefined;
  const wanted = envChoice && envChoice.length > 0 ? envChoice : choice;
  if (wanted !== 'auto' && !BACKEND_ORDER.includes(wanted)) {
    throw new Error(`backend: expected one of auto, ${BACKEND_ORDER.join(', ')}; got '${wanted}'`);
  }
  const candidates = wanted === 'auto' ? BACKEND_ORDER : [wanted];
  const wasmThreads = resolveWasmThreads(options.wasmThreads);
  const notes: string[] = [];
  for (const name of candidates) {
    if (tf.getBackend() === name) break;
    const failure = await tryBackend(name, wasmThreads);
    if (failure === null) break;
    notes.push(failure);
  }
  const active = tf.getBackend() as BackendName;
  if (wanted !== 'auto' && active !== wanted) {
    throw new Error(`backend '${wanted}' could not be used: ${notes.join('; ')}`);
  }
  registerTrainingKernels(active);
  guardWasmAllocations();
  lastNotes = notes;
  return platformInfo();
}

function threadCount(backend: BackendName): number {
  if (backend === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number };
    return wasm.getThreadsCount();
  }
  if (backend === 'tensorflow') return os.cpus().length;
  return 1;
}

/** The active backend, its tfjs version and thread count: the notebooks' platform check. */
export function platformInfo(): PlatformInfo {
  const backend = tf.getBackend() as BackendName;
  return {
    backend,
    tfjsVersion: tf.version.tfjs,
    threads: threadCount(backend),
    nodeVersion: process.version,
    slowFallback: backend !== 'tensorflow',
    notes: [...lastNotes],
  };
}

/** Why native TensorFlow was not used, in words ('' when it was, or was not tried). */
function whyNotNative(info: PlatformInfo): string {
  const note = info.notes.find((n) => n.startsWith('tensorflow: '));
  if (note === undefined) return '';
  const reason = note.slice('tensorflow: '.length);
  return reason === 'not installed'
    ? ', because native TensorFlow (tfjs-node) is not installed'
    : `, because native TensorFlow (tfjs-node) did not load (${reason})`;
}

/** One plain sentence: where tensors run, and what that means for training. */
export function platformSentence(info: PlatformInfo): string {
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  if (info.backend === 'tensorflow')
    return `Tensors run on native TensorFlow (tfjs-node, ${threads}), the fastest backend.`;
  if (info.backend === 'wasm') {
    return (
      `Tensors run on WebAssembly (${threads})${whyNotNative(info)}: the small offline model trains in minutes, ` +
      'while roberta-base takes minutes per batch of 16, in micro-batches that fit the 4 GiB heap.'
    );
  }
  return (
    `Tensors run on plain JavaScript (${threads})${whyNotNative(info)}: far too slow for training; install ` +
    `tfjs-node or use wasm.`
  );
}

/** The backend, versions and threads on one line, then the plain sentence. */
export function describePlatform(info: PlatformInfo): string {
  const head =
    `backend: ${info.backend} (tfjs ${info.tfjsVersion}, ${info.threads} ` +
    `thread${info.threads === 1 ? '' : 's'}, Node ${info.nodeVersion})`;
  return `${head}\n${platformSentence(info)}`;
}
