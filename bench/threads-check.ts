// Runs a few products and a transformer stack's gradients on the wasm backend with the threads
// asked for (an argument, else FT_ROBERTA_WASM_THREADS or the default) and prints them as JSON:
// the tests compare them with the cpu backend and with one thread, each run in its own process
// (the threaded build replaces the 'wasm' backend for the whole process).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { THREADS_CHECK_STACK, threadsCheckOutputs } from './threads-check-workload';

async function main(): Promise<void> {
  const threads = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const platform = await initBackend('wasm', { wasmThreads: threads });
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
