// Counts RoBERTa tokens fast. RoBERTa uses GPT-2's byte-level BPE with no prefix space, so a text's
// token count is the sum of the BPE lengths of its GPT-2 pre-tokens (GPT2_PRE_TOKEN below).
// Caching per pre-token makes counting a generated corpus with a small vocabulary cheap; the result
// equals `encode(text).length` of the `gpt-3-encoder` package exactly (the tests check this).
import type * as Gpt3Encoder from 'gpt-3-encoder';

/** GPT-2's pre-tokenizer: contractions, words, numbers, punctuation runs, whitespace. */
export const GPT2_PRE_TOKEN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const preTokenLengths = new Map<string, number>();

let encode: typeof Gpt3Encoder.encode | null = null;

function pieceLength(piece: string): number {
  let n = preTokenLengths.get(piece);
  if (n === undefined) {
    // Loaded on first use: parsing GPT-2's vocabulary takes ~0.3 s.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
    encode ??= (require('gpt-3-encoder') as typeof Gpt3Encoder).encode;
    n = encode(piece).length;
    preTokenLengths.set(piece, n);
  }
  return n;
}

const enum CharClass {
  Letter,
  Digit,
  Space,
  Other,
}

function asciiClass(code: number): CharClass {
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return CharClass.Letter;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  if (code === 32 || (code >= 9 && code <= 13)) return CharClass.Space;
  return CharClass.Other;
}

const CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

/**
 * Splits ASCII text exactly like GPT2_PRE_TOKEN, without the regex engine's per-match objects.
 * This is the hot loop of corpus generation.
 */
export function asciiPreTokens(text: string, visit: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === 39) {
      const c = CONTRACTIONS.find((x) => text.startsWith(x, i));
      if (c) {
        visit(i, i + c.length);
        i += c.length;
        continue;
      }
    }
    let cls = asciiClass(code);
    let start = i;
    let j = i;
    if (code === 32 && i + 1 < n) {
      const next = asciiClass(text.charCodeAt(i + 1));
      if (next !== CharClass.Space) {
        // " word", " 123", " ?!" keep their leading space.
        cls = next;
        j = i + 1;
      }
    }
    if (cls === CharClass.Space) {
      let k = i;
      while (k < n && asciiClass(text.charCodeAt(k)) === CharClass.Space) k++;
      // \s+(?!\S): leave the last space to the next token when a non-space follows.
      const end = k < n && k - i > 1 ? k - 1 : k;
      visit(start, end);
      i = end;
      continue;
    }
    while (j < n && asciiClass(text.charCodeAt(j)) === cls) j++;
    visit(start, j);
    start = j;
    i = j;
  }
}

// Only ASCII is classified by hand above; anything else takes the regex path.
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;

/** BPE tokens of `text` without special tokens. */
export function bpeTokenCount(text: string): number {
  let count = 0;
  if (NON_ASCII.test(text)) {
    for (const match of text.matchAll(GPT2_PRE_TOKEN)) count += pieceLength(match[0]);
    return count;
  }
  asciiPreTokens(text, (start, end) => {
    count += pieceLength(text.slice(start, end));
  });
  return count;
}

/** Tokens RoBERTa sees for `text`, including `<s>` and `</s>`. */
export function robertaTokenCount(text: string): number {
  return bpeTokenCount(text) + 2;
}
