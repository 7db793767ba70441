import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { pipeline, evaluateModel, predictProbabilities } from '../lib/pipeline';
import { classificationMetrics } from '../lib/metrics';
import { train, trainingArguments, loadSplit } from '../lib/train-api';
import { bestEpoch } from '../lib/trainer';
import { SafetensorsFile } from '../lib/model/safetensors';
import { REPO_ROOT } from './helpers/paths';

let tokenizer: RobertaTokenizer;

before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
});

function tinyModel(seed = 1, initializerRange = 0.02): RobertaForSequenceClassification {
  const config = offlineModelConfig(tokenizer.vocabSize, {
    initializer_range: initializerRange,
    hidden_size: 16,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 66,
  });
  return RobertaForSequenceClassification.fromConfig(config, { seed });
}

const TEXTS = [
  'I hate this movie!',
  'I love this movie!',
  'A slow, dull film<br /><br />with one good scene. 4/10',
  'Great.',
];

test(
  "pipeline('text-classification', source) is the same pipeline as pipeline(source), for a model and for a " + 'folder',
  async () => {
    const model = tinyModel(7);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-task-'));
    try {
      const plain = await pipeline({ model, tokenizer }, { maxLength: 32 });
      const withTask = await pipeline('text-classification', { model, tokenizer }, { maxLength: 32 });
      assert.deepEqual(await withTask(TEXTS), await plain(TEXTS));
      await model.savePretrained(dir);
      tokenizer.saveTo(dir);
      const fromFolder = await pipeline('text-classification', dir);
      const scores = (await fromFolder(TEXTS[0])).map((s) => s.score);
      const expected = (await plain(TEXTS[0])).map((s) => s.score);
      scores.forEach((score, i) =>
        assert.ok(Math.abs(score - expected[i]) < 1e-6, `label ${i}: ${score} vs ${expected[i]}`),
      );
      fromFolder.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'pipeline: the best label by default, every label best first with topK null, labels from id2label; a list ' +
    'gives the same scores as single calls',
  async () => {
    const model = tinyModel();
    const classify = await pipeline({ model, tokenizer });
    assert.deepEqual(classify.labels, ['NEGATIVE', 'POSITIVE']);
    const one = await classify('I hate this movie!', { topK: null });
    assert.equal(one.length, 2);
    assert.deepEqual(one.map((s) => s.label).sort(), ['NEGATIVE', 'POSITIVE']);
    assert.ok(one[0].score >= one[1].score);
    assert.ok(Math.abs(one[0].score + one[1].score - 1) < 1e-9);
    assert.deepEqual(await classify('I hate this movie!'), [one[0]]);
    assert.deepEqual(await classify('I hate this movie!', { topK: 2 }), one);
    const many = await classify(TEXTS, { batchSize: 3, topK: null });
    assert.equal(many.length, TEXTS.length);
    for (let i = 0; i < TEXTS.length; i++) {
      const single = await classify(TEXTS[i], { topK: null });
      const a = single.find((s) => s.label === 'POSITIVE')!.score;
      const b = many[i].find((s) => s.label === 'POSITIVE')!.score;
      assert.ok(Math.abs(a - b) < 1e-5, `text ${i}: alone ${a}, in a padded batch ${b}`);
    }
    await assert.rejects(classify('x', { topK: 0 }), /topK must be a positive integer/);
    model.dispose();
  },
);

test('pipeline truncates to maxLength, or refuses a long text when truncation is off', async () => {
  const model = tinyModel();
  const classify = await pipeline({ model, tokenizer });
  const long = 'This film is a long ramble about nothing. '.repeat(40);
  const cut = await classify(long, { maxLength: 32, topK: null });
  assert.equal(cut.length, 2);
  // Truncating to 32 tokens is the same as classifying the first 30 tokens with <s> and </s>.
  const ids = tokenizer.encodePlain([long]).inputIds[0];
  const prefix = tokenizer.decode(ids.slice(1, 31));
  const manual = predictProbabilities(model, tokenizer, [prefix], { maxLength: 64 })[0];
  const positive = cut.find((s) => s.label === 'POSITIVE')!.score;
  assert.ok(Math.abs(manual[1] - positive) < 1e-5, `truncated ${positive}, prefix ${manual[1]}`);
  await assert.rejects(
    classify(long, { maxLength: 32, truncation: false }),
    /text 0 has \d+ tokens, more than maxLength 32/,
  );
  model.dispose();
});

test('pipeline from a saved folder (model + tokenizer files) gives the in-memory scores', async () => {
  const model = tinyModel(4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-saved-'));
  await model.savePretrained(dir);
  tokenizer.saveTo(dir);
  const fromMemory = await (await pipeline({ model, tokenizer }))(TEXTS, { topK: null });
  const fromDisk = await pipeline(dir);
  const again = await fromDisk(TEXTS, { topK: null });
  again.forEach((scores, i) =>
    scores.forEach((s, j) =>
      assert.ok(Math.abs(s.score - fromMemory[i][j].score) < 1e-6, `text ${i} label ${s.label}`),
    ),
  );
  fromDisk.dispose();
  model.dispose();
});

test('evaluateModel scores the whole split once (as scoring each text alone), from texts or a DataFrame', async () => {
  // A wide initialisation, so that attending to padding would visibly change the scores.
  const model = tinyModel(2, 0.5);
  const data = await loadSplit('offline', 'test', { limit: 40, seed: 42 });
  const report = await evaluateModel({ model, tokenizer, data, maxLength: 64, batchSize: 8, progress: false });
  // The reference scores each text alone (batchSize 1): no padding, so nothing for a mask to hide.
  const probabilities = predictProbabilities(model, tokenizer, data.texts, { maxLength: 64, batchSize: 1 });
  const expected = classificationMetrics(
    Array.from(data.labels),
    probabilities.map((p) => (p[1] > p[0] ? 1 : 0)),
    2,
  );
  const expectedLoss = probabilities.reduce((sum, p, i) => sum - Math.log(p[data.labels[i]]), 0) / probabilities.length;
  const lossError = Math.abs(report.loss - expectedLoss);
  assert.ok(lossError < 1e-5 * expectedLoss, `loss over padded batches ${report.loss}, text by text ${expectedLoss}`);
  assert.equal(report.accuracy, expected.accuracy);
  assert.equal(report.f1, expected.f1);
  assert.deepEqual(report.confusion_matrix, expected.confusionMatrix);
  assert.equal(report.count, 40);
  assert.ok(report.samples_per_s > 0);
  const frame = { column: (name: string) => ({ values: name === 'text' ? data.texts : Array.from(data.labels) }) };
  const fromFrame = await evaluateModel({ model, tokenizer, data: frame, maxLength: 64, limit: 10, progress: false });
  assert.equal(fromFrame.count, 10);
  model.dispose();
});

test('train(): evaluates every epoch, saves each, loads the best back, reports HF-style metrics', async () => {
  const model = tinyModel(3);
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-api-'));
  const trainData = await loadSplit('offline', 'train', { limit: 64, seed: 42 });
  const evalData = await loadSplit('offline', 'validation', { limit: 32, seed: 42 });
  const args = trainingArguments({
    outputDir,
    numTrainEpochs: 3,
    learningRate: 3e-3,
    perDeviceTrainBatchSize: 16,
    maxLength: 64,
    progress: false,
    metricForBestModel: 'loss',
  });
  const result = await train({ model, tokenizer, args, trainData, evalData, log: () => {} });
  const m = result.metrics;
  for (const key of ['train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'train_loss'] as const)
    assert.ok(m[key] > 0, `${key} = ${m[key]}`);
  assert.equal(m.epoch, 3);
  assert.equal(result.globalStep, 12);
  assert.ok(Math.abs(m.train_samples_per_second - (3 * 64) / m.train_runtime) < 1e-9);
  assert.equal(result.logHistory.length, 3);
  const best = bestEpoch(result.history.epochs, 'loss')!;
  assert.equal(m.best_epoch, best.epoch);
  assert.equal(m.eval_loss, Math.min(...result.history.epochs.map((e) => e.evalLoss!)));
  assert.equal(m.best_model_dir, best.savedModelDir);
  assert.equal(fs.readdirSync(outputDir).length, 3, 'one saved model per epoch');
  // The model in memory now holds the best epoch's weights.
  const saved = SafetensorsFile.read(path.join(m.best_model_dir!, 'model.safetensors'));
  const name = 'classifier.out_proj.weight';
  assert.deepEqual(model.parameters.get(name)!.dataSync(), saved.readFloat32(name));
  model.dispose();
});

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');

test('ft-roberta train / predict / evaluate on a tiny run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-train-'));
  const paramsFile = path.join(dir, 'params.json');
  fs.writeFileSync(
    paramsFile,
    JSON.stringify({
      trainSize: 16,
      validationSize: 8,
      numTrainEpochs: 1,
      maxLength: 24,
      perDeviceTrainBatchSize: 16,
      outputDir: path.join(dir, 'out'),
    }),
  );
  const env = { ...process.env, FT_ROBERTA_BACKEND: 'wasm' };
  const trained = await run('node', [CLI, 'train', '--params', paramsFile], { env, maxBuffer: 1 << 24 });
  const lines = trained.stdout.trim().split('\n');
  const metrics = JSON.parse(lines.at(-1)!) as Record<string, number | string>;
  for (const key of ['eval_accuracy', 'eval_f1', 'train_runtime', 'best_model_dir'])
    assert.ok(key in metrics, `${key} in ${lines.at(-1)}`);
  const modelDir = String(metrics.best_model_dir);
  assert.ok(fs.existsSync(path.join(modelDir, 'tokenizer.json')));

  const predicted = await run(
    'node',
    [CLI, 'predict', '--model', modelDir, '--top-k', '2', 'I hate this movie!', 'I love this movie!'],
    { env },
  );
  const scores = JSON.parse(predicted.stdout) as { label: string; score: number }[][];
  assert.equal(scores.length, 2);
  assert.ok(scores.every((s) => s.length === 2 && s[0].score >= s[1].score));

  const evaluated = await run('node', [CLI, 'evaluate', '--model', modelDir, '--split', 'test', '--limit', '20'], {
    env,
  });
  const report = JSON.parse(evaluated.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  for (const key of ['accuracy', 'f1', 'precision', 'recall', 'confusion_matrix', 'samples_per_s'])
    assert.ok(key in report, `${key} in evaluate output`);
  assert.equal(report.count, 20);

  fs.writeFileSync(paramsFile, JSON.stringify({ learningrate: 1 }));
  await assert.rejects(
    run('node', [CLI, 'train', '--params', paramsFile], { env }),
    /unknown parameter 'learningrate'/,
  );
  fs.writeFileSync(paramsFile, JSON.stringify({ epochs: 2 }));
  await assert.rejects(
    run('node', [CLI, 'train', '--params', paramsFile], { env }),
    /parameter 'epochs' is now 'numTrainEpochs' \(Hugging Face's TrainingArguments name\)/,
  );
});
