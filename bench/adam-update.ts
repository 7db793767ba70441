// Micro-benchmark: one Adam/AdamW update of a word-embedding-sized parameter, as tf ops (what
// lib/optimizer.ts does today) and fused (lib/kernels.ts fusedAdamUpdate): time and peak memory.
//   node dist/bench/adam-update.js [--rows 50261] [--cols 128] [--reps 5] [--backend wasm]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../lib/backend';
import { ADAM_UPDATE_KERNEL, fusedAdamUpdate, registerTrainingKernels, type AdamUpdateConfig } from '../lib/kernels';
import { median } from '../lib/metrics';

async function timedUpdate(inputs: tf.Tensor[], config: AdamUpdateConfig): Promise<{ ms: number; peakMb: number }> {
  const start = tf.memory().numBytes;
  let outputs: tf.Tensor[] = [];
  const cpuStart = process.cpuUsage();
  const info = await tf.profile(() => {
    outputs = fusedAdamUpdate(inputs[0], inputs[1], inputs[2], inputs[3], config);
    return outputs;
  });
  const cpu = process.cpuUsage(cpuStart);
  tf.dispose(outputs);
  return { ms: (cpu.user + cpu.system) / 1000, peakMb: (info.peakBytes - start) / 2 ** 20 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '50261' },
      cols: { type: 'string', default: '128' },
      reps: { type: 'string', default: '5' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const platform = await initBackend(values.backend as BackendChoice);
  const shape = [Number(values.rows), Number(values.cols)];
  const inputs = [0, 1, 2, 3].map((i) => tf.abs(tf.randomNormal(shape, 0, 1, 'float32', i + 1)));
  const config: AdamUpdateConfig = {
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    stepSize: 1e-5,
    biasCorrection2Sqrt: 0.03,
    decayFactor: 1 - 1e-7,
    l2: 0,
  };
  const results: Record<'ops' | 'fused', { ms: number; peakMb: number }[]> = { ops: [], fused: [] };
  for (let rep = 0; rep < Number(values.reps); rep++) {
    results.fused.push(await timedUpdate(inputs, config));
    tf.unregisterKernel(ADAM_UPDATE_KERNEL, platform.backend);
    try {
      results.ops.push(await timedUpdate(inputs, config));
    } finally {
      registerTrainingKernels(platform.backend);
    }
  }
  console.log(
    `${platform.backend}: one AdamW update of a [${shape}] parameter ` +
      `(${((shape[0] * shape[1] * 4) / 2 ** 20).toFixed(1)} MB)`,
  );
  for (const [name, runs] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(6)} CPU ${median(runs.map((r) => r.ms)).toFixed(1)} ms (median of ${runs.length}), peak new ` +
        `memory ${median(runs.map((r) => r.peakMb)).toFixed(0)} MB`,
    );
  }
  tf.dispose(inputs);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exit(1);
  },
);
