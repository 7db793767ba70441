// `--skip-bad-rows` on the commands that read reviews from files: without it the first bad row is
// an error; with it the row is skipped and stderr says how many and why.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-skip-bad-rows-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, FT_ROBERTA_BACKEND: 'wasm' };
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('train and evaluate: a damaged CSV row fails the run, or with --skip-bad-rows is skipped and reported', () => {
  const csv = path.join(work, 'reviews.csv');
  const rows = Array.from({ length: 40 }, (_, i) => `"review ${i}, ${i % 2 === 0 ? 'awful' : 'wonderful'}",${i % 2}`);
  rows.splice(5, 0, '"this quote never closes,1');
  fs.writeFileSync(csv, ['text,label', ...rows, ''].join('\n'));
  const problem =
    `${csv}: row 6 (line 7), field 'text': the quote opened on line 7 is not closed before line 8, ` +
    'which reads as the next row (unterminated quote)';
  const paramsFile = path.join(work, 'params.json');
  const params = {
    data: csv,
    trainSize: 16,
    validationSize: 4,
    numTrainEpochs: 1,
    maxLength: 32,
    perDeviceTrainBatchSize: 16,
  };
  fs.writeFileSync(paramsFile, JSON.stringify({ ...params, outputDir: path.join(work, 'out') }));

  const failing = cli('train', '--params', paramsFile);
  assert.equal(failing.status, 1, failing.stderr);
  assert.ok(failing.stderr.includes(problem), failing.stderr);

  const skipping = cli('train', '--params', paramsFile, '--skip-bad-rows');
  assert.equal(skipping.status, 0, skipping.stderr);
  assert.ok(skipping.stderr.includes(`skipped 1 bad row:\n  ${problem}\n`), skipping.stderr);
  const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const modelDir = String(lastLine(skipping.stdout).best_model_dir);

  const evaluateFailing = cli('evaluate', '--model', modelDir, '--data', csv, '--split', 'test');
  assert.equal(evaluateFailing.status, 1);
  assert.ok(evaluateFailing.stderr.includes(problem), evaluateFailing.stderr);
  const evaluated = cli('evaluate', '--model', modelDir, '--data', csv, '--split', 'test', '--skip-bad-rows');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.ok(evaluated.stderr.includes(`skipped 1 bad row:\n  ${problem}\n`), evaluated.stderr);
  // 40 good rows, 20% carved off as test.
  assert.equal(lastLine(evaluated.stdout).count, 8);
});
