// The per-step cost model (step-cost.ts) against counts worked by hand on a tiny network, its
// ordering of the rules, adam's subnormal tail, and its use by the planner's cost and the shards.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodSpec, type MethodEntry } from '../config/methods.js';
import { ExperimentSchema } from '../config/schema.js';
import { runCost, type RunSpec } from './plan.js';
import { assignShards, estimatedCost, shardRuns } from './shard.js';
import {
  diagnosticUnits, DROPOUT_PER_UNIT, evalUnitsPerInput, inputDensity, NOISE_PER_INPUT, REFERENCE_FEATURE, REFERENCE_MAC, SQRT_DIV,
  STEP_FIXED, stepCost, SUBNORMAL, subnormalFrom, trainingUnits,
} from './step-cost.js';

const spec = (entry: MethodEntry) => methodSpec(entry, 0.001);

test('the measured constants are the figures the hand counts below use (time ÷ 0.1 ns)', () => {
  assert.equal(SQRT_DIV, 17);
  assert.equal(NOISE_PER_INPUT, 270);
  assert.equal(DROPOUT_PER_UNIT, 450);
  assert.equal(STEP_FIXED, 2000);
  assert.equal(REFERENCE_MAC, 3);
  assert.equal(REFERENCE_FEATURE, 10);
  assert.deepEqual(SUBNORMAL, { adam: 40, momentum: 8 });
});

// 4-3-2: layer 0 has 4 inputs and 3 units, padded to P0 = 8 float64 lanes = 4 vectors a row;
// layer 1 has 2 rows of the padded width 8 = 4 vectors each, 8 vectors in all.
const SIZES = [4, 3, 2];

test('stepCost on 4-3-2: sgd, dense and sparse inputs (hand-worked)', () => {
  // density 0.5: 2 non-zero inputs, 2·2 < 4 is false, so the update is fused into the next read.
  //   forward:  gather 3.5·4 = 14, layer 0 2 rows × 4 vectors × 3.5 = 28, layer 1 8 × 3.5 = 28 → 70
  //   backward: 8 × 5 = 40
  //   update:   layer 0 2 × 4 × 3.5 = 28, layer 1 8 × 5 = 40 → 68
  const dense = stepCost(SIZES, spec('sgd'), 0.5);
  assert.deepEqual(dense, { forward: 70, backward: 40, update: 68, options: 0, fixed: 2000, total: 2178 });
  // density 0.25: 1 non-zero input, sparse: the deferred update goes two rows a pass at 5 a vector.
  //   forward 14 + 1 × 4 × 3.5 + 28 = 56; update 1 × 4 × 5 + 40 = 60
  const sparse = stepCost(SIZES, spec('sgd'), 0.25);
  assert.deepEqual(sparse, { forward: 56, backward: 40, update: 60, options: 0, fixed: 2000, total: 2156 });
  // l2 and label smoothing: the forward and layer-0 update of sgd; l2's layer 1 pays the decay (8 a vector).
  assert.equal(stepCost(SIZES, spec('l2-0.01'), 0.5).update, 28 + 8 * 8);
  assert.equal(stepCost(SIZES, spec({ name: 'ls', rule: 'sgd', train: { labelSmoothing: 0.1 } }), 0.5).total, 2178);
});

test('stepCost on 4-3-2: the rules that update every weight (hand-worked)', () => {
  // adam: every input row (4), each 3 to splat the input + 4 vectors × (24 + 17); layer 1 8 × 41.
  //   update = 4 × (3 + 164) + 328 = 996; total 70 + 40 + 996 + 2000 = 3106
  assert.deepEqual(stepCost(SIZES, spec('adam'), 0.5), { forward: 70, backward: 40, update: 996, options: 0, fixed: 2000, total: 3106 });
  // The dense update does not depend on the input: at density 0.25 only the forward pass shrinks (56).
  assert.equal(stepCost(SIZES, spec('adam'), 0.25).update, 996);
  assert.equal(stepCost(SIZES, spec('adam'), 0.25).forward, 56);
  // momentum: the live lanes only (3 units → 2 vectors): 4 × (3 + 2 × 9.5) = 88, layer 1 8 × 10 = 80 → 168
  assert.equal(stepCost(SIZES, spec('momentum'), 0.5).update, 168);
  // sgd-gated-decay: 4 × (3 + 4 × 8) = 140, layer 1 8 × 6 = 48 → 188
  assert.equal(stepCost(SIZES, spec('sgd-gated-decay'), 0.5).update, 188);
});

test('stepCost on 4-3-2: dwm and the training options (hand-worked)', () => {
  // dwm: layer-0 rows twice as wide ([V1 | V2], 8 vectors): forward 14 + 2 × 8 × 3.5 + 28 = 98;
  // update 2 rows × 0.6 × 8 vectors × 3.5 = 33.6 plus layer 1 8 × 9 = 72 → 105.6
  const dwm = stepCost(SIZES, spec('dwm'), 0.5);
  assert.equal(dwm.forward, 98);
  assert.ok(Math.abs(dwm.update - 105.6) < 1e-9, `${dwm.update}`);
  assert.equal(stepCost(SIZES, spec('dwm-stable'), 0.5).total, dwm.total);
  // Input noise makes every input non-zero (4 rows, fused) and draws 4 values:
  //   forward 14 + 4 × 4 × 3.5 + 28 = 98; update 4 × 4 × 3.5 + 40 = 96; options 4 × 270 = 1080
  assert.deepEqual(stepCost(SIZES, spec({ name: 'n', rule: 'sgd', train: { inputNoise: 0.3 } }), 0.25),
    { forward: 98, backward: 40, update: 96, options: 1080, fixed: 2000, total: 3314 });
  // Dropout: one draw per hidden unit (3 × 450).
  assert.equal(stepCost(SIZES, spec({ name: 'd', rule: 'sgd', train: { dropout: 0.2 } }), 0.5).options, 1350);
  // Max-norm: layer 0 4 × 3 weights × 6, layer 1 3 × 2 weights × 3 → 90; dwm's layer 0 × 11 → 150.
  assert.equal(stepCost(SIZES, spec({ name: 'm', rule: 'sgd', train: { maxNorm: 3 } }), 0.5).options, 90);
  assert.equal(stepCost(SIZES, spec({ name: 'm', rule: 'dwm', train: { maxNorm: 3 } }), 0.5).options, 4 * 3 * 11 + 6 * 3);
});

test('stepCost orders the rules as their kernels do, on the MNIST and CIFAR-10 shapes', () => {
  for (const [sizes, density] of [[[784, 64, 32, 10], inputDensity('mnist')], [[3072, 64, 32, 10], inputDensity('cifar-10')]] as const) {
    const c = (e: MethodEntry) => stepCost(sizes, spec(e), density).total;
    const sgd = c('sgd');
    assert.ok(c('adam') > c('momentum') && c('momentum') > sgd, `${sizes}: adam ${c('adam')}, momentum ${c('momentum')}, sgd ${sgd}`);
    assert.ok(c('sgd-gated-decay') > sgd && c('dwm') > sgd);
    assert.ok(c({ name: 'n', rule: 'sgd', train: { inputNoise: 0.3 } }) > sgd);
    assert.ok(c({ name: 'm', rule: 'sgd', train: { maxNorm: 3 } }) > sgd);
    assert.equal(c('l2-0.01') >= sgd, true);
  }
  // Sparse MNIST inputs make sgd cheap; adam's update does not care: its ratio to sgd is larger on MNIST.
  const ratio = (sizes: number[], d: number) => stepCost(sizes, spec('adam'), d).total / stepCost(sizes, spec('sgd'), d).total;
  assert.ok(ratio([784, 64, 32, 10], 0.1912) > ratio([784, 64, 32, 10], 1));
});

test('the subnormal tail of adam and momentum: from step 6,724 at β = 0.9, priced per first-layer vector', () => {
  // 0.9^t falls below the smallest normal float64 2^-1022 between t = 6,723 and 6,724.
  assert.ok(0.9 ** 6723 >= 2 ** -1022 && 0.9 ** 6724 < 2 ** -1022);
  assert.equal(subnormalFrom(spec('adam')), 6724);
  assert.equal(subnormalFrom(spec('momentum')), 6724);
  // 0.5^1022 is 2^-1022 itself, the smallest normal: the first subnormal is at t = 1,023.
  assert.equal(subnormalFrom(spec({ name: 'a', rule: 'adam', params: { beta1: 0.5 } })), 1023);
  // β1 = 0 keeps no first moment; β2 = 0.999 reaches subnormals only at t = 707,...: ⌊1022 ln 2 / −ln 0.999⌋ + 1.
  assert.equal(subnormalFrom(spec({ name: 'a', rule: 'adam', params: { beta1: 0 } })), Math.floor((1022 * Math.log(2)) / -Math.log(0.999)) + 1);
  assert.ok(subnormalFrom(spec({ name: 'a', rule: 'adam', params: { beta1: 0 } })) > 700000);
  assert.equal(subnormalFrom(spec({ name: 'm', rule: 'momentum', params: { beta: 0 } })), Infinity);
  assert.equal(subnormalFrom(spec('sgd')), Infinity);
  assert.equal(subnormalFrom(spec('dwm')), Infinity);
  // The fast engines flush subnormal state (kernels.as flushSubnormal): no tail.
  assert.equal(trainingUnits(SIZES, spec('adam'), 0.5, 10000), 10000 * 3106);
  assert.equal(trainingUnits(SIZES, spec('momentum'), 0.5, 10000), 10000 * (70 + 40 + 168 + 2000));
  // The reference engine (priced as fast, two lanes) does not: 10,000 steps on 4-3-2, 3,276 of
  // them from step 6,724 on. adam: 4 rows × 4 padded vectors × 40 more each; momentum: 4 rows ×
  // 2 live vectors × 8.
  const ref = (m: string, steps: number) => trainingUnits(SIZES, spec(m), 0.5, steps, 'reference') - steps * stepCost(SIZES, spec(m), 0.5, 'reference').total;
  assert.equal(ref('adam', 10000), 3276 * 16 * 40);
  assert.equal(ref('momentum', 10000), 3276 * 8 * 8);
  assert.equal(ref('adam', 6000), 0);
  assert.equal(trainingUnits(SIZES, spec('sgd'), 0.5, 10000), 10000 * 2178);
});

test('evaluation and diagnostics units (hand-worked)', () => {
  // An input scored: a third of 3.5 units per first-layer weight: 3.5 × 4 × 3 / 3 = 14.
  assert.equal(evalUnitsPerInput(SIZES), 14);
  // Diagnostics: margins on min(10,000, 300) = 300 test inputs, the collapse check on 300, the
  // dead units on 50 training inputs; each 0.5 × 4 × 3 + 3 × 2 = 12 multiply-adds at 3 units
  // and 4 input features at 10: 36 + 40 = 76 an input.
  assert.equal(diagnosticUnits(SIZES, 0.5, 300, 50), 650 * 76);
  assert.equal(diagnosticUnits(SIZES, 0.5, 20000, 50), (10000 + 500 + 50) * 76);
  // A quarter non-zero: 0.25 × 4 × 3 + 6 = 9 multiply-adds: 27 + 40 = 67.
  assert.equal(diagnosticUnits(SIZES, 0.25, 300, 50), 650 * 67);
  // Regression has no margins: the collapse check and the dead units only.
  assert.equal(diagnosticUnits(SIZES, 0.5, 20000, 50, false), (500 + 50) * 76);
  assert.equal(inputDensity('csv'), 1);
  assert.equal(inputDensity('california-housing'), 1);
});

test('runCost sums each method\'s training, its evaluation passes and its diagnostics (hand-worked)', () => {
  // 4-3-2 (a classification shape given for a dataset of density 1), pool 1,000, n = 100,
  // validation 200 → test 700; 2 turns × 10,000 steps; testEvery last and the noisy test.
  const config = ExperimentSchema.parse({
    dataset: { name: 'california-housing' }, hidden: [3], trainSize: 100, turns: 2, stepsPerTurn: 10000,
    methods: ['sgd', 'adam'], validation: { size: 200 }, testEvery: 'last', noise: { sigma: 0.3 },
  });
  const cost = runCost({ config } as RunSpec, () => ({ nInputs: 4, nOutputs: 2, poolSize: 1000, task: 'classification' }));
  // density 1 (tabular): 4 rows, fused. sgd: forward 14 + 4 × 4 × 3.5 + 28 = 98, backward 40, update 56 + 40 = 96 → 2234 a step.
  // adam: forward 98, backward 40, update 996 → 3134 a step (no subnormal tail: the fast engine flushes it).
  const training = 20000 * 2234 + 20000 * 3134;
  // Scored per method: 2 test passes (the last turn, the noisy test: 1,400) and 2 validation
  // passes (400) at 14; diagnostics on 700 + 500 + 100 = 1,300 inputs, each (4 × 3 + 3 × 2)
  // multiply-adds at 3 and 4 input features at 10: 54 + 40 = 94.
  const after = 2 * ((1400 + 400) * 14 + 1300 * 94);
  assert.equal(cost, training + after);
});

test('shards are balanced by the rule-aware cost: one adam run weighs more than two sgd runs of its shape', () => {
  const run = (method: string, seed: number) => ({
    config: ExperimentSchema.parse({ dataset: { name: 'cifar-10' }, hidden: [64, 32], trainSize: 100, turns: 6, stepsPerTurn: 10000, methods: [method], seed, testEvery: 'never', validation: {} }),
  }) as RunSpec;
  const runs = [run('sgd', 1), run('adam', 2), run('sgd', 3)];
  const costs = runs.map(estimatedCost);
  assert.ok(costs[1] > costs[0] + costs[2], `adam ${costs[1]} against sgd ${costs[0]} + ${costs[2]}`);
  // Longest first to the least loaded shard: adam alone, both sgd runs together (equal costs would deal 0, 1, 0).
  assert.deepEqual(assignShards(costs, 2), [1, 0, 1]);
  assert.deepEqual(shardRuns(runs, { k: 1, n: 2 }).map((r) => r.config.methods[0]), ['adam']);
  assert.deepEqual(shardRuns(runs, { k: 2, n: 2 }).map((r) => r.config.methods[0]), ['sgd', 'sgd']);
});
