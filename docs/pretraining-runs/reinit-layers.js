// A pretrained masked-LM body with some parameters put back to a fresh start (Hugging Face's seeded
// initialisation, seed 42): the parameters whose names match REGEX. For re-initialising top layers.
//   node docs/pretraining-runs/reinit-layers.js SOURCE OUT REGEX      (e.g. 'layer\.1\.' for the second layer)
const D = require('path').resolve(__dirname, '..', '..', 'dist', 'lib');
const { initBackend } = require(`${D}/backend`);
const { RobertaForMaskedLM } = require(`${D}/model/roberta`);
(async () => {
  await initBackend('wasm');
  const [src, out, pattern] = process.argv.slice(2);
  const model = await RobertaForMaskedLM.fromPretrained(src);
  const fresh = RobertaForMaskedLM.fromConfig(model.config, { seed: 42 });
  const freshParams = new Map([...fresh.parameters]);
  const re = new RegExp(pattern);
  const replaced = [];
  for (const [name, variable] of model.parameters) {
    if (re.test(name)) { variable.assign(freshParams.get(name)); replaced.push(name); }
  }
  await model.savePretrained(out);
  console.log(out, replaced.join(' '));
})();
