// The padding benchmark of notebook 03's lesson, on the real model, loader, trainer step and
// optimizer: static 512, static 256, dynamic 256 in random order, dynamic 256 grouped by length,
// static and dynamic 128. Every mode trains one epoch over the same sample of reviews, so time
// per batch compares directly; modes take turns batch by batch, so a busy machine slows them all
// alike instead of whichever ran while it was busy.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice, type PlatformInfo } from './backend';
import {
  DataLoader,
  paddingReport,
  splitBatch,
  tokenizedExamples,
  type Batch,
  type PaddingMode,
  type TokenizedExample,
} from './batching';
import { generateCorpus } from './data/corpus';
import { offlineModelConfig, robertaConfig, ROBERTA_BASE_CONFIG, type RobertaConfig } from './model/config';
import { RobertaForSequenceClassification } from './model/roberta';
import { AdamOptimizer } from './optimizer';
import { TimedTrainingSteps, type StepTiming } from './timed-steps';
import { describePlan, planMicroBatches } from './micro-batch';
import { loadTokenizer, type RobertaTokenizer } from './tokenizer';
import { predictProbabilities } from './pipeline';
import { writeFileAtomic, writeJsonAtomic } from './fsutil';
import { barChart, toPlotlyFigure } from './display/plots';
import { renderSvg } from './display/svg';
import { median } from './metrics';
import { mulberry32, normal } from './random';

export interface ModeSpec {
  /** e.g. 'static-512', 'grouped-256'. */
  name: string;
  mode: PaddingMode;
  maxLength: number;
}

export const DEFAULT_MODES = ['static-512', 'static-256', 'dynamic-256', 'grouped-256', 'static-128', 'dynamic-128'];

export interface BenchOptions {
  model: 'tiny' | 'base';
  batchSize: number;
  /** Batches per mode: the sample is steps × batchSize reviews, one epoch of it per mode. */
  steps: number;
  warmup: number;
  backend: BackendChoice;
  /** Threads of the experimental multi-threaded wasm build; 0 uses the package's own (one thread). */
  wasmThreads: number;
  modes: ModeSpec[];
  data: 'corpus' | 'lognormal';
  seed: number;
  inference: boolean;
  /** Extra training steps on dynamic-256 batches watching the tensor count; 0 skips. */
  leakSteps: number;
  profile: boolean;
  /** Rows per forward/backward pass, gradients accumulated; 'auto' plans for the heap; null: whole batches. */
  microBatch: number | 'auto' | null;
  gradientCheckpointing: boolean;
  json?: string;
  html?: string;
  /** Progress and table lines. */
  log: (line: string) => void;
}

export interface ModeResult {
  mode: string;
  padding: PaddingMode;
  max_length: number;
  batches: number;
  /** Median over the measured batches (forward + backward + optimizer). */
  sec_per_batch: number;
  mean_sec_per_batch: number;
  forward_backward_sec_per_batch: number;
  optimizer_sec_per_batch: number;
  /** CPU seconds of the whole process per batch (all threads): less sensitive to a busy machine. */
  cpu_sec_per_batch: number;
  samples_per_s: number;
  real_tokens_per_s: number;
  padded_tokens_per_s: number;
  real_tokens: number;
  padded_tokens: number;
  padding_share: number;
  mean_batch_length: number;
  speedup_vs_static512: number | null;
  padded_token_ratio_vs_static512: number | null;
  /** Process peak RSS after this mode's warm-up (modes warm up from the cheapest). */
  peak_rss_mb: number;
  tensors_before: number;
  tensors_after: number;
}

export interface InferenceResult {
  mode: string;
  sec_per_batch: number;
  samples_per_s: number;
  padded_tokens_per_s: number;
}

/** The text-classification pipeline end to end: tokenize, batch by length, eval forward, softmax. */
export interface PipelineResult {
  max_length: number;
  texts: number;
  seconds: number;
  samples_per_s: number;
}

export interface BenchResult {
  backend: string;
  threads: number;
  machine: string;
  /** 1-minute load average at the start and the end: other work on the machine slows every figure. */
  load_average: [number, number];
  model: string;
  parameters: number;
  batch_size: number;
  examples: number;
  data: string;
  modes: ModeResult[];
  inference: { modes: InferenceResult[]; pipeline: PipelineResult[] } | null;
  leak_check: { steps: number; tensors: number[]; bytes: number[]; flat: boolean } | null;
  /** How each batch went through the model: passes of `rows` reviews, accumulated; null: whole batches. */
  micro_batch: { rows: number; accumulation: number; gradient_checkpointing: boolean; plan: string | null } | null;
  targets: TargetCheck[];
  profile: { kernel: string; ms: number; calls: number }[] | null;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

export function parseModes(list: string): ModeSpec[] {
  return list.split(',').map((name) => {
    const match = /^(static|dynamic|grouped)-(\d+)$/.exec(name.trim());
    if (match === null)
      throw new Error(`--modes: expected names like static-512, dynamic-256, grouped-256; got '${name}'`);
    return { name: name.trim(), mode: match[1] as PaddingMode, maxLength: Number(match[2]) };
  });
}

function positiveInteger(value: string | undefined, flag: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  return n;
}

export const BENCH_USAGE = [
  'options:',
  '  --model tiny|base        model shape, random weights (default tiny: 2 layers, hidden 128, 514 positions)',
  '  --batch-size N           (default 16)',
  '  --steps N                measured batches per mode; the sample is N x batch-size reviews (default 25)',
  '  --warmup N               unmeasured batches per mode first (default 2)',
  '  --backend NAME           auto|tensorflow|wasm|cpu (default auto)',
  '  --wasm-threads N         experimental multi-threaded wasm build with N threads',
  `  --modes LIST             default ${DEFAULT_MODES.join(',')}`,
  '  --data corpus|lognormal  offline IMDb-like corpus (default) or random ids with log-normal lengths',
  '  --seed N                 data and shuffling seed (default 42)',
  '  --skip-inference         no eval-mode inference timing',
  '  --leak-steps N           then N more training steps watching the tensor count (e.g. 1000)',
  '  --profile                per-kernel profile of one dynamic-256 training step',
  '  --micro-batch N|auto     each batch in passes of N reviews, gradients accumulated (auto: what fits the heap)',
  '  --gradient-checkpointing recompute each layer in the backward pass (auto turns it on when needed)',
  '  --json FILE  --html FILE results as JSON and as a page with a plotly chart',
].join('\n');

export function parseBenchArgs(argv: string[], log: (line: string) => void): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'tiny' },
      'batch-size': { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      'wasm-threads': { type: 'string' },
      modes: { type: 'string', default: DEFAULT_MODES.join(',') },
      data: { type: 'string', default: 'corpus' },
      seed: { type: 'string' },
      'skip-inference': { type: 'boolean', default: false },
      'leak-steps': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'micro-batch': { type: 'string' },
      'gradient-checkpointing': { type: 'boolean', default: false },
      json: { type: 'string' },
      html: { type: 'string' },
    },
    strict: true,
  });
  if (values.model !== 'tiny' && values.model !== 'base')
    throw new Error(`--model: expected tiny or base, got '${values.model}'`);
  if (values.data !== 'corpus' && values.data !== 'lognormal')
    throw new Error(`--data: expected corpus or lognormal, got '${values.data}'`);
  return {
    model: values.model,
    batchSize: positiveInteger(values['batch-size'], '--batch-size', 16),
    steps: positiveInteger(values.steps, '--steps', 25),
    warmup: positiveInteger(values.warmup, '--warmup', 2, true),
    backend: values.backend as BackendChoice,
    wasmThreads: positiveInteger(values['wasm-threads'], '--wasm-threads', 0, true),
    modes: parseModes(values.modes),
    data: values.data,
    seed: positiveInteger(values.seed, '--seed', 42, true),
    inference: !values['skip-inference'],
    leakSteps: positiveInteger(values['leak-steps'], '--leak-steps', 0, true),
    profile: values.profile,
    microBatch:
      values['micro-batch'] === undefined
        ? null
        : values['micro-batch'] === 'auto'
          ? 'auto'
          : positiveInteger(values['micro-batch'], '--micro-batch', 1),
    gradientCheckpointing: values['gradient-checkpointing'],
    json: values.json,
    html: values.html,
    log,
  };
}

// ---------------------------------------------------------------------------------------------
// Data and model

/** Review lengths like IMDb's in RoBERTa tokens: log-normal, median 245, sigma 0.64. */
function lognormalExamples(count: number, seed: number, vocabSize: number): TokenizedExample[] {
  const uniform = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const gauss = normal(uniform);
    const length = Math.max(8, Math.round(245 * Math.exp(0.64 * gauss)));
    const ids = Array.from({ length }, (_, k) =>
      k === 0 ? 0 : k === length - 1 ? 2 : 4 + Math.floor(uniform() * (vocabSize - 5)),
    );
    return { inputIds: ids, label: i % 2 };
  });
}

interface BenchData {
  examples: TokenizedExample[];
  vocabSize: number;
  padTokenId: number;
  /** The review texts and their tokenizer, for timing the pipeline (corpus data only). */
  texts: { texts: string[]; tokenizer: RobertaTokenizer } | null;
}

async function benchExamples(options: BenchOptions, count: number): Promise<BenchData> {
  if (options.data === 'lognormal')
    return { examples: lognormalExamples(count, options.seed, 50265), vocabSize: 50265, padTokenId: 1, texts: null };
  const corpus = generateCorpus({ seed: options.seed, sizes: { train: count, validation: 0, test: 0 } });
  const tokenizer = await loadTokenizer('offline');
  const encoded = tokenizer.encodePlain(corpus.train.map((review) => review.text));
  return {
    examples: tokenizedExamples(
      encoded.inputIds,
      corpus.train.map((review) => review.label),
    ),
    vocabSize: tokenizer.vocabSize,
    padTokenId: tokenizer.padTokenId,
    texts: { texts: corpus.train.map((review) => review.text), tokenizer },
  };
}

function benchConfig(size: 'tiny' | 'base', vocabSize: number): RobertaConfig {
  // 514 positions: static 512 needs 512 + padding_idx + 1.
  if (size === 'tiny') return offlineModelConfig(vocabSize, { max_position_embeddings: 514 });
  return robertaConfig({
    ...ROBERTA_BASE_CONFIG,
    vocab_size: vocabSize,
    id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
    label2id: { NEGATIVE: 0, POSITIVE: 1 },
  });
}

// ---------------------------------------------------------------------------------------------
// Timing

/** Wall-clock seconds of one training step and its parts, and the CPU seconds the process used. */
type StepTime = StepTiming;

interface Lane {
  spec: ModeSpec;
  batches: Batch[];
  /** Each batch as the micro-batches one optimizer step passes through the model (one part: whole). */
  steps: Batch[][];
  warmupSteps: Batch[][];
  times: StepTime[];
  tensorsBefore: number;
  tensorsAfter: number;
  peakRssMb: number;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

class StepRunner {
  private readonly steps: TimedTrainingSteps;
  constructor(
    private readonly model: RobertaForSequenceClassification,
    optimizer: AdamOptimizer,
    seed: number,
    gradientCheckpointing: boolean,
  ) {
    this.steps = new TimedTrainingSteps(model, optimizer, seed, { gradientCheckpointing });
  }

  /** One training step as the trainer takes it: loss and gradients (over micro-batches), then AdamW. */
  train(step: readonly Batch[]): StepTime {
    return this.steps.train(step);
  }

  /** Eval-mode logits of one batch, as the pipeline computes them. */
  infer(batch: Batch): number {
    const start = performance.now();
    tf.tidy(() => {
      const shape: [number, number] = [batch.batchSize, batch.seqLength];
      const logits = this.model.forward(
        {
          inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
          attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
        },
        { training: false },
      );
      logits.dataSync();
    });
    return (performance.now() - start) / 1000;
  }
}

function makeLane(
  spec: ModeSpec,
  examples: TokenizedExample[],
  options: BenchOptions,
  padTokenId: number,
  microBatchRows: number,
): Lane {
  const loader = new DataLoader(examples, {
    batchSize: options.batchSize,
    mode: spec.mode,
    maxLength: spec.maxLength,
    seed: options.seed,
    padTokenId,
  });
  const batches = [...loader.batches(0)];
  // Split before timing: the measured step is the model's work, not the re-collation.
  const steps = batches.map((batch) =>
    splitBatch(batch, microBatchRows, examples, {
      maxLength: spec.maxLength,
      padTokenId,
      keepLength: spec.mode === 'static',
    }),
  );
  // Warm-up reuses the epoch's first batches: same shapes as measured ones, nothing new to learn.
  const warmupSteps = Array.from({ length: options.warmup }, (_, i) => steps[i % steps.length]);
  return { spec, batches, steps, warmupSteps, times: [], tensorsBefore: 0, tensorsAfter: 0, peakRssMb: 0 };
}

function paddedTokensOf(batches: Batch[]): number {
  return batches.reduce((sum, b) => sum + b.batchSize * b.seqLength, 0);
}

function laneResult(lane: Lane, reference: Lane | undefined): ModeResult {
  const totals = lane.times.map((t) => t.total);
  const seconds = totals.reduce((a, b) => a + b, 0);
  const realTokens = lane.batches.reduce((sum, b) => sum + b.realTokens, 0);
  const paddedTokens = paddedTokensOf(lane.batches);
  const samples = lane.batches.reduce((sum, b) => sum + b.batchSize, 0);
  const referenceSeconds = reference === undefined ? null : mean(reference.times.map((t) => t.total));
  return {
    mode: lane.spec.name,
    padding: lane.spec.mode,
    max_length: lane.spec.maxLength,
    batches: lane.batches.length,
    sec_per_batch: median(totals),
    mean_sec_per_batch: mean(totals),
    forward_backward_sec_per_batch: median(lane.times.map((t) => t.forwardBackward)),
    optimizer_sec_per_batch: median(lane.times.map((t) => t.optimizer)),
    cpu_sec_per_batch: median(lane.times.map((t) => t.cpu)),
    samples_per_s: samples / seconds,
    real_tokens_per_s: realTokens / seconds,
    padded_tokens_per_s: paddedTokens / seconds,
    real_tokens: realTokens,
    padded_tokens: paddedTokens,
    padding_share: 1 - realTokens / paddedTokens,
    mean_batch_length: mean(lane.batches.map((b) => b.seqLength)),
    speedup_vs_static512: referenceSeconds === null ? null : referenceSeconds / mean(totals),
    padded_token_ratio_vs_static512: reference === undefined ? null : paddedTokensOf(reference.batches) / paddedTokens,
    peak_rss_mb: lane.peakRssMb,
    tensors_before: lane.tensorsBefore,
    tensors_after: lane.tensorsAfter,
  };
}

// ---------------------------------------------------------------------------------------------
// Targets against Hugging Face + PyTorch on this kind of machine (bench/reference/)

/** One run of PyTorch's figures (bench/reference/pytorch-cpu-2threads.json). */
export interface PytorchRun {
  mode: string;
  train: boolean;
  max_length: number;
  batch_size: number;
  threads: number;
  sec_per_step_mean: number;
  real_tokens_per_s: number;
  model: { layers: number; hidden: number };
}

export const PYTORCH_REFERENCE_FILE = path.join('bench', 'reference', 'pytorch-cpu-2threads.json');

/** PyTorch's training run at batch 16, dynamic padding, 256 tokens, for the shape with `layers` layers. */
export function pytorchTrainingRun(layers: number): PytorchRun | undefined {
  const file = path.resolve(__dirname, '..', '..', PYTORCH_REFERENCE_FILE);
  const runs = (JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: PytorchRun[] }).runs;
  return runs.find(
    (run) => run.train && run.mode === 'dynamic' && run.max_length === 256 && run.model.layers === layers,
  );
}

export function checkTargets(results: ModeResult[], backend: string, model: string, threads = 1): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const byName = new Map(results.map((r) => [r.mode, r]));
  const dynamic256 = byName.get('dynamic-256');
  const grouped256 = byName.get('grouped-256');
  const peer = pytorchTrainingRun(2);
  if (dynamic256 !== undefined && peer !== undefined && model === 'tiny') {
    const ratio = peer.sec_per_step_mean / dynamic256.mean_sec_per_batch;
    // Native TensorFlow, and wasm with two threads or more, are held to PyTorch's own speed.
    const wanted = backend === 'tensorflow' || threads >= 2 ? 1.0 : 0.5;
    const threadCount = backend === 'wasm' ? ` (${threads} thread${threads === 1 ? '' : 's'})` : '';
    checks.push({
      target:
        `${backend}${threadCount} steps/s >= ${wanted}x PyTorch's at tiny dynamic-256 (PyTorch ` +
        `${peer.sec_per_step_mean.toFixed(3)} s/step)`,
      measured: `${dynamic256.mean_sec_per_batch.toFixed(3)} s/step = ${ratio.toFixed(2)}x`,
      met: ratio >= wanted,
    });
  }
  const basePeer = pytorchTrainingRun(12);
  if (dynamic256 !== undefined && basePeer !== undefined && model === 'base' && backend === 'wasm') {
    // Tokens per second: the batch of 16 reviews may be split into accumulated passes, the work is the same.
    const ratio = dynamic256.real_tokens_per_s / basePeer.real_tokens_per_s;
    const wanted = threads >= 2 ? 0.45 : 0.3;
    checks.push({
      target:
        `wasm (${threads} thread${threads === 1 ? '' : 's'}) training tokens/s >= ${wanted}x PyTorch's at ` +
        `roberta-base, batch ${basePeer.batch_size} dynamic-256 (PyTorch ${basePeer.real_tokens_per_s.toFixed(0)} ` +
        'real tokens/s, 2 threads)',
      measured: `${dynamic256.real_tokens_per_s.toFixed(1)} real tokens/s = ${ratio.toFixed(2)}x`,
      met: ratio >= wanted,
    });
  }
  if (dynamic256 !== undefined && grouped256 !== undefined) {
    // At 256, random batches are already mostly real tokens: grouping can only save the padding
    // that is left, so its speed-up is measured against the padded-token ratio, not a fixed factor.
    const speedup = dynamic256.mean_sec_per_batch / grouped256.mean_sec_per_batch;
    const tokenRatio = dynamic256.padded_tokens / grouped256.padded_tokens;
    checks.push({
      target: "grouped-256's speed-up over dynamic-256 >= 0.9x its padded-token ratio",
      measured:
        `${speedup.toFixed(2)}x faster, ${tokenRatio.toFixed(2)}x fewer padded tokens ` +
        `(${(speedup / tokenRatio).toFixed(2)}); ` +
        `dynamic-256 is ${(100 * dynamic256.padding_share).toFixed(0)}% padding`,
      met: speedup >= 0.9 * tokenRatio,
    });
  }
  for (const r of results) {
    if (r.speedup_vs_static512 === null || r.padded_token_ratio_vs_static512 === null || r.mode === 'static-512')
      continue;
    const share = r.speedup_vs_static512 / r.padded_token_ratio_vs_static512;
    checks.push({
      target: `${r.mode}: speedup >= 0.9x padded-token ratio`,
      measured:
        `${r.speedup_vs_static512.toFixed(2)}x vs ${r.padded_token_ratio_vs_static512.toFixed(2)}x ` +
        `(${share.toFixed(2)})`,
      met: share >= 0.9,
    });
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Output

function formatTable(results: ModeResult[]): string {
  const header = [
    'mode',
    's/batch',
    'mean',
    'fwd+bwd',
    'optim',
    'cpu s',
    'samples/s',
    'real tok/s',
    'padded tok/s',
    'padding',
    'speedup',
    'token ratio',
    'peak RSS MB',
    'tensors',
  ];
  const rows = results.map((r) => [
    r.mode,
    r.sec_per_batch.toFixed(3),
    r.mean_sec_per_batch.toFixed(3),
    r.forward_backward_sec_per_batch.toFixed(3),
    r.optimizer_sec_per_batch.toFixed(3),
    r.cpu_sec_per_batch.toFixed(3),
    r.samples_per_s.toFixed(1),
    r.real_tokens_per_s.toFixed(0),
    r.padded_tokens_per_s.toFixed(0),
    `${(100 * r.padding_share).toFixed(1)}%`,
    r.speedup_vs_static512 === null ? '-' : `${r.speedup_vs_static512.toFixed(2)}x`,
    r.padded_token_ratio_vs_static512 === null ? '-' : `${r.padded_token_ratio_vs_static512.toFixed(2)}x`,
    r.peak_rss_mb.toFixed(0),
    `${r.tensors_before}->${r.tensors_after}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function htmlPage(result: BenchResult): string {
  const charts = [
    barChart({
      title: `Seconds per training batch (${result.model}, batch ${result.batch_size}, ${result.backend})`,
      yLabel: 'seconds per batch (median)',
      categories: result.modes.map((m) => m.mode),
      series: [{ name: 'forward + backward + AdamW', values: result.modes.map((m) => m.sec_per_batch) }],
    }),
    barChart({
      title: 'Does time follow tokens? Speed-up over static-512 next to the padded-token ratio',
      yLabel: 'x static-512',
      categories: result.modes.map((m) => m.mode),
      series: [
        { name: 'speed-up (time)', values: result.modes.map((m) => m.speedup_vs_static512 ?? 0) },
        { name: 'padded-token ratio', values: result.modes.map((m) => m.padded_token_ratio_vs_static512 ?? 0) },
      ],
    }),
  ];
  const plotly = fs.readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  const divs = charts.map((chart, i) => `<div id="chart${i}">${renderSvg(chart)}</div>`).join('\n');
  const scripts = charts
    .map((chart, i) => {
      const figure = toPlotlyFigure(chart);
      return (
        `document.getElementById('chart${i}').innerHTML = ''; Plotly.newPlot('chart${i}', ` +
        `${JSON.stringify(figure.data)}, ${JSON.stringify(figure.layout)});`
      );
    })
    .join('\n');
  const rows = result.modes
    .map(
      (m) =>
        `<tr><td>${m.mode}</td><td>${m.sec_per_batch.toFixed(3)}</td><td>${m.samples_per_s.toFixed(1)}</td>` +
        `<td>${(100 * m.padding_share).toFixed(1)}%</td><td>${m.speedup_vs_static512?.toFixed(2) ?? '-'}</td>` +
        `<td>${m.padded_token_ratio_vs_static512?.toFixed(2) ?? '-'}</td></tr>`,
    )
    .join('\n');
  const style =
    'body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}' +
    'td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}';
  const threads = `${result.threads} thread${result.threads === 1 ? '' : 's'}`;
  const [loadStart, loadEnd] = result.load_average.map((value) => value.toFixed(1));
  const load = `load average ${loadStart} at the start, ${loadEnd} at the end`;
  const summary =
    `${result.model} model (${result.parameters.toLocaleString('en')} parameters), batch ${result.batch_size}, ` +
    `${result.examples} ${result.data} reviews per mode; backend ${result.backend} (${threads}) ` +
    `on ${result.machine}; ${load}.`;
  const header =
    '<tr><th>mode</th><th>s/batch</th><th>samples/s</th><th>padding</th><th>speed-up vs static-512</th>' +
    '<th>padded-token ratio</th></tr>';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Padding benchmark</title>
<style>${style}</style>
</head><body>
<h1>Padding benchmark</h1>
<p>${summary}</p>
<table>${header}
${rows}</table>
${divs}
<script>${plotly}</script>
<script>${scripts}</script>
</body></html>
`;
}

function machineName(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}`
  );
}

// ---------------------------------------------------------------------------------------------
// The run

async function profileOneStep(
  runner: StepRunner,
  step: readonly Batch[],
): Promise<{ kernel: string; ms: number; calls: number }[]> {
  const info = await tf.profile(() => {
    runner.train(step);
    return [];
  });
  const totals = new Map<string, { kernel: string; ms: number; calls: number }>();
  for (const k of info.kernels) {
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s ?? ''}]`).join(' ')}`;
    const entry = totals.get(key) ?? { kernel: key, ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs);
    entry.calls += 1;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}

export async function runPaddingBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log;
  const loadAtStart = os.loadavg()[0];
  // 0: one thread, so that runs compare alike on every machine unless threads are asked for.
  const platform: PlatformInfo = await initBackend(options.backend, { wasmThreads: Math.max(1, options.wasmThreads) });
  const sampleSize = options.steps * options.batchSize;
  const { examples, vocabSize, padTokenId, texts } = await benchExamples(options, sampleSize);
  const config = benchConfig(options.model, vocabSize);
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: options.seed });
  const optimizer = new AdamOptimizer(model.parameters, { name: 'adamw', learningRate: 1e-5, weightDecay: 0.01 });
  let microBatch: BenchResult['micro_batch'] = null;
  if (options.microBatch !== null || options.gradientCheckpointing) {
    const maxLength = Math.max(...options.modes.map((m) => m.maxLength));
    const plan =
      options.microBatch === 'auto'
        ? await planMicroBatches(model, {
            effectiveBatchSize: options.batchSize,
            maxLength,
            gradientCheckpointing: options.gradientCheckpointing,
          })
        : null;
    const asked = typeof options.microBatch === 'number' ? options.microBatch : options.batchSize;
    const rows = plan?.perDeviceTrainBatchSize ?? Math.min(options.batchSize, asked);
    microBatch = {
      rows,
      accumulation: Math.ceil(options.batchSize / rows),
      gradient_checkpointing: plan?.gradientCheckpointing ?? options.gradientCheckpointing,
      plan: plan === null ? null : describePlan(plan),
    };
  }
  const runner = new StepRunner(model, optimizer, options.seed, microBatch?.gradient_checkpointing ?? false);
  log(
    `backend ${platform.backend} (${platform.threads} thread${platform.threads === 1 ? '' : 's'}), ${options.model} ` +
      `model with ${model.numParameters().toLocaleString('en')} parameters`,
  );
  log(
    `${examples.length} ${options.data} reviews, batch ${options.batchSize}: one epoch (${options.steps} batches) ` +
      `per mode after ${options.warmup} warm-up batches`,
  );
  if (microBatch !== null) {
    log(
      `each batch in ${microBatch.accumulation} passes of ${microBatch.rows}, gradients accumulated` +
        `${microBatch.gradient_checkpointing ? ', with gradient checkpointing' : ''}` +
        `${microBatch.plan === null ? '' : ` (planned: ${microBatch.plan})`}`,
    );
  }

  const lanes = options.modes.map((spec) =>
    makeLane(spec, examples, options, padTokenId, microBatch?.rows ?? options.batchSize),
  );
  for (const lane of lanes) {
    const report = paddingReport(
      new DataLoader(examples, {
        batchSize: options.batchSize,
        mode: lane.spec.mode,
        maxLength: lane.spec.maxLength,
        seed: options.seed,
        padTokenId,
      }),
    );
    log(
      `  ${lane.spec.name.padEnd(12)} mean batch length ${report.meanBatchLength.toFixed(0).padStart(3)}, padding ` +
        `${(100 * report.paddingShare).toFixed(1)}%`,
    );
  }
  // Warm up from the cheapest mode up, so each mode's peak RSS is read before a costlier one raises it.
  const byCost = [...lanes].sort((a, b) => paddedTokensOf(a.batches) - paddedTokensOf(b.batches));
  for (const lane of byCost) {
    for (const step of lane.warmupSteps) runner.train(step);
    lane.peakRssMb = peakRssMb();
  }
  for (const lane of lanes) lane.tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  for (let step = 0; step < options.steps; step++) {
    for (const lane of lanes) {
      if (step < lane.steps.length) lane.times.push(runner.train(lane.steps[step]));
    }
    if ((step + 1) % 5 === 0 || step + 1 === options.steps) {
      log(`  step ${step + 1}/${options.steps} of every mode (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
  for (const lane of lanes) lane.tensorsAfter = tf.memory().numTensors;

  const reference = lanes.find((lane) => lane.spec.mode === 'static' && lane.spec.maxLength === 512);
  const modes = lanes.map((lane) => laneResult(lane, reference));

  let inference: BenchResult['inference'] = null;
  if (options.inference) {
    const times = new Map<Lane, number[]>(lanes.map((lane) => [lane, []]));
    for (const lane of lanes) runner.infer(lane.batches[0]);
    for (let step = 0; step < options.steps; step++) {
      for (const lane of lanes) if (step < lane.batches.length) times.get(lane)!.push(runner.infer(lane.batches[step]));
    }
    const pipelineResults: PipelineResult[] = [];
    if (texts !== null) {
      for (const maxLength of [256, 512]) {
        const start = performance.now();
        predictProbabilities(model, texts.tokenizer, texts.texts, { maxLength, batchSize: options.batchSize });
        const seconds = (performance.now() - start) / 1000;
        pipelineResults.push({
          max_length: maxLength,
          texts: texts.texts.length,
          seconds,
          samples_per_s: texts.texts.length / seconds,
        });
      }
    }
    inference = {
      pipeline: pipelineResults,
      modes: lanes.map((lane) => {
        const seconds = times.get(lane)!.reduce((a, b) => a + b, 0);
        return {
          mode: lane.spec.name,
          sec_per_batch: median(times.get(lane)!),
          samples_per_s: lane.batches.reduce((s, b) => s + b.batchSize, 0) / seconds,
          padded_tokens_per_s: paddedTokensOf(lane.batches) / seconds,
        };
      }),
    };
  }

  let leakCheck: BenchResult['leak_check'] = null;
  if (options.leakSteps > 0) {
    const lane = lanes.find((l) => l.spec.name === 'dynamic-256') ?? lanes[0];
    const tensors: number[] = [];
    const bytes: number[] = [];
    const every = Math.max(1, Math.floor(options.leakSteps / 10));
    for (let step = 0; step < options.leakSteps; step++) {
      runner.train(lane.steps[step % lane.steps.length]);
      if ((step + 1) % every === 0) {
        tensors.push(tf.memory().numTensors);
        bytes.push(tf.memory().numBytes);
        log(
          `  leak check ${step + 1}/${options.leakSteps}: ${tensors[tensors.length - 1]} tensors, ` +
            `${(bytes[bytes.length - 1] / 2 ** 20).toFixed(1)} MiB`,
        );
      }
    }
    leakCheck = {
      steps: options.leakSteps,
      tensors,
      bytes,
      flat: tensors.every((t) => t === tensors[0]) && bytes.every((b) => b === bytes[0]),
    };
  }

  const profile = options.profile
    ? await profileOneStep(runner, (lanes.find((l) => l.spec.name === 'dynamic-256') ?? lanes[0]).steps[0])
    : null;

  const result: BenchResult = {
    backend: platform.backend,
    threads: platform.threads,
    machine: machineName(),
    load_average: [loadAtStart, os.loadavg()[0]],
    model: options.model,
    parameters: model.numParameters(),
    batch_size: options.batchSize,
    examples: examples.length,
    data: options.data,
    modes,
    inference,
    leak_check: leakCheck,
    micro_batch: microBatch,
    targets: checkTargets(modes, platform.backend, options.model, platform.threads),
    profile,
  };
  optimizer.dispose();
  model.dispose();

  log('');
  log(formatTable(modes));
  if (inference !== null) {
    log('');
    log(
      'eval-mode inference: ' +
        inference.modes.map((m) => `${m.mode} ${m.samples_per_s.toFixed(1)} samples/s`).join(', '),
    );
    for (const p of inference.pipeline) {
      log(
        `pipeline (tokenize + length-grouped batches + eval forward), max length ${p.max_length}: ` +
          `${p.samples_per_s.toFixed(1)} texts/s`,
      );
    }
  }
  if (leakCheck !== null)
    log(
      `tensor count over ${leakCheck.steps} steps: ${leakCheck.flat ? 'flat' : 'NOT flat'} ` +
        `(${leakCheck.tensors.join(', ')})`,
    );
  if (profile !== null) {
    log('');
    log('one dynamic-256 training step by kernel and input shapes:');
    for (const k of profile.slice(0, 25))
      log(`  ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(4)}x  ${k.kernel}`);
  }
  log('');
  log(
    `load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${os.loadavg()[0].toFixed(2)} on ` +
      `${os.cpus().length} CPUs`,
  );
  for (const t of result.targets)
    log(`${t.met === null ? '?' : t.met ? 'met' : 'NOT met'}: ${t.target}: ${t.measured}`);
  if (options.json !== undefined) writeJsonAtomic(options.json, result);
  if (options.html !== undefined) writeFileAtomic(options.html, htmlPage(result));
  return result;
}
