// Runs a few products and a transformer stack's gradients on the multi-threaded wasm build and
// prints them as JSON: test/kernels.test.ts compares them with the cpu backend in its own process
// (the threaded build replaces the 'wasm' backend for the whole process).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { useThreadedWasm } from '../lib/wasm-threads';
import { THREADS_CHECK_STACK, threadsCheckOutputs } from './threads-check-workload';

async function main(): Promise<void> {
  const threads = Number(process.argv[2] ?? '2');
  await useThreadedWasm(threads);
  const platform = await initBackend('wasm');
  const outputs = tf.tidy(() => threadsCheckOutputs().map((t) => Array.from(t.dataSync())));
  const report =
    JSON.stringify({ backend: platform.backend, threads: platform.threads, stack: THREADS_CHECK_STACK, outputs }) +
    '\n';
  // Exit only once the pipe has taken everything (the pool's workers would keep the process alive).
  await new Promise<void>((resolve) => process.stdout.write(report, () => resolve()));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
