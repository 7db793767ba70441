// Where one training pass of roberta-base's shape spends its time: a per-kernel profile of forward +
// backward (random weights, `rows` reviews of `max-length` tokens), and the matrix products'
// throughput in GFLOP/s, the figure that bounds training speed on a backend.
//   node dist/bench/base-pass-profile.js [--rows 2] [--max-length 256] [--gradient-checkpointing]
//        [--backend wasm] [--wasm-threads N] [--json FILE]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../lib/backend';
import { writeJsonAtomic } from '../lib/fsutil';
import { ROBERTA_BASE_CONFIG } from '../lib/model/config';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { lossAndGradients } from '../lib/trainer';
import { fullLengthBatch } from '../lib/micro-batch';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Multiply-adds × 2 of a (batched) product, from its first input and its output: k = n · |a| / |out|. */
function matMulFlops(inputShape: number[], outputShape: number[]): number {
  const n = outputShape[outputShape.length - 1];
  const k = (n * size(inputShape)) / size(outputShape);
  return 2 * size(outputShape) * k;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '2' },
      'max-length': { type: 'string', default: '256' },
      'gradient-checkpointing': { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      'wasm-threads': { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const maxLength = Number(values['max-length']);
  const gradientCheckpointing = values['gradient-checkpointing'];
  const platform = await initBackend(values.backend as BackendChoice, { wasmThreads: Number(values['wasm-threads']) });
  const model = RobertaForSequenceClassification.fromConfig(ROBERTA_BASE_CONFIG, { seed: 1 });
  const batch = fullLengthBatch(rows, maxLength, ROBERTA_BASE_CONFIG.vocab_size);
  const pass = (): void => {
    const { grads } = lossAndGradients(model, batch, { training: true, dropoutSeed: 0, gradientCheckpointing });
    tf.dispose([...grads.values()]);
  };
  pass(); // warm-up: operator caches, heap growth
  const started = performance.now();
  pass();
  const passSeconds = (performance.now() - started) / 1000;
  const profile = await tf.profile(pass);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let matMulMs = 0;
  let matMulFlopCount = 0;
  let kernelMs = 0;
  for (const k of profile.kernels) {
    const ms = Number(k.kernelTimeMs) || 0;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byKernel.set(k.name, entry);
    kernelMs += ms;
    if (k.name === 'BatchMatMul' && k.inputShapes[0] !== null) {
      matMulMs += ms;
      matMulFlopCount += matMulFlops(k.inputShapes[0], k.outputShapes[0]);
    }
  }
  const kernels = [...byKernel].map(([kernel, e]) => ({ kernel, ...e })).sort((a, b) => b.ms - a.ms);
  const result = {
    backend: platform.backend,
    threads: platform.threads,
    rows,
    max_length: maxLength,
    gradient_checkpointing: gradientCheckpointing,
    pass_seconds: passSeconds,
    kernel_ms: kernelMs,
    matmul_share: matMulMs / kernelMs,
    matmul_gflops_per_s: matMulFlopCount / (matMulMs / 1000) / 1e9,
    kernels: kernels.slice(0, 12),
  };
  console.log(
    `${platform.backend} (${platform.threads} thread${platform.threads === 1 ? '' : 's'}), roberta-base shape, ` +
      `${rows} × ${maxLength}${gradientCheckpointing ? ', gradient checkpointing' : ''}: ` +
      `forward + backward ${passSeconds.toFixed(1)} s`,
  );
  console.log(
    `matrix products: ${(100 * result.matmul_share).toFixed(0)}% of kernel time, ` +
      `${result.matmul_gflops_per_s.toFixed(1)} GFLOP/s`,
  );
  for (const k of result.kernels)
    console.log(`  ${k.ms.toFixed(0).padStart(7)} ms ${String(k.calls).padStart(5)}x  ${k.kernel}`);
  if (values.json !== undefined) writeJsonAtomic(values.json, result);
  model.dispose();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
