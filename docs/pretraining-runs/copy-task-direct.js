// Our model and AdamW on PyTorch-style copy-task batches (fresh texts each batch, Bernoulli masking, no packing),
// printing held-out masked accuracy every EVERY steps. TT_ZERO=1 zeroes the token-type embedding first.
// usage (repository root, after npm run build): [TT_ZERO=1] node docs/pretraining-runs/copy-task-direct.js LR STEPS EVERY DROPOUT
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const tf = require('@tensorflow/tfjs');
const { initBackend } = require(`${D}/backend`);
const { offlineModelConfig } = require(`${D}/model/config`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
const { AdamOptimizer } = require(`${D}/optimizer`);
const { makeSchedule } = require(`${D}/schedule`);
const { mulberry32 } = require(`${D}/random`);
const lr = Number(process.argv[2] ?? 1e-3), steps = Number(process.argv[3] ?? 2000), every = Number(process.argv[4] ?? 500), dropout = Number(process.argv[5] ?? 0.1);
const V = 104;
(async () => {
  await initBackend('wasm');
  const rng = mulberry32(7);
  const text = () => { const out = []; for (let i = 0; i < 30; i++) { const w = 4 + Math.floor(rng() * 100); out.push(w, w); } return out; };
  const batch = (n) => {
    const ids = [], inp = [], lab = [];
    for (let b = 0; b < n; b++) {
      const row = [0, ...text(), 2];
      for (let t = 0; t < row.length; t++) {
        let x = row[t], l = -100;
        if (t > 0 && t < row.length - 1 && rng() < 0.15) {
          l = row[t]; const r = rng();
          if (r < 0.8) x = 3; else if (r < 0.9) x = Math.floor(rng() * V);
        }
        inp.push(x); lab.push(l);
      }
    }
    const T = 62;
    return { inputIds: tf.tensor2d(inp, [n, T], 'int32'), attentionMask: tf.ones([n, T], 'int32'), labels: tf.tensor2d(lab, [n, T], 'int32') };
  };
  const model = RobertaForMaskedLM.fromConfig(offlineModelConfig(V, { max_position_embeddings: 66, hidden_dropout_prob: dropout, attention_probs_dropout_prob: dropout }), { seed: Number(process.env.SEED ?? 1) });
  if (process.env.TT_ZERO) { const tt = model.parameters.get("roberta.embeddings.token_type_embeddings.weight"); tt.assign(tf.zerosLike(tt)); }
  const opt = new AdamOptimizer(model.parameters, { name: 'adamw', learningRate: lr, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.01 });
  const schedule = makeSchedule({ name: 'linear', learningRate: lr, totalSteps: steps, warmupSteps: Math.floor(0.05 * steps) });
  const held = batch(100);
  const accuracy = () => tf.tidy(() => {
    const logits = model.forward({ inputIds: held.inputIds, attentionMask: held.attentionMask }, { training: false });
    const pred = logits.argMax(-1).dataSync(), lab = held.labels.dataSync();
    let ok = 0, n = 0; lab.forEach((l, i) => { if (l !== -100) { n++; if (pred[i] === l) ok++; } });
    return ok / n;
  });
  const vars = [...model.parameters.values()];
  const started = Date.now(); const losses = [];
  for (let s = 0; s < steps; s++) {
    const b = batch(16);
    const { value, grads } = tf.variableGrads(() => model.maskedLmLoss({ inputIds: b.inputIds, attentionMask: b.attentionMask }, b.labels, { training: true, dropoutSeed: 1000 + s }), vars);
    const byName = new Map(); for (const [name, v] of model.parameters) byName.set(name, grads[v.name]);
    opt.learningRate = schedule(s); opt.step(byName);
    losses.push(value.dataSync()[0]); tf.dispose([value, ...Object.values(grads), b.inputIds, b.attentionMask, b.labels]);
    if ((s + 1) % every === 0) console.log(JSON.stringify({ step: s + 1, loss: (losses.slice(-50).reduce((a, x) => a + x, 0) / 50).toFixed(3), acc: accuracy().toFixed(3), sec: ((Date.now() - started) / 1000).toFixed(0) }));
  }
})();
