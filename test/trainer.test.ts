import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { DataLoader, type Batch, type TokenizedExample } from '../lib/batching';
import { Trainer, evaluateBatches, modelDirName, type BatchLoader, type TrainerOptions } from '../lib/trainer';
import { replaceDirectory, resolveCheckpointDir, TRAINER_STATE_FILE } from '../lib/checkpoint';
import { classificationMetrics, argmaxRows } from '../lib/metrics';
import { TINY_CLASSIFIER_CONFIG } from './helpers/tiny-model';
import { trainerOptionsFrom, type TrainerOverrides } from './helpers/trainer-setup';

before(async () => {
  await initBackend('wasm');
});

const CONFIG = TINY_CLASSIFIER_CONFIG;

/** Short sequences whose label shows in which of two tokens dominates: learnable in a few steps. */
function examples(count: number, seed: number): TokenizedExample[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const length = 4 + Math.floor(next() * 20);
    const ids = [0];
    for (let t = 0; t < length; t++) ids.push(next() < 0.3 ? (label ? 5 : 6) : 10 + Math.floor(next() * 50));
    ids.push(2);
    return { inputIds: ids, label };
  });
}

const TRAIN = examples(48, 1);
const VALIDATION = examples(24, 2);

function loaders(): { trainLoader: DataLoader; validationLoader: DataLoader } {
  return {
    trainLoader: new DataLoader(TRAIN, { batchSize: 8, mode: 'dynamic', maxLength: 32, shuffle: true, seed: 7 }),
    validationLoader: new DataLoader(VALIDATION, { batchSize: 8, mode: 'dynamic', maxLength: 32, shuffle: false }),
  };
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `trainer-${name}-`));
}

function trainerOptions(
  model: RobertaForSequenceClassification,
  outputDir: string,
  overrides: TrainerOverrides = {},
): TrainerOptions {
  const base = { numTrainEpochs: 2, learningRate: 3e-3, outputDir, seed: 11 };
  return trainerOptionsFrom({ model, ...loaders() }, base, overrides);
}

function weightsOf(model: RobertaForSequenceClassification): Map<string, Float32Array> {
  return new Map([...model.parameters].map(([name, v]) => [name, Float32Array.from(v.dataSync())]));
}

function assertSameWeights(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>, what: string): void {
  for (const [name, want] of expected) {
    const got = actual.get(name)!;
    const index = want.findIndex((x, i) => !Object.is(x, got[i]));
    assert.equal(index, -1, `${what}: ${name}[${index}] is ${got[index]}, straight run has ${want[index]}`);
  }
}

/** Wraps a loader to act at a given batch of an epoch (abort, signal, count tensors). */
function hookedLoader(inner: BatchLoader, onBatch: (epoch: number, batch: number) => void): BatchLoader {
  return {
    numBatches: inner.numBatches,
    seed: inner.seed,
    *batches(epoch: number, options: { startBatch?: number } = {}): Iterable<Batch> {
      let index = options.startBatch ?? 0;
      for (const batch of inner.batches(epoch, options)) {
        onBatch(epoch, index++);
        yield batch;
      }
    },
  };
}

async function straightRun(overrides: TrainerOverrides): Promise<Map<string, Float32Array>> {
  const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
  const trainer = new Trainer(trainerOptions(model, tempDir('straight'), overrides));
  const history = await trainer.fit();
  assert.equal(history.stopped, 'completed');
  const weights = weightsOf(model);
  trainer.dispose();
  model.dispose();
  return weights;
}

type Weights = Map<string, Float32Array>;

function assertEveryParameterMoved(actual: Weights, initial: Weights, what: string): void {
  for (const [name, start] of initial) {
    const now = actual.get(name)!;
    assert.ok(
      now.some((x, i) => x !== start[i]),
      `${what}: ${name} still holds its initial values`,
    );
  }
}

test(
  '2 epochs straight == 1 epoch, checkpoint, resume for 1 more (dropout on, seeded): identical ' + 'weights',
  async () => {
    const straight = await straightRun({});
    // Equal runs prove nothing if neither trains: the straight run must have left its initial weights.
    const initialModel = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    assertEveryParameterMoved(straight, weightsOf(initialModel), 'straight run');
    initialModel.dispose();
    const dir = tempDir('resume');
    const first = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const one = new Trainer(trainerOptions(first, dir, { numTrainEpochs: 1, saveCheckpoints: true }));
    await one.fit();
    assert.ok(fs.existsSync(path.join(dir, 'checkpoint', TRAINER_STATE_FILE)));
    one.dispose();
    first.dispose();
    // A differently initialised model: everything must come from the checkpoint.
    const second = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 99 });
    const two = new Trainer(
      trainerOptions(second, dir, { numTrainEpochs: 2, resumeFromCheckpoint: path.join(dir, 'checkpoint') }),
    );
    const history = await two.fit();
    assertSameWeights(weightsOf(second), straight, 'resumed run');
    assert.deepEqual(
      history.epochs.map((e) => e.epoch),
      [1, 2],
      'history carries epoch 1 from the checkpoint',
    );
    assert.equal(two.state.globalStep, 12);
    two.dispose();
    second.dispose();
  },
);

test(
  'stopped mid-epoch by an AbortSignal, resumed from the checkpoint: identical weights (linear schedule, ' +
    'accumulation 2, clipping)',
  async () => {
    const settings: TrainerOverrides = {
      lrSchedulerType: 'linear',
      warmupSteps: 2,
      gradientAccumulationSteps: 2,
      maxGradNorm: 0.5,
    };
    const straight = await straightRun(settings);
    const dir = tempDir('abort');
    const controller = new AbortController();
    const first = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const base = loaders();
    const trainLoader = hookedLoader(base.trainLoader, (epoch, batch) => {
      if (epoch === 0 && batch === 2) controller.abort();
    });
    const one = new Trainer(
      trainerOptions(first, dir, { ...settings, trainLoader, signal: controller.signal, saveCheckpoints: true }),
    );
    const stopped = await one.fit();
    assert.equal(stopped.stopped, 'interrupted');
    // Batch 2 is the first of an accumulation pair: the loop finishes the pair (batch 3), then stops.
    assert.equal(one.state.batchIndex, 4);
    assert.equal(one.state.globalStep, 2);
    assert.equal(stopped.batches.length, 4);
    one.dispose();
    first.dispose();
    const second = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 5 });
    const two = new Trainer(
      trainerOptions(second, dir, { ...settings, resumeFromCheckpoint: path.join(dir, 'checkpoint') }),
    );
    const history = await two.fit();
    assert.equal(history.stopped, 'completed');
    assert.equal(history.batches.length, 12);
    assertSameWeights(weightsOf(second), straight, 'resumed after abort');
    two.dispose();
    second.dispose();
  },
);

test(
  'SIGINT stops after the current step, saves a checkpoint, returns the history; the handler is ' + 'removed',
  async () => {
    const dir = tempDir('sigint');
    const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const base = loaders();
    const trainLoader = hookedLoader(base.trainLoader, (epoch, batch) => {
      if (epoch === 0 && batch === 1) process.kill(process.pid, 'SIGINT');
    });
    const listeners = process.listenerCount('SIGINT');
    const lines: string[] = [];
    const trainer = new Trainer(
      trainerOptions(model, dir, { trainLoader, saveCheckpoints: true, log: (l) => lines.push(l) }),
    );
    const history = await trainer.fit();
    assert.equal(history.stopped, 'interrupted');
    assert.ok(
      history.batches.length >= 2 && history.batches.length < 6,
      `stopped after ${history.batches.length} batches`,
    );
    assert.equal(process.listenerCount('SIGINT'), listeners, 'SIGINT listener removed after fit');
    assert.ok(
      lines.some((l) => /interrupt received/.test(l)) && lines.some((l) => /checkpoint in/.test(l)),
      lines.join('\n'),
    );
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint', TRAINER_STATE_FILE), 'utf8')) as {
      batchIndex: number;
    };
    assert.equal(saved.batchIndex, history.batches.length);
    trainer.dispose();
    model.dispose();
  },
);

test(
  'SIGINT still reaches the trainer when fit() starts inside a tslab-like cell (vm script with ' + 'breakOnSigint)',
  async () => {
    // tslab runs a cell's synchronous part with vm's breakOnSigint and keeps its own SIGINT listener.
    // A listener added inside that script is lost when Node restores the signal disposition, and the
    // next interrupt kills the kernel: this test process would die here if fit() registered too early.
    const kernelListener = (): void => {};
    process.on('SIGINT', kernelListener);
    const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const base = loaders();
    const trainLoader = hookedLoader(base.trainLoader, (epoch, batch) => {
      if (epoch === 0 && batch === 2) process.kill(process.pid, 'SIGINT');
    });
    const trainer = new Trainer(trainerOptions(model, tempDir('vm-cell'), { trainLoader }));
    Object.assign(globalThis, { startFitForTest: () => trainer.fit() });
    try {
      const running = new vm.Script('startFitForTest()').runInThisContext({ breakOnSigint: true }) as Promise<{
        stopped: string;
      }>;
      const history = await running;
      assert.equal(history.stopped, 'interrupted');
    } finally {
      process.removeListener('SIGINT', kernelListener);
      Reflect.deleteProperty(globalThis, 'startFitForTest');
      trainer.dispose();
      model.dispose();
    }
  },
);

test('tensor count stays flat across training steps', async () => {
  const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
  const counts: number[] = [];
  const base = loaders();
  const trainLoader = hookedLoader(base.trainLoader, () => counts.push(tf.memory().numTensors));
  const trainer = new Trainer(trainerOptions(model, tempDir('memory'), { trainLoader, validationLoader: undefined }));
  await trainer.fit();
  // Batch 0 runs before the optimizer has created its moments; from batch 1 on nothing may grow.
  assert.ok(
    counts.slice(2).every((c) => c === counts[1]),
    `tensor counts per batch: ${counts.join(' ')}`,
  );
  trainer.dispose();
  model.dispose();
});

for (const maxGradNorm of [0, 1]) {
  const clipping = maxGradNorm > 0 ? 'with clipping' : 'without clipping';
  test(`training on a learnable task lowers the loss and moves every weight (${clipping})`, async () => {
    const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const initial = weightsOf(model);
    // Measured in eval mode on the training set itself: no dropout noise in the comparison.
    const trainSet = new DataLoader(TRAIN, { batchSize: 8, mode: 'dynamic', maxLength: 32, shuffle: false });
    const before = await evaluateBatches(model, trainSet, 2);
    const overrides = { numTrainEpochs: 6, learningRate: 5e-3, maxGradNorm, validationLoader: undefined };
    const trainer = new Trainer(trainerOptions(model, tempDir('learns'), overrides));
    const history = await trainer.fit();
    const after = await evaluateBatches(model, trainSet, 2);
    // The loss sits near ln 2 for a few epochs, then falls: 6 epochs leave a wide margin.
    assert.ok(after.loss < 0.75 * before.loss, `training-set loss ${before.loss} before, ${after.loss} after 6 epochs`);
    assert.ok(after.accuracy >= 0.9, `training-set accuracy ${before.accuracy} before, ${after.accuracy} after`);
    const trainLosses = history.epochs.map((e) => e.trainLoss);
    assert.ok(trainLosses[5] < trainLosses[0], `mean training loss per epoch ${trainLosses.join(', ')}`);
    assertEveryParameterMoved(weightsOf(model), initial, 'after training');
    trainer.dispose();
    model.dispose();
  });
}

/** The loader's batches with every attention-mask entry set to 1: what an evaluation that ignores the mask sees. */
function unmasked(loader: BatchLoader): BatchLoader {
  return {
    numBatches: loader.numBatches,
    batches: (epoch) => [...loader.batches(epoch)].map((b) => ({ ...b, attentionMask: b.attentionMask.map(() => 1) })),
  };
}

test('evaluation over padded batches equals evaluation of each example alone, unpadded', async () => {
  // A wide initialisation: at std 0.02 the logits hardly depend on the input, padding included.
  const model = RobertaForSequenceClassification.fromConfig({ ...CONFIG, initializer_range: 0.5 }, { seed: 4 });
  const padded = new DataLoader(VALIDATION, { batchSize: 8, mode: 'dynamic', maxLength: 32, shuffle: false });
  const alone = new DataLoader(VALIDATION, { batchSize: 1, mode: 'dynamic', maxLength: 32, shuffle: false });
  const paddedPositions = [...padded.batches(0)].reduce((sum, b) => sum + b.batchSize * b.seqLength - b.realTokens, 0);
  assert.ok(paddedPositions > 0, 'the batched loader pads');
  assert.ok(
    [...alone.batches(0)].every((b) => b.realTokens === b.seqLength),
    'single examples are not padded',
  );
  const batched = await evaluateBatches(model, padded, 2);
  const single = await evaluateBatches(model, alone, 2);
  assert.equal(batched.count, VALIDATION.length);
  const relative = Math.abs(batched.loss - single.loss) / single.loss;
  assert.ok(relative < 1e-5, `loss over padded batches ${batched.loss}, one by one ${single.loss}`);
  assert.deepEqual(batched.confusionMatrix, single.confusionMatrix);
  // The comparison has teeth: attending to the padding would change this model's loss.
  const ignoringMask = await evaluateBatches(model, unmasked(padded), 2);
  const change = Math.abs(ignoringMask.loss - single.loss);
  assert.ok(change > 1e-3 * single.loss, `unmasked loss ${ignoringMask.loss} vs ${single.loss}`);
  model.dispose();
});

test(
  'validation metrics cover the whole set; history has timing; the model is saved as E01_A…_F… with tokenizer ' +
    'files',
  async () => {
    const dir = tempDir('save');
    const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
    const tokenizer = { saveTo: (target: string): void => fs.writeFileSync(path.join(target, 'tokenizer.json'), '{}') };
    const trainer = new Trainer(trainerOptions(model, dir, { numTrainEpochs: 1, saveStrategy: 'epoch', tokenizer }));
    const history = await trainer.fit();
    const epoch = history.epochs[0];
    for (const field of [
      'trainSeconds',
      'secondsPerBatch',
      'samplesPerSecond',
      'realTokensPerSecond',
      'paddedTokensPerSecond',
    ] as const) {
      assert.ok(epoch[field] > 0, `${field} = ${epoch[field]}`);
    }
    assert.ok(epoch.paddingShare > 0 && epoch.paddingShare < 1);
    assert.equal(epoch.samples, 48);
    assert.ok(history.batches.every((b) => b.seconds > 0 && b.paddedTokens === b.batchSize * b.seqLength));

    // Recompute predictions one example at a time, unpadded (mask all ones), and score them once.
    const labels: number[] = [];
    const predictions: number[] = [];
    for (const example of VALIDATION) {
      const length = example.inputIds.length;
      const logits = tf.tidy(() => {
        const inputIds = tf.tensor2d(example.inputIds, [1, length], 'int32');
        return model.forward({ inputIds, attentionMask: tf.ones([1, length], 'int32') }, { training: false });
      });
      predictions.push(...argmaxRows(logits.dataSync(), 2));
      labels.push(example.label);
      logits.dispose();
    }
    const expected = classificationMetrics(labels, predictions, 2);
    assert.equal(epoch.evalAccuracy, expected.accuracy);
    assert.equal(epoch.evalF1, expected.f1);
    assert.deepEqual(epoch.evalConfusionMatrix, expected.confusionMatrix);

    const savedDir = path.join(dir, modelDirName(1, expected.accuracy, expected.f1));
    assert.equal(epoch.savedModelDir, savedDir);
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json'])
      assert.ok(fs.existsSync(path.join(savedDir, file)), `${file} saved`);
    const reloaded = await RobertaForSequenceClassification.fromPretrained(savedDir);
    const again = await evaluateBatches(reloaded, loaders().validationLoader, 2);
    assert.equal(again.accuracy, expected.accuracy);
    reloaded.dispose();
    trainer.dispose();
    model.dispose();
  },
);

test('folder-name format and atomic replacement: a failing write leaves the old folder intact', async () => {
  assert.equal(modelDirName(1, 0.951, 0.9449), 'E01_A0.95_F0.94');
  const dir = path.join(tempDir('atomic'), 'checkpoint');
  await replaceDirectory(dir, (temp) => fs.writeFileSync(path.join(temp, TRAINER_STATE_FILE), '"first"'));
  await assert.rejects(
    replaceDirectory(dir, (temp) => {
      fs.writeFileSync(path.join(temp, TRAINER_STATE_FILE), '"half-written"');
      throw new Error('disk full');
    }),
    /disk full/,
  );
  assert.equal(fs.readFileSync(path.join(dir, TRAINER_STATE_FILE), 'utf8'), '"first"');
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['checkpoint'], 'no temporary folders left behind');
  // A crash between the two renames leaves only checkpoint.old: loading falls back to it.
  fs.renameSync(dir, dir + '.old');
  assert.equal(resolveCheckpointDir(dir), dir + '.old');
});

test('resume refuses a checkpoint made with other loaders (batch count, shuffle seed)', async () => {
  const dir = tempDir('mismatch');
  const model = RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
  const trainer = new Trainer(
    trainerOptions(model, dir, { numTrainEpochs: 1, saveCheckpoints: true, validationLoader: undefined }),
  );
  await trainer.fit();
  trainer.dispose();
  const smaller = new DataLoader(TRAIN.slice(0, 16), { batchSize: 8, mode: 'dynamic', maxLength: 32, seed: 7 });
  const other = new Trainer(
    trainerOptions(model, dir, { trainLoader: smaller, resumeFromCheckpoint: path.join(dir, 'checkpoint') }),
  );
  await assert.rejects(other.fit(), /checkpoint has batches per epoch 6, this trainer has 2/);
  other.dispose();
  const reshuffled = new DataLoader(TRAIN, { batchSize: 8, mode: 'dynamic', maxLength: 32, seed: 8 });
  const third = new Trainer(
    trainerOptions(model, dir, { trainLoader: reshuffled, resumeFromCheckpoint: path.join(dir, 'checkpoint') }),
  );
  await assert.rejects(third.fit(), /checkpoint has training loader seed 7, this trainer has 8/);
  third.dispose();
  model.dispose();
});
