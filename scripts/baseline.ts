// Measures the offline corpus the way the README section on the data reports it:
//   node dist/scripts/baseline.js [--seed 42]
// generation time, lengths in RoBERTa tokens (GPT-2 BPE + <s></s>) against IMDb's published figures,
// balance, label noise, the share of each review kind, distinct token ids, what a unigram
// bag-of-words logistic regression scores on the full splits (and on 3000 reviews cut to 256 tokens,
// the notebooks' setting), and what the order-aware regression scores on the same reviews.
import { parseArgs } from 'node:util';
import { decode, encode } from 'gpt-3-encoder';
import {
  DEFAULT_UNSUPERVISED_SIZE,
  REVIEW_KINDS,
  corpusStats,
  distinctTokenIds,
  generateCorpusDetailed,
  generateSplit,
  type GeneratedReview,
  type ReviewKind,
} from '../lib/data/corpus';
import {
  accuracy,
  trainBagOfWords,
  trainOrderAware,
  type BagOfWordsModel,
  type Classifier,
} from '../lib/data/baseline';

function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}

function byKind(model: BagOfWordsModel | Classifier, reviews: GeneratedReview[]): Partial<Record<ReviewKind, number>> {
  const out: Partial<Record<ReviewKind, number>> = {};
  for (const kind of REVIEW_KINDS) {
    const subset = reviews.filter((r) => r.kind === kind);
    if (subset.length > 0) out[kind] = round(accuracy(model, subset));
  }
  return out;
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, round((performance.now() - t0) / 1000, 2)];
}

function main(): void {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' } } });
  const seed = Number(values.seed);
  const cpu0 = process.cpuUsage();
  const [corpus, generateSeconds] = timed(() => generateCorpusDetailed({ seed }));
  const cpu = process.cpuUsage(cpu0);
  const [unsupervised, unsupervisedSeconds] = timed(() =>
    generateSplit(seed, 'unsupervised', DEFAULT_UNSUPERVISED_SIZE),
  );
  const all = [...corpus.train, ...corpus.validation, ...corpus.test];
  const labelledTexts = new Set(all.map((r) => r.text));

  const [bagOfWords, bagSeconds] = timed(() => trainBagOfWords(corpus.train, { seed }));
  const [orderAware, orderSeconds] = timed(() => trainOrderAware(corpus.train, { seed }));
  const context = corpus.test.filter((r) => r.kind !== 'plain');

  // Roughly the notebooks' default run: a few thousand reviews, truncated to 256 tokens.
  const cut = (r: GeneratedReview): GeneratedReview => ({ ...r, text: decode(encode(r.text).slice(0, 254)) });
  const small = trainBagOfWords(corpus.train.slice(0, 3000).map(cut), { seed });
  const validationCut = corpus.validation.map(cut);

  const { lengths: trainLengths, ...trainStats } = corpusStats(corpus.train);
  const report = {
    seed,
    generate: {
      labelled_reviews: all.length,
      seconds_wall: generateSeconds,
      seconds_cpu: round((cpu.user + cpu.system) / 1e6, 2),
      unsupervised_reviews: unsupervised.length,
      unsupervised_seconds_wall: unsupervisedSeconds,
      unsupervised_texts_also_labelled: unsupervised.filter((r) => labelledTexts.has(r.text)).length,
    },
    lengths: {
      measured_with: 'robertaTokenCount (equal to gpt-3-encoder + 2 for <s></s>)',
      train: trainLengths,
      all_labelled: corpusStats(all).lengths,
      unsupervised: corpusStats(unsupervised).lengths,
      targets: { mean: '300 ± 30', p95: '705 ± 70.5', over512: '0.136 ± 0.02' },
    },
    distinct_token_ids: {
      train_first_20000: distinctTokenIds(corpus.train.slice(0, 20000).map((r) => r.text)),
      all_labelled: distinctTokenIds(all.map((r) => r.text)),
    },
    train: {
      ...trainStats,
      kind_shares: Object.fromEntries(REVIEW_KINDS.map((k) => [k, round(trainStats.kinds[k] / trainStats.count)])),
    },
    bag_of_words: {
      train_reviews: corpus.train.length,
      vocabulary: bagOfWords.vocabulary.size,
      seconds: bagSeconds,
      validation_accuracy: round(accuracy(bagOfWords, corpus.validation)),
      test_accuracy: round(accuracy(bagOfWords, corpus.test)),
      test_accuracy_context_kinds: round(accuracy(bagOfWords, context)),
      test_accuracy_by_kind: byKind(bagOfWords, corpus.test),
    },
    order_aware: {
      features: 'words, word pairs, negation scope, after "but", closing sentences (hashed)',
      seconds: orderSeconds,
      validation_accuracy: round(accuracy(orderAware, corpus.validation)),
      test_accuracy: round(accuracy(orderAware, corpus.test)),
      test_accuracy_context_kinds: round(accuracy(orderAware, context)),
      test_accuracy_by_kind: byKind(orderAware, corpus.test),
    },
    bag_of_words_3000_truncated_256: {
      validation_accuracy_truncated: round(accuracy(small, validationCut)),
      validation_accuracy_by_kind: byKind(small, validationCut),
    },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main();
