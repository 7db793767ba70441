// A shape unlike the fixture's (3 layers, hidden 48, 3 heads of 16, odd intermediate 97, 3 labels,
// 37 positions), so nothing can depend on the fixture's numbers: initialisation, padding invariance,
// a finite-difference gradient check, a save/load round trip, and input validation.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { configToJson, robertaConfig } from '../lib/model/config';
import { TINY_CLASSIFIER_CONFIG } from './helpers/tiny-model';
import { throwsInTidy } from './helpers/throws';

const config = robertaConfig({
  vocab_size: 311,
  hidden_size: 48,
  num_hidden_layers: 3,
  num_attention_heads: 3,
  intermediate_size: 97,
  max_position_embeddings: 37,
  type_vocab_size: 1,
  layer_norm_eps: 1e-5,
  initializer_range: 0.2,
  id2label: { 0: 'a', 1: 'b', 2: 'c' },
});

const lengths = [35, 2, 17, 9, 35];
const seq = 35;
const ids = lengths.map((length, row) =>
  Array.from({ length: seq }, (_, t) =>
    t === 0 ? 0 : t === length - 1 ? 2 : t < length ? 4 + ((row * 97 + t * 31) % 300) : 1,
  ),
);
const mask = lengths.map((length) => Array.from({ length: seq }, (_, t) => (t < length ? 1 : 0)));
const labels = [0, 2, 1, 1, 2];

function logits(model: RobertaForSequenceClassification, rows: number[][], rowMask?: number[][]): number[] {
  return tf.tidy(() =>
    Array.from(
      model
        .forward(
          {
            inputIds: tf.tensor2d(rows, undefined, 'int32'),
            attentionMask: rowMask && tf.tensor2d(rowMask, undefined, 'int32'),
          },
          { training: false },
        )
        .dataSync(),
    ),
  );
}

before(async () => {
  await initBackend('wasm');
});

test('fresh weights follow Hugging Face init: normal(0, 0.2), zero padding rows, LayerNorm 1/0, zero biases', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 1 });
  assert.equal(
    model.numParameters(),
    311 * 48 +
      37 * 48 +
      48 +
      96 +
      3 * (4 * (48 * 48 + 48) + 2 * 96 + 48 * 97 + 97 + 97 * 48 + 48) +
      48 * 48 +
      48 +
      48 * 3 +
      3,
  );
  const word = Array.from(model.parameters.get('roberta.embeddings.word_embeddings.weight')?.dataSync() ?? []);
  assert.ok(
    word.slice(48, 96).every((v) => v === 0),
    'word padding row',
  );
  assert.ok(
    Array.from(model.parameters.get('roberta.embeddings.position_embeddings.weight')?.dataSync() ?? [])
      .slice(48, 96)
      .every((v) => v === 0),
  );
  const rest = word.filter((_, i) => i < 48 || i >= 96);
  const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
  const std = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(std - 0.2) < 0.01, `mean ${mean}, std ${std}`);
  assert.ok(
    model.parameters
      .get('roberta.encoder.layer.2.output.LayerNorm.weight')
      ?.dataSync()
      .every((v) => v === 1),
  );
  assert.ok(
    model.parameters
      .get('roberta.encoder.layer.1.intermediate.dense.bias')
      ?.dataSync()
      .every((v) => v === 0),
  );
  assert.deepEqual(model.parameters.get('roberta.encoder.layer.1.intermediate.dense.weight')?.shape, [97, 48]);
  assert.deepEqual(model.parameters.get('classifier.out_proj.weight')?.shape, [3, 48]);
  const again = RobertaForSequenceClassification.fromConfig(config, { seed: 1 });
  const other = RobertaForSequenceClassification.fromConfig(config, { seed: 2 });
  assert.deepEqual(logits(again, ids, mask), logits(model, ids, mask), 'same seed, same model');
  assert.notDeepEqual(logits(other, ids, mask), logits(model, ids, mask));
  [model, again, other].forEach((m) => m.dispose());
});

test('right-padded rows give the logits of the same rows run alone (within 1e-5)', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 2 });
  const batched = logits(model, ids, mask);
  let worst = 0;
  lengths.forEach((length, row) => {
    const alone = logits(model, [ids[row].slice(0, length)]);
    alone.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - batched[row * 3 + j]));
    });
  });
  assert.ok(worst <= 1e-5, `worst padded-vs-alone difference ${worst}`);
  // forward() computes only the <s> rows in the last layer; hiddenStates() computes every row.
  // The classifier applied by hand to hiddenStates' <s> rows must give forward()'s logits.
  const viaAllRows = tf.tidy(() => {
    const states = model.hiddenStates({
      inputIds: tf.tensor2d(ids, undefined, 'int32'),
      attentionMask: tf.tensor2d(mask, undefined, 'int32'),
    });
    assert.equal(states.length, 4);
    const first = tf.reshape(tf.slice(states[3], [0, 0, 0], [5, 1, 48]), [5, 48]);
    const p = (name: string): tf.Tensor => model.parameters.get(name) as tf.Tensor;
    const dense = tf.tanh(
      tf.add(tf.matMul(first, p('classifier.dense.weight'), false, true), p('classifier.dense.bias')),
    );
    return Array.from(
      tf.add(tf.matMul(dense, p('classifier.out_proj.weight'), false, true), p('classifier.out_proj.bias')).dataSync(),
    );
  });
  const shortcut = Math.max(...viaAllRows.map((v, i) => Math.abs(v - batched[i])));
  assert.ok(shortcut <= 1e-6, `first-token-only last layer differs from the full layer by ${shortcut}`);
  model.dispose();
});

test('gradients agree with central finite differences on this shape', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 3 });
  const inputIds = tf.tensor2d(ids, undefined, 'int32');
  const attentionMask = tf.tensor2d(mask, undefined, 'int32');
  const y = tf.tensor1d(labels, 'int32');
  const lossValue = (): number =>
    tf.tidy(() => model.loss(model.forward({ inputIds, attentionMask }, { training: false }), y).dataSync()[0]);
  const probes: [string, number][] = [
    ['roberta.embeddings.word_embeddings.weight', 4 * 48 + 5],
    ['roberta.embeddings.position_embeddings.weight', 3 * 48 + 7],
    ['roberta.embeddings.LayerNorm.weight', 11],
    ['roberta.encoder.layer.0.attention.self.query.weight', 17 * 48 + 3],
    ['roberta.encoder.layer.1.attention.self.key.weight', 40 * 48 + 41],
    ['roberta.encoder.layer.1.intermediate.dense.weight', 96 * 48 + 47],
    ['roberta.encoder.layer.2.output.dense.weight', 5 * 97 + 96],
    ['roberta.encoder.layer.2.attention.self.value.bias', 30],
    ['classifier.dense.weight', 100],
    ['classifier.out_proj.bias', 2],
  ];
  const variables = model.trainableVariables();
  const grads = tf.tidy(
    () =>
      tf.variableGrads(() => model.loss(model.forward({ inputIds, attentionMask }, { training: false }), y), variables)
        .grads,
  );
  const h = 1e-2;
  for (const [name, index] of probes) {
    const variable = model.parameters.get(name);
    assert.ok(variable !== undefined, name);
    const analytic = grads[variable.name].dataSync()[index];
    const original = variable.dataSync().slice();
    const nudge = (delta: number): number => {
      const values = original.slice();
      values[index] += delta;
      variable.assign(tf.tensor(values, variable.shape));
      return lossValue();
    };
    const numeric = (nudge(h) - nudge(-h)) / (2 * h);
    variable.assign(tf.tensor(original, variable.shape));
    const scale = Math.max(Math.abs(analytic), Math.abs(numeric), 1e-3);
    assert.ok(
      Math.abs(analytic - numeric) / scale < 0.03,
      `${name}[${index}]: analytic ${analytic}, finite difference ${numeric}`,
    );
  }
  tf.dispose([grads, inputIds, attentionMask, y]);
  model.dispose();
});

test('save and reload: same config, same weights, identical logits', async () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 4 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-shape-'));
  try {
    await model.savePretrained(dir);
    const reloaded = await RobertaForSequenceClassification.fromPretrained(dir);
    assert.deepEqual(configToJson(reloaded.config), configToJson(model.config));
    assert.deepEqual({ ...reloaded.config, extras: {} }, model.config);
    assert.deepEqual(logits(reloaded, ids, mask), logits(model, ids, mask));
    reloaded.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});

test('inputs the model cannot take are refused with what was expected', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 5 });
  const run = (inputIds: tf.Tensor2D, attentionMask?: tf.Tensor2D): void =>
    void tf.tidy(() => model.forward({ inputIds, attentionMask }, { training: false }));
  assert.throws(
    () => run(tf.zeros([1, 36], 'int32')),
    /sequence length 36 exceeds 35, the most this model's 37 position embeddings allow/,
  );
  assert.throws(
    () => run(tf.tensor2d([[0, 311, 2]], undefined, 'int32')),
    /forward: input_ids row 0, position 1: found 311, expected an integer token id in \[0, 311\)/,
  );
  assert.throws(
    () => run(tf.zeros([1, 3], 'float32') as tf.Tensor2D),
    /inputIds must be an int32 \[batch, seq\] tensor, found float32/,
  );
  assert.throws(
    () => run(tf.zeros([2, 3], 'int32'), tf.ones([2, 4], 'int32')),
    /attentionMask is \[2, 4\], inputIds \[2, 3\]/,
  );
  assert.throws(
    () => tf.tidy(() => model.loss(tf.zeros([2, 3]), tf.tensor1d([0], 'int32'))),
    /labels must be \[2\], found \[1\]/,
  );
  model.dispose();
  assert.throws(() => run(tf.zeros([1, 3], 'int32')), /disposed/);
  // Logits work for any head; the loss is cross-entropy only, as transformers picks by problem_type.
  const regression = RobertaForSequenceClassification.fromConfig({
    ...config,
    id2label: { 0: 'score' },
    label2id: undefined,
    num_labels: 1,
  });
  const scores = tf.tidy(
    () => regression.forward({ inputIds: tf.tensor2d([[0, 5, 2]], undefined, 'int32') }, { training: false }).shape,
  );
  assert.deepEqual(scores, [1, 1]);
  assert.throws(
    () => tf.tidy(() => regression.loss(tf.zeros([1, 1]), tf.tensor1d([0], 'int32'))),
    /problem is regression; only single-label classification/,
  );
  regression.dispose();
});

test('bad inputs to the classifier are errors naming what was expected and what was found', () => {
  const model = RobertaForSequenceClassification.fromConfig(TINY_CLASSIFIER_CONFIG, { seed: 1 });
  const ids = tf.tensor2d(
    [
      [0, 5, 2],
      [0, 6, 2],
    ],
    undefined,
    'int32',
  );
  const eval_ = { training: false };
  try {
    throwsInTidy(
      () => model.forward({ inputIds: tf.tensor2d([[0, 5, 2]], undefined, 'float32') as tf.Tensor2D }, eval_),
      /^forward: inputIds must be an int32 \[batch, seq\] tensor, found float32 \[1, 3\]$/,
    );
    throwsInTidy(
      () => model.forward({ inputIds: tf.tensor1d([0, 5, 2], 'int32') as unknown as tf.Tensor2D }, eval_),
      /^forward: inputIds must be an int32 \[batch, seq\] tensor, found int32 \[3\]$/,
    );
    for (const [shape, found] of [
      [[1, 3], '1, 3'],
      [[2, 2], '2, 2'],
    ] as [[number, number], string][]) {
      throwsInTidy(
        () => model.forward({ inputIds: ids, attentionMask: tf.ones(shape, 'int32') as tf.Tensor2D }, eval_),
        new RegExp(`^forward: attentionMask is \\[${found}\\], inputIds \\[2, 3\\]$`),
      );
    }
    const logits = tf.zeros([2, 2]) as tf.Tensor2D;
    throwsInTidy(
      () => model.loss(logits, tf.tensor1d([0, 1, 1], 'int32')),
      /^loss: labels must be \[2\], found \[3\]$/,
    );
    throwsInTidy(
      () => model.loss(logits, tf.tensor2d([[0], [1]], undefined, 'int32') as unknown as tf.Tensor1D),
      /^loss: labels must be \[2\], found \[2, 1\]$/,
    );
    throwsInTidy(
      () => model.loss(logits, tf.tensor1d([0, 2], 'int32')),
      /^loss: label 1: found 2, expected an integer class index in \[0, 2\)$/,
    );
    logits.dispose();
  } finally {
    ids.dispose();
    model.dispose();
  }
});
