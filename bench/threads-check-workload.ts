// The workload of bench/threads-check.ts, shared with the test that checks its output on cpu.
import * as tf from '@tensorflow/tfjs';
import { createStackParams, meanCrossEntropy, stackLogits, type StackShape } from './transformer-ops';

export const THREADS_CHECK_STACK: StackShape = {
  layers: 2,
  hidden: 32,
  heads: 2,
  intermediate: 48,
  vocab: 60,
  positions: 40,
  labels: 2,
};

function seeded(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** A large plain product, a batched one with flags, then the loss and every gradient of a stack. */
export function threadsCheckOutputs(): tf.Tensor[] {
  const big = tf.matMul(tf.tensor2d(seeded(300 * 70, 1), [300, 70]), tf.tensor2d(seeded(70 * 90, 2), [70, 90]));
  const batched = tf.matMul(
    tf.tensor3d(seeded(6 * 40 * 30, 3), [6, 40, 30]),
    tf.tensor3d(seeded(6 * 50 * 40, 4), [6, 50, 40]),
    true,
    true,
  );
  const params = createStackParams(THREADS_CHECK_STACK, 9);
  const ids = tf.tensor2d(
    Array.from({ length: 3 * 30 }, (_, i) => (i * 17) % 60),
    [3, 30],
    'int32',
  );
  const mask = tf.tensor2d(
    Array.from({ length: 3 * 30 }, (_, i) => (i % 30 < 30 - 7 * (i % 3) ? 1 : 0)),
    [3, 30],
  );
  const labels = tf.tensor1d([0, 1, 1], 'int32');
  const { value, grads } = tf.variableGrads(
    () => meanCrossEntropy(stackLogits(params, THREADS_CHECK_STACK, ids, mask), labels),
    [...params.values()],
  );
  const result = [big, batched, value, ...[...params.values()].map((p) => grads[p.name])];
  params.forEach((p) => p.dispose());
  return result;
}
