// Parity with Hugging Face transformers 4.25.1 + PyTorch 1.13.1 on the tiny-roberta-a fixture, on
// both the wasm and cpu backends: eval logits (padded and unpadded rows), hidden states, loss,
// gradient summaries, the padding rows' zero gradient, and a resave/reload round trip.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../lib/backend';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { FIXTURES_DIR } from './helpers/paths';
import { worstDifference } from './helpers/compare';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');

interface GradientSummary {
  shape: number[];
  sum: number;
  sum_sq: number;
  abs_max: number;
  values: number[];
  rows?: number[];
  full_tensor_sum?: number;
  full_tensor_sum_sq?: number;
}

interface Expected {
  batch: { input_ids: number[][]; attention_mask: number[][]; lengths: number[]; labels: number[] };
  logits: number[][];
  logits_unpadded_rows: number[][];
  loss: number;
  gradients: Record<string, GradientSummary>;
  debug: { hidden_states: { cls_first8: number[][]; sum_real_tokens: number; sum_sq_real_tokens: number }[] };
}

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Expected;

function inputs(ids: number[][], mask?: number[][]): { inputIds: tf.Tensor2D; attentionMask?: tf.Tensor2D } {
  return {
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    attentionMask: mask === undefined ? undefined : tf.tensor2d(mask, undefined, 'int32'),
  };
}

function evalLogits(model: RobertaForSequenceClassification, ids: number[][], mask?: number[][]): Float32Array {
  return tf.tidy(() => model.forward(inputs(ids, mask), { training: false }).dataSync() as Float32Array);
}

/** Rows of `values` ([rows, width]) picked by index, flattened. */
function pickRows(values: Float32Array, width: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/** Worst differences per backend, printed at the end for the README. */
const worstByBackend: Record<string, { logits: number; unpadded: number; loss: number; gradient: number }> = {};

for (const backend of ['wasm', 'cpu'] as BackendName[]) {
  test(`${backend}: eval logits, hidden states, loss and gradients match transformers`, async () => {
    await initBackend(backend);
    const worst = (worstByBackend[backend] = { logits: 0, unpadded: 0, loss: 0, gradient: 0 });
    const model = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
    try {
      assert.deepEqual(model.loadReport?.missing, []);
      assert.deepEqual(model.loadReport?.unexpected, []);
      const { input_ids: ids, attention_mask: mask, labels, lengths } = expected.batch;

      // Logits of the right-padded batch.
      const logits = evalLogits(model, ids, mask);
      const logitsDiff = worstDifference(logits, expected.logits.flat());
      worst.logits = Math.max(worst.logits, logitsDiff.diff);
      assert.ok(
        logitsDiff.diff <= 1e-5,
        `logits: worst |diff| ${logitsDiff.diff} at row ${Math.floor(logitsDiff.index / 2)}, label ` +
          `${logitsDiff.index % 2}`,
      );

      // Each row alone at its real length, without a mask.
      for (let row = 0; row < ids.length; row++) {
        const alone = evalLogits(model, [ids[row].slice(0, lengths[row])]);
        const d = worstDifference(alone, expected.logits_unpadded_rows[row]);
        worst.unpadded = Math.max(worst.unpadded, d.diff);
        assert.ok(d.diff <= 1e-5, `unpadded row ${row}: worst |diff| ${d.diff} at label ${d.index}`);
      }

      // Hidden states: <s> features and sums over real tokens, layer by layer.
      const states = model.hiddenStates(inputs(ids, mask));
      expected.debug.hidden_states.forEach((reference, layer) => {
        const values = states[layer].dataSync();
        const hidden = model.config.hidden_size;
        const seq = ids[0].length;
        const cls = ids.map((_, row) => Array.from(values.subarray(row * seq * hidden, row * seq * hidden + 8)));
        const d = worstDifference(cls.flat(), reference.cls_first8.flat());
        assert.ok(d.diff <= 1e-5, `hidden state ${layer}: <s> features differ by ${d.diff} at ${d.index}`);
        let sum = 0;
        let sumSq = 0;
        mask.forEach((maskRow, row) =>
          maskRow.forEach((m, t) => {
            if (m === 0) return;
            for (let j = 0; j < hidden; j++) {
              const v = values[(row * seq + t) * hidden + j];
              sum += v;
              sumSq += v * v;
            }
          }),
        );
        assert.ok(
          Math.abs(sum - reference.sum_real_tokens) <= 1e-4 * Math.abs(reference.sum_real_tokens) + 1e-3,
          `hidden state ${layer}: sum ${sum} vs ${reference.sum_real_tokens}`,
        );
        assert.ok(
          Math.abs(sumSq - reference.sum_sq_real_tokens) <= 1e-5 * reference.sum_sq_real_tokens,
          `hidden state ${layer}: sum_sq ${sumSq} vs ${reference.sum_sq_real_tokens}`,
        );
      });
      tf.dispose(states);

      // Loss and gradients, eval mode as in the fixture.
      const variables = model.trainableVariables();
      const { value, grads } = tf.tidy(() => {
        const x = inputs(ids, mask);
        const y = tf.tensor1d(labels, 'int32');
        return tf.variableGrads(() => model.loss(model.forward(x, { training: false }), y), variables);
      });
      const loss = value.dataSync()[0];
      worst.loss = Math.max(worst.loss, Math.abs(loss - expected.loss));
      // expected.loss is printed to 6 decimals.
      assert.ok(Math.abs(loss - expected.loss) <= 1e-6, `loss ${loss} vs ${expected.loss}`);

      for (const [name, summary] of Object.entries(expected.gradients)) {
        const variable = model.parameters.get(name);
        assert.ok(variable !== undefined, `no parameter ${name}`);
        const gradient = grads[variable.name].dataSync() as Float32Array;
        const width = variable.shape.length === 2 ? variable.shape[1] : 1;
        const actual = summary.rows === undefined ? gradient : pickRows(gradient, width, summary.rows);
        assert.deepEqual(
          summary.rows === undefined ? variable.shape : [summary.rows.length, width],
          summary.shape,
          `${name}: shape`,
        );
        // Element-wise, relative to the tensor's largest gradient (elements near zero have no relative scale).
        const d = worstDifference(actual, summary.values);
        const relative = d.diff / summary.abs_max;
        worst.gradient = Math.max(worst.gradient, relative);
        assert.ok(
          relative <= 1e-4,
          `${name}: worst |diff| ${d.diff} (${relative} of abs_max) at element ${d.index}: ${actual[d.index]} vs ` +
            `${summary.values[d.index]}`,
        );
        let sum = 0;
        let sumSq = 0;
        let l1 = 0;
        for (const v of gradient) {
          sum += v;
          sumSq += v * v;
          l1 += Math.abs(v);
        }
        assert.ok(
          Math.abs(sumSq - summary.sum_sq) <= 1e-4 * summary.sum_sq,
          `${name}: sum_sq ${sumSq} vs ${summary.sum_sq}`,
        );
        assert.ok(Math.abs(sum - summary.sum) <= 1e-4 * l1, `${name}: sum ${sum} vs ${summary.sum} (L1 ${l1})`);
        if (summary.full_tensor_sum_sq !== undefined) {
          assert.ok(
            Math.abs(sumSq - summary.full_tensor_sum_sq) <= 1e-4 * summary.full_tensor_sum_sq,
            `${name}: full-tensor sum_sq`,
          );
        }
        if (summary.rows !== undefined) {
          const padRow = gradient.subarray(model.config.pad_token_id * width, (model.config.pad_token_id + 1) * width);
          assert.ok(
            padRow.every((v) => v === 0),
            `${name}: the padding row received a gradient`,
          );
        }
      }
      tf.dispose([value, grads]);
    } finally {
      model.dispose();
    }
  });

  test(
    `${backend}: pytorch_model.bin loads the same weights as model.safetensors, and a resave reloads to identical ` +
      `logits`,
    async () => {
      await initBackend(backend);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roberta-parity-'));
      const fromSafetensors = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
      try {
        // A folder with only pytorch_model.bin forces the torch reader.
        const torchOnly = path.join(dir, 'torch-only');
        fs.mkdirSync(torchOnly);
        fs.copyFileSync(path.join(FIXTURE, 'config.json'), path.join(torchOnly, 'config.json'));
        fs.copyFileSync(path.join(FIXTURE, 'pytorch_model.bin'), path.join(torchOnly, 'pytorch_model.bin'));
        const fromTorch = await RobertaForSequenceClassification.fromPretrained(torchOnly);
        for (const [name, variable] of fromSafetensors.parameters) {
          const other = fromTorch.parameters.get(name);
          assert.ok(other !== undefined, name);
          assert.deepEqual(
            Array.from(other.dataSync()),
            Array.from(variable.dataSync()),
            `${name} differs between the two files`,
          );
        }
        fromTorch.dispose();

        const resaved = path.join(dir, 'resaved');
        await fromSafetensors.savePretrained(resaved);
        const reloaded = await RobertaForSequenceClassification.fromPretrained(resaved);
        const { input_ids: ids, attention_mask: mask } = expected.batch;
        const before = evalLogits(fromSafetensors, ids, mask);
        const after = evalLogits(reloaded, ids, mask);
        assert.deepEqual(Array.from(after), Array.from(before));
        assert.deepEqual(reloaded.loadReport?.missing, []);
        reloaded.dispose();
      } finally {
        fromSafetensors.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

after(() => {
  console.log(`worst differences (gradient: relative to each tensor's abs_max): ${JSON.stringify(worstByBackend)}`);
});
