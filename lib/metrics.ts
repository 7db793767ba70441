// Classification metrics over a whole split, computed from the confusion matrix.
// The original workshop averaged per-batch F1 scores, which is biased (a batch's F1 is not
// additive); here predictions are collected first and scored once.

/** confusion[trueLabel][predictedLabel] = count. */
export type ConfusionMatrix = number[][];

export interface ClassificationMetrics {
  accuracy: number;
  /** Binary (positive class 1) for two labels, macro average otherwise. */
  precision: number;
  recall: number;
  f1: number;
  /** Micro averages equal accuracy for single-label classification; reported for more than two labels. */
  microF1?: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  confusionMatrix: ConfusionMatrix;
  count: number;
}

export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numLabels: number,
): ConfusionMatrix {
  if (labels.length !== predictions.length) {
    throw new Error(`confusionMatrix: ${labels.length} labels but ${predictions.length} predictions`);
  }
  const matrix = Array.from({ length: numLabels }, () => new Array<number>(numLabels).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i];
    const predicted = predictions[i];
    if (!(truth >= 0 && truth < numLabels) || !(predicted >= 0 && predicted < numLabels)) {
      throw new Error(
        `confusionMatrix: row ${i} has label ${truth} / prediction ${predicted}, expected 0..${numLabels - 1}`,
      );
    }
    matrix[truth][predicted] += 1;
  }
  return matrix;
}

// sklearn's zero_division=0 convention: an undefined ratio counts as 0.
const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);
const harmonic = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function metricsFromConfusion(matrix: ConfusionMatrix): ClassificationMetrics {
  const numLabels = matrix.length;
  let total = 0;
  let correct = 0;
  const perClass = matrix.map((row, label) => {
    const truePositive = row[label];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, r) => sum + r[label], 0);
    total += support;
    correct += truePositive;
    const precision = ratio(truePositive, predicted);
    const recall = ratio(truePositive, support);
    return { precision, recall, f1: harmonic(precision, recall), support };
  });
  const accuracy = ratio(correct, total);
  if (numLabels === 2) {
    const positive = perClass[1];
    return {
      accuracy,
      precision: positive.precision,
      recall: positive.recall,
      f1: positive.f1,
      perClass,
      confusionMatrix: matrix,
      count: total,
    };
  }
  const mean = (pick: (c: (typeof perClass)[number]) => number): number =>
    perClass.reduce((s, c) => s + pick(c), 0) / numLabels;
  return {
    accuracy,
    precision: mean((c) => c.precision),
    recall: mean((c) => c.recall),
    f1: mean((c) => c.f1),
    microF1: accuracy,
    perClass,
    confusionMatrix: matrix,
    count: total,
  };
}

export function classificationMetrics(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numLabels: number,
): ClassificationMetrics {
  return metricsFromConfusion(confusionMatrix(labels, predictions, numLabels));
}

/** Index of the largest value in each row of a row-major [rows, numLabels] array. */
export function argmaxRows(values: ArrayLike<number>, numLabels: number): Int32Array {
  const rows = values.length / numLabels;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < numLabels; c++) if (values[r * numLabels + c] > values[r * numLabels + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Row-wise softmax of a row-major [rows, numLabels] array, computed in float64. */
export function softmaxRows(values: ArrayLike<number>, numLabels: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length / numLabels; r++) {
    let max = -Infinity;
    for (let c = 0; c < numLabels; c++) max = Math.max(max, values[r * numLabels + c]);
    let sum = 0;
    for (let c = 0; c < numLabels; c++) {
      out[r * numLabels + c] = Math.exp(values[r * numLabels + c] - max);
      sum += out[r * numLabels + c];
    }
    for (let c = 0; c < numLabels; c++) out[r * numLabels + c] /= sum;
  }
  return out;
}

/** The middle value (the mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
