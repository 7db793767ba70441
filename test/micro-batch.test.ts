// Training roberta-base on wasm's 4 GiB heap: gradient checkpointing (the same gradients for a
// fraction of the activation memory) and the micro-batch plan that autoFindBatchSize applies.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { dynamicPaddingCollate, splitBatch, type Batch, type TokenizedExample } from '../lib/batching';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { lossAndGradients } from '../lib/trainer';
import {
  HEAP_BUDGET_SHARE,
  MicroBatchError,
  describePlan,
  planInChildProcess,
  planMicroBatches,
} from '../lib/micro-batch';
import { BASE_TRAINING_BENCHES, baseTrainingRows } from '../lib/display/base-training';
import { REPO_ROOT } from './helpers/paths';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { loadSplit, train, trainingArguments } from '../lib/train-api';

let tokenizer: RobertaTokenizer;
before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
});

const SMALL = {
  vocab_size: 300,
  hidden_size: 32,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 66,
};

/** Three rows of 40 tokens, the last one padded after 30. */
function paddedBatch(): Batch {
  const rows = 3;
  const seq = 40;
  const inputIds = new Int32Array(rows * seq);
  const attentionMask = new Int32Array(rows * seq).fill(1);
  for (let i = 0; i < inputIds.length; i++) inputIds[i] = 3 + ((i * 37) % 290);
  for (let r = 0; r < rows; r++) inputIds[r * seq] = 0;
  for (let j = 30; j < seq; j++) {
    inputIds[2 * seq + j] = 1;
    attentionMask[2 * seq + j] = 0;
  }
  return {
    inputIds,
    attentionMask,
    labels: Int32Array.from([0, 1, 1]),
    batchSize: rows,
    seqLength: seq,
    realTokens: 110,
    truncatedExamples: 0,
    exampleIndices: Int32Array.from([0, 1, 2]),
  };
}

function maxAbsDifference(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>): { value: number; name: string } {
  let worst = { value: 0, name: '' };
  for (const [name, grad] of a) {
    const other = b.get(name);
    assert.ok(other !== undefined, `no gradient for ${name}`);
    const x = grad.dataSync();
    const y = other.dataSync();
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i] - y[i]);
      if (d > worst.value) worst = { value: d, name };
    }
  }
  return worst;
}

test("gradient checkpointing gives the taped pass's loss and gradients, dropout and padding included", () => {
  const model = RobertaForSequenceClassification.fromConfig(SMALL, { seed: 5 });
  const batch = paddedBatch();
  for (const training of [false, true]) {
    const taped = lossAndGradients(model, batch, { training, dropoutSeed: 11 });
    const tensorsBefore = tf.memory().numTensors;
    const byLayer = lossAndGradients(model, batch, { training, dropoutSeed: 11, gradientCheckpointing: true });
    assert.equal(tf.memory().numTensors - tensorsBefore, byLayer.grads.size, 'only the gradients are left');
    assert.equal(byLayer.grads.size, model.parameters.size);
    assert.ok(Math.abs(byLayer.loss - taped.loss) < 1e-6, `loss ${byLayer.loss} vs ${taped.loss}`);
    const worst = maxAbsDifference(taped.grads, byLayer.grads);
    assert.ok(worst.value < 1e-6, `training=${training}: ${worst.name} differs by ${worst.value}`);
    tf.dispose([...taped.grads.values(), ...byLayer.grads.values()]);
  }
  model.dispose();
});

async function peakBytes(model: RobertaForSequenceClassification, gradientCheckpointing: boolean): Promise<number> {
  const batch = paddedBatch();
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => {
    const { grads } = lossAndGradients(model, batch, { training: true, dropoutSeed: 1, gradientCheckpointing });
    tf.dispose([...grads.values()]);
  });
  return profile.peakBytes - before;
}

test('gradient checkpointing holds less at its peak than the taped pass, the more so the more layers', async () => {
  const shallow = RobertaForSequenceClassification.fromConfig({ ...SMALL, num_hidden_layers: 2 }, { seed: 1 });
  const deep = RobertaForSequenceClassification.fromConfig({ ...SMALL, num_hidden_layers: 8 }, { seed: 1 });
  const saved = async (model: RobertaForSequenceClassification): Promise<number> =>
    (await peakBytes(model, false)) - (await peakBytes(model, true));
  const savedShallow = await saved(shallow);
  const savedDeep = await saved(deep);
  assert.ok(savedShallow > 0, `2 layers: ${savedShallow} bytes saved`);
  assert.ok(savedDeep > 3 * savedShallow, `8 layers save ${savedDeep} bytes, 2 layers ${savedShallow}`);
  shallow.dispose();
  deep.dispose();
});

test('the plan keeps the whole batch when it fits and splits it, keeping the product, when it does not', async () => {
  const model = RobertaForSequenceClassification.fromConfig(SMALL, { seed: 2 });
  const ample = await planMicroBatches(model, { effectiveBatchSize: 12, maxLength: 64 });
  assert.equal(ample.backend, 'wasm');
  assert.deepEqual(
    [ample.perDeviceTrainBatchSize, ample.gradientAccumulationSteps, ample.gradientCheckpointing],
    [12, 1, false],
  );
  const memory = ample.memory!;
  assert.ok(memory.perRowBytes > 0 && memory.firstRowBytes > memory.perRowBytes, JSON.stringify(memory));
  // Adam's two moments, plus the summed gradients once the batch is split.
  const weightBytes = model.numParameters() * 4;
  assert.equal(memory.optimizerBytes, 2 * weightBytes);
  // A heap that holds the weights, that optimizer state and about 3.5 rows' activations: 3 rows per pass.
  const limit =
    (memory.allocatedBytes + 3 * weightBytes + memory.firstRowBytes + 2.5 * memory.perRowBytes) / HEAP_BUDGET_SHARE;
  const split = await planMicroBatches(model, { effectiveBatchSize: 12, maxLength: 64, heapLimitBytes: limit });
  assert.equal(split.perDeviceTrainBatchSize, 3, describePlan(split));
  assert.equal(split.gradientAccumulationSteps, 4);
  assert.equal(split.gradientCheckpointing, false);
  assert.ok(split.memory!.estimatedPeakBytes <= split.memory!.budgetBytes);
  assert.match(describePlan(split), /micro-batches of 3 × 4 accumulation steps = 12 reviews per optimizer step/);
  model.dispose();
});

test('the plan turns on gradient checkpointing only when not even one row fits without it', async () => {
  const model = RobertaForSequenceClassification.fromConfig({ ...SMALL, num_hidden_layers: 8 }, { seed: 2 });
  const ample = await planMicroBatches(model, { effectiveBatchSize: 4, maxLength: 64 });
  const memory = ample.memory!;
  const oneRowTaped = memory.allocatedBytes + 3 * model.numParameters() * 4 + memory.firstRowBytes;
  const tight = await planMicroBatches(model, {
    effectiveBatchSize: 4,
    maxLength: 64,
    heapLimitBytes: (oneRowTaped * 0.97) / HEAP_BUDGET_SHARE,
  });
  assert.equal(tight.gradientCheckpointing, true, describePlan(tight));
  assert.ok(tight.memory!.firstRowBytes < memory.firstRowBytes);
  assert.match(describePlan(tight), /with gradient checkpointing/);
  await assert.rejects(
    planMicroBatches(model, { effectiveBatchSize: 4, maxLength: 64, heapLimitBytes: memory.allocatedBytes }),
    (err: unknown) =>
      err instanceof MicroBatchError &&
      /one review of 64 tokens per pass, even with gradient checkpointing/.test(err.message) &&
      /Lower maxLength/.test(err.message),
  );
  model.dispose();
});

test('train() with autoFindBatchSize trains in the planned micro-batches and says so', async () => {
  const model = RobertaForSequenceClassification.fromConfig(
    { ...SMALL, vocab_size: tokenizer.vocabSize, num_hidden_layers: 2 },
    { seed: 4 },
  );
  const trainData = await loadSplit('offline', 'train', { limit: 24, seed: 42 });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'micro-batch-'));
  const args = trainingArguments({
    outputDir,
    numTrainEpochs: 1,
    perDeviceTrainBatchSize: 8,
    maxLength: 64,
    evalStrategy: 'no',
    saveStrategy: 'no',
    loadBestModelAtEnd: false,
    progress: false,
  });
  const probe = await planMicroBatches(model, { effectiveBatchSize: 8, maxLength: 64 });
  const m = probe.memory!;
  const limit =
    (m.allocatedBytes + 3 * model.numParameters() * 4 + m.firstRowBytes + 1.5 * m.perRowBytes) / HEAP_BUDGET_SHARE;
  const lines: string[] = [];
  const result = await train({
    model,
    tokenizer,
    args,
    trainData,
    log: (line) => lines.push(line),
    heapLimitBytes: limit,
  });
  try {
    assert.equal(result.microBatchPlan?.perDeviceTrainBatchSize, 2);
    assert.equal(result.microBatchPlan?.gradientAccumulationSteps, 4);
    assert.equal(result.history.batches.length, 12, 'batches of 2');
    assert.ok(result.history.batches.every((b) => b.batchSize === 2));
    assert.equal(result.globalStep, 3, '8 reviews per optimizer step');
    assert.ok(
      lines.some((line) => line.startsWith('autoFindBatchSize: micro-batches of 2 × 4')),
      lines.join('\n'),
    );
  } finally {
    model.dispose();
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
});

test("the benchmark's micro-batches cut each part to its longest review, or keep a static batch's length", () => {
  // paddedBatch()'s rows as examples, collated again as the loader collates them.
  const padded = paddedBatch();
  const examples: TokenizedExample[] = [40, 40, 30].map((length, row) => ({
    inputIds: [...padded.inputIds.subarray(row * 40, row * 40 + length)],
    label: padded.labels[row],
  }));
  const batch = dynamicPaddingCollate(examples);
  assert.deepEqual([...batch.inputIds], [...padded.inputIds]);
  const split = (keepLength: boolean): Batch[] =>
    splitBatch(batch, 2, examples, { maxLength: 40, padTokenId: 1, keepLength });
  const dynamicParts = split(false);
  assert.deepEqual(
    dynamicParts.map((p) => [p.batchSize, p.seqLength, p.realTokens]),
    [
      [2, 40, 80],
      [1, 30, 30],
    ],
  );
  assert.deepEqual([...dynamicParts[1].inputIds], [...batch.inputIds.subarray(80, 110)]);
  assert.deepEqual([...dynamicParts[1].labels], [1]);
  const staticParts = split(true);
  assert.deepEqual(
    staticParts.map((p) => [p.batchSize, p.seqLength, p.realTokens]),
    [
      [2, 40, 80],
      [1, 40, 30],
    ],
  );
  assert.deepEqual([...staticParts[1].attentionMask], [...batch.attentionMask.subarray(80, 120)]);
});

test('ft-roberta plan-batch measures in its own process; the notebook table reads the measured speeds', async () => {
  const plan = await planInChildProcess({ shape: 'offline', effectiveBatchSize: 4, maxLength: 32, backend: 'wasm' });
  assert.equal(plan.backend, 'wasm');
  assert.deepEqual([plan.perDeviceTrainBatchSize, plan.gradientAccumulationSteps], [4, 1]);
  assert.ok(plan.memory !== null && plan.memory.perRowBytes > 0);
  const rows = baseTrainingRows(plan, REPO_ROOT);
  assert.equal(rows[0].result, describePlan(plan));
  BASE_TRAINING_BENCHES.forEach((file, i) => {
    const bench = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
    const measured = bench.modes.find((m: { mode: string }) => m.mode === 'dynamic-256');
    const row = rows[1 + i];
    assert.match(
      String(row.source),
      new RegExp(`^${file.replace(/\./g, '\\.')} \\(wasm, ${bench.threads} threads?\\)$`),
    );
    assert.equal(
      row.result,
      `${measured.mean_sec_per_batch.toFixed(0)} s per step, ${measured.real_tokens_per_s.toFixed(0)} real tokens/s`,
    );
    assert.match(
      String(row.what),
      new RegExp(`in ${bench.micro_batch.accumulation} passes of ${bench.micro_batch.rows}`),
    );
  });
  assert.match(String(rows[3].source), /pytorch-cpu-2threads\.json \(PyTorch, 2 threads\)/);
  assert.match(String(rows[3].result), /^\d+ s per step, \d+ real tokens\/s$/);
  assert.equal(rows.length, 4);
});
