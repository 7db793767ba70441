// Run from the repository root after npm run build: node docs/pretraining-runs/copy-task-tfjs.js [lr] [steps] [dropout]
// A copy task for masked-word training: each word appears twice in a row ("w7 w7 w31 w31 ..."), so a hidden
// word is its neighbour. The same small RoBERTa shape as the offline model; prints the held-out accuracy.
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const { initBackend } = require(`${D}/backend`);
const { offlineModelConfig } = require(`${D}/model/config`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
const { Pretrainer } = require(`${D}/pretrain`);
const { mulberry32 } = require(`${D}/random`);
const lr = Number(process.argv[2] ?? 1e-3), steps = Number(process.argv[3] ?? 300), dropout = Number(process.argv[4] ?? 0.1);
(async () => {
  await initBackend('wasm');
  const V = 100, rng = mulberry32(1);
  const words = Array.from({ length: V }, (_, i) => `w${i}`);
  const text = () => { const out = []; for (let i = 0; i < 30; i++) { const w = words[Math.floor(rng() * V)]; out.push(w, w); } return out.join(' '); };
  const texts = Array.from({ length: 2000 }, text), held = Array.from({ length: 100 }, text);
  const tokenizer = { bosTokenId: 0, padTokenId: 1, eosTokenId: 2, maskTokenId: 3, vocabSize: V + 4,
    encodeText: (t) => t.split(' ').map((w) => 4 + Number(w.slice(1))), isSpecialId: (id) => id < 4 };
  const model = RobertaForMaskedLM.fromConfig(offlineModelConfig(V + 4, { max_position_embeddings: 66, hidden_dropout_prob: dropout, attention_probs_dropout_prob: dropout }), { seed: 1 });
  const p = new Pretrainer({ model, tokenizer, texts, heldOutTexts: held, maxLength: 64, batchSize: 16, maxSteps: steps, learningRate: lr, warmupRatio: 0.05, progress: false, log: () => {} });
  const r = await p.fit();
  const l = r.losses; console.log(JSON.stringify({ lr, dropout, first: l.slice(0, 5).map((x) => x.toFixed(2)), last: l.slice(-5).map((x) => x.toFixed(2)), heldOut: r.heldOut }));
})();
