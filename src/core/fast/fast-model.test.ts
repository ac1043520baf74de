// The fast engine against the reference path (issue 6, "Correctness is not traded"): every
// method trained 10,000 steps from one initial network on one sample order by both engines;
// every weight must agree and the accuracy on a fixed test slice must be identical.
//
// Bound: |fast − reference| ≤ 1e-5·|reference| + 1e-12 per weight. The absolute 1e-12
// (about 1e-10 of a typical weight here) only matters for weights that are exactly or nearly
// 0 in the reference, e.g. W2 entries of DWM rows pulled a few times, which both engines
// compute from sums in a different order (the fast one keeps DWM rows as scale × vector and
// sums the SIMD lanes pairwise), so they differ by rounding alone.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadMnist } from '../../data/mnist.js';
import { drawSplit } from '../../data/prepare.js';
import { createModel, type EngineName } from '../model-factory.js';
import { Model, type Trainable } from '../model.js';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { ruleFor } from '../rules/index.js';
import type { LayerParams } from '../rules/rule.js';
import { FastModel, type FastOptions } from './fast-model.js';
import { KERNEL_METHOD } from './kernel-methods.js';
import { KERNELS_SOURCE_SHA256 } from './kernels-wasm.js';

const REL = 1e-5;
const ABS = 1e-12;
const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001'];

const raw = loadMnist({ pool: 'paper' });
const split = drawSplit(raw.size, 1000, new Rng(5, 'split'));
/** A fixed test slice: the first 3,000 test indices. */
const slice = split.test.subarray(0, 3000);

function order(train: Int32Array, steps: number, seed: number): Int32Array {
  const rng = new Rng(seed, 'order');
  const o = new Int32Array(steps);
  for (let s = 0; s < steps; s++) o[s] = train[rng.int(train.length)];
  return o;
}

function rule(id: string) {
  const r = ruleFor(id);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function train(model: Trainable, x: Float32Array, y: Float32Array, ord: Int32Array, lr: number): number {
  let loss = 0;
  for (let s = 0; s < ord.length; s++) loss += model.step(x, ord[s], y[ord[s]], lr);
  return loss;
}

/**
 * The reference model and a fast one (an engine's, or a FastModel with options) from one initial
 * network, each trained on `ord`; with their summed training losses.
 */
function trainPair(
  method: string, initial: Network, fastWith: EngineName | FastOptions,
  x: Float32Array, y: Float32Array, ord: Int32Array, lr: number,
): { ref: Model; fast: Trainable; lossRef: number; lossFast: number } {
  const ref = new Model(method, initial.clone(), rule(method));
  const fast = typeof fastWith === 'string'
    ? createModel(method, initial, rule(method), fastWith)
    : new FastModel(method, initial, rule(method), fastWith);
  const lossRef = train(ref, x, y, ord, lr);
  const lossFast = train(fast, x, y, ord, lr);
  return { ref, fast, lossRef, lossFast };
}

/** Largest |f − r| / (REL·|r| + ABS) over every parameter: ≤ 1 means within the bound. */
function worst(fast: LayerParams[], ref: LayerParams[]): { ratio: number; where: string; maxRel: number } {
  let ratio = 0;
  let maxRel = 0;
  let where = '';
  assert.equal(fast.length, ref.length);
  for (let l = 0; l < ref.length; l++) {
    for (const key of ['W', 'b', 'W1', 'W2'] as const) {
      const r = ref[l][key];
      const f = fast[l][key];
      assert.equal(f === undefined, r === undefined, `layer ${l} ${key} present in one engine only`);
      if (!r || !f) continue;
      assert.equal(f.length, r.length);
      for (let i = 0; i < r.length; i++) {
        assert.ok(Number.isFinite(f[i]) && Number.isFinite(r[i]), `layer ${l} ${key}[${i}] not finite`);
        const d = Math.abs(f[i] - r[i]);
        const q = d / (REL * Math.abs(r[i]) + ABS);
        if (q > ratio) {
          ratio = q;
          where = `layer ${l} ${key}[${i}]: fast ${f[i]} reference ${r[i]}`;
        }
        if (r[i] !== 0) maxRel = Math.max(maxRel, d / Math.abs(r[i]));
      }
    }
  }
  return { ratio, where, maxRel };
}

for (const method of METHODS) {
  test(`fast engine matches the reference: ${method}, 784-24-12-10, 10,000 MNIST steps`, () => {
    // 24 and 12 hidden units are not multiples of 8, so the padded lanes are exercised too.
    const initial = new Network([784, 24, 12, 10], 'softmax-ce');
    initial.initHeNormal(new Rng(11, 'init'));
    const ord = order(split.train, 10000, 11);
    const { ref, fast, lossRef, lossFast } = trainPair(method, initial, 'fast', raw.x, raw.y, ord, 0.001);
    assert.ok(fast instanceof FastModel);
    assert.ok(Math.abs(lossFast - lossRef) <= 1e-9 * Math.abs(lossRef), `summed loss ${lossFast} vs ${lossRef}`);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `outside the bound at ${w.where}`);
    const accRef = ref.score(raw.x, slice, slice.length, raw.y, 'accuracy');
    const accFast = fast.score(raw.x, slice, slice.length, raw.y, 'accuracy');
    assert.equal(accFast, accRef);
    // The models learned something (so the comparison is not between two untrained nets).
    assert.ok(accRef / slice.length > 0.6, `accuracy ${accRef / slice.length}`);
  });
}

test('fast engine matches the reference on regression (mse, dense signed inputs, 3 layers)', () => {
  const rng = new Rng(3, 'data');
  const n = 500;
  const nIn = 11;
  const x = new Float32Array(n * nIn);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < nIn; k++) {
      const v = rng.normal();
      x[i * nIn + k] = v;
      t += (k % 3 === 0 ? 1 : -0.5) * v;
    }
    y[i] = 0.1 * Math.tanh(t);
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (const method of METHODS) {
    const initial = new Network([nIn, 64, 32, 1], 'mse');
    initial.initHeNormal(new Rng(4, 'init'));
    const ord = order(all, 10000, 4);
    const { ref, fast } = trainPair(method, initial, 'fast', x, y, ord, 0.001);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${method}: outside the bound at ${w.where}`);
    const mseRef = ref.score(x, all, n, y, 'mse');
    const mseFast = fast.score(x, all, n, y, 'mse');
    assert.ok(Math.abs(mseFast - mseRef) <= 1e-9 * mseRef, `${method}: mse ${mseFast} vs ${mseRef}`);
  }
});

test('DWM scale folding and the overshoot path agree with the reference', () => {
  const initial = new Network([784, 16, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(8, 'init'));
  // renormBelow just under 1 folds a row's scale back after nearly every pull.
  for (const method of ['dwm', 'dwm-stable']) {
    const ord = order(split.train, 2000, 8);
    const { ref, fast } = trainPair(method, initial, { renormBelow: 0.9999 }, raw.x, raw.y, ord, 0.001);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${method} with folding: ${w.where}`);
  }
  // η = 0.7: η|δ| exceeds 1/2 often, which the fast engine applies densely (no scale trick).
  const ord = order(split.train, 30, 9);
  const { ref, fast } = trainPair('dwm', initial, 'fast', raw.x, raw.y, ord, 0.7);
  const w = worst(fast.params(), ref.params());
  assert.ok(w.ratio <= 1, `dwm overshoot: ${w.where}`);
});

test('folding the layer-0 scale σ of sgd-family rules back into U agrees with the reference', () => {
  // Large λ shrinks σ below 1/2 within tens of steps (weight decay: ×0.95 per step), so the
  // fold runs many times.
  const initial = new Network([784, 16, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(13, 'init'));
  const ord = order(split.train, 1500, 13);
  for (const method of ['weight-decay-50', 'l2-20']) {
    const { ref, fast } = trainPair(method, initial, 'fast', raw.x, raw.y, ord, 0.001);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${method}: ${w.where}`);
  }
});

test('evaluation of wide dense inputs (four rows per pass) matches the reference', () => {
  // 1,100 inputs × 64 float64 lanes (563 KB) and 2,200 × 64 float32 lanes exceed the 512 KB
  // above which evaluation takes four rows per pass over layer 0; every third row is mostly
  // zeros, so the groups that fall back to the sparse path are exercised too, and 203 rows
  // leave a remainder of three.
  for (const [engine, nIn] of [['fast', 1100], ['fast32', 2200]] as const) {
    const rng = new Rng(21, 'data');
    const n = 203;
    const x = new Float32Array(n * nIn);
    const yc = new Float32Array(n);
    const yr = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let k = 0; k < nIn; k++) {
        const v = i % 3 === 2 && k % 10 !== 0 ? 0 : rng.uniform();
        x[i * nIn + k] = v;
        t += (k % 7 === 0 ? 1 : -0.15) * v;
      }
      yc[i] = Math.abs(Math.round(t)) % 10;
      yr[i] = 0.01 * t;
    }
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (const [loss, y, nOut] of [['softmax-ce', yc, 10], ['mse', yr, 1]] as const) {
      const initial = new Network([nIn, 64, 32, nOut], loss);
      initial.initHeNormal(new Rng(22, 'init'));
      const ord = order(all, 300, 22);
      const { ref, fast } = trainPair('sgd', initial, engine, x, y, ord, 0.001);
      const metric = loss === 'mse' ? 'mse' : 'accuracy';
      const r = ref.score(x, all, n, y, metric);
      const f = fast.score(x, all, n, y, metric);
      if (metric === 'accuracy') assert.equal(f, r, `${engine} accuracy`);
      else assert.ok(Math.abs(f - r) <= (engine === 'fast' ? 1e-9 : 1e-4) * r, `${engine} mse ${f} vs ${r}`);
    }
  }
});

test('the fast engine is deterministic: same start and order give bit-identical weights', () => {
  const initial = new Network([784, 20, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(2, 'init'));
  const ord = order(split.train, 3000, 2);
  for (const method of ['dwm-stable', 'l2-0.01']) {
    const a = createModel(method, initial, rule(method), 'fast');
    const b = createModel(method, initial, rule(method), 'fast');
    train(a, raw.x, raw.y, ord, 0.001);
    train(b, raw.x, raw.y, ord, 0.001);
    const pa = a.params();
    const pb = b.params();
    for (let l = 0; l < pa.length; l++) {
      assert.deepEqual(pa[l].W, pb[l].W);
      assert.deepEqual(pa[l].b, pb[l].b);
    }
    assert.equal(a.score(raw.x, slice, 500, raw.y, 'accuracy'), b.score(raw.x, slice, 500, raw.y, 'accuracy'));
  }
});

// dist/src/core/fast/fast-model.test.js → src/core/fast/kernels.as
const KERNELS_AS = new URL('../../../../src/core/fast/kernels.as', import.meta.url);

test('the embedded wasm module was built from the current kernels.as', () => {
  const sha = createHash('sha256').update(readFileSync(KERNELS_AS)).digest('hex');
  assert.equal(KERNELS_SOURCE_SHA256, sha, 'kernels.as changed since the last `npm run build:wasm`');
});

test('the method codes the rules name are the ones kernels.as dispatches on', () => {
  const source = readFileSync(KERNELS_AS, 'utf8');
  const names: Record<keyof typeof KERNEL_METHOD, string> = { sgd: 'SGD', l2: 'L2', weightDecay: 'WD', dwm: 'DWM', dwmStable: 'DWM_STABLE' };
  for (const [key, constant] of Object.entries(names)) {
    const m = source.match(new RegExp(`^const ${constant}: i32 = (\\d+);$`, 'm'));
    assert.ok(m, `kernels.as declares no ${constant}`);
    assert.equal(Number(m[1]), KERNEL_METHOD[key as keyof typeof KERNEL_METHOD], `${key} is ${constant}`);
  }
});

test('growing the wasm memory after construction does not lose writes (views are re-bound)', () => {
  // Two models from one start on one order; b's memory grows before training, in the middle
  // and before scoring. Growth detaches the old buffer, so a view kept from before would make
  // the writes of step() and score() miss the instance.
  const rng = new Rng(31, 'data');
  const n = 64;
  const nIn = 40;
  const x = new Float32Array(n * nIn);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nIn; k++) x[i * nIn + k] = rng.uniform() < 0.5 ? 0 : rng.uniform();
    y[i] = rng.int(10);
  }
  const net = new Network([nIn, 12, 10], 'softmax-ce');
  net.initHeNormal(new Rng(31, 'init'));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const ord = order(all, 400, 31);
  for (const method of ['dwm', 'sgd']) {
    const a = new FastModel(method, net, rule(method));
    const b = new FastModel(method, net, rule(method));
    const memory = (b as unknown as { ex: { memory: { buffer: ArrayBuffer; grow(pages: number): number } } }).ex.memory;
    const grow = () => {
      const before = memory.buffer;
      memory.grow(1);
      assert.notEqual(memory.buffer, before, 'the memory did grow');
    };
    grow();
    train(a, x, y, ord.subarray(0, 200), 0.01);
    train(b, x, y, ord.subarray(0, 200), 0.01);
    grow();
    train(a, x, y, ord.subarray(200), 0.01);
    train(b, x, y, ord.subarray(200), 0.01);
    grow();
    assert.equal(b.score(x, all, n, y, 'accuracy'), a.score(x, all, n, y, 'accuracy'));
    // The weights moved from the start, and b's moved exactly as a's.
    assert.notDeepEqual(a.params()[0].W, net.layers[0].W);
    assert.deepEqual(b.params(), a.params());
  }
});

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
test('fast32 follows the reference to float32 rounding over 1,000 steps', () => {
  const initial = new Network([784, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(12, 'init'));
  const ord = order(split.train, 1000, 12);
  for (const method of METHODS) {
    const { ref, fast } = trainPair(method, initial, 'fast32', raw.x, raw.y, ord, 0.001);
    const pr = ref.params();
    const pf = fast.params();
    for (let l = 0; l < pr.length; l++) {
      for (const key of ['W', 'W1', 'W2', 'b'] as const) {
        const r = pr[l][key];
        const f = pf[l][key];
        if (!r || !f) continue;
        // Bound: 1e-5 of the largest weight of the matrix (float32 ulp is 6e-8 relative).
        let max = 0;
        for (let i = 0; i < r.length; i++) max = Math.max(max, Math.abs(r[i]));
        for (let i = 0; i < r.length; i++) {
          assert.ok(Math.abs(f[i] - r[i]) <= 1e-5 * max, `${method} layer ${l} ${key}[${i}]: ${f[i]} vs ${r[i]} (max ${max})`);
        }
      }
    }
    const accRef = ref.score(raw.x, slice, 1000, raw.y, 'accuracy');
    const accFast = fast.score(raw.x, slice, 1000, raw.y, 'accuracy');
    assert.ok(Math.abs(accFast - accRef) <= 2, `${method}: ${accFast} vs ${accRef} correct of 1,000`);
  }
});

test('scores taken between training turns use the weights of that moment', () => {
  const initial = new Network([784, 20, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(6, 'init'));
  const ord = order(split.train, 1500, 6);
  for (const method of ['dwm', 'sgd']) {
    const ref = new Model(method, initial.clone(), rule(method));
    const fast = createModel(method, initial, rule(method), 'fast');
    const seen: number[][] = [];
    for (let turn = 0; turn < 3; turn++) {
      const part = ord.subarray(turn * 500, turn * 500 + 500);
      train(ref, raw.x, raw.y, part, 0.001);
      train(fast, raw.x, raw.y, part, 0.001);
      const r = ref.score(raw.x, slice, 1000, raw.y, 'accuracy');
      assert.equal(fast.score(raw.x, slice, 1000, raw.y, 'accuracy'), r, `${method} turn ${turn + 1}`);
      // A second score without training in between gives the same figure.
      assert.equal(fast.score(raw.x, slice, 1000, raw.y, 'accuracy'), r);
      seen.push([r]);
    }
    // The accuracy moved between turns, so stale weights would have been noticed.
    assert.ok(new Set(seen.map((v) => v[0])).size > 1, `${method}: accuracy did not change across turns`);
  }
});
