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
