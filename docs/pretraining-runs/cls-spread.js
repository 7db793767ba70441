// How much the first token's output (<s>, what the classification head reads) differs between reviews,
// for a body from random weights and for pretrained bodies, on 64 training reviews cut at 256 tokens:
//   node docs/pretraining-runs/cls-spread.js scratch runs/p2/final runs/z3b/final
// Prints, for <s> and for the mean over a review's tokens: the standard deviation across reviews
// (averaged over dimensions), the norm of the mean vector, and the distance between the means of the
// positive and the negative reviews.
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const tf = require('@tensorflow/tfjs');
const { initBackend } = require(`${D}/backend`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
const { loadTokenizer } = require(`${D}/tokenizer`);
const { generateSplit } = require(`${D}/data/corpus`);
const { offlineModelConfig } = require(`${D}/model/config`);

const REVIEWS = 64;
const LENGTH = 256;

function spread(x) {
  const mean = x.mean(0);
  const std = x.sub(mean).square().mean(0).sqrt().mean().dataSync()[0];
  const norm = mean.norm().dataSync()[0];
  return `${std.toFixed(4)} across reviews vs |mean| ${norm.toFixed(3)}`;
}

function classGap(x, labels) {
  const y = tf.tensor1d(labels, 'float32');
  const positive = x.mul(y.expandDims(1)).sum(0).div(y.sum());
  const negative = x.mul(tf.scalar(1).sub(y).expandDims(1)).sum(0).div(tf.scalar(labels.length).sub(y.sum()));
  return positive.sub(negative).norm().dataSync()[0].toFixed(4);
}

(async () => {
  await initBackend('wasm');
  const tokenizer = await loadTokenizer('offline');
  const reviews = generateSplit(42, 'train', REVIEWS);
  const rows = reviews.map((review) => {
    const ids = [0, ...tokenizer.encodeText(review.text).slice(0, LENGTH - 2), 2];
    while (ids.length < LENGTH) ids.push(1);
    return ids;
  });
  const labels = reviews.map((review) => review.label);
  for (const source of process.argv.slice(2)) {
    const model =
      source === 'scratch'
        ? RobertaForMaskedLM.fromConfig(offlineModelConfig(tokenizer.vocabSize, {}), { seed: 42 })
        : await RobertaForMaskedLM.fromPretrained(source);
    const inputIds = tf.tensor2d(rows, undefined, 'int32');
    const attentionMask = tf.tensor2d(rows.map((row) => row.map((id) => (id === 1 ? 0 : 1))), undefined, 'int32');
    // lastHiddenState is private in TypeScript; a diagnostic may read it.
    const { hidden } = model.lastHiddenState({ inputIds, attentionMask }, { training: false });
    const states = hidden.reshape([REVIEWS, LENGTH, -1]);
    const first = states.slice([0, 0, 0], [REVIEWS, 1, -1]).reshape([REVIEWS, -1]);
    const maskFloat = attentionMask.toFloat();
    const tokenMean = states.mul(maskFloat.expandDims(2)).sum(1).div(maskFloat.sum(1, true));
    console.log(
      `${source} | <s>: ${spread(first)}, class gap ${classGap(first, labels)}` +
        ` | token mean: ${spread(tokenMean)}, class gap ${classGap(tokenMean, labels)}`,
    );
    model.dispose();
  }
})();
