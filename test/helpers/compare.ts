// Element-wise comparison against a reference, reporting the worst element so a failure points at it.
import * as assert from 'node:assert/strict';

/** Largest |actual - reference|, where, and both values there (NaN counts as worst). */
export function worstDifference(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
): { diff: number; index: number; message: string } {
  assert.equal(actual.length, reference.length, 'lengths differ');
  let diff = 0;
  let index = -1;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(actual[i] - reference[i]);
    if (!(d <= diff)) {
      diff = d;
      index = i;
    }
  }
  return { diff, index, message: `worst |diff| ${diff} at element ${index}: ${actual[index]} vs ${reference[index]}` };
}
