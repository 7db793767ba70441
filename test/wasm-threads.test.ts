// How many threads the WebAssembly backend gets: cores - 1 (at most 8) from 3 cores up, one on two
// cores, the environment variable over the setting; and the same numbers whatever the count.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { WASM_THREADS_ENV, defaultWasmThreads, resolveWasmThreads } from '../lib/backend';

test('the default: one thread up to 2 cores, then cores - 1, at most 8', () => {
  const table = [1, 2, 3, 4, 8, 9, 16, 64].map((cores) => [cores, defaultWasmThreads(cores)]);
  assert.deepEqual(table, [
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 3],
    [8, 7],
    [9, 8],
    [16, 8],
    [64, 8],
  ]);
});

test(`${WASM_THREADS_ENV} wins over the setting; bad values are errors naming where they came from`, () => {
  const saved = process.env[WASM_THREADS_ENV];
  try {
    delete process.env[WASM_THREADS_ENV];
    assert.equal(resolveWasmThreads('auto', 4), 3);
    assert.equal(resolveWasmThreads(2, 4), 2);
    assert.equal(resolveWasmThreads(undefined, 2), 1);
    assert.throws(
      () => resolveWasmThreads(0, 4),
      /^Error: wasmThreads: expected 'auto' or a whole number of threads >= 1, got '0'$/,
    );
    assert.throws(() => resolveWasmThreads(1.5, 4), /wasmThreads: .* got '1.5'/);
    process.env[WASM_THREADS_ENV] = '3';
    assert.equal(resolveWasmThreads(1, 2), 3, 'the environment variable wins');
    process.env[WASM_THREADS_ENV] = 'auto';
    assert.equal(resolveWasmThreads(1, 6), 5);
    process.env[WASM_THREADS_ENV] = '';
    assert.equal(resolveWasmThreads(2, 6), 2, 'empty: not set');
    process.env[WASM_THREADS_ENV] = 'two';
    assert.throws(() => resolveWasmThreads(1, 4), new RegExp(`^Error: ${WASM_THREADS_ENV}: expected .* got 'two'$`));
  } finally {
    if (saved === undefined) delete process.env[WASM_THREADS_ENV];
    else process.env[WASM_THREADS_ENV] = saved;
  }
});

type Report = { backend: string; threads: number; outputs: number[][] };

function threadsCheck(env: NodeJS.ProcessEnv, args: string[] = []): Report {
  const script = path.join(__dirname, '..', 'bench', 'threads-check.js');
  const output = execFileSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, ...env },
  });
  return JSON.parse(output) as Report;
}

test('two threads (asked through the environment) give exactly the numbers one thread gives', () => {
  const one = threadsCheck({ [WASM_THREADS_ENV]: '1' });
  const two = threadsCheck({ [WASM_THREADS_ENV]: '2' });
  assert.deepEqual([one.backend, one.threads], ['wasm', 1]);
  assert.deepEqual([two.backend, two.threads], ['wasm', 2]);
  // Bit for bit: the threaded products split the work, not the sums' order (55,395 values here).
  assert.deepEqual(two.outputs, one.outputs);
});
