// Settings shown are settings used: notebooks 02 and 03 show the object the Trainer receives.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { DataLoader, type TokenizedExample } from '../lib/batching';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { Trainer } from '../lib/trainer';
import { loopSettingRows, loopSettings, type LoopSettings } from '../lib/loop-settings';
import { REPO_ROOT } from './helpers/paths';
import { TINY_CLASSIFIER_CONFIG } from './helpers/tiny-model';

before(async () => {
  await initBackend('wasm');
});

const SETTINGS = {
  epochs: 2,
  optimizer: 'adamw' as const,
  learningRate: 0.01,
  weightDecay: 0.1,
  warmupRatio: 0.25,
  maxGradNorm: 0.5,
  gradientAccumulationSteps: 1,
  seed: 5,
};

test('loopSettings: from the notebook settings; warm-up in optimizer steps, rounded up', () => {
  const loop = loopSettings(SETTINGS, { schedule: 'linear', batchesPerEpoch: 3 });
  assert.deepEqual(loop, {
    epochs: 2,
    optimizer: { name: 'adamw', learningRate: 0.01, weightDecay: 0.1 },
    schedule: 'linear',
    warmupSteps: 2, // ceil(0.25 × 6)
    maxGradNorm: 0.5,
    gradientAccumulationSteps: 1,
    seed: 5,
  });
  assert.throws(
    () => loopSettings(SETTINGS, { schedule: 'linear', batchesPerEpoch: 0 }),
    /batchesPerEpoch should be an integer >= 1, found 0/,
  );
});

test('the table lists every field of the object, nested ones by path, with its value', () => {
  const loop = loopSettings(SETTINGS, { schedule: 'constant', batchesPerEpoch: 3 });
  const rows = loopSettingRows(loop);
  const shown = new Map(rows.map((r) => [r.setting, r.value]));
  const flat = (prefix: string, value: unknown): [string, string][] =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([k, v]) => flat(prefix ? `${prefix}.${k}` : k, v))
      : [[prefix, String(value)]];
  assert.deepEqual([...shown.entries()].sort(), flat('', loop).sort());
  // A field added to the object later shows up without touching the table code.
  const extended = { ...loop, extra: 3 } as LoopSettings;
  assert.ok(loopSettingRows(extended).some((r) => r.setting === 'extra' && r.value === '3'));
});

function examples(count: number): TokenizedExample[] {
  return Array.from({ length: count }, (_, i) => ({
    inputIds: [0, ...Array.from({ length: 3 + (i % 7) }, (_, k) => 10 + ((i + k) % 40)), 2],
    label: i % 2,
  }));
}

test('a Trainer given the object trains with exactly those settings', async () => {
  const config = TINY_CLASSIFIER_CONFIG;
  const trainLoader = new DataLoader(examples(24), { batchSize: 8, mode: 'dynamic', maxLength: 32, seed: 1 });
  const loop = loopSettings(SETTINGS, { schedule: 'linear', batchesPerEpoch: trainLoader.numBatches });
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 1 });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loop-settings-'));
  try {
    const trainer = new Trainer({
      model,
      trainLoader,
      ...loop,
      numLabels: 2,
      outputDir,
      saveFreq: 0,
      checkpointFreq: 0,
      progress: false,
      log: () => undefined,
    });
    const history = await trainer.fit();
    const rates = history.batches.map((b) => b.learningRate);
    assert.equal(history.batches.length, 6);
    // Linear with 2 warm-up steps over 6: 0, lr/2, then decay to lr/4 at the last step.
    assert.deepEqual(
      rates.map((r) => Number(r.toFixed(6))),
      [0, 0.005, 0.01, 0.0075, 0.005, 0.0025],
    );
    assert.ok(
      history.batches.every((b) => b.gradNorm !== undefined),
      'clipping on: the gradient norm is recorded',
    );
  } finally {
    model.dispose();
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
});

test('notebooks 02 and 03 spread the shown object into the Trainer and set no training option of their own', () => {
  for (const name of ['02_static_padding.ipynb', '03_dynamic_padding.ipynb']) {
    const notebook = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'notebooks', name), 'utf8')) as {
      cells: { cell_type: string; source: string[] }[];
    };
    const sources = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    const trainerCell = sources.find((s) => s.includes('new Trainer('));
    assert.ok(trainerCell, `${name}: a cell builds the Trainer`);
    const shown = trainerCell.match(/showLoopSettings\((\w+)\)/)?.[1];
    assert.ok(shown, `${name}: the Trainer cell shows the loop settings`);
    const call = trainerCell.slice(trainerCell.indexOf('new Trainer('));
    const body = call.slice(0, call.indexOf('});'));
    assert.ok(body.includes(`...${shown}`), `${name}: the Trainer receives ...${shown}, the object shown`);
    for (const key of [
      'optimizer',
      'epochs',
      'schedule',
      'warmupSteps',
      'maxGradNorm',
      'gradientAccumulationSteps',
      'seed',
    ]) {
      assert.doesNotMatch(body, new RegExp(`\\b${key}\\s*:`), `${name}: '${key}' is set beside the shown object`);
    }
  }
});
