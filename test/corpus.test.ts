// The offline corpus: determinism, speed, balance, noise, IMDb habits, context cues, the length
// distribution measured with GPT-2's BPE (= RoBERTa's token counts), the unsupervised split, and the
// bag-of-words and order-aware baselines on the full splits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { encode } from 'gpt-3-encoder';
import {
  CORPUS_SETTINGS,
  DEFAULT_UNSUPERVISED_SIZE,
  REVIEW_KINDS,
  UNLABELLED,
  corpusStats,
  generateCorpus,
  generateCorpusDetailed,
  generateReview,
  generateSplit,
  kindSharesFor,
  lengthStats,
  undefinedGrammarReferences,
  unsupervisedTexts,
  type CorpusSplit,
  type GeneratedReview,
} from '../lib/data/corpus';
import {
  accuracy,
  bagOfWordsTokens,
  orderAwareFeatures,
  topWords,
  trainBagOfWords,
  trainOrderAware,
  type BagOfWordsModel,
  type Classifier,
} from '../lib/data/baseline';
import { bpeTokenCount, robertaTokenCount } from '../lib/data/token-count';
import { Grammar, parseTemplate } from '../lib/data/grammar';
import { corpusToFrames } from '../lib/data/frames';
import { loadImdb } from '../lib/data/imdb';
import { mulberry32 } from '../lib/random';
import { REPO_ROOT } from './helpers/paths';

/** Published IMDb figures with RoBERTa's tokenizer (Longformer paper) and the tolerances we calibrate to. */
const TARGETS = { mean: 300, p95: 705, over512: 0.136 };

/** First `n` reviews of a split, generated once and shared (the fast tests need at most 10000). */
const samples = new Map<string, GeneratedReview[]>();
function sampleOf(split: CorpusSplit, n: number): GeneratedReview[] {
  const key = `${split}`;
  let reviews = samples.get(key) ?? [];
  if (reviews.length < n) {
    const more = Array.from({ length: n - reviews.length }, (_, i) => generateReview(42, split, reviews.length + i));
    reviews = [...reviews, ...more];
    samples.set(key, reviews);
  }
  return reviews.slice(0, n);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function kindAccuracy(model: BagOfWordsModel | Classifier, reviews: GeneratedReview[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of REVIEW_KINDS) {
    out[kind] = Number(
      accuracy(
        model,
        reviews.filter((r) => r.kind === kind),
      ).toFixed(3),
    );
  }
  return out;
}

// The one full-size check: generating all 50,000 labelled reviews (the speed test), the 50,000
// unlabelled ones, and both baselines on the full splits.
test('full size: 50,000 reviews in seconds; bag of words <= 0.88; word order reads the context kinds', () => {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const full = generateCorpusDetailed({ seed: 42 });
  const cpu = process.cpuUsage(cpu0);
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // The machine is shared: wall time depends on who else is busy, CPU time is what the generator
  // costs (on an idle machine the two are about equal).
  console.log(
    `generateCorpusDetailed(seed 42): ${cpuSeconds.toFixed(2)} s CPU, ${wallSeconds.toFixed(2)} s wall, for 36000 + ` +
      `4000 + 10000 reviews`,
  );
  assert.equal(full.train.length, 36000);
  assert.equal(full.validation.length, 4000);
  assert.equal(full.test.length, 10000);
  assert.ok(cpuSeconds < 10, `took ${cpuSeconds.toFixed(2)} s of CPU time`);
  assert.deepEqual(
    sampleOf('train', 20).map((r) => r.text),
    full.train.slice(0, 20).map((r) => r.text),
  );
  assert.deepEqual(generateReview(42, 'test', 123), full.test[123]);

  // Splits do not share reviews; the unlabelled split repeats none of the labelled texts.
  const labelled = [...full.train, ...full.validation, ...full.test];
  const trainTexts = new Set(full.train.map((r) => r.text));
  const shared = [...full.validation, ...full.test].filter((r) => trainTexts.has(r.text)).length;
  assert.ok(shared <= 5, `${shared} validation/test reviews also appear in train`);
  assert.ok(trainTexts.size > full.train.length * 0.999, `only ${trainTexts.size} distinct train texts`);
  const labelledTexts = new Set(labelled.map((r) => r.text));
  const cpu1 = process.cpuUsage();
  const unlabelled = generateSplit(42, 'unsupervised', DEFAULT_UNSUPERVISED_SIZE);
  const unlabelledCpu = process.cpuUsage(cpu1);
  const repeats = unlabelled.filter((r) => labelledTexts.has(r.text)).length;
  const unlabelledSeconds = (unlabelledCpu.user + unlabelledCpu.system) / 1e6;
  console.log(
    `unsupervised: ${unlabelled.length} reviews in ${unlabelledSeconds.toFixed(2)} s CPU, ` +
      `${repeats} repeat a labelled text`,
  );
  assert.equal(repeats, 0);
  assert.ok(unlabelled.every((r) => r.label === UNLABELLED));
  // The repeat check relies on this: a review shorter than 100 tokens drew at most 150. Only the
  // reviews that drew more need counting, and only those with fewer than 100 words: every word is at
  // least one BPE token.
  const shortLongDraws = labelled.filter(
    (r) => r.targetTokens > 150 && r.text.split(/\s+/).filter(Boolean).length < 100 && robertaTokenCount(r.text) < 100,
  );
  const longestDraw = Math.max(0, ...shortLongDraws.map((r) => r.targetTokens));
  assert.ok(longestDraw <= 150, `a review under 100 tokens drew ${longestDraw}`);

  const t1 = performance.now();
  const bag = trainBagOfWords(full.train, { seed: 0 });
  const bagTest = accuracy(bag, full.test);
  const context = full.test.filter((r) => r.kind !== 'plain');
  const bagContext = accuracy(bag, context);
  console.log(
    `bag-of-words baseline (36000 train, ${bag.vocabulary.size} words, ${seconds(t1)} s): ` +
      `validation ${accuracy(bag, full.validation).toFixed(4)}, test ${bagTest.toFixed(4)} (real IMDb: about 0.88), ` +
      `test reviews that need context ${bagContext.toFixed(4)}; ` +
      `by kind ${JSON.stringify(kindAccuracy(bag, full.test))}`,
  );
  console.log('strongest words:', JSON.stringify(topWords(bag, 12)));
  assert.ok(bagTest <= 0.88, `bag-of-words test accuracy ${bagTest}`);
  assert.ok(bagTest > 0.8, `bag-of-words test accuracy ${bagTest}: the plain reviews should still be easy`);

  const t2 = performance.now();
  // Three epochs instead of the default five: the order-aware figures move by under 0.01 and stay far above the bars.
  const ordered = trainOrderAware(full.train, { seed: 0, epochs: 3 });
  const orderedTest = accuracy(ordered, full.test);
  const orderedContext = accuracy(ordered, context);
  console.log(
    `order-aware baseline (${seconds(t2)} s): test ${orderedTest.toFixed(4)}, ` +
      `test reviews that need context ${orderedContext.toFixed(4)}; ` +
      `by kind ${JSON.stringify(kindAccuracy(ordered, full.test))}`,
  );
  // The context kinds are readable from word order, not noise: well above the bag of words there.
  assert.ok(
    orderedContext > bagContext + 0.2,
    `order-aware ${orderedContext} vs bag of words ${bagContext} on context kinds`,
  );
  assert.ok(orderedContext > 0.85, `order-aware on context kinds ${orderedContext}`);
});

test('the corpus is deterministic for a seed and differs between seeds', () => {
  const a = generateCorpus({ seed: 7, sizes: { train: 300, validation: 50, test: 50 } });
  const b = generateCorpus({ seed: 7, sizes: { train: 300, validation: 50, test: 50 } });
  assert.deepEqual(a, b);
  const c = generateCorpus({ seed: 8, sizes: { train: 300, validation: 50, test: 50 } });
  const same = a.train.filter((r, i) => r.text === c.train[i].text).length;
  assert.equal(same, 0, `${same} of 300 reviews identical across seeds 7 and 8`);
  // A prefix is the same whatever size is asked for.
  assert.deepEqual(
    generateSplit(7, 'train', 20).map((r) => r.text),
    a.train.slice(0, 20).map((r) => r.text),
  );
});

test('labels are balanced, ~2% noisy, and each review kind has its share', () => {
  for (const split of ['train', 'validation', 'test'] as const) {
    const stats = corpusStats(sampleOf(split, 2000));
    assert.equal(stats.positive, stats.negative, `${split}: ${stats.positive} positive vs ${stats.negative} negative`);
  }
  const reviews = sampleOf('train', 10000);
  const stats = corpusStats(reviews);
  const shares = Object.fromEntries(REVIEW_KINDS.map((k) => [k, Number((stats.kinds[k] / stats.count).toFixed(4))]));
  console.log('train stats (first 10000):', JSON.stringify({ ...stats, lengths: undefined }));
  console.log('kind shares:', JSON.stringify(shares), `need context: ${stats.needContextShare.toFixed(4)}`);
  const noise = stats.noisyLabels / stats.count;
  assert.ok(Math.abs(noise - CORPUS_SETTINGS.labelNoise) < 0.005, `label noise ${noise}`);
  const contextShare = stats.needContextShare;
  assert.ok(contextShare > 0.25 && contextShare < 0.4, `need-context share ${contextShare}`);
  for (const kind of REVIEW_KINDS) {
    const expected = CORPUS_SETTINGS.kindShares[kind];
    const tolerance = 0.01 + expected * 0.1;
    assert.ok(Math.abs(shares[kind] - expected) < tolerance, `${kind}: share ${shares[kind]}, expected ${expected}`);
  }
  // Both sentiments get the same share of context kinds; sarcasm is negative only.
  for (const sentiment of [0, 1]) {
    const ofSentiment = reviews.filter((r) => r.sentiment === sentiment);
    const share = ofSentiment.filter((r) => r.kind !== 'plain').length / ofSentiment.length;
    assert.ok(Math.abs(share - contextShare) < 0.02, `sentiment ${sentiment}: context share ${share}`);
  }
  assert.equal(reviews.filter((r) => r.kind === 'sarcasm' && r.sentiment === 1).length, 0);
  for (const sentiment of [0, 1]) {
    const shares = kindSharesFor(sentiment);
    const total = REVIEW_KINDS.reduce((sum, k) => sum + shares[k], 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `kind shares for sentiment ${sentiment} add up to ${total}`);
  }
});

test('the unsupervised split: label -1, deterministic, lazy, through loadImdb, never a labelled text', async () => {
  const reviews = generateSplit(42, 'unsupervised', 200);
  assert.ok(reviews.every((r) => r.label === UNLABELLED));
  assert.deepEqual(
    [...unsupervisedTexts(42, 200)],
    reviews.map((r) => r.text),
  );
  const texts = unsupervisedTexts(42);
  assert.equal(texts.next().value, reviews[0].text);
  // About half say each thing, like IMDb's unlabelled reviews.
  const positive = reviews.filter((r) => r.sentiment === 1).length;
  assert.equal(positive, 100);
  const labelled = new Set([...sampleOf('train', 2000), ...sampleOf('validation', 2000)].map((r) => r.text));
  assert.ok(reviews.every((r) => !labelled.has(r.text)));
  // The one collision between an unlabelled and a labelled review found in seeds 0-59 (seed 23:
  // unlabelled 9458 came out the same as train 26461, a short review); it is written again.
  const repeated = generateReview(23, 'train', 26461).text;
  const rewritten = generateReview(23, 'unsupervised', 9458).text;
  assert.ok(robertaTokenCount(repeated) < 100, `train 26461 of seed 23 has ${robertaTokenCount(repeated)} tokens`);
  assert.notEqual(rewritten, repeated);
  const lengths = lengthStats(generateSplit(42, 'unsupervised', 3000).map((r) => robertaTokenCount(r.text)));
  console.log(
    `unsupervised lengths (3000): mean ${lengths.mean.toFixed(1)}, p95 ${lengths.p95.toFixed(0)}, ` +
      `over 512 ${(100 * lengths.over512).toFixed(1)}%`,
  );
  assert.ok(Math.abs(lengths.mean - TARGETS.mean) <= 0.1 * TARGETS.mean, `mean ${lengths.mean}`);
  const splits = await loadImdb('offline', { seed: 42, limit: 4, unsupervised: 30 });
  assert.ok(splits.unsupervised);
  assert.deepEqual(splits.unsupervised.shape, [30, 2]);
  assert.deepEqual(
    splits.unsupervised.column('text').values,
    reviews.slice(0, 30).map((r) => r.text),
  );
  assert.deepEqual(splits.unsupervised.column('label').values, new Array(30).fill(UNLABELLED));
  assert.equal((await loadImdb('offline', { limit: 2 })).unsupervised, undefined);
  await assert.rejects(
    loadImdb('offline', { limit: 2, unsupervised: -1 }),
    /unsupervised must be true, false or a non-negative integer, found -1/,
  );
  await assert.rejects(
    loadImdb('/no/such/reviews.csv', { unsupervised: true }),
    /unsupervised option is only for the 'offline' corpus/,
  );
});

test('length distribution in RoBERTa tokens matches IMDb (mean 300, p95 705, 13.6% > 512)', () => {
  const sample = sampleOf('train', 3000);
  const t0 = performance.now();
  const lengths = sample.map((r) => encode(r.text).length + 2);
  const seconds = (performance.now() - t0) / 1000;
  const stats = lengthStats(lengths);
  console.log(`gpt-3-encoder on ${sample.length} train reviews: ${seconds.toFixed(1)} s`);
  console.log(
    `measured: mean ${stats.mean.toFixed(1)} (target ${TARGETS.mean} ±10%), p95 ${stats.p95.toFixed(0)} (target ` +
      `${TARGETS.p95} ±10%), ` +
      `over 512 ${(100 * stats.over512).toFixed(1)}% (target ${(100 * TARGETS.over512).toFixed(1)}% ±2), over 256 ` +
      `${(100 * stats.over256).toFixed(1)}%, ` +
      `median ${stats.median}, max ${stats.max}`,
  );
  assert.ok(Math.abs(stats.mean - TARGETS.mean) <= 0.1 * TARGETS.mean, `mean ${stats.mean}`);
  assert.ok(Math.abs(stats.p95 - TARGETS.p95) <= 0.1 * TARGETS.p95, `p95 ${stats.p95}`);
  assert.ok(Math.abs(stats.over512 - TARGETS.over512) <= 0.02, `over 512: ${stats.over512}`);
  // The generator aims each review at a drawn length; it lands close.
  const errors = sample.map((r, i) => lengths[i] - r.targetTokens).sort((a, b) => a - b);
  const p10 = errors[Math.floor(0.1 * errors.length)];
  const p90 = errors[Math.floor(0.9 * errors.length)];
  console.log(`produced minus drawn length: p10 ${p10}, median ${errors[errors.length >> 1]}, p90 ${p90} tokens`);
  assert.ok(p10 > -25 && p90 < 25, `length error p10 ${p10}, p90 ${p90}`);
  // The fast counter used while generating agrees with gpt-3-encoder exactly.
  const worst = sample.findIndex((r, i) => robertaTokenCount(r.text) !== lengths[i]);
  assert.equal(
    worst,
    -1,
    worst < 0
      ? ''
      : `review ${worst}: fast count ${robertaTokenCount(sample[worst].text)} vs encoder ${lengths[worst]}`,
  );
});

test('the fast token counter equals GPT-2 BPE on tricky text', () => {
  const tricky = [
    '',
    ' ',
    '  ',
    'Hello',
    ' hello',
    'heLlo',
    'a  b',
    'a   b ',
    'end.   ',
    '\n\nnew\tline\r\n',
    'x \n y',
    "don't I'm it's we'll they've she'd you're O'Neil ''quoted'' '90s",
    "rock'n'roll",
    'Great film.<br /><br />The end',
    '7/10 ... !!! ?!',
    '1987, 2,000,000 and 3.14',
    'café naïve résumé',
    'emoji 😀👍 ok',
    '日本語のテキスト',
    'mixed ascii and ñ',
    '   leading',
    'trailing   ',
    'tabs\t\tand  spaces',
  ];
  for (const text of tricky) assert.equal(bpeTokenCount(text), encode(text).length, `text ${JSON.stringify(text)}`);
  // Random ASCII soup exercises every branch of the hand-written pre-tokenizer.
  const rng = mulberry32(3);
  const alphabet = "ab Z9 0'.,!-<>/\t\n  'sll'dre";
  for (let i = 0; i < 300; i++) {
    let s = '';
    const n = Math.floor(rng() * 40);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rng() * alphabet.length)];
    assert.equal(bpeTokenCount(s), encode(s).length, `text ${JSON.stringify(s)}`);
  }
});

test('reviews read like IMDb: paragraph breaks, scores, names, titles, and no grammar leaks', () => {
  assert.deepEqual(undefinedGrammarReferences(), []);
  const sample = sampleOf('train', 4000);
  const share = (re: RegExp) => sample.filter((r) => re.test(r.text)).length / sample.length;
  const habits = {
    paragraphBreaks: share(/<br \/><br \/>/),
    scores: share(/\b\d{1,2}\/10\b|out of (10|\*\*\*\*)/),
    actorInParentheses: share(/\([A-Z][a-z]+ [A-Z][a-z']+\)/),
    negation: share(/\b(not|never|nothing|isn't|wasn't|won't)\b/),
    contrastBut: share(/, but /),
  };
  console.log('habit shares:', JSON.stringify(habits));
  assert.ok(habits.paragraphBreaks > 0.5 && habits.paragraphBreaks < 0.95);
  assert.ok(habits.scores > 0.15 && habits.scores < 0.5);
  assert.ok(habits.actorInParentheses > 0.2);
  assert.ok(habits.negation > 0.3);
  assert.ok(habits.contrastBut > 0.2);
  for (const r of sample) {
    assert.doesNotMatch(r.text, /[{}[\]|]|\s\s|undefined|NaN/, `grammar leak in: ${r.text.slice(0, 200)}`);
    assert.match(r.text, /[.!?)*0-9]$/, `odd ending: ...${r.text.slice(-80)}`);
  }
  // Enough mixed reviews (both sides argued, settled by the closing verdict) to measure them apart.
  const mixed = sample.filter((r) => r.kind === 'mixed');
  assert.ok(mixed.length > 100, `${mixed.length} mixed reviews in the sample`);
});

test('the template grammar parses choices, slots and nesting, and rejects broken templates', () => {
  const g = new Grammar({ greeting: ['[Hello|Hi] {name}[, [my|our] friend|]!'] });
  const rng = mulberry32(1);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(g.expand('greeting', rng, new Map([['name', 'Ann']])));
  assert.deepEqual([...seen].sort(), [
    'Hello Ann!',
    'Hello Ann, my friend!',
    'Hello Ann, our friend!',
    'Hi Ann!',
    'Hi Ann, my friend!',
    'Hi Ann, our friend!',
  ]);
  assert.throws(() => parseTemplate('[a|b'), /unclosed "\["/);
  assert.throws(() => parseTemplate('{a'), /unclosed "\{"/);
  assert.throws(() => parseTemplate('a]'), /stray "\]"/);
  assert.throws(() => g.expand('missing', rng, new Map()), /no rule or slot named "missing"/);
});

test('the order-aware features see negation scope, turns and the closing sentences', () => {
  assert.deepEqual(bagOfWordsTokens("Not bad<br /><br />at ALL, I'd say 8/10."), [
    'not',
    'bad',
    'at',
    'all',
    "i'd",
    'say',
    '8',
    '10',
  ]);
  const features = orderAwareFeatures("It is not bad, but great. The cast is fine. I can't say I didn't enjoy it.");
  assert.ok(features.includes('not:bad'), 'the word after "not" is in its scope');
  assert.ok(!features.includes('not:great'), 'the scope ends at the comma');
  assert.ok(features.includes('turn:great'), 'the clause after "but" is marked');
  assert.ok(features.includes('not bad') && features.includes('is not'), 'word pairs');
  assert.ok(features.includes('not:say') && !features.includes('not:enjoy'), 'a second negation cancels the first');
  const closing = ['end:enjoy', 'end:the cast'].every((f) => features.includes(f)) && !features.includes('end:great');
  assert.ok(closing, 'the last two sentences');
});

test('corpusToFrames gives danfojs DataFrames with text and label columns', () => {
  const frames = corpusToFrames(generateCorpus({ seed: 1, sizes: { train: 40, validation: 10, test: 0 } }));
  assert.deepEqual(frames.train.shape, [40, 2]);
  assert.deepEqual(frames.train.columns, ['text', 'label']);
  assert.deepEqual(frames.train.dtypes, ['string', 'int32']);
  assert.deepEqual(frames.validation.shape, [10, 2]);
  assert.deepEqual(frames.test.shape, [0, 2]);
  assert.deepEqual(
    frames.train.column('label').values,
    generateSplit(1, 'train', 40).map((r) => r.label),
  );
});

test('ft-roberta corpus prints JSON lines of the corpus', () => {
  const cli = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'corpus', '--seed', '7', '--split', 'validation', '--limit', '3'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: number });
  assert.deepEqual(
    lines,
    generateSplit(7, 'validation', 3).map(({ text, label }) => ({ text, label })),
  );
  const stats = spawnSync(process.execPath, [cli, 'corpus', '--limit', '200', '--stats'], { encoding: 'utf8' });
  assert.equal(stats.status, 0, stats.stderr);
  const parsed = JSON.parse(stats.stdout) as { count: number; positive: number };
  assert.equal(parsed.count, 200);
  assert.equal(parsed.positive, 100);
  const bad = spawnSync(process.execPath, [cli, 'corpus', '--split', 'dev'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--split should be one of train, validation, test, unsupervised, found "dev"/);
  const unsupervisedArgs = [cli, 'corpus', '--split', 'unsupervised', '--limit', '2'];
  const unlabelled = spawnSync(process.execPath, unsupervisedArgs, { encoding: 'utf8' });
  assert.equal(unlabelled.status, 0, unlabelled.stderr);
  const rows = unlabelled.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: number });
  assert.deepEqual(
    rows,
    generateSplit(42, 'unsupervised', 2).map(({ text }) => ({ text, label: -1 })),
  );
});
