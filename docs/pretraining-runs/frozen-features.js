// Frozen features for a linear probe: the first token's output (<s>) and the mean over a review's tokens,
// for training and validation reviews cut at 256 tokens, written as JSON for frozen-probe.py:
//   node docs/pretraining-runs/frozen-features.js SOURCE OUT.json     (SOURCE: 'scratch' or a model folder)
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { initBackend } = require(`${D}/backend`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
const { loadTokenizer } = require(`${D}/tokenizer`);
const { loadImdb } = require(`${D}/data/imdb`);
const { offlineModelConfig } = require(`${D}/model/config`);

const LENGTH = 256;
const BATCH = 32;

/** The first token's output and the mean over real tokens, per text, as arrays [texts][hidden]. */
async function features(model, tokenizer, texts) {
  const first = [];
  const mean = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const rows = texts.slice(start, start + BATCH).map((text) => {
      const ids = [0, ...tokenizer.encodeText(text).slice(0, LENGTH - 2), 2];
      while (ids.length < LENGTH) ids.push(1);
      return ids;
    });
    const [firstRows, meanRows] = tf.tidy(() => {
      const inputIds = tf.tensor2d(rows, undefined, 'int32');
      const mask = tf.tensor2d(
        rows.map((row) => row.map((id) => (id === 1 ? 0 : 1))),
        undefined,
        'int32',
      );
      // lastHiddenState is private in TypeScript; a diagnostic may read it.
      const { hidden } = model.lastHiddenState({ inputIds, attentionMask: mask }, { training: false });
      const states = hidden.reshape([rows.length, LENGTH, -1]);
      const maskFloat = mask.toFloat();
      return [
        states.slice([0, 0, 0], [rows.length, 1, -1]).reshape([rows.length, -1]).arraySync(),
        states.mul(maskFloat.expandDims(2)).sum(1).div(maskFloat.sum(1, true)).arraySync(),
      ];
    });
    first.push(...firstRows);
    mean.push(...meanRows);
  }
  return { first, mean };
}

/** 'scratch' (the offline shape from random weights, seed 42) or a masked-LM folder. */
function loadBody(source, tokenizer) {
  return source === 'scratch'
    ? RobertaForMaskedLM.fromConfig(offlineModelConfig(tokenizer.vocabSize, {}), { seed: 42 })
    : RobertaForMaskedLM.fromPretrained(source);
}

async function main() {
  const [source, out] = process.argv.slice(2);
  await initBackend('wasm');
  const tokenizer = await loadTokenizer('offline');
  const splits = await loadImdb('offline', { seed: 42, limit: { train: 2500, validation: 500, test: 0 } });
  const model = await loadBody(source, tokenizer);
  const column = (frame, name) => frame[name].values;
  const result = {};
  for (const [split, frame] of [
    ['train', splits.train],
    ['validation', splits.validation],
  ]) {
    result[split] = { ...(await features(model, tokenizer, column(frame, 'text'))), labels: column(frame, 'label') };
  }
  fs.writeFileSync(out, JSON.stringify(result));
  console.log(
    `${source}: ${result.train.labels.length} training and ${result.validation.labels.length} validation reviews`,
  );
}

module.exports = { features, loadBody };

if (require.main === module) main();
