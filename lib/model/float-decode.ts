// Little-endian float bytes -> Float32Array, shared by the safetensors and PyTorch readers.

export type FloatEncoding = 'float32' | 'float16' | 'bfloat16' | 'float64';

/** IEEE 754 binary16 -> number (exact). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export const BYTES_PER_ELEMENT: Record<FloatEncoding, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8 };

/** Decodes `bytes` (any alignment) into a fresh Float32Array: F16/BF16 widened, F64 rounded. */
export function decodeFloats(encoding: FloatEncoding, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'float32') {
    const out = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (encoding === 'float64') {
    const out = new Float32Array(bytes.byteLength / 8);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  const count = bytes.byteLength / 2;
  if (encoding === 'bfloat16') {
    // bfloat16 is the top half of a float32.
    const widened = new Uint32Array(count);
    for (let i = 0; i < count; i++) widened[i] = view.getUint16(i * 2, true) << 16;
    return new Float32Array(widened.buffer);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}
