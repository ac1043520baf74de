// The scaling table's shapes, pools and working sets, and the wall-time scheduling, on
// hand-worked examples. Nothing here is timed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MNIST_LIKE_DENSITY, parameterCount, scalingHidden, scalingPool, workingSetBytes } from './scaling.js';
import type { Canary } from './quiet.js';
import { gridAtCRate, hours, QUIET_TRIES, quietly, wallSeconds } from './walltime.js';

test('depth 2 is one hidden layer [h], depth 3 two layers [h, h/2]', () => {
  assert.deepEqual(scalingHidden(64, 2), [64]);
  assert.deepEqual(scalingHidden(64, 3), [64, 32]);
  assert.deepEqual(scalingHidden(20, 3), [20, 10]);
});

test('parameters and working sets: 784-20-10 by hand', () => {
  // weights 784·20 + 20·10 = 15,880; biases 20 + 10 = 30
  assert.equal(parameterCount([784, 20, 10]), 15910);
  assert.equal(workingSetBytes([784, 20, 10], 'sgd'), 8 * 15910);
  // dwm: W and b as sgd, plus W1 and W2 of every weight matrix
  assert.equal(workingSetBytes([784, 20, 10], 'dwm'), 8 * 15910 + 16 * 15880);
});

test('scaling pools: dense tabular, sparse MNIST-like and dense images of the right shape', () => {
  const tab = scalingPool(8);
  assert.equal(tab.nInputs, 8);
  assert.equal(tab.nOutputs, 1);
  assert.equal(tab.loss, 'mse');
  assert.equal(tab.x.length, tab.y.length * 8);
  assert.ok(tab.x.every((v) => v !== 0), 'tabular features are dense');

  const sparse = scalingPool(784);
  const nonZero = sparse.x.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0) / sparse.x.length;
  // 1.57 million Bernoulli(0.19) draws: the share is 0.19 within a few parts in 10,000
  assert.ok(Math.abs(nonZero - MNIST_LIKE_DENSITY) < 0.002, `share of non-zero pixels ${nonZero}`);
  assert.ok(sparse.x.every((v) => v >= 0 && v <= 1));
  assert.ok(sparse.y.every((v) => Number.isInteger(v) && v >= 0 && v < 10));

  const dense = scalingPool(3072);
  assert.equal(dense.nOutputs, 10);
  assert.equal(dense.loss, 'softmax-ce');
  const mean = dense.x.reduce((a, v) => a + v, 0) / dense.x.length;
  assert.ok(Math.abs(mean - 0.5) < 0.002, `uniform pixels have mean 1/2, got ${mean}`);
  assert.equal(dense.train.length, 1000);
});

test('wall time on 2 workers: costliest first to the less loaded worker', () => {
  // 5 → A; 4 → B; 3 → B (4 < 5); 2 → A (5 < 7); 1 → A or B: loads 7 and 7, then 8
  assert.equal(wallSeconds([1, 2, 3, 4, 5], 2), 8);
  assert.equal(wallSeconds([10, 1, 1], 2), 10);
  assert.equal(wallSeconds([3], 2), 3);
  assert.equal(wallSeconds([], 2), 0);
});

test('quietly: a short run is kept when the canaries around it are quiet, tried again when not, the best of three marked', () => {
  // A canary whose runs return the listed shares of a fastest rate of 1.
  const fake = (shares: number[]) => {
    let k = 0;
    return { measure: () => shares[k++], share: (r: number) => r } as unknown as Canary;
  };
  let calls = 0;
  const timed = () => ++calls;
  assert.deepEqual(quietly(fake([0.95, 0.99]), timed), { value: 1, canaryShare: 0.95 });
  calls = 0;
  // First try: the canary after it at 0.5; the second quiet.
  assert.deepEqual(quietly(fake([0.99, 0.5, 0.97, 0.92]), timed), { value: 2, canaryShare: 0.92 });
  calls = 0;
  // Three disturbed tries: slower canaries 0.6, 0.8, 0.7; the second kept.
  assert.deepEqual(quietly(fake([0.6, 0.9, 0.95, 0.8, 0.7, 0.99]), timed), { value: 2, disturbed: true, canaryShare: 0.8 });
  assert.equal(calls, QUIET_TRIES);
  calls = 0;
  assert.deepEqual(quietly(null, timed), { value: 1 });
});

test('wall times print minutes to a tenth, so that 2.4 min does not read as 2', () => {
  assert.equal(hours(100), '100 s');
  assert.equal(hours(148.6), '2.5 min');
  assert.equal(hours(7199), '120.0 min');
  assert.equal(hours(8000), '2.2 h');
});

test('gridAtCRate: a cell\'s training re-weighted by its methods\' rates, each at least the C loop\'s (hand-worked)', () => {
  // One MNIST 784-20-10 cell: full estimate 100 s = training 60 + 6 clean evaluations of 5 s + rest 10.
  const cell = { cell: 'mnist 20 n=100', shortTurns: 1, shortStepsPerTurn: 2000, train: 2, evaluation: 5, rest: 10, fullSeconds: 100, secondsPerUnit: null };
  // dwgd: dwm and dwm-stable 1,000 steps/s, the others 2,000; C at 128 bits 2,000 for all.
  const methods = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'];
  const anchorTrain = methods.map((method) => ({ method, arch: '784-20-10', float64x128: 2000 }));
  const rates = (rate: (m: string) => number) => ({ train: methods.map((method) => ({ method, arch: '784-20-10', engine: 'fast', stepsPerSec: rate(method) })), anchorTrain });
  const dwgd = rates((m) => (m.startsWith('dwm') ? 1000 : 2000));
  // Σ 1/dwgd = 2/1000 + 3/2000 = 3.5e-3; Σ 1/max = 5/2000 = 2.5e-3: training 60 × 2.5/3.5 = 42.857…
  const r = gridAtCRate({ cells: [cell] }, dwgd, 'fast', 2)!;
  assert.equal(r.workSeconds, 100);
  assert.ok(Math.abs(r.boundWorkSeconds - (40 + (60 * 2.5) / 3.5)) < 1e-9, `${r.boundWorkSeconds}`);
  assert.equal(r.perSeedSeconds, r.boundWorkSeconds);
  // dwgd faster than C everywhere: nothing changes. A missing rate: no figure.
  assert.equal(gridAtCRate({ cells: [cell] }, rates(() => 3000), 'fast', 2)!.boundWorkSeconds, 100);
  assert.equal(gridAtCRate({ cells: [cell] }, { ...dwgd, train: dwgd.train.slice(1) }, 'fast', 2), null);
});
