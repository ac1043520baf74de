// Evaluation axes (src/data/eval-axes/): the points of a run, what each transform does to a test
// input, and that a point's value equals the one of a run evaluated there alone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trainable } from '../core/model.js';
import { Rng } from '../core/rng.js';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints, isIdentity, pointId } from '../data/eval-axes/index.js';
import { noisySample, normalize } from '../data/prepare.js';
import { evaluateAt } from './evaluate.js';
import { runExperiment } from './run.js';
import { syntheticImages } from './testing/images.js';

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 40, turns: 2, stepsPerTurn: 300, lr: 0.05, methods: ['dwm', 'sgd'], seed: 3, ...overrides,
  });
}

/** A model that scores nothing but keeps every input row it is shown (float32, as the engines get them). */
function recorder(nInputs: number): Trainable & { rows: Float32Array[] } {
  const rows: Float32Array[] = [];
  return {
    id: 'recorder', engine: 'reference', rows,
    step: () => 0,
    params: () => [],
    score(x: Float32Array, indices: Int32Array, count: number) {
      for (let k = 0; k < count; k++) rows.push(x.slice(indices[k] * nInputs, indices[k] * nInputs + nInputs));
      return 0;
    },
  } as unknown as Trainable & { rows: Float32Array[] };
}

test('the points of a run: the config σ alone, or the product of the evaluate axes, first axis slowest', () => {
  assert.deepEqual(evalPoints(config()), [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }]);
  assert.deepEqual(evalPoints(config({ evaluate: { 'mask.fraction': [0.5] } })), [{ 'noise.sigma': 0, 'mask.fraction': 0.5 }], 'an axis evaluate does not list is at its identity');
  const pts = evalPoints(config({ evaluate: { 'noise.sigma': [0, 0.5], 'mask.fraction': [0, 0.25, 0.5] } }));
  assert.equal(pts.length, 6);
  assert.deepEqual(pts.map(pointId).slice(0, 3), ['noise.sigma=0 mask.fraction=0', 'noise.sigma=0 mask.fraction=0.25', 'noise.sigma=0 mask.fraction=0.5']);
  assert.ok(isIdentity(pts[0]) && !isIdentity(pts[1]));
  assert.throws(() => config({ evaluate: { 'colour': [1] } }), /not an evaluation axis/);
  assert.throws(() => config({ evaluate: { 'mask.fraction': [0.5, 0.5] } }), /must not repeat/);
  assert.throws(() => config({ evaluate: { 'mask.fraction': [2] } }), /above 1/);
});

test('the noise axis gives each input the same noise as noisySample from a fresh noise stream, in test order', () => {
  const raw = syntheticImages(50, 4);
  const data = normalize(raw, 'paper', new Int32Array([0]), 0.1);
  const test = Int32Array.from({ length: 30 }, (_, i) => i + 10);
  const m = recorder(data.nInputs);
  evaluateAt([m], data, test, 'accuracy', { 'noise.sigma': 0.4 }, 7, null);
  const rng = new Rng(7, 'noise');
  const want = new Float64Array(data.nInputs);
  test.forEach((i, k) => {
    noisySample(data.x, i, data.nInputs, 0.4, true, rng, want);
    assert.deepEqual(Array.from(m.rows[k]), Array.from(Float32Array.from(want)), `input ${i}`);
  });
});

test('the mask axis zeroes round(fraction × features) distinct features per input, chosen afresh; noise first, then zeros', () => {
  const raw = syntheticImages(200, 5);
  // Every feature non-zero, so a zero can only come from the mask.
  for (let i = 0; i < raw.x.length; i++) raw.x[i] = 0.25 + 0.5 * (i % 2);
  const data = normalize(raw, 'paper', new Int32Array([0]), 0.1);
  const test = Int32Array.from({ length: 200 }, (_, i) => i);
  const masked = recorder(12);
  evaluateAt([masked], data, test, 'accuracy', { 'mask.fraction': 0.25 }, 9, null);
  const patterns = new Set<string>();
  for (const row of masked.rows) {
    assert.equal(row.filter((v) => v === 0).length, 3, 'round(0.25 × 12) = 3 zeros');
    patterns.add(Array.from(row, (v) => (v === 0 ? 1 : 0)).join(''));
  }
  assert.ok(patterns.size > 50, `a fresh choice per input (${patterns.size} patterns in 200 inputs)`);
  // Both axes: the noise stream is the noise axis's alone, so unmasked features carry the same noise.
  const noisy = recorder(12);
  evaluateAt([noisy], data, test, 'accuracy', { 'noise.sigma': 0.2 }, 9, null);
  const both = recorder(12);
  evaluateAt([both], data, test, 'accuracy', { 'noise.sigma': 0.2, 'mask.fraction': 0.25 }, 9, null);
  both.rows.forEach((row, k) => row.forEach((v, f) => assert.equal(v, masked.rows[k][f] === 0 ? 0 : noisy.rows[k][f], `input ${k} feature ${f}`)));
  // Fraction 0 leaves every input as it is, drawing nothing.
  const none = recorder(12);
  evaluateAt([none], data, test, 'accuracy', { 'mask.fraction': 0 }, 9, null);
  none.rows.forEach((row, k) => assert.deepEqual(Array.from(row), Array.from(data.x.subarray(k * 12, k * 12 + 12))));
});

test('a point of a swept run has the value of a run evaluated at that point alone; the identity point is the clean value', () => {
  const data = syntheticImages(300, 12);
  const swept = runExperiment(config({ evaluate: { 'noise.sigma': [0, 0.3, 0.8], 'mask.fraction': [0, 0.5] } }), data);
  assert.equal(swept.points.length, 6);
  for (const [k, p] of swept.points.entries()) {
    const alone = runExperiment(config({ evaluate: { 'noise.sigma': [p['noise.sigma']], 'mask.fraction': [p['mask.fraction']] } }), data);
    for (const m of ['dwm', 'sgd']) {
      assert.equal(swept.methods[m].at[k].value, alone.methods[m].at[0].value, `${m} at ${pointId(p)}`);
      assert.deepEqual(swept.methods[m].at[k].perClass, alone.methods[m].at[0].perClass);
    }
    if (isIdentity(p)) for (const m of ['dwm', 'sgd']) assert.equal(swept.methods[m].at[k].value, swept.methods[m].clean);
  }
  // Noise hurts: at σ = 0.8 with half the pixels zeroed, accuracy is below the clean one.
  assert.ok(swept.methods.sgd.at[5].value < swept.methods.sgd.clean);
});
