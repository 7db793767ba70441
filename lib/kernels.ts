// Kernels registered on top of tfjs's own, so that training works and runs at a usable speed on
// the fallback backends:
// - UnsortedSegmentSum: the gradient of `gather` (every embedding lookup). wasm has none, and the
//   cpu one loops over every segment (the whole vocabulary) for each call.
// - BatchMatMul on wasm: with a transpose flag set it is 10-25x slower than a plain product, and
//   autodiff of matMul sets those flags; transposing first is much cheaper.
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

interface WasmLikeBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuLikeBackend extends KernelBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}

const segmentSumRegistered = new Set<string>();
const batchMatMulWrapped = new Set<string>();

/** Scatter-add of rows: out[segmentIds[i]] += x[i], rows with an id outside [0, numSegments) dropped. */
export function scatterAddRows(
  x: Float32Array,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  rowSize: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i];
    if (segment < 0 || segment >= numSegments) continue;
    const src = i * rowSize;
    const dst = segment * rowSize;
    for (let j = 0; j < rowSize; j++) out[dst + j] += x[src + j];
  }
}

function unsortedSegmentSumKernel(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = (attrs as NamedAttrMap).numSegments as number;
    if (x.dtype !== 'float32') {
      throw new Error(`UnsortedSegmentSum: expected float32 values, got ${x.dtype}`);
    }
    const idCount = tf.util.sizeFromShape(segmentIds.shape);
    const rowSize = idCount === 0 ? 0 : tf.util.sizeFromShape(x.shape) / idCount;
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const kernelBackend = backend as KernelBackend;
    const values = kernelBackend.readSync(x.dataId) as Float32Array;
    const ids = kernelBackend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
    if (backendName === 'wasm') {
      const wasm = backend as WasmLikeBackend;
      const out = wasm.makeOutput(outShape, 'float32');
      scatterAddRows(values, ids, numSegments, rowSize, wasm.typedArrayFromHeap(out) as Float32Array);
      return out;
    }
    const result = new Float32Array(numSegments * rowSize);
    scatterAddRows(values, ids, numSegments, rowSize, result);
    return (backend as CpuLikeBackend).makeTensorInfo(outShape, 'float32', result);
  };
}

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function transposeFirstBatchMatMul(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const temporaries: TensorInfo[] = [];
    const plain = (t: TensorInfo, flag: boolean): TensorInfo => {
      if (!flag) return t;
      const transposed = transpose({ inputs: { x: t }, backend, attrs: { perm: swapLastTwo(t.shape.length) } }) as TensorInfo;
      temporaries.push(transposed);
      return transposed;
    };
    const result = original({
      inputs: { a: plain(a, transposeA), b: plain(b, transposeB) },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temporaries) (backend as KernelBackend).disposeData(t.dataId);
    return result;
  };
}

function replaceKernel(kernelName: string, backendName: string, make: (original: KernelFunc) => KernelFunc): void {
  const original = tf.getKernel(kernelName, backendName);
  if (original === undefined) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc: make(original.kernelFunc) });
}

/** Registers the training kernels for a backend, once; the native backend needs none. */
export function registerTrainingKernels(backendName: string): void {
  if ((backendName === 'wasm' || backendName === 'cpu') && !segmentSumRegistered.has(backendName)) {
    if (tf.getKernel('UnsortedSegmentSum', backendName) !== undefined) {
      tf.unregisterKernel('UnsortedSegmentSum', backendName);
    }
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: unsortedSegmentSumKernel(backendName),
    });
    segmentSumRegistered.add(backendName);
  }
  if (backendName === 'wasm' && !batchMatMulWrapped.has(backendName)) {
    const transpose = tf.getKernel('Transpose', 'wasm');
    if (transpose === undefined) throw new Error('wasm backend has no Transpose kernel');
    replaceKernel('BatchMatMul', 'wasm', (original) => transposeFirstBatchMatMul(original, transpose.kernelFunc));
    batchMatMulWrapped.add(backendName);
  }
}

/** Removes our UnsortedSegmentSum from a backend; tests use it to show the kernel matters. */
export function unregisterSegmentSumForTest(backendName: string): void {
  if (tf.getKernel('UnsortedSegmentSum', backendName) !== undefined) {
    tf.unregisterKernel('UnsortedSegmentSum', backendName);
  }
  segmentSumRegistered.delete(backendName);
}
