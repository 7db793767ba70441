// An error thrown inside tf.tidy (so a failing call leaks no tensors), matched by its message.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

export function throwsInTidy(run: () => unknown, message: RegExp): void {
  assert.throws(
    () => tf.tidy(() => void run()),
    (err: Error) => message.test(err.message),
    String(message),
  );
}
