// Class imbalance and label noise of the training list, checked by counting with
// tolerances from the binomial spread.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { balanceTestSet, classWeights, corruptTargets, drawImbalancedSplit } from './prepare.js';

/** A balanced pool of 10 classes, 500 samples each, labels in a scrambled order. */
function pool(): Float32Array {
  const labels = new Float32Array(5000);
  for (let i = 0; i < 5000; i++) labels[i] = (i * 7) % 10;
  return labels;
}

/** |count − n·p| within 5 binomial standard deviations. */
function withinBinomial(count: number, n: number, p: number, what: string): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(count - n * p) <= 5 * sd + 1e-9, `${what}: ${count} vs expected ${(n * p).toFixed(1)} ± ${(5 * sd).toFixed(1)}`);
}

test('class weights: step puts the upper half at ratio; longtail decays geometrically from 1 to ratio', () => {
  assert.deepEqual(classWeights('step', 0.1, 10), [1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1]);
  assert.deepEqual(classWeights('step', 0.5, 4, [0]), [0.5, 1, 1, 1]);
  const tail = classWeights('longtail', 0.01, 3);
  assert.equal(tail[0], 1);
  assert.ok(Math.abs(tail[1] - 0.1) < 1e-12);
  assert.ok(Math.abs(tail[2] - 0.01) < 1e-12);
});

test('imbalanced training list: class counts follow the profile; the test set is the complement', () => {
  const labels = pool();
  const n = 20000;
  const weights = classWeights('step', 0.1, 10);
  const split = drawImbalancedSplit(labels, labels.length, n, weights, new Rng(1, 'split'));
  assert.equal(split.train.length, n);
  const counts = new Array(10).fill(0);
  for (const i of split.train) counts[labels[i]]++;
  const total = 5 * 1 + 5 * 0.1;
  counts.forEach((c, k) => withinBinomial(c, n, weights[k] / total, `class ${k}`));
  const inTrain = new Set(split.train);
  assert.equal(split.test.length + inTrain.size, labels.length);
  for (const i of split.test) assert.ok(!inTrain.has(i));
});

test('long-tail profile with ratio 0.01: counts follow ratio^(c/9)', () => {
  const labels = pool();
  const n = 30000;
  const weights = classWeights('longtail', 0.01, 10);
  const total = weights.reduce((a, b) => a + b, 0);
  const split = drawImbalancedSplit(labels, labels.length, n, weights, new Rng(2, 'split'));
  const counts = new Array(10).fill(0);
  for (const i of split.train) counts[labels[i]]++;
  counts.forEach((c, k) => withinBinomial(c, n, weights[k] / total, `class ${k}`));
});

test('a balanced test set has the same count in every class, all drawn from the complement', () => {
  const labels = pool();
  const split = drawImbalancedSplit(labels, labels.length, 3000, classWeights('step', 0.05, 10), new Rng(3, 'split'));
  const balanced = balanceTestSet(split.test, labels, 10, new Rng(3, 'test'));
  const counts = new Array(10).fill(0);
  for (const i of balanced) counts[labels[i]]++;
  assert.equal(new Set(counts).size, 1, `counts ${counts}`);
  const complement = new Set(split.test);
  for (const i of balanced) assert.ok(complement.has(i));
  for (let k = 1; k < balanced.length; k++) assert.ok(balanced[k] > balanced[k - 1]);
});

test('label noise: the corruption rate is the requested fraction; a corrupted label is always another class', () => {
  const n = 20000;
  const clean = Float32Array.from({ length: n }, (_, k) => k % 10);
  const noisy = clean.slice();
  const corrupted = corruptTargets(noisy, 'classification', 10, 0.3, 0, new Rng(4, 'labels'));
  let changed = 0;
  const newClass = new Array(10).fill(0);
  for (let k = 0; k < n; k++) {
    if (noisy[k] !== clean[k]) { changed++; newClass[(noisy[k] - clean[k] + 10) % 10]++; }
    assert.ok(Number.isInteger(noisy[k]) && noisy[k] >= 0 && noisy[k] < 10);
  }
  assert.equal(changed, corrupted, 'every corruption changes the label');
  withinBinomial(changed, n, 0.3, 'corrupted entries');
  // The replacement is uniform over the 9 other classes: offsets 1…9 equally often.
  assert.equal(newClass[0], 0);
  for (let d = 1; d < 10; d++) withinBinomial(newClass[d], changed, 1 / 9, `offset ${d}`);
});

test('label noise on regression targets adds N(0, σ²) to the chosen fraction', () => {
  const n = 20000;
  const t = new Float32Array(n).fill(0.25);
  const corrupted = corruptTargets(t, 'regression', 1, 0.5, 0.2, new Rng(5, 'labels'));
  withinBinomial(corrupted, n, 0.5, 'corrupted targets');
  let moved = 0, ss = 0;
  for (const v of t) if (v !== Math.fround(0.25)) { moved++; ss += (v - 0.25) ** 2; }
  assert.equal(moved, corrupted);
  const sd = Math.sqrt(ss / moved);
  assert.ok(Math.abs(sd - 0.2) < 0.2 * 5 * Math.sqrt(1 / (2 * moved)), `sd ${sd}`);
});
