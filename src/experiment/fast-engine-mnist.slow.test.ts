// The fast engine against the reference path on real MNIST (the same checks on synthetic
// data run in the fast suite: src/core/fast/fast-model.test.ts): every method trained 10,000
// steps from one initial network on one sample order by both engines; every weight must agree within
// 1e-5·|reference| + 1e-12 and the accuracy on a fixed test slice must be identical.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawSplit } from '../data/prepare.js';
import { loadMnist } from '../data/mnist.js';
import { Network } from '../core/network.js';
import { Rng } from '../core/rng.js';
import { assertNormwise, METHODS, order, trainPair, worst } from '../core/testing/engines.js';
import { FastModel } from '../core/fast/fast-model.js';

const raw = loadMnist({ pool: 'paper' });
const split = drawSplit(raw.size, 1000, new Rng(5, 'split'));
/** A fixed test slice: the first 3,000 test indices. */
const slice = split.test.subarray(0, 3000);

for (const method of METHODS) {
  test(`fast engine matches the reference: ${method}, 784-24-12-10, 10,000 MNIST steps`, () => {
    const initial = new Network([784, 24, 12, 10], 'softmax-ce');
    initial.initHeNormal(new Rng(11, 'init'));
    const ord = order(split.train, 10000, 11);
    const { ref, fast, lossRef, lossFast } = trainPair(method, initial, 'fast', raw.x, raw.y, ord, 0.001);
    assert.ok(fast instanceof FastModel);
    assert.ok(Math.abs(lossFast - lossRef) <= 1e-9 * Math.abs(lossRef), `summed loss ${lossFast} vs ${lossRef}`);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `outside the bound at ${w.where}`);
    const accRef = ref.score(raw.x, slice, slice.length, raw.y, 'accuracy');
    assert.equal(fast.score(raw.x, slice, slice.length, raw.y, 'accuracy'), accRef);
    assert.ok(accRef / slice.length > 0.6, `accuracy ${accRef / slice.length}`);
  });
}

// fast32 keeps layer 0 in float32, so it is held to float32's precision, not to the 1e-5
// per-entry bound above: every weight within 1e-5 of the largest weight of its matrix (a
// norm-wise bound; per entry the relative error is large where W is near 0 or W1 − W2
// cancels). Over 1,000 steps that holds for every method. Over 10,000 steps it holds for
// dwm-stable and the sgd family (measured: 3e-6 to 5e-6, identical accuracy on a 3,000-image
// slice), but not for plain dwm: in 4 of 8 runs measured (784-24-12-10 and 784-64-32-10,
// seeds 1, 2, 3 and 11) its weights jumped at some step to between 7e-4 and 9e-2 of the
// largest weight away from the reference, and the accuracy moved by up to 23 of 3,000. A 1e-7
// relative perturbation of the initial weights in the reference itself does the same (seed
// 11, 784-24-12-10: 1.5e-7 until step 8,000, 1.4e-3 at step 10,000), while the float64 fast
// engine stays within 5e-15: plain dwm has rare steps at which a difference of float32 size
// decides the path. That is why fast32 stays opt-in and the default is float64.
test('fast32 follows the reference to float32 rounding over 1,000 MNIST steps', () => {
  const initial = new Network([784, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(12, 'init'));
  const ord = order(split.train, 1000, 12);
  for (const method of METHODS) {
    const { ref, fast } = trainPair(method, initial, 'fast32', raw.x, raw.y, ord, 0.001);
    assertNormwise(fast.params(), ref.params(), 1e-5, method);
    const accRef = ref.score(raw.x, slice, 1000, raw.y, 'accuracy');
    const accFast = fast.score(raw.x, slice, 1000, raw.y, 'accuracy');
    assert.ok(Math.abs(accFast - accRef) <= 2, `${method}: ${accFast} vs ${accRef} correct of 1,000`);
  }
});
