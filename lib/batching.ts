// From token ids to batches. Three ways to pad, the heart of notebook 03:
//   static   every sequence truncated and padded to maxLength: every batch is [batchSize, maxLength]
//   dynamic  truncated to maxLength, each batch padded only to its own longest sequence
//   grouped  dynamic, but batches hold sequences of similar length (like Hugging Face's
//            group_by_length): shuffle, cut into mega-batches, sort each by length, cut into
//            batches, shuffle the order of the batches
// The order depends only on (seed, epoch), so a resumed run needs just the epoch and batch index.
import * as tf from '@tensorflow/tfjs';
import { epochSeed, mulberry32 } from './random';
import { checkModelInputs } from './model/inputs';

export interface TokenizedExample {
  /** With special tokens (`<s> … </s>`), usually untruncated (tokenizer.encodePlain). */
  inputIds: number[];
  label: number;
}

/** One batch, row-major [batchSize, seqLength]. */
export interface Batch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  batchSize: number;
  seqLength: number;
  /** Non-padding tokens (the sum of the attention mask). */
  realTokens: number;
  /** Examples in this batch that lost tokens to maxLength. */
  truncatedExamples: number;
  /** Which examples, in row order (indices into the loader's examples). */
  exampleIndices: Int32Array;
}

export type PaddingMode = 'static' | 'dynamic' | 'grouped';

export interface DataLoaderOptions {
  batchSize: number;
  mode: PaddingMode;
  maxLength: number;
  /** Shuffle each epoch (default true). Unshuffled 'grouped' sorts by length in mega-batches, in order. */
  shuffle?: boolean;
  seed?: number;
  padTokenId?: number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
  /**
   * Batches per mega-batch for 'grouped' (default 50, Hugging Face's value). Like Hugging Face,
   * it shrinks to a quarter of the batches on small data, so there is still randomness.
   */
  megaBatchBatches?: number;
}

function epochRng(seed: number, epoch: number): () => number {
  return mulberry32(epochSeed(seed, epoch));
}

function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`DataLoader: ${name} should be a positive integer, found ${value}`);
}

/** Pairs encoded texts with their labels. */
export function tokenizedExamples(inputIds: number[][], labels: ArrayLike<number>): TokenizedExample[] {
  if (inputIds.length !== labels.length) {
    throw new Error(`tokenizedExamples: ${inputIds.length} encoded texts but ${labels.length} labels`);
  }
  return inputIds.map((ids, i) => ({ inputIds: ids, label: labels[i] }));
}

/**
 * The ids a row holds after truncation to maxLength: the first maxLength - 1 tokens and the last
 * one, so `</s>` stays at the end (what the tokenizer's truncation gives).
 */
function truncatedIds(ids: number[], maxLength: number): ArrayLike<number> {
  if (ids.length <= maxLength) return ids;
  const kept = ids.slice(0, maxLength);
  kept[maxLength - 1] = ids[ids.length - 1];
  return kept;
}

function fillBatch(
  examples: readonly TokenizedExample[],
  indices: ArrayLike<number>,
  seqLength: number,
  maxLength: number,
  padTokenId: number,
): Batch {
  const batchSize = indices.length;
  const inputIds = new Int32Array(batchSize * seqLength).fill(padTokenId);
  const attentionMask = new Int32Array(batchSize * seqLength);
  const labels = new Int32Array(batchSize);
  let realTokens = 0;
  let truncatedExamples = 0;
  for (let row = 0; row < batchSize; row++) {
    const example = examples[indices[row]];
    const ids = truncatedIds(example.inputIds, maxLength);
    if (ids.length > seqLength)
      throw new Error(`batch: example ${indices[row]} has ${ids.length} tokens, more than the row length ${seqLength}`);
    if (ids !== example.inputIds) truncatedExamples++;
    const offset = row * seqLength;
    for (let j = 0; j < ids.length; j++) {
      inputIds[offset + j] = ids[j];
      attentionMask[offset + j] = 1;
    }
    realTokens += ids.length;
    labels[row] = example.label;
  }
  return {
    inputIds,
    attentionMask,
    labels,
    batchSize,
    seqLength,
    realTokens,
    truncatedExamples,
    exampleIndices: Int32Array.from(indices),
  };
}

/**
 * The rows of `batch` (collated from `examples`) in batches of at most `rows`, collated again: each
 * padded to its own longest row, as a loader of smaller batches pads them, or kept at the batch's
 * length (`keepLength`, static padding). For gradient accumulation over one batch's reviews; a batch
 * of at most `rows` is returned as it is.
 */
export function splitBatch(
  batch: Batch,
  rows: number,
  examples: readonly TokenizedExample[],
  options: { maxLength: number; padTokenId: number; keepLength: boolean },
): Batch[] {
  checkPositiveInteger(rows, 'splitBatch: rows');
  if (batch.batchSize <= rows) return [batch];
  const parts: Batch[] = [];
  for (let first = 0; first < batch.batchSize; first += rows) {
    const indices = batch.exampleIndices.subarray(first, Math.min(first + rows, batch.batchSize));
    const seqLength = options.keepLength
      ? batch.seqLength
      : Math.max(...Array.from(indices, (i) => Math.min(examples[i].inputIds.length, options.maxLength)));
    parts.push(fillBatch(examples, indices, seqLength, options.maxLength, options.padTokenId));
  }
  return parts;
}

/**
 * Pads a list of examples to the longest one with `<pad>` (mask 0), without truncating: the collate
 * function of dynamic padding, shown on its own in notebook 03.
 */
export function dynamicPaddingCollate(examples: readonly TokenizedExample[], padTokenId = 1): Batch {
  if (examples.length === 0) throw new Error('dynamicPaddingCollate: no examples');
  const inputIds = examples.map((example) => example.inputIds);
  checkModelInputs({ inputIds }, { source: 'dynamicPaddingCollate', rowName: 'example' });
  const longest = Math.max(...examples.map((example) => example.inputIds.length));
  const indices = examples.map((_, i) => i);
  return fillBatch(examples, indices, longest, longest, padTokenId);
}

export class DataLoader {
  readonly batchSize: number;
  readonly mode: PaddingMode;
  readonly maxLength: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly padTokenId: number;
  readonly dropLast: boolean;
  readonly numBatches: number;
  /** Examples per mega-batch in 'grouped' mode. */
  readonly megaBatchSize: number;
  /** Each example's length after truncation to maxLength. */
  private readonly lengths: Int32Array;

  constructor(
    readonly examples: readonly TokenizedExample[],
    options: DataLoaderOptions,
  ) {
    const { batchSize, mode, maxLength } = options;
    checkPositiveInteger(batchSize, 'batchSize');
    checkPositiveInteger(maxLength, 'maxLength');
    if (!['static', 'dynamic', 'grouped'].includes(mode)) {
      throw new Error(`DataLoader: mode should be 'static', 'dynamic' or 'grouped', found ${JSON.stringify(mode)}`);
    }
    this.batchSize = batchSize;
    this.mode = mode;
    this.maxLength = maxLength;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.padTokenId = options.padTokenId ?? 1;
    this.dropLast = options.dropLast ?? false;

    this.lengths = new Int32Array(examples.length);
    examples.forEach((example, i) => {
      if (!Array.isArray(example.inputIds) || example.inputIds.length === 0) {
        throw new Error(`DataLoader: example ${i} has no inputIds (expected a non-empty array of token ids)`);
      }
      if (!(Number.isInteger(example.label) && example.label >= 0 && example.label < 2 ** 31)) {
        throw new Error(`DataLoader: example ${i} has label ${example.label}, expected a class index (integer >= 0)`);
      }
      this.lengths[i] = Math.min(example.inputIds.length, maxLength);
    });
    // Once here rather than per batch: the batches copy these ids into Int32Arrays.
    const inputIds = examples.map((example) => example.inputIds);
    checkModelInputs({ inputIds }, { source: 'DataLoader', rowName: 'example' });

    this.numBatches = this.dropLast ? Math.floor(examples.length / batchSize) : Math.ceil(examples.length / batchSize);
    const batchesPerMegaBatch = Math.max(
      1,
      Math.min(options.megaBatchBatches ?? 50, Math.floor(examples.length / (batchSize * 4))),
    );
    this.megaBatchSize = batchesPerMegaBatch * batchSize;
  }

  get numExamples(): number {
    return this.examples.length;
  }

  /** The example indices of every batch of an epoch, in order. Cheap: no ids are copied. */
  batchOrder(epoch: number): number[][] {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new Error(`DataLoader: epoch should be an integer >= 0, found ${epoch}`);
    const rng = epochRng(this.seed, epoch);
    const order = this.examples.map((_, i) => i);
    if (this.shuffle) shuffleInPlace(order, rng);
    if (this.mode === 'grouped') {
      for (let start = 0; start < order.length; start += this.megaBatchSize) {
        const mega = order.slice(start, start + this.megaBatchSize);
        mega.sort((a, b) => this.lengths[b] - this.lengths[a]); // stable: ties keep the shuffled order
        mega.forEach((index, k) => (order[start + k] = index));
      }
    }
    const batches: number[][] = [];
    for (let b = 0; b < this.numBatches; b++) batches.push(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    // Sorted mega-batches yield long batches first; a shuffled batch order spreads them over the epoch.
    if (this.mode === 'grouped' && this.shuffle) shuffleInPlace(batches, rng);
    return batches;
  }

  /** The padded length of a batch of these examples. */
  seqLengthOf(indices: readonly number[]): number {
    if (this.mode === 'static') return this.maxLength;
    let longest = 0;
    for (const i of indices) longest = Math.max(longest, this.lengths[i]);
    return longest;
  }

  /** Real (non-padding) tokens of one example after truncation. */
  lengthOf(index: number): number {
    return this.lengths[index];
  }

  /** The batches of an epoch, starting at `startBatch` (a resumed run skips ahead without building the rest). */
  *batches(epoch: number, { startBatch = 0 }: { startBatch?: number } = {}): Generator<Batch> {
    const order = this.batchOrder(epoch);
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > order.length) {
      throw new Error(`DataLoader: startBatch should be an integer in 0..${order.length}, found ${startBatch}`);
    }
    for (let b = startBatch; b < order.length; b++) {
      yield fillBatch(this.examples, order[b], this.seqLengthOf(order[b]), this.maxLength, this.padTokenId);
    }
  }
}

/**
 * int32 tensors for the model: inputIds / attentionMask [batch, seq], labels [batch]. The ids are
 * checked against `vocabSize` when given (else against the int32 range) and the mask holds only
 * 0/1, before anything becomes a tensor. The caller disposes.
 */
export function toTensors(
  batch: Batch,
  vocabSize?: number,
): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D; labels: tf.Tensor1D } {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  const seqLength = batch.seqLength;
  checkModelInputs(
    { inputIds: { values: batch.inputIds, seqLength }, attentionMask: { values: batch.attentionMask, seqLength } },
    { source: 'toTensors', vocabSize },
  );
  return {
    inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
    labels: tf.tensor1d(batch.labels, 'int32'),
  };
}

/** What one epoch of a loader costs in padding. JSON-friendly. */
export interface PaddingReport {
  mode: PaddingMode;
  batchSize: number;
  maxLength: number;
  examples: number;
  batches: number;
  /** Tokens that carry text (attention mask 1). */
  realTokens: number;
  /** Every position the model processes: the sum of batchSize × seqLength over the batches. */
  paddedTokens: number;
  /** Positions holding <pad>: paddedTokens − realTokens. */
  padTokens: number;
  /** padTokens / paddedTokens. */
  paddingShare: number;
  /** Mean of the batches' seqLength. */
  meanBatchLength: number;
  maxBatchLength: number;
  minBatchLength: number;
  /** Examples longer than maxLength, cut to it. */
  truncatedExamples: number;
  truncatedShare: number;
}

/** Padding figures of one epoch of `loader`, computed from lengths alone (no batch is built). */
export function paddingReport(loader: DataLoader, epoch = 0): PaddingReport {
  const order = loader.batchOrder(epoch);
  let realTokens = 0;
  let paddedTokens = 0;
  let lengthSum = 0;
  let maxBatchLength = 0;
  let minBatchLength = order.length > 0 ? Infinity : 0;
  let truncatedExamples = 0;
  let examples = 0;
  for (const indices of order) {
    const seqLength = loader.seqLengthOf(indices);
    for (const i of indices) {
      realTokens += loader.lengthOf(i);
      if (loader.examples[i].inputIds.length > loader.maxLength) truncatedExamples++;
    }
    examples += indices.length;
    paddedTokens += indices.length * seqLength;
    lengthSum += seqLength;
    maxBatchLength = Math.max(maxBatchLength, seqLength);
    minBatchLength = Math.min(minBatchLength, seqLength);
  }
  return {
    mode: loader.mode,
    batchSize: loader.batchSize,
    maxLength: loader.maxLength,
    examples,
    batches: order.length,
    realTokens,
    paddedTokens,
    padTokens: paddedTokens - realTokens,
    paddingShare: paddedTokens === 0 ? 0 : (paddedTokens - realTokens) / paddedTokens,
    meanBatchLength: order.length === 0 ? 0 : lengthSum / order.length,
    maxBatchLength,
    minBatchLength,
    truncatedExamples,
    truncatedShare: examples === 0 ? 0 : truncatedExamples / examples,
  };
}
