// The shipped pretrained body (models/offline-pretrained): the file its model card describes, a
// masked-language model that learned the corpus, and what `params.model = 'offline'` fine-tunes.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { generateSplit } from '../lib/data/corpus';
import { fillMaskPipeline, type FillMaskCandidate, type FillMaskPipeline } from '../lib/fill-mask';
import { SafetensorsFile } from '../lib/model/safetensors';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { Pretrainer } from '../lib/pretrain';
import { UNSEEN_ID_BIAS } from '../lib/compact-vocabulary';
import { loadTokenizer } from '../lib/tokenizer';
import { OFFLINE_PRETRAINED_DIR, loadModelForTraining } from '../lib/train-api';
import { params } from '../params';

const WEIGHTS = path.join(OFFLINE_PRETRAINED_DIR, 'model.safetensors');

let fill: FillMaskPipeline;

before(async () => {
  await initBackend('wasm');
  const tokenizer = await loadTokenizer('offline');
  const model = await RobertaForMaskedLM.fromPretrained(OFFLINE_PRETRAINED_DIR, { strict: true });
  fill = await fillMaskPipeline({ model, tokenizer });
});

after(() => fill.model.dispose());

test('the weights are the file the model card names: same SHA-256, float16, under 16 MB', () => {
  const card = fs.readFileSync(path.join(OFFLINE_PRETRAINED_DIR, 'README.md'), 'utf8');
  const stated = /SHA-256 of model\.safetensors: `([0-9a-f]{64})`/.exec(card);
  assert.ok(stated !== null, 'README.md states the SHA-256 of model.safetensors');
  const bytes = fs.readFileSync(WEIGHTS);
  assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), stated[1]);
  assert.ok(bytes.length <= 16 * 2 ** 20, `model.safetensors is ${bytes.length} bytes`);
  const file = SafetensorsFile.read(WEIGHTS);
  assert.deepEqual(new Set([...file.tensors.values()].map((info) => info.dtype)), new Set(['F16']));
  const config = JSON.parse(fs.readFileSync(path.join(OFFLINE_PRETRAINED_DIR, 'config.json'), 'utf8'));
  assert.deepEqual(config.architectures, ['RobertaForMaskedLM']);
  // 512-token inputs (notebook 02) need roberta-base's 514 positions.
  assert.equal(config.max_position_embeddings, 514);
});

test('the body recovers hidden tokens of unseen reviews far better than a most-frequent-token guesser', () => {
  // Reviews of the unsupervised split beyond those the model card says pretraining used, masked as in
  // pretraining; a full-vocabulary softmax (the shipped decoder bias rules out ids pretraining never scored).
  const card = fs.readFileSync(path.join(OFFLINE_PRETRAINED_DIR, 'README.md'), 'utf8');
  const used = /the first ([\d,]+) reviews of the offline corpus's unsupervised split/.exec(card);
  assert.ok(used !== null, 'the model card says how many reviews pretraining used');
  const first = Number(used[1].replace(/,/g, ''));
  const reviews = generateSplit(params.seed, 'unsupervised', first + 40).map((review) => review.text);
  const pretrainer = new Pretrainer({
    model: fill.model,
    tokenizer: fill.tokenizer,
    texts: reviews.slice(0, 50),
    maxSteps: 1,
    seed: params.seed,
  });
  try {
    const heldOut = pretrainer.evaluate(reviews.slice(first));
    const figures = `accuracy ${heldOut.accuracy.toFixed(4)}, unigram ${heldOut.unigramAccuracy.toFixed(4)}`;
    assert.ok(heldOut.maskedTokens > 1000, `${heldOut.maskedTokens} masked tokens`);
    assert.ok(heldOut.accuracy >= heldOut.unigramAccuracy + 0.15, figures);
  } finally {
    pretrainer.dispose();
  }
});

test('ids pretraining never scored get probability 0; the top candidates for a blank are likely ones', async () => {
  const bias = SafetensorsFile.read(WEIGHTS).readFloat32('lm_head.bias');
  const unscored = bias.filter((value) => value === UNSEEN_ID_BIAS).length;
  const card = fs.readFileSync(path.join(OFFLINE_PRETRAINED_DIR, 'README.md'), 'utf8');
  const scored = /the softmax ran over (\d+) token ids/.exec(card);
  assert.ok(scored !== null, 'the model card states how many ids the softmax ran over');
  assert.equal(unscored, bias.length - Number(scored[1]));
  const candidates = (await fill('The acting was superb and the story was <mask>.', { topK: 5 })) as FillMaskCandidate[];
  const shown = candidates.map((c) => `${JSON.stringify(c.token_str)} ${c.score.toFixed(4)}`).join(', ');
  const total = candidates.reduce((sum, c) => sum + c.score, 0);
  assert.ok(total >= 0.2, `top 5 hold ${total.toFixed(3)} of the probability: ${shown}`);
});

test('params.model "offline" fine-tunes the shipped body; "offline-scratch" starts from random weights', async () => {
  const tokenizer = fill.tokenizer;
  const reports: string[] = [];
  const pretrained = await loadModelForTraining({ ...params, model: 'offline' }, tokenizer, {
    log: (line) => reports.push(line),
  });
  const scratch = await loadModelForTraining({ ...params, model: 'offline-scratch' }, tokenizer);
  try {
    assert.deepEqual(
      pretrained.loadReport?.missing.filter((name) => !name.startsWith('classifier.')),
      [],
      'only the classifier head is new',
    );
    assert.ok(pretrained.loadReport!.missing.length > 0);
    assert.match(reports.join('\n'), /newly initialized: classifier\./);
    assert.equal(scratch.loadReport, null);
    const name = 'roberta.encoder.layer.0.attention.self.query.weight';
    const shipped = SafetensorsFile.read(WEIGHTS).readFloat32(name);
    assert.deepEqual(Array.from(pretrained.parameters.get(name)!.dataSync()), Array.from(shipped));
    assert.notDeepEqual(Array.from(scratch.parameters.get(name)!.dataSync()), Array.from(shipped));
  } finally {
    pretrained.dispose();
    scratch.dispose();
  }
});
