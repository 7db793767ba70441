import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeSchedule, warmupStepCount } from '../lib/schedule';

// Expected rates below are get_linear_schedule_with_warmup / get_constant_schedule_with_warmup's
// lr_lambda times the peak rate, worked out by hand for small step counts.

test('linear schedule with warm-up follows get_linear_schedule_with_warmup', () => {
  const lr = makeSchedule({ name: 'linear', learningRate: 1, totalSteps: 10, warmupSteps: 2 });
  const got = [0, 1, 2, 3, 6, 9, 10, 11].map(lr);
  assert.deepEqual(got, [0, 0.5, 1, 7 / 8, 4 / 8, 1 / 8, 0, 0]);
  const noWarmup = makeSchedule({ name: 'linear', learningRate: 2e-5, totalSteps: 4 });
  [2e-5, 1.5e-5, 1e-5, 0.5e-5].forEach((want, step) => {
    assert.ok(Math.abs(noWarmup(step) - want) < 1e-18, `step ${step}: ${noWarmup(step)} != ${want}`);
  });
});

test('warm-up ratio rounds up as Hugging Face does; explicit warm-up steps win over the ratio', () => {
  assert.equal(warmupStepCount({ name: 'linear', learningRate: 1, totalSteps: 10, warmupRatio: 0.25 }), 3);
  assert.equal(warmupStepCount({ name: 'linear', learningRate: 1, totalSteps: 10 }), 0);
  const both = { name: 'linear', learningRate: 1, totalSteps: 10, warmupSteps: 1, warmupRatio: 0.5 } as const;
  assert.equal(warmupStepCount(both), 1);
  const ratio = makeSchedule({ name: 'linear', learningRate: 1, totalSteps: 10, warmupRatio: 0.25 });
  // ceil(2.5) = 3 warm-up steps: 0, 1/3, 2/3, then the peak, then (10 - step) / 7.
  assert.deepEqual([0, 1, 2, 3, 4, 10].map(ratio), [0, 1 / 3, 2 / 3, 1, 6 / 7, 0]);
});

test('warm-up as long as the whole run: the rate climbs and never decays below 0', () => {
  const lr = makeSchedule({ name: 'linear', learningRate: 2, totalSteps: 2, warmupSteps: 2 });
  assert.deepEqual([0, 1, 2, 3].map(lr), [0, 1, 0, 0]);
});

test('constant schedule keeps the rate; with warm-up it climbs to it first', () => {
  const constant = makeSchedule({ name: 'constant', learningRate: 3, totalSteps: 5 });
  assert.deepEqual([0, 4, 99].map(constant), [3, 3, 3]);
  const warm = makeSchedule({ name: 'constant', learningRate: 4, totalSteps: 5, warmupSteps: 4 });
  assert.deepEqual([0, 1, 3, 4, 5, 50].map(warm), [0, 1, 3, 4, 4, 4]);
});

test('bad learning rates and step counts are named', () => {
  const linear = (learningRate: number, totalSteps: number) => (): unknown =>
    makeSchedule({ name: 'linear', learningRate, totalSteps });
  assert.throws(linear(0, 5), /^Error: schedule: learningRate must be > 0, got 0$/);
  assert.throws(linear(Number.NaN, 5), /learningRate must be > 0, got NaN/);
  assert.throws(linear(1, 0), /^Error: schedule: totalSteps must be >= 1, got 0$/);
  assert.throws(linear(1, Number.NaN), /totalSteps must be >= 1, got NaN/);
  assert.equal(makeSchedule({ name: 'linear', learningRate: 1, totalSteps: 1 })(0), 1);
});
