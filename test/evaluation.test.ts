// evaluateModel over a split: the same figures on ONNX Runtime as on tfjs, both checked against
// each text scored alone; what it reads from a DataFrame or a list; its defaults and its progress.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { evaluateModel, predictProbabilities, type LabeledTexts } from '../lib/pipeline';
import { classificationMetrics } from '../lib/metrics';
import { loadOnnxRuntimeModel, type OnnxRuntimeModel } from '../lib/export/ort';
import { exportOnnx } from '../lib/export/onnx';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'evaluation-'));
let tokenizer: RobertaTokenizer;
let model: RobertaForSequenceClassification;
let onnxModel: OnnxRuntimeModel;

// Texts of different lengths, so that batches of 4 need padding; labels 0 / 1 alternate.
const TEXTS = [
  'I hate this movie!',
  'I love this movie, the cast is wonderful and the story moves along at a good pace.',
  'A slow, dull film<br /><br />with one good scene. 4/10',
  'Great.',
  'Terrible acting, a plot full of holes, and an ending that made no sense at all to anyone.',
  'One of the best films of the year.',
  'Boring.',
  'I would happily watch it again with friends, it never gets old.',
  'The worst two hours I have spent in a cinema.',
  'Charming, funny and sad in the right places.',
];
const DATA: LabeledTexts = { texts: TEXTS, labels: Int32Array.from(TEXTS, (_, i) => i % 2) };

before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
  // Three labels and a wide initialisation: predictions spread over the classes, the loss is far
  // from log(3), and attending to padding would visibly change the scores.
  const config = offlineModelConfig(tokenizer.vocabSize, {
    initializer_range: 0.5,
    hidden_size: 16,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 34,
    num_labels: 3,
    id2label: { '0': 'NEGATIVE', '1': 'POSITIVE', '2': 'NEUTRAL' },
  });
  model = RobertaForSequenceClassification.fromConfig(config, { seed: 5 });
  const saved = path.join(work, 'saved');
  await model.savePretrained(saved);
  tokenizer.saveTo(saved);
  await exportOnnx({ model: saved, out: path.join(work, 'exported') });
  onnxModel = await loadOnnxRuntimeModel(path.join(work, 'exported'));
});

after(() => {
  model.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

/** The figures of each text scored alone (no padding), with the model's default maximum length. */
function textByText(texts: string[], labels: number[]): { metrics: ReturnType<typeof classificationMetrics>; loss: number } {
  const probabilities = predictProbabilities(model, tokenizer, texts, { batchSize: 1 });
  const predictions = probabilities.map((p) => p.indexOf(Math.max(...p)));
  const loss = probabilities.reduce((sum, p, i) => sum - Math.log(p[labels[i]]), 0) / texts.length;
  return { metrics: classificationMetrics(labels, predictions, 3), loss };
}

test('tfjs and ONNX Runtime give the figures of each text scored alone, in padded batches', async () => {
  const labels = Array.from(DATA.labels);
  const expected = textByText(TEXTS, labels);
  // The model must not be constant, or predictions and the confusion matrix would prove little.
  assert.ok(new Set(expected.metrics.confusionMatrix.flat()).size > 2, JSON.stringify(expected.metrics.confusionMatrix));
  for (const [name, evaluated] of [['tfjs', model], ['onnxruntime', onnxModel]] as const) {
    const report = await evaluateModel({ model: evaluated, tokenizer, data: DATA, batchSize: 4, progress: false });
    assert.ok(Math.abs(report.loss - expected.loss) < 1e-5, `${name}: loss ${report.loss}, text by text ${expected.loss}`);
    assert.deepEqual(report.confusion_matrix, expected.metrics.confusionMatrix, name);
    assert.equal(report.accuracy, expected.metrics.accuracy, name);
    assert.equal(report.f1, expected.metrics.f1, name);
    assert.equal(report.precision, expected.metrics.precision, name);
    assert.equal(report.recall, expected.metrics.recall, name);
    assert.equal(report.count, TEXTS.length, name);
    assert.ok(report.seconds > 0 && report.samples_per_s > 0, `${name}: ${report.seconds} s, ${report.samples_per_s}/s`);
    assert.ok(Math.abs(report.samples_per_s * report.seconds - TEXTS.length) < 1e-6 * TEXTS.length, name);
  }
});

test('defaults: the longest input the model takes, batches of 32; limit keeps the first examples', async () => {
  // Longer than the model's 32 positions: without a default maximum length the model would fail.
  const long = ['A long review that goes on and on about the film. '.repeat(8), ...TEXTS];
  const labels = [1, ...Array.from(DATA.labels)];
  const expected = textByText(long, labels);
  for (const evaluated of [model, onnxModel]) {
    const report = await evaluateModel({ model: evaluated, tokenizer, data: { texts: long, labels }, progress: false });
    assert.ok(Math.abs(report.loss - expected.loss) < 1e-5, `loss ${report.loss}, text by text ${expected.loss}`);
    assert.deepEqual(report.confusion_matrix, expected.metrics.confusionMatrix);
  }
  const limited = await evaluateModel({ model, tokenizer, data: DATA, limit: 3, progress: false });
  const firstThree = textByText(TEXTS.slice(0, 3), Array.from(DATA.labels).slice(0, 3));
  assert.equal(limited.count, 3);
  assert.deepEqual(limited.confusion_matrix, firstThree.metrics.confusionMatrix);
  assert.ok(Math.abs(limited.loss - firstThree.loss) < 1e-5);
});

test('a DataFrame is read by its text and label columns; bad columns and empty splits are named', async () => {
  const columns: Record<string, unknown> = { text: TEXTS, label: Array.from(DATA.labels) };
  const frame = (values: Record<string, unknown>) => ({ column: (name: string) => ({ values: values[name] }) });
  const fromFrame = await evaluateModel({ model, tokenizer, data: frame(columns), batchSize: 4, progress: false });
  const fromList = await evaluateModel({ model, tokenizer, data: DATA, batchSize: 4, progress: false });
  assert.deepEqual(fromFrame.confusion_matrix, fromList.confusion_matrix);
  assert.equal(fromFrame.loss, fromList.loss);
  const badText = /evaluate: column 'text' must hold strings/;
  const badLabel = /evaluate: column 'label' must hold integer labels/;
  for (const [values, message] of [
    [{ ...columns, text: 'not a column' }, badText],
    [{ ...columns, text: [...TEXTS.slice(1), 7] }, badText],
    [{ ...columns, label: 'not a column' }, badLabel],
    [{ ...columns, label: [...Array.from(DATA.labels).slice(1), 0.5] }, badLabel],
  ] as const) {
    await assert.rejects(evaluateModel({ model, tokenizer, data: frame(values), progress: false }), message);
  }
  await assert.rejects(
    evaluateModel({ model, tokenizer, data: { texts: [], labels: [] }, progress: false }),
    /evaluate: no examples to evaluate/,
  );
  await assert.rejects(evaluateModel({ model, tokenizer, data: DATA, limit: 0, progress: false }), /no examples/);
});

test('progress: log lines count the batches under the given description, "Evaluating" by default; none when off', async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  const lines = async (options: { progress: 'log' | false; description?: string; batchSize?: number }): Promise<string[]> => {
    written.length = 0;
    await evaluateModel({ model, tokenizer, data: DATA, ...options });
    return written.join('').split('\n').filter((line) => line !== '');
  };
  try {
    const byDefault = await lines({ progress: 'log' });
    const named = await lines({ progress: 'log', description: 'Test split', batchSize: 5 });
    const silent = await lines({ progress: false, batchSize: 5 });
    process.stderr.write = write;
    assert.ok(byDefault.length >= 1 && byDefault.every((line) => line.startsWith('Evaluating')), byDefault.join('\n'));
    // Ten texts: one batch of the default 32, two of 5.
    assert.ok(byDefault.some((line) => line.includes(' 1/1 ')), byDefault.join('\n'));
    assert.ok(named.length >= 1 && named.every((line) => line.startsWith('Test split')), named.join('\n'));
    assert.ok(named.some((line) => line.includes(' 2/2 ')), named.join('\n'));
    assert.deepEqual(silent, []);
  } finally {
    process.stderr.write = write;
  }
});
