// Notebook 01's "switching to roberta-base" cell: what autoFindBatchSize picks for roberta-base on
// this machine (measured in a process of its own) and the training speed the benchmark measured for
// that shape, beside PyTorch's on the same kind of machine.
import * as fs from 'fs';
import * as path from 'path';
import { describePlan, planInChildProcess, type MicroBatchPlan } from '../micro-batch';
import { showTable, type Row } from './html';
import { PYTORCH_REFERENCE_FILE, pytorchTrainingRun } from '../padding-bench';

/** Where the benchmark's roberta-base training runs on wasm (one thread, two threads) are kept. */
export const BASE_TRAINING_BENCHES = ['1thread', '2threads'].map((threads) =>
  path.join('bench', 'results', `base-wasm-accumulated-${threads}.json`),
);

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
  const peer = pytorchTrainingRun(12);
  if (peer !== undefined) {
    rows.push({
      source: `${PYTORCH_REFERENCE_FILE} (PyTorch, ${peer.threads} threads)`,
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
