// The training-time options (docs/METHOD.md §7) against independent computations: a dropout
// step worked by hand, the mask and noise streams' statistics, max-norm on rows worked by hand,
// the smoothed cross-entropy's δ against finite differences, and the fast engine against the
// reference for every option × the paper's five rules.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import type { FastModel } from './fast/fast-model.js';
import { softmaxCrossEntropy, softmaxCrossEntropySmoothed } from './loss.js';
import { createModel } from './model-factory.js';
import { Model } from './model.js';
import { Network } from './network.js';
import { maxNormRows, TrainDraws } from './regularizers.js';
import { Rng } from './rng.js';
import { assertNormwise, order, rule, syntheticImages, train, worst } from './testing/engines.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from './train-options.js';

const PAPER_RULES = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'];
/** The paper's rules and the ones added for the fair comparison (their own kernels in the fast engine). */
const ALL_RULES = [...PAPER_RULES, 'momentum', 'adam', 'sgd-gated-decay'];
const opts = (o: Partial<TrainOptions>): TrainOptions => ({ ...NO_TRAIN_OPTIONS, ...o });

/** A 2-2-1 regression network with small integer weights, for steps worked by hand. */
function tiny(): Network {
  const net = new Network([2, 2, 1], 'mse');
  net.layers[0].W.set([1, 2, -1, 1]); // z0 = [x0 + 2x1, −x0 + x1]
  net.layers[0].b.set([0, 0.5]);
  net.layers[1].W.set([3, -2]);
  net.layers[1].b.set([1]);
  return net;
}

test('dropout: forward and backward with a known mask, worked by hand', () => {
  const net = tiny();
  net.acts[0].set([1, 2]); // z0 = [5, 1.5], relu = [5, 1.5]
  net.dropMasks = [Float64Array.from([2, 0])]; // p = 1/2: unit 0 kept (×2), unit 1 dropped
  net.forward();
  assert.deepEqual([...net.acts[1]], [10, 0]);
  assert.equal(net.output[0], 3 * 10 + 1); // 31
  const loss = net.backward(30); // e = 1
  assert.equal(loss, 1);
  assert.equal(net.deltas[1][0], 2);
  // δ_hidden = (W1ᵀ δ) ⊙ 1[z > 0] ⊙ m = [3·2·2, −2·2·0]
  assert.deepEqual([...net.deltas[0]].map((v) => v + 0), [12, 0]); // + 0: −2·2·0 is −0
  // Without the mask (evaluation) the same weights give the plain forward pass.
  net.dropMasks = null;
  net.forward();
  assert.equal(net.output[0], 3 * 5 - 2 * 1.5 + 1);
});

test('dropout: an SGD step leaves the dropped unit\'s incoming row and the weight from it unchanged', () => {
  // Find a seed whose first mask drops unit 1 and keeps unit 0 (p = 1/2).
  let seed = 0;
  for (;; seed++) {
    const m = [new Float64Array(2)];
    new TrainDraws(opts({ dropout: 0.5 }), seed, 'sgd').fillMasks(m, [2]);
    if (m[0][0] === 2 && m[0][1] === 0) break;
  }
  const net = tiny();
  const model = new Model('sgd', net, rule('sgd'), opts({ dropout: 0.5 }), seed);
  const x = Float32Array.from([1, 2]);
  const loss = model.step(x, 0, 30, 0.01);
  assert.equal(loss, 1); // the hand-worked forward pass above: output 31
  const [l0, l1] = model.params();
  // δ_hidden = [12, 0], δ_out = 2, a = [10, 0]: W0 row 0 −= 0.01·12·x, row 1 unchanged.
  assert.deepEqual([...l0.W], [1 - 0.12, 2 - 0.24, -1, 1]);
  assert.deepEqual([...l0.b], [-0.12, 0.5]);
  assert.deepEqual([...l1.W], [3 - 0.01 * 2 * 10, -2]);
  assert.deepEqual([...l1.b], [1 - 0.02]);
});

test('dropout masks: drop rate p over many draws, kept units scaled by 1/(1 − p), seeded by run and method', () => {
  const p = 0.3;
  const draws = new TrainDraws(opts({ dropout: p }), 9, 'dwm');
  const masks = [new Float64Array(50), new Float64Array(30)];
  let dropped = 0;
  let total = 0;
  for (let s = 0; s < 2000; s++) {
    draws.fillMasks(masks, [50, 30]);
    for (const m of masks) {
      for (const v of m) {
        if (v === 0) dropped++;
        else assert.equal(v, 1 / (1 - p));
        total++;
      }
    }
  }
  const rate = dropped / total;
  const sd = Math.sqrt((p * (1 - p)) / total);
  assert.ok(Math.abs(rate - p) < 4 * sd, `drop rate ${rate}`);
  // Same seed and method: the same masks; another method or seed: others.
  const first = (seed: number, id: string) => {
    const m = [new Float64Array(64)];
    new TrainDraws(opts({ dropout: 0.5 }), seed, id).fillMasks(m, [64]);
    return [...m[0]].join();
  };
  assert.equal(first(1, 'dwm'), first(1, 'dwm'));
  assert.notEqual(first(1, 'dwm'), first(1, 'sgd'));
  assert.notEqual(first(1, 'dwm'), first(2, 'dwm'));
});

test('max-norm: rows above c scaled to exactly c, rows below untouched, bias excluded', () => {
  const near = (got: Float64Array, want: number[]) => {
    assert.equal(got.length, want.length);
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-15 * Math.abs(w), `[${i}] ${got[i]} vs ${w}`));
  };
  const W = Float64Array.from([3, 4, 0.3, 0.4, 0, -10]); // norms 5, 0.5, 10
  assert.equal(maxNormRows(W, 2, 3, 1), 2);
  near(W, [0.6, 0.8, 0.3, 0.4, 0, -1]);
  assert.deepEqual([...W.subarray(2, 4)], [0.3, 0.4]); // the row below c: not touched at all
  assert.ok(Math.abs(Math.hypot(W[0], W[1]) - 1) < 1e-15);
  // Dual: W1 and W2 rows scaled by the same factor, W = W1 − W2 still.
  const W1 = Float64Array.from([4, 4, 1, 0]);
  const W2 = Float64Array.from([1, 0, 0.5, 0]);
  const Wd = Float64Array.from([3, 4, 0.5, 0]); // norms 5, 0.5
  maxNormRows(Wd, 2, 2, 2.5, W1, W2);
  near(W1, [2, 2, 1, 0]);
  near(W2, [0.5, 0, 0.5, 0]);
  near(Wd, [1.5, 2, 0.5, 0]);
  for (let i = 0; i < 4; i++) assert.equal(Wd[i], W1[i] - W2[i]);
});

/** The 256-24-12-10 classification setting of fast-model.test.ts, smaller. */
const data = syntheticImages(500, 16, 7);
const trainIdx = Int32Array.from({ length: 400 }, (_, i) => i);
const held = Int32Array.from({ length: 100 }, (_, i) => 400 + i);
function initialNet(): Network {
  const net = new Network([data.nInputs, 24, 12, 10], 'softmax-ce');
  net.initHeNormal(new Rng(11, 'init'));
  return net;
}

function rowNorms(W: Float64Array, nIn: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < W.length / nIn; j++) {
    let s = 0;
    for (let i = 0; i < nIn; i++) s += W[j * nIn + i] ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

test('max-norm in training: every row of every layer ≤ c on both engines; dual rules keep W = W1 − W2', () => {
  const c = 1.2;
  const ord = order(trainIdx, 600, 3);
  for (const id of ['dwm', 'sgd', 'l2-0.1']) {
    for (const engine of ['reference', 'fast'] as const) {
      const model = createModel(id, initialNet(), rule(id), engine, opts({ maxNorm: c }), 3);
      assert.equal(model.engine, engine);
      train(model, data.x, data.y, ord, 0.05);
      model.params().forEach((p, l) => {
        const nIn = initialNet().sizes[l];
        for (const n of rowNorms(p.W, nIn)) assert.ok(n <= c * (1 + 1e-12), `${id} ${engine} layer ${l}: row norm ${n}`);
        if (p.W1 && p.W2) {
          for (let i = 0; i < p.W.length; i++) {
            assert.ok(Math.abs(p.W[i] - (p.W1[i] - p.W2[i])) <= 1e-12 * (Math.abs(p.W1[i]) + Math.abs(p.W2[i]) + 1e-300), `${id} ${engine} W ≠ W1 − W2`);
          }
        }
      });
      // The constraint was active: without it some first-layer row grows past c.
      const free = createModel(id, initialNet(), rule(id), engine);
      train(free, data.x, data.y, ord, 0.05);
      assert.ok(Math.max(...rowNorms(free.params()[0].W, data.nInputs)) > c, `${id}: the bound never bound`);
    }
  }
});

test('input noise: mean 0 and variance σ² over draws, the dataset unchanged, the same noisy input in both engines', () => {
  const sigma = 0.3;
  const n = 20000;
  const x = new Float32Array(n).fill(0.25);
  const out = new Float64Array(n);
  new TrainDraws(opts({ inputNoise: sigma }), 4, 'sgd').noisyInput(x, 0, n, out);
  let mean = 0;
  for (const v of out) mean += v - 0.25;
  mean /= n;
  let v2 = 0;
  for (const v of out) v2 += (v - 0.25 - mean) ** 2;
  v2 /= n - 1;
  assert.ok(Math.abs(mean) < 4 * (sigma / Math.sqrt(n)), `mean ${mean}`);
  // sd of the sample variance of a normal ≈ σ²·sqrt(2/(n − 1)).
  assert.ok(Math.abs(v2 - sigma ** 2) < 4 * sigma ** 2 * Math.sqrt(2 / (n - 1)), `variance ${v2}`);
  assert.ok(x.every((v) => v === 0.25));

  const before = data.x.slice();
  const ref = new Model('dwm', initialNet(), rule('dwm'), opts({ inputNoise: sigma }), 8);
  const fast = createModel('dwm', initialNet(), rule('dwm'), 'fast', opts({ inputNoise: sigma }), 8) as FastModel;
  for (const k of [3, 17, 3]) {
    ref.step(data.x, k, data.y[k], 0.01);
    fast.step(data.x, k, data.y[k], 0.01);
    const fastInput = (fast as unknown as { input: Float32Array }).input;
    assert.deepEqual([...fastInput], [...ref.net.acts[0]]);
    // The noise is fresh each step (sample 3 twice gives two different inputs).
    assert.ok(ref.net.acts[0].some((v, i) => v !== data.x[k * data.nInputs + i]));
  }
  assert.deepEqual(data.x, before);
});

/** −Σ t_k log softmax(z)_k, the smoothed cross-entropy written out directly. */
function smoothedLoss(z: number[], label: number, eps: number): number {
  const K = z.length;
  const sum = z.reduce((s, v) => s + Math.exp(v), 0);
  return -z.reduce((s, v, k) => s + ((k === label ? 1 - eps : 0) + eps / K) * Math.log(Math.exp(v) / sum), 0);
}

test('label smoothing: δ of the output layer equals the finite-difference gradient of the smoothed cross-entropy', () => {
  const z = [0.3, -1.2, 2.0, 0.7, -0.4];
  for (const eps of [0.1, 0.5]) {
    const delta = new Float64Array(5);
    const loss = softmaxCrossEntropySmoothed(Float64Array.from(z), 5, 2, eps, delta);
    assert.ok(Math.abs(loss - smoothedLoss(z, 2, eps)) < 1e-12);
    const h = 1e-6;
    for (let k = 0; k < 5; k++) {
      const up = z.slice();
      up[k] += h;
      const down = z.slice();
      down[k] -= h;
      const fd = (smoothedLoss(up, 2, eps) - smoothedLoss(down, 2, eps)) / (2 * h);
      assert.ok(Math.abs(delta[k] - fd) < 1e-8, `ε ${eps}, k ${k}: δ ${delta[k]} vs ${fd}`);
    }
  }
  // ε = 0 is the plain one-hot loss.
  const d0 = new Float64Array(5);
  const d1 = new Float64Array(5);
  const l0 = softmaxCrossEntropySmoothed(Float64Array.from(z), 5, 1, 0, d0);
  const l1 = softmaxCrossEntropy(Float64Array.from(z), 5, 1, d1);
  assert.ok(Math.abs(l0 - l1) < 1e-14);
  for (let k = 0; k < 5; k++) assert.ok(Math.abs(d0[k] - d1[k]) < 1e-15);
});

test('label smoothing: the fast engine\'s step loss is the smoothed loss; regression refuses it in one line', () => {
  const net = initialNet();
  const fast = createModel('sgd', net, rule('sgd'), 'fast', opts({ labelSmoothing: 0.2 }));
  const check = net.clone();
  check.acts[0].set(data.x.subarray(5 * data.nInputs, 6 * data.nInputs));
  check.forward();
  const expected = smoothedLoss([...check.output], data.y[5], 0.2);
  const got = fast.step(data.x, 5, data.y[5], 0.01);
  assert.ok(Math.abs(got - expected) < 1e-12 * expected, `${got} vs ${expected}`);
  const reg = new Network([3, 4, 1], 'mse');
  for (const engine of ['reference', 'fast'] as const) {
    assert.throws(() => createModel('sgd', reg, rule('sgd'), engine, opts({ labelSmoothing: 0.1 })), (e: Error) =>
      e instanceof UserError && /labelSmoothing/.test(e.message) && !e.message.includes('\n'));
  }
  assert.throws(() => createModel('sgd', reg, rule('sgd'), 'fast', opts({ dropout: 1 })), UserError);
  assert.throws(() => createModel('sgd', reg, rule('sgd'), 'reference', opts({ maxNorm: -1 })), UserError);
});

const CASES: [string, Partial<TrainOptions>][] = [
  ['dropout 0.2', { dropout: 0.2 }],
  ['maxNorm 1.5', { maxNorm: 1.5 }],
  ['inputNoise 0.3', { inputNoise: 0.3 }],
  ['labelSmoothing 0.1', { labelSmoothing: 0.1 }],
  ['all four', { dropout: 0.2, maxNorm: 1.5, inputNoise: 0.3, labelSmoothing: 0.1 }],
];

for (const [name, o] of CASES) {
  test(`fast engine matches the reference with ${name}: every rule (the paper's five, momentum, adam, sgd-gated-decay), 1,000 steps`, () => {
    const ord = order(trainIdx, 1000, 12);
    for (const id of ALL_RULES) {
      const ref = new Model(id, initialNet(), rule(id), opts(o), 12);
      const fast = createModel(id, initialNet(), rule(id), 'fast', opts(o), 12);
      assert.equal(fast.engine, 'fast', 'no fallback to the reference engine');
      // Momentum's steps are 1/(1 − β) = 10 times sgd's: the same effective step size.
      const lr = id === 'momentum' ? 0.002 : 0.02;
      const lossRef = train(ref, data.x, data.y, ord, lr);
      const lossFast = train(fast, data.x, data.y, ord, lr);
      assert.ok(Math.abs(lossFast - lossRef) <= 1e-9 * Math.abs(lossRef), `${id}: summed loss ${lossFast} vs ${lossRef}`);
      const w = worst(fast.params(), ref.params());
      assert.ok(w.ratio <= 1, `${id}: outside the bound at ${w.where}`);
      if (o.dropout) {
        const masksRef = (ref as unknown as { reg: { masks: Float64Array[] } }).reg.masks;
        const masksFast = (fast as unknown as { masks: Float64Array[] }).masks;
        assert.deepEqual(masksFast.map((m) => [...m]), masksRef.map((m) => [...m]), `${id}: last step's masks`);
      }
      // Evaluation has no dropout or noise: the same score as a plain network with these weights.
      const plain = initialNet();
      ref.params().forEach((p, l) => { plain.layers[l].W.set(p.W); plain.layers[l].b.set(p.b); });
      const accRef = ref.score(data.x, held, held.length, data.y, 'accuracy');
      assert.equal(new Model('sgd', plain, rule('sgd')).score(data.x, held, held.length, data.y, 'accuracy'), accRef);
      assert.equal(fast.score(data.x, held, held.length, data.y, 'accuracy'), accRef);
      assert.ok(accRef / held.length > 0.25, `${id}: accuracy ${accRef / held.length}`); // chance: 0.1
    }
  });
}

test('fast32 takes the options too: all four, within its bound (1e-5 of each matrix\'s largest weight) of the reference', () => {
  const o = opts({ dropout: 0.2, maxNorm: 1.5, inputNoise: 0.3, labelSmoothing: 0.1 });
  const ord = order(trainIdx, 1000, 3);
  for (const id of ['dwm', 'sgd', 'l2-0.1']) {
    const ref = createModel(id, initialNet(), rule(id), 'reference', o, 3);
    const f32 = createModel(id, initialNet(), rule(id), 'fast32', o, 3);
    assert.equal(f32.engine, 'fast32');
    train(ref, data.x, data.y, ord, 0.01);
    train(f32, data.x, data.y, ord, 0.01);
    assertNormwise(f32.params(), ref.params(), 1e-5, `${id} fast32`);
  }
});

test('all options 0 is the plain step: the same weights bit for bit as a model made without options', () => {
  const ord = order(trainIdx, 300, 5);
  for (const engine of ['reference', 'fast'] as const) {
    const a = createModel('dwm', initialNet(), rule('dwm'), engine);
    const b = createModel('dwm', initialNet(), rule('dwm'), engine, opts({}), 77);
    assert.equal(train(a, data.x, data.y, ord, 0.01), train(b, data.x, data.y, ord, 0.01));
    assert.deepEqual(a.params(), b.params());
  }
});
