// RoBERTa's FULL-SENTENCES inputs: whole sentences taken in order from one document after another
// and packed into sequences of at most maxLength tokens (with <s> and </s>), crossing document
// boundaries with a </s> separator. Nothing is dropped: a sentence longer than a whole sequence
// is cut into pieces, and the last sequence may be short.

export interface PackingOptions {
  /** Tokens per sequence including <s> and </s>. */
  maxLength: number;
  bosTokenId: number;
  eosTokenId: number;
}

/**
 * A text cut after each '.', '!' or '?' run that a space follows; the space opens the next sentence,
 * so tokenizing the pieces one by one gives the same ids as the whole text under byte-level BPE.
 */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])(?=\s)/).filter((sentence) => sentence.length > 0);
}

/** documents[d][s] = the token ids of sentence s of document d (no special tokens). Returns the sequences' ids. */
export function packSequences(
  documents: readonly (readonly (readonly number[])[])[],
  options: PackingOptions,
): number[][] {
  const capacity = options.maxLength - 2;
  if (!Number.isInteger(options.maxLength) || capacity < 1)
    throw new Error(`packSequences: maxLength must be an integer >= 3, got ${options.maxLength}`);
  const sequences: number[][] = [];
  let current: number[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    sequences.push([options.bosTokenId, ...current, options.eosTokenId]);
    current = [];
  };
  for (const sentences of documents) {
    let startOfDocument = true;
    for (const sentence of sentences) {
      if (sentence.length === 0) continue;
      // A new document in a sequence that already holds text is announced by the separator.
      const separator = startOfDocument && current.length > 0 ? 1 : 0;
      startOfDocument = false;
      if (current.length + separator + sentence.length <= capacity) {
        if (separator) current.push(options.eosTokenId);
        current.push(...sentence);
        continue;
      }
      flush();
      for (let start = 0; start < sentence.length; start += capacity) {
        current = sentence.slice(start, start + capacity);
        if (start + capacity < sentence.length) flush();
      }
    }
  }
  flush();
  return sequences;
}
