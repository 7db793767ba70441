// A unigram bag-of-words logistic regression: the floor any sentiment model should beat. It tells us
// how much of a corpus is solvable from word presence alone (the offline corpus is built so that
// negation, contrast and verdict-at-the-end reviews are not).
import { Review } from './corpus';
import { Rng, mulberry32, permutation } from './random';

/** Lower-cased words and numbers; IMDb's `<br />` tags are dropped. */
export function bagOfWordsTokens(text: string): string[] {
  return text.toLowerCase().replace(/<br\s*\/?>/g, ' ').match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

export interface BaselineOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per example step. */
  l2?: number;
  /** Words seen in fewer training reviews are ignored. */
  minCount?: number;
  seed?: number;
}

export interface BagOfWordsModel {
  vocabulary: Map<string, number>;
  weights: Float64Array;
  bias: number;
}

/** Sparse binary features, L2-normalised, as (indices, value). */
function featurize(text: string, vocabulary: Map<string, number>): { indices: number[]; value: number } {
  const seen = new Set<number>();
  for (const w of bagOfWordsTokens(text)) {
    const id = vocabulary.get(w);
    if (id !== undefined) seen.add(id);
  }
  const indices = [...seen];
  return { indices, value: indices.length > 0 ? 1 / Math.sqrt(indices.length) : 0 };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function trainBagOfWords(train: Review[], options: BaselineOptions = {}): BagOfWordsModel {
  const { epochs = 5, learningRate = 1.0, l2 = 1e-6, minCount = 2, seed = 0 } = options;
  const docCount = new Map<string, number>();
  for (const r of train) for (const w of new Set(bagOfWordsTokens(r.text))) docCount.set(w, (docCount.get(w) ?? 0) + 1);
  const vocabulary = new Map<string, number>();
  for (const [w, c] of docCount) if (c >= minCount) vocabulary.set(w, vocabulary.size);
  const features = train.map((r) => featurize(r.text, vocabulary));
  const weights = new Float64Array(vocabulary.size);
  let bias = 0;
  const rng: Rng = mulberry32(seed);
  let step = 0;
  const totalSteps = epochs * train.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of permutation(rng, train.length)) {
      const lr = learningRate * (1 - step / totalSteps) + 1e-3;
      step++;
      const { indices, value } = features[i];
      let z = bias;
      for (const j of indices) z += weights[j] * value;
      const g = sigmoid(z) - train[i].label; // d(log loss)/dz
      for (const j of indices) weights[j] -= lr * (g * value + l2 * weights[j]);
      bias -= lr * g;
    }
  }
  return { vocabulary, weights, bias };
}

/** Probability that `text` is positive. */
export function predictBagOfWords(model: BagOfWordsModel, text: string): number {
  const { indices, value } = featurize(text, model.vocabulary);
  let z = model.bias;
  for (const j of indices) z += model.weights[j] * value;
  return sigmoid(z);
}

export function accuracy(model: BagOfWordsModel, reviews: Review[]): number {
  let correct = 0;
  for (const r of reviews) if ((predictBagOfWords(model, r.text) >= 0.5 ? 1 : 0) === r.label) correct++;
  return correct / reviews.length;
}

/** The words with the largest positive and negative weights, for a look inside the model. */
export function topWords(model: BagOfWordsModel, k: number): { positive: string[]; negative: string[] } {
  const words = [...model.vocabulary.keys()];
  const byWeight = words.map((w) => [w, model.weights[model.vocabulary.get(w) as number]] as const).sort((a, b) => b[1] - a[1]);
  return { positive: byWeight.slice(0, k).map((x) => x[0]), negative: byWeight.slice(-k).reverse().map((x) => x[0]) };
}
