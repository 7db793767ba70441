// Notebook views of what pretraining gave: the body's guesses for a blank, and the sentence under the
// comparison of the fine-tuned body with the same network trained from random weights.
import type { FillMaskCandidate, FillMaskResult } from '../fill-mask';
import { showTable, type Row } from './html';

/** A candidate as "token" score, the token's leading space visible. */
function candidateText(candidate: FillMaskCandidate): string {
  return `${JSON.stringify(candidate.token_str)} ${candidate.score.toFixed(3)}`;
}

/** One row per text (one <mask> each): its candidates, likeliest first. */
export function showFillMask(texts: string[], results: FillMaskResult[]): void {
  const rows: Row[] = texts.map((text, i) => {
    const result = results[i];
    if (result.length > 0 && Array.isArray(result[0])) {
      throw new Error(`showFillMask: text ${i} has more than one <mask>; show one mask per text`);
    }
    const row: Row = { text };
    (result as FillMaskCandidate[]).forEach((candidate, rank) => (row[`#${rank + 1}`] = candidateText(candidate)));
    return row;
  });
  showTable(rows, { caption: 'Fill-mask: the likeliest tokens for <mask>, with their probabilities' });
}

/** An accuracy difference in points (hundredths): 0.912 vs 0.861 gives "5.1 points". */
function points(difference: number): string {
  return `${(Math.abs(difference) * 100).toFixed(1)} points`;
}

/**
 * The sentence under the comparison table, written from the measured accuracies so that it stays true
 * run after run: how far the pretrained start is ahead of (or behind) the random start and the bag of words.
 */
export function pretrainingFindings(validation: { fineTuned: number; scratch: number; bagOfWords: number }): string {
  const { fineTuned, scratch, bagOfWords } = validation;
  const versus = (other: number, name: string): string =>
    fineTuned === other
      ? `the same validation accuracy as ${name}`
      : `${points(fineTuned - other)} ${fineTuned > other ? 'more' : 'less'} validation accuracy than ${name}`;
  return (
    `Fine-tuning the pretrained body gave ${versus(scratch, 'training the same network from random weights')}, ` +
    `and ${versus(bagOfWords, 'the bag of words')}.`
  );
}
