// Our predictions beside another runtime's (transformers.js on ONNX Runtime), for notebook 01.
import { showTable } from './html';

export interface LabelWithScore {
  label: string;
  score: number;
}

/** Two runtimes' top labels for the same texts, with the largest score difference. */
export function showRuntimeAgreement(
  texts: string[],
  ours: LabelWithScore[],
  theirs: LabelWithScore[],
  names: { ours: string; theirs: string },
): { sameLabels: boolean; maxScoreDifference: number } {
  if (ours.length !== texts.length || theirs.length !== texts.length) {
    throw new Error(`showRuntimeAgreement: ${texts.length} texts, ${ours.length} and ${theirs.length} results`);
  }
  const rows = texts.map((text, i) => ({
    text,
    [names.ours]: `${ours[i].label} ${ours[i].score.toFixed(4)}`,
    [names.theirs]: `${theirs[i].label} ${theirs[i].score.toFixed(4)}`,
    'score difference': Math.abs(ours[i].score - theirs[i].score).toExponential(1),
  }));
  showTable(rows, { caption: `${names.ours} and ${names.theirs} on the same reviews` });
  return {
    sameLabels: ours.every((top, i) => top.label === theirs[i].label),
    maxScoreDifference: Math.max(...ours.map((top, i) => Math.abs(top.score - theirs[i].score))),
  };
}
