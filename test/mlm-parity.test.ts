// RobertaForMaskedLM against Hugging Face transformers 4.25.1 (float32, eval mode) on the
// tiny-roberta-mlm fixture, on the wasm and cpu backends: logits at the masked positions (from the
// positions-only forward and from the full forward), the loss, gradients (the word embeddings'
// including the tied decoder's share) and three AdamW steps.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../lib/backend';
import { RobertaForMaskedLM, maskedPositions } from '../lib/model/roberta';
import { AdamOptimizer } from '../lib/optimizer';
import { FIXTURES_DIR } from './helpers/paths';
import { worstDifference } from './helpers/compare';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-mlm');

interface GradientSummary {
  shape?: number[];
  sum?: number;
  sum_sq?: number;
  abs_max?: number;
  values?: number[];
  full_tensor_sum?: number;
  full_tensor_sum_sq?: number;
}

interface Expected {
  batch: { input_ids: number[][]; attention_mask: number[][]; labels: number[][] };
  masked_positions: [number, number][];
  logits_at_masked_positions: number[][];
  loss: number;
  gradients: Record<string, GradientSummary>;
  adamw_steps: { lr: number; weight_decay: number; losses_before_each_step: number[]; loss_after_last_step: number };
}

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
const { input_ids: ids, attention_mask: mask, labels } = expected.batch;
const seq = ids[0].length;

function inputs(): { inputIds: tf.Tensor2D; attentionMask: tf.Tensor2D } {
  return { inputIds: tf.tensor2d(ids, undefined, 'int32'), attentionMask: tf.tensor2d(mask, undefined, 'int32') };
}

function maskedLoss(model: RobertaForMaskedLM): tf.Scalar {
  return model.maskedLmLoss(inputs(), tf.tensor2d(labels, undefined, 'int32'), { training: false });
}

for (const backend of ['wasm', 'cpu'] as BackendName[]) {
  test(`${backend}: logits at the masked positions, loss and gradients match transformers`, async () => {
    await initBackend(backend);
    const model = await RobertaForMaskedLM.fromPretrained(FIXTURE);
    try {
      assert.deepEqual(model.loadReport?.missing, []);
      assert.deepEqual(model.loadReport?.unused, []);
      const vocab = model.config.vocab_size;
      const picked = maskedPositions(labels.flat());
      assert.deepEqual(
        Array.from(picked.positions),
        expected.masked_positions.map(([row, col]) => row * seq + col),
      );

      const atPositions = tf.tidy(() =>
        model.forwardAtPositions(inputs(), tf.tensor1d(picked.positions, 'int32'), { training: false }).dataSync(),
      );
      const reference = expected.logits_at_masked_positions.flat();
      const d = worstDifference(atPositions, reference);
      assert.ok(
        d.diff <= 1e-5,
        `logits at masked positions: ${d.message} (position ${Math.floor(d.index / vocab)}, id ${d.index % vocab})`,
      );

      // The full forward gives the same logits at those positions.
      const full = tf.tidy(() => model.forward(inputs(), { training: false }).dataSync());
      const fromFull = new Float32Array(reference.length);
      picked.positions.forEach((p, i) => fromFull.set(full.subarray(p * vocab, (p + 1) * vocab), i * vocab));
      const dFull = worstDifference(fromFull, reference);
      assert.ok(dFull.diff <= 1e-5, `full-forward logits: ${dFull.message}`);

      const { value, grads } = tf.tidy(() => tf.variableGrads(() => maskedLoss(model), model.trainableVariables()));
      const loss = value.dataSync()[0];
      assert.ok(Math.abs(loss - expected.loss) <= 1e-5, `loss ${loss} vs ${expected.loss}`);

      for (const [name, summary] of Object.entries(expected.gradients)) {
        const variable = model.parameters.get(name);
        assert.ok(variable !== undefined, `no parameter ${name}`);
        const gradient = grads[variable.name].dataSync();
        let sum = 0;
        let sumSq = 0;
        let l1 = 0;
        for (const v of gradient) {
          sum += v;
          sumSq += v * v;
          l1 += Math.abs(v);
        }
        if (summary.values !== undefined && summary.abs_max !== undefined) {
          assert.deepEqual([...variable.shape], summary.shape, `${name}: shape`);
          const g = worstDifference(gradient, summary.values);
          assert.ok(g.diff / summary.abs_max <= 1e-4, `${name}: ${g.message} (${g.diff / summary.abs_max} of abs_max)`);
        }
        const refSumSq = summary.sum_sq ?? summary.full_tensor_sum_sq;
        const refSum = summary.sum ?? summary.full_tensor_sum;
        assert.ok(refSumSq !== undefined && refSum !== undefined, `${name}: the fixture has no sums`);
        assert.ok(Math.abs(sumSq - refSumSq) <= 1e-4 * refSumSq, `${name}: sum_sq ${sumSq} vs ${refSumSq}`);
        assert.ok(Math.abs(sum - refSum) <= 1e-4 * l1, `${name}: sum ${sum} vs ${refSum} (L1 ${l1})`);
      }
      tf.dispose([value, grads]);
    } finally {
      model.dispose();
    }
  });

  test(`${backend}: three AdamW steps follow transformers' losses`, async () => {
    await initBackend(backend);
    const model = await RobertaForMaskedLM.fromPretrained(FIXTURE);
    // torch.optim.AdamW over model.parameters(): one tensor for the tied weights, every tensor decayed.
    const optimizer = new AdamOptimizer(model.parameters, {
      name: 'adamw',
      learningRate: expected.adamw_steps.lr,
      weightDecay: expected.adamw_steps.weight_decay,
      noDecay: [],
    });
    try {
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const { value, grads } = tf.tidy(() => tf.variableGrads(() => maskedLoss(model), model.trainableVariables()));
        losses.push(value.dataSync()[0]);
        const byName = new Map<string, tf.Tensor>();
        for (const [name, variable] of model.parameters) byName.set(name, grads[variable.name]);
        optimizer.step(byName);
        tf.dispose([value, grads]);
      }
      losses.push(tf.tidy(() => maskedLoss(model).dataSync()[0]));
      const reference = [...expected.adamw_steps.losses_before_each_step, expected.adamw_steps.loss_after_last_step];
      const d = worstDifference(losses, reference);
      assert.ok(d.diff <= 2e-5, `losses ${JSON.stringify(losses)}: ${d.message} (after step ${d.index})`);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
}
