// The WebAssembly forward pass of the diagnostics (forward64.as) against Network.forward, the
// float64 reference network it stands in for: the same bits (Object.is on every output, so a
// −0 against a +0 fails) on dense inputs (two at a time in the first layer), sparse ones (the
// non-zero list), mixes of both, widths that are not multiples of 8, one to three hidden layers,
// more inputs than one call takes, weights with −0, ±Infinity and NaN; and the alive units it
// marks against the hidden z > 0 that Network.forward computes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { RefForward } from './forward64.js';

const paramsOf = (net: Network) => net.layers.map((l) => ({ W: l.W, b: l.b }));

/** Rows of n inputs: dense, sparse (about a tenth non-zero) or all zero, by a seeded draw per row. */
function inputs(rows: number, n: number, seed: number): Float32Array {
  const rng = new Rng(seed, 'inputs');
  const x = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const kind = rng.int(7); // 0–3 dense, 4–5 sparse, 6 all zero
    for (let i = 0; i < n; i++) {
      if (kind === 6) continue;
      if (kind >= 4 && rng.uniform() >= 0.1) continue;
      x[r * n + i] = rng.uniform() < 0.05 ? -0 : Math.fround(rng.uniform() * 2 - 0.5);
    }
  }
  return x;
}

/** Network.forward's outputs and alive hidden units over the listed rows. */
function reference(net: Network, x: Float32Array, rows: ArrayLike<number>): { outs: number[][]; alive: number[] } {
  const n = net.nInputs;
  const hidden = net.sizes.slice(1, -1);
  const alive = new Array(hidden.reduce((s, v) => s + v, 0)).fill(0);
  const outs = Array.from(rows, (r) => {
    for (let i = 0; i < n; i++) net.acts[0][i] = x[r * n + i];
    net.forward();
    let at = 0;
    hidden.forEach((h, l) => {
      for (let j = 0; j < h; j++) if (net.zs[l][j] > 0) alive[at + j] = 1;
      at += h;
    });
    return Array.from(net.output);
  });
  return { outs, alive };
}

function check(sizes: number[], rowsCount: number, seed: number, damage?: (net: Network) => void): void {
  const net = new Network(sizes, sizes[sizes.length - 1] === 1 ? 'mse' : 'softmax-ce');
  net.initHeNormal(new Rng(seed, 'init'));
  const rng = new Rng(seed, 'biases');
  for (const l of net.layers) for (let j = 0; j < l.nOut; j++) l.b[j] = j % 5 === 0 ? -0 : rng.normal() * 0.1;
  damage?.(net);
  const x = inputs(rowsCount + 3, sizes[0], seed);
  // Rows out of order, with repeats.
  const rows = Int32Array.from({ length: rowsCount }, (_, k) => (k * 7 + 3) % (rowsCount + 3));
  const want = reference(net, x, rows);
  const got: number[][] = [];
  const alive = new Uint8Array(want.alive.length);
  new RefForward(paramsOf(net), sizes).run(x, rows, (k, z) => { got[k] = Array.from(z); }, alive);
  assert.equal(got.length, rowsCount);
  for (let k = 0; k < rowsCount; k++) {
    for (let j = 0; j < want.outs[k].length; j++) {
      assert.ok(Object.is(got[k][j], want.outs[k][j]), `${sizes.join('-')} row ${rows[k]} output ${j}: ${got[k][j]} against Network.forward's ${want.outs[k][j]}`);
    }
  }
  assert.deepEqual(Array.from(alive), want.alive, `${sizes.join('-')}: alive units`);
}

test('the forward pass gives Network.forward\'s bits: the grid\'s shapes and odd widths', () => {
  check([3072, 64, 32, 10], 9, 1);
  check([784, 20, 10], 40, 2);
  check([8, 20, 1], 30, 3);
  check([11, 64, 32, 1], 30, 4);
  check([37, 13, 7, 5], 45, 5);
  check([5, 9, 17, 3, 2], 21, 6);
  check([6, 3], 11, 7);
  check([2, 1], 1, 8);
});

test('more inputs than one call takes; a smaller net after a larger one; broken weights', () => {
  check([9, 5, 4], 1300, 9);
  check([300, 40, 10], 20, 10);
  check([4, 3, 2], 17, 11);
  check([40, 12, 6], 60, 12, (net) => {
    net.layers[0].W[5 * 40 + 4] = Infinity;
    net.layers[0].W[7 * 40 + 2] = -Infinity;
    net.layers[1].W[3] = NaN;
    for (let i = 0; i < 12; i++) net.layers[1].W[12 + i] = Infinity;
  });
});

test('alive marks add to what the caller passes in: a unit marked before stays marked', () => {
  const net = new Network([3, 2, 2], 'softmax-ce');
  net.layers[0].W.set([1, 0, 0, -1, -1, -1]); // unit 1 is never positive on non-negative inputs
  const alive = Uint8Array.of(0, 1);
  new RefForward(paramsOf(net), net.sizes).run(Float32Array.of(1, 2, 3), [0], null, alive);
  assert.deepEqual(Array.from(alive), [1, 1]);
  const fresh = new Uint8Array(2);
  new RefForward(paramsOf(net), net.sizes).run(Float32Array.of(1, 2, 3), [0], null, fresh);
  assert.deepEqual(Array.from(fresh), [1, 0]);
});
