// Reads PyTorch state-dict checkpoints (`pytorch_model.bin`) without PyTorch and without trusting
// them. A pickle is a program for a small stack machine whose GLOBAL + REDUCE opcodes can call any
// Python function (os.system included), so this unpickler interprets the opcodes itself and knows
// only the globals a state dict needs: collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
// the torch storage types. Any other global is refused when it is named, before anything could
// call it; nothing is ever executed.
//
// Two container formats: the zip written by torch.save since PyTorch 1.6 (`<dir>/data.pkl` plus one
// `<dir>/data/<key>` entry of raw bytes per storage) and the older "legacy" stream (magic number,
// protocol and system-info pickles, the state-dict pickle, the storage keys, then each storage as an
// int64 element count followed by its bytes).
import * as fs from 'fs';
import { isZip, ZipArchive } from './zip';
import { BYTES_PER_ELEMENT, decodeFloats, type FloatEncoding } from './float-decode';

type StorageDtype = FloatEncoding | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const STORAGE_TYPES: Record<string, { dtype: StorageDtype; bytes: number }> = {
  FloatStorage: { dtype: 'float32', bytes: 4 },
  HalfStorage: { dtype: 'float16', bytes: 2 },
  BFloat16Storage: { dtype: 'bfloat16', bytes: 2 },
  DoubleStorage: { dtype: 'float64', bytes: 8 },
  LongStorage: { dtype: 'int64', bytes: 8 },
  IntStorage: { dtype: 'int32', bytes: 4 },
  ShortStorage: { dtype: 'int16', bytes: 2 },
  CharStorage: { dtype: 'int8', bytes: 1 },
  ByteStorage: { dtype: 'uint8', bytes: 1 },
  BoolStorage: { dtype: 'bool', bytes: 1 },
};

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

// ---- Python values the unpickler can build ----

export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

type PyKey = string | number | bigint | boolean | null;

export class PyDict {
  readonly entries = new Map<PyKey, PyValue>();
}

/** A torch storage: untyped bytes with the element type its storage class names. */
export class TorchStorage {
  constructor(
    readonly key: string,
    readonly dtype: StorageDtype,
    readonly numel: number,
    readonly bytes: Uint8Array,
  ) {}
}

/** A tensor as _rebuild_tensor_v2 describes it: a strided view of a storage. */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}

  get dtype(): StorageDtype {
    return this.storage.dtype;
  }

  /** The values as a dense row-major float32 array (half/bfloat16 widened, double rounded). */
  toFloat32(name: string, source: string): Float32Array {
    const dtype = this.storage.dtype;
    if (!(dtype in BYTES_PER_ELEMENT)) {
      throw new Error(
        `${source}: tensor '${name}' has dtype ${dtype}; only float32, float16, bfloat16 and float64 can be read as ` +
          `float32`,
      );
    }
    const encoding = dtype as FloatEncoding;
    const size = BYTES_PER_ELEMENT[encoding];
    const count = this.shape.reduce((a, b) => a * b, 1);
    if (count === 0) return new Float32Array(0);
    const lastIndex = this.storageOffset + this.shape.reduce((sum, dim, i) => sum + (dim - 1) * this.stride[i], 0);
    if (this.storageOffset < 0 || lastIndex >= this.storage.numel) {
      throw new Error(
        `${source}: tensor '${name}' (shape [${this.shape.join(', ')}], offset ${this.storageOffset}) reaches ` +
          `element ${lastIndex} of a storage with ${this.storage.numel}`,
      );
    }
    if (isContiguous(this.shape, this.stride)) {
      const begin = this.storageOffset * size;
      return decodeFloats(encoding, this.storage.bytes.subarray(begin, begin + count * size));
    }
    const all = decodeFloats(encoding, this.storage.bytes.subarray(0, this.storage.numel * size));
    const out = new Float32Array(count);
    const index = new Array<number>(this.shape.length).fill(0);
    for (let i = 0; i < count; i++) {
      let at = this.storageOffset;
      for (let d = 0; d < index.length; d++) at += index[d] * this.stride[d];
      out[i] = all[at];
      for (let d = index.length - 1; d >= 0; d--) {
        if (++index[d] < this.shape[d]) break;
        index[d] = 0;
      }
    }
    return out;
  }
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PyGlobal
  | TorchStorage
  | TorchTensor;

// ---- The restricted unpickler ----

const ALLOWED_GLOBALS = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  ...Object.keys(STORAGE_TYPES).map((name) => `torch.${name}`),
]);

export interface UnpickleOptions {
  /** Names the file (and entry) in errors. */
  source: string;
  /** Resolves a persistent id (torch's storage references). */
  persistentLoad: (pid: PyValue) => PyValue;
}

class Mark {}

function pyType(value: PyValue | Mark): string {
  if (value === null) return 'None';
  if (value instanceof Mark) return 'mark';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return value.constructor.name;
  return typeof value;
}

/**
 * Interprets one pickle starting at `offset`; returns its value and where it ended. Refuses
 * every global outside the state-dict allowlist and every opcode that could build other objects.
 */
export function restrictedUnpickle(
  bytes: Uint8Array,
  options: UnpickleOptions,
  offset = 0,
): { value: PyValue; end: number } {
  const { source } = options;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;
  let stack: (PyValue | Mark)[] = [];
  const metastack: (PyValue | Mark)[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (message: string): never => {
    throw new Error(`${source}: pickle byte ${pos}: ${message}`);
  };
  const need = (count: number): void => {
    if (pos + count > data.length) fail(`truncated (needs ${count} more bytes)`);
  };
  const u8 = (): number => {
    need(1);
    return data[pos++];
  };
  const fixedWidth = (size: number, read: (offset: number) => number): number => {
    need(size);
    pos += size;
    return read(pos - size);
  };
  const u16 = (): number => fixedWidth(2, (at) => data.readUInt16LE(at));
  const i32 = (): number => fixedWidth(4, (at) => data.readInt32LE(at));
  const u32 = (): number => fixedWidth(4, (at) => data.readUInt32LE(at));
  const u64 = (): number => {
    need(8);
    pos += 8;
    const value = data.readBigUInt64LE(pos - 8);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${value} is too large`);
    return Number(value);
  };
  const take = (count: number): Buffer => {
    need(count);
    pos += count;
    return data.subarray(pos - count, pos);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text argument');
    const text = data.toString('latin1', pos, end);
    pos = end + 1;
    return text;
  };
  const pop = (): PyValue => {
    const value = stack.pop();
    if (value === undefined) fail('stack underflow');
    if (value instanceof Mark) fail('unexpected mark');
    return value as PyValue;
  };
  const top = (): PyValue => {
    const value = stack[stack.length - 1];
    if (value === undefined || value instanceof Mark) fail('stack underflow');
    return value as PyValue;
  };
  const popMark = (): PyValue[] => {
    const items = stack as PyValue[];
    const previous = metastack.pop();
    if (previous === undefined) fail('no mark to pop to');
    stack = previous as (PyValue | Mark)[];
    return items;
  };
  // Items already popped (the argument is evaluated first), then the container left on top.
  const withTop = (items: PyValue[]): [PyValue, PyValue[]] => [top(), items];
  const findClass = (module: string, name: string): PyGlobal => {
    const qualified = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(qualified)) {
      fail(
        `refused to load the global '${qualified}': a state-dict checkpoint needs only ` +
          'collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storage types (this file may try to ' +
          'run code)',
      );
    }
    return new PyGlobal(module, name);
  };
  const dictKey = (key: PyValue): PyKey => {
    if (key === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof key)) return key as PyKey;
    return fail(`unsupported dict key of type ${pyType(key)}`);
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (!(target instanceof PyDict)) fail(`SETITEM(S) on a ${pyType(target)}, expected a dict`);
    if (items.length % 2 !== 0) fail('SETITEMS needs key/value pairs');
    for (let i = 0; i < items.length; i += 2) (target as PyDict).entries.set(dictKey(items[i]), items[i + 1]);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(target)) fail(`APPEND(S) on a ${pyType(target)}, expected a list`);
    (target as PyValue[]).push(...items);
  };
  const call = (callable: PyValue, args: PyValue): PyValue => {
    if (!(callable instanceof PyGlobal)) return fail(`REDUCE on a ${pyType(callable)}, expected an allowed global`);
    if (!(args instanceof PyTuple)) return fail(`REDUCE arguments must be a tuple, found ${pyType(args)}`);
    if (callable.qualifiedName === 'collections.OrderedDict') return orderedDict(args.items, fail);
    if (callable.qualifiedName === 'torch._utils._rebuild_tensor_v2') return rebuildTensor(args.items, fail);
    return fail(`refused to call '${callable.qualifiedName}': only OrderedDict and _rebuild_tensor_v2 may be called`);
  };

  // Strings and byte strings: the width of the length prefix, and how to decode what follows.
  const LENGTH_PREFIXED: Record<number, { length: () => number; encoding: 'utf8' | 'latin1' | 'bytes' }> = {
    0x58: { length: u32, encoding: 'utf8' },
    0x8c: { length: u8, encoding: 'utf8' },
    0x8d: { length: u64, encoding: 'utf8' },
    0x54: { length: i32, encoding: 'latin1' },
    0x55: { length: u8, encoding: 'latin1' },
    0x42: { length: u32, encoding: 'bytes' },
    0x43: { length: u8, encoding: 'bytes' },
    0x8e: { length: u64, encoding: 'bytes' },
  };
  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol');
        break;
      case 0x95: // FRAME: a length prefix only
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) fail('stack underflow');
        if (stack[stack.length - 1] instanceof Mark) fail('unexpected mark');
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x49: {
        // INT (text; "00"/"01" are False/True)
        const text = line();
        if (text === '00' || text === '01') stack.push(text === '01');
        else if (/^-?\d+$/.test(text)) stack.push(toNumber(BigInt(text)));
        else fail(`bad INT argument '${text}'`);
        break;
      }
      case 0x4c: {
        // LONG (text)
        const text = line().replace(/L$/, '');
        if (!/^-?\d+$/.test(text)) fail(`bad LONG argument '${text}'`);
        stack.push(toNumber(BigInt(text)));
        break;
      }
      case 0x8a: // LONG1
        stack.push(littleEndianSigned(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const length = i32();
        if (length < 0) fail('negative LONG4 length');
        stack.push(littleEndianSigned(take(length)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        pos += 8;
        stack.push(data.readDoubleBE(pos - 8));
        break;
      case 0x46: {
        // FLOAT (text)
        const value = Number(line());
        if (Number.isNaN(value)) fail('bad FLOAT argument');
        stack.push(value);
        break;
      }
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: // BINUNICODE8
      case 0x54: // BINSTRING (Python 2 str)
      case 0x55: // SHORT_BINSTRING
      case 0x42: // BINBYTES
      case 0x43: // SHORT_BINBYTES
      case 0x8e: {
        // BINBYTES8
        const { length, encoding } = LENGTH_PREFIXED[opcode];
        const bytes = take(length());
        stack.push(encoding === 'bytes' ? new Uint8Array(bytes) : bytes.toString(encoding));
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: {
        // TUPLE (popMark swaps `stack`, so pop before naming it)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: // APPEND
        appendItems(...withTop([pop()]));
        break;
      case 0x65: // APPENDS
        appendItems(...withTop(popMark()));
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const dict = new PyDict();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        setItems(...withTop([pop(), value]));
        break;
      }
      case 0x75: // SETITEMS
        setItems(...withTop(popMark()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET (text)
        const index = opcode === 0x68 ? u8() : opcode === 0x6a ? u32() : Number(line());
        if (!memo.has(index)) fail(`memo entry ${index} is not defined`);
        stack.push(memo.get(index) as PyValue);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(findClass(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(findClass(module as string, name as string));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(options.persistentLoad(pop()));
        break;
      case 0x50: // PERSID (text)
        stack.push(options.persistentLoad(line()));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args));
        break;
      }
      case 0x62: {
        // BUILD: only the attribute dict torch sets on a state dict (`_metadata`), ignored
        const state = pop();
        const target = top();
        if (!(target instanceof PyDict) || !(state instanceof PyDict || state === null)) {
          fail(`BUILD on a ${pyType(target)} with ${pyType(state)} state is not part of a state dict`);
        }
        break;
      }
      default:
        fail(
          `opcode 0x${opcode.toString(16).padStart(2, '0')} is not allowed in a state-dict checkpoint ` +
            '(only what torch.save writes is understood; object construction, extensions and buffers are refused)',
        );
    }
  }
}

function toNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function littleEndianSigned(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return toNumber(value);
}

function orderedDict(args: PyValue[], fail: (message: string) => never): PyDict {
  const dict = new PyDict();
  if (args.length === 0) return dict;
  const items = args[0];
  if (args.length !== 1 || !Array.isArray(items)) return fail('OrderedDict() takes no arguments or one list of pairs');
  for (const pair of items) {
    if (!(pair instanceof PyTuple) || pair.items.length !== 2) fail('OrderedDict pairs must be 2-tuples');
    const [key, value] = (pair as PyTuple).items;
    if (typeof key !== 'string') fail('OrderedDict keys must be strings here');
    dict.entries.set(key as string, value);
  }
  return dict;
}

function intTuple(value: PyValue, what: string, fail: (message: string) => never): number[] {
  if (
    !(value instanceof PyTuple) ||
    !value.items.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)
  ) {
    return fail(`_rebuild_tensor_v2: ${what} must be a tuple of non-negative integers`);
  }
  return value.items as number[];
}

/** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) */
function rebuildTensor(args: PyValue[], fail: (message: string) => never): TorchTensor {
  if (args.length < 6 || args.length > 7) return fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage))
    return fail(`_rebuild_tensor_v2: first argument must be a storage, found ${pyType(storage)}`);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    return fail('_rebuild_tensor_v2: bad storage offset');
  const shape = intTuple(size, 'size', fail);
  const strides = intTuple(stride, 'stride', fail);
  if (shape.length !== strides.length) return fail('_rebuild_tensor_v2: size and stride differ in length');
  return new TorchTensor(storage, offset, shape, strides);
}

/** Interprets a persistent id ('storage', StorageType, key, location, numel[, view_metadata]). */
function storageFromPid(
  pid: PyValue,
  fail: (message: string) => never,
  bytesFor: (key: string, byteLength: number) => Uint8Array,
): TorchStorage {
  if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || pid.items.length < 5 || pid.items.length > 6) {
    return fail(
      `unsupported persistent id ${describePid(pid)}: only ('storage', type, key, location, numel) is allowed`,
    );
  }
  const [, type, key, , numel] = pid.items;
  if (!(type instanceof PyGlobal) || type.module !== 'torch' || STORAGE_TYPES[type.name] === undefined) {
    return fail(
      `persistent id names ${type instanceof PyGlobal ? type.qualifiedName : pyType(type)}, not a torch storage type`,
    );
  }
  if (typeof key !== 'string' || typeof numel !== 'number' || !Number.isInteger(numel) || numel < 0) {
    return fail('persistent id needs a string key and a non-negative element count');
  }
  if (pid.items.length === 6 && pid.items[5] !== null)
    return fail(`storage '${key}': storage views (legacy view_metadata) are not supported`);
  const { dtype, bytes } = STORAGE_TYPES[type.name];
  return new TorchStorage(key, dtype, numel, bytesFor(key, numel * bytes));
}

function describePid(pid: PyValue): string {
  if (pid instanceof PyTuple)
    return `(${pid.items.map((item) => (typeof item === 'string' ? `'${item}'` : pyType(item))).join(', ')})`;
  return pyType(pid);
}

// ---- Checkpoint files ----

export interface TorchCheckpoint {
  source: string;
  /** Tensor name -> tensor, in file order. */
  tensors: Map<string, TorchTensor>;
}

function stateDictFrom(value: PyValue, source: string): Map<string, TorchTensor> {
  if (!(value instanceof PyDict))
    throw new Error(`${source}: expected a state dict (name -> tensor), found a ${pyType(value)}`);
  const tensors = new Map<string, TorchTensor>();
  for (const [key, tensor] of value.entries) {
    if (typeof key !== 'string') throw new Error(`${source}: state dict key ${String(key)} is not a string`);
    if (!(tensor instanceof TorchTensor))
      throw new Error(`${source}: state dict entry '${key}' is a ${pyType(tensor)}, not a tensor`);
    tensors.set(key, tensor);
  }
  return tensors;
}

function readZipCheckpoint(bytes: Buffer, source: string): TorchCheckpoint {
  const zip = ZipArchive.parse(bytes, source);
  const pickles = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new Error(
      `${source}: expected one '<dir>/data.pkl' entry in the zip, found ${pickles.length} (not a torch.save ` +
        `checkpoint?)`,
    );
  }
  const prefix = pickles[0].slice(0, -'data.pkl'.length);
  const byteorder = zip.entries.has(`${prefix}byteorder`)
    ? zip.read(`${prefix}byteorder`).toString('latin1').trim()
    : 'little';
  if (byteorder !== 'little')
    throw new Error(`${source}: storages are ${byteorder}-endian; only little-endian checkpoints are supported`);
  const pickleSource = `${source} (${pickles[0]})`;
  const storages = new Map<string, TorchStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const fail = (message: string): never => {
      throw new Error(`${pickleSource}: ${message}`);
    };
    const storage = storageFromPid(pid, fail, (key, byteLength) => {
      const name = `${prefix}data/${key}`;
      if (!zip.entries.has(name)) fail(`storage '${key}' has no zip entry '${name}'`);
      const stored = zip.read(name);
      if (stored.length < byteLength)
        fail(`storage '${key}' needs ${byteLength} bytes, its entry holds ${stored.length}`);
      return stored;
    });
    // Tensors sharing a storage share one object, like torch.load.
    const known = storages.get(storage.key);
    if (known !== undefined) return known;
    storages.set(storage.key, storage);
    return storage;
  };
  const { value } = restrictedUnpickle(zip.read(pickles[0]), { source: pickleSource, persistentLoad });
  return { source, tensors: stateDictFrom(value, source) };
}

function readLegacyCheckpoint(bytes: Buffer, source: string): TorchCheckpoint {
  const noPersistent = (pid: PyValue): PyValue => {
    throw new Error(`${source}: unexpected persistent id ${describePid(pid)} in the legacy header`);
  };
  const magic = restrictedUnpickle(bytes, { source, persistentLoad: noPersistent });
  if (magic.value !== LEGACY_MAGIC)
    throw new Error(`${source}: neither a zip nor a legacy torch.save file (wrong magic number)`);
  const protocol = restrictedUnpickle(bytes, { source, persistentLoad: noPersistent }, magic.end);
  if (protocol.value !== 1001)
    throw new Error(`${source}: legacy protocol version ${String(protocol.value)}, expected 1001`);
  const sysInfo = restrictedUnpickle(bytes, { source, persistentLoad: noPersistent }, protocol.end);
  if (sysInfo.value instanceof PyDict && sysInfo.value.entries.get('little_endian') === false) {
    throw new Error(`${source}: big-endian legacy checkpoints are not supported`);
  }
  // Storage bytes follow the pickles, so storages are filled in after the key list is known.
  const pending = new Map<string, { numel: number; elementBytes: number; fill: (bytes: Uint8Array) => void }>();
  const storages = new Map<string, TorchStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const fail = (message: string): never => {
      throw new Error(`${source}: ${message}`);
    };
    let target: Uint8Array = new Uint8Array(0);
    const storage = storageFromPid(pid, fail, (key, byteLength) => {
      target = new Uint8Array(byteLength);
      return target;
    });
    const known = storages.get(storage.key);
    if (known !== undefined) return known;
    storages.set(storage.key, storage);
    const filled = target;
    pending.set(storage.key, {
      numel: storage.numel,
      elementBytes: storage.numel === 0 ? 0 : filled.length / storage.numel,
      fill: (data) => filled.set(data),
    });
    return storage;
  };
  const main = restrictedUnpickle(bytes, { source, persistentLoad }, sysInfo.end);
  const keys = restrictedUnpickle(bytes, { source, persistentLoad: noPersistent }, main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) {
    throw new Error(`${source}: legacy storage key list is not a list of strings`);
  }
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const storage = pending.get(key);
    if (storage === undefined) throw new Error(`${source}: legacy storage '${key}' is listed but never referenced`);
    if (pos + 8 > bytes.length) throw new Error(`${source}: legacy storage '${key}' is truncated`);
    const numel = Number(bytes.readBigInt64LE(pos));
    if (numel !== storage.numel)
      throw new Error(`${source}: legacy storage '${key}' holds ${numel} elements, the pickle says ${storage.numel}`);
    const byteLength = numel * storage.elementBytes;
    if (pos + 8 + byteLength > bytes.length) throw new Error(`${source}: legacy storage '${key}' is truncated`);
    storage.fill(bytes.subarray(pos + 8, pos + 8 + byteLength));
    pos += 8 + byteLength;
  }
  return { source, tensors: stateDictFrom(main.value, source) };
}

/** Parses a torch.save state dict (zip or legacy) from bytes; `source` names it in errors. */
export function parseTorchCheckpoint(bytes: Buffer, source: string): TorchCheckpoint {
  if (isZip(bytes)) return readZipCheckpoint(bytes, source);
  if (bytes.length > 1 && bytes[0] === 0x80) return readLegacyCheckpoint(bytes, source);
  throw new Error(`${source}: not a PyTorch checkpoint (neither a zip archive nor a pickle)`);
}

/** Reads `pytorch_model.bin` (or any torch.save state dict) through the restricted unpickler. */
export function readTorchCheckpoint(file: string): TorchCheckpoint {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseTorchCheckpoint(bytes, file);
}
