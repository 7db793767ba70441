// The safetensors format: 8 bytes little-endian header length N, N bytes of JSON header
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the data
// section the offsets point into. Read: F32, F16, BF16 (widened), F64 (narrowed). Write: F32 or
// F16 (rounded to nearest, ties to even, as numpy's and PyTorch's float16 casts round).
import * as fs from 'fs';
import { writeFileAtomic } from '../fsutil';
import { decodeFloats, type FloatEncoding } from './float-decode';

/** Bytes per element of every dtype the format defines (all are validated, some are readable). */
const DTYPE_SIZES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};
const FLOAT_ENCODINGS: Record<string, FloatEncoding> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
};
/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface NamedFloat32Tensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A parsed safetensors file: validated header, tensors decoded on demand. */
export class SafetensorsFile {
  private constructor(
    readonly source: string,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly data: Uint8Array,
  ) {}

  /** Reads and validates `file`; every error names the file (and the tensor when there is one). */
  static read(file: string): SafetensorsFile {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    return SafetensorsFile.parse(bytes, file);
  }

  /** Validates the header of `bytes`; `source` names them in errors. */
  static parse(bytes: Uint8Array, source: string): SafetensorsFile {
    if (bytes.length < 8)
      throw new Error(
        `${source}: ${bytes.length} bytes is too short for a safetensors file (needs an 8-byte header length)`,
      );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    if (headerLength > bytes.length - 8 || headerLength > MAX_HEADER_BYTES) {
      throw new Error(
        `${source}: header length ${headerLength} exceeds the file (${bytes.length - 8} bytes after the length field)`,
      );
    }
    const headerText = Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8');
    let header: unknown;
    try {
      header = JSON.parse(headerText);
    } catch (err) {
      throw new Error(`${source}: header is not valid JSON (${(err as Error).message})`);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw new Error(
        `${source}: header must be a JSON object, found ${Array.isArray(header) ? 'an array' : typeof header}`,
      );
    }
    const data = bytes.subarray(8 + headerLength);
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        metadata = validateMetadata(source, entry);
        continue;
      }
      tensors.set(name, validateEntry(source, name, entry, data.length));
    }
    validateLayout(source, tensors, data.length);
    return new SafetensorsFile(source, tensors, metadata, data);
  }

  get names(): string[] {
    return [...this.tensors.keys()];
  }

  /** The tensor's values as float32 (F16/BF16 widened, F64 narrowed); a copy, never a view of the file. */
  readFloat32(name: string): Float32Array {
    const info = this.tensors.get(name);
    if (info === undefined) throw new Error(`${this.source}: no tensor '${name}'`);
    const encoding = FLOAT_ENCODINGS[info.dtype];
    if (encoding === undefined) {
      throw new Error(
        `${this.source}: tensor '${name}' has dtype ${info.dtype}; only F32, F16, BF16 and F64 can be read as float32`,
      );
    }
    return decodeFloats(encoding, this.data.subarray(info.begin, info.end));
  }
}

function validateMetadata(source: string, entry: unknown): Record<string, string> {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new Error(`${source}: __metadata__ must be an object of strings`);
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string')
      throw new Error(`${source}: __metadata__.${key} must be a string, found ${JSON.stringify(value)}`);
  }
  return entry as Record<string, string>;
}

function validateEntry(source: string, name: string, entry: unknown, dataLength: number): TensorInfo {
  const where = `${source}: tensor '${name}'`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
    throw new Error(`${where}: header entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string' || DTYPE_SIZES[dtype] === undefined) {
    throw new Error(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_SIZES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${where}: shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new Error(
      `${where}: data_offsets must be [begin, end] non-negative integers, found ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new Error(`${where}: data_offsets [${begin}, ${end}] lie outside the data section of ${dataLength} bytes`);
  }
  const expectedBytes = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype];
  if (end - begin !== expectedBytes) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape ` +
        `[${(shape as number[]).join(', ')}] of ${dtype} needs ${expectedBytes}`,
    );
  }
  return { dtype, shape: shape as number[], begin, end };
}

/** Like the reference implementation: tensors tile the data section exactly, no overlap, no gap. */
function validateLayout(source: string, tensors: Map<string, TensorInfo>, dataLength: number): void {
  const ordered = [...tensors.entries()].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const [name, info] of ordered) {
    if (info.begin !== position) {
      const problem =
        info.begin < position ? 'overlaps the previous tensor' : `leaves a gap of ${info.begin - position} bytes`;
      throw new Error(`${source}: tensor '${name}' starts at byte ${info.begin} and ${problem} (expected ${position})`);
    }
    position = info.end;
  }
  if (position !== dataLength) {
    throw new Error(`${source}: the tensors cover ${position} bytes of a ${dataLength}-byte data section`);
  }
}

/** The dtypes the writer produces. */
export type WritableDtype = 'F32' | 'F16';

const FLOAT32_SCRATCH = new Float32Array(1);
const FLOAT32_BITS = new Uint32Array(FLOAT32_SCRATCH.buffer);

/**
 * The IEEE 754 binary16 bits nearest to `value` (first rounded to float32), ties to even:
 * too large for float16 (>= 65520) gives Infinity, too small (<= 2^-25) a signed zero, NaN stays NaN.
 */
export function floatToHalfBits(value: number): number {
  FLOAT32_SCRATCH[0] = value;
  const bits = FLOAT32_BITS[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // A float16 subnormal (or zero): the significand with its implicit 1, shifted into 10 bits.
    if (halfExponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - halfExponent);
  }
  // A carry out of the mantissa raises the exponent, and past the largest finite value gives Infinity.
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** `value >> shift` rounded to nearest, ties to even (shift 1..24). */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept;
}

const WRITE_BYTES: Record<WritableDtype, number> = { F32: 4, F16: 2 };

function encodeValues(values: Float32Array, dtype: WritableDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, floatToHalfBits(values[i]), true);
  return out;
}

/**
 * Encodes float32 tensors as safetensors bytes of `dtype` (default F32) in the order given
 * (state-dict order), `__metadata__` last and the header padded with spaces to a multiple of 8 so
 * the data section is aligned: the layout of the fixture files made in Python.
 */
export function serializeSafetensors(
  tensors: NamedFloat32Tensor[],
  metadata: Record<string, string> = { format: 'pt' },
  dtype: WritableDtype = 'F32',
): Buffer {
  const bytesPerValue = WRITE_BYTES[dtype];
  if (bytesPerValue === undefined) {
    throw new Error(`safetensors: cannot write dtype ${JSON.stringify(dtype)} (F32 or F16)`);
  }
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__' || header[tensor.name] !== undefined)
      throw new Error(`safetensors: duplicate or reserved tensor name '${tensor.name}'`);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.values.length) {
      throw new Error(
        `safetensors: tensor '${tensor.name}' has ${tensor.values.length} values but shape ` +
          `[${tensor.shape.join(', ')}]`,
      );
    }
    header[tensor.name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + count * bytesPerValue] };
    offset += count * bytesPerValue;
  }
  header.__metadata__ = metadata;
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (Buffer.byteLength(headerText, 'utf8') % 8)) % 8);
  const headerLength = Buffer.byteLength(headerText, 'utf8');
  const out = Buffer.alloc(8 + headerLength + offset);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  out.write(headerText, 8, 'utf8');
  let position = 8 + headerLength;
  for (const tensor of tensors) {
    const encoded = encodeValues(tensor.values, dtype);
    out.set(encoded, position);
    position += encoded.byteLength;
  }
  return out;
}

/** Writes float32 tensors to `file` as `dtype` (default F32) atomically (temp file, then rename). */
export function writeSafetensors(
  file: string,
  tensors: NamedFloat32Tensor[],
  metadata: Record<string, string> = { format: 'pt' },
  dtype: WritableDtype = 'F32',
): void {
  writeFileAtomic(file, serializeSafetensors(tensors, metadata, dtype));
}
