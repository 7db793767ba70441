// Micro-benchmark: forward + backward of the raw-op RoBERTa-shaped stack (bench/transformer-ops.ts)
// under each combination of our wasm kernel speed-ups, with a per-kernel profile of where a
// training step's time goes.
//   node dist/bench/kernel-profile.js [--backend wasm] [--batch 16] [--seq 256] [--steps 5]
//        [--variants tfjs,transpose,split,sum,identity,gather] [--attention batched|per-head] [--profile] [--json FILE]
//        [--wasm-threads N]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../lib/backend';
import { setWasmKernelOptions, type WasmKernelOptions } from '../lib/kernels';
import { writeJsonAtomic } from '../lib/fsutil';
import { useThreadedWasm } from '../lib/wasm-threads';
import { median } from '../lib/metrics';
import {
  TINY_STACK,
  createStackParams,
  meanCrossEntropy,
  stackLogits,
  type AttentionStyle,
  type StackParams,
  type StackShape,
} from './transformer-ops';

/** Each variant adds one speed-up to the one before; `tfjs` is the module's own kernels. */
const SPEEDUP_ORDER: Array<keyof WasmKernelOptions> = [
  'transposeFirst',
  'splitBatches',
  'leadingAxesSum',
  'shareIdentity',
  'rowGather',
];
const VARIANT_NAMES = ['tfjs', 'transpose', 'split', 'sum', 'identity', 'gather'];

export const KERNEL_VARIANTS: Record<string, WasmKernelOptions> = Object.fromEntries(
  VARIANT_NAMES.map((name, index) => {
    const options = Object.fromEntries(SPEEDUP_ORDER.map((key, k) => [key, k < index])) as unknown as WasmKernelOptions;
    return [name, options];
  }),
);
KERNEL_VARIANTS.all = KERNEL_VARIANTS.gather;

interface StepInputs {
  inputIds: tf.Tensor2D;
  mask: tf.Tensor2D;
  labels: tf.Tensor1D;
}

function makeInputs(shape: StackShape, batch: number, seq: number, seed: number): StepInputs {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const ids = new Int32Array(batch * seq);
  const mask = new Float32Array(batch * seq);
  for (let row = 0; row < batch; row++) {
    // Lengths like IMDb reviews in RoBERTa tokens (log-normal, median 245), cut at `seq`.
    const gauss = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
    const length = Math.max(8, Math.min(seq, Math.round(245 * Math.exp(0.64 * gauss))));
    for (let col = 0; col < seq; col++) {
      const real = col < length;
      ids[row * seq + col] = real ? 4 + Math.floor(next() * (shape.vocab - 5)) : 1;
      mask[row * seq + col] = real ? 1 : 0;
    }
  }
  const labels = Int32Array.from({ length: batch }, () => (next() < 0.5 ? 0 : 1));
  return {
    inputIds: tf.tensor2d(ids, [batch, seq], 'int32'),
    mask: tf.tensor2d(mask, [batch, seq]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

function trainingStep(params: StackParams, shape: StackShape, inputs: StepInputs, style: AttentionStyle): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => meanCrossEntropy(stackLogits(params, shape, inputs.inputIds, inputs.mask, style), inputs.labels),
      [...params.values()],
    );
    // Reading every gradient makes sure all work is done before the clock stops.
    for (const g of Object.values(grads)) g.dataSync();
    return value.dataSync()[0];
  });
}

export interface KernelTotal {
  kernel: string;
  calls: number;
  ms: number;
}

async function profileStep(run: () => void): Promise<{ byKernel: KernelTotal[]; byShape: KernelTotal[] }> {
  const info = await tf.profile(() => {
    run();
    return [];
  });
  const byKernel = new Map<string, KernelTotal>();
  const byShape = new Map<string, KernelTotal>();
  for (const k of info.kernels) {
    const ms = Number(k.kernelTimeMs);
    const shapeKey = `${k.name} ${k.inputShapes.map((s) => `[${s ?? ''}]`).join(' ')}`;
    for (const [map, key] of [
      [byKernel, k.name],
      [byShape, shapeKey],
    ] as const) {
      const total = map.get(key) ?? { kernel: key, calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += ms;
      map.set(key, total);
    }
  }
  const sorted = (m: Map<string, KernelTotal>): KernelTotal[] => [...m.values()].sort((p, q) => q.ms - p.ms);
  return { byKernel: sorted(byKernel), byShape: sorted(byShape) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      batch: { type: 'string', default: '16' },
      seq: { type: 'string', default: '256' },
      layers: { type: 'string', default: String(TINY_STACK.layers) },
      steps: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      variants: { type: 'string', default: 'tfjs,transpose,split,sum,identity,gather' },
      attention: { type: 'string', default: 'batched' },
      profile: { type: 'boolean', default: false },
      top: { type: 'string', default: '15' },
      json: { type: 'string' },
      'wasm-threads': { type: 'string', default: '0' },
    },
  });
  if (Number(values['wasm-threads']) > 0) await useThreadedWasm(Number(values['wasm-threads']));
  const platform = await initBackend(values.backend as BackendChoice);
  const shape: StackShape = { ...TINY_STACK, layers: Number(values.layers) };
  const batch = Number(values.batch);
  const seq = Number(values.seq);
  const style = values.attention as AttentionStyle;
  if (style !== 'batched' && style !== 'per-head')
    throw new Error(`--attention: expected batched or per-head, got '${style}'`);
  const params = createStackParams(shape);
  const inputs = makeInputs(shape, batch, seq, 7);
  console.log(
    `backend ${platform.backend}, stack ${JSON.stringify(shape)}, batch ${batch} x ${seq}, attention ${style}`,
  );
  const results: Array<{
    variant: string;
    medianSec: number;
    medianCpuSec: number;
    steps: number[];
    loss: number;
    profile?: KernelTotal[];
  }> = [];
  for (const variant of values.variants.split(',')) {
    const options = KERNEL_VARIANTS[variant];
    if (options === undefined)
      throw new Error(`--variants: unknown '${variant}' (known: ${Object.keys(KERNEL_VARIANTS).join(', ')})`);
    const previous = setWasmKernelOptions(options);
    try {
      let loss = 0;
      for (let i = 0; i < Number(values.warmup); i++) loss = trainingStep(params, shape, inputs, style);
      const tensorsBefore = tf.memory().numTensors;
      const times: number[] = [];
      const cpuTimes: number[] = [];
      for (let i = 0; i < Number(values.steps); i++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        loss = trainingStep(params, shape, inputs, style);
        times.push((performance.now() - start) / 1000);
        const cpu = process.cpuUsage(cpuStart);
        cpuTimes.push((cpu.user + cpu.system) / 1e6);
      }
      const leaked = tf.memory().numTensors - tensorsBefore;
      const result: (typeof results)[number] = {
        variant,
        medianSec: median(times),
        medianCpuSec: median(cpuTimes),
        steps: times,
        loss,
      };
      console.log(
        `${variant.padEnd(10)} median ${result.medianSec.toFixed(3)} s/step, process CPU ` +
          `${result.medianCpuSec.toFixed(3)} s  (steps ${times.map((t) => t.toFixed(2)).join(' ')})  loss ` +
          `${loss.toFixed(6)}  tensors +${leaked}`,
      );
      if (values.profile) {
        const { byKernel, byShape } = await profileStep(() => trainingStep(params, shape, inputs, style));
        const total = byKernel.reduce((sum, k) => sum + k.ms, 0);
        console.log(`  profile: ${total.toFixed(0)} ms in kernels`);
        for (const k of byKernel.slice(0, Number(values.top))) {
          console.log(
            `    ${k.kernel.padEnd(22)} ${k.ms.toFixed(1).padStart(8)} ms  ${String(k.calls).padStart(4)} calls`,
          );
        }
        console.log('  by input shapes:');
        for (const k of byShape.slice(0, Number(values.top))) {
          console.log(`    ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(4)}x  ${k.kernel}`);
        }
        result.profile = byKernel;
      }
      results.push(result);
    } finally {
      setWasmKernelOptions(previous);
    }
  }
  if (values.json !== undefined) {
    writeJsonAtomic(values.json, { backend: platform.backend, batch, seq, shape, attention: style, results });
  }
  tf.dispose([inputs.inputIds, inputs.mask, inputs.labels, ...params.values()]);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack : String(err));
      process.exit(1);
    },
  );
}
