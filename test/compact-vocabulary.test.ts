// The compact vocabulary used for pretraining: the cut-down model computes what the full model
// computes over the same ids, and writing back gives a full model whose softmax is the compact one's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { CompactVocabulary, UNSEEN_ID_BIAS } from '../lib/compact-vocabulary';
import { worstDifference } from './helpers/compare';

const FULL_VOCAB = 40;
/** Used ids: the specials 0-3 and 39 (<mask>), and a few words. */
const SEQUENCES = [
  [0, 7, 12, 9, 2],
  [0, 12, 30, 7, 21, 2],
];
const SPECIALS = [0, 1, 2, 39];

function fullModel(seed: number): RobertaForMaskedLM {
  return RobertaForMaskedLM.fromConfig(
    {
      vocab_size: FULL_VOCAB,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 16,
      type_vocab_size: 1,
      hidden_dropout_prob: 0,
      attention_probs_dropout_prob: 0,
    },
    { seed },
  );
}

function inputs(ids: number[][]): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D } {
  return {
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    attentionMask: tf.onesLike(tf.tensor2d(ids, undefined, 'int32')),
  };
}

test('compact vocabulary: used ids and specials, ascending; the config renumbers the special tokens', async () => {
  await initBackend('wasm');
  const vocabulary = CompactVocabulary.fromSequences(SEQUENCES, SPECIALS);
  assert.deepEqual(Array.from(vocabulary.ids), [0, 1, 2, 7, 9, 12, 21, 30, 39]);
  assert.deepEqual(vocabulary.compactSequence([0, 30, 39]), [0, 7, 8]);
  assert.deepEqual(vocabulary.compactSequence([0, 31, 2], -1), [0, -1, 2]);
  assert.throws(() => vocabulary.compactSequence([31]), /id 31 is not among its 9 ids/);
  const model = fullModel(1);
  const config = vocabulary.compactConfig(model.config);
  assert.equal(config.vocab_size, 9);
  assert.deepEqual([config.bos_token_id, config.pad_token_id, config.eos_token_id], [0, 1, 2]);
  model.dispose();
});

test("the compact model gives the full model's logits on its ids; write-back gives its softmax back", async () => {
  await initBackend('wasm');
  const vocabulary = CompactVocabulary.fromSequences(SEQUENCES, SPECIALS);
  const full = fullModel(2);
  const compact = vocabulary.compactModel(full);
  const batch = [[0, 7, 39, 9, 2]];
  const positions = tf.tensor1d([1, 2, 3], 'int32');
  const ids = tf.tensor1d(vocabulary.ids, 'int32');
  const fullLogits = tf.gather(full.forwardAtPositions(inputs(batch), positions, { training: false }), ids, 1);
  const compactBatch = batch.map((row) => vocabulary.compactSequence(row));
  const compactLogits = compact.forwardAtPositions(inputs(compactBatch), positions, { training: false });
  const logitsCheck = worstDifference(compactLogits.dataSync(), fullLogits.dataSync());
  assert.ok(logitsCheck.diff < 1e-6, logitsCheck.message);

  // Change the compact model as training would, then copy it back.
  const wordEmbeddings = compact.parameters.get('roberta.embeddings.word_embeddings.weight')!;
  wordEmbeddings.assign(tf.add(wordEmbeddings, tf.randomNormal(wordEmbeddings.shape, 0, 0.5, 'float32', 3)));
  const bias = compact.parameters.get('lm_head.bias')!;
  bias.assign(tf.randomNormal(bias.shape, 0, 1, 'float32', 4));
  const untouchedRow = (
    full.parameters.get('roberta.embeddings.word_embeddings.weight')!.arraySync() as number[][]
  )[31];
  vocabulary.writeBack(compact, full);

  const written = full.parameters.get('roberta.embeddings.word_embeddings.weight')!.arraySync() as number[][];
  assert.deepEqual(written[31], untouchedRow, 'rows outside the vocabulary keep their values');
  assert.deepEqual(written[30], (wordEmbeddings.arraySync() as number[][])[7]);
  const fullBias = full.parameters.get('lm_head.bias')!.dataSync();
  assert.equal(fullBias[31], UNSEEN_ID_BIAS);
  assert.equal(fullBias[30], bias.dataSync()[7]);

  const compactProbabilities = tf.softmax(
    compact.forwardAtPositions(inputs(compactBatch), positions, { training: false }),
  );
  const fullProbabilities = tf.softmax(full.forwardAtPositions(inputs(batch), positions, { training: false }));
  const onUsedIds = tf.gather(fullProbabilities, ids, 1);
  const softmaxCheck = worstDifference(onUsedIds.dataSync(), compactProbabilities.dataSync());
  assert.ok(softmaxCheck.diff < 1e-6, softmaxCheck.message);
  assert.ok(tf.sum(onUsedIds).dataSync()[0] > 3 - 1e-5, 'ids outside the vocabulary get no probability');
  tf.dispose([fullLogits, compactLogits, positions, ids, compactProbabilities, fullProbabilities, onUsedIds]);
  compact.dispose();
  full.dispose();
});
