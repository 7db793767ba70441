// Dynamic masking for masked-language modelling, as RoBERTa pretrains (Liu et al. 2019) and as
// Hugging Face's DataCollatorForLanguageModeling does it: every token that is not special is picked
// with probability 0.15; a picked token becomes <mask> 80% of the time, a random id 10% of the
// time and stays itself 10% of the time; only picked positions carry a label. The caller passes a
// fresh random source each time a batch is fed, so a sequence gets a new mask every epoch.
import { IGNORE_INDEX } from '../model/roberta';
import type { Rng } from '../random';

export interface MaskingOptions {
  maskTokenId: number;
  /** Random replacements are drawn uniformly from [0, vocabSize), as Hugging Face draws them. */
  vocabSize: number;
  /** Ids never picked: <s>, </s>, <pad> and the other special tokens. */
  isSpecialId: (id: number) => boolean;
  /** Share of the eligible tokens picked (default 0.15). */
  probability?: number;
  /** Of the picked tokens, the share replaced by <mask> (default 0.8) and by a random id (default 0.1). */
  maskShare?: number;
  randomShare?: number;
}

export interface MaskedTokens {
  /** The ids fed to the model. */
  inputIds: Int32Array;
  /** The original id at picked positions, -100 elsewhere. */
  labels: Int32Array;
}

/**
 * Masks `ids` (any layout, e.g. a flattened [batch, seq] batch). When no position is picked (short
 * inputs) one eligible position is picked anyway, so every batch has a loss; with no eligible
 * position at all that is an error.
 */
export function maskTokens(ids: ArrayLike<number>, rng: Rng, options: MaskingOptions): MaskedTokens {
  const probability = options.probability ?? 0.15;
  const maskShare = options.maskShare ?? 0.8;
  const randomShare = options.randomShare ?? 0.1;
  if (!(probability > 0 && probability <= 1))
    throw new Error(`maskTokens: probability must be in (0, 1], got ${probability}`);
  if (!(maskShare >= 0 && randomShare >= 0 && maskShare + randomShare <= 1)) {
    throw new Error(
      `maskTokens: maskShare ${maskShare} and randomShare ${randomShare} must be >= 0 and sum to at most 1`,
    );
  }
  const inputIds = Int32Array.from(ids);
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  const eligible: number[] = [];
  let picked = 0;
  const replace = (i: number): void => {
    labels[i] = inputIds[i];
    const r = rng();
    if (r < maskShare) inputIds[i] = options.maskTokenId;
    else if (r < maskShare + randomShare) inputIds[i] = Math.floor(rng() * options.vocabSize);
    picked += 1;
  };
  for (let i = 0; i < inputIds.length; i++) {
    if (options.isSpecialId(inputIds[i])) continue;
    eligible.push(i);
    if (rng() < probability) replace(i);
  }
  if (picked === 0) {
    if (eligible.length === 0)
      throw new Error(`maskTokens: none of the ${ids.length} tokens can be masked (all are special tokens)`);
    replace(eligible[Math.floor(rng() * eligible.length)]);
  }
  return { inputIds, labels };
}
