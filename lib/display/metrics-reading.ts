// Reading the per-epoch validation metrics aloud, from the run's own confusion matrices: when an
// epoch predicts one class for everything, say so, and why accuracy, recall and F1 then read
// 0.5 / 1.0 / 0.667 on balanced data (F1 scores the positive class only).
import type { ConfusionMatrix } from '../metrics';
import { showHtml } from './html';
import { escapeHtml } from './output';

export interface EpochMetrics {
  epoch: number;
  evalAccuracy?: number;
  evalF1?: number;
  evalRecall?: number;
  evalPrecision?: number;
  evalConfusionMatrix?: ConfusionMatrix;
}

/** The class every review was predicted as, or null when the predictions use both (rows: true, columns: predicted). */
export function constantPrediction(matrix: ConfusionMatrix): number | null {
  const columnTotals = matrix[0].map((_, j) => matrix.reduce((sum, row) => sum + row[j], 0));
  const used = columnTotals.filter((total) => total > 0).length;
  return used === 1 ? columnTotals.findIndex((total) => total > 0) : null;
}

/** One sentence per epoch that predicted a single class; one sentence when none did. */
export function epochReadingSentences(epochs: readonly EpochMetrics[], labelNames: readonly string[]): string[] {
  const lines: string[] = [];
  for (const e of epochs) {
    if (e.evalConfusionMatrix === undefined) continue;
    const only = constantPrediction(e.evalConfusionMatrix);
    if (only === null) continue;
    const total = e.evalConfusionMatrix.flat().reduce((a, b) => a + b, 0);
    const label = labelNames[only] ?? String(only);
    const parts = [
      `After epoch ${e.epoch} the model answered ${label} for all ${total} validation reviews: a constant predictor.`,
      `Its accuracy ${e.evalAccuracy?.toFixed(3)} is just the share of ${label} reviews;`,
    ];
    if (only === 1) {
      parts.push(
        `recall ${e.evalRecall?.toFixed(3)} because every positive review was "caught", and F1 ` +
          `${e.evalF1?.toFixed(3)} = 2·precision·recall / (precision + recall), ` +
          'which looks respectable only because F1 scores the positive class alone.',
      );
    } else {
      parts.push(`recall and F1 ${e.evalF1?.toFixed(3)}: F1 scores the positive class, which it never predicted.`);
    }
    parts.push('The confusion matrix shows it at a glance: one predicted column is empty.');
    lines.push(parts.join(' '));
  }
  if (lines.length === 0)
    lines.push('Every epoch predicted both classes (no predicted column of the confusion matrix is empty).');
  return lines;
}

export function showEpochReading(epochs: readonly EpochMetrics[], labelNames: readonly string[]): void {
  const lines = epochReadingSentences(epochs, labelNames);
  showHtml(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`, lines.map((l) => `- ${l}`).join('\n'));
}
