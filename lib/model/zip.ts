// A minimal zip reader for PyTorch checkpoints: torch.save writes an uncompressed ("stored") zip
// whose entries are a pickle and raw tensor storages. Reads the central directory (zip64 too),
// returns entries by name; deflated entries are inflated with node's zlib. CRCs are checked.
import * as zlib from 'zlib';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export class ZipArchive {
  private constructor(
    private readonly bytes: Buffer,
    readonly source: string,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static parse(bytes: Buffer, source: string): ZipArchive {
    const { count, centralOffset, centralSize } = findCentralDirectory(bytes, source);
    if (centralOffset + centralSize > bytes.length) {
      throw new Error(
        `${source}: zip central directory [${centralOffset}, ${centralOffset + centralSize}) lies outside the file ` +
          `(${bytes.length} bytes)`,
      );
    }
    const entries = new Map<string, ZipEntry>();
    let position = centralOffset;
    for (let i = 0; i < count; i++) {
      if (position + 46 > bytes.length || bytes.readUInt32LE(position) !== CENTRAL_SIGNATURE) {
        throw new Error(`${source}: zip central directory entry ${i} at byte ${position} is damaged`);
      }
      const flags = bytes.readUInt16LE(position + 8);
      const method = bytes.readUInt16LE(position + 10);
      const crc32 = bytes.readUInt32LE(position + 16);
      let compressedSize = bytes.readUInt32LE(position + 20);
      let size = bytes.readUInt32LE(position + 24);
      const nameLength = bytes.readUInt16LE(position + 28);
      const extraLength = bytes.readUInt16LE(position + 30);
      const commentLength = bytes.readUInt16LE(position + 32);
      let localHeaderOffset = bytes.readUInt32LE(position + 42);
      const name = bytes.toString('utf8', position + 46, position + 46 + nameLength);
      if (flags & 1) throw new Error(`${source}: zip entry '${name}' is encrypted`);
      // Zip64: fields saturated at 0xFFFFFFFF are in the 0x0001 extra field, in this order.
      let extra = position + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = bytes.readUInt16LE(extra);
        const length = bytes.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          const next = (): number => {
            const value = Number(bytes.readBigUInt64LE(field));
            field += 8;
            return value;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
        }
        extra += 4 + length;
      }
      entries.set(name, { name, method, crc32, compressedSize, size, localHeaderOffset });
      position = extraEnd + commentLength;
    }
    return new ZipArchive(bytes, source, entries);
  }

  /** The entry's bytes (a view of the archive when stored uncompressed). */
  read(name: string): Buffer {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(`${this.source}: zip has no entry '${name}'`);
    const header = entry.localHeaderOffset;
    if (header + 30 > this.bytes.length || this.bytes.readUInt32LE(header) !== LOCAL_SIGNATURE) {
      throw new Error(`${this.source}: zip entry '${name}': local header at byte ${header} is damaged`);
    }
    const start = header + 30 + this.bytes.readUInt16LE(header + 26) + this.bytes.readUInt16LE(header + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) {
      throw new Error(
        `${this.source}: zip entry '${name}' [${start}, ${end}) runs past the end of the file (${this.bytes.length} ` +
          `bytes)`,
      );
    }
    const raw = this.bytes.subarray(start, end);
    let data: Buffer;
    if (entry.method === METHOD_STORED) data = raw;
    else if (entry.method === METHOD_DEFLATED) data = zlib.inflateRawSync(raw);
    else
      throw new Error(
        `${this.source}: zip entry '${name}' uses compression method ${entry.method}; only stored (0) and deflated ` +
          `(8) are supported`,
      );
    if (data.length !== entry.size) {
      throw new Error(
        `${this.source}: zip entry '${name}' holds ${data.length} bytes, the directory says ${entry.size}`,
      );
    }
    if (zlib.crc32(data) >>> 0 !== entry.crc32) {
      throw new Error(`${this.source}: zip entry '${name}' fails its CRC-32 check (damaged file?)`);
    }
    return data;
  }
}

function findCentralDirectory(
  bytes: Buffer,
  source: string,
): { count: number; centralOffset: number; centralSize: number } {
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 65535 bytes.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let eocd = bytes.length - 22; eocd >= lowest; eocd--) {
    if (bytes.readUInt32LE(eocd) !== EOCD_SIGNATURE) continue;
    let count = bytes.readUInt16LE(eocd + 10);
    let centralSize = bytes.readUInt32LE(eocd + 12);
    let centralOffset = bytes.readUInt32LE(eocd + 16);
    const locator = eocd - 20;
    if (locator >= 0 && bytes.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64 = Number(bytes.readBigUInt64LE(locator + 8));
      if (zip64 + 56 > bytes.length || bytes.readUInt32LE(zip64) !== ZIP64_EOCD_SIGNATURE) {
        throw new Error(`${source}: zip64 end-of-central-directory record at byte ${zip64} is damaged`);
      }
      count = Number(bytes.readBigUInt64LE(zip64 + 32));
      centralSize = Number(bytes.readBigUInt64LE(zip64 + 40));
      centralOffset = Number(bytes.readBigUInt64LE(zip64 + 48));
    }
    return { count, centralOffset, centralSize };
  }
  throw new Error(`${source}: not a zip archive (no end-of-central-directory record)`);
}
