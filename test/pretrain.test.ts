// pretrain(): a short run on a tiny config lowers the held-out MLM loss; masks change every time a
// batch is fed; a checkpoint and resume end with the same weights as an uninterrupted run.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { Pretrainer, pretrain, type PretrainTokenizer } from '../lib/pretrain';
import { mulberry32 } from '../lib/random';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const WORDS = [
  'the',
  'film',
  'was',
  'great',
  'bad',
  'actor',
  'plot',
  'i',
  'loved',
  'hated',
  'it',
  'a',
  'very',
  'story',
  'and',
  '.',
];
const SPECIALS = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];

/** Whitespace tokenizer over a fixed word list: enough for packing and masking. */
const tokenizer: PretrainTokenizer = {
  bosTokenId: 0,
  padTokenId: 1,
  eosTokenId: 2,
  maskTokenId: 4,
  vocabSize: SPECIALS.length + WORDS.length,
  encodeText: (text) =>
    text
      .split(/\s+/)
      .filter((w) => w.length > 0)
      .map((w) => SPECIALS.length + WORDS.indexOf(w)),
  isSpecialId: (id) => id < SPECIALS.length,
};

/** Reviews built from a few patterns, so the masked words are predictable from their context. */
function reviews(count: number, seed: number): string[] {
  const rng = mulberry32(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(rng() * items.length)];
  return Array.from({ length: count }, () => {
    const verdict = pick(['great', 'bad']);
    const feeling = verdict === 'great' ? 'loved' : 'hated';
    return `the ${pick(['film', 'plot', 'story', 'actor'])} was very ${verdict} . i ${feeling} it .`;
  });
}

function tinyModel(seed: number): RobertaForMaskedLM {
  return RobertaForMaskedLM.fromConfig(
    {
      vocab_size: tokenizer.vocabSize,
      hidden_size: 32,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 64,
      max_position_embeddings: 34,
    },
    { seed },
  );
}

test('a short pretraining run lowers the held-out MLM loss and beats the unigram guesser', async () => {
  await initBackend('wasm');
  const model = tinyModel(1);
  const pretrainer = new Pretrainer({
    model,
    tokenizer,
    texts: reviews(300, 1),
    maxLength: 32,
    batchSize: 8,
    maxSteps: 60,
    learningRate: 3e-3,
    progress: false,
    seed: 5,
  });
  try {
    const heldOut = reviews(40, 2);
    const before = pretrainer.evaluate(heldOut);
    const result = await pretrainer.fit();
    const afterRun = pretrainer.evaluate(heldOut);
    assert.equal(result.steps, 60);
    assert.ok(afterRun.loss < before.loss - 1, `held-out loss ${before.loss} -> ${afterRun.loss}`);
    assert.ok(
      afterRun.accuracy > afterRun.unigramAccuracy,
      `accuracy ${afterRun.accuracy} vs unigram ${afterRun.unigramAccuracy}`,
    );
    assert.equal(afterRun.maskedTokens, before.maskedTokens, 'the held-out masks depend on the step');
  } finally {
    pretrainer.dispose();
    model.dispose();
  }
});

test("restricting the softmax to the text's ids trains too, and reports how many ids it used", async () => {
  await initBackend('wasm');
  const model = tinyModel(2);
  const tensorsBefore = tf.memory().numTensors;
  try {
    const result = await pretrain({
      model,
      tokenizer,
      texts: reviews(200, 3),
      heldOutTexts: reviews(30, 4),
      maxLength: 32,
      batchSize: 8,
      maxSteps: 40,
      learningRate: 3e-3,
      restrictVocabulary: true,
      progress: false,
    });
    // 'a' and 'and' never occur in these reviews.
    assert.equal(result.vocabulary, WORDS.length - 2);
    assert.ok(
      result.heldOut !== null && result.heldOut.accuracy > result.heldOut.unigramAccuracy,
      JSON.stringify(result.heldOut),
    );
    assert.ok(
      result.losses.slice(-5).reduce((a, b) => a + b) < result.losses.slice(0, 5).reduce((a, b) => a + b),
      JSON.stringify(result.losses),
    );
    assert.equal(tf.memory().numTensors, tensorsBefore, 'pretrain() left tensors behind');
  } finally {
    model.dispose();
  }
});

test('checkpoint and resume end with the same weights as an uninterrupted run', async () => {
  await initBackend('wasm');
  const texts = reviews(60, 6);
  const common = {
    tokenizer,
    texts,
    maxLength: 32,
    batchSize: 8,
    maxSteps: 10,
    learningRate: 3e-3,
    progress: false as const,
    seed: 9,
  };
  const straight = tinyModel(3);
  await pretrain({ ...common, model: straight });

  // Stops in the middle of the second epoch (3 batches per epoch), saving a checkpoint; a new model resumes from it.
  const outputDir = path.join(work, 'resumed');
  const first = tinyModel(3);
  const controller = new AbortController();
  const stopping = new Pretrainer({
    ...common,
    model: first,
    outputDir,
    signal: controller.signal,
    log: () => undefined,
  });
  const step = stopping.trainStep.bind(stopping);
  stopping.trainStep = (batch) => {
    const loss = step(batch);
    if (stopping.state.globalStep === 5) controller.abort();
    return loss;
  };
  const partial = await stopping.fit();
  stopping.dispose();
  assert.equal(partial.stopped, 'interrupted');
  assert.equal(partial.steps, 5);
  assert.equal(stopping.batchesPerEpoch, 3);
  first.dispose();

  const second = tinyModel(77); // different initial weights: the checkpoint must replace them all
  const resumed = await pretrain({
    ...common,
    model: second,
    outputDir,
    resumeFrom: path.join(outputDir, 'checkpoint'),
    log: () => undefined,
  });
  assert.equal(resumed.steps, 10);
  for (const [name, variable] of straight.parameters) {
    const other = second.parameters.get(name);
    assert.ok(other !== undefined, name);
    assert.deepEqual(Array.from(other.dataSync()), Array.from(variable.dataSync()), `${name} differs after resume`);
  }
  // The finished run saved a model folder that loads back as RobertaForMaskedLM.
  const reloaded = await RobertaForMaskedLM.fromPretrained(path.join(outputDir, 'final'), { log: () => undefined });
  assert.deepEqual(reloaded.loadReport?.missing, []);
  reloaded.dispose();
  straight.dispose();
  second.dispose();
});

test('every step sees a new mask: a sequence fed once per epoch is masked differently each time', async () => {
  await initBackend('wasm');
  const model = tinyModel(4);
  // One sequence, so the batch order cannot vary the mask: only a fresh draw can.
  const pretrainer = new Pretrainer({
    model,
    tokenizer,
    texts: reviews(2, 8),
    maxLength: 32,
    batchSize: 4,
    maxSteps: 3,
    progress: false,
  });
  try {
    assert.equal(pretrainer.sequences.length, 1);
    const masks: string[] = [];
    const original = pretrainer.maskBatch.bind(pretrainer);
    pretrainer.maskBatch = (batch) => {
      const masked = original(batch);
      masks.push(Array.from(masked.labels).join(','));
      return masked;
    };
    await pretrainer.fit();
    assert.equal(pretrainer.state.epoch, 2);
    assert.equal(masks.length, 3);
    assert.equal(new Set(masks).size, 3, `the sequence got the same mask in different epochs: ${masks.join(' | ')}`);
  } finally {
    pretrainer.dispose();
    model.dispose();
  }
});
