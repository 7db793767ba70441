// Two ways to cut a review that is longer than the model reads. Both keep `<s>` first and `</s>`
// last, as the tokenizer's own truncation does.
//   head       the first maxLength − 1 tokens, then </s> (Hugging Face's default, what the loaders do)
//   head+tail  the first `headTokens` tokens of the text and as many of its last ones as fit: the
//              opening and the verdict at the end. Sun et al. (2019, "How to Fine-Tune BERT for Text
//              Classification?") found 128 head + 382 tail tokens best on IMDb at 512.

export type HeadTail = { kind: 'head+tail'; headTokens: number };
export type TruncationStrategy = { kind: 'head' } | HeadTail;

/**
 * `ids` with `<s>` first and `</s>` last, cut to `maxLength` ids as `strategy` says; returned
 * unchanged when short enough.
 */
export function truncateIds(ids: readonly number[], maxLength: number, strategy: TruncationStrategy): number[] {
  if (!(Number.isInteger(maxLength) && maxLength >= 3))
    throw new Error(`truncateIds: maxLength should be an integer >= 3, found ${maxLength}`);
  if (ids.length <= maxLength) return [...ids];
  const text = ids.slice(1, -1);
  const room = maxLength - 2;
  if (strategy.kind === 'head') return [ids[0], ...text.slice(0, room), ids[ids.length - 1]];
  const head = strategy.headTokens;
  if (!(Number.isInteger(head) && head >= 0 && head <= room)) {
    throw new Error(`truncateIds: headTokens should be an integer from 0 to ${room} (maxLength − 2), found ${head}`);
  }
  return [ids[0], ...text.slice(0, head), ...text.slice(text.length - (room - head)), ids[ids.length - 1]];
}

/** Sun et al.'s 128 : 382 split of 510 text tokens, scaled to `maxLength`. */
export function headTailSplit(maxLength: number): HeadTail {
  return { kind: 'head+tail', headTokens: Math.round(((maxLength - 2) * 128) / 510) };
}
