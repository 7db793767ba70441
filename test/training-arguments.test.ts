// One settings object: trainingArguments() takes the training fields of params.ts, the Trainer reads
// them, the notebooks show the very object they pass.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { DataLoader, type TokenizedExample } from '../lib/batching';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { Trainer } from '../lib/trainer';
import { WORKSHOP_DEFAULTS } from '../lib/defaults';
import { TRAINING_ARGUMENT_DEFAULTS, trainingArguments, warmupStepsOf } from '../lib/training-arguments';
import { trainingArgumentRows } from '../lib/display/training-arguments';
import { REPO_ROOT } from './helpers/paths';
import { TINY_CLASSIFIER_CONFIG } from './helpers/tiny-model';

before(async () => {
  await initBackend('wasm');
});

test("trainingArguments(): the training fields of params, overrides on top; the run's other fields left out", () => {
  const params = { ...WORKSHOP_DEFAULTS, learningRate: 0.02, numTrainEpochs: 5 };
  const args = trainingArguments({ numTrainEpochs: 1, optim: 'adam' }, params);
  assert.equal(args.learningRate, 0.02, 'from params');
  assert.equal(args.numTrainEpochs, 1, 'override wins');
  assert.equal(args.optim, 'adam');
  assert.equal(args.outputDir, WORKSHOP_DEFAULTS.outputDir);
  for (const key of ['backend', 'model', 'tokenizer', 'data', 'trainSize', 'validationSize', 'testSize']) {
    assert.ok(!(key in args), `${key} is a run setting, not a training argument`);
  }
  assert.deepEqual(Object.keys(trainingArguments()).sort(), Object.keys(TRAINING_ARGUMENT_DEFAULTS).sort());
  assert.throws(() => trainingArguments({ epochs: 3 } as never), /'epochs' is not a training argument/);
  assert.throws(
    () => trainingArguments({ perDeviceTrainBatchSize: 0, warmupRatio: 2 }),
    /perDeviceTrainBatchSize should be an integer >= 1, found 0; warmupRatio should be between 0 and 1, found 2/,
  );
});

test('the names are those of Hugging Face TrainingArguments, camelCased, where transformers has the setting', () => {
  // transformers' own field names (training_args.py), not ours: a rename on our side turns this red.
  const huggingFace = [
    'output_dir',
    'num_train_epochs',
    'per_device_train_batch_size',
    'per_device_eval_batch_size',
    'gradient_accumulation_steps',
    'learning_rate',
    'optim',
    'weight_decay',
    'lr_scheduler_type',
    'warmup_ratio',
    'warmup_steps',
    'max_grad_norm',
    'eval_strategy',
    'save_strategy',
    'logging_strategy',
    'load_best_model_at_end',
    'metric_for_best_model',
    'seed',
  ];
  const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const ours = new Set(Object.keys(trainingArguments()));
  for (const name of huggingFace) assert.ok(ours.has(camel(name)), `${camel(name)} (${name})`);
});

test('warm-up in optimizer steps: warmupSteps when set, else warmupRatio of all steps rounded up', () => {
  assert.equal(warmupStepsOf({ warmupSteps: 0, warmupRatio: 0.25 }, 6), 2);
  assert.equal(warmupStepsOf({ warmupSteps: 0, warmupRatio: 0.1 }, 6), 1);
  assert.equal(warmupStepsOf({ warmupSteps: 3, warmupRatio: 0.25 }, 6), 3);
  assert.equal(warmupStepsOf({ warmupSteps: 0, warmupRatio: 0 }, 6), 0);
});

test('the table lists every field of the object with its value and a meaning', () => {
  const args = trainingArguments({ resumeFromCheckpoint: 'somewhere' });
  const rows = trainingArgumentRows(args);
  assert.deepEqual(
    rows.map((r) => r.argument),
    Object.keys(args),
  );
  const shown = new Map(rows.map((r) => [r.argument, r.value]));
  assert.equal(shown.get('numTrainEpochs'), '2');
  assert.equal(shown.get('learningRate'), '1e-3');
  assert.equal(shown.get('optim'), 'adamw');
  assert.equal(shown.get('resumeFromCheckpoint'), 'somewhere');
  assert.ok(
    rows.every((r) => String(r.meaning).length > 0),
    'every argument has a meaning',
  );
  const extended = { ...args, extra: 3 };
  assert.ok(trainingArgumentRows(extended).some((r) => r.argument === 'extra' && r.value === '3'));
});

function examples(count: number): TokenizedExample[] {
  return Array.from({ length: count }, (_, i) => ({
    inputIds: [0, ...Array.from({ length: 3 + (i % 7) }, (_, k) => 10 + ((i + k) % 40)), 2],
    label: i % 2,
  }));
}

test('a Trainer given the object trains with exactly those settings', async () => {
  const trainLoader = new DataLoader(examples(24), { batchSize: 8, mode: 'dynamic', maxLength: 32, seed: 1 });
  const model = RobertaForSequenceClassification.fromConfig(TINY_CLASSIFIER_CONFIG, { seed: 1 });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-arguments-'));
  const args = trainingArguments({
    outputDir,
    numTrainEpochs: 2,
    learningRate: 0.01,
    lrSchedulerType: 'linear',
    warmupRatio: 0.25,
    maxGradNorm: 0.5,
    evalStrategy: 'no',
    saveStrategy: 'no',
    loadBestModelAtEnd: false,
    progress: false,
  });
  try {
    const trainer = new Trainer({ model, args, trainLoader, log: () => undefined });
    const history = await trainer.fit();
    const rates = history.batches.map((b) => b.learningRate);
    assert.equal(history.batches.length, 6);
    // Linear with 2 warm-up steps (ceil(0.25 × 6)) over 6: 0, lr/2, then decay to lr/4 at the last step.
    assert.deepEqual(
      rates.map((r) => Number(r.toFixed(6))),
      [0, 0.005, 0.01, 0.0075, 0.005, 0.0025],
    );
    assert.ok(
      history.batches.every((b) => b.gradNorm !== undefined),
      'clipping on: the gradient norm is recorded',
    );
    assert.equal(trainer.optimizer.options.name, 'adamw');
    assert.equal(trainer.optimizer.options.weightDecay, args.weightDecay);
    assert.deepEqual(fs.readdirSync(outputDir), [], "saveStrategy 'no', no checkpoints: nothing written");
  } finally {
    model.dispose();
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
});

test('notebooks 02 and 03 show the arguments they pass to the Trainer, and set no training option beside them', () => {
  for (const name of ['02_static_padding.ipynb', '03_dynamic_padding.ipynb']) {
    const notebook = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'notebooks', name), 'utf8')) as {
      cells: { cell_type: string; source: string[] }[];
    };
    const sources = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    const trainerCell = sources.find((s) => s.includes('new Trainer('));
    assert.ok(trainerCell, `${name}: a cell builds the Trainer`);
    const shown = trainerCell.match(/showTrainingArguments\((\w+)\)/)?.[1];
    assert.ok(shown, `${name}: the Trainer cell shows the training arguments`);
    const call = trainerCell.slice(trainerCell.indexOf('new Trainer('));
    const body = call.slice(0, call.indexOf('})'));
    assert.match(body, new RegExp(`\\bargs: ${shown}\\b|\\b${shown},|\\b${shown} }`), `${name}: passes ${shown}`);
    for (const key of Object.keys(TRAINING_ARGUMENT_DEFAULTS)) {
      assert.doesNotMatch(body, new RegExp(`\\b${key}\\s*:`), `${name}: '${key}' is set beside the shown object`);
    }
  }
});
