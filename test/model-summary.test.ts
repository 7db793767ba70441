// The parameter summary: roberta-base with 2 labels has 124,647,170 parameters (what torchinfo and
// transformers report), the offline shape matches the PyTorch reference model, and counts agree with a real model.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { OFFLINE_MODEL_CONFIG, ROBERTA_BASE_CONFIG, loadConfig, robertaConfig } from '../lib/model/config';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { formatSummary, parameterSummary } from '../lib/model/summary';
import { FIXTURES_DIR, PYTORCH_REFERENCE_FILE } from './helpers/paths';

test('roberta-base with 2 labels: 124,647,170 parameters, by module', () => {
  const summary = parameterSummary(ROBERTA_BASE_CONFIG);
  assert.equal(summary.total, 124_647_170);
  assert.equal(summary.trainable, 124_647_170);
  const byPath = new Map(summary.rows.map((row) => [row.path, row]));
  assert.equal(byPath.get('roberta.embeddings')?.parameters, 39_000_576);
  assert.equal(byPath.get('roberta.encoder')?.parameters, 85_054_464);
  assert.equal(byPath.get('roberta.encoder.layer.0')?.parameters, 7_087_872);
  assert.equal(byPath.get('classifier')?.parameters, 592_130);
  assert.equal(byPath.get('')?.module, 'RobertaForSequenceClassification');
  assert.equal(summary.rows.filter((row) => row.module === 'RobertaLayer').length, 12);
  // depth 3 stops at layers; deeper rows appear on request.
  assert.equal(byPath.has('roberta.encoder.layer.0.attention'), false);
  const deep = parameterSummary(ROBERTA_BASE_CONFIG, { depth: 6 });
  assert.equal(
    deep.rows.find((row) => row.path === 'roberta.encoder.layer.0.attention.self.query')?.parameters,
    590_592,
  );
  assert.equal(deep.total, summary.total);
});

test('output shapes for an input shape, and a torchinfo-like text table', () => {
  const summary = parameterSummary(ROBERTA_BASE_CONFIG, { inputShape: [16, 256], depth: 4 });
  const byPath = new Map(summary.rows.map((row) => [row.path, row]));
  assert.deepEqual(byPath.get('')?.outputShape, [16, 2]);
  assert.deepEqual(byPath.get('roberta.encoder.layer.3')?.outputShape, [16, 256, 768]);
  assert.deepEqual(byPath.get('roberta.encoder.layer.3.intermediate')?.outputShape, [16, 256, 3072]);
  const text = formatSummary(summary);
  assert.match(text, /RobertaForSequenceClassification\s+\[16, 2\]\s+124,647,170/);
  assert.match(text, /└─word_embeddings \(Embedding\)\s+\[16, 256, 768\]\s+38,603,520/);
  assert.match(text, /Total params: 124,647,170/);
  assert.match(text, /Params size \(MB\): 498\.59/);
});

test('the offline shape counts 6,880,642 parameters, as the PyTorch reference model', () => {
  const bench = JSON.parse(fs.readFileSync(PYTORCH_REFERENCE_FILE, 'utf8')) as {
    runs: { model: { parameters: number; max_position_embeddings: number } }[];
  };
  assert.equal(OFFLINE_MODEL_CONFIG.max_position_embeddings, bench.runs[0].model.max_position_embeddings);
  assert.equal(parameterSummary(OFFLINE_MODEL_CONFIG).total, bench.runs[0].model.parameters);
});

test('the summary counts what a model holds (fixture config: 139,650 as in expected.json)', async () => {
  await initBackend('wasm');
  const fixtureConfig = loadConfig(path.join(FIXTURES_DIR, 'tiny-roberta-a', 'config.json'));
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'tiny-roberta-a', 'expected.json'), 'utf8')) as {
    num_parameters: number;
  };
  assert.equal(parameterSummary(fixtureConfig).total, expected.num_parameters);
  const odd = robertaConfig({
    vocab_size: 97,
    hidden_size: 30,
    num_attention_heads: 5,
    num_hidden_layers: 3,
    intermediate_size: 61,
    max_position_embeddings: 20,
    num_labels: 4,
  });
  const model = RobertaForSequenceClassification.fromConfig(odd);
  assert.equal(parameterSummary(odd).total, model.numParameters());
  model.dispose();
});
