// The Trainer's options and records, pinned value by value: refusals with their messages, the
// learning rate and step of every batch (schedule, warm-up, accumulation), the epoch summary's
// arithmetic, which folders are saved when, what a stop leaves behind, the log and progress lines.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { robertaConfig } from '../lib/model/config';
import { DataLoader, type Batch, type TokenizedExample } from '../lib/batching';
import {
  Trainer,
  bestEpoch,
  evaluateBatches,
  type BatchLoader,
  type EpochRecord,
  type TrainerOptions,
} from '../lib/trainer';
import { MODEL_FILE, TRAINER_STATE_FILE } from '../lib/checkpoint';
import { SafetensorsFile } from '../lib/model/safetensors';
import { trainerOptionsFrom, type TrainerOverrides } from './helpers/trainer-setup';

before(async () => {
  await initBackend('wasm');
});

const CONFIG = robertaConfig({
  vocab_size: 40,
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  intermediate_size: 16,
  max_position_embeddings: 20,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  initializer_range: 0.5,
  num_labels: 2,
});

/** 24 short examples of lengths 3 to 12 (ids 0 … 2 framed), labels alternating. */
const EXAMPLES: TokenizedExample[] = Array.from({ length: 24 }, (_, i) => ({
  inputIds: [0, ...Array.from({ length: 1 + ((i * 7) % 10) }, (_, t) => 5 + ((i * 3 + t * 11) % 35)), 2],
  label: i % 2,
}));
const LEARNING_RATE = 3e-3;

/** 6 batches of 4 per epoch. */
function trainLoader(): DataLoader {
  return new DataLoader(EXAMPLES, { batchSize: 4, mode: 'dynamic', maxLength: 16, shuffle: true, seed: 7 });
}

function validationLoader(): DataLoader {
  return new DataLoader(EXAMPLES.slice(0, 10), { batchSize: 4, mode: 'dynamic', maxLength: 16, shuffle: false });
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `trainer-options-${name}-`));
}

function newModel(): RobertaForSequenceClassification {
  return RobertaForSequenceClassification.fromConfig(CONFIG, { seed: 3 });
}

function options(model: RobertaForSequenceClassification, overrides: TrainerOverrides = {}): TrainerOptions {
  const base = { numTrainEpochs: 1, learningRate: LEARNING_RATE, outputDir: tempDir('run') };
  return trainerOptionsFrom({ model, trainLoader: trainLoader() }, base, overrides);
}

/** Trains with these options on a fresh model; returns the trainer (not disposed) and the model. */
type Run = { trainer: Trainer; model: RobertaForSequenceClassification };

async function run(overrides: TrainerOverrides = {}): Promise<Run> {
  const model = newModel();
  const trainer = new Trainer(options(model, overrides));
  await trainer.fit();
  return { trainer, model };
}

function weights(model: RobertaForSequenceClassification): Float32Array[] {
  return [...model.parameters.values()].map((v) => Float32Array.from(v.dataSync()));
}

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.every((values, i) => values.every((x, j) => Object.is(x, b[i][j])));
}

function readState(dir: string): { epoch: number; batchIndex: number; globalStep: number } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint', TRAINER_STATE_FILE), 'utf8'));
}

/** Delegates to a loader, optionally acting before each batch is handed out, or ending early. */
interface AdjustableLoader extends Omit<BatchLoader, 'numBatches'> {
  numBatches: number;
}

function wrapped(inner: BatchLoader, onBatch = (_index: number): void => {}, yieldOnly = Infinity): AdjustableLoader {
  return {
    numBatches: inner.numBatches,
    seed: inner.seed,
    *batches(epoch: number, opts: { startBatch?: number } = {}): Iterable<Batch> {
      let index = opts.startBatch ?? 0;
      for (const batch of inner.batches(epoch, opts)) {
        if (index >= yieldOnly) return;
        onBatch(index++);
        yield batch;
      }
    },
  };
}

test('bad options are refused, naming the option, what was expected and what was found', () => {
  const model = newModel();
  const cases: [TrainerOverrides, RegExp][] = [
    [{ numTrainEpochs: 0 }, /^Error: Trainer: args: numTrainEpochs should be an integer >= 1, found 0$/],
    [{ numTrainEpochs: Number.NaN }, /numTrainEpochs should be an integer >= 1, found NaN/],
    [{ trainLoader: { numBatches: 0, batches: () => [] } }, /^Error: Trainer: the training loader has no batches$/],
    [
      { gradientAccumulationSteps: 0 },
      /^Error: Trainer: args: gradientAccumulationSteps should be an integer >= 1, found 0$/,
    ],
    [{ gradientAccumulationSteps: 1.5 }, /gradientAccumulationSteps should be an integer >= 1, found 1.5/],
    [{ learningRate: 0 }, /learningRate should be above 0, found 0/],
    [{ warmupRatio: 1.5 }, /warmupRatio should be between 0 and 1, found 1.5/],
    [{ maxGradNorm: -1 }, /maxGradNorm should be >= 0 \(0: no clipping\), found -1/],
    [
      { loadBestModelAtEnd: true, saveStrategy: 'no' },
      /loadBestModelAtEnd needs evalStrategy and saveStrategy 'epoch'/,
    ],
  ];
  for (const [overrides, message] of cases) {
    const refused = (err: Error): boolean => message.test(String(err));
    assert.throws(() => new Trainer(options(model, overrides)), refused, JSON.stringify(overrides));
  }
  // Accepted: one epoch, a loader of one batch, accumulation 1.
  const oneBatch = new DataLoader(EXAMPLES.slice(0, 4), { batchSize: 4, mode: 'dynamic', maxLength: 16 });
  new Trainer(options(model, { trainLoader: oneBatch, gradientAccumulationSteps: 1 })).dispose();
  model.dispose();
});

test('defaults: constant rate, a step per batch, no clipping record, dropout seed 42', async () => {
  const { trainer, model } = await run({ seed: undefined });
  const batches = trainer.history.batches;
  assert.deepEqual(
    batches.map((b) => b.batch),
    [0, 1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    batches.map((b) => b.step),
    [1, 2, 3, 4, 5, 6],
  );
  assert.ok(batches.every((b) => b.epoch === 1 && b.learningRate === LEARNING_RATE && !('gradNorm' in b)));
  assert.equal(trainer.state.globalStep, 6);
  assert.equal(trainer.state.batchesSeen, 6, 'the dropout seed counter counts batches');
  const byDefault = weights(model);
  trainer.dispose();
  model.dispose();
  const seeded = await run({ seed: 42 });
  assert.ok(sameWeights(weights(seeded.model), byDefault), 'seed 42 gives the default run');
  seeded.trainer.dispose();
  seeded.model.dispose();
  const other = await run({ seed: 43 });
  assert.ok(!sameWeights(weights(other.model), byDefault), 'another dropout seed gives other weights');
  other.trainer.dispose();
  other.model.dispose();
});

test('linear schedule with warm-up over accumulated steps: every batch records its rate, step and norm', async () => {
  // 6 batches, accumulation 4: a step after batch 4 and one at the epoch's end (ceil(6 / 4) = 2 a
  // epoch), 4 steps in 2 epochs, 1 of warm-up. Hugging Face's rate for step s: s / 1 during warm-up,
  // then lr * (4 - s) / (4 - 1).
  const { trainer, model } = await run({
    numTrainEpochs: 2,
    gradientAccumulationSteps: 4,
    lrSchedulerType: 'linear',
    warmupSteps: 1,
    maxGradNorm: 1,
  });
  const batches = trainer.history.batches;
  const rate = (step: number): number => (step < 1 ? 0 : (LEARNING_RATE * (4 - step)) / 3);
  const stepsBefore = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3];
  assert.deepEqual(
    batches.map((b) => b.epoch),
    [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
  );
  assert.deepEqual(
    batches.map((b) => b.step),
    [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 4],
  );
  batches.forEach((b, i) => {
    const expected = rate(stepsBefore[i]);
    assert.ok(Math.abs(b.learningRate - expected) <= 1e-12, `batch ${i}: rate ${b.learningRate}, expected ${expected}`);
  });
  // The norm (before clipping) is recorded on the batches that end an accumulation.
  const stepping = batches.map((b) => b.gradNorm !== undefined);
  assert.deepEqual(stepping, [false, false, false, true, false, true, false, false, false, true, false, true]);
  assert.ok(batches.every((b) => b.gradNorm === undefined || b.gradNorm > 0));
  assert.equal(trainer.state.globalStep, 4);
  // Each epoch's summary counts its own batches only.
  assert.deepEqual(
    trainer.history.epochs.map((e) => [e.batches, e.samples]),
    [
      [6, 24],
      [6, 24],
    ],
  );
  trainer.dispose();
  model.dispose();
});

test("the epoch summary is the batches' arithmetic, its validation validate()'s; the log line shows them", async () => {
  const lines: string[] = [];
  const { trainer, model } = await run({ validationLoader: validationLoader(), log: (line) => lines.push(line) });
  const [epoch] = trainer.history.epochs;
  const batches = trainer.history.batches;
  const sum = (pick: (b: (typeof batches)[number]) => number): number => batches.reduce((s, b) => s + pick(b), 0);
  const seconds = sum((b) => b.seconds);
  const close = (actual: number, expected: number, what: string): void =>
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual}, expected ${expected}`);
  assert.equal(epoch.epoch, 1);
  assert.equal(epoch.batches, 6);
  assert.equal(epoch.samples, 24);
  close(epoch.trainLoss, sum((b) => b.loss * b.batchSize) / 24, 'trainLoss');
  close(epoch.trainSeconds, seconds, 'trainSeconds');
  close(epoch.secondsPerBatch, seconds / 6, 'secondsPerBatch');
  close(epoch.samplesPerSecond, 24 / seconds, 'samplesPerSecond');
  close(epoch.realTokensPerSecond, sum((b) => b.realTokens) / seconds, 'realTokensPerSecond');
  close(epoch.paddedTokensPerSecond, sum((b) => b.batchSize * b.seqLength) / seconds, 'paddedTokensPerSecond');
  close(epoch.paddingShare, 1 - sum((b) => b.realTokens) / sum((b) => b.batchSize * b.seqLength), 'paddingShare');
  assert.ok(epoch.paddingShare > 0, 'the batches are padded');
  for (const b of batches) {
    assert.equal(b.paddedTokens, b.batchSize * b.seqLength);
    assert.ok(b.realTokens < b.paddedTokens || b.batchSize === 1 || b.realTokens === b.paddedTokens);
  }
  const validation = await trainer.validate();
  assert.equal(epoch.evalLoss, validation.loss);
  assert.equal(epoch.evalAccuracy, validation.accuracy);
  assert.equal(epoch.evalPrecision, validation.precision);
  assert.equal(epoch.evalRecall, validation.recall);
  assert.equal(epoch.evalF1, validation.f1);
  assert.deepEqual(epoch.evalConfusionMatrix, validation.confusionMatrix);
  assert.ok(epoch.evalSeconds! > 0);
  assert.equal(lines.length, 1, lines.join('\n'));
  for (const part of [
    'epoch 1/1',
    `train loss ${epoch.trainLoss.toFixed(4)}`,
    `val loss ${validation.loss.toFixed(4)}`,
    `accuracy ${validation.accuracy.toFixed(4)}`,
    `F1 ${validation.f1.toFixed(4)}`,
    `precision ${validation.precision.toFixed(4)}`,
    `recall ${validation.recall.toFixed(4)}`,
    `${epoch.secondsPerBatch.toFixed(3)} s/batch`,
    `${epoch.samplesPerSecond.toFixed(1)} samples/s`,
  ]) {
    assert.ok(lines[0].includes(part), `'${part}' in '${lines[0]}'`);
  }
  const noValidation = new Trainer(options(model));
  await assert.rejects(noValidation.validate(), /Trainer.validate: no validation loader/);
  noValidation.dispose();
  trainer.dispose();
  model.dispose();
});

test("evaluateBatches: the loss is the mean of each example's loss, computed alone", async () => {
  const model = newModel();
  const loader = validationLoader();
  const result = await evaluateBatches(model, loader, 2);
  let sum = 0;
  for (const example of EXAMPLES.slice(0, 10)) {
    const length = example.inputIds.length;
    sum += tf.tidy(() => {
      const logits = model.forward(
        { inputIds: tf.tensor2d(example.inputIds, [1, length], 'int32'), attentionMask: tf.ones([1, length], 'int32') },
        { training: false },
      );
      return model.loss(logits, tf.tensor1d([example.label], 'int32')).dataSync()[0];
    });
  }
  const mean = sum / 10;
  assert.ok(Math.abs(result.loss - mean) < 1e-5 * mean, `loss ${result.loss}, example by example ${mean}`);
  assert.equal(result.count, 10);
  assert.ok(Math.abs(result.samplesPerSecond * result.seconds - 10) < 1e-6);
  model.dispose();
});

test('saving: a model and a checkpoint every epoch when asked, a checkpoint every checkpointSteps', async () => {
  const dir = tempDir('save');
  const saved = await run({ outputDir: dir, numTrainEpochs: 2, saveStrategy: 'epoch', saveCheckpoints: true });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['E01', 'E02', 'checkpoint']);
  assert.deepEqual(
    saved.trainer.history.epochs.map((e) => e.savedModelDir),
    [path.join(dir, 'E01'), path.join(dir, 'E02')],
  );
  assert.deepEqual([readState(dir).epoch, readState(dir).globalStep], [2, 12]);
  saved.trainer.dispose();
  saved.model.dispose();

  const none = tempDir('none');
  const unsaved = await run({ outputDir: none, saveStrategy: 'no', saveCheckpoints: false });
  assert.deepEqual(fs.readdirSync(none), []);
  assert.equal(unsaved.trainer.history.epochs[0].savedModelDir, undefined);
  unsaved.trainer.dispose();
  unsaved.model.dispose();

  // Only the model: no checkpoint folder.
  const modelOnly = tempDir('model-only');
  const models = await run({ outputDir: modelOnly, saveStrategy: 'epoch', saveCheckpoints: false });
  assert.deepEqual(fs.readdirSync(modelOnly), ['E01']);
  models.trainer.dispose();
  models.model.dispose();

  // Every 4 steps within the epoch; the epoch's end (step 6) is not a multiple and no epoch checkpoint is due.
  const bySteps = tempDir('steps');
  const stepped = await run({ outputDir: bySteps, checkpointSteps: 4 });
  assert.deepEqual(fs.readdirSync(bySteps), ['checkpoint']);
  assert.deepEqual([readState(bySteps).batchIndex, readState(bySteps).globalStep], [4, 4]);
  stepped.trainer.dispose();
  stepped.model.dispose();

  // Every 3 steps: step 3 is saved; step 6 ends the epoch, and the end of an epoch is not saved by steps.
  const atEnd = tempDir('steps-end');
  const ended = await run({ outputDir: atEnd, checkpointSteps: 3 });
  assert.deepEqual([readState(atEnd).batchIndex, readState(atEnd).globalStep], [3, 3]);
  ended.trainer.dispose();
  ended.model.dispose();
});

test('a stop saves a checkpoint only when checkpoints are on, and says so', async () => {
  // A fresh trainer has no stop pending: trainEpoch() called directly trains the whole epoch.
  const fresh = await run({ numTrainEpochs: 1 });
  const direct = new Trainer(options(fresh.model, { numTrainEpochs: 2 }));
  assert.equal(await direct.trainEpoch(), true);
  assert.equal(direct.history.batches.length, 6);
  direct.dispose();
  fresh.trainer.dispose();
  fresh.model.dispose();
  for (const [saving, overrides] of [
    [false, { saveCheckpoints: false }],
    [true, { saveCheckpoints: false, checkpointSteps: 5 }],
    [true, { saveCheckpoints: true }],
  ] as const) {
    const dir = tempDir('stop');
    const controller = new AbortController();
    const lines: string[] = [];
    const loader = wrapped(trainLoader(), (index) => index === 2 && controller.abort());
    const log = (line: string): number => lines.push(line);
    const signal = controller.signal;
    const { trainer, model } = await run({ ...overrides, outputDir: dir, trainLoader: loader, signal, log });
    assert.equal(trainer.history.stopped, 'interrupted');
    const where = saving ? `; checkpoint in ${path.join(dir, 'checkpoint')}` : '';
    const expected = 'stopped in epoch 1 after batch 3 (step 3)' + where;
    assert.deepEqual(lines, [expected]);
    assert.equal(fs.existsSync(path.join(dir, 'checkpoint')), saving);
    trainer.dispose();
    model.dispose();
  }
});

test('no checkpoint mid-accumulation; resume refuses other accumulation, a later epoch, another version', async () => {
  // Settled into a message at once: an unhandled rejection would end the test process.
  let saving: Promise<string> | undefined;
  const model = newModel();
  const loader = wrapped(trainLoader(), (index) => {
    if (index === 1)
      saving = trainer.saveCheckpoint().then(
        () => 'saved',
        (err: Error) => err.message,
      );
  });
  const dir = tempDir('resume');
  const accumulating = { outputDir: dir, trainLoader: loader, gradientAccumulationSteps: 2, saveCheckpoints: true };
  const trainer = new Trainer(options(model, accumulating));
  await trainer.fit();
  assert.match(await saving!, /^Trainer.saveCheckpoint: gradients of a partial accumulation would be lost/);
  trainer.dispose();

  const checkpoint = path.join(dir, 'checkpoint');
  const variant = (name: string, edit: (state: Record<string, unknown>) => void): string => {
    const copy = path.join(dir, name);
    fs.cpSync(checkpoint, copy, { recursive: true });
    const file = path.join(copy, TRAINER_STATE_FILE);
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(state);
    fs.writeFileSync(file, JSON.stringify(state));
    return copy;
  };
  const refusals: [TrainerOverrides, RegExp][] = [
    [
      { resumeFromCheckpoint: checkpoint, gradientAccumulationSteps: 1 },
      /checkpoint has gradientAccumulationSteps 2, this trainer has 1$/,
    ],
    [
      { resumeFromCheckpoint: variant('later', (s) => (s.epoch = 2)) },
      /checkpoint is at epoch 2, beyond this run's 1 epochs$/,
    ],
    [
      { resumeFromCheckpoint: variant('v2', (s) => (s.version = 2)) },
      /trainer_state.json is not a version-1 trainer state$/,
    ],
    [{ resumeFromCheckpoint: variant('no-history', (s) => delete s.history) }, /is not a version-1 trainer state$/],
    [{ resumeFromCheckpoint: variant('no-epoch', (s) => (s.epoch = '1')) }, /is not a version-1 trainer state$/],
  ];
  for (const [overrides, message] of refusals) {
    const other = new Trainer(options(model, { outputDir: dir, gradientAccumulationSteps: 2, ...overrides }));
    await assert.rejects(other.fit(), message, String(overrides.resumeFromCheckpoint));
    other.dispose();
  }
  // The same checkpoint, unedited, resumes (at the end of its only epoch: nothing left to train).
  const resumed = new Trainer(
    options(model, { outputDir: dir, gradientAccumulationSteps: 2, resumeFromCheckpoint: checkpoint }),
  );
  const history = await resumed.fit();
  assert.equal(history.batches.length, 6);
  resumed.dispose();
  model.dispose();
});

test('a loader that yields fewer batches than it announces, or changes its count, is an error', async () => {
  const model = newModel();
  const short = new Trainer(options(model, { trainLoader: wrapped(trainLoader(), () => {}, 5) }));
  const fewer = /^Error: Trainer: the training loader yielded 5 batches in epoch 1, it announced 6$/;
  await assert.rejects(short.fit(), fewer);
  short.dispose();
  const changing = wrapped(trainLoader());
  const trainer = new Trainer(options(model, { trainLoader: changing }));
  changing.numBatches = 5;
  const changed = /^Error: Trainer: the training loader has 5 batches per epoch, the run was set up with 6$/;
  await assert.rejects(trainer.fit(), changed);
  trainer.dispose();
  model.dispose();
});

test('progress: a bar per epoch and one for validation on stderr; none when off', async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  let logged: string;
  let silent: string;
  try {
    const logging = await run({ numTrainEpochs: 2, validationLoader: validationLoader(), progress: 'log' });
    logging.trainer.dispose();
    logging.model.dispose();
    logged = written.join('');
    written.length = 0;
    const quiet = await run({ validationLoader: validationLoader(), progress: false });
    quiet.trainer.dispose();
    quiet.model.dispose();
    silent = written.join('');
  } finally {
    process.stderr.write = write;
  }
  for (const bar of ['Epoch 1/2: ', 'Epoch 2/2: ', 'Validation: ']) {
    assert.ok(logged.includes(bar), `'${bar}' in\n${logged}`);
  }
  assert.ok(/Epoch 1\/2: +100% .* 6\/6 .*batch/.test(logged), logged);
  assert.ok(/Validation: +100% .* 3\/3 /.test(logged), logged);
  assert.equal(silent, '');
});

function epochRecord(epoch: number, evaluation: { accuracy?: number; f1?: number; loss?: number } = {}): EpochRecord {
  return {
    epoch,
    trainLoss: 0.5,
    trainSeconds: 1,
    batches: 1,
    samples: 1,
    secondsPerBatch: 1,
    samplesPerSecond: 1,
    realTokensPerSecond: 1,
    paddedTokensPerSecond: 1,
    paddingShare: 0,
    evalAccuracy: evaluation.accuracy,
    evalF1: evaluation.f1,
    evalLoss: evaluation.loss,
  };
}

test('bestEpoch: the highest accuracy or F1, the lowest loss, the earliest among equals; unevaluated: the last', () => {
  const epochs = [
    epochRecord(1, { accuracy: 0.7, f1: 0.9, loss: 0.5 }),
    epochRecord(2, { accuracy: 0.8, f1: 0.6, loss: 0.4 }),
    epochRecord(3, { accuracy: 0.8, f1: 0.7, loss: 0.45 }),
  ];
  assert.equal(bestEpoch(epochs, 'accuracy')?.epoch, 2, 'epoch 3 ties on accuracy: the earlier wins');
  assert.equal(bestEpoch(epochs, 'f1')?.epoch, 1);
  assert.equal(bestEpoch(epochs, 'loss')?.epoch, 2);
  const unevaluated = [epochRecord(1), epochRecord(2)];
  assert.equal(bestEpoch(unevaluated, 'accuracy')?.epoch, 2);
  assert.equal(bestEpoch(unevaluated, 'loss')?.epoch, 2);
  assert.equal(bestEpoch([], 'accuracy'), undefined);
  // An epoch without evaluation between evaluated ones is skipped, not taken as best.
  const gap = [epochRecord(1, { loss: 0.3 }), epochRecord(2), epochRecord(3, { loss: 0.35 })];
  assert.equal(bestEpoch(gap, 'loss')?.epoch, 1);
});

test("loadBestModel() puts the best epoch's saved weights back and says so; the last epoch best: nothing", async () => {
  const dir = tempDir('best');
  const lines: string[] = [];
  const overrides: TrainerOverrides = {
    outputDir: dir,
    numTrainEpochs: 2,
    validationLoader: validationLoader(),
    saveStrategy: 'epoch',
    metricForBestModel: 'loss',
    log: (line) => void lines.push(line),
  };
  const { trainer, model } = await run(overrides);
  const [first, second] = trainer.history.epochs;
  const saved = (record: EpochRecord): Float32Array[] => {
    const file = SafetensorsFile.read(path.join(record.savedModelDir!, MODEL_FILE));
    return [...model.parameters.keys()].map((name) => file.readFloat32(name));
  };
  assert.ok(sameWeights(weights(model), saved(second)), 'after fit: the last epoch, loadBestModelAtEnd off');
  assert.ok(!sameWeights(saved(first), saved(second)), 'the two epochs saved different weights');
  lines.length = 0;
  // The second epoch is best: nothing to load.
  [first.evalLoss, second.evalLoss] = [0.9, 0.1];
  assert.equal(trainer.loadBestModel(), second);
  assert.ok(sameWeights(weights(model), saved(second)));
  assert.deepEqual(lines, []);
  // The first is best: its weights come back, and the log says from where.
  [first.evalLoss, second.evalLoss] = [0.1, 0.9];
  assert.equal(trainer.loadBestModel(), first);
  assert.ok(sameWeights(weights(model), saved(first)), "the first epoch's weights are back");
  assert.deepEqual(lines, [`best model (epoch 1 by loss) loaded from ${first.savedModelDir}`]);
  trainer.dispose();
  model.dispose();

  // Nothing trained yet: no best epoch. Nothing saved: the best epoch is named, nothing is loaded.
  const freshModel = newModel();
  const fresh = new Trainer(options(freshModel, { validationLoader: validationLoader() }));
  assert.equal(fresh.loadBestModel(), undefined);
  fresh.dispose();
  freshModel.dispose();
  const unsaved = await run({
    numTrainEpochs: 2,
    validationLoader: validationLoader(),
    saveStrategy: 'no',
    metricForBestModel: 'loss',
  });
  const before = weights(unsaved.model);
  const [a, b] = unsaved.trainer.history.epochs;
  [a.evalLoss, b.evalLoss] = [0.1, 0.9];
  lines.length = 0;
  assert.equal(unsaved.trainer.loadBestModel(), a);
  assert.ok(sameWeights(weights(unsaved.model), before), 'no saved folder: the weights stay');
  unsaved.trainer.dispose();
  unsaved.model.dispose();
});

test('fit() loads the best model only with loadBestModelAtEnd; evalStrategy, loggingStrategy no obeyed', async () => {
  class CountingTrainer extends Trainer {
    loads = 0;
    loadBestModel(): EpochRecord | undefined {
      this.loads += 1;
      return super.loadBestModel();
    }
  }
  for (const loadBestModelAtEnd of [true, false]) {
    const model = newModel();
    const overrides: TrainerOverrides = {
      outputDir: tempDir('load-best'),
      validationLoader: validationLoader(),
      saveStrategy: 'epoch',
      loadBestModelAtEnd,
    };
    const trainer = new CountingTrainer(options(model, overrides));
    await trainer.fit();
    assert.equal(trainer.loads, loadBestModelAtEnd ? 1 : 0, `loadBestModelAtEnd ${loadBestModelAtEnd}`);
    trainer.dispose();
    model.dispose();
  }
  const lines: string[] = [];
  const quiet = await run({
    validationLoader: validationLoader(),
    evalStrategy: 'no',
    loggingStrategy: 'no',
    log: (line) => void lines.push(line),
  });
  assert.equal(quiet.trainer.history.epochs[0].evalAccuracy, undefined, "evalStrategy 'no': no validation");
  assert.deepEqual(lines, [], "loggingStrategy 'no': no epoch line");
  quiet.trainer.dispose();
  quiet.model.dispose();
  const logged: string[] = [];
  const loud = await run({ validationLoader: validationLoader(), log: (line) => void logged.push(line) });
  assert.ok(loud.trainer.history.epochs[0].evalAccuracy !== undefined);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^epoch 1\/1 \| train loss/);
  loud.trainer.dispose();
  loud.model.dispose();
});
