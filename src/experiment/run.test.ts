// The protocol (docs/METHOD.md §7) and determinism, on a small synthetic dataset.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { ExperimentSchema } from '../config/schema.js';
import { drawSplit, noisySample } from '../data/prepare.js';
import type { RawDataset } from '../data/types.js';
import { runExperiment, targetBins } from './run.js';
import { syntheticImages } from './testing/images.js';
import { ROOT } from './testing/paths.js';

export { syntheticImages };

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 40, turns: 2, stepsPerTurn: 300, lr: 0.05,
    methods: ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'weight-decay-0.001'], seed: 3, ...overrides,
  });
}

test('training list: n draws with replacement; test set: exactly the complement, ascending', () => {
  const { train, test: testSet } = drawSplit(100, 100, new Rng(1, 'split'));
  assert.equal(train.length, 100);
  const distinct = new Set(train);
  // 100 draws from 100: the chance of no repeat is 100!/100^100 ≈ 1e-42.
  assert.ok(distinct.size < 100, 'duplicates stay in the training list');
  for (let i = 0; i < 100; i++) assert.equal(distinct.has(i), !testSet.includes(i), `index ${i}`);
  assert.equal(distinct.size + testSet.length, 100);
  for (let k = 1; k < testSet.length; k++) assert.ok(testSet[k] > testSet[k - 1]);
});

test('noise is fresh per input and per call; images are clamped to [0, 1], tables are not', () => {
  const x = new Float32Array([0, 0.5, 1, 0.2]);
  const rng = new Rng(2, 'noise');
  const a = new Float64Array(4);
  const b = new Float64Array(4);
  noisySample(x, 0, 4, 0.3, true, rng, a);
  noisySample(x, 0, 4, 0.3, true, rng, b);
  assert.notDeepEqual(a, b, 'the same input gets new noise each time');
  assert.ok(new Set(a).size > 1);
  let below = 0, above = 0;
  const out = new Float64Array(4);
  for (let k = 0; k < 2000; k++) {
    noisySample(x, 0, 4, 0.3, true, rng, out);
    for (const v of out) assert.ok(v >= 0 && v <= 1);
    noisySample(x, 0, 4, 0.3, false, rng, out);
    for (const v of out) { if (v < 0) below++; if (v > 1) above++; }
  }
  assert.ok(below > 0 && above > 0, 'tabular inputs keep values outside [0, 1]');
  // Noise level: the unclamped deviation of the 0.5 pixel has sd σ.
  let ss = 0;
  const N = 20000;
  for (let k = 0; k < N; k++) { noisySample(x, 0, 4, 0.3, false, rng, out); ss += (out[1] - 0.5) ** 2; }
  assert.ok(Math.abs(Math.sqrt(ss / N) - 0.3) < 0.3 * 5 * Math.sqrt(1 / (2 * N)));
});

test('same config and seed give identical numbers; another seed gives other numbers', () => {
  const data = syntheticImages(300, 11);
  const a = runExperiment(config(), data, { keepParams: true });
  const b = runExperiment(config(), data, { keepParams: true });
  assert.deepEqual(a.methods, b.methods);
  assert.deepEqual(a.order, b.order);
  const c = runExperiment(config({ seed: 4 }), data, { keepParams: true });
  assert.notDeepEqual(a.order, c.order);
  assert.notDeepEqual(a.methods.dwm.final, c.methods.dwm.final);
});

test('one run: every method starts from the same effective weights, metrics per turn, learning happens', () => {
  const data = syntheticImages(300, 12);
  const r = runExperiment(config({ turns: 3 }), data, { keepParams: true });
  const ref = r.methods.sgd.initial!;
  for (const [m, res] of Object.entries(r.methods)) {
    res.initial!.forEach((layer, l) => assert.deepEqual(layer.W, ref[l].W, `${m} layer ${l}`));
    assert.equal(res.perTurn.length, 3);
    assert.equal(res.clean, res.perTurn[2]);
    assert.equal(r.points.length, 1, 'one evaluation point: the config σ');
    assert.ok(res.at[0].value >= 0 && res.at[0].value <= 1);
    // Three well-separated classes: far above the 1/3 of guessing after 900 steps.
    assert.ok(res.clean > 0.8, `${m} reached ${res.clean}`);
  }
  const dwm = r.methods.dwm.initial!;
  assert.ok(dwm[0].W2!.every((v) => v === 0), 'W2 starts at 0');
  assert.deepEqual(dwm[0].W1, ref[0].W);
  assert.equal(r.trainSize, 40);
  assert.equal(r.testSize + r.distinctTrain, 300);
  for (const i of r.order) assert.ok(r.split.train.includes(i), 'every step trains on a listed sample');
});

test('classification is scored per class: the counts add up to the overall accuracy', () => {
  const data = syntheticImages(400, 13);
  const r = runExperiment(config({ turns: 1 }), data);
  const counts = r.testClassCounts!;
  assert.equal(counts.reduce((a, b) => a + b, 0), r.testSize);
  for (const res of Object.values(r.methods)) {
    for (const which of ['clean', 'noisy'] as const) {
      const per = which === 'clean' ? res.perClass! : res.at[0].perClass!;
      const correct = per.reduce((s, acc, c) => s + acc * counts[c], 0);
      const overall = which === 'clean' ? res.clean : res.at[0].value;
      assert.ok(Math.abs(correct / r.testSize - overall) < 1e-12);
      const balanced = which === 'clean' ? res.balanced! : res.at[0].balanced!;
      assert.ok(Math.abs(balanced - per.reduce((a, b) => a + b, 0) / per.length) < 1e-12);
    }
  }
});

test('imbalance and label noise reach the run: class counts of the training list, corrupted entries', () => {
  const data = syntheticImages(600, 14);
  const r = runExperiment(config({
    trainSize: 300, turns: 1, imbalance: { profile: 'step', ratio: 0.1, minority: [2], test: 'balanced' },
    labelNoise: { fraction: 0.2 },
  }), data);
  const [c0, c1, c2] = r.trainClassCounts!;
  assert.equal(c0 + c1 + c2, 300);
  // Class 2 weighs 0.1 against 1 and 1: expected share 1/21 ≈ 14 of 300.
  assert.ok(c2 < 40, `minority class drew ${c2}`);
  assert.equal(r.testSet, 'balanced');
  assert.equal(new Set(r.testClassCounts).size, 1);
  assert.ok(r.corruptedLabels! > 20 && r.corruptedLabels! < 100, `corrupted ${r.corruptedLabels}`);
  assert.throws(() => runExperiment(config({ imbalance: { profile: 'step', ratio: 0.5, bins: 4 } }), data), /imbalance\.bins: .* has classes/);
});

test('the default normalisation is `train`: a run without the key equals one with `normalize: train`, not `paper`', () => {
  const rng = new Rng(22, 'synthetic');
  const size = 200;
  const x = new Float32Array(size * 2);
  const y = new Float32Array(size);
  // Shifted, skewed columns, so that whole-table and training-list statistics differ.
  for (let i = 0; i < size; i++) {
    const a = rng.uniform() ** 3 * 10 + 5;
    const b = rng.normal();
    x[i * 2] = a;
    x[i * 2 + 1] = b;
    y[i] = 2 * a - b + rng.normal();
  }
  const raw: RawDataset = {
    name: 'synthetic-regression', kind: 'tabular', task: 'regression', size, nInputs: 2, nOutputs: 1, x, y,
    origin: { kind: 'path', location: '(generated in the test)' }, description: 'synthetic regression',
  };
  const base = { methods: ['sgd'], trainSize: 50, turns: 1, lr: 0.01 };
  const byDefault = runExperiment(config({ ...base, dataset: { name: 'california-housing' } }), raw);
  assert.equal(config({ dataset: { name: 'california-housing' } }).dataset.normalize, 'train');
  assert.equal(byDefault.normalize, 'train');
  const train = runExperiment(config({ ...base, dataset: { name: 'california-housing', normalize: 'train' } }), raw);
  const paper = runExperiment(config({ ...base, dataset: { name: 'california-housing', normalize: 'paper' } }), raw);
  assert.deepEqual(byDefault.methods, train.methods);
  assert.notDeepEqual(byDefault.methods.sgd.clean, paper.methods.sgd.clean);
});

test('imbalance on a regression set: equal-count target bins play the classes; per-bin MSE adds up', () => {
  const rng = new Rng(21, 'synthetic');
  const size = 500;
  const x = new Float32Array(size * 3);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let t = 0;
    for (let c = 0; c < 3; c++) { const v = rng.normal(); x[i * 3 + c] = v; t += (c + 1) * v; }
    y[i] = t + 0.3 * rng.normal();
  }
  const raw: RawDataset = {
    name: 'synthetic-regression', kind: 'tabular', task: 'regression', size, nInputs: 3, nOutputs: 1, x, y,
    origin: { kind: 'path', location: '(generated in the test)' }, description: 'synthetic regression',
  };
  const bins = targetBins(y, size, 5);
  const counts = [0, 0, 0, 0, 0];
  for (const b of bins) counts[b]++;
  assert.deepEqual(counts, [100, 100, 100, 100, 100]);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) if (y[i] < y[j]) assert.ok(bins[i] <= bins[j]);

  const r = runExperiment(config({
    methods: ['dwm', 'sgd'], trainSize: 300, turns: 1, lr: 0.01, dataset: { name: 'california-housing', normalize: 'paper' },
    imbalance: { profile: 'longtail', ratio: 0.05, bins: 5, test: 'balanced' },
  }), raw);
  const train = r.trainClassCounts!;
  assert.equal(train.reduce((a, b) => a + b, 0), 300);
  // Weights 1, 0.47, 0.22, 0.11, 0.05: the lowest bin is drawn far more often than the highest.
  assert.ok(train[0] > 3 * train[4], `bins drawn ${train}`);
  assert.equal(new Set(r.testClassCounts).size, 1, 'balanced test set: the same count per bin');
  for (const res of Object.values(r.methods)) {
    const per = res.perClass!;
    const total = per.reduce((s, mse, b) => s + mse * r.testClassCounts![b], 0) / r.testSize;
    assert.ok(Math.abs(total - res.clean) < 1e-12 * Math.max(1, res.clean));
    assert.ok(Math.abs(res.at[0].balanced! - res.at[0].perClass!.reduce((a, b) => a + b, 0) / 5) < 1e-12);
  }
});

test('split: authors trains on numpy\'s list for the dataset and n whatever the seed; the seed still drives init and order', () => {
  // A synthetic pool of the authors' CIFAR-10 size (MAXNUM 10,000) standing in for data_batch_1.
  const data = syntheticImages(10_000, 11);
  const numpy = JSON.parse(readFileSync(join(ROOT, 'src', 'data', 'testing', 'numpy-legacy.json'), 'utf8')) as {
    authors: { dataset: string; n: number; indices: number[] }[];
  };
  const expected = numpy.authors.find((a) => a.dataset === 'cifar-10' && a.n === 100)!.indices;
  const small = { dataset: { name: 'cifar-10' }, trainSize: 100, turns: 1, stepsPerTurn: 50, methods: ['sgd'] };
  const a = runExperiment(config({ ...small, split: 'authors', seed: 3 }), data, { keepParams: true });
  const b = runExperiment(config({ ...small, split: 'authors', seed: 4 }), data, { keepParams: true });
  const drawn = runExperiment(config({ ...small, seed: 3 }), data, { keepParams: true });
  assert.deepEqual([...a.split.train], expected);
  assert.deepEqual([...b.split.train], expected, 'the same list for another seed');
  assert.equal(a.distinctTrain, new Set(expected).size);
  assert.equal(a.testSize, 10_000 - new Set(expected).size, 'the test set is the complement');
  assert.notDeepEqual([...drawn.split.train], expected, 'without split the seed draws the list');
  assert.deepEqual(a.methods.sgd.initial, drawn.methods.sgd.initial, 'the same seed gives the same initial network');
  assert.notDeepEqual(a.methods.sgd.initial, b.methods.sgd.initial, 'another seed another one');
  assert.notDeepEqual([...a.order], [...b.order]);
  // A pool of another size than the authors' MAXNUM is refused, naming split.
  assert.throws(() => runExperiment(config({ ...small, split: 'authors' }), syntheticImages(9_999, 11)),
    /^UserError: split: authors: the loaded cifar-10 pool holds 9999 samples, the authors' \(MAXNUM in classification_cifar10\.ipynb\) 10000$/);
});
