// Notebook 01's "switching to roberta-base" cell: what autoFindBatchSize picks for roberta-base on
// this machine (measured in a process of its own) and the training speed the benchmark measured for
// that shape, beside PyTorch's on the same kind of machine.
import * as fs from 'fs';
import * as path from 'path';
import { describePlan, planInChildProcess, type MicroBatchPlan } from '../micro-batch';
import { showTable, type Row } from './html';

/** Where the benchmark's roberta-base training runs on wasm (one thread, two threads) are kept. */
export const BASE_TRAINING_BENCHES = ['1thread', '2threads'].map((threads) =>
  path.join('bench', 'results', `base-wasm-accumulated-${threads}.json`),
);
const PYTORCH_REFERENCE = path.join('bench', 'reference', 'pytorch-cpu-2threads.json');

interface BenchModeFigures {
  mode: string;
  mean_sec_per_batch: number;
  real_tokens_per_s: number;
}

/** One row per source: the plan measured now, the benchmark's wasm run, PyTorch's reference. */
export function baseTrainingRows(plan: MicroBatchPlan, repoRoot: string): Row[] {
  const rows: Row[] = [
    {
      source: `measured now (${plan.backend})`,
      what: `${plan.effectiveBatchSize} reviews × ${plan.maxLength} tokens per optimizer step`,
      result: describePlan(plan),
    },
  ];
  for (const file of BASE_TRAINING_BENCHES) {
    const benchFile = path.join(repoRoot, file);
    if (!fs.existsSync(benchFile)) continue;
    const bench = JSON.parse(fs.readFileSync(benchFile, 'utf8')) as {
      backend: string;
      threads: number;
      batch_size: number;
      micro_batch: { rows: number; accumulation: number; gradient_checkpointing: boolean } | null;
      modes: BenchModeFigures[];
    };
    const run = bench.modes.find((m) => m.mode === 'dynamic-256');
    if (run === undefined) continue;
    const split = bench.micro_batch;
    rows.push({
      source: `${file} (${bench.backend}, ${bench.threads} thread${bench.threads === 1 ? '' : 's'})`,
      what:
        `a training step of ${bench.batch_size} × up to 256 tokens` +
        (split === null
          ? ''
          : ` in ${split.accumulation} passes of ${split.rows}` +
            (split.gradient_checkpointing ? ', gradient checkpointing' : '')),
      result: `${run.mean_sec_per_batch.toFixed(0)} s per step, ${run.real_tokens_per_s.toFixed(0)} real tokens/s`,
    });
  }
  const reference = JSON.parse(fs.readFileSync(path.join(repoRoot, PYTORCH_REFERENCE), 'utf8')) as {
    runs: Array<{
      mode: string;
      train: boolean;
      max_length: number;
      batch_size: number;
      threads: number;
      sec_per_step_mean: number;
      real_tokens_per_s: number;
      model: { layers: number };
    }>;
  };
  const peer = reference.runs.find(
    (r) => r.train && r.mode === 'dynamic' && r.max_length === 256 && r.model.layers === 12,
  );
  if (peer !== undefined) {
    rows.push({
      source: `${PYTORCH_REFERENCE} (PyTorch, ${peer.threads} threads)`,
      what: `a training step of ${peer.batch_size} × up to 256 tokens`,
      result: `${peer.sec_per_step_mean.toFixed(0)} s per step, ${peer.real_tokens_per_s.toFixed(0)} real tokens/s`,
    });
  }
  return rows;
}

/** Plans roberta-base at 16 × 256 in a child process and shows it beside the measured speeds. */
export async function showBaseTrainingPlan(options: { backend: string; repoRoot: string }): Promise<MicroBatchPlan> {
  const plan = await planInChildProcess({
    shape: 'base',
    effectiveBatchSize: 16,
    maxLength: 256,
    backend: options.backend,
  });
  showTable(baseTrainingRows(plan, options.repoRoot), { caption: 'Training roberta-base here' });
  return plan;
}
