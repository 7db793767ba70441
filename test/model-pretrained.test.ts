// Loading and saving checkpoints: name variants, ignored and missing tensors, shape checks, the
// Hub download path (against a local fake Hub), sharded files, and what savePretrained writes.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { SafetensorsFile, serializeSafetensors, type NamedFloat32Tensor } from '../lib/model/safetensors';
import { startFakeHub } from './helpers/fake-hub';
import { FIXTURES_DIR } from './helpers/paths';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const fixtureConfig = fs.readFileSync(path.join(FIXTURE, 'config.json'), 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-pretrained-'));
const batch = (
  JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as {
    batch: { input_ids: number[][]; attention_mask: number[][] };
  }
).batch;

function fixtureTensors(): NamedFloat32Tensor[] {
  const st = SafetensorsFile.read(path.join(FIXTURE, 'model.safetensors'));
  return st.names.map((name) => ({
    name,
    shape: [...(st.tensors.get(name)?.shape ?? [])],
    values: st.readFloat32(name),
  }));
}

/** A model folder with the fixture config (optionally edited) and the given tensors. */
function modelDir(name: string, tensors: NamedFloat32Tensor[], config: Record<string, unknown> = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...JSON.parse(fixtureConfig), ...config }));
  fs.writeFileSync(path.join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return dir;
}

function logits(model: RobertaForSequenceClassification): number[] {
  return tf.tidy(() =>
    Array.from(
      model
        .forward(
          {
            inputIds: tf.tensor2d(batch.input_ids, undefined, 'int32'),
            attentionMask: tf.tensor2d(batch.attention_mask, undefined, 'int32'),
          },
          { training: false },
        )
        .dataSync(),
    ),
  );
}

let referenceLogits: number[] = [];
const quiet = { log: () => undefined };

before(async () => {
  await initBackend('wasm');
  const model = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
  referenceLogits = logits(model);
  model.dispose();
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test(
  'names without the roberta. prefix load the same model; pooler, lm_head and position_ids are ' + 'ignored',
  async () => {
    const tensors = fixtureTensors().map((t) => ({ ...t, name: t.name.replace(/^roberta\./, '') }));
    const h = 64;
    tensors.push(
      { name: 'pooler.dense.weight', shape: [h, h], values: new Float32Array(h * h) },
      { name: 'pooler.dense.bias', shape: [h], values: new Float32Array(h) },
      { name: 'lm_head.bias', shape: [1000], values: new Float32Array(1000) },
    );
    const dir = modelDir('no-prefix', tensors);
    const model = await RobertaForSequenceClassification.fromPretrained(dir, quiet);
    assert.deepEqual(logits(model), referenceLogits);
    assert.deepEqual(model.loadReport?.missing, []);
    assert.deepEqual(model.loadReport?.unexpected, []);
    assert.deepEqual([...(model.loadReport?.ignored ?? [])].sort(), [
      'lm_head.bias',
      'pooler.dense.bias',
      'pooler.dense.weight',
    ]);
    model.dispose();
  },
);

test(
  'a base checkpoint without a classifier gets a fresh head, reported as missing; extra tensors are reported as ' +
    'unexpected',
  async () => {
    const tensors = fixtureTensors().filter((t) => !t.name.startsWith('classifier.'));
    tensors.push({ name: 'roberta.encoder.layer.9.extra.weight', shape: [2], values: new Float32Array(2) });
    const dir = modelDir('base', tensors);
    const messages: string[] = [];
    const model = await RobertaForSequenceClassification.fromPretrained(dir, { log: (m) => messages.push(m), seed: 7 });
    const report = model.loadReport;
    assert.deepEqual(report?.missing, [
      'classifier.dense.weight',
      'classifier.dense.bias',
      'classifier.out_proj.weight',
      'classifier.out_proj.bias',
    ]);
    assert.deepEqual(report?.unexpected, ['roberta.encoder.layer.9.extra.weight']);
    assert.match(messages.join('\n'), /newly initialized: classifier\.dense\.weight/);
    assert.match(messages.join('\n'), /not used: roberta\.encoder\.layer\.9\.extra\.weight/);
    // The fresh head follows HF's init: normal(0, initializer_range = 0.1), biases zero.
    const weight = Array.from(model.parameters.get('classifier.dense.weight')?.dataSync() ?? []);
    const std = Math.sqrt(weight.reduce((s, v) => s + v * v, 0) / weight.length);
    assert.ok(Math.abs(std - 0.1) < 0.01, `fresh head std ${std}`);
    assert.ok(
      model.parameters
        .get('classifier.out_proj.bias')
        ?.dataSync()
        .every((v) => v === 0),
    );
    // Encoder weights did load: the <s> hidden states equal the full model's.
    const full = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
    const a = tf.tidy(() =>
      Array.from(model.hiddenStates({ inputIds: tf.tensor2d([[0, 5, 9, 2]], undefined, 'int32') })[2].dataSync()),
    );
    const b = tf.tidy(() =>
      Array.from(full.hiddenStates({ inputIds: tf.tensor2d([[0, 5, 9, 2]], undefined, 'int32') })[2].dataSync()),
    );
    assert.deepEqual(a, b);
    full.dispose();
    model.dispose();
    await assert.rejects(
      RobertaForSequenceClassification.fromPretrained(dir, { ...quiet, strict: true }),
      /missing tensors: classifier\.dense\.weight/,
    );
  },
);

test('numLabels different from the checkpoint needs a fresh head: shapes are checked and named', async () => {
  await assert.rejects(
    RobertaForSequenceClassification.fromPretrained(FIXTURE, { numLabels: 3 }),
    (err: Error) =>
      /classifier\.out_proj\.weight' is \[2, 64\], the config needs \[3, 64\]/.test(err.message) &&
      err.message.includes('model.safetensors'),
  );
  const dir = modelDir(
    'three-labels',
    fixtureTensors().filter((t) => !t.name.startsWith('classifier.')),
  );
  const model = await RobertaForSequenceClassification.fromPretrained(dir, {
    ...quiet,
    id2label: { 0: 'neg', 1: 'neutral', 2: 'pos' },
  });
  assert.equal(model.config.num_labels, 3);
  assert.deepEqual(model.config.label2id, { neg: 0, neutral: 1, pos: 2 });
  assert.deepEqual(model.parameters.get('classifier.out_proj.weight')?.shape, [3, 64]);
  model.dispose();
});

test('a tensor whose shape disagrees with config.json is an error naming file, tensor and both shapes', async () => {
  const dir = modelDir('bad-shape', fixtureTensors(), { intermediate_size: 96 });
  await assert.rejects(RobertaForSequenceClassification.fromPretrained(dir), (err: Error) => {
    assert.match(err.message, /bad-shape\/model\.safetensors/);
    assert.match(
      err.message,
      /'roberta\.encoder\.layer\.0\.intermediate\.dense\.weight' is \[128, 64\], the config needs \[96, 64\]/,
    );
    return true;
  });
  const unrelated = modelDir('unrelated', [
    { name: 'bert.embeddings.word_embeddings.weight', shape: [2], values: new Float32Array(2) },
  ]);
  await assert.rejects(RobertaForSequenceClassification.fromPretrained(unrelated, quiet), /no RoBERTa tensors found/);
  await assert.rejects(
    RobertaForSequenceClassification.fromPretrained(path.join(work, 'nowhere', 'x')),
    /file not found: .*nowhere\/x/,
  );
});

/** float32 -> IEEE half, round to nearest (test-side encoder, independent of the reader). */
function toHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const shift = 14 - exponent;
    const full = mantissa | 0x800000;
    return sign | ((full >> shift) + ((full >> (shift - 1)) & 1));
  }
  return (sign | (exponent << 10) | (mantissa >> 13)) + ((mantissa >> 12) & 1);
}

/** A safetensors file with every tensor stored as F16 or BF16, header built by hand. */
function halfPrecisionFile(dtype: 'F16' | 'BF16'): Buffer {
  const tensors = fixtureTensors();
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = Buffer.alloc(t.values.length * 2);
    const bits = new Uint32Array(t.values.buffer, t.values.byteOffset, t.values.length);
    for (let i = 0; i < t.values.length; i++) {
      // bfloat16: the top 16 bits of the float32, rounded to nearest.
      const half = dtype === 'F16' ? toHalfBits(t.values[i]) : (bits[i] + 0x8000) >>> 16;
      bytes.writeUInt16LE(half & 0xffff, i * 2);
    }
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    chunks.push(bytes);
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...chunks]);
}

test('F16 and BF16 checkpoints load, widened to float32', async () => {
  const original = new Map(fixtureTensors().map((t) => [t.name, t.values]));
  for (const [dtype, relative] of [
    ['F16', 2 ** -11],
    ['BF16', 2 ** -8],
  ] as const) {
    const dir = path.join(work, dtype);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), fixtureConfig);
    fs.writeFileSync(path.join(dir, 'model.safetensors'), halfPrecisionFile(dtype));
    const model = await RobertaForSequenceClassification.fromPretrained(dir);
    for (const [name, variable] of model.parameters) {
      const values = variable.dataSync();
      const reference = original.get(name) ?? new Float32Array();
      for (let i = 0; i < values.length; i++) {
        const allowed = relative * Math.abs(reference[i]) + 6e-8;
        assert.ok(
          Math.abs(values[i] - reference[i]) <= allowed,
          `${dtype} ${name}[${i}]: ${values[i]} vs ${reference[i]}`,
        );
      }
    }
    const d = Math.max(...logits(model).map((v, i) => Math.abs(v - referenceLogits[i])));
    assert.ok(d < 0.05 && d > 0, `${dtype} logits differ from float32 by ${d}`);
    model.dispose();
  }
});

test('savePretrained writes what transformers expects', async () => {
  const model = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
  const dir = path.join(work, 'saved');
  await model.savePretrained(dir);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(config.model_type, 'roberta');
  assert.deepEqual(config.architectures, ['RobertaForSequenceClassification']);
  assert.deepEqual(config.id2label, { 0: 'LABEL_0', 1: 'LABEL_1' });
  assert.deepEqual(config.label2id, { LABEL_0: 0, LABEL_1: 1 });
  assert.equal(config.max_position_embeddings, 66);
  assert.equal(config.use_cache, true, 'fields this library does not use survive the round trip');
  assert.equal('extras' in config, false);
  const saved = SafetensorsFile.read(path.join(dir, 'model.safetensors'));
  const original = SafetensorsFile.read(path.join(FIXTURE, 'model.safetensors'));
  assert.deepEqual(saved.metadata, { format: 'pt' });
  assert.deepEqual([...saved.names].sort(), [...original.names].sort());
  for (const name of original.names)
    assert.deepEqual(Array.from(saved.readFloat32(name)), Array.from(original.readFloat32(name)), name);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['config.json', 'model.safetensors'], 'no temp files left behind');
  model.dispose();
});

test(
  'a Hub id downloads config.json and model.safetensors through the cache, honouring HF_ENDPOINT and offline ' + 'mode',
  async () => {
    const hub = await startFakeHub({
      models: {
        'someone/tiny-roberta': {
          'config.json': fixtureConfig,
          'model.safetensors': fs.readFileSync(path.join(FIXTURE, 'model.safetensors')),
          'README.md': 'tiny',
        },
        'someone/torch-only': {
          'config.json': fixtureConfig,
          'pytorch_model.bin': fs.readFileSync(path.join(FIXTURE, 'pytorch_model.bin')),
        },
      },
    });
    const saved = {
      HF_ENDPOINT: process.env.HF_ENDPOINT,
      HF_HOME: process.env.HF_HOME,
      HF_HUB_CACHE: process.env.HF_HUB_CACHE,
    };
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HOME = path.join(work, 'hf-home');
    delete process.env.HF_HUB_CACHE;
    try {
      const model = await RobertaForSequenceClassification.fromPretrained('someone/tiny-roberta');
      assert.deepEqual(logits(model), referenceLogits);
      model.dispose();
      assert.ok(
        hub.requests.some((r) => r.includes('/someone/tiny-roberta/resolve/main/model.safetensors')),
        hub.requests.join(', '),
      );
      assert.ok(
        !hub.requests.some((r) => r.includes('pytorch_model.bin')),
        'safetensors preferred, nothing else downloaded',
      );
      const repoCache = path.join(work, 'hf-home', 'hub', 'models--someone--tiny-roberta');
      const commit = fs.readFileSync(path.join(repoCache, 'refs', 'main'), 'utf8');
      assert.ok(fs.existsSync(path.join(repoCache, 'snapshots', commit, 'model.safetensors')));

      const torchModel = await RobertaForSequenceClassification.fromPretrained('someone/torch-only');
      assert.deepEqual(logits(torchModel), referenceLogits);
      torchModel.dispose();

      // Offline: served from the cache without a single request.
      const count = hub.requests.length;
      const offline = await RobertaForSequenceClassification.fromPretrained('someone/tiny-roberta', { offline: true });
      assert.deepEqual(logits(offline), referenceLogits);
      offline.dispose();
      assert.equal(hub.requests.length, count);
      await assert.rejects(
        RobertaForSequenceClassification.fromPretrained('someone/not-cached', { offline: true }),
        /someone\/not-cached.*config\.json/,
      );
      await assert.rejects(
        RobertaForSequenceClassification.fromPretrained('someone/missing'),
        /someone\/missing.*config\.json.*404/,
      );
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await hub.close();
    }
  },
);

test('sharded safetensors (model.safetensors.index.json) load', async () => {
  const tensors = fixtureTensors();
  const dir = path.join(work, 'sharded');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), fixtureConfig);
  const half = Math.floor(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    fs.writeFileSync(path.join(dir, file), serializeSafetensors(shard));
    for (const t of shard) weightMap[t.name] = file;
  });
  fs.writeFileSync(
    path.join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
  const model = await RobertaForSequenceClassification.fromPretrained(dir);
  assert.deepEqual(logits(model), referenceLogits);
  model.dispose();
});
