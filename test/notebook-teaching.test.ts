// What the notebooks say about the platform and the metrics, generated from the run's own values.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describePlatform, initBackend, platformSentence, type PlatformInfo } from '../lib/backend';
import { setDisplaySink, type MimeBundle } from '../lib/display/output';
import { showPlatform } from '../lib/display/platform';
import { constantPrediction, epochReadingSentences } from '../lib/display/metrics-reading';
import { attentionCost, layerParameters } from '../lib/layer-cost';
import { ROBERTA_BASE_CONFIG, offlineModelConfig } from '../lib/model/config';
import { parameterSummary } from '../lib/model/summary';
import { OFFLINE_VOCAB_SIZE } from '../lib/tokenizer/offline';
import { REPO_ROOT } from './helpers/paths';
import { headTailSplit, truncateIds } from '../lib/truncation';

const info = (backend: PlatformInfo['backend'], notes: string[]): PlatformInfo => ({
  backend,
  tfjsVersion: '4.22.0',
  threads: 1,
  nodeVersion: 'v20',
  slowFallback: backend !== 'tensorflow',
  notes,
});

test('platform: one plain sentence, no module-resolution error, no second warning', () => {
  const wasm = info('wasm', ['tensorflow: not installed']);
  assert.equal(
    platformSentence(wasm),
    'Tensors run on WebAssembly (1 thread), because native TensorFlow (tfjs-node) is not installed: the small ' +
      'offline model trains in minutes, while roberta-base takes minutes per batch of 16, in micro-batches that fit ' +
      'the 4 GiB heap.',
  );
  assert.match(
    platformSentence(info('wasm', ['tensorflow: libtensorflow.so: cannot open'])),
    /did not load \(libtensorflow\.so: cannot open\)/,
  );
  assert.match(platformSentence(info('tensorflow', [])), /native TensorFlow/);
  const bundles: MimeBundle[] = [];
  setDisplaySink((message) => bundles.push(message.data));
  try {
    showPlatform(wasm);
  } finally {
    setDisplaySink(null);
  }
  const text = String(bundles[0]['text/plain']);
  assert.doesNotMatch(text + String(bundles[0]['text/html']), /Cannot find module|Slow fallback|note:/);
  assert.equal(text.split('\n').filter((line) => line.startsWith('Tensors run')).length, 1);
  assert.equal(describePlatform(wasm).split('\n').length, 2);
});

test('the platform check on this machine says in words why a backend was not used', async () => {
  const info = await initBackend('auto');
  for (const note of info.notes) assert.doesNotMatch(note, /Cannot find module|Require stack/, note);
  assert.doesNotMatch(describePlatform(info), /Cannot find module/);
});

test('a constant predictor is named, with why F1 flatters it; a mixed epoch is not', () => {
  assert.equal(
    constantPrediction([
      [0, 80],
      [0, 80],
    ]),
    1,
  );
  assert.equal(
    constantPrediction([
      [80, 0],
      [80, 0],
    ]),
    0,
  );
  assert.equal(
    constantPrediction([
      [70, 10],
      [12, 68],
    ]),
    null,
  );
  const lines = epochReadingSentences(
    [
      {
        epoch: 1,
        evalAccuracy: 0.5,
        evalF1: 2 / 3,
        evalRecall: 1,
        evalPrecision: 0.5,
        evalConfusionMatrix: [
          [0, 80],
          [0, 80],
        ],
      },
      {
        epoch: 2,
        evalAccuracy: 0.88,
        evalF1: 0.89,
        evalRecall: 0.94,
        evalPrecision: 0.84,
        evalConfusionMatrix: [
          [66, 14],
          [5, 75],
        ],
      },
    ],
    ['NEGATIVE', 'POSITIVE'],
  );
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /After epoch 1 the model answered POSITIVE for all 160 validation reviews.*accuracy 0\.500.*recall 1\.000.*F1 0\.667.*positive class alone/,
  );
  assert.match(
    epochReadingSentences(
      [
        {
          epoch: 1,
          evalConfusionMatrix: [
            [66, 14],
            [5, 75],
          ],
        },
      ],
      ['N', 'P'],
    )[0],
    /Every epoch predicted both classes/,
  );
});

test("attention products: a small share of roberta-base's arithmetic; the feed-forward, two thirds of a layer", () => {
  const share = (length: number): number => attentionCost(ROBERTA_BASE_CONFIG, length).attentionShare;
  assert.ok(Math.abs(share(256) - 0.0526) < 1e-3, `${share(256)}`);
  assert.ok(Math.abs(share(512) - 0.1) < 1e-3, `${share(512)}`);
  const layer = layerParameters(ROBERTA_BASE_CONFIG);
  assert.equal(layer.total, 7_087_872, 'roberta-base has 7,087,872 parameters per layer');
  assert.ok(Math.abs(layer.feedForwardShare - 2 / 3) < 0.01);
});

test("the README's parameter counts of the offline model are the model's", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const match = readme.match(
    /The offline model: ([\d,]+) parameters with 258 positions \(([\d,]+) with 514, .*?for its ([\d,]+)-token vocabulary; .*? has (\d+) more \(([\d,]+)\), because it was built with `roberta-base`'s ([\d,]+) ids/,
  );
  assert.ok(match, "README states the offline model's parameter counts");
  const n = (text: string): number => Number(text.replace(/,/g, ''));
  const count = (vocab: number, positions: number): number =>
    parameterSummary(offlineModelConfig(vocab, { max_position_embeddings: positions })).total;
  assert.equal(n(match[3]), OFFLINE_VOCAB_SIZE);
  assert.equal(n(match[1]), count(OFFLINE_VOCAB_SIZE, 258));
  assert.equal(n(match[2]), count(OFFLINE_VOCAB_SIZE, 514));
  assert.equal(n(match[6]), ROBERTA_BASE_CONFIG.vocab_size);
  assert.equal(n(match[5]), count(ROBERTA_BASE_CONFIG.vocab_size, 258));
  assert.equal(n(match[4]), n(match[5]) - n(match[1]));
});

test('truncation keeps <s> and </s>; head+tail keeps the opening and the end', () => {
  const ids = [0, ...Array.from({ length: 20 }, (_, i) => 100 + i), 2];
  assert.deepEqual(truncateIds(ids, 8, { kind: 'head' }), [0, 100, 101, 102, 103, 104, 105, 2]);
  assert.deepEqual(truncateIds(ids, 8, { kind: 'head+tail', headTokens: 2 }), [0, 100, 101, 116, 117, 118, 119, 2]);
  assert.deepEqual(truncateIds([0, 5, 2], 8, { kind: 'head' }), [0, 5, 2]);
  assert.throws(
    () => truncateIds(ids, 8, { kind: 'head+tail', headTokens: 7 }),
    /headTokens should be an integer from 0 to 6/,
  );
  assert.deepEqual(headTailSplit(512), { kind: 'head+tail', headTokens: 128 });
  assert.equal(headTailSplit(256).headTokens, 64);
});
