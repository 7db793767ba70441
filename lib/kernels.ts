// Kernels registered on top of tfjs's own, so that training works and runs at a usable speed on
// the fallback backends:
// - UnsortedSegmentSum: the gradient of `gather` (every embedding lookup). wasm has none, and the
//   cpu one loops over every segment (the whole vocabulary) for each call.
// - BatchMatMul on wasm: the module multiplies fast (XNNPACK) only a single plain product, a batch
//   of one with no transpose flag; anything else falls to a naive triple loop, 10-25x slower.
//   Autodiff sets the flags on every dense layer and attention multiplies [batch, heads, ...]
//   stacks, so we transpose first (Transpose kernel) and run one XNNPACK product per batch entry
//   on views of the wasm heap: tensor ids registered on sub-ranges of the inputs and output.
// - Sum over leading axes on wasm (every bias and LayerNorm gradient): the module transposes the
//   whole input to bring the axes innermost before reducing; column sums in one pass are cheaper.
// - Identity and same-dtype Cast on wasm copy their input; autodiff clones every tensor it saves.
//   We share the data with a reference count, as the cpu backend does.
// - GatherV2 on wasm walks element by element (about 20 ms for 4096 embedding rows of 128);
//   whole-row copies take well under a millisecond.
// - FtRobertaAdamUpdate (wasm, cpu): a fused Adam/AdamW step, see fusedAdamUpdate.
import * as tf from '@tensorflow/tfjs';
import type { DataId, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** The parts of the wasm backend (`BackendWasm`, not exported with types) that the kernels use. */
interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _BatchMatMul(
    aId: number,
    aShapePtr: number,
    aRank: number,
    bId: number,
    bShapePtr: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

interface WasmBackend extends KernelBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuLikeBackend extends KernelBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}

/** Which of our wasm speed-ups are active; all on by default. Benchmarks switch them to compare. */
export interface WasmKernelOptions {
  /** BatchMatMul with a transpose flag: transpose the input with the Transpose kernel first. */
  transposeFirst: boolean;
  /** BatchMatMul: one XNNPACK product per batch entry on views of the heap (single products too). */
  splitBatches: boolean;
  /** Sum over leading axes (bias gradients): column sums instead of transpose + reduce. */
  leadingAxesSum: boolean;
  /** Identity, and Cast to the same dtype: share the data instead of copying it. */
  shareIdentity: boolean;
  /** GatherV2 along axis 0: copy whole rows instead of the module's element-wise loop. */
  rowGather: boolean;
}

const wasmOptions: WasmKernelOptions = {
  transposeFirst: true,
  splitBatches: true,
  leadingAxesSum: true,
  shareIdentity: true,
  rowGather: true,
};

/** Changes which wasm speed-ups run (the kernels stay registered); returns the previous options. */
export function setWasmKernelOptions(options: Partial<WasmKernelOptions>): WasmKernelOptions {
  const previous = { ...wasmOptions };
  Object.assign(wasmOptions, options);
  return previous;
}

const segmentSumRegistered = new Set<string>();
const wasmKernelsReplaced = new Set<string>();

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

/** Column sums of a row-major [rows, columns] matrix, accumulated in float64, eight rows a pass. */
export function sumRows(x: Float32Array, rows: number, columns: number, out: Float32Array): void {
  const totals = new Float64Array(columns);
  const c2 = 2 * columns;
  const c4 = 4 * columns;
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    const start = r * columns;
    for (let c = 0; c < columns; c++) {
      const i = start + c;
      const j = i + c4;
      totals[c] +=
        x[i] +
        x[i + columns] +
        (x[i + c2] + x[i + c2 + columns]) +
        (x[j] + x[j + columns] + (x[j + c2] + x[j + c2 + columns]));
    }
  }
  for (; r < rows; r++) {
    const start = r * columns;
    for (let c = 0; c < columns; c++) totals[c] += x[start + c];
  }
  out.set(totals);
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
    if (backendName === 'wasm') {
      const wasm = backend as WasmBackend;
      const out = wasm.makeOutput(outShape, 'float32');
      // Views, not copies: nothing allocates on the heap between here and the end of the loop.
      const values = wasm.typedArrayFromHeap(x) as Float32Array;
      const ids = wasm.typedArrayFromHeap(segmentIds) as Int32Array;
      scatterAddRows(values, ids, numSegments, rowSize, wasm.typedArrayFromHeap(out) as Float32Array);
      return out;
    }
    const kernelBackend = backend as KernelBackend;
    const values = kernelBackend.readSync(x.dataId) as Float32Array;
    const ids = kernelBackend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
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

let openViews = 0;

/** Tensor ids registered on sub-ranges of the heap and not yet released: 0 between kernels. */
export function openHeapViews(): number {
  return openViews;
}

/** Where the module reads the two rank-3 shapes [1, m, k] and [1, k, n]; one per module instance. */
const shapeScratch = new WeakMap<WasmModule, number>();

function shapeBuffer(wasm: WasmModule): number {
  let pointer = shapeScratch.get(wasm);
  if (pointer === undefined) {
    // `>>> 0`: malloc returns a signed 32-bit pointer, negative above 2 GB.
    pointer = wasm._malloc(6 * 4) >>> 0;
    shapeScratch.set(wasm, pointer);
  }
  return pointer;
}

/**
 * out[i] = a[i] · b[i] for i < batch, all plain row-major float32 on the heap: a [m, k] (or one a
 * for every i when aShared), b [k, n] (or one b when bShared), out [m, n]. Each product is the
 * module's XNNPACK path, reached through tensor ids registered on sub-ranges of the heap; the
 * ids are released afterwards (which also frees the XNNPACK operator cached on b's id).
 */
function productsOnHeap(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  out: TensorInfo,
  dims: { batch: number; m: number; k: number; n: number; aShared: boolean; bShared: boolean },
): void {
  const { batch, m, k, n, aShared, bShared } = dims;
  const wasm = backend.wasm;
  const shapes = shapeBuffer(wasm);
  new Int32Array(wasm.HEAPU8.buffer, shapes, 6).set([1, m, k, 1, k, n]);
  const aBase = backend.dataIdMap.get(a.dataId).memoryOffset;
  const bBase = backend.dataIdMap.get(b.dataId).memoryOffset;
  const outBase = backend.dataIdMap.get(out.dataId).memoryOffset;
  const view = (offset: number, size: number): number => {
    const id = backend.dataIdNextNumber++;
    wasm.tfjs.registerTensor(id, size, offset);
    openViews++;
    return id;
  };
  const release = (id: number): void => {
    wasm.tfjs.disposeData(id);
    openViews--;
  };
  let aId = aShared ? view(aBase, m * k) : 0;
  let bId = bShared ? view(bBase, k * n) : 0;
  try {
    for (let i = 0; i < batch; i++) {
      if (!aShared) aId = view(aBase + i * m * k * 4, m * k);
      if (!bShared) bId = view(bBase + i * k * n * 4, k * n);
      const outId = view(outBase + i * m * n * 4, m * n);
      wasm._BatchMatMul(aId, shapes, 3, bId, shapes + 12, 3, 0, 0, outId);
      release(outId);
      if (!aShared) release(aId);
      if (!bShared) release(bId);
    }
  } finally {
    if (aShared) release(aId);
    if (bShared) release(bId);
  }
}

function wasmBatchMatMul(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const needsTranspose = transposeA || transposeB;
    if (needsTranspose && !wasmOptions.transposeFirst) return original(args);
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    // Single products go through heap views too: the module caches an XNNPACK operator (a packed
    // copy of b) on b's tensor id until that tensor dies, and in training b is often a weight
    // variable (dX = dY · W) whose data lives until the next optimizer step, so the cache never
    // hits and holds a second copy of every weight matrix (340 MB for roberta-base).
    const split =
      wasmOptions.splitBatches &&
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      (batchA === batchB || batchA === 1 || batchB === 1);
    if (!needsTranspose && !split) return original(args);

    const temporaries: TensorInfo[] = [];
    const plain = (t: TensorInfo, flag: boolean): TensorInfo => {
      if (!flag) return t;
      const transposed = transpose({
        inputs: { x: t },
        backend,
        attrs: { perm: swapLastTwo(t.shape.length) },
      }) as TensorInfo;
      temporaries.push(transposed);
      return transposed;
    };
    try {
      const plainA = plain(a, transposeA);
      const plainB = plain(b, transposeB);
      if (!split) {
        return original({
          inputs: { a: plainA, b: plainB },
          backend,
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      }
      const m = plainA.shape[plainA.shape.length - 2];
      const k = plainA.shape[plainA.shape.length - 1];
      const n = plainB.shape[plainB.shape.length - 1];
      if (plainB.shape[plainB.shape.length - 2] !== k) {
        throw new Error(
          `BatchMatMul: inner dimensions differ: a ${a.shape} (transposeA ${transposeA}), b ${b.shape} (transposeB ` +
            `${transposeB})`,
        );
      }
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const out = backend.makeOutput([...batchShape, m, n], 'float32');
      if (m * n === 0) return out;
      if (k === 0) {
        (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
      } else if (batchB === 1) {
        // One b for every batch entry (or a single product): one product over all rows at once.
        productsOnHeap(backend, plainA, plainB, out, { batch: 1, m: batch * m, k, n, aShared: false, bShared: true });
      } else {
        productsOnHeap(backend, plainA, plainB, out, { batch, m, k, n, aShared: batchA === 1, bShared: false });
      }
      return out;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/** Sum over axes [0, r) of a float32 tensor as column sums; the original kernel otherwise. */
function wasmLeadingAxesSum(original: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((p, q) => p - q);
    const leading = axes.every((value, index) => value === index) && axes.length < rank && axes.length > 0;
    if (!wasmOptions.leadingAxesSum || !leading || x.dtype !== 'float32') return original(args);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const kept = x.shape.slice(axes.length);
    const outShape = keepDims ? [...x.shape.slice(0, axes.length).map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, 'float32');
    const values = backend.typedArrayFromHeap(x) as Float32Array;
    sumRows(values, rows, tf.util.sizeFromShape(kept), backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  };
}

/**
 * Identity (and Cast to the same dtype) on wasm: share the data and count one more reference,
 * as the cpu and webgl backends do, instead of copying it. Autodiff clones every tensor it
 * saves for the backward pass, and the Multiply gradient casts float32 to float32, so the copies
 * add up. Sharing is safe because tfjs kernels never write to their inputs.
 */
function wasmSharedIdentity(original: KernelFunc, castKernel: boolean): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const sameDtype = !castKernel || (args.attrs as { dtype: tf.DataType }).dtype === x.dtype;
    if (!wasmOptions.shareIdentity || !sameDtype || x.dtype === 'string' || x.dtype === 'complex64')
      return original(args);
    (args.backend as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Copies rows x[indices[i]] of a row-major table into out, checking every index first. */
export function gatherRows(
  heap: Uint8Array,
  tableOffset: number,
  tableRows: number,
  rowBytes: number,
  indices: ArrayLike<number>,
  outOffset: number,
): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!(index >= 0 && index < tableRows)) {
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${tableRows - 1}]`);
    }
  }
  for (let i = 0; i < indices.length; i++) {
    const start = tableOffset + indices[i] * rowBytes;
    heap.copyWithin(outOffset + i * rowBytes, start, start + rowBytes);
  }
}

/** GatherV2 along axis 0 (every embedding lookup) as row copies; the module's kernel otherwise. */
function wasmRowGather(original: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const plainCase =
      wasmOptions.rowGather &&
      x.shape.length >= 1 &&
      tf.util.parseAxisParam(axis, x.shape)[0] === 0 &&
      (batchDims ?? 0) === 0 &&
      (x.dtype === 'float32' || x.dtype === 'int32') &&
      indices.dtype === 'int32';
    if (!plainCase) return original(args);
    const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Offsets and views only after makeOutput, which may grow (and move) the heap.
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    gatherRows(
      backend.wasm.HEAPU8,
      backend.dataIdMap.get(x.dataId).memoryOffset,
      x.shape[0],
      rowSize * 4,
      ids,
      backend.dataIdMap.get(out.dataId).memoryOffset,
    );
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Fused Adam / AdamW update

/** The per-step numbers of one torch-style Adam/AdamW update (torch.optim, single-tensor path). */
export interface AdamUpdateConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** lr / (1 - beta1^step). */
  stepSize: number;
  /** sqrt(1 - beta2^step). */
  biasCorrection2Sqrt: number;
  /** AdamW's decoupled decay: the parameter is first multiplied by this (1 - lr * weightDecay); 1 for none. */
  decayFactor: number;
  /** Adam's L2 penalty: weightDecay * param is added to the gradient; 0 for none. */
  l2: number;
}

export const ADAM_UPDATE_KERNEL = 'FtRobertaAdamUpdate';

/**
 * The update of one element range, op by op in float32 exactly as the tf-op composition
 * (and torch) rounds it: Math.fround after every operation. A decayFactor of 1 leaves the
 * parameter as it is (x * 1 is exact), so only Adam's L2 term needs a loop of its own.
 */
export function adamUpdateValues(
  param: Float32Array,
  grad: Float32Array,
  expAvg: Float32Array,
  expAvgSq: Float32Array,
  config: AdamUpdateConfig,
  out: { param: Float32Array; expAvg: Float32Array; expAvgSq: Float32Array },
): void {
  const f = Math.fround;
  const beta1 = f(config.beta1);
  const oneMinusBeta1 = f(1 - config.beta1);
  const beta2 = f(config.beta2);
  const oneMinusBeta2 = f(1 - config.beta2);
  const epsilon = f(config.epsilon);
  const stepSize = f(config.stepSize);
  const correction2 = f(config.biasCorrection2Sqrt);
  const decay = f(config.decayFactor);
  const l2 = f(config.l2);
  const n = param.length;
  const [outParam, outExpAvg, outExpAvgSq] = [out.param, out.expAvg, out.expAvgSq];
  if (config.l2 !== 0) {
    for (let i = 0; i < n; i++) {
      const p = param[i];
      const g = f(grad[i] + f(p * l2));
      const m = f(f(expAvg[i] * beta1) + f(g * oneMinusBeta1));
      const v = f(f(expAvgSq[i] * beta2) + f(f(g * g) * oneMinusBeta2));
      const denom = f(f(f(Math.sqrt(v)) / correction2) + epsilon);
      outParam[i] = f(f(p * decay) - f(f(m / denom) * stepSize));
      outExpAvg[i] = m;
      outExpAvgSq[i] = v;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const m = f(f(expAvg[i] * beta1) + f(g * oneMinusBeta1));
    const v = f(f(expAvgSq[i] * beta2) + f(f(g * g) * oneMinusBeta2));
    const denom = f(f(f(Math.sqrt(v)) / correction2) + epsilon);
    outParam[i] = f(f(param[i] * decay) - f(f(m / denom) * stepSize));
    outExpAvg[i] = m;
    outExpAvgSq[i] = v;
  }
}

function adamUpdateKernel(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { param, grad, expAvg, expAvgSq } = inputs as Record<'param' | 'grad' | 'expAvg' | 'expAvgSq', TensorInfo>;
    for (const [name, t] of Object.entries({ grad, expAvg, expAvgSq })) {
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, param.shape)) {
        throw new Error(`${ADAM_UPDATE_KERNEL}: ${name} is ${t.dtype} [${t.shape}], expected float32 [${param.shape}]`);
      }
    }
    const config = attrs as unknown as AdamUpdateConfig;
    if (backendName === 'wasm') {
      const wasm = backend as WasmBackend;
      const outputs = [0, 1, 2].map(() => wasm.makeOutput([...param.shape], 'float32'));
      // Views only after every allocation: growing the heap replaces its buffer.
      const view = (t: TensorInfo): Float32Array => wasm.typedArrayFromHeap(t) as Float32Array;
      adamUpdateValues(view(param), view(grad), view(expAvg), view(expAvgSq), config, {
        param: view(outputs[0]),
        expAvg: view(outputs[1]),
        expAvgSq: view(outputs[2]),
      });
      return outputs;
    }
    const cpu = backend as CpuLikeBackend;
    const read = (t: TensorInfo): Float32Array => cpu.readSync(t.dataId) as Float32Array;
    const size = tf.util.sizeFromShape(param.shape);
    const out = { param: new Float32Array(size), expAvg: new Float32Array(size), expAvgSq: new Float32Array(size) };
    adamUpdateValues(read(param), read(grad), read(expAvg), read(expAvgSq), config, out);
    return [out.param, out.expAvg, out.expAvgSq].map((values) =>
      cpu.makeTensorInfo([...param.shape], 'float32', values),
    );
  };
}

/**
 * One Adam/AdamW update of a parameter: [new param, new expAvg, new expAvgSq]. On wasm and cpu
 * one pass over the four inputs writes the three outputs, where the tf-op composition makes
 * about fourteen full-size temporaries (1.8 GB at once for roberta-base's word embeddings, too
 * much for the wasm heap); elsewhere (tfjs-node) it is that composition, with the same rounding.
 */
export function fusedAdamUpdate(
  param: tf.Tensor,
  grad: tf.Tensor,
  expAvg: tf.Tensor,
  expAvgSq: tf.Tensor,
  config: AdamUpdateConfig,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const attrs = { ...config } as unknown as NamedAttrMap;
  if (tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param, grad, expAvg, expAvgSq }, attrs) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
  }
  return tf.tidy(() => {
    const scalar = (value: number): tf.Scalar => tf.scalar(value, 'float32');
    const g = config.l2 !== 0 ? tf.add(grad, tf.mul(param, scalar(config.l2))) : grad;
    const p = config.decayFactor !== 1 ? tf.mul(param, scalar(config.decayFactor)) : param;
    const m = tf.add(tf.mul(expAvg, scalar(config.beta1)), tf.mul(g, scalar(1 - config.beta1)));
    const v = tf.add(tf.mul(expAvgSq, scalar(config.beta2)), tf.mul(tf.square(g), scalar(1 - config.beta2)));
    const denom = tf.add(tf.div(tf.sqrt(v), scalar(config.biasCorrection2Sqrt)), scalar(config.epsilon));
    return [tf.sub(p, tf.mul(tf.div(m, denom), scalar(config.stepSize))), m, v];
  }) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

function replaceKernel(kernelName: string, backendName: string, make: (original: KernelFunc) => KernelFunc): void {
  const original: KernelConfig | undefined = tf.getKernel(kernelName, backendName);
  if (original === undefined) return;
  tf.unregisterKernel(kernelName, backendName);
  // The original's setup (binding its wasm function) must still run if the backend is re-created.
  tf.registerKernel({ kernelName, backendName, setupFunc: original.setupFunc, kernelFunc: make(original.kernelFunc) });
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
  if (
    (backendName === 'wasm' || backendName === 'cpu') &&
    tf.getKernel(ADAM_UPDATE_KERNEL, backendName) === undefined
  ) {
    tf.registerKernel({ kernelName: ADAM_UPDATE_KERNEL, backendName, kernelFunc: adamUpdateKernel(backendName) });
  }
  if (backendName === 'wasm' && !wasmKernelsReplaced.has(backendName)) {
    const transpose = tf.getKernel('Transpose', 'wasm');
    if (transpose === undefined) throw new Error('wasm backend has no Transpose kernel');
    replaceKernel('BatchMatMul', 'wasm', (original) => wasmBatchMatMul(original, transpose.kernelFunc));
    replaceKernel('Sum', 'wasm', wasmLeadingAxesSum);
    replaceKernel('Identity', 'wasm', (original) => wasmSharedIdentity(original, false));
    replaceKernel('Cast', 'wasm', (original) => wasmSharedIdentity(original, true));
    replaceKernel('GatherV2', 'wasm', wasmRowGather);
    wasmKernelsReplaced.add(backendName);
  }
}

/** Removes our UnsortedSegmentSum from a backend; tests use it to show the kernel matters. */
export function unregisterSegmentSumForTest(backendName: string): void {
  if (tf.getKernel('UnsortedSegmentSum', backendName) !== undefined) {
    tf.unregisterKernel('UnsortedSegmentSum', backendName);
  }
  segmentSumRegistered.delete(backendName);
}
