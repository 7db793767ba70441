// Dropout as PyTorch's: in training mode it zeroes about `rate` of the values and scales the others
// by 1 / (1 - rate); in eval mode it is the identity. Seen on the first hidden state (the
// embeddings' LayerNorm, then dropout), whose values are otherwise never exactly 0.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';

before(async () => {
  await initBackend('wasm');
});

test('training-mode dropout zeroes about `rate` of the embeddings, scales the rest by 1 / (1 - rate)', () => {
  const rate = 0.25;
  const overrides = { hidden_dropout_prob: rate, num_hidden_layers: 1, max_position_embeddings: 66 };
  const config = offlineModelConfig(500, overrides);
  const model = RobertaForSequenceClassification.fromConfig(config, { seed: 2 });
  const row = (r: number): number[] => Array.from({ length: 32 }, (_, t) => 5 + ((r * 37 + t * 11) % 490));
  const ids = [0, 1, 2, 3].map(row);
  const inputIds = tf.tensor2d(ids, undefined, 'int32');
  const inputs = { inputIds, attentionMask: tf.ones([4, 32], 'int32') as tf.Tensor2D };
  const [evalStates] = model.hiddenStates(inputs, { training: false });
  const [trainStates] = model.hiddenStates(inputs, { training: true, dropoutSeed: 9 });
  const reference = evalStates.dataSync();
  const dropped = trainStates.dataSync();
  let zeros = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    assert.notEqual(reference[i], 0, 'eval-mode values are never exactly 0');
    if (dropped[i] === 0) zeros += 1;
    else {
      const expected = reference[i] / (1 - rate);
      worst = Math.max(worst, Math.abs(dropped[i] - expected) / Math.abs(expected));
    }
  }
  // 16,384 values: the share of zeros has a standard deviation of 0.0034 around 0.25.
  const share = zeros / reference.length;
  assert.ok(Math.abs(share - rate) < 0.02, `share of zeros ${share}, rate ${rate}`);
  assert.ok(worst < 1e-5, `kept values differ from eval / (1 - rate) by ${worst} (relative)`);
  tf.dispose([evalStates, trainStates, inputs.inputIds, inputs.attentionMask]);
  model.dispose();
});
