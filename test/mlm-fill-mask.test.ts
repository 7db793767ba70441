// The fill-mask pipeline (Hugging Face's output shape) and the CLI's masked-LM commands:
// `ft-roberta fill-mask`, and `ft-roberta logits` on an MLM checkpoint.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { fillMaskPipeline, type FillMaskCandidate } from '../lib/fill-mask';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-mlm');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-fill-mask-'));
const modelDir = path.join(work, 'model');
let tokenizer: RobertaTokenizer;
let model: RobertaForMaskedLM;
let great: number;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, FT_ROBERTA_BACKEND: 'wasm' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Probabilities at `position` from the full forward pass: the reference the pipeline's scores must equal. */
function probabilitiesAt(text: string, position: number): Float32Array {
  return tf.tidy(() => {
    const ids = tokenizer.encodePlain([text]).inputIds[0];
    const logits = model.forward({ inputIds: tf.tensor2d([ids], undefined, 'int32') }, { training: false });
    return tf
      .softmax(tf.reshape(logits, [ids.length, -1]))
      .dataSync()
      .slice(position * model.config.vocab_size, (position + 1) * model.config.vocab_size) as Float32Array;
  });
}

before(async () => {
  await initBackend('wasm');
  tokenizer = await loadTokenizer('offline');
  // A tiny random model whose output bias favours ' great', so the best candidate is known.
  model = RobertaForMaskedLM.fromConfig(
    {
      vocab_size: tokenizer.vocabSize,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 66,
    },
    { seed: 3 },
  );
  great = tokenizer.encodeText(' great')[0];
  const bias = model.parameters.get('lm_head.bias')!;
  tf.tidy(() =>
    bias.assign(
      tf.add(
        bias,
        tf
          .oneHot(tf.tensor1d([great], 'int32'), tokenizer.vocabSize)
          .reshape([-1])
          .cast('float32')
          .mul(12),
      ),
    ),
  );
  await model.savePretrained(modelDir);
  tokenizer.saveTo(modelDir);
});

after(() => {
  model.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

test(
  'one mask: the top 5 as {score, token, token_str, sequence}, scores from the softmax over the ' + 'vocabulary',
  async () => {
    const fill = await fillMaskPipeline({ model, tokenizer });
    const text = 'The film was <mask>.';
    const result = (await fill(text)) as FillMaskCandidate[];
    assert.equal(result.length, 5);
    assert.deepEqual(Object.keys(result[0]).sort(), ['score', 'sequence', 'token', 'token_str']);
    assert.equal(result[0].token, great);
    assert.equal(result[0].token_str, ' great');
    assert.equal(result[0].sequence, 'The film was great.');
    const probabilities = probabilitiesAt(text, 4);
    const order = Array.from(probabilities.keys())
      .sort((a, b) => probabilities[b] - probabilities[a])
      .slice(0, 5);
    assert.deepEqual(
      result.map((c) => c.token),
      order,
    );
    result.forEach((c) =>
      assert.ok(
        Math.abs(c.score - probabilities[c.token]) <= 1e-6,
        `score of ${c.token}: ${c.score} vs ${probabilities[c.token]}`,
      ),
    );
    assert.equal(((await fill(text, { topK: 2 })) as FillMaskCandidate[]).length, 2);
  },
);

test(
  'several masks give one list per mask, several texts one result per text; a text without <mask> is an ' + 'error',
  async () => {
    const fill = await fillMaskPipeline({ model, tokenizer }, { topK: 3 });
    const result = (await fill('<mask> film was <mask>.')) as FillMaskCandidate[][];
    assert.equal(result.length, 2);
    result.forEach((candidates) => assert.equal(candidates.length, 3));
    // Each list fills its own mask only; the other stays, with the special tokens, as transformers shows it.
    assert.equal(result[1][0].sequence, `<s><mask> film was great.</s>`);
    const both = await fill(['The film was <mask>.', 'A <mask> plot.']);
    assert.equal(both.length, 2);
    await assert.rejects(fill('No mask here.'), /no <mask> token in "No mask here\."/);
  },
);

test('ft-roberta fill-mask prints the pipeline output as JSON', () => {
  const run = cli('fill-mask', '--model', modelDir, '--backend', 'wasm', 'The film was <mask>.');
  assert.equal(run.status, 0, run.stderr);
  const printed = JSON.parse(run.stdout) as FillMaskCandidate[];
  assert.equal(printed.length, 5);
  assert.equal(printed[0].sequence, 'The film was great.');
  const top3 = JSON.parse(
    cli('fill-mask', '--model', modelDir, '--backend', 'wasm', '--top-k', '3', 'The film was <mask>.').stdout,
  ) as FillMaskCandidate[];
  assert.deepEqual(top3, printed.slice(0, 3));
});

test('ft-roberta logits on an MLM checkpoint prints [batch][sequence][vocabulary] logits', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as {
    batch: { input_ids: number[][]; attention_mask: number[][] };
    masked_positions: [number, number][];
    logits_at_masked_positions: number[][];
  };
  const input = path.join(work, 'input.json');
  fs.writeFileSync(
    input,
    JSON.stringify({ input_ids: expected.batch.input_ids, attention_mask: expected.batch.attention_mask }),
  );
  const run = cli('logits', '--model', FIXTURE, '--input', input, '--backend', 'wasm');
  assert.equal(run.status, 0, run.stderr);
  const logits = (JSON.parse(run.stdout) as { logits: number[][][] }).logits;
  assert.deepEqual([logits.length, logits[0].length, logits[0][0].length], [6, 32, 1000]);
  let worst = 0;
  expected.masked_positions.forEach(([row, col], i) =>
    logits[row][col].forEach(
      (v, id) => (worst = Math.max(worst, Math.abs(v - expected.logits_at_masked_positions[i][id]))),
    ),
  );
  assert.ok(worst <= 1e-5, `worst |diff| ${worst} at the masked positions`);
});
