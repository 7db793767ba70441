// Running out of WebAssembly memory is an error that says so, and the tensors already allocated
// keep their values (unguarded, the backend writes the new tensor over the start of the heap).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { WasmOutOfMemoryError } from '../lib/wasm-memory';

test('filling the wasm heap: a clear error, and earlier tensors are not overwritten', async () => {
  await initBackend('wasm');
  const held: tf.Tensor[] = [];
  let failure: unknown = null;
  try {
    // 512 MiB a tensor: the heap (at most 4 GiB) runs out at the eighth or sooner.
    for (let i = 1; i <= 10 && failure === null; i++) {
      try {
        held.push(tf.fill([128, 1024, 1024], i));
      } catch (err) {
        failure = err;
      }
    }
    assert.ok(failure instanceof WasmOutOfMemoryError, `expected WasmOutOfMemoryError, got ${String(failure)}`);
    assert.match(failure.message, /WebAssembly heap exhausted: a tensor of 512\.0 MiB does not fit/);
    assert.match(failure.message, /gradientAccumulationSteps/);
    assert.ok(held.length >= 2, `${held.length} tensors of 512 MiB fitted`);
    held.forEach((tensor, i) => {
      const values = tensor.dataSync();
      assert.equal(values[0], i + 1, `tensor ${i}: first value`);
      assert.equal(values[values.length - 1], i + 1, `tensor ${i}: last value`);
    });
  } finally {
    tf.dispose(held);
  }
  // Memory freed, the backend works again.
  const sum = tf.sum(tf.fill([1024], 2)).dataSync()[0];
  assert.equal(sum, 2048);
});
