import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './helpers/paths';
import { findPython } from '../scripts/run-notebooks';

const RUNNER = path.join(REPO_ROOT, 'dist', 'scripts', 'run-notebooks.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'run-notebooks-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** These tests need Jupyter's headless runner; without it they are skipped with what to install. */
function missingRunner(): string | false {
  try {
    findPython();
    return false;
  } catch (error) {
    return `needs Jupyter's notebook runner: ${(error as Error).message}`;
  }
}
const skip = missingRunner();

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

function runRunner(args: string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [RUNNER, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: run.status, stdout: run.stdout + run.stderr };
}

test('the runner executes a notebook that imports the compiled library, in the notebook folder', { skip }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nb-ok-')), 'executed');
  const run = runRunner([path.join(REPO_ROOT, 'test', 'notebooks', 'smoke.ipynb'), '--out', out]);
  assert.equal(run.status, 0, run.stdout);
  assert.match(run.stdout, /ok +test\/notebooks\/smoke\.ipynb +\d+\.\d s/);
  const executed = JSON.parse(fs.readFileSync(path.join(out, 'smoke.ipynb'), 'utf8')) as {
    cells: { outputs?: { text?: string[] }[] }[];
  };
  const texts = executed.cells.map((c) => (c.outputs ?? []).map((o) => (o.text ?? []).join('')).join(''));
  assert.match(texts[1], /backend: (wasm|tensorflow|cpu) \(tfjs 4\.22\.0/);
  assert.ok(texts[1].includes(`Node ${process.version})`), `the kernel runs on this Node: ${texts[1]}`);
  assert.equal(texts[2].trim(), path.join(REPO_ROOT, 'test', 'notebooks'));
  const source = fs.readFileSync(path.join(REPO_ROOT, 'test', 'notebooks', 'smoke.ipynb'), 'utf8');
  assert.ok(!source.includes('"output_type"'), 'the source notebook keeps no outputs');
});

test('the runner fails loudly on a broken notebook, naming the notebook, cell and error', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bad-'));
  const broken = path.join(dir, 'broken.ipynb');
  fs.writeFileSync(
    broken,
    notebook(['const x = 1;\nconsole.log(x);', "throw new Error('the data folder is missing');", 'console.log(2);']),
  );
  const run = runRunner([broken, '--out', path.join(dir, 'out')]);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /FAIL +.*broken\.ipynb .* cell 1: Error: the data folder is missing/);
  assert.match(run.stdout, /0 of 1 notebooks ran/);
  assert.ok(fs.existsSync(path.join(dir, 'out', 'broken.ipynb')), 'the partly executed copy is kept for inspection');
});

/** Writes a notebook of `cells` into its own folder under the test's temp folder; returns its path. */
function writeNotebook(name: string, cells: string[]): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, notebook(cells));
  return file;
}

test('a TypeScript compile error fails the run, naming the notebook, cell and compiler message', { skip }, () => {
  const file = writeNotebook('typo', ['console.log(1);', "const count: number = 'three';\nconsole.log(count);"]);
  const run = runRunner([file, '--out', path.join(path.dirname(file), 'out')]);
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /FAIL +.*typo\.ipynb .* cell 1: .*Type 'string' is not assignable to type 'number'/);
  assert.match(run.stdout, /0 of 1 notebooks ran/);
});

test('a cell that never finishes fails after --timeout seconds, naming the timeout', { skip }, () => {
  const file = writeNotebook('stuck', ['console.log(1);', 'await new Promise(() => setInterval(() => {}, 1000));']);
  const started = Date.now();
  const run = runRunner([file, '--out', path.join(path.dirname(file), 'out'), '--timeout', '3']);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /FAIL +.*stuck\.ipynb .* cell 1: .*timed out after 3 s \(--timeout\)/);
  assert.ok(seconds < 120, `the runner gave up after ${seconds.toFixed(0)} s`);
});

test('a kernel that dies fails the run clearly instead of hanging', { skip }, () => {
  const file = writeNotebook('dies', ['console.log(1);', 'process.exit(1);', 'console.log(3);']);
  const started = Date.now();
  const run = runRunner([file, '--out', path.join(path.dirname(file), 'out'), '--timeout', '600']);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /FAIL +.*dies\.ipynb .* cell 1: .*kernel died/i);
  assert.ok(seconds < 120, `the runner gave up after ${seconds.toFixed(0)} s`);
});
