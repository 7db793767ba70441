// Two logistic regressions over sparse binary features, the floors any sentiment model should beat.
// The unigram bag of words tells how much of a corpus is solvable from word presence alone (the
// offline corpus is built so that its context kinds are not). The order-aware variant adds what a
// bag cannot see — word pairs, negation scope, the clause after "but" and the closing sentences —
// and shows that the labels of those kinds are readable from word order, not noise.
import { Review } from './corpus';
import { Rng, hashSeed, mulberry32, permutation } from '../random';

/** Lower-cased words and numbers; IMDb's `<br />` tags are dropped. */
export function bagOfWordsTokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/<br\s*\/?>/g, ' ')
      .match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []
  );
}

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'hardly',
  'without',
  'nowhere',
  'neither',
  'nor',
]);
const TURNS = new Set(['but', 'yet', 'though', 'although', 'however']);
/** Sentences at the end whose words also count as "closing" features (where reviewers give verdicts). */
const CLOSING_SENTENCES = 2;

function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/**
 * Features that know word order: every word, every adjacent pair, words inside a negation's scope
 * (up to the next punctuation; a second negation cancels the first) marked `not:`, words after a
 * turn ("but", "yet") in the same sentence marked `turn:`, and words and pairs of the last sentences
 * marked `end:`.
 */
export function orderAwareFeatures(text: string): string[] {
  const sentences = text
    .toLowerCase()
    .replace(/<br\s*\/?>/g, ' . ')
    .split(/[.!?]+/);
  const nonEmpty = sentences.filter((s) => /[a-z0-9]/.test(s));
  const features: string[] = [];
  nonEmpty.forEach((sentence, index) => {
    const closing = index >= nonEmpty.length - CLOSING_SENTENCES;
    let previous = '<s>';
    let negated = false;
    let turned = false;
    for (const token of sentence.match(/[a-z0-9]+(?:'[a-z]+)?|[,;:()]/g) ?? []) {
      if (/^[,;:()]$/.test(token)) {
        negated = false;
        previous = token;
        continue;
      }
      features.push(token, `${previous} ${token}`);
      if (negated) features.push(`not:${token}`);
      if (turned) features.push(`turn:${token}`);
      if (closing) features.push(`end:${token}`, `end:${previous} ${token}`);
      if (isNegator(token)) negated = !negated;
      if (TURNS.has(token)) turned = true;
      previous = token;
    }
  });
  return features;
}

export interface BaselineOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per example step. */
  l2?: number;
  /** Words seen in fewer training reviews are ignored (bag of words only). */
  minCount?: number;
  seed?: number;
}

export interface BagOfWordsModel {
  vocabulary: Map<string, number>;
  weights: Float64Array;
  bias: number;
}

/** Sparse binary features, L2-normalised, as (indices, value). */
interface SparseFeatures {
  indices: number[];
  value: number;
}

function sparse(ids: Iterable<number>): SparseFeatures {
  const indices = [...new Set(ids)];
  return { indices, value: indices.length > 0 ? 1 / Math.sqrt(indices.length) : 0 };
}

function featurize(text: string, vocabulary: Map<string, number>): SparseFeatures {
  const ids: number[] = [];
  for (const w of bagOfWordsTokens(text)) {
    const id = vocabulary.get(w);
    if (id !== undefined) ids.push(id);
  }
  return sparse(ids);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function score(weights: Float64Array, bias: number, { indices, value }: SparseFeatures): number {
  let z = bias;
  for (const j of indices) z += weights[j] * value;
  return z;
}

/** SGD on the log loss with a linearly decaying learning rate; returns the bias (weights are updated in place). */
function fitLogistic(
  features: SparseFeatures[],
  labels: number[],
  weights: Float64Array,
  options: BaselineOptions,
): number {
  const { epochs = 5, learningRate = 1.0, l2 = 1e-6, seed = 0 } = options;
  let bias = 0;
  const rng: Rng = mulberry32(seed);
  let step = 0;
  const totalSteps = epochs * features.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of permutation(rng, features.length)) {
      const lr = learningRate * (1 - step / totalSteps) + 1e-3;
      step++;
      const { indices, value } = features[i];
      const g = sigmoid(score(weights, bias, features[i])) - labels[i]; // d(log loss)/dz
      for (const j of indices) weights[j] -= lr * (g * value + l2 * weights[j]);
      bias -= lr * g;
    }
  }
  return bias;
}

export function trainBagOfWords(train: Review[], options: BaselineOptions = {}): BagOfWordsModel {
  const { minCount = 2 } = options;
  const docCount = new Map<string, number>();
  for (const r of train) for (const w of new Set(bagOfWordsTokens(r.text))) docCount.set(w, (docCount.get(w) ?? 0) + 1);
  const vocabulary = new Map<string, number>();
  for (const [w, c] of docCount) if (c >= minCount) vocabulary.set(w, vocabulary.size);
  const weights = new Float64Array(vocabulary.size);
  const features = train.map((r) => featurize(r.text, vocabulary));
  const bias = fitLogistic(
    features,
    train.map((r) => r.label),
    weights,
    options,
  );
  return { vocabulary, weights, bias };
}

/** Probability that `text` is positive. */
export function predictBagOfWords(model: BagOfWordsModel, text: string): number {
  return sigmoid(score(model.weights, model.bias, featurize(text, model.vocabulary)));
}

export interface Classifier {
  /** Probability that `text` is positive. */
  predict(text: string): number;
}

/** Order-aware features hashed into 2^20 buckets (collisions are rare at this corpus's size). */
const HASH_BUCKETS = 1 << 20;

function hashedFeatures(text: string): SparseFeatures {
  return sparse(orderAwareFeatures(text).map((f) => hashSeed(f) & (HASH_BUCKETS - 1)));
}

export function trainOrderAware(train: Review[], options: BaselineOptions = {}): Classifier {
  const weights = new Float64Array(HASH_BUCKETS);
  const bias = fitLogistic(
    train.map((r) => hashedFeatures(r.text)),
    train.map((r) => r.label),
    weights,
    options,
  );
  return { predict: (text) => sigmoid(score(weights, bias, hashedFeatures(text))) };
}

/** Share of `reviews` whose label the model gets right (probability 0.5 and up counts as positive). */
export function accuracy(model: BagOfWordsModel | Classifier, reviews: Review[]): number {
  const predict = 'predict' in model ? model.predict : (text: string) => predictBagOfWords(model, text);
  let correct = 0;
  for (const r of reviews) if ((predict(r.text) >= 0.5 ? 1 : 0) === r.label) correct++;
  return correct / reviews.length;
}

/** The words with the largest positive and negative weights, for a look inside the model. */
export function topWords(model: BagOfWordsModel, k: number): { positive: string[]; negative: string[] } {
  const words = [...model.vocabulary.keys()];
  const byWeight = words
    .map((w) => [w, model.weights[model.vocabulary.get(w) as number]] as const)
    .sort((a, b) => b[1] - a[1]);
  return {
    positive: byWeight.slice(0, k).map((x) => x[0]),
    negative: byWeight
      .slice(-k)
      .reverse()
      .map((x) => x[0]),
  };
}
