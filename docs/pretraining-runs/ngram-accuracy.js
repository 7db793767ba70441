// Run from the repository root after npm run build: node docs/pretraining-runs/ngram-accuracy.js
// How well counting alone predicts a token of the offline corpus's unlabelled reviews: the most frequent token,
// the most frequent follower of the left neighbour, and the most frequent token between the two neighbours.
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const { loadTokenizer } = require(`${D}/tokenizer`);
const { generateSplit } = require(`${D}/data/corpus`);
(async () => {
  const tok = await loadTokenizer('offline');
  const all = generateSplit(42, 'unsupervised', 20500).map((r) => tok.encodeText(r.text));
  const train = all.slice(0, 20000), held = all.slice(20000);
  const uni = new Map(), bi = new Map(), tri = new Map();
  const inc = (m, k, v) => { let e = m.get(k); if (!e) m.set(k, e = new Map()); e.set(v, (e.get(v) ?? 0) + 1); };
  for (const s of train) for (let i = 1; i < s.length - 1; i++) {
    uni.set(s[i], (uni.get(s[i]) ?? 0) + 1); inc(bi, s[i - 1], s[i]); inc(tri, s[i - 1] + ',' + s[i + 1], s[i]);
  }
  const best = (e) => { let b = -1, c = -1; for (const [k, v] of e) if (v > c) { b = k; c = v; } return b; };
  let top = best(uni), n = 0, u = 0, b = 0, t = 0;
  for (const s of held) for (let i = 1; i < s.length - 1; i++) {
    n++; if (s[i] === top) u++;
    const e = bi.get(s[i - 1]); if (e && best(e) === s[i]) b++;
    const f = tri.get(s[i - 1] + ',' + s[i + 1]); if (f && best(f) === s[i]) t++;
  }
  let H = 0, tot = 0; for (const v of uni.values()) tot += v; for (const v of uni.values()) H -= (v / tot) * Math.log(v / tot);
  console.log({ tokens: n, unigramAcc: u / n, leftNeighbourAcc: b / n, bothNeighboursAcc: t / n, unigramEntropyNats: H });
})();
