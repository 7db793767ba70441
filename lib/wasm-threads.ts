// Experimental: the multi-threaded SIMD build of tfjs-backend-wasm in Node.
//
// The package never loads it in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag answers false there),
// and even when loaded, its C++ side caps the thread pool at emscripten_num_logical_cores() / 2,
// which is 1 on a 2-core machine. Here we build the module ourselves:
// - the pthread worker script and the main script go to a temporary folder (Node workers need
//   files, not the Blob URLs the package makes for browsers);
// - `instantiateWasm` reports the thread count we want as the number of logical cores;
// - the result replaces the factory registered as 'wasm', so every wasm kernel (and ours, from
//   lib/kernels.ts) applies unchanged.
// XNNPACK then runs matrix products on the pool (about 2x faster on 2 cores); element-wise kernels
// stay single-threaded.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';

interface EmscriptenFactoryConfig {
  locateFile(file: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(
    imports: { env: Record<string, unknown> },
    receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): Record<string, never>;
}

interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number>;
}

type ThreadedFactory = ((config: EmscriptenFactoryConfig) => Promise<ThreadedModule>) & { toString(): string };

/** Registers the threaded wasm build as the 'wasm' backend with `threads` XNNPACK threads. */
export async function useThreadedWasm(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`wasm threads: expected a positive integer, got ${threads}`);
  const outDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js')) as ThreadedFactory;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ft-roberta-wasm-'));
  const workerFile = path.join(scratch, 'worker.js');
  const mainFile = path.join(scratch, 'main.js');
  // The worker source is kept in a template string: its "\n" escapes must stay escapes.
  fs.writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
  fs.writeFileSync(mainFile, `var WasmBackendModuleThreadedSimd = ${factory.toString()}\n`);
  const wasmBinary = fs.readFileSync(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.wasm'));

  const module = await factory({
    locateFile: (file) => (file.endsWith('.worker.js') ? workerFile : path.join(outDir, file)),
    mainScriptUrlOrBlob: mainFile,
    instantiateWasm: (imports, receiveInstance) => {
      // The C++ side sizes its pool from min(requested, logical cores / 2).
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      void WebAssembly.instantiate(wasmBinary, imports as WebAssembly.Imports).then((result) =>
        receiveInstance(result.instance, result.module),
      );
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmBackend.setThreadsCount(threads);
  if (tf.getBackend() === 'wasm') throw new Error('wasm threads: choose them before the wasm backend starts');
  tf.removeBackend('wasm');
  const BackendClass = wasmBackend.BackendWasm as unknown as new (wasm: ThreadedModule) => tf.KernelBackend;
  tf.registerBackend('wasm', () => new BackendClass(module), 2);
}
