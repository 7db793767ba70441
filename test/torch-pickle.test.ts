// The PyTorch checkpoint reader: the fixture's pytorch_model.bin equals its safetensors twin, the
// restricted unpickler refuses code-running pickles (hand-made and made by Python's own pickle),
// and strided, half-precision, legacy-format and damaged files behave.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  parseTorchCheckpoint,
  readTorchCheckpoint,
  restrictedUnpickle,
  PyDict,
  type PyValue,
} from '../lib/model/torch-pickle';
import { SafetensorsFile } from '../lib/model/safetensors';
import { FIXTURES_DIR } from './helpers/paths';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');

// ---- Test-side writers: a tiny pickle emitter and a stored zip, independent of the reader ----

class PickleWriter {
  private readonly parts: Buffer[] = [Buffer.from([0x80, 2])];
  private op(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  global(module: string, name: string): this {
    this.parts.push(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
    return this;
  }
  str(text: string): this {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    this.parts.push(Buffer.from([0x58]), length, bytes);
    return this;
  }
  int(value: number): this {
    const bytes = Buffer.alloc(5);
    bytes[0] = 0x4a;
    bytes.writeInt32LE(value, 1);
    this.parts.push(bytes);
    return this;
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  reduce(): this {
    return this.op(0x52);
  }
  none(): this {
    return this.op(0x4e);
  }
  falseValue(): this {
    return this.op(0x89);
  }
  persistentId(): this {
    return this.op(0x51);
  }
  setItems(): this {
    return this.op(0x75);
  }
  list(): this {
    return this.op(0x6c);
  }
  intTuple(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  /** _rebuild_tensor_v2(storage(pid), offset, size, stride, False, OrderedDict()) */
  tensor(
    storageType: string,
    key: string,
    numel: number,
    offset: number,
    shape: number[],
    stride: number[],
    legacy = false,
  ): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().str('storage').global('torch', storageType).str(key).str('cpu').int(numel);
    if (legacy) this.none();
    this.tuple().persistentId();
    this.int(offset).intTuple(shape).intTuple(stride).falseValue();
    this.global('collections', 'OrderedDict').emptyTuple().reduce();
    return this.tuple().reduce();
  }
  stateDict(entries: (w: PickleWriter) => void): this {
    this.global('collections', 'OrderedDict').emptyTuple().reduce().mark();
    entries(this);
    return this.setItems();
  }
  bytes(): Buffer {
    return Buffer.concat([...this.parts, Buffer.from('.')]);
  }
}

/**
 * A zip of stored entries, as torch.save writes them. With `zip64`, sizes and offsets live only in
 * zip64 extra fields and a zip64 end record, as in archives over 4 GiB.
 */
function storedZip(entries: Record<string, Buffer>, zip64 = false, deflated: string[] = []): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, original] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(original) >>> 0;
    const method = deflated.includes(name) ? 8 : 0;
    const data = method === 8 ? zlib.deflateRawSync(original) : original;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(original.length, 22);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(nameBytes.length, 26);
    const extra = Buffer.alloc(zip64 ? 28 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(original.length), 4);
      extra.writeBigUInt64LE(BigInt(data.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(zip64 ? 0xffffffff : data.length, 20);
    entry.writeUInt32LE(zip64 ? 0xffffffff : original.length, 24);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt16LE(extra.length, 30);
    entry.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    locals.push(local, nameBytes, data);
    central.push(entry, nameBytes, extra);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const count = Object.keys(entries).length;
  const trailer: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    trailer.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, ...trailer, end]);
}

function floats(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

function noStorage(pid: PyValue): PyValue {
  throw new Error(`unexpected persistent id ${String(pid)}`);
}

// ---- Tests ----

test("the fixture's pytorch_model.bin holds exactly the tensors of its model.safetensors", () => {
  const torch = readTorchCheckpoint(path.join(FIXTURE, 'pytorch_model.bin'));
  const st = SafetensorsFile.read(path.join(FIXTURE, 'model.safetensors'));
  assert.deepEqual([...torch.tensors.keys()], st.names);
  for (const [name, tensor] of torch.tensors) {
    assert.equal(tensor.dtype, 'float32');
    assert.deepEqual(tensor.shape, st.tensors.get(name)?.shape, name);
    assert.deepEqual(Array.from(tensor.toFloat32(name, 'fixture')), Array.from(st.readFloat32(name)), name);
  }
});

test('a pickle that calls os.system is refused before anything runs (hand-made, protocol 0)', () => {
  const marker = path.join(os.tmpdir(), `ft-roberta-pwned-${process.pid}`);
  const evil = Buffer.from(`cos\nsystem\n(S'touch ${marker}'\ntR.`, 'latin1');
  assert.throws(
    () => restrictedUnpickle(evil, { source: 'evil.pkl', persistentLoad: noStorage }),
    (err: Error) => {
      assert.match(err.message, /evil\.pkl: pickle byte \d+: refused to load the global 'os\.system'/);
      return true;
    },
  );
  assert.equal(fs.existsSync(marker), false);
});

// pickle.dumps({'weight': Evil()}, protocol=p) with Evil.__reduce__ = (os.system, ('touch /tmp/ft-roberta-pwned',)),
// made with CPython 3.11.
const PYTHON_EVIL_PROTOCOL_2 =
  '80027d71005806000000776569676874710163706f7369780a73797374656d0a7102581b000000746f756368202f746d702f66742d726f6265' +
  '7274612d70776e65647103857104527105732e';

test('pickles made by Python for an object whose __reduce__ is os.system are refused (protocols 2, 4, 5)', () => {
  const made: Record<number, string> = {
    2: PYTHON_EVIL_PROTOCOL_2,
    4:
      '80049542000000000000007d948c06776569676874948c05706f736978948c0673797374656d9493948c1b746f756368202f746d702f6' +
      '6742d726f62657274612d70776e65649485945294732e',
    5:
      '80059542000000000000007d948c06776569676874948c05706f736978948c0673797374656d9493948c1b746f756368202f746d702f6' +
      '6742d726f62657274612d70776e65649485945294732e',
  };
  for (const [protocol, hex] of Object.entries(made)) {
    assert.throws(
      () => restrictedUnpickle(Buffer.from(hex, 'hex'), { source: `evil-p${protocol}.pkl`, persistentLoad: noStorage }),
      /refused to load the global 'posix\.system'/,
      `protocol ${protocol}`,
    );
  }
});

test('other dangerous globals and object-building opcodes are refused too', () => {
  const run = (bytes: Buffer): void => void restrictedUnpickle(bytes, { source: 'x.pkl', persistentLoad: noStorage });
  for (const [module, name] of [
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['subprocess', 'Popen'],
    ['torch', 'load'],
    ['torch._utils', '_rebuild_parameter'],
    ['__builtin__', 'getattr'],
  ]) {
    assert.throws(
      () => run(new PickleWriter().global(module, name).bytes()),
      new RegExp(`refused to load the global '${module}\\.${name}'`),
    );
  }
  // INST names a class and calls it in one opcode.
  assert.throws(() => run(Buffer.from('(ios\nsystem\n.', 'latin1')), /opcode 0x69 is not allowed/);
  // OBJ, NEWOBJ, EXT1 are refused as opcodes.
  for (const opcode of [0x6f, 0x81, 0x82]) {
    assert.throws(
      () => run(Buffer.concat([Buffer.from([0x80, 2, 0x29, 0x29]), Buffer.from([opcode]), Buffer.from('.')])),
      /is not allowed in a state-dict checkpoint/,
    );
  }
  // Allowed names may not be called in other roles: a storage type is not a function.
  assert.throws(
    () => run(new PickleWriter().global('torch', 'FloatStorage').emptyTuple().reduce().bytes()),
    /refused to call 'torch\.FloatStorage'/,
  );
  // A persistent id must be a torch storage reference.
  const badPid = new PickleWriter().mark().str('module').str('os').tuple().persistentId().bytes();
  assert.throws(
    () => parseTorchCheckpoint(storedZip({ 'archive/data.pkl': badPid }), 'pid.bin'),
    /unsupported persistent id \('module', 'os'\)/,
  );
});

test('a malicious data.pkl inside a torch zip is refused with the file and entry named', () => {
  const evil = Buffer.from(PYTHON_EVIL_PROTOCOL_2, 'hex');
  const zip = storedZip({ 'archive/data.pkl': evil, 'archive/version': Buffer.from('3\n') });
  assert.throws(
    () => parseTorchCheckpoint(zip, 'model/pytorch_model.bin'),
    /model\/pytorch_model\.bin \(archive\/data\.pkl\): pickle byte \d+: refused to load the global 'posix\.system'/,
  );
});

test('strided views, shared storages and half precision are materialised correctly', () => {
  const pickle = new PickleWriter()
    .stateDict((w) => {
      // A 2x3 transposed view of a 3x2 storage: element [i][j] at storage[j * 2 + i].
      w.str('transposed').tensor('FloatStorage', '0', 6, 0, [2, 3], [1, 2]);
      // A row of the same storage with an offset.
      w.str('row').tensor('FloatStorage', '0', 6, 4, [2], [1]);
      w.str('half').tensor('HalfStorage', '1', 2, 0, [2], [1]);
    })
    .bytes();
  const half = Buffer.alloc(4);
  half.writeUInt16LE(0x3c00, 0); // 1
  half.writeUInt16LE(0xb800, 2); // -0.5
  const checkpoint = parseTorchCheckpoint(
    storedZip({
      'm/data.pkl': pickle,
      'm/data/0': floats([0, 1, 2, 3, 4, 5]),
      'm/data/1': half,
      'm/version': Buffer.from('3\n'),
    }),
    'strided.bin',
  );
  const t = checkpoint.tensors;
  assert.deepEqual(Array.from(t.get('transposed')?.toFloat32('transposed', 'strided.bin') ?? []), [0, 2, 4, 1, 3, 5]);
  assert.deepEqual(Array.from(t.get('row')?.toFloat32('row', 'strided.bin') ?? []), [4, 5]);
  assert.equal(t.get('transposed')?.storage, t.get('row')?.storage, 'one storage object per key');
  assert.deepEqual(Array.from(t.get('half')?.toFloat32('half', 'strided.bin') ?? []), [1, -0.5]);
});

test('zip64 archives and deflated entries are read', () => {
  const pickle = new PickleWriter().stateDict((w) => w.str('w').tensor('FloatStorage', '0', 3, 0, [3], [1])).bytes();
  const zip = storedZip(
    { 'big/data.pkl': pickle, 'big/data/0': floats([1, 2, 3]), 'big/version': Buffer.from('3\n') },
    true,
  );
  const checkpoint = parseTorchCheckpoint(zip, 'zip64.bin');
  assert.deepEqual(Array.from(checkpoint.tensors.get('w')?.toFloat32('w', 'zip64.bin') ?? []), [1, 2, 3]);
  // Deflated entries (torch writes stored ones, other zip tools may not) are inflated.
  const deflated = storedZip({ 'd/data.pkl': pickle, 'd/data/0': floats([4, 5, 6]) }, false, [
    'd/data.pkl',
    'd/data/0',
  ]);
  assert.deepEqual(
    Array.from(parseTorchCheckpoint(deflated, 'deflated.bin').tensors.get('w')?.toFloat32('w', 'deflated.bin') ?? []),
    [4, 5, 6],
  );
});

test('inconsistent or damaged files fail with the file, entry or tensor named', () => {
  const tooBig = new PickleWriter()
    .stateDict((w) => w.str('w').tensor('FloatStorage', '0', 4, 2, [2, 2], [2, 1]))
    .bytes();
  const checkpoint = parseTorchCheckpoint(
    storedZip({ 'a/data.pkl': tooBig, 'a/data/0': floats([1, 2, 3, 4]) }),
    'big.bin',
  );
  assert.throws(
    () => checkpoint.tensors.get('w')?.toFloat32('w', 'big.bin'),
    /big\.bin: tensor 'w' \(shape \[2, 2\], offset 2\) reaches element 5 of a storage with 4/,
  );

  const shortStorage = new PickleWriter()
    .stateDict((w) => w.str('w').tensor('FloatStorage', '0', 4, 0, [4], [1]))
    .bytes();
  assert.throws(
    () => parseTorchCheckpoint(storedZip({ 'a/data.pkl': shortStorage, 'a/data/0': floats([1, 2]) }), 's.bin'),
    /storage '0' needs 16 bytes, its entry holds 8/,
  );
  assert.throws(
    () => parseTorchCheckpoint(storedZip({ 'a/data.pkl': shortStorage }), 's.bin'),
    /storage '0' has no zip entry 'a\/data\/0'/,
  );

  const intTensor = new PickleWriter()
    .stateDict((w) => w.str('ids').tensor('LongStorage', '0', 1, 0, [1], [1]))
    .bytes();
  const ints = parseTorchCheckpoint(storedZip({ 'a/data.pkl': intTensor, 'a/data/0': Buffer.alloc(8) }), 'i.bin');
  assert.throws(() => ints.tensors.get('ids')?.toFloat32('ids', 'i.bin'), /i\.bin: tensor 'ids' has dtype int64/);

  const notADict = new PickleWriter().int(5).bytes();
  assert.throws(
    () => parseTorchCheckpoint(storedZip({ 'a/data.pkl': notADict }), 'n.bin'),
    /n\.bin: expected a state dict \(name -> tensor\), found a number/,
  );

  const fixture = fs.readFileSync(path.join(FIXTURE, 'pytorch_model.bin'));
  const flipped = Buffer.from(fixture);
  flipped[5000] ^= 0xff; // inside the first storage
  assert.throws(
    () => parseTorchCheckpoint(flipped, 'flipped.bin'),
    /flipped\.bin: zip entry 'pytorch_model\/data\/0' fails its CRC-32 check/,
  );
  assert.throws(() => parseTorchCheckpoint(fixture.subarray(0, 100_000), 'cut.bin'), /cut\.bin: not a zip archive/);
  assert.throws(() => parseTorchCheckpoint(Buffer.from('hello'), 'text.bin'), /text\.bin: not a PyTorch checkpoint/);
  const truncatedPickle = new PickleWriter().str('a longer string').bytes().subarray(0, 12);
  assert.throws(
    () => restrictedUnpickle(truncatedPickle, { source: 't.pkl', persistentLoad: noStorage }),
    /t\.pkl: pickle byte \d+: truncated/,
  );
});

test('the legacy (pre-1.6) torch.save stream is read too', () => {
  // Magic number 0x1950a86a20f9469cfc6c as LONG1, protocol version 1001, sys_info {'little_endian': True}.
  const magic = Buffer.concat([
    Buffer.from([0x80, 2, 0x8a, 10]),
    Buffer.from('6cfc9c46f9206aa85019', 'hex'),
    Buffer.from('.'),
  ]);
  const protocol = new PickleWriter().int(1001).bytes();
  const sysInfo = Buffer.from([
    0x80,
    2,
    0x7d,
    0x28,
    0x58,
    13,
    0,
    0,
    0,
    ...Buffer.from('little_endian'),
    0x88,
    0x75,
    0x2e,
  ]);
  const main = new PickleWriter()
    .stateDict((w) => {
      w.str('a').tensor('FloatStorage', 'k0', 3, 0, [3], [1], true);
      w.str('b').tensor('DoubleStorage', 'k1', 1, 0, [], [], true);
    })
    .bytes();
  const keys = new PickleWriter().mark().str('k0').str('k1').list().bytes();
  const count = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  };
  const double = Buffer.alloc(8);
  double.writeDoubleLE(0.25);
  const file = Buffer.concat([magic, protocol, sysInfo, main, keys, count(3), floats([1, 2, 3]), count(1), double]);
  const checkpoint = parseTorchCheckpoint(file, 'legacy.bin');
  assert.deepEqual(Array.from(checkpoint.tensors.get('a')?.toFloat32('a', 'legacy.bin') ?? []), [1, 2, 3]);
  assert.deepEqual(Array.from(checkpoint.tensors.get('b')?.toFloat32('b', 'legacy.bin') ?? []), [0.25]);
  assert.throws(
    () => parseTorchCheckpoint(file.subarray(0, file.length - 4), 'cut-legacy.bin'),
    /cut-legacy\.bin: legacy storage 'k1' is truncated/,
  );
  const wrongMagic = Buffer.concat([new PickleWriter().int(7).bytes(), protocol]);
  assert.throws(
    () => parseTorchCheckpoint(wrongMagic, 'magic.bin'),
    /magic\.bin: neither a zip nor a legacy torch\.save file/,
  );
});

test('BUILD may only set the attributes of a state dict', () => {
  const withMetadata = Buffer.concat([
    new PickleWriter().global('collections', 'OrderedDict').emptyTuple().reduce().bytes().subarray(0, -1),
    Buffer.from([0x7d, 0x62, 0x2e]), // EMPTY_DICT, BUILD, STOP
  ]);
  const { value } = restrictedUnpickle(withMetadata, { source: 'b.pkl', persistentLoad: noStorage });
  assert.ok(value instanceof PyDict);
  const onList = Buffer.from([0x80, 2, 0x5d, 0x7d, 0x62, 0x2e]);
  assert.throws(() => restrictedUnpickle(onList, { source: 'b.pkl', persistentLoad: noStorage }), /BUILD on a list/);
});

test('length-prefixed strings and bytes: each width of prefix, decoded as text (utf8, latin1) or kept as bytes', () => {
  const le = (width: number, value: number): number[] =>
    Array.from({ length: width }, (_, i) => Math.floor(value / 256 ** i) % 256);
  const cases: [string, number, number, Buffer, PyValue][] = [
    ['BINUNICODE', 0x58, 4, Buffer.from('héllo', 'utf8'), 'héllo'],
    ['SHORT_BINUNICODE', 0x8c, 1, Buffer.from('naïve', 'utf8'), 'naïve'],
    ['BINUNICODE8', 0x8d, 8, Buffer.from('ok ✓', 'utf8'), 'ok ✓'],
    ['BINSTRING', 0x54, 4, Buffer.from([0x63, 0xe9]), 'cé'],
    ['SHORT_BINSTRING', 0x55, 1, Buffer.from([0x61, 0xff]), 'aÿ'],
    ['BINBYTES', 0x42, 4, Buffer.from([1, 2, 3]), new Uint8Array([1, 2, 3])],
    ['SHORT_BINBYTES', 0x43, 1, Buffer.from([0, 255]), new Uint8Array([0, 255])],
    ['BINBYTES8', 0x8e, 8, Buffer.from([7]), new Uint8Array([7])],
  ];
  for (const [name, opcode, width, payload, expected] of cases) {
    const pickle = Buffer.concat([
      Buffer.from([0x80, 2, opcode, ...le(width, payload.length)]),
      payload,
      Buffer.from([0x2e]), // STOP
    ]);
    const { value, end } = restrictedUnpickle(pickle, { source: `${name}.pkl`, persistentLoad: noStorage });
    assert.deepEqual(value, expected, name);
    assert.equal(end, pickle.length, `${name}: the whole pickle is read`);
  }
});
