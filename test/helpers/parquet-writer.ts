// A minimal Parquet writer for tests: one row group, one PLAIN-encoded data page (v1) per column,
// string (BYTE_ARRAY, UTF8) and INT64 columns, optional columns with nulls, and either no
// compression or SNAPPY (written as literal-only snappy blocks, which every decoder accepts).
// Enough to produce files shaped like the Hub's `plain_text/train-00000-of-00001.parquet`.

export type ParquetColumn =
  | { name: string; type: 'string'; values: Array<string | null> }
  | { name: string; type: 'int64'; values: Array<number | bigint | null> };

export interface ParquetWriteOptions {
  codec?: 'uncompressed' | 'snappy';
}

// ---- Thrift compact protocol (only what FileMetaData and PageHeader need) ----------------------
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

class ThriftWriter {
  private readonly bytes: number[] = [];
  private readonly lastField: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private zigzag(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastField[this.lastField.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(BigInt(id));
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.fieldHeader(id, T_I32);
    this.zigzag(BigInt(v));
    return this;
  }

  i64(id: number, v: number | bigint): this {
    this.fieldHeader(id, T_I64);
    this.zigzag(BigInt(v));
    return this;
  }

  string(id: number, s: string): this {
    this.fieldHeader(id, T_BINARY);
    const b = Buffer.from(s, 'utf8');
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }

  private listHeader(size: number, elementType: number): void {
    if (size < 15) this.bytes.push((size << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(BigInt(size));
    }
  }

  i32List(id: number, values: number[]): this {
    this.fieldHeader(id, T_LIST);
    this.listHeader(values.length, T_I32);
    for (const v of values) this.zigzag(BigInt(v));
    return this;
  }

  stringList(id: number, values: string[]): this {
    this.fieldHeader(id, T_LIST);
    this.listHeader(values.length, T_BINARY);
    for (const s of values) {
      const b = Buffer.from(s, 'utf8');
      this.varint(BigInt(b.length));
      this.bytes.push(...b);
    }
    return this;
  }

  struct(id: number, write: (w: this) => void): this {
    this.fieldHeader(id, T_STRUCT);
    this.lastField.push(0);
    write(this);
    this.bytes.push(0);
    this.lastField.pop();
    return this;
  }

  structList<T>(id: number, items: T[], write: (w: this, item: T) => void): this {
    this.fieldHeader(id, T_LIST);
    this.listHeader(items.length, T_STRUCT);
    for (const item of items) {
      this.lastField.push(0);
      write(this, item);
      this.bytes.push(0);
      this.lastField.pop();
    }
    return this;
  }

  /** Ends the top-level struct and returns its bytes. */
  finish(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

// ---- Encodings ---------------------------------------------------------------------------------
function plainValues(column: ParquetColumn): Buffer {
  const parts: Buffer[] = [];
  if (column.type === 'string') {
    for (const v of column.values) {
      if (v === null) continue;
      const b = Buffer.from(v, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
  } else {
    for (const v of column.values) {
      if (v === null) continue;
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v));
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

/** Definition levels (bit width 1) as RLE runs, prefixed by their byte length (data page v1). */
function definitionLevels(present: boolean[]): Buffer {
  const runs: number[] = [];
  let i = 0;
  while (i < present.length) {
    let j = i;
    while (j < present.length && present[j] === present[i]) j++;
    const count = j - i;
    // RLE run header: varint(count << 1), then the value in one byte.
    let header = count << 1;
    while (header >= 0x80) {
      runs.push((header & 0x7f) | 0x80);
      header >>>= 7;
    }
    runs.push(header, present[i] ? 1 : 0);
    i = j;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(runs.length);
  return Buffer.concat([len, Buffer.from(runs)]);
}

/** A valid snappy stream made only of literal chunks (no back-references). */
export function snappyLiteral(data: Buffer): Buffer {
  const out: number[] = [];
  let n = data.length;
  do {
    out.push(n >= 0x80 ? (n & 0x7f) | 0x80 : n);
    n >>>= 7;
  } while (n > 0);
  const chunks: Buffer[] = [Buffer.from(out)];
  for (let start = 0; start < data.length; start += 65536) {
    const piece = data.subarray(start, Math.min(start + 65536, data.length));
    const len = piece.length - 1;
    if (len < 60) chunks.push(Buffer.from([len << 2]));
    else if (len < 256) chunks.push(Buffer.from([60 << 2, len]));
    else chunks.push(Buffer.from([61 << 2, len & 0xff, len >> 8]));
    chunks.push(piece);
  }
  return Buffer.concat(chunks);
}

// ---- File --------------------------------------------------------------------------------------
export function writeParquet(columns: ParquetColumn[], options: ParquetWriteOptions = {}): Buffer {
  const numRows = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (c.values.length !== numRows)
      throw new Error(`parquet writer: column ${c.name} has ${c.values.length} values, expected ${numRows}`);
  }
  const snappy = options.codec === 'snappy';
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: Array<{
    column: ParquetColumn;
    optional: boolean;
    pageOffset: number;
    size: number;
    uncompressed: number;
  }> = [];
  for (const column of columns) {
    const optional = column.values.some((v) => v === null);
    const values = plainValues(column);
    const body = optional ? Buffer.concat([definitionLevels(column.values.map((v) => v !== null)), values]) : values;
    const stored = snappy ? snappyLiteral(body) : body;
    const header = new ThriftWriter()
      .i32(1, 0) // DATA_PAGE
      .i32(2, body.length)
      .i32(3, stored.length)
      .struct(5, (w) => w.i32(1, numRows).i32(2, 0 /* PLAIN */).i32(3, 3 /* RLE */).i32(4, 3 /* RLE */))
      .finish();
    chunks.push({
      column,
      optional,
      pageOffset: offset,
      size: header.length + stored.length,
      uncompressed: header.length + body.length,
    });
    parts.push(header, stored);
    offset += header.length + stored.length;
  }
  const footer = new ThriftWriter()
    .i32(1, 1)
    .structList(2, [null, ...chunks], (w, chunk) => {
      if (chunk === null) {
        w.string(4, 'schema').i32(5, columns.length);
        return;
      }
      w.i32(1, chunk.column.type === 'string' ? 6 /* BYTE_ARRAY */ : 2 /* INT64 */)
        .i32(3, chunk.optional ? 1 : 0)
        .string(4, chunk.column.name);
      if (chunk.column.type === 'string') w.i32(6, 0 /* UTF8 */);
    })
    .i64(3, numRows)
    .structList(4, [chunks], (w, group) => {
      w.structList(1, group, (cw, chunk) => {
        cw.i64(2, chunk.pageOffset).struct(3, (m) => {
          m.i32(1, chunk.column.type === 'string' ? 6 : 2)
            .i32List(2, chunk.optional ? [0, 3] : [0])
            .stringList(3, [chunk.column.name])
            .i32(4, snappy ? 1 : 0)
            .i64(5, numRows)
            .i64(6, chunk.uncompressed)
            .i64(7, chunk.size)
            .i64(9, chunk.pageOffset);
        });
      });
      w.i64(
        2,
        group.reduce((n, c) => n + c.size, 0),
      ).i64(3, numRows);
    })
    .string(6, 'ft-roberta test writer')
    .finish();
  const footerLength = Buffer.alloc(4);
  footerLength.writeUInt32LE(footer.length);
  parts.push(footer, footerLength, Buffer.from('PAR1'));
  return Buffer.concat(parts);
}
