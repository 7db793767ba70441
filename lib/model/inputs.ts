// Checks of the model's inputs while they are still plain numbers. Casting to int32 wraps silently
// (2^32 + 5 becomes 5, another token's embedding), so ids are checked before any cast; a mask
// value other than 0/1 would scale the attention bias instead of switching it.

/** [batch, seq] values: one array per row, or one row-major array with its row length. */
export type InputRows = readonly ArrayLike<number>[] | { values: ArrayLike<number>; seqLength: number };

export interface InputCheckOptions {
  /** Where the inputs come from; starts the error message. */
  source: string;
  /** Ids must lie in [0, vocabSize). Without it, in [0, 2^31): what int32 holds exactly. */
  vocabSize?: number;
  /** What a row is called in errors (default 'row'; a DataLoader's rows are examples). */
  rowName?: string;
}

const INT32_LIMIT = 2 ** 31;

/** The row, position and value of the first element failing `isValid`, or null. */
function firstInvalid(rows: InputRows, isValid: (value: number) => boolean): [number, number, number] | null {
  if (Array.isArray(rows)) {
    for (let row = 0; row < rows.length; row++) {
      const values: ArrayLike<number> = rows[row];
      for (let col = 0; col < values.length; col++) if (!isValid(values[col])) return [row, col, values[col]];
    }
    return null;
  }
  const { values, seqLength } = rows as { values: ArrayLike<number>; seqLength: number };
  for (let i = 0; i < values.length; i++) {
    if (!isValid(values[i])) return [Math.floor(i / seqLength), i % seqLength, values[i]];
  }
  return null;
}

function rowLengths(rows: InputRows): number[] {
  if (Array.isArray(rows)) return rows.map((row: ArrayLike<number>) => row.length);
  const { values, seqLength } = rows as { values: ArrayLike<number>; seqLength: number };
  return new Array<number>(seqLength === 0 ? 0 : Math.ceil(values.length / seqLength)).fill(seqLength);
}

/**
 * Throws, naming the row, position, value and valid range, unless every token id is an integer in
 * [0, vocabSize) and every attention-mask value is 0 or 1 (the mask, when given, shaped like the ids).
 * One pass over each array.
 */
export function checkModelInputs(
  inputs: { inputIds: InputRows; attentionMask?: InputRows | null },
  options: InputCheckOptions,
): void {
  const { source } = options;
  const rowName = options.rowName ?? 'row';
  const limit = options.vocabSize ?? INT32_LIMIT;
  const range = options.vocabSize === undefined ? `[0, 2^31) (int32)` : `[0, ${limit}) (vocab_size ${limit})`;
  const badId = firstInvalid(inputs.inputIds, (id) => Number.isInteger(id) && id >= 0 && id < limit);
  if (badId !== null) {
    const [row, col, value] = badId;
    const place = `${rowName} ${row}, position ${col}`;
    throw new Error(`${source}: input_ids ${place}: found ${value}, expected an integer token id in ${range}`);
  }
  const mask = inputs.attentionMask;
  if (mask === undefined || mask === null) return;
  const idLengths = rowLengths(inputs.inputIds);
  const maskLengths = rowLengths(mask);
  const mismatch = idLengths.findIndex((length, row) => maskLengths[row] !== length);
  if (mismatch >= 0 || maskLengths.length !== idLengths.length) {
    const row = mismatch >= 0 ? mismatch : Math.min(idLengths.length, maskLengths.length);
    throw new Error(
      `${source}: attention_mask has ${maskLengths.length} rows, input_ids ${idLengths.length}; ` +
        `${rowName} ${row}: ${maskLengths[row] ?? 'no'} mask values for ${idLengths[row] ?? 'no'} ids`,
    );
  }
  const badMask = firstInvalid(mask, (m) => m === 0 || m === 1);
  if (badMask !== null) {
    const [row, col, value] = badMask;
    const place = `${rowName} ${row}, position ${col}`;
    throw new Error(`${source}: attention_mask ${place}: found ${value}, expected 0 (padding) or 1 (token)`);
  }
}

/** Throws unless every label is an integer class index in [0, numLabels). */
export function checkLabels(labels: ArrayLike<number>, numLabels: number, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < numLabels)) {
      throw new Error(`${source}: label ${i}: found ${label}, expected an integer class index in [0, ${numLabels})`);
    }
  }
}
