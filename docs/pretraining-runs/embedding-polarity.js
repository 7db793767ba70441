// Do a body's word embeddings tell positive words from negative ones? The positive words are the one-token
// words that occur at least 100 times in 10,000 labelled training reviews, 90% of the time or more in
// positive ones; the negative words likewise. Printed: the mean cosine similarity of their embedding rows
// within each group and across them (rows centred on the words' mean), and how many words a leave-one-out nearest-centroid rule puts in
// their own group.
// With WORDS=pools, the groups are instead the corpus's shared polar adjectives (adj_pos and adj_neg in
// lib/data/lexicon.txt), one-token ones only.
//   [WORDS=pools] node docs/pretraining-runs/embedding-polarity.js random|MODEL_DIR ...   ('random': Hugging Face's seeded start)
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const { initBackend } = require(`${D}/backend`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
const { offlineModelConfig } = require(`${D}/model/config`);
const { loadTokenizer } = require(`${D}/tokenizer`);
const { generateSplit } = require(`${D}/data/corpus`);
const { POLAR_POOLS } = require(`${D}/data/lexicon`);

/** Words by how often they occur in reviews of each sentiment (the text's, not the noisy label's). */
function polarWords(tokenizer) {
  const counts = new Map();
  for (const review of generateSplit(42, 'train', 10000)) {
    for (const word of new Set(review.text.replace(/<br \/>/g, ' ').match(/[A-Za-z']+/g) ?? [])) {
      const c = counts.get(word) ?? [0, 0];
      c[review.sentiment]++;
      counts.set(word, c);
    }
  }
  const pos = [], neg = [];
  for (const [word, [n, p]] of counts) {
    if (n + p < 100 || tokenizer.encodeText(' ' + word).length !== 1) continue;
    if (p >= 0.9 * (n + p)) pos.push(word);
    else if (n >= 0.9 * (n + p)) neg.push(word);
  }
  return { pos, neg };
}

function cosine(a, b) {
  let dot = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return dot / Math.sqrt(aa * bb);
}

function meanSimilarity(xs, ys) {
  let sum = 0, n = 0;
  for (const x of xs) for (const y of ys) if (x !== y) { sum += cosine(x, y); n++; }
  return sum / n;
}

(async () => {
  await initBackend('wasm');
  const tokenizer = await loadTokenizer('offline');
  const oneToken = (words) => words.filter((word) => tokenizer.encodeText(' ' + word).length === 1);
  const { pos, neg } =
    process.env.WORDS === 'pools'
      ? { pos: oneToken(POLAR_POOLS.adj_pos), neg: oneToken(POLAR_POOLS.adj_neg) }
      : polarWords(tokenizer);
  console.log(`${pos.length} positive words (${pos.slice(0, 8).join(', ')}, …), ${neg.length} negative (${neg.slice(0, 8).join(', ')}, …)`);
  for (const source of process.argv.slice(2)) {
    const model = source === 'random'
      ? RobertaForMaskedLM.fromConfig(offlineModelConfig(tokenizer.vocabSize), { seed: 42 })
      : await RobertaForMaskedLM.fromPretrained(source, { log: () => {} });
    const table = model.parameters.get('roberta.embeddings.word_embeddings.weight');
    const hidden = table.shape[1];
    const data = table.dataSync();
    const row = (w) => { const id = tokenizer.encodeText(' ' + w)[0]; return data.subarray(id * hidden, (id + 1) * hidden); };
    // Centred on the words' mean row: trained embeddings share a large common direction that hides the rest.
    const mean = new Float32Array(hidden);
    for (const w of [...pos, ...neg]) row(w).forEach((x, i) => { mean[i] += x / (pos.length + neg.length); });
    const centred = (w) => row(w).map((x, i) => x - mean[i]);
    const P = pos.map(centred), N = neg.map(centred);
    let own = 0;
    for (const [vectors, others] of [[P, N], [N, P]]) {
      for (const v of vectors) if (meanSimilarity([v], vectors) > meanSimilarity([v], others)) own++;
    }
    console.log(
      `${source}: within positive ${meanSimilarity(P, P).toFixed(3)}, within negative ${meanSimilarity(N, N).toFixed(3)}, ` +
        `across ${meanSimilarity(P, N).toFixed(3)}; nearest centroid puts ${own} of ${P.length + N.length} in their own group`,
    );
    model.dispose();
  }
})();
