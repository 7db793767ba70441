import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, registerTrainingKernels } from '../../lib/kernels';

/**
 * Runs `body` with the fused Adam kernel removed from the active backend, so AdamOptimizer takes
 * the op-by-op path the native backend (tfjs-node) always takes; the kernel is registered again after.
 */
export async function withComposedAdam<T>(body: () => T | Promise<T>): Promise<T> {
  const backend = tf.getBackend();
  if (tf.getKernel(ADAM_UPDATE_KERNEL, backend) !== undefined) tf.unregisterKernel(ADAM_UPDATE_KERNEL, backend);
  try {
    return await body();
  } finally {
    registerTrainingKernels(backend);
  }
}
