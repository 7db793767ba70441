// `ft-roberta logits` and `ft-roberta resave`, run as a user runs them: a child process, JSON on
// stdout, errors on stderr with exit code 1 (2 for a usage error).
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-cli-'));
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as {
  batch: { input_ids: number[][]; attention_mask: number[][] };
  logits: number[][];
};
const inputFile = path.join(work, 'input.json');
fs.writeFileSync(
  inputFile,
  JSON.stringify({ input_ids: expected.batch.input_ids, attention_mask: expected.batch.attention_mask }),
);

after(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FT_ROBERTA_BACKEND: 'wasm' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function logitsOf(stdout: string): number[][] {
  return (JSON.parse(stdout) as { logits: number[][] }).logits;
}

test('logits prints the fixture logits as JSON (within 1e-5 of transformers)', () => {
  const run = cli('logits', '--model', FIXTURE, '--input', inputFile);
  assert.equal(run.status, 0, run.stderr);
  const logits = logitsOf(run.stdout);
  assert.equal(logits.length, 6);
  let worst = 0;
  logits.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected.logits[i][j])))));
  assert.ok(worst <= 1e-5, `worst |diff| ${worst}`);
});

test('resave writes a folder that gives identical logits; it also converts pytorch_model.bin', () => {
  const torchOnly = path.join(work, 'torch-only');
  fs.mkdirSync(torchOnly);
  fs.copyFileSync(path.join(FIXTURE, 'config.json'), path.join(torchOnly, 'config.json'));
  fs.copyFileSync(path.join(FIXTURE, 'pytorch_model.bin'), path.join(torchOnly, 'pytorch_model.bin'));
  const out = path.join(work, 'resaved');
  const run = cli('resave', '--model', torchOnly, '--out', out);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    saved: out,
    parameters: 139650,
    missing: [],
    unexpected: [],
    ignored: [],
  });
  assert.deepEqual(fs.readdirSync(out).sort(), ['config.json', 'model.safetensors']);
  // Byte-identical to the fixture's own safetensors file.
  assert.ok(
    fs
      .readFileSync(path.join(out, 'model.safetensors'))
      .equals(fs.readFileSync(path.join(FIXTURE, 'model.safetensors'))),
  );
  const original = logitsOf(cli('logits', '--model', FIXTURE, '--input', inputFile).stdout);
  const reloaded = logitsOf(cli('logits', '--model', out, '--input', inputFile).stdout);
  assert.deepEqual(reloaded, original);
});

test('usage errors exit 2: a missing option is named, with the usage', () => {
  const cases: [string[], RegExp][] = [
    [['logits', '--input', inputFile], /missing --model/],
    [['logits', '--model', FIXTURE], /missing --input/],
    [['resave', '--model', FIXTURE], /missing --out/],
  ];
  for (const [args, pattern] of cases) {
    const run = cli(...args);
    assert.equal(run.status, 2, `${args.join(' ')}: exit ${run.status}`);
    assert.equal(run.stdout, '', args.join(' '));
    assert.match(run.stderr, pattern, args.join(' '));
    assert.match(run.stderr, new RegExp(`usage: ft-roberta ${args[0]} --model`), args.join(' '));
  }
});

test('errors go to stderr with exit code 1 and say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [['logits', '--model', path.join(work, 'nope'), '--input', inputFile], /file not found: .*nope/],
    [['logits', '--model', FIXTURE, '--input', path.join(work, 'missing.json')], /missing\.json: cannot read/],
  ];
  const ragged = path.join(work, 'ragged.json');
  fs.writeFileSync(
    ragged,
    JSON.stringify({
      input_ids: [
        [0, 5, 2],
        [0, 2],
      ],
    }),
  );
  cases.push([
    ['logits', '--model', FIXTURE, '--input', ragged],
    /ragged\.json: "input_ids" row 1 has 2 entries, row 0 has 3/,
  ]);
  const outOfVocab = path.join(work, 'vocab.json');
  fs.writeFileSync(outOfVocab, JSON.stringify({ input_ids: [[0, 1000, 2]], attention_mask: [[1, 1, 1]] }));
  cases.push([
    ['logits', '--model', FIXTURE, '--input', outOfVocab],
    /vocab\.json: input_ids row 0, position 1: found 1000, expected an integer token id in \[0, 1000\) \(vocab_size 1000\)/,
  ]);
  for (const [args, pattern] of cases) {
    const run = cli(...args);
    assert.equal(run.status, 1, `${args.join(' ')}: exit ${run.status}`);
    assert.equal(run.stdout, '', args.join(' '));
    assert.match(run.stderr, pattern, args.join(' '));
  }
});
