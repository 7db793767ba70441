// How much do the words around a polar adjective say about its polarity? For every occurrence of a word of
// the corpus's adj_pos / adj_neg pools in unlabelled reviews, a naive Bayes classifier reads the WINDOW words
// on each side (not the word itself) and guesses the pool; trained on the first reviews, scored on later ones.
// For comparison, the same classifier reading the whole review's other words (what a model that carries the
// review's sentiment to every position could use).
//   node docs/pretraining-runs/context-polarity.js [WINDOW=2] [REVIEWS=20000]
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const { generateSplit } = require(`${D}/data/corpus`);
const { POLAR_POOLS } = require(`${D}/data/lexicon`);

const window = Number(process.argv[2] ?? 2);
const count = Number(process.argv[3] ?? 20000);
const polarity = new Map([...POLAR_POOLS.adj_pos.map((w) => [w, 1]), ...POLAR_POOLS.adj_neg.map((w) => [w, 0])]);
const words = (text) => text.toLowerCase().replace(/<br \/>/g, ' ').match(/[a-z']+|[.,!?;]/g) ?? [];

function examples(reviews) {
  const local = [], whole = [];
  for (const review of reviews) {
    const w = words(review.text);
    w.forEach((word, i) => {
      if (!polarity.has(word)) return;
      const y = polarity.get(word);
      const near = [];
      for (let d = 1; d <= window; d++) near.push(`L${d}:${w[i - d] ?? '^'}`, `R${d}:${w[i + d] ?? '$'}`);
      local.push({ features: near, y });
      whole.push({ features: [...new Set(w.filter((_, j) => j !== i))], y });
    });
  }
  return { local, whole };
}

function naiveBayes(train, test) {
  const counts = [new Map(), new Map()], totals = [0, 0], classes = [0, 0];
  for (const { features, y } of train) {
    classes[y]++;
    for (const f of features) { counts[y].set(f, (counts[y].get(f) ?? 0) + 1); totals[y]++; }
  }
  const vocabulary = new Set([...counts[0].keys(), ...counts[1].keys()]).size;
  let correct = 0;
  for (const { features, y } of test) {
    const score = [0, 1].map((c) => Math.log(classes[c]) +
      features.reduce((s, f) => s + Math.log(((counts[c].get(f) ?? 0) + 1) / (totals[c] + vocabulary)), 0));
    if ((score[1] > score[0] ? 1 : 0) === y) correct++;
  }
  return correct / test.length;
}

const reviews = generateSplit(42, 'unsupervised', count);
const cut = Math.floor(count * 0.8);
const train = examples(reviews.slice(0, cut)), test = examples(reviews.slice(cut));
const majority = Math.max(...[0, 1].map((c) => test.local.filter((e) => e.y === c).length)) / test.local.length;
console.log(`${train.local.length} training and ${test.local.length} test occurrences of the pools' adjectives`);
console.log(`majority pool: ${majority.toFixed(3)}`);
console.log(`${window} words on each side: ${naiveBayes(train.local, test.local).toFixed(3)}`);
console.log(`the rest of the review: ${naiveBayes(train.whole, test.whole).toFixed(3)}`);
