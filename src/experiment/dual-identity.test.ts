// The identity of docs/METHOD.md §4.1, checked on the project's own rules (src/core/rules/dwm.ts,
// dwm-stable.ts, sgd.ts) and engines, never on a copy of their arithmetic: one DWM step on the
// effective weights W = W1 − W2 is the SGD step plus an error-gated decay of the side it pulls,
//   W' = W − η δ_j a − r1 W1[j] + r2 W2[j],   r1 = η max(−δ_j, 0),  r2 = η max(δ_j, 0),
// and the stabilised step is SGD at a per-unit step size η ρ_j plus the same decay at rate r_j,
//   W' = W − η ρ_j δ_j a − r_j S_j,   r_j = η ρ_j |δ_j| = η min(0.1 |δ_j| / A_j, 1),
// S_j = W1[j] when δ_j < 0 and −W2[j] when δ_j > 0. The expected values below are built from
// the state before the step and the SGD rule's own step; only the decay term is written here.
// It also pins down the ablation `sgd-gated-decay` (§4.1) and checks the rule against it:
// the W-only step W' = W − η δ_j a − η |δ_j| W[j], equal to DWM exactly when the side DWM does
// not pull is zero, and otherwise off by η |δ_j| times that side.
// Not imported by anything: the code fingerprint of every run is unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModel, type EngineName } from '../core/model-factory.js';
import { Network } from '../core/network.js';
import { Rng } from '../core/rng.js';
import type { DualState } from '../core/rules/dwm.js';
import type { StableState } from '../core/rules/dwm-stable.js';
import { ruleFor, type LayerParams, type LearningRule } from '../core/rules/index.js';

const TOL = 1e-12;

function rule(id: string): LearningRule<any> {
  const r = ruleFor(id);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const DWM = rule('dwm');
const STABLE = rule('dwm-stable');
const SGD = rule('sgd');

/** Layer shapes: a regression net, a 3-layer classifier, one layer, a wide-input one. */
const SHAPES: { sizes: number[]; loss: 'mse' | 'softmax-ce' }[] = [
  { sizes: [6, 5, 1], loss: 'mse' },
  { sizes: [7, 6, 4, 3], loss: 'softmax-ce' },
  { sizes: [3, 1], loss: 'mse' },
  { sizes: [40, 9, 10], loss: 'softmax-ce' },
];

interface Case {
  /** The dual network: W = W1 − W2 written into its layers. */
  net: Network;
  W1: Float64Array[];
  W2: Float64Array[];
  x: Float64Array;
  target: number;
  lr: number;
}

/**
 * Random dual weights on both sides (W1 and W2 non-zero, so both decays are exercised; one case
 * in three has non-negative sides, as image prototypes are), a random bias, an input with some
 * exact zeros (the sparse SGD kernel skips them), a target, and η up to 0.5 so that η|δ| > 1
 * (DWM's overshoot) occurs too.
 */
function randomCase(rng: Rng, shape: (typeof SHAPES)[number], k: number): Case {
  const net = new Network(shape.sizes, shape.loss);
  const positive = k % 3 === 0;
  const draw = () => (positive ? Math.abs(rng.normal()) : rng.normal());
  const W1: Float64Array[] = [];
  const W2: Float64Array[] = [];
  for (const layer of net.layers) {
    const w1 = Float64Array.from(layer.W, () => draw());
    const w2 = Float64Array.from(layer.W, () => draw());
    for (let p = 0; p < layer.W.length; p++) layer.W[p] = w1[p] - w2[p];
    for (let j = 0; j < layer.nOut; j++) layer.b[j] = 0.5 * rng.normal();
    W1.push(w1);
    W2.push(w2);
  }
  const x = Float64Array.from({ length: shape.sizes[0] }, () => (rng.uniform() < 0.25 ? 0 : rng.normal()));
  const nOut = shape.sizes[shape.sizes.length - 1];
  const target = shape.loss === 'mse' ? 3 * rng.normal() : rng.int(nOut);
  const lr = [0.001, 0.05, 0.5][k % 3];
  return { net, W1, W2, x, target, lr };
}

/** forward() and backward() of one sample, as Model.step does before the rule's update; δ copied. */
function backprop(net: Network, x: Float64Array, target: number): Float64Array[] {
  net.acts[0].set(x);
  net.forward();
  net.backward(target);
  return net.deltas.map((d) => d.slice());
}

/** A dual state holding the case's W1, W2 (the rule's own init, then the sides overwritten). */
function dualState<S extends DualState>(r: LearningRule<S>, c: Case): S {
  const state = r.init(c.net);
  c.W1.forEach((w, l) => state.W1[l].set(w));
  c.W2.forEach((w, l) => state.W2[l].set(w));
  return state;
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs ${expected} (|diff| ${Math.abs(actual - expected)})`);
}

test('dwm: one step = the sgd step − r1·W1 + r2·W2, on random layers (1e-12)', () => {
  const rng = new Rng(22, 'dual-identity');
  let pulled1 = 0;
  let pulled2 = 0;
  let overshoot = 0;
  for (let k = 0; k < 24; k++) {
    const c = randomCase(rng, SHAPES[k % SHAPES.length], k);
    const sgdNet = c.net.clone();
    const state = dualState(DWM as LearningRule<DualState>, c);
    const delta = backprop(c.net, c.x, c.target);
    const deltaSgd = backprop(sgdNet, c.x, c.target);
    // Both steps start from the same W and b: the same δ, bit for bit.
    assert.deepEqual(deltaSgd, delta, 'δ of the dual and the plain network');
    DWM.update(c.net, state, c.lr);
    SGD.update(sgdNet, null, c.lr);
    c.net.layers.forEach((layer, l) => {
      for (let j = 0; j < layer.nOut; j++) {
        const d = delta[l][j];
        const r1 = c.lr * Math.max(-d, 0);
        const r2 = c.lr * Math.max(d, 0);
        if (r1 > 0) pulled1++;
        if (r2 > 0) pulled2++;
        if (r1 > 1 || r2 > 1) overshoot++;
        for (let i = 0; i < layer.nIn; i++) {
          const p = j * layer.nIn + i;
          const expected = sgdNet.layers[l].W[p] - r1 * c.W1[l][p] + r2 * c.W2[l][p];
          assertClose(layer.W[p], expected, `case ${k} layer ${l} W[${j},${i}]`);
          assertClose(state.W1[l][p] - state.W2[l][p], expected, `case ${k} layer ${l} (W1 − W2)[${j},${i}]`);
          // Only the pulled side moves: the other keeps its bits.
          if (d <= 0) assert.equal(state.W2[l][p], c.W2[l][p], `case ${k}: W2 moved on a δ ≤ 0 row`);
          if (d >= 0) assert.equal(state.W1[l][p], c.W1[l][p], `case ${k}: W1 moved on a δ ≥ 0 row`);
        }
      }
      // The bias step is SGD's.
      assert.deepEqual(layer.b, sgdNet.layers[l].b, `case ${k} layer ${l} b`);
    });
  }
  // The cases reach both sides and the overshoot regime.
  assert.ok(pulled1 > 20 && pulled2 > 20 && overshoot > 0, `rows pulled on W1 ${pulled1}, on W2 ${pulled2}, overshooting ${overshoot}`);
});

test('dwm-stable: one step = sgd at step η·ρ_j per unit − r_j·S_j, ρ_j = min(0.1/A_j, 1/|δ_j|) (1e-12)', () => {
  const rng = new Rng(22, 'dual-identity-stable');
  let clamped = 0;
  let free = 0;
  for (let k = 0; k < 24; k++) {
    const c = randomCase(rng, SHAPES[k % SHAPES.length], k);
    const sgdNet = c.net.clone();
    const state = dualState(STABLE as LearningRule<StableState>, c);
    // Running means of |δ| away from their start at 1; a few small ones make 0.1|δ|/A exceed 1 (the cap).
    for (const A of state.A) for (let j = 0; j < A.length; j++) A[j] = rng.uniform() < 0.2 ? 0.01 : 0.05 + 2 * rng.uniform();
    const A0 = state.A.map((A) => A.slice());
    const b0 = c.net.layers.map((layer) => layer.b.slice());
    const delta = backprop(c.net, c.x, c.target);
    backprop(sgdNet, c.x, c.target);
    // The per-unit step size: SGD on a row with δ_j scaled by ρ_j is SGD at rate η ρ_j.
    const rho = delta.map((d, l) => Float64Array.from(d, (dj, j) => (dj === 0 ? 0 : Math.min(0.1 / A0[l][j], 1 / Math.abs(dj)))));
    sgdNet.deltas.forEach((d, l) => {
      for (let j = 0; j < d.length; j++) d[j] *= rho[l][j];
    });
    STABLE.update(c.net, state, c.lr);
    SGD.update(sgdNet, null, c.lr);
    c.net.layers.forEach((layer, l) => {
      for (let j = 0; j < layer.nOut; j++) {
        const d = delta[l][j];
        const r = c.lr * Math.min((0.1 * Math.abs(d)) / A0[l][j], 1);
        if (d !== 0 && (0.1 * Math.abs(d)) / A0[l][j] > 1) clamped++;
        else if (d !== 0) free++;
        assertClose(r, c.lr * rho[l][j] * Math.abs(d), `case ${k} r = η ρ |δ|`);
        for (let i = 0; i < layer.nIn; i++) {
          const p = j * layer.nIn + i;
          const S = d < 0 ? c.W1[l][p] : d > 0 ? -c.W2[l][p] : 0;
          assertClose(layer.W[p], sgdNet.layers[l].W[p] - r * S, `case ${k} layer ${l} W[${j},${i}]`);
        }
        // The bias is not normalised: b − η δ. A moves only where δ ≠ 0.
        assertClose(layer.b[j], b0[l][j] - c.lr * d, `case ${k} layer ${l} b[${j}]`);
        assertClose(state.A[l][j], d === 0 ? A0[l][j] : (1 - c.lr) * A0[l][j] + c.lr * Math.abs(d), `case ${k} layer ${l} A[${j}]`);
      }
    });
  }
  assert.ok(clamped > 5 && free > 20, `rows at the cap ${clamped}, below it ${free}`);
});

/**
 * One `sgd-gated-decay` step as METHOD.md §4.1 defines it (on W alone):
 * W[j] ← (1 − η|δ_j|) W[j] − η δ_j a, b ← b − η δ. Written here only to state the definition;
 * the rule itself is for src/core/rules/ (issue 22).
 */
function gatedDecayStep(net: Network, lr: number): void {
  net.layers.forEach((layer, l) => {
    const a = net.acts[l];
    const delta = net.deltas[l];
    for (let j = 0; j < layer.nOut; j++) {
      const d = delta[j];
      const keep = 1 - lr * Math.abs(d);
      for (let i = 0; i < layer.nIn; i++) layer.W[j * layer.nIn + i] = keep * layer.W[j * layer.nIn + i] - lr * d * a[i];
      layer.b[j] -= lr * d;
    }
  });
}

test('sgd-gated-decay: equals dwm where the unpulled side is zero, and differs by η|δ_j| × that side otherwise', () => {
  const rng = new Rng(22, 'gated-decay');
  for (let k = 0; k < 12; k++) {
    const c = randomCase(rng, SHAPES[k % SHAPES.length], k);
    // As at the start of training (W2 = 0): a row with δ < 0 decays W1 = W, a row with δ > 0 has
    // nothing to decay in DWM but decays W in the ablation.
    c.W2.forEach((w, l) => {
      w.fill(0);
      c.net.layers[l].W.set(c.W1[l]);
    });
    const plain = c.net.clone();
    const state = dualState(DWM as LearningRule<DualState>, c);
    const delta = backprop(c.net, c.x, c.target);
    backprop(plain, c.x, c.target);
    const before = c.net.layers.map((layer) => layer.W.slice());
    DWM.update(c.net, state, c.lr);
    gatedDecayStep(plain, c.lr);
    let differing = 0;
    c.net.layers.forEach((layer, l) => {
      for (let j = 0; j < layer.nOut; j++) {
        const d = delta[l][j];
        for (let i = 0; i < layer.nIn; i++) {
          const p = j * layer.nIn + i;
          // DWM − ablation = η|δ_j| × the unpulled side's part of W: −W2 (here 0) for δ < 0, W1 for δ > 0.
          const unpulled = d < 0 ? -c.W2[l][p] : d > 0 ? c.W1[l][p] : 0;
          assertClose(layer.W[p] - plain.layers[l].W[p], c.lr * Math.abs(d) * unpulled, `case ${k} layer ${l} W[${j},${i}]`);
          if (d > 0 && before[l][p] !== 0) differing++;
        }
      }
      assert.deepEqual(layer.b, plain.layers[l].b);
    });
    if (delta.some((d) => d.some((v) => v > 0))) assert.ok(differing > 0, `case ${k}: a δ > 0 row tells the two rules apart`);
  }
});

/** W1, W2, W, b of a model after `steps` dwm steps on random samples from `initial`. */
function trained(engine: EngineName, initial: Network, x: Float32Array, y: Float32Array, steps: number, lr: number) {
  const model = createModel('dwm', initial, DWM, engine);
  const rows = y.length;
  for (let s = 0; s < steps; s++) model.step(x, s % rows, y[s % rows], lr);
  return model;
}

for (const engine of ['reference', 'fast'] as const) {
  test(`dwm on the ${engine} engine: after training, one step of Trainable.step is sgd's step − r1·W1 + r2·W2`, () => {
    // Train dwm for a while (so W1 and W2 are both far from their start), then take one more step
    // with dwm and with an sgd model started from the dwm model's W and b, through the engine's
    // own step(). ηδ_j is read back from the bias, whose step is plain SGD in DWM.
    const rng = new Rng(22, `engine-${engine}`);
    const sizes = [12, 8, 3];
    const rows = 30;
    const x = Float32Array.from({ length: rows * sizes[0] }, () => (rng.uniform() < 0.3 ? 0 : rng.uniform()));
    const y = Float32Array.from({ length: rows }, () => rng.int(sizes[2]));
    const initial = new Network(sizes, 'softmax-ce');
    initial.initHeNormal(new Rng(22, 'init'));
    const lr = 0.05;
    const dual = trained(engine, initial, x, y, 400, lr);
    const p0 = dual.params();
    assert.ok(p0.every((p) => p.W2!.some((v) => v !== 0)), 'W2 has moved away from 0');
    const start = new Network(sizes, 'softmax-ce');
    p0.forEach((p, l) => {
      start.layers[l].W.set(p.W);
      start.layers[l].b.set(p.b);
    });
    const plain = createModel('sgd', start, SGD, engine);
    const row = 7;
    dual.step(x, row, y[row], lr);
    plain.step(x, row, y[row], lr);
    const p1 = dual.params();
    const q1: LayerParams[] = plain.params();
    let moved = 0;
    p1.forEach((p, l) => {
      const nIn = sizes[l];
      for (let j = 0; j < sizes[l + 1]; j++) {
        const g = p0[l].b[j] - p.b[j]; // = η δ_j
        assertClose(q1[l].b[j], p.b[j], `layer ${l} b[${j}]`);
        const r1 = Math.max(-g, 0);
        const r2 = Math.max(g, 0);
        if (g !== 0) moved++;
        for (let i = 0; i < nIn; i++) {
          const k = j * nIn + i;
          assertClose(p.W[k], q1[l].W[k] - r1 * p0[l].W1![k] + r2 * p0[l].W2![k], `layer ${l} W[${j},${i}]`);
        }
      }
    });
    assert.ok(moved > 3, `rows with δ ≠ 0: ${moved}`);
  });
}

test('sgd-gated-decay: the registered rule is the step defined above, through its update and both engines', () => {
  const GATED = rule('sgd-gated-decay');
  const rng = new Rng(23, 'gated-rule');
  for (let k = 0; k < 12; k++) {
    const c = randomCase(rng, SHAPES[k % SHAPES.length], k);
    const byRule = c.net.clone();
    const byDefinition = c.net.clone();
    backprop(byRule, c.x, c.target);
    backprop(byDefinition, c.x, c.target);
    GATED.update(byRule, GATED.init(byRule), c.lr);
    gatedDecayStep(byDefinition, c.lr);
    byRule.layers.forEach((layer, l) => {
      for (let p = 0; p < layer.W.length; p++) assertClose(layer.W[p], byDefinition.layers[l].W[p], `case ${k} layer ${l} W[${p}]`);
      for (let j = 0; j < layer.nOut; j++) assertClose(layer.b[j], byDefinition.layers[l].b[j], `case ${k} layer ${l} b[${j}]`);
    });
    // One step of each engine from the same network and sample gives the same weights.
    const x = Float32Array.from(c.x);
    const fast = createModel('sgd-gated-decay', c.net, GATED, 'fast');
    const ref = createModel('sgd-gated-decay', c.net, GATED, 'reference');
    fast.step(x, 0, c.target, c.lr);
    ref.step(x, 0, c.target, c.lr);
    const pf = fast.params();
    ref.params().forEach((p, l) => {
      for (let i = 0; i < p.W.length; i++) assertClose(pf[l].W[i], p.W[i], `case ${k} engines layer ${l} W[${i}]`);
    });
  }
});
