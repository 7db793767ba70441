// The model's inputs given as plain numbers are checked before the int32 cast: through the model
// itself, the pipeline, and `ft-roberta logits` reading a JSON file.
import { test, after, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';
import { loadTokenizer } from '../lib/tokenizer';
import { pipeline } from '../lib/pipeline';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'model-inputs-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
before(async () => {
  await initBackend('wasm');
});

const tinyConfig = (vocabSize: number) =>
  offlineModelConfig(vocabSize, {
    hidden_size: 16,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 40,
  });

test('forward refuses attention-mask values other than 0/1; loss refuses labels outside [0, num_labels)', () => {
  const model = RobertaForSequenceClassification.fromConfig(tinyConfig(50), { seed: 3 });
  try {
    const ids = [[0, 7, 9, 2]];
    const forward = (mask: number[][], dtype: 'int32' | 'float32') =>
      tf.tidy(() => {
        const attentionMask = tf.tensor2d(mask, undefined, dtype);
        const inputIds = tf.tensor2d(ids, undefined, 'int32');
        return model.forward({ inputIds, attentionMask }, { training: false }).shape;
      });
    const maskError = (col: number, value: string) =>
      `forward: attention_mask row 0, position ${col}: found ${value}, expected 0 (padding) or 1 (token)`;
    assert.deepEqual(forward([[1, 1, 1, 0]], 'int32'), [1, 2]);
    assert.throws(() => forward([[1, 2, 1, 1]], 'int32'), { message: maskError(1, '2') });
    assert.throws(() => forward([[1, 1, 0.5, 1]], 'float32'), { message: maskError(2, '0.5') });
    const loss = (labels: number[]) =>
      tf.tidy(() => model.loss(tf.zeros([2, 2]), tf.tensor1d(labels, 'int32')).dataSync()[0]);
    assert.ok(Number.isFinite(loss([0, 1])));
    assert.throws(() => loss([0, 2]), { message: 'loss: label 1: found 2, expected an integer class index in [0, 2)' });
    assert.throws(() => loss([-1, 0]), /loss: label 0: found -1/);
  } finally {
    model.dispose();
  }
});

test('pipeline: a tokenizer whose ids exceed the model vocabulary is named before any tensor is made', async () => {
  const tokenizer = await loadTokenizer('offline');
  const model = RobertaForSequenceClassification.fromConfig(tinyConfig(100), { seed: 3 });
  try {
    const classify = await pipeline({ model, tokenizer });
    const id = tokenizer.encodePlain(['Wonderful']).inputIds[0][1];
    assert.ok(id >= 100, `the offline tokenizer gives "Wonderful" id ${id}`);
    await assert.rejects(classify('Wonderful'), {
      message:
        `toTensors: input_ids row 0, position 1: found ${id}, expected an integer token id in [0, 100) ` +
        '(vocab_size 100)',
    });
  } finally {
    model.dispose();
  }
});

function logitsRun(input: unknown): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(work, 'input.json');
  fs.writeFileSync(file, JSON.stringify(input));
  const env = { ...process.env, FT_ROBERTA_BACKEND: 'wasm' };
  const args = [CLI, 'logits', '--model', FIXTURE, '--input', file];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('logits: an id of 2^32 + 5 is an error naming the file, row, position and range, not the logits of id 5', () => {
  const wrapped = logitsRun({
    input_ids: [
      [0, 5, 2],
      [0, 2 ** 32 + 5, 2],
    ],
    attention_mask: [
      [1, 1, 1],
      [1, 1, 1],
    ],
  });
  assert.equal(wrapped.status, 1, wrapped.stdout);
  assert.equal(wrapped.stdout, '');
  const file = path.join(work, 'input.json');
  const expected = `${file}: input_ids row 1, position 1: found 4294967301, expected an integer token id in [0, 1000)`;
  assert.ok(wrapped.stderr.includes(expected), wrapped.stderr);
  const badMask = logitsRun({ input_ids: [[0, 5, 2]], attention_mask: [[1, 3, 1]] });
  assert.equal(badMask.status, 1, badMask.stdout);
  assert.match(badMask.stderr, /attention_mask row 0, position 1: found 3, expected 0 \(padding\) or 1 \(token\)/);
  const good = logitsRun({ input_ids: [[0, 5, 2]], attention_mask: [[1, 1, 1]] });
  assert.equal(good.status, 0, good.stderr);
});
