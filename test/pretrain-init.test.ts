// How a pretraining run starts: Hugging Face's initialisation with the token-type vector at zero
// (RoBERTa as published has no segment embedding), in the library and in `ft-roberta pretrain`.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../lib/backend';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { freshMaskedLanguageModel } from '../lib/pretrain';
import { REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const TOKEN_TYPES = 'roberta.embeddings.token_type_embeddings.weight';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-init-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const TINY = {
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 20,
};

async function weights(model: RobertaForMaskedLM): Promise<Map<string, Float32Array>> {
  const named = [...model.parameters];
  const values = await Promise.all(named.map(([, variable]) => variable.data() as Promise<Float32Array>));
  return new Map(named.map(([name], i) => [name, values[i]]));
}

test('a fresh model to pretrain has a zero token-type vector and otherwise the seeded Hugging Face start', async () => {
  await initBackend('wasm');
  const fresh = freshMaskedLanguageModel(TINY, 7);
  const reference = RobertaForMaskedLM.fromConfig(TINY, { seed: 7 });
  try {
    const got = await weights(fresh);
    const expected = await weights(reference);
    assert.deepEqual([...got.keys()], [...expected.keys()]);
    assert.ok(
      got.get(TOKEN_TYPES)!.every((x) => x === 0),
      'token-type vector is zero',
    );
    assert.ok(
      expected.get(TOKEN_TYPES)!.some((x) => x !== 0),
      'Hugging Face draws it at random',
    );
    for (const [name, values] of expected) {
      if (name !== TOKEN_TYPES) assert.deepEqual(got.get(name), values, name);
    }
  } finally {
    fresh.dispose();
    reference.dispose();
  }
});

test('ft-roberta pretrain starts from a zero token-type vector (after one step at learning rate 1e-9)', async () => {
  const texts = path.join(work, 'texts.json');
  const sentence = 'The film was good. The plot was thin, but the cast was great.';
  fs.writeFileSync(texts, JSON.stringify(Array.from({ length: 6 }, () => sentence)));
  const outputDir = path.join(work, 'run');
  const run = spawnSync(
    process.execPath,
    [CLI, 'pretrain', '--texts', texts, '--steps', '1', '--learning-rate', '1e-9', '--max-length', '32'].concat([
      '--batch-size',
      '2',
      '--output-dir',
      outputDir,
    ]),
    { encoding: 'utf8', env: { ...process.env, FT_ROBERTA_BACKEND: 'wasm' } },
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { model_dir: string };
  const saved = await RobertaForMaskedLM.fromPretrained(result.model_dir);
  try {
    const tokenTypes = (await weights(saved)).get(TOKEN_TYPES)!;
    assert.equal(tokenTypes.length, saved.config.hidden_size);
    // Adam moves each weight by about the learning rate in its first step; a random start is ~0.02.
    assert.ok(
      tokenTypes.every((x) => Math.abs(x) < 1e-6),
      `saved token-type vector ${tokenTypes.slice(0, 4)}`,
    );
  } finally {
    saved.dispose();
  }
});
