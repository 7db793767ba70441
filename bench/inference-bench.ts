// `npm run bench:inference`: inference speed (reviews/s at batch 16 × 256 tokens) of the same
// model on our tfjs backend, on ONNX Runtime fp32 and on ONNX Runtime int8 (the exported folder
// transformers.js loads), for the offline shape and a roberta-base-shaped model with random
// weights (built from its config, no download), next to PyTorch's figures from bench/reference/.
// Prints one JSON object.
//
//   npm run bench:inference -- [--shapes offline,base] [--repeats 3] [--threads N] [--backend auto|wasm|tensorflow]
//        [--wasm-threads N]      (--threads: ONNX Runtime's; --wasm-threads: tfjs's wasm threads, default params.ts's)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice } from '../lib/backend';
import { WORKSHOP_DEFAULTS } from '../lib/defaults';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { OFFLINE_MODEL_CONFIG, ROBERTA_BASE_CONFIG, type RobertaConfig } from '../lib/model/config';
import { exportOnnx } from '../lib/export/onnx';
import { OnnxRuntimeModel } from '../lib/export/ort';

const REFERENCE_FILE = path.resolve(__dirname, '..', '..', 'bench', 'reference', 'pytorch-cpu-2threads.json');
const BATCH_SIZE = 16;
const SEQ_LENGTH = 256;
const SHAPES: Record<string, RobertaConfig> = { offline: OFFLINE_MODEL_CONFIG, base: ROBERTA_BASE_CONFIG };
/**
 * Rows per tfjs forward call: the wasm backend aborts on a whole 16 × 256 batch of the base shape
 * (its heap), so that shape runs the batch in slices; ORT always gets the whole batch.
 */
const TFJS_ROWS: Record<string, number> = { offline: BATCH_SIZE, base: 4 };

interface ReferenceRun {
  mode: string;
  max_length: number;
  batch_size: number;
  samples_per_s: number;
  model: { hidden: number; layers: number };
}

/** PyTorch's eval-mode forward at batch 16 × 256, static padding, for the model of this shape. */
function pytorchReviewsPerSecond(config: RobertaConfig): number | null {
  const runs = (JSON.parse(fs.readFileSync(REFERENCE_FILE, 'utf8')) as { runs: ReferenceRun[] }).runs;
  const run = runs.find(
    (r) =>
      r.mode === 'infer-static' &&
      r.max_length === SEQ_LENGTH &&
      r.batch_size === BATCH_SIZE &&
      r.model.hidden === config.hidden_size &&
      r.model.layers === config.num_hidden_layers,
  );
  return run?.samples_per_s ?? null;
}

/** Seeded token ids (never <pad>) and a full mask: every review reaches the 256-token limit. */
function syntheticBatch(vocabSize: number): { inputIds: Int32Array; attentionMask: Int32Array } {
  const inputIds = new Int32Array(BATCH_SIZE * SEQ_LENGTH);
  let state = 12345;
  for (let i = 0; i < inputIds.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    inputIds[i] = 4 + (state % (vocabSize - 5));
  }
  for (let row = 0; row < BATCH_SIZE; row++) {
    inputIds[row * SEQ_LENGTH] = 0;
    inputIds[row * SEQ_LENGTH + SEQ_LENGTH - 1] = 2;
  }
  return { inputIds, attentionMask: new Int32Array(inputIds.length).fill(1) };
}

/** Reviews per second over `repeats` timed batches after one warm-up batch. */
async function reviewsPerSecond(runBatch: () => Promise<void>, repeats: number): Promise<number> {
  await runBatch();
  const started = performance.now();
  for (let i = 0; i < repeats; i++) await runBatch();
  return (repeats * BATCH_SIZE) / ((performance.now() - started) / 1000);
}

async function benchShape(
  name: string,
  config: RobertaConfig,
  repeats: number,
  threads: number,
  work: string,
): Promise<Record<string, unknown>> {
  const { inputIds, attentionMask } = syntheticBatch(config.vocab_size);
  const shape: [number, number] = [BATCH_SIZE, SEQ_LENGTH];
  const saved = path.join(work, `${name}-saved`);
  const exported = path.join(work, `${name}-onnx`);
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 0 });
  const rows = TFJS_ROWS[name] ?? BATCH_SIZE;
  let tfjs: number | null = null;
  let tfjsError: string | null = null;
  try {
    tfjs = await reviewsPerSecond(async () => {
      for (let start = 0; start < BATCH_SIZE; start += rows) {
        const slice = (values: Int32Array): tf.Tensor2D =>
          tf.tensor2d(values.subarray(start * SEQ_LENGTH, (start + rows) * SEQ_LENGTH), [rows, SEQ_LENGTH], 'int32');
        const logits = tf.tidy(() =>
          model.forward({ inputIds: slice(inputIds), attentionMask: slice(attentionMask) }, { training: false }),
        );
        await logits.data();
        logits.dispose();
      }
    }, repeats);
  } catch (err) {
    tfjsError = err instanceof Error ? err.message : String(err);
  }
  try {
    await model.savePretrained(saved);
  } finally {
    model.dispose();
  }
  const exportStarted = performance.now();
  const result = await exportOnnx({ model: saved, out: exported, quantize: true, force: true });
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  const ort: Record<string, number> = {};
  for (const quantized of [false, true]) {
    const session = await OnnxRuntimeModel.load(exported, { quantized, threads });
    ort[quantized ? 'int8' : 'fp32'] = await reviewsPerSecond(async () => {
      await session.run(inputIds, attentionMask, shape);
    }, repeats);
  }
  const pytorch = pytorchReviewsPerSecond(config);
  const ratio = (value: number | null): number | null => (pytorch === null || value === null ? null : value / pytorch);
  return {
    shape: name,
    parameters: { layers: config.num_hidden_layers, hidden: config.hidden_size, vocab: config.vocab_size },
    tfjs_rows_per_call: rows,
    ...(tfjsError === null ? {} : { tfjs_error: tfjsError }),
    reviews_per_s: { tfjs, ort_fp32: ort.fp32, ort_int8: ort.int8, pytorch },
    versus_pytorch: { tfjs: ratio(tfjs), ort_fp32: ratio(ort.fp32), ort_int8: ratio(ort.int8) },
    onnx_bytes: Object.fromEntries(result.files.map((file) => [file.name, file.bytes])),
    export_seconds: exportSeconds,
  };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      shapes: { type: 'string', default: 'offline,base' },
      repeats: { type: 'string', default: '3' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      backend: { type: 'string', default: 'auto' },
      'wasm-threads': { type: 'string' },
    },
    strict: true,
  });
  const shapes = values.shapes.split(',');
  for (const shape of shapes) {
    if (SHAPES[shape] === undefined) throw new Error(`--shapes: unknown shape '${shape}'`);
  }
  const counts: Array<[string, string | undefined]> = [
    ['--repeats', values.repeats],
    ['--threads', values.threads],
    ['--wasm-threads', values['wasm-threads']],
  ];
  for (const [flag, text] of counts) {
    const value = Number(text);
    if (text !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new Error(`${flag} must be a positive integer, got ${text}`);
    }
  }
  const repeats = Number(values.repeats);
  const threads = Number(values.threads);
  const wasmThreads =
    values['wasm-threads'] === undefined ? WORKSHOP_DEFAULTS.wasmThreads : Number(values['wasm-threads']);
  const platform = await initBackend(values.backend as BackendChoice, { wasmThreads });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'inference-bench-'));
  const results: Record<string, unknown>[] = [];
  try {
    for (const shape of shapes) results.push(await benchShape(shape, SHAPES[shape], repeats, threads, work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const report = {
    batch_size: BATCH_SIZE,
    seq_length: SEQ_LENGTH,
    tfjs_backend: platform.backend,
    tfjs_threads: platform.threads,
    ort_threads: threads,
    cores: os.availableParallelism(),
    load_average: os.loadavg(),
    repeats,
    results,
  };
  console.log(JSON.stringify(report, null, 2));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
