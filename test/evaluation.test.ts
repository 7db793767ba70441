// evaluateModel over a split: the same figures on ONNX Runtime as on tfjs, both checked against
// each text scored alone; what it reads from a DataFrame or a list; its defaults and its progress.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
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
type Metrics = ReturnType<typeof classificationMetrics>;

function textByText(texts: string[], labels: number[]): { metrics: Metrics; loss: number } {
  const probabilities = predictProbabilities(model, tokenizer, texts, { batchSize: 1 });
  const predictions = probabilities.map((p) => p.indexOf(Math.max(...p)));
  const loss = probabilities.reduce((sum, p, i) => sum - Math.log(p[labels[i]]), 0) / texts.length;
  return { metrics: classificationMetrics(labels, predictions, 3), loss };
}

test('tfjs and ONNX Runtime give the figures of each text scored alone, in padded batches', async () => {
  const labels = Array.from(DATA.labels);
  const expected = textByText(TEXTS, labels);
  // The model must not be constant, or predictions and the confusion matrix would prove little.
  const matrix = expected.metrics.confusionMatrix;
  assert.ok(new Set(matrix.flat()).size > 2, JSON.stringify(matrix));
  for (const [name, evaluated] of [
    ['tfjs', model],
    ['onnxruntime', onnxModel],
  ] as const) {
    const report = await evaluateModel({ model: evaluated, tokenizer, data: DATA, batchSize: 4, progress: false });
    const lossMessage = `${name}: loss ${report.loss}, text by text ${expected.loss}`;
    assert.ok(Math.abs(report.loss - expected.loss) < 1e-5, lossMessage);
    assert.deepEqual(report.confusion_matrix, expected.metrics.confusionMatrix, name);
    assert.equal(report.accuracy, expected.metrics.accuracy, name);
    assert.equal(report.f1, expected.metrics.f1, name);
    assert.equal(report.precision, expected.metrics.precision, name);
    assert.equal(report.recall, expected.metrics.recall, name);
    assert.equal(report.count, TEXTS.length, name);
    const timing = `${name}: ${report.seconds} s, ${report.samples_per_s}/s`;
    assert.ok(report.seconds > 0 && report.samples_per_s > 0, timing);
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

test('progress: batches counted under the description ("Evaluating"); the bar is closed; none if off', async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  type Options = { progress: 'log' | 'tty' | false; description?: string; batchSize?: number };
  const output = async (evaluated: typeof model | OnnxRuntimeModel, options: Options): Promise<string> => {
    written.length = 0;
    await evaluateModel({ model: evaluated, tokenizer, data: DATA, ...options });
    return written.join('');
  };
  const outputs: Record<'byDefault' | 'named' | 'silent' | 'terminal', string>[] = [];
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    for (const evaluated of [model, onnxModel]) {
      outputs.push({
        byDefault: await output(evaluated, { progress: 'log' }),
        named: await output(evaluated, { progress: 'log', description: 'Test split', batchSize: 5 }),
        silent: await output(evaluated, { progress: false, batchSize: 5 }),
        terminal: await output(evaluated, { progress: 'tty', batchSize: 5 }),
      });
    }
  } finally {
    process.stderr.write = write;
  }
  const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');
  for (const { byDefault, named, silent, terminal } of outputs) {
    assert.ok(lines(byDefault).length >= 1, byDefault);
    assert.ok(
      lines(byDefault).every((line) => line.startsWith('Evaluating: ')),
      byDefault,
    );
    // Ten texts: one batch of the default 32, two of 5; the rate is in batches.
    assert.ok(byDefault.includes(' 1/1 '), byDefault);
    assert.ok(
      lines(byDefault).every((line) => / batch\/s|s\/batch/.test(line)),
      byDefault,
    );
    assert.ok(lines(named).length >= 1 && lines(named).every((line) => line.startsWith('Test split: ')), named);
    assert.ok(named.includes(' 2/2 '), named);
    assert.equal(silent, '');
    // A terminal bar redraws one line with \r; closing the bar ends that line.
    const closed = terminal.startsWith('\r') && terminal.endsWith('\n') && terminal.includes(' 2/2 ');
    assert.ok(closed, JSON.stringify(terminal));
  }
});

test('ties go to the first label on both runtimes (zero classifier weights: every class scores 0)', async () => {
  const config = { ...model.config };
  const tied = RobertaForSequenceClassification.fromConfig(config, { seed: 6 });
  for (const [name, variable] of tied.parameters) {
    if (name.startsWith('classifier.out_proj.')) variable.assign(tf.zerosLike(variable));
  }
  const saved = path.join(work, 'tied');
  await tied.savePretrained(saved);
  await exportOnnx({ model: saved, out: path.join(work, 'tied-exported') });
  const tiedOnnx = await loadOnnxRuntimeModel(path.join(work, 'tied-exported'));
  // Every prediction is label 0: the confusion matrix has its counts in the first column.
  const expected = [
    [5, 0, 0],
    [5, 0, 0],
    [0, 0, 0],
  ];
  for (const evaluated of [tied, tiedOnnx]) {
    const report = await evaluateModel({ model: evaluated, tokenizer, data: DATA, batchSize: 4, progress: false });
    assert.deepEqual(report.confusion_matrix, expected);
    assert.ok(Math.abs(report.loss - Math.log(3)) < 1e-6, `loss ${report.loss}, ln 3 for equal scores`);
  }
  tied.dispose();
});
