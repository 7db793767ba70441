// A model trained briefly on the offline corpus, exported, then run three ways: our tfjs
// pipeline, our pipeline / evaluation on ONNX Runtime, and transformers.js's own pipeline reading
// the exported folder from disk (fp32 and int8).
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { offlineModelConfig } from '../lib/model/config';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { pipeline, evaluateModel, type LabelScore } from '../lib/pipeline';
import { train, trainingArguments, loadSplit } from '../lib/train-api';
import type { LabeledTexts } from '../lib/pipeline';
import { exportOnnx } from '../lib/export/onnx';
import { loadOnnxRuntimeModel, OnnxRuntimeModel } from '../lib/export/ort';
import { REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-runtime-'));
const SAVED = path.join(work, 'saved');
const EXPORTED_NAME = 'exported';
const EXPORTED = path.join(work, EXPORTED_NAME);
const MAX_LENGTH = 128;

let tokenizer: RobertaTokenizer;
let model: RobertaForSequenceClassification;
let testData: LabeledTexts;

before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
  // The offline shape, narrowed so that a few hundred steps run in a test: it learns the plainer reviews'
  // sentiment words (chance is 0.5; the reviews that need context stay beyond it).
  const config = offlineModelConfig(tokenizer.vocabSize, {
    hidden_size: 64,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 128,
    max_position_embeddings: MAX_LENGTH + 2,
  });
  model = RobertaForSequenceClassification.fromConfig(config, { seed: 7 });
  const trainData = await loadSplit('offline', 'train', { limit: 1600, seed: 42 });
  const outputDir = path.join(work, 'runs');
  const args = trainingArguments({
    outputDir,
    numTrainEpochs: 2,
    learningRate: 3e-3,
    warmupRatio: 0.1,
    perDeviceTrainBatchSize: 16,
    maxLength: MAX_LENGTH,
    progress: false,
  });
  await train({ model, tokenizer, args, trainData, log: () => {} });
  await model.savePretrained(SAVED);
  tokenizer.saveTo(SAVED);
  await exportOnnx({ model: SAVED, out: EXPORTED, quantize: true });
  testData = await loadSplit('offline', 'test', { limit: 500, seed: 42 });
});

after(() => {
  model.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

function accuracy(predicted: string[], labels: ArrayLike<number>): number {
  const correct = predicted.filter((label, i) => label === (labels[i] === 1 ? 'POSITIVE' : 'NEGATIVE')).length;
  return correct / predicted.length;
}

test('our pipeline on ORT gives the tfjs scores (1e-5), from the exported folder and from the saved one', async () => {
  const texts = testData.texts.slice(0, 100);
  const tfjs = (await (await pipeline({ model, tokenizer }))(texts)) as LabelScore[][];
  for (const source of [EXPORTED, SAVED]) {
    const onnx = await pipeline(source, { runtime: 'onnxruntime' });
    assert.ok(onnx.model instanceof OnnxRuntimeModel);
    const scores = await onnx(texts);
    scores.forEach((ranked, i) => {
      assert.equal(ranked[0].label, tfjs[i][0].label, `${source} text ${i}`);
      ranked.forEach((s, j) => {
        const message = `${source} text ${i}: ${s.score} vs ${tfjs[i][j].score}`;
        assert.ok(Math.abs(s.score - tfjs[i][j].score) <= 1e-5, message);
      });
    });
  }
});

test('evaluateModel on ONNX Runtime: the tfjs metrics; the model has learned something', async () => {
  const onTfjs = await evaluateModel({ model, tokenizer, data: testData, progress: false });
  const onnxModel = await loadOnnxRuntimeModel(EXPORTED);
  const onOrt = await evaluateModel({ model: onnxModel, tokenizer, data: testData, progress: false });
  assert.ok(onTfjs.accuracy >= 0.65, `trained model accuracy ${onTfjs.accuracy}`);
  assert.equal(onOrt.accuracy, onTfjs.accuracy);
  assert.deepEqual(onOrt.confusion_matrix, onTfjs.confusion_matrix);
  assert.ok(Math.abs(onOrt.loss - onTfjs.loss) <= 1e-5, `loss ${onOrt.loss} vs ${onTfjs.loss}`);
});

test("transformers.js's pipeline on the export: tfjs labels and scores (1e-4); int8 agrees on 99%", async (t) => {
  const { pipeline: transformersPipeline, env } = await import('@xenova/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = work + path.sep;
  const fp32 = await transformersPipeline('text-classification', EXPORTED_NAME, { quantized: false });
  const int8 = await transformersPipeline('text-classification', EXPORTED_NAME, { quantized: true });
  const topOf = async (classify: typeof fp32, texts: string[]): Promise<LabelScore[]> => {
    const out: LabelScore[] = [];
    // Chunks of 16, as transformers.js pads a call's texts to the longest of them.
    for (let i = 0; i < texts.length; i += 16) out.push(...((await classify(texts.slice(i, i + 16))) as LabelScore[]));
    return out;
  };
  // transformers.js 2.17 truncates after adding <s> … </s>, so a long text loses its </s>
  // (Hugging Face keeps it): compare scores on reviews that fit.
  const more = await loadSplit('offline', 'test', { limit: 1500, seed: 42 });
  const lengths = tokenizer.encodePlain(more.texts).inputIds.map((ids) => ids.length);
  const fitting = more.texts.filter((_, i) => lengths[i] <= MAX_LENGTH).slice(0, 100);
  assert.equal(fitting.length, 100);
  const ours = (await (await pipeline({ model, tokenizer }))(fitting)) as LabelScore[][];
  const theirs = await topOf(fp32, fitting);
  theirs.forEach((top, i) => {
    assert.equal(top.label, ours[i][0].label, `review ${i}`);
    const message = `review ${i}: transformers.js ${top.score}, ours ${ours[i][0].score}`;
    assert.ok(Math.abs(top.score - ours[i][0].score) <= 1e-4, message);
  });
  // int8 against fp32, both through transformers.js, on the test sample as it comes (long reviews included).
  const full = await topOf(fp32, testData.texts);
  const quantized = await topOf(int8, testData.texts);
  const agreeing = quantized.filter((top, i) => top.label === full[i].label).length / quantized.length;
  const agreement = `int8 agrees with fp32 on ${(agreeing * 100).toFixed(1)}% of ${quantized.length} reviews`;
  assert.ok(agreeing >= 0.99, agreement);
  const fp32Accuracy = accuracy(
    full.map((r) => r.label),
    testData.labels,
  );
  const int8Accuracy = accuracy(
    quantized.map((r) => r.label),
    testData.labels,
  );
  t.diagnostic(`${agreement}; accuracy fp32 ${fp32Accuracy}, int8 ${int8Accuracy}`);
  assert.ok(fp32Accuracy >= 0.65, `transformers.js fp32 accuracy ${fp32Accuracy}`);
  assert.ok(Math.abs(int8Accuracy - fp32Accuracy) <= 0.005, `accuracy fp32 ${fp32Accuracy}, int8 ${int8Accuracy}`);
});

test('ft-roberta evaluate --onnx on a saved model (exported on the fly) prints the tfjs accuracy', async () => {
  const onTfjs = await evaluateModel({ model, tokenizer, data: testData, limit: 64, progress: false });
  const args = [CLI, 'evaluate', '--model', SAVED, '--limit', '64', '--onnx'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { accuracy: number; count: number };
  assert.equal(report.count, 64);
  assert.equal(report.accuracy, onTfjs.accuracy);
});
