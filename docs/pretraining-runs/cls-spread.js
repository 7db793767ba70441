// How much the first token's output (<s>, what the classification head reads) differs between reviews,
// for a body from random weights and for pretrained bodies, on 64 training reviews cut at 256 tokens:
//   node docs/pretraining-runs/cls-spread.js scratch runs/p2/final runs/z3b/final
// Prints, for <s> and for the mean over a review's tokens: the standard deviation across reviews
// (averaged over dimensions), the norm of the mean vector, and the distance between the means of the
// positive and the negative reviews. The features come from frozen-features.js.
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const tf = require('@tensorflow/tfjs');
const { initBackend } = require(`${D}/backend`);
const { loadTokenizer } = require(`${D}/tokenizer`);
const { generateSplit } = require(`${D}/data/corpus`);
const { features, loadBody } = require('./frozen-features');

const REVIEWS = 64;

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
  const labels = reviews.map((review) => review.label);
  for (const source of process.argv.slice(2)) {
    const model = await loadBody(source, tokenizer);
    const { first, mean } = await features(
      model,
      tokenizer,
      reviews.map((review) => review.text),
    );
    const [firstStates, meanStates] = [tf.tensor2d(first), tf.tensor2d(mean)];
    console.log(
      `${source} | <s>: ${spread(firstStates)}, class gap ${classGap(firstStates, labels)}` +
        ` | token mean: ${spread(meanStates)}, class gap ${classGap(meanStates, labels)}`,
    );
    model.dispose();
  }
})();
