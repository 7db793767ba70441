// RobertaForMaskedLM checkpoints: with or without the tied decoder copies, what savePretrained
// writes (what save_pretrained writes), and crossing heads: a classifier from an MLM checkpoint
// keeps the body, gets a fresh head and reports both lists as transformers does.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForMaskedLM, RobertaForSequenceClassification } from '../lib/model/roberta';
import { SafetensorsFile, serializeSafetensors, type NamedFloat32Tensor } from '../lib/model/safetensors';
import { FIXTURES_DIR } from './helpers/paths';
import { TINY_CLASSIFIER_CONFIG } from './helpers/tiny-model';
import { throwsInTidy } from './helpers/throws';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-mlm');
const CLASSIFIER_FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as {
  batch: { input_ids: number[][]; attention_mask: number[][] };
  saved_without: string[];
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-mlm-pretrained-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
const quiet = { log: () => undefined };

function tensorsOf(dir: string): NamedFloat32Tensor[] {
  const st = SafetensorsFile.read(path.join(dir, 'model.safetensors'));
  return st.names.map((name) => ({
    name,
    shape: [...(st.tensors.get(name)?.shape ?? [])],
    values: st.readFloat32(name),
  }));
}

function modelDir(name: string, tensors: NamedFloat32Tensor[], configFrom = FIXTURE): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(configFrom, 'config.json'), path.join(dir, 'config.json'));
  fs.writeFileSync(path.join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return dir;
}

function logits(model: RobertaForMaskedLM): Float32Array {
  return tf.tidy(() => {
    const inputs = {
      inputIds: tf.tensor2d(expected.batch.input_ids, undefined, 'int32'),
      attentionMask: tf.tensor2d(expected.batch.attention_mask, undefined, 'int32'),
    };
    return model.forward(inputs, { training: false }).dataSync() as Float32Array;
  });
}

let reference: Float32Array;
before(async () => {
  await initBackend('wasm');
  const model = await RobertaForMaskedLM.fromPretrained(FIXTURE, quiet);
  reference = logits(model);
  model.dispose();
});

test('a checkpoint with lm_head.decoder.weight/bias (and a pooler) loads to the same model, silently', async () => {
  const tensors = tensorsOf(FIXTURE);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const words = byName.get('roberta.embeddings.word_embeddings.weight')!;
  const bias = byName.get('lm_head.bias')!;
  tensors.push(
    { name: 'lm_head.decoder.weight', shape: words.shape, values: words.values },
    { name: 'lm_head.decoder.bias', shape: bias.shape, values: bias.values },
    { name: 'roberta.pooler.dense.weight', shape: [64, 64], values: new Float32Array(64 * 64) },
    { name: 'roberta.pooler.dense.bias', shape: [64], values: new Float32Array(64) },
  );
  const messages: string[] = [];
  const model = await RobertaForMaskedLM.fromPretrained(modelDir('with-decoder', tensors), {
    log: (m) => messages.push(m),
  });
  assert.deepEqual(logits(model), reference);
  assert.deepEqual(model.loadReport?.missing, []);
  assert.deepEqual(model.loadReport?.unused, []);
  assert.deepEqual(messages, []);
  assert.equal(
    model.parameters.has('lm_head.decoder.weight'),
    false,
    'the decoder must be the word embeddings, not a second variable',
  );
  model.dispose();
});

test('an older checkpoint with only lm_head.decoder.bias takes it as lm_head.bias', async () => {
  const tensors = tensorsOf(FIXTURE).map((t) =>
    t.name === 'lm_head.bias' ? { ...t, name: 'lm_head.decoder.bias' } : t,
  );
  const model = await RobertaForMaskedLM.fromPretrained(modelDir('decoder-bias-only', tensors), quiet);
  assert.deepEqual(logits(model), reference);
  assert.deepEqual(model.loadReport?.missing, []);
  model.dispose();
});

test(
  'savePretrained writes what save_pretrained writes: no decoder copies, no position_ids; it reloads ' + 'identically',
  async () => {
    const model = await RobertaForMaskedLM.fromPretrained(FIXTURE, quiet);
    const out = path.join(work, 'resaved');
    await model.savePretrained(out);
    const saved = tensorsOf(out)
      .map((t) => t.name)
      .sort();
    for (const name of expected.saved_without) assert.ok(!saved.some((n) => n.endsWith(name)), `${name} was saved`);
    assert.deepEqual(
      saved,
      tensorsOf(FIXTURE)
        .map((t) => t.name)
        .sort(),
    );
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as { architectures: string[] };
    assert.deepEqual(config.architectures, ['RobertaForMaskedLM']);
    const reloaded = await RobertaForMaskedLM.fromPretrained(out, quiet);
    assert.deepEqual(logits(reloaded), reference);
    reloaded.dispose();
    model.dispose();
  },
);

test(
  'a classifier from an MLM checkpoint keeps the body, initialises the head and lists both as transformers ' + 'does',
  async () => {
    const tensors = tensorsOf(FIXTURE);
    tensors.push({ name: 'roberta.pooler.dense.bias', shape: [64], values: new Float32Array(64) });
    const dir = modelDir('mlm-for-classifier', tensors);
    const messages: string[] = [];
    const classifier = await RobertaForSequenceClassification.fromPretrained(dir, {
      log: (m) => messages.push(m),
      numLabels: 2,
    });
    const mlm = await RobertaForMaskedLM.fromPretrained(FIXTURE, quiet);
    const report = classifier.loadReport;
    assert.deepEqual(report?.missing, [
      'classifier.dense.weight',
      'classifier.dense.bias',
      'classifier.out_proj.weight',
      'classifier.out_proj.bias',
    ]);
    assert.deepEqual([...(report?.unused ?? [])].sort(), [
      'lm_head.bias',
      'lm_head.dense.bias',
      'lm_head.dense.weight',
      'lm_head.layer_norm.bias',
      'lm_head.layer_norm.weight',
      'roberta.pooler.dense.bias',
    ]);
    const message = messages.join('\n');
    assert.match(message, /not used by RobertaForSequenceClassification \(not used: .*lm_head\.dense\.weight/);
    assert.match(
      message,
      /Some weights of RobertaForSequenceClassification were not in .* and are newly initialized: classifier\.dense\.weight/,
    );
    for (const [name, variable] of classifier.parameters) {
      if (name.startsWith('classifier.')) continue;
      assert.deepEqual(
        Array.from(variable.dataSync()),
        Array.from(mlm.parameters.get(name)!.dataSync()),
        `${name} not taken from the checkpoint`,
      );
    }
    classifier.dispose();
    mlm.dispose();
  },
);

test('an MLM from a classifier checkpoint gets a fresh lm_head and lists the classifier as unused', async () => {
  const messages: string[] = [];
  const model = await RobertaForMaskedLM.fromPretrained(CLASSIFIER_FIXTURE, { log: (m) => messages.push(m) });
  assert.deepEqual(model.loadReport?.missing, [
    'lm_head.bias',
    'lm_head.dense.weight',
    'lm_head.dense.bias',
    'lm_head.layer_norm.weight',
    'lm_head.layer_norm.bias',
  ]);
  assert.deepEqual([...(model.loadReport?.unused ?? [])].sort(), [
    'classifier.dense.bias',
    'classifier.dense.weight',
    'classifier.out_proj.bias',
    'classifier.out_proj.weight',
  ]);
  assert.match(
    messages.join('\n'),
    /Some weights of RobertaForMaskedLM were not in .* newly initialized: lm_head\.bias/,
  );
  model.dispose();
});

test('bad inputs to the masked-LM model are errors naming what was expected and found; edge positions pass', () => {
  const model = RobertaForMaskedLM.fromConfig(TINY_CLASSIFIER_CONFIG, { seed: 1 });
  const inputIds = tf.tensor2d(
    [
      [0, 5, 6, 2],
      [0, 7, 2, 1],
    ],
    undefined,
    'int32',
  );
  const attentionMask = tf.tensor2d(
    [
      [1, 1, 1, 1],
      [1, 1, 1, 0],
    ],
    undefined,
    'int32',
  );
  const inputs = { inputIds, attentionMask };
  const eval_ = { training: false };
  const vocab = TINY_CLASSIFIER_CONFIG.vocab_size;
  try {
    // Positions: the first and last of the 2 x 4 batch are fine, one outside either end is not.
    const edges = model.forwardAtPositions(inputs, tf.tensor1d([0, 7], 'int32'), eval_);
    assert.deepEqual(edges.shape, [2, vocab]);
    edges.dispose();
    throwsInTidy(
      () => model.forwardAtPositions(inputs, tf.tensor1d([0, 8], 'int32'), eval_),
      /^forwardAtPositions: positions\[1\] is 8, outside \[0, 8\) for a \[2, 4\] batch$/,
    );
    throwsInTidy(
      () => model.forwardAtPositions(inputs, tf.tensor1d([8, 0], 'int32'), eval_),
      /^forwardAtPositions: positions\[0\] is 8, outside/,
    );
    throwsInTidy(
      () => model.forwardAtPositions(inputs, tf.tensor1d([3, -1], 'int32'), eval_),
      /^forwardAtPositions: positions\[1\] is -1, outside/,
    );
    throwsInTidy(
      () => model.forwardAtPositions(inputs, tf.tensor1d([0, 1], 'float32') as tf.Tensor1D, eval_),
      /^forwardAtPositions: positions must be an int32 \[n\] tensor, found float32 \[2\]$/,
    );
    throwsInTidy(
      () =>
        model.forwardAtPositions(inputs, tf.tensor2d([[0, 1]], undefined, 'int32') as unknown as tf.Tensor1D, eval_),
      /found int32 \[1, 2\]$/,
    );
    // Labels of the loss: shape, emptiness and range, each edge checked.
    const logits = tf.zeros([2, 5]) as tf.Tensor2D;
    const ok = model.loss(logits, tf.tensor1d([0, 4], 'int32'));
    assert.ok(Math.abs(ok.dataSync()[0] - Math.log(5)) < 1e-5, 'uniform logits over 5 classes: ln 5');
    ok.dispose();
    throwsInTidy(
      () => model.loss(logits, tf.tensor1d([0, 1, 2], 'int32')),
      /^loss: labels must be \[2\], found \[3\]$/,
    );
    throwsInTidy(
      () => model.loss(logits, tf.tensor2d([[0, 1]], undefined, 'int32') as unknown as tf.Tensor1D),
      /^loss: labels must be \[2\], found \[1, 2\]$/,
    );
    throwsInTidy(
      () => model.loss(logits, tf.tensor2d([[0], [1]], undefined, 'int32') as unknown as tf.Tensor1D),
      /^loss: labels must be \[2\], found \[2, 1\]$/,
    );
    throwsInTidy(() => model.loss(logits, tf.tensor1d([0, 5], 'int32')), /^loss: label 5 at 1 is outside \[0, 5\)$/);
    throwsInTidy(() => model.loss(logits, tf.tensor1d([-1, 0], 'int32')), /^loss: label -1 at 0 is outside/);
    throwsInTidy(
      () => model.loss(tf.zeros([0, 5]) as tf.Tensor2D, tf.tensor1d([], 'int32')),
      /^loss: no masked positions to predict \(every label is -100\)$/,
    );
    logits.dispose();
    // maskedLmLoss: labels must have the inputs' shape, in either dimension.
    const wrongShapes: [number, number][] = [
      [1, 4],
      [2, 3],
    ];
    for (const shape of wrongShapes) {
      throwsInTidy(
        () => model.maskedLmLoss(inputs, tf.fill(shape, -100, 'int32') as tf.Tensor2D, eval_),
        new RegExp(`^maskedLmLoss: labels are \\[${shape.join(', ')}\\], inputIds \\[2, 4\\]$`),
      );
    }
  } finally {
    tf.dispose([inputIds, attentionMask]);
    model.dispose();
  }
});

test('fromConfig without a seed is seed 0, as for the classifier', () => {
  const weights = (model: RobertaForMaskedLM): Float32Array =>
    Float32Array.from(model.parameters.get('lm_head.dense.weight')!.dataSync());
  const unseeded = RobertaForMaskedLM.fromConfig(TINY_CLASSIFIER_CONFIG);
  const zero = RobertaForMaskedLM.fromConfig(TINY_CLASSIFIER_CONFIG, { seed: 0 });
  const one = RobertaForMaskedLM.fromConfig(TINY_CLASSIFIER_CONFIG, { seed: 1 });
  assert.deepEqual(weights(unseeded), weights(zero));
  assert.notDeepEqual(weights(unseeded), weights(one));
  for (const model of [unseeded, zero, one]) model.dispose();
});
