// Chooses where tensors are computed: tfjs-node (native TensorFlow) when it is installed and
// loads, else WebAssembly, else plain JavaScript. Also registers the kernels that training needs
// and the fallback backends lack or run slowly.
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './kernels';
import { installTfjsNodeUtilHelpers } from './node-compat';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

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

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') loadTfjsNode();
    if (name === 'wasm') loadWasm();
    if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) {
      return `${name}: not registered`;
    }
    const ok = await tf.setBackend(name);
    if (!ok) return `${name}: failed to initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `${name}: ${message}`;
  }
}

/**
 * Selects and initialises a backend. `auto` tries tensorflow, wasm, cpu in that order; a named
 * backend is used or an error explains why it could not be.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<PlatformInfo> {
  const envChoice = process.env.FT_ROBERTA_BACKEND as BackendChoice | undefined;
  const wanted = envChoice && envChoice.length > 0 ? envChoice : choice;
  if (wanted !== 'auto' && !BACKEND_ORDER.includes(wanted)) {
    throw new Error(`backend: expected one of auto, ${BACKEND_ORDER.join(', ')}; got '${wanted}'`);
  }
  const candidates = wanted === 'auto' ? BACKEND_ORDER : [wanted];
  const notes: string[] = [];
  for (const name of candidates) {
    if (tf.getBackend() === name) break;
    const failure = await tryBackend(name);
    if (failure === null) break;
    notes.push(failure);
  }
  const active = tf.getBackend() as BackendName;
  if (wanted !== 'auto' && active !== wanted) {
    throw new Error(`backend '${wanted}' could not be used: ${notes.join('; ')}`);
  }
  registerTrainingKernels(active);
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

/** One human sentence about the platform, with a warning on the slow fallbacks. */
export function describePlatform(info: PlatformInfo): string {
  const lines = [
    `backend: ${info.backend} (tfjs ${info.tfjsVersion}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ` +
      `Node ${info.nodeVersion})`,
  ];
  if (info.backend === 'wasm') {
    lines.push(
      'note: running on the WebAssembly fallback (tfjs-node is not installed or did not load). ' +
        'The small offline model trains fine here; roberta-base is slow and needs small batches.',
    );
  } else if (info.backend === 'cpu') {
    lines.push('warning: running on the plain JavaScript backend, which is far too slow for real training.');
  }
  return lines.join('\n');
}
