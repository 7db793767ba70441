// The safetensors reader and writer: byte-exact with the Python-made fixture, F16/BF16 decoding,
// and every validation failing with an error that names the file and the tensor.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SafetensorsFile, serializeSafetensors, writeSafetensors } from '../lib/model/safetensors';
import { halfToFloat } from '../lib/model/float-decode';
import { FIXTURES_DIR } from './helpers/paths';

const FIXTURE_FILE = path.join(FIXTURES_DIR, 'tiny-roberta-a', 'model.safetensors');

/** A file from a header object and a data section, exactly as given (no checks). */
function rawFile(header: unknown, data: Buffer = Buffer.alloc(0), headerText?: string): Buffer {
  const json = Buffer.from(headerText ?? JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function parseError(bytes: Buffer): string {
  try {
    SafetensorsFile.parse(bytes, 'weights.safetensors');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

test('the writer reproduces the Python-made fixture byte for byte', () => {
  const fixture = SafetensorsFile.read(FIXTURE_FILE);
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'tiny-roberta-a', 'expected.json'), 'utf8')) as {
    model_safetensors_sha256: string;
  };
  assert.equal(fixture.names.length, 41);
  assert.deepEqual(fixture.tensors.get('roberta.embeddings.word_embeddings.weight')?.shape, [1000, 64]);
  const bytes = serializeSafetensors(
    fixture.names.map((name) => ({
      name,
      shape: fixture.tensors.get(name)?.shape ?? [],
      values: fixture.readFloat32(name),
    })),
    { format: 'pt' },
  );
  assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), expected.model_safetensors_sha256);
});

test('F32 round trip through a file, header padded so the data section is 8-byte aligned', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safetensors-'));
  try {
    const file = path.join(dir, 'x.safetensors');
    const a = new Float32Array([1.5, -2.25, 3.4028234663852886e38, -0, 1e-45]);
    const b = new Float32Array([7]);
    writeSafetensors(file, [
      { name: 'a', shape: [5], values: a },
      { name: 'b.c', shape: [1, 1], values: b },
    ]);
    const bytes = fs.readFileSync(file);
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
    const read = SafetensorsFile.read(file);
    assert.deepEqual(read.metadata, { format: 'pt' });
    assert.deepEqual(read.names, ['a', 'b.c']);
    assert.deepEqual(Array.from(read.readFloat32('a')), Array.from(a));
    assert.ok(Object.is(read.readFloat32('a')[3], -0));
    assert.deepEqual(read.tensors.get('b.c')?.shape, [1, 1]);
    assert.deepEqual(fs.readdirSync(dir), ['x.safetensors']);
    assert.throws(
      () => serializeSafetensors([{ name: 'a', shape: [2, 2], values: a }]),
      /'a' has 5 values but shape \[2, 2\]/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('F16 and BF16 are widened exactly, F64 rounded; unaligned data is fine', () => {
  const half = Buffer.alloc(2 * 7);
  // 1, -2, 65504 (max), smallest subnormal, +inf, NaN, -0
  [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0x8000].forEach((bits, i) => half.writeUInt16LE(bits, i * 2));
  const bf16 = Buffer.alloc(2 * 3);
  [0x3f80, 0xc0a0, 0x0001].forEach((bits, i) => bf16.writeUInt16LE(bits, i * 2)); // 1, -5, 2^-133
  const f64 = Buffer.alloc(8);
  f64.writeDoubleLE(0.1);
  const data = Buffer.concat([half, bf16, f64]);
  const header = {
    h: { dtype: 'F16', shape: [7], data_offsets: [0, 14] },
    b: { dtype: 'BF16', shape: [3], data_offsets: [14, 20] },
    d: { dtype: 'F64', shape: [], data_offsets: [20, 28] },
  };
  // A trailing space makes the header length odd, so every tensor starts unaligned.
  const file = rawFile(header, data, JSON.stringify(header) + ' ');
  const st = SafetensorsFile.parse(file, 'half.safetensors');
  const h = st.readFloat32('h');
  assert.deepEqual(Array.from(h.subarray(0, 5)), [1, -2, 65504, 2 ** -24, Infinity]);
  assert.ok(Number.isNaN(h[5]));
  assert.ok(Object.is(h[6], -0));
  assert.deepEqual(Array.from(st.readFloat32('b')), [1, -5, 2 ** -133]);
  assert.deepEqual(Array.from(st.readFloat32('d')), [Math.fround(0.1)]);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
});

test('each malformed file is refused with an error naming the file and the tensor', () => {
  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const data = Buffer.alloc(8);
  const cases: [string, Buffer, RegExp][] = [
    ['too short', Buffer.alloc(5), /weights\.safetensors: 5 bytes is too short/],
    [
      'header past the end',
      (() => {
        const b = rawFile({ t: ok }, data);
        b.writeBigUInt64LE(10_000n);
        return b;
      })(),
      /header length 10000 exceeds the file/,
    ],
    ['invalid JSON', rawFile(null, data, '{"t": {'), /weights\.safetensors: header is not valid JSON/],
    ['not an object', rawFile([1, 2], data), /header must be a JSON object, found an array/],
    [
      'unknown dtype',
      rawFile({ t: { ...ok, dtype: 'F12' } }, data),
      /weights\.safetensors: tensor 't': unknown dtype "F12"/,
    ],
    [
      'bad shape',
      rawFile({ t: { ...ok, shape: [2, -1] } }, data),
      /tensor 't': shape must be an array of non-negative integers/,
    ],
    [
      'bad offsets',
      rawFile({ t: { ...ok, data_offsets: [0] } }, data),
      /tensor 't': data_offsets must be \[begin, end\]/,
    ],
    [
      'offsets outside data',
      rawFile({ t: { ...ok, data_offsets: [0, 16] } }, data),
      /tensor 't': data_offsets \[0, 16\] lie outside the data section of 8 bytes/,
    ],
    [
      'size disagrees with shape',
      rawFile({ t: { ...ok, shape: [3] } }, data),
      /tensor 't': data_offsets \[0, 8\] hold 8 bytes but shape \[3\] of F32 needs 12/,
    ],
    [
      'overlap',
      rawFile({ t: ok, u: { ...ok, shape: [1], data_offsets: [4, 8] } }, data),
      /tensor 'u' starts at byte 4 and overlaps the previous tensor/,
    ],
    [
      'gap',
      rawFile({ t: { ...ok, shape: [1], data_offsets: [4, 8] } }, data),
      /tensor 't' starts at byte 4 and leaves a gap of 4 bytes/,
    ],
    [
      'trailing bytes',
      rawFile({ t: { ...ok, shape: [1], data_offsets: [0, 4] } }, data),
      /the tensors cover 4 bytes of a 8-byte data section/,
    ],
    ['bad metadata', rawFile({ __metadata__: { format: 1 }, t: ok }, data), /__metadata__\.format must be a string/],
  ];
  for (const [what, bytes, pattern] of cases) assert.match(parseError(bytes), pattern, what);
  const ints = SafetensorsFile.parse(
    rawFile({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data),
    'ids.safetensors',
  );
  assert.throws(
    () => ints.readFloat32('ids'),
    /ids\.safetensors: tensor 'ids' has dtype I64; only F32, F16, BF16 and F64/,
  );
  assert.throws(() => ints.readFloat32('nope'), /ids\.safetensors: no tensor 'nope'/);
  assert.throws(
    () => SafetensorsFile.read('/nonexistent/model.safetensors'),
    /\/nonexistent\/model\.safetensors: cannot read \(ENOENT\)/,
  );
});
