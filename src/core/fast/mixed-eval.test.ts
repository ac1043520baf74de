// Classification in float32 with a float64 fallback (kernels.as classifyRows, docs/METHOD.md
// "Evaluation precision"): the bound checked against exact arithmetic, and samples built to
// need the fallback (exact ties, a class that float32 rounding flips, diverged weights).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListedRows } from '../model.js';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { order, rule, syntheticImages, train } from '../testing/engines.js';
import { FastModel } from './fast-model.js';

// ---- exact arithmetic: every double is an integer multiple of 2⁻¹⁰⁷⁴

/** v·2¹⁰⁷⁴ as an exact integer. */
function scaled(v: number): bigint {
  if (!Number.isFinite(v)) throw new Error(`not finite: ${v}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = exp === 0 ? frac : (frac | (1n << 52n)) << BigInt(exp - 1);
  return bits >> 63n ? -m : m;
}

/** The exact logits of `net` on input x (values scaled by 2^(1074·(layers+1)), as bigints), and that scale. */
function exactLogits(net: Network, x: Float32Array, base: number): { z: bigint[]; shift: bigint } {
  let h = Array.from({ length: net.nInputs }, (_, i) => scaled(x[base + i]));
  let shift = 1074n;
  for (let l = 0; l < net.layers.length; l++) {
    const { nIn, nOut, W, b } = net.layers[l];
    const w = Array.from(W, scaled);
    const z: bigint[] = [];
    for (let j = 0; j < nOut; j++) {
      let s = scaled(b[j]) << shift;
      for (let i = 0; i < nIn; i++) if (h[i] !== 0n) s += w[j * nIn + i] * h[i];
      z.push(s);
    }
    shift += 1074n;
    h = l + 1 < net.layers.length ? z.map((v) => (v > 0n ? v : 0n)) : z;
  }
  return { z: h, shift };
}

const abs = (v: bigint) => (v < 0n ? -v : v);

/**
 * For every listed sample and output: |z32 − z*| + |z64 − z*| ≤ D for both bounds, exactly;
 * a certified class is the float64 path's argmax. Returns the largest (error / D).
 */
function checkBound(model: FastModel, net: Network, x: Float32Array, rows: number[], dense: boolean): number {
  let worst = 0;
  for (let r = 0; r < rows.length; r++) {
    const group = dense ? rows.slice(r - (r % 4), r - (r % 4) + 4) : [rows[r]];
    const t = model.traceMixed(x, group, rows[r], dense);
    const { z, shift } = exactLogits(net, x, rows[r] * net.nInputs);
    for (let i = 0; i < z.length; i++) {
      const err = abs((scaled(t.z32[i]) << (shift - 1074n)) - z[i]) + abs((scaled(t.z64[i]) << (shift - 1074n)) - z[i]);
      for (const [name, D] of [['affine', t.affine[i]], ['per-sample', t.sample[i]]] as const) {
        assert.ok(err <= scaled(D) << (shift - 1074n), `sample ${rows[r]}, output ${i}: error above the ${name} bound ${D}`);
        worst = Math.max(worst, Number(err >> (shift - 1000n)) / 2 ** 1000 / D);
      }
    }
    if (t.certain >= 0) {
      let best = 0;
      for (let i = 1; i < t.z64.length; i++) if (t.z64[i] > t.z64[best]) best = i;
      assert.equal(t.certain, best, `sample ${rows[r]}: certified class is not the float64 one`);
    }
  }
  return worst;
}

function scoreBoth(model: FastModel, x: Float32Array, idx: Int32Array, y: Float32Array): { mixed: number; f64: number; recomputed: number } {
  const before = model.mixedCounts().recomputed;
  model.evaluation = 'mixed';
  const mixed = model.score(x, idx, idx.length, y, 'accuracy');
  const recomputed = model.mixedCounts().recomputed - before;
  model.evaluation = 'float64';
  const f64 = model.score(x, idx, idx.length, y, 'accuracy');
  model.evaluation = 'mixed';
  return { mixed, f64, recomputed };
}

const images = syntheticImages(400, 16, 3);
const all = Int32Array.from({ length: 400 }, (_, i) => i);

/**
 * A one-layer net (nInputs → 10) on which float32 and float64 disagree: output 1's weights are
 * output 0's rounded to float32, so in float32 the two logits tie exactly (class 0 wins the tie),
 * while in float64 they differ by Σ (fl32(w) − w)·x and class 1 wins on about half the samples.
 */
function tieModel(seed: number): FastModel {
  const net = new Network([images.nInputs, 10], 'softmax-ce');
  net.initHeNormal(new Rng(seed, 'init'));
  const { W, b } = net.layers[0];
  const n = images.nInputs;
  for (let i = 0; i < n; i++) W[n + i] = Math.fround(W[i]);
  b[1] = b[0] = 5;
  for (let j = 2; j < 10; j++) b[j] = -1e3;
  return new FastModel('sgd', net, rule('sgd'));
}

/**
 * Scores rows `idx` of x, all labelled 1, with a tieModel: the mixed count equals float64's,
 * float64 picks class 1 on some but not nearly all rows (more than 50, fewer than all but 50),
 * and every row was recomputed in float64.
 */
function checkTieRecomputed(model: FastModel, x: Float32Array, idx: Int32Array = all): void {
  const f = scoreBoth(model, x, idx, new Float32Array(400).fill(1));
  assert.equal(f.mixed, f.f64);
  assert.ok(f.f64 > 50 && f.f64 < idx.length - 50, `float64 picks class 1 on ${f.f64} of ${idx.length}`);
  assert.equal(f.recomputed, idx.length);
}

test('mixed evaluation: the bound holds against exact arithmetic on the sparse path, and counts equal float64', () => {
  const initial = new Network([images.nInputs, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(4, 'init'));
  const model = new FastModel('sgd', initial, rule('sgd'));
  train(model, images.x, images.y, order(all.subarray(0, 300), 2000, 4), 0.01);
  const trained = netFrom(initial, model);
  const worst = checkBound(model, trained, images.x, Array.from({ length: 40 }, (_, k) => 300 + k), false);
  // The bound is not vacuous: the actual error reaches a visible part of it.
  assert.ok(worst > 1e-3, `largest error / bound ${worst}`);
  const s = scoreBoth(model, images.x, all.subarray(300), images.y);
  assert.equal(s.mixed, s.f64);
  assert.ok(s.mixed > 60, `accuracy ${s.mixed} of 100`);
});

test('mixed evaluation: the bound holds against exact arithmetic on the dense four-row path, and counts equal float64', () => {
  // 3,072 × 24 float64 lanes exceed 512 KB, so the dense path runs.
  const n = 3072;
  const rng = new Rng(6, 'dense');
  const x = new Float32Array(12 * n);
  for (let i = 0; i < x.length; i++) x[i] = Math.round(rng.uniform() * 255) / 255;
  const y = Float32Array.from({ length: 12 }, (_, i) => i % 10);
  const net = new Network([n, 20, 10], 'softmax-ce');
  net.initHeNormal(new Rng(6, 'init'));
  const model = new FastModel('sgd', net, rule('sgd'));
  const worst = checkBound(model, net, x, [0, 1, 2, 3, 4, 5, 6, 7], true);
  // Looser here: the worst case counts 64 float32 additions per block at full size, the
  // actual rounding errors of 3,072 mixed-sign products mostly cancel.
  assert.ok(worst > 1e-4, `largest error / bound ${worst}`);
  const idx = Int32Array.from({ length: 12 }, (_, i) => i);
  const s = scoreBoth(model, x, idx, y);
  assert.equal(s.mixed, s.f64);
});

test('mixed evaluation: a class that float32 rounding would flip is recomputed in float64', () => {
  // One layer, 256 → 10, tied in float32 (tieModel). All labels are 1, so keeping the float32
  // class would score 0.
  checkTieRecomputed(tieModel(8), images.x);
});

test('mixed evaluation: mostly non-zero rows take the four-row path at any width (a corrupted MNIST image); bound, recomputation and counts hold there', () => {
  // 256 × 24 float64 lanes are far below 512 KB; rows of noise are all non-zero, so classifyRows
  // groups them by four (the path the bound is traced on with dense = true).
  const n = images.nInputs;
  const rng = new Rng(12, 'noisy rows');
  const x = new Float32Array(400 * n);
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, images.x[i] + 0.3 * rng.uniform()); // uniform noise: no pixel stays 0
  const initial = new Network([n, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(12, 'init'));
  const model = new FastModel('dwm', initial, rule('dwm'));
  train(model, images.x, images.y, order(all.subarray(0, 300), 2000, 12), 0.01);
  const worst = checkBound(model, netFrom(initial, model), x, Array.from({ length: 16 }, (_, k) => 300 + k), true);
  assert.ok(worst > 1e-4, `largest error / bound ${worst}`);
  const s = scoreBoth(model, x, all, images.y);
  assert.equal(s.mixed, s.f64);
  assert.ok(s.f64 > 200, `accuracy ${s.f64} of 400 on the noisy rows`);

  // The flip case of the test above on these rows: in float32 outputs 0 and 1 tie, in float64
  // class 1 wins about half the time; every row must be recomputed, inside its group of four.
  checkTieRecomputed(tieModel(13), x);
});

test('mixed evaluation: groups of four that mix sparse and noisy rows, and a tail of fewer than four, score as float64', () => {
  // Rows in the order noisy, noisy, noisy, clean | clean, clean, clean, noisy | … so that some
  // groups of four take the four-row path with a sparse row inside, others go one row at a time
  // with a noisy row among them; 397 rows leave a tail of one.
  const n = images.nInputs;
  const rng = new Rng(14, 'mixed rows');
  const x = new Float32Array(400 * n);
  for (let r = 0; r < 400; r++) {
    const noisy = (r >> 2) % 2 === 0 ? r % 4 !== 3 : r % 4 === 3;
    for (let i = 0; i < n; i++) x[r * n + i] = noisy ? Math.min(1, images.x[r * n + i] + 0.3 * rng.uniform()) : images.x[r * n + i];
  }
  let zeros = 0;
  for (let i = 0; i < 4 * n; i++) zeros += x[4 * n + i] === 0 ? 1 : 0;
  assert.ok(zeros * 2 > 4 * n, `the second group is mostly zeros (${zeros} of ${4 * n})`);
  const idx = Int32Array.from({ length: 397 }, (_, i) => i);
  const initial = new Network([n, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(14, 'init'));
  const model = new FastModel('dwm', initial, rule('dwm'));
  train(model, images.x, images.y, order(all.subarray(0, 300), 2000, 14), 0.01);
  const s = scoreBoth(model, x, idx, images.y);
  assert.equal(s.mixed, s.f64);
  assert.ok(s.f64 > 200, `accuracy ${s.f64} of 397`);
  // The float32 tie of the test above: every row, whichever path it takes, is recomputed.
  checkTieRecomputed(tieModel(15), x, idx);
});

test('mixed evaluation: exact ties between two outputs are recomputed; clear winners are not', () => {
  const net = new Network([images.nInputs, 24, 10], 'softmax-ce');
  net.initHeNormal(new Rng(9, 'init'));
  const top = net.layers[1];
  for (let k = 0; k < 24; k++) top.W[24 + k] = top.W[k]; // outputs 0 and 1 identical
  top.b[0] = top.b[1] = 50;
  const model = new FastModel('sgd', net, rule('sgd'));
  const s = scoreBoth(model, images.x, all, images.y);
  assert.equal(s.mixed, s.f64);
  assert.equal(s.recomputed, 400);
  top.b[1] = 40; // class 0 now wins by about 10: no sample needs float64
  const clear = scoreBoth(new FastModel('sgd', net, rule('sgd')), images.x, all, images.y);
  assert.equal(clear.mixed, clear.f64);
  assert.equal(clear.recomputed, 0);
});

for (const [what, layer, value] of [
  ['an infinite first-layer weight', 0, Infinity],
  ['a NaN first-layer weight', 0, NaN],
  ['a first-layer weight beyond float32 range (1e39)', 0, 1e39],
  ['an infinite upper-layer bias', -1, Infinity],
] as const) {
  test(`mixed evaluation: a diverged model (${what}) is scored in float64 throughout`, () => {
    const net = new Network([images.nInputs, 24, 12, 10], 'softmax-ce');
    net.initHeNormal(new Rng(10, 'init'));
    if (layer < 0) net.layers[1].b[3] = value;
    else net.layers[layer].W[5] = value;
    const model = new FastModel('sgd', net, rule('sgd'));
    const s = scoreBoth(model, images.x, all, images.y);
    assert.equal(s.mixed, s.f64);
    assert.equal(s.recomputed, 400);
  });
}

test('mixed evaluation: a NaN upper-layer weight sends every sample that reaches it to float64', () => {
  // Weight (unit 0 ← hidden unit 5) of layer 1 is NaN. Both paths skip a hidden unit whose
  // ReLU output is 0, so a sample reaches the NaN only when unit 5 may be active; the others
  // keep a finite, certified float32 class.
  const net = new Network([images.nInputs, 24, 12, 10], 'softmax-ce');
  net.initHeNormal(new Rng(10, 'init'));
  net.layers[1].W[5] = NaN;
  const { W, b, nIn } = net.layers[0];
  let active = 0;
  let unclear = 0;
  for (let r = 0; r < 400; r++) {
    let z = b[5];
    for (let i = 0; i < nIn; i++) z += W[5 * nIn + i] * images.x[r * nIn + i];
    if (z > -1e-3) active++;
    if (Math.abs(z) <= 1e-3) unclear++;
  }
  assert.ok(active > 20 && active < 380, `unit 5 active on ${active} of 400`);
  const s = scoreBoth(new FastModel('sgd', net, rule('sgd')), images.x, all, images.y);
  assert.equal(s.mixed, s.f64);
  assert.ok(s.recomputed >= active - unclear && s.recomputed <= active, `${s.recomputed} recomputed, unit 5 active on ${active} (${unclear} near 0)`);
});

test('mixed evaluation: MSE is the float64 path in both modes', () => {
  const net = new Network([images.nInputs, 12, 1], 'mse');
  net.initHeNormal(new Rng(12, 'init'));
  const model = new FastModel('sgd', net, rule('sgd'));
  const y = Float32Array.from({ length: 400 }, (_, i) => (i % 7) / 7);
  const a = model.score(images.x, all, 400, y, 'mse');
  model.evaluation = 'float64';
  assert.ok(Object.is(model.score(images.x, all, 400, y, 'mse'), a));
  assert.equal(model.mixedCounts().samples, 0);
});

/** A Network holding a fast model's trained parameters. */
function netFrom(initial: Network, model: FastModel): Network {
  const net = initial.clone();
  model.params().forEach((p, l) => {
    net.layers[l].W.set(p.W);
    net.layers[l].b.set(p.b);
  });
  return net;
}

test('mixed evaluation: the fast32 engine (float32 first layer of its own) scores as before in both modes', () => {
  const net = new Network([images.nInputs, 24, 10], 'softmax-ce');
  net.initHeNormal(new Rng(13, 'init'));
  const model = new FastModel('sgd', net, rule('sgd'), { precision: 32 });
  train(model, images.x, images.y, order(all.subarray(0, 300), 500, 13), 0.01);
  const s = scoreBoth(model, images.x, all, images.y);
  assert.equal(s.mixed, s.f64);
  assert.equal(model.mixedCounts().samples, 0);
});

/** Rows 0 … rows − 1 of x by their non-zero inputs (not ±0; NaN is), one loop over the values. */
function listedOf(x: Float32Array, n: number, rows: number): ListedRows {
  const offsets = new Int32Array(rows + 1);
  const index: number[] = [];
  const value: number[] = [];
  for (let r = 0; r < rows; r++) {
    offsets[r] = index.length;
    for (let i = 0; i < n; i++) {
      const v = x[r * n + i];
      if (v < 0 || v > 0 || Number.isNaN(v)) {
        index.push(i);
        value.push(v);
      }
    }
  }
  offsets[rows] = index.length;
  return { offsets, index: Int32Array.from(index), value: Float64Array.from(value) };
}

test('mixed evaluation: rows handed by their non-zero inputs (ListedRows) score as the rows do, with the same rows recomputed in float64', () => {
  const n = images.nInputs;
  const rows = 600; // three blocks of 256 rows and a part
  const x = new Float32Array(rows * n);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    x.set(images.x.subarray((r % 400) * n, (r % 400 + 1) * n), r * n);
    y[r] = images.y[r % 400];
  }
  // Block 2 (rows 256 … 511) holds a mostly non-zero group of four (rows 300 … 303): that block
  // goes the rows' way. A NaN input and −0 inputs in the other blocks.
  for (let r = 300; r < 304; r++) for (let i = 0; i < n; i++) x[r * n + i] = x[r * n + i] || 0.25;
  // Rows 8 … 11 hold exactly half their inputs non-zero (two full rows, two empty ones): the
  // threshold itself; rows 12 … 15 one input fewer.
  for (let r = 8; r < 16; r++) for (let i = 0; i < n; i++) x[r * n + i] = r % 4 < 2 ? 0.5 : 0;
  x[12 * n] = 0;
  x[40 * n + 7] = NaN;
  for (let i = 0; i < n; i += 3) if (x[520 * n + i] === 0) x[520 * n + i] = -0;
  const listed = listedOf(x, n, rows);
  const every = Int32Array.from({ length: rows }, (_, i) => i);
  const initial = new Network([n, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(21, 'init'));
  const trained = new FastModel('dwm', initial, rule('dwm'));
  train(trained, images.x, images.y, order(all.subarray(0, 300), 1500, 21), 0.01);
  for (const [what, model] of [['trained', trained], ['float32 ties', tieModel(22)], ['untrained', new FastModel('sgd', initial, rule('sgd'))]] as const) {
    const c0 = model.mixedCounts();
    const a = model.score(x, every, rows, y, 'accuracy');
    const c1 = model.mixedCounts();
    const b = model.score(x, every, rows, y, 'accuracy', listed);
    const c2 = model.mixedCounts();
    assert.equal(b, a, `${what}: the same count correct`);
    assert.equal(c2.recomputed - c1.recomputed, c1.recomputed - c0.recomputed, `${what}: the same rows recomputed`);
    assert.equal(c2.samples - c1.samples, rows);
    // Part of the list (not from a block's start) reads its own rows' lists.
    const part = every.subarray(37, 590);
    assert.equal(model.score(x, part, part.length, y, 'accuracy', listed), model.score(x, part, part.length, y, 'accuracy'), `${what}: rows 37 … 589`);
  }
  assert.ok(trained.mixedCounts().recomputed < trained.mixedCounts().samples, 'the trained model certifies rows in float32');
  // Which blocks go by their lists: none of a block's groups of four has half its inputs non-zero
  // (the test of classifyRows' mostlyNonZero), counted here from the rows.
  const byList = (model: FastModel, from: number, m: number) => (model as unknown as { listedBlock(l: ListedRows, i: number, m: number, y: Float32Array): boolean }).listedBlock(listed, from, m, y);
  const nonZero = (r: number) => listed.offsets[r + 1] - listed.offsets[r];
  const half = (g: number) => nonZero(g) + nonZero(g + 1) + nonZero(g + 2) + nonZero(g + 3) >= 2 * n;
  for (const [from, m] of [[0, 256], [256, 256], [512, 88], [8, 4], [12, 4], [16, 240], [298, 4], [300, 4], [301, 3]]) {
    let want = true;
    for (let g = from; g + 4 <= from + m; g += 4) if (half(g)) want = false;
    assert.equal(byList(trained, from, m), want, `rows ${from} … ${from + m - 1}`);
  }
  assert.equal(byList(trained, 8, 4), false);
  assert.equal(byList(trained, 12, 4), true);
  assert.equal(byList(trained, 256, 256), false);
});
