// WebAssembly's memory is at most 4 GiB, and when tfjs-backend-wasm 4.22 asks for more than is left,
// its allocator returns address 0 (or an address that wrapped around) and the backend writes the
// tensor there anyway: over the start of the heap, other tensors included. The process dies a little
// later with "memory access out of bounds", or worse, computes on corrupted weights. Guarding the
// allocator turns that into an error that says what failed and what to change, thrown before
// anything is overwritten.
import * as tf from '@tensorflow/tfjs';

/** The most a wasm32 memory can grow to (what the backend's emscripten build allows). */
export const WASM_HEAP_LIMIT_BYTES = 4294901760;

interface WasmModule {
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
}

const guarded = new WeakSet<object>();

export class WasmOutOfMemoryError extends Error {
  constructor(
    readonly requestedBytes: number,
    readonly heapBytes: number,
  ) {
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    super(
      `WebAssembly heap exhausted: a tensor of ${mib(requestedBytes)} does not fit beside what is allocated ` +
        `(the heap has grown to ${mib(heapBytes)}; wasm allows at most ${mib(WASM_HEAP_LIMIT_BYTES)}). ` +
        'Lower batchSize or maxLength (gradientAccumulationSteps keeps the effective batch), ' +
        'or use the native backend (tfjs-node), which has no such limit.',
    );
    this.name = 'WasmOutOfMemoryError';
  }
}

/**
 * Makes the active wasm backend throw WasmOutOfMemoryError instead of writing where the allocator
 * failed. Emscripten's `_malloc` replaces itself with the raw export on its first call, so the guard
 * is a property whose setter keeps whatever is assigned as the function it wraps.
 */
export function guardWasmAllocations(): void {
  if (tf.getBackend() !== 'wasm') return;
  const module = (tf.backend() as unknown as { wasm?: WasmModule }).wasm;
  if (module === undefined || guarded.has(module)) return;
  let malloc = module._malloc;
  const checked = (bytes: number): number => {
    const address = malloc.call(module, bytes) >>> 0;
    // A failed allocation comes back as 0, or near 4 GiB as an address that wrapped around.
    if (bytes > 0 && (address === 0 || address + bytes > module.HEAPU8.length)) {
      throw new WasmOutOfMemoryError(bytes, module.HEAPU8.length);
    }
    return address;
  };
  Object.defineProperty(module, '_malloc', {
    configurable: true,
    enumerable: true,
    get: () => checked,
    set: (replacement: (bytes: number) => number) => {
      malloc = replacement;
    },
  });
  guarded.add(module);
}
