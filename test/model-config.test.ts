// RobertaConfig: Hugging Face defaults, the offline shape, labels, and validation errors that name
// the file and the field.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  configToJson,
  loadConfig,
  maxSequenceLength,
  offlineModelConfig,
  OFFLINE_MODEL_CONFIG,
  ROBERTA_BASE_CONFIG,
  robertaConfig,
} from '../lib/model/config';
import { FIXTURES_DIR } from './helpers/paths';

function withConfigFile(fields: unknown, check: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-config-'));
  try {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, typeof fields === 'string' ? fields : JSON.stringify(fields));
    check(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the fixture config.json reads with its values; absent fields take transformers defaults', () => {
  const config = loadConfig(path.join(FIXTURES_DIR, 'tiny-roberta-a', 'config.json'));
  assert.equal(config.hidden_size, 64);
  assert.equal(config.num_attention_heads, 4);
  assert.equal(config.max_position_embeddings, 66);
  assert.equal(config.layer_norm_eps, 1e-5);
  assert.equal(config.initializer_range, 0.1);
  assert.equal(config.classifier_dropout, null);
  assert.equal(config.num_labels, 2);
  assert.deepEqual(config.id2label, { 0: 'LABEL_0', 1: 'LABEL_1' });
  assert.equal(config.extras.use_cache, true);
  assert.equal(maxSequenceLength(config), 64);

  // transformers' RobertaConfig() defaults as its documentation lists them (PretrainedConfig adds
  // num_labels 2 with LABEL_0 / LABEL_1 and problem_type None).
  const defaults = robertaConfig({});
  assert.deepEqual(
    { ...defaults, extras: undefined },
    {
      model_type: 'roberta',
      vocab_size: 50265,
      hidden_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      intermediate_size: 3072,
      hidden_act: 'gelu',
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
      max_position_embeddings: 512,
      type_vocab_size: 2,
      initializer_range: 0.02,
      layer_norm_eps: 1e-12,
      pad_token_id: 1,
      bos_token_id: 0,
      eos_token_id: 2,
      position_embedding_type: 'absolute',
      classifier_dropout: null,
      num_labels: 2,
      id2label: { 0: 'LABEL_0', 1: 'LABEL_1' },
      label2id: { LABEL_0: 0, LABEL_1: 1 },
      problem_type: null,
      extras: undefined,
    },
  );
});

test('the offline config is the small RoBERTa shape, sized for 256 tokens, vocabulary as given', () => {
  assert.equal(OFFLINE_MODEL_CONFIG.num_hidden_layers, 2);
  assert.equal(OFFLINE_MODEL_CONFIG.hidden_size, 128);
  assert.equal(OFFLINE_MODEL_CONFIG.num_attention_heads, 2);
  assert.equal(OFFLINE_MODEL_CONFIG.intermediate_size, 512);
  assert.equal(maxSequenceLength(OFFLINE_MODEL_CONFIG), 256);
  assert.equal(OFFLINE_MODEL_CONFIG.vocab_size, 50265);
  assert.deepEqual(OFFLINE_MODEL_CONFIG.id2label, { 0: 'NEGATIVE', 1: 'POSITIVE' });
  assert.equal(offlineModelConfig(50262).vocab_size, 50262);
  assert.equal(offlineModelConfig(50262, { max_position_embeddings: 514 }).max_position_embeddings, 514);
  assert.equal(ROBERTA_BASE_CONFIG.max_position_embeddings, 514);
});

test('labels: num_labels alone, id2label alone, label2id checked against id2label', () => {
  const three = robertaConfig({ num_labels: 3 });
  assert.deepEqual(three.id2label, { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
  assert.deepEqual(three.label2id, { LABEL_0: 0, LABEL_1: 1, LABEL_2: 2 });
  const named = robertaConfig({ id2label: { 1: 'pos', 0: 'neg' } });
  assert.equal(named.num_labels, 2);
  assert.deepEqual(named.label2id, { neg: 0, pos: 1 });
  assert.throws(
    () => robertaConfig({ id2label: { 0: 'a' }, num_labels: 2 }),
    /num_labels is 2 but id2label has 1 entries/,
  );
  assert.throws(
    () => robertaConfig({ id2label: { 0: 'a', 5: 'b' } }),
    /field 'id2label' must be keys 0\.\.1, found "5"/,
  );
  assert.throws(
    () => robertaConfig({ id2label: { 0: 'a', 1: 'b' }, label2id: { a: 1, b: 0 } }),
    /label2id\.a = 1 disagrees with id2label/,
  );
});

test('inconsistent or unsupported configs fail naming the file and the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ hidden_size: 100, num_attention_heads: 12 }, /hidden_size 100 is not a multiple of num_attention_heads 12/],
    [{ hidden_size: '768' }, /field 'hidden_size' must be a positive integer, found "768"/],
    [{ num_hidden_layers: 0 }, /field 'num_hidden_layers' must be a positive integer, found 0/],
    [{ hidden_dropout_prob: 1 }, /field 'hidden_dropout_prob' must be a probability in \[0, 1\), found 1/],
    [{ classifier_dropout: -0.1 }, /field 'classifier_dropout' must be a probability/],
    [{ layer_norm_eps: 0 }, /field 'layer_norm_eps' must be a positive number, found 0/],
    [{ hidden_act: 'relu' }, /field 'hidden_act' must be "gelu"/],
    [{ position_embedding_type: 'relative_key' }, /field 'position_embedding_type' must be "absolute"/],
    [{ model_type: 'bert' }, /field 'model_type' must be "roberta", found "bert"/],
    [{ pad_token_id: 50265 }, /field 'pad_token_id' must be below vocab_size 50265/],
    [{ max_position_embeddings: 2 }, /field 'max_position_embeddings' must be at least pad_token_id \+ 2 = 3/],
    [{ problem_type: 'ranking' }, /field 'problem_type' must be null, "single_label_classification"/],
  ];
  for (const [fields, pattern] of cases) {
    withConfigFile(fields, (file) => {
      assert.throws(
        () => loadConfig(file),
        (err: Error) => {
          assert.ok(err.message.startsWith(file), `error should name ${file}: ${err.message}`);
          assert.match(err.message, pattern);
          return true;
        },
      );
    });
  }
  withConfigFile('{"hidden_size": 64,', (file) =>
    assert.throws(() => loadConfig(file), /config\.json: not valid JSON/),
  );
  withConfigFile('[1]', (file) => assert.throws(() => loadConfig(file), /config\.json: expected a JSON object/));
  assert.throws(() => loadConfig('/nonexistent/config.json'), /\/nonexistent\/config\.json: cannot read/);
});

test('configToJson writes what transformers reads, keeping fields this library does not use', () => {
  const config = loadConfig(path.join(FIXTURES_DIR, 'tiny-roberta-a', 'config.json'));
  const json = configToJson(config);
  assert.equal(json.model_type, 'roberta');
  assert.deepEqual(json.architectures, ['RobertaForSequenceClassification']);
  assert.deepEqual(json.id2label, { 0: 'LABEL_0', 1: 'LABEL_1' });
  assert.equal(json.use_cache, true);
  assert.equal(json.transformers_version, '4.25.1');
  assert.equal('extras' in json, false);
  assert.equal('problem_type' in json, false);
  // Reading the written JSON gives the same config back.
  assert.deepEqual(configToJson(robertaConfig(json)), json);
});
