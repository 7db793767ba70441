// Training-mode behaviour: no tensor leaks over 20 steps, seeded dropout, and padding rows of the
// word and position embeddings that never move.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';

// The offline shape with a smaller vocabulary, so each step takes well under a second.
const config = offlineModelConfig(2000, { max_position_embeddings: 66 });
const PAD = config.pad_token_id;
/** The id at [0, 1] of batch(). */
const USED_ID = 5 + 17;

function batch(): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D; labels: tf.Tensor1D } {
  const lengths = [32, 20, 7, 32];
  const seq = 32;
  const ids: number[][] = [];
  const mask: number[][] = [];
  lengths.forEach((length, row) => {
    ids.push(
      Array.from({ length: seq }, (_, t) =>
        t === 0 ? 0 : t === length - 1 ? 2 : t < length ? 5 + ((row * 131 + t * 17) % 1990) : PAD,
      ),
    );
    mask.push(Array.from({ length: seq }, (_, t) => (t < length ? 1 : 0)));
  });
  return {
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(mask, undefined, 'int32'),
    labels: tf.tensor1d([0, 1, 1, 0], 'int32'),
  };
}

/** One SGD step inside tidy: forward (train mode), backward, update; returns the loss. */
function sgdStep(
  model: RobertaForSequenceClassification,
  data: ReturnType<typeof batch>,
  step: number,
  learningRate = 0.05,
): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => model.loss(model.forward(data, { training: true, dropoutSeed: 1000 + step }), data.labels),
      model.trainableVariables(),
    );
    for (const variable of model.trainableVariables())
      variable.assign(tf.sub(variable, tf.mul(grads[variable.name], learningRate)));
    return value.dataSync()[0];
  });
}

before(async () => {
  await initBackend('wasm');
});

test('20 training steps (forward, backward, SGD update) leave tf.memory().numTensors unchanged', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 3 });
  const data = batch();
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) losses.push(sgdStep(model, data, step));
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by training steps');
  const logits = model.forward(data, { training: false });
  logits.dispose();
  const states = model.hiddenStates(data);
  tf.dispose(states);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by eval forward / hiddenStates');
  assert.ok(losses.every(Number.isFinite), `losses: ${losses.join(' ')}`);
  tf.dispose(Object.values(data));
  model.dispose();
});

test('dropout: same seed, same logits; another seed or eval mode, different logits', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 4 });
  const data = batch();
  const run = (training: boolean, dropoutSeed?: number): number[] =>
    tf.tidy(() => Array.from(model.forward(data, { training, dropoutSeed }).dataSync()));
  assert.deepEqual(run(true, 11), run(true, 11));
  assert.notDeepEqual(run(true, 11), run(true, 12));
  assert.notDeepEqual(run(true, 11), run(false));
  assert.deepEqual(run(false), run(false));
  // Seeds differing only above 2^32 still give different masks.
  assert.notDeepEqual(run(true, 5), run(true, 5 + 2 ** 32));
  assert.notDeepEqual(run(true), run(true), 'unseeded training calls draw fresh masks');
  // Dropout keeps about 1 - p of the values and scales them by 1 / (1 - p), like PyTorch.
  const dropped = RobertaForSequenceClassification.fromConfig({ ...config, hidden_dropout_prob: 0.5 }, { seed: 4 });
  const states = tf.tidy(() => {
    const trained = dropped.hiddenStates(data, { training: true, dropoutSeed: 3 })[0].dataSync();
    const evaluated = dropped.hiddenStates(data, { training: false })[0].dataSync();
    let zeros = 0;
    let scaledOk = 0;
    for (let i = 0; i < trained.length; i++) {
      if (trained[i] === 0) zeros++;
      else if (Math.abs(trained[i] - 2 * evaluated[i]) <= 1e-5 * Math.abs(evaluated[i]) + 1e-7) scaledOk++;
    }
    return { zeros: zeros / trained.length, scaled: scaledOk / (trained.length - zeros) };
  });
  assert.ok(Math.abs(states.zeros - 0.5) < 0.02, `dropped share ${states.zeros}`);
  assert.equal(states.scaled, 1);
  tf.dispose(Object.values(data));
  dropped.dispose();
  model.dispose();
});

test('the padding rows of the word and position embeddings get zero gradient and never move', () => {
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 5 });
  // Attend to the padding tokens too: with them masked out their rows would get no gradient anyway,
  // so only an all-ones mask shows that padding_idx, not the mask, keeps the rows still.
  const padded = batch();
  const data = { ...padded, attentionMask: tf.onesLike(padded.attentionMask) };
  padded.attentionMask.dispose();
  const word = model.parameters.get('roberta.embeddings.word_embeddings.weight');
  const position = model.parameters.get('roberta.embeddings.position_embeddings.weight');
  assert.ok(word !== undefined && position !== undefined);
  const h = config.hidden_size;
  // HF initialises both padding rows to zero; give them values so "unchanged" means something.
  for (const table of [word, position]) {
    table.assign(
      tf.tidy(() =>
        tf.add(table, tf.mul(tf.oneHot(tf.tensor1d([PAD], 'int32'), table.shape[0]).reshape([-1, 1]), 0.5)),
      ),
    );
  }
  const rowOf = (v: tf.Variable, row: number): number[] => Array.from(v.dataSync().subarray(row * h, (row + 1) * h));
  const before = { word: rowOf(word, PAD), position: rowOf(position, PAD), usedWord: rowOf(word, USED_ID) };
  assert.ok(before.word.every((v) => v === 0.5));
  const grads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(
      () => model.loss(model.forward(data, { training: true, dropoutSeed: 1 }), data.labels),
      [word, position],
    );
    return {
      word: rowOf(g[word.name] as tf.Variable, PAD),
      position: rowOf(g[position.name] as tf.Variable, PAD),
      positionNext: rowOf(g[position.name] as tf.Variable, PAD + 1),
    };
  });
  assert.ok(
    grads.word.every((v) => v === 0),
    'word padding row gradient',
  );
  assert.ok(
    grads.position.every((v) => v === 0),
    'position padding row gradient',
  );
  assert.ok(
    grads.positionNext.some((v) => v !== 0),
    'the first real position does get a gradient',
  );
  for (let step = 0; step < 3; step++) sgdStep(model, data, step);
  assert.deepEqual(rowOf(word, PAD), before.word);
  assert.deepEqual(rowOf(position, PAD), before.position);
  assert.notDeepEqual(rowOf(word, USED_ID), before.usedWord, 'a token of the batch does move');
  tf.dispose(Object.values(data));
  model.dispose();
});
