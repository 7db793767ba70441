// Hugging Face's fill-mask pipeline: the most likely tokens for each <mask> of a text.
//
//   const fill = await fillMaskPipeline('runs/mlm/final');   // or a Hub id, or {model, tokenizer}
//   await fill('This movie was <mask>.')
//   // [{score: 0.41, token: 372, token_str: ' great', sequence: 'This movie was great.'}, ...]  (top 5)
//
// As in transformers: one list per <mask> when a text has several (each `sequence` then fills only
// that mask and keeps the special tokens), one list per text when given several texts.
import * as tf from '@tensorflow/tfjs';
import { RobertaForMaskedLM } from './model/roberta';
import { maxSequenceLength } from './model/config';
import type { PretrainedOptions } from './model/pretrained';
import { loadTokenizer, type RobertaTokenizer } from './tokenizer';

export interface FillMaskCandidate {
  /** Probability of the token at the mask (softmax over the whole vocabulary). */
  score: number;
  token: number;
  token_str: string;
  /** The text with the mask filled by this token. */
  sequence: string;
}

/** A text with one mask gives a list of candidates; with several, one list per mask. */
export type FillMaskResult = FillMaskCandidate[] | FillMaskCandidate[][];

export interface FillMaskOptions {
  /** Candidates per mask (default 5). */
  topK?: number;
}

export interface FillMaskPipeline {
  (text: string, options?: FillMaskOptions): Promise<FillMaskResult>;
  (texts: string[], options?: FillMaskOptions): Promise<FillMaskResult[]>;
  readonly model: RobertaForMaskedLM;
  readonly tokenizer: RobertaTokenizer;
  /** Releases the model when the pipeline loaded it. */
  dispose(): void;
}

export type FillMaskSource = string | { model: RobertaForMaskedLM; tokenizer: RobertaTokenizer };

/** Indices of the k largest values, largest first (ties: the lower index first). */
function topIndices(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i] <= values[best[k - 1]]) continue;
    let at = best.length < k ? best.length : k - 1;
    best[at] = i;
    while (at > 0 && values[best[at - 1]] < values[i]) {
      best[at] = best[at - 1];
      best[--at] = i;
    }
  }
  return best;
}

/** The candidates for every mask of one text. */
export function fillMask(
  model: RobertaForMaskedLM,
  tokenizer: RobertaTokenizer,
  text: string,
  topK = 5,
): FillMaskResult {
  if (!(Number.isInteger(topK) && topK >= 1))
    throw new Error(`fill-mask: topK must be a positive integer, got ${topK}`);
  const ids = tokenizer.encodePlain([text]).inputIds[0];
  const maskAt = ids.flatMap((id, i) => (id === tokenizer.maskTokenId ? [i] : []));
  if (maskAt.length === 0)
    throw new Error(`fill-mask: no ${tokenizer.decode([tokenizer.maskTokenId])} token in ${JSON.stringify(text)}`);
  const maxLength = Math.min(tokenizer.modelMaxLength, maxSequenceLength(model.config));
  if (ids.length > maxLength)
    throw new Error(`fill-mask: the text has ${ids.length} tokens, the model takes at most ${maxLength}`);
  const k = topK;
  const probabilities = tf.tidy(() => {
    const logits = model.forwardAtPositions(
      { inputIds: tf.tensor2d([ids], undefined, 'int32') },
      tf.tensor1d(maskAt, 'int32'),
      { training: false },
    );
    return tf.softmax(logits).dataSync() as Float32Array;
  });
  const vocab = model.config.vocab_size;
  // Only ids the tokenizer can spell are candidates (a model's vocab_size may be padded beyond them).
  const spellable = Math.min(vocab, tokenizer.vocabSize);
  const single = maskAt.length === 1;
  const perMask = maskAt.map((position, m) => {
    const row = probabilities.subarray(m * vocab, (m + 1) * vocab);
    return topIndices(row.subarray(0, spellable), Math.min(k, spellable)).map((token) => {
      const filled = [...ids];
      filled[position] = token;
      return {
        score: row[token],
        token,
        token_str: tokenizer.decode([token], { cleanUpTokenizationSpaces: true }),
        sequence: tokenizer.decode(filled, { skipSpecialTokens: single, cleanUpTokenizationSpaces: true }),
      };
    });
  });
  return single ? perMask[0] : perMask;
}

/** A fill-mask pipeline from a model folder (with tokenizer files), a Hub id, or a model and tokenizer in memory. */
export async function fillMaskPipeline(
  source: FillMaskSource,
  options: FillMaskOptions & { hub?: PretrainedOptions } = {},
): Promise<FillMaskPipeline> {
  let model: RobertaForMaskedLM;
  let tokenizer: RobertaTokenizer;
  let owned: RobertaForMaskedLM | null = null;
  if (typeof source === 'string') {
    owned = await RobertaForMaskedLM.fromPretrained(source, options.hub);
    model = owned;
    tokenizer = await loadTokenizer(source, options.hub);
  } else {
    ({ model, tokenizer } = source);
  }
  async function run(
    input: string | string[],
    callOptions: FillMaskOptions = {},
  ): Promise<FillMaskResult | FillMaskResult[]> {
    const topK = callOptions.topK ?? options.topK ?? 5;
    if (typeof input === 'string') return fillMask(model, tokenizer, input, topK);
    if (!Array.isArray(input) || input.some((t) => typeof t !== 'string'))
      throw new Error('fill-mask: expected a string or an array of strings');
    return input.map((text) => fillMask(model, tokenizer, text, topK));
  }
  return Object.assign(run as FillMaskPipeline, { model, tokenizer, dispose: () => owned?.dispose() });
}
