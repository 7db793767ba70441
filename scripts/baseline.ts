// Measures the offline corpus the way the README section on the data reports it:
//   node dist/scripts/baseline.js [--seed 42] [--sample 3000]
// lengths in RoBERTa tokens (GPT-2 BPE + <s></s>) against IMDb's published figures, balance, label
// noise and the share of reviews that need context, and what a unigram bag-of-words logistic
// regression scores (full train split; and 3000 reviews cut to 256 tokens, the notebooks' setting).
import { parseArgs } from 'node:util';
import { decode, encode } from 'gpt-3-encoder';
import { corpusStats, generateCorpusDetailed, lengthStats, type GeneratedReview, type ReviewKind } from '../lib/data/corpus';
import { accuracy, trainBagOfWords } from '../lib/data/baseline';

function byKind(model: ReturnType<typeof trainBagOfWords>, reviews: GeneratedReview[]): Record<ReviewKind, number> {
  const out = {} as Record<ReviewKind, number>;
  for (const kind of ['plain', 'negation', 'contrast', 'mixed'] as const) {
    out[kind] = Number(accuracy(model, reviews.filter((r) => r.kind === kind)).toFixed(4));
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' }, sample: { type: 'string', default: '3000' } } });
  const seed = Number(values.seed);
  const sample = Number(values.sample);
  const t0 = performance.now();
  const corpus = generateCorpusDetailed({ seed });
  const generateSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const lengths = corpus.train.slice(0, sample).map((r) => encode(r.text).length + 2);
  const measureSeconds = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const model = trainBagOfWords(corpus.train, { seed });
  const baselineSeconds = (performance.now() - t2) / 1000;

  // Roughly the notebooks' default run: a few thousand reviews, truncated to 256 tokens.
  const cut = (r: GeneratedReview): GeneratedReview => ({ ...r, text: decode(encode(r.text).slice(0, 254)) });
  const small = trainBagOfWords(corpus.train.slice(0, 3000).map(cut), { seed });
  const validationCut = corpus.validation.map(cut);

  const { lengths: _ignored, ...trainStats } = corpusStats(corpus.train);
  const report = {
    seed,
    generate_seconds: Number(generateSeconds.toFixed(2)),
    lengths: {
      measured_on: `${lengths.length} train reviews with gpt-3-encoder (+2 for <s></s>), ${measureSeconds.toFixed(1)} s`,
      ...lengthStats(lengths),
      targets: { mean: '300 ± 30', p95: '705 ± 70.5', over512: '0.136 ± 0.02' },
    },
    train: trainStats,
    bag_of_words: {
      train_reviews: corpus.train.length,
      vocabulary: model.vocabulary.size,
      seconds: Number(baselineSeconds.toFixed(1)),
      validation_accuracy: Number(accuracy(model, corpus.validation).toFixed(4)),
      test_accuracy: Number(accuracy(model, corpus.test).toFixed(4)),
      test_accuracy_by_kind: byKind(model, corpus.test),
    },
    bag_of_words_3000_truncated_256: {
      validation_accuracy_truncated: Number(accuracy(small, validationCut).toFixed(4)),
      validation_accuracy_by_kind: byKind(small, validationCut),
    },
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main();
