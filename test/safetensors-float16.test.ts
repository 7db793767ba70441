// Writing safetensors in float16 (how a shipped pretrained body is stored): correct rounding,
// and files the reader (and so fromPretrained) takes back.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { halfToFloat } from '../lib/model/float-decode';
import { SafetensorsFile, floatToHalfBits, serializeSafetensors } from '../lib/model/safetensors';
import { mulberry32 } from '../lib/random';

/** Every finite float16 value, in bit order of the positive half (0..0x7bff). */
const finiteHalves = Array.from({ length: 0x7c00 }, (_, bits) => bits);

test('every finite float16 value converts back to its own bits, with either sign', () => {
  for (const bits of finiteHalves) {
    assert.equal(floatToHalfBits(halfToFloat(bits)), bits);
    assert.equal(floatToHalfBits(halfToFloat(bits | 0x8000)), bits | 0x8000);
  }
});

test('float32 values round to the nearest float16, ties to the even one', () => {
  const random = mulberry32(7);
  const f32 = new Float32Array(1);
  for (let i = 0; i < 20000; i++) {
    // Magnitudes from float16's subnormals up to its largest values.
    f32[0] = (random() < 0.5 ? -1 : 1) * 2 ** (random() * 42 - 26);
    const value = f32[0];
    const bits = floatToHalfBits(value);
    const got = halfToFloat(bits);
    const magnitude = bits & 0x7fff;
    const neighbours = [magnitude - 1, magnitude + 1].filter((b) => b >= 0 && b <= 0x7bff);
    for (const other of neighbours) {
      const alternative = halfToFloat(other | (bits & 0x8000));
      const errGot = Math.abs(value - got);
      const errOther = Math.abs(value - alternative);
      assert.ok(errGot <= errOther, `${value}: got ${got}, but ${alternative} is nearer`);
      if (errGot === errOther) assert.equal(magnitude % 2, 0, `${value}: a tie must round to the even float16`);
    }
  }
});

test('ties, overflow, underflow and NaN follow IEEE 754', () => {
  // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: the even one (1) wins; 1 + 3 * 2^-11 goes up to 1 + 2^-9.
  assert.equal(floatToHalfBits(1 + 2 ** -11), 0x3c00);
  assert.equal(floatToHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(floatToHalfBits(65504), 0x7bff);
  assert.equal(floatToHalfBits(65519), 0x7bff);
  assert.equal(floatToHalfBits(65520), 0x7c00);
  assert.equal(floatToHalfBits(-1e9), 0xfc00);
  assert.equal(floatToHalfBits(2 ** -25), 0x0000);
  assert.equal(floatToHalfBits(2 ** -25 * 1.0001), 0x0001);
  assert.equal(floatToHalfBits(-(2 ** -30)), 0x8000);
  // The largest subnormal rounds up into the smallest normal.
  assert.equal(floatToHalfBits(2 ** -14 - 2 ** -26), 0x0400);
  assert.ok(Number.isNaN(halfToFloat(floatToHalfBits(NaN))));
});

test('an F16 file holds two bytes a value and reads back as the rounded values', () => {
  const values = Float32Array.from([0.1, -2.5, 1e-6, 70000, 0.333]);
  const bytes = serializeSafetensors([{ name: 'w', shape: [5], values }], { format: 'pt' }, 'F16');
  const file = SafetensorsFile.parse(bytes, 'f16.safetensors');
  const info = file.tensors.get('w')!;
  assert.equal(info.dtype, 'F16');
  assert.equal(info.end - info.begin, 10);
  assert.deepEqual(
    Array.from(file.readFloat32('w')),
    Array.from(values, (v) => halfToFloat(floatToHalfBits(v))),
  );
  assert.equal(file.readFloat32('w')[3], Infinity);
  assert.ok(Math.abs(file.readFloat32('w')[0] - 0.1) < 1e-4);
});
