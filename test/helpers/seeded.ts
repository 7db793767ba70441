/** Deterministic pseudo-random floats in [-scale/2, scale/2): fixed test weights without an RNG state. */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * scale;
  }
  return out;
}
