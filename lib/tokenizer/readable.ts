// Byte-level BPE writes every byte as a printable character (GPT-2's table: a space is 'Ġ', a
// newline 'Ċ'). This turns such a token string back into text that a person can read in a table.

/** GPT-2's byte -> character table: printable bytes stand for themselves, the rest move to 256+. */
function byteToCharTable(): string[] {
  const table: string[] = new Array(256);
  const printable = (b: number): boolean =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : next++);
  return table;
}

const CHAR_TO_BYTE = new Map(byteToCharTable().map((char, byte) => [char, byte]));
const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hexByte(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The bytes a byte-level token stands for; null when the string is not byte-level (e.g. '<s>'). */
export function byteLevelToBytes(token: string): Uint8Array | null {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const byte = CHAR_TO_BYTE.get(token[i]);
    if (byte === undefined) return null;
    bytes[i] = byte;
  }
  return bytes;
}

/** 'Ġworld' -> '␣world', 'Ċ' -> '↵', a lone emoji byte 'ð' -> '<0xF0>'. */
export function byteLevelToReadable(token: string): string {
  const bytes = byteLevelToBytes(token);
  if (bytes === null) return token;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes[i]);
    let char: string | null = null;
    if (length > 0 && i + length <= bytes.length) {
      try {
        char = strictUtf8.decode(bytes.subarray(i, i + length));
      } catch {
        char = null;
      }
    }
    if (char === null) {
      out += hexByte(bytes[i]);
      i += 1;
    } else {
      out += VISIBLE[char] ?? (char < ' ' ? hexByte(bytes[i]) : char);
      i += length;
    }
  }
  return out;
}
