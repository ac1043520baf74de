// The learning rules against hand-worked steps. Every expected number below is
// worked out in the comments from docs/METHOD.md §2–4, not read from the implementation.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Model } from '../model.js';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { makeRule, paramsOfId, resolveParams, ruleFor, type LearningRule } from './index.js';

function rule(id: string): LearningRule<any> {
  const r = ruleFor(id);
  if ('error' in r) throw new Error(r.error);
  return r;
}

/** A 2 → 1 regression layer with W = [0.5, −0.25], b = 0, trained on a = [1, 2]. */
function tinyModel(id: string): { model: Model; x: Float32Array } {
  const net = new Network([2, 1], 'mse');
  net.layers[0].W.set([0.5, -0.25]);
  return { model: new Model(id, net, rule(id)), x: new Float32Array([1, 2]) };
}

function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) < 1e-12, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('dwm: two steps worked by hand', () => {
  const { model, x } = tinyModel('dwm');
  // Step 1, target 1: z = 0.5 − 0.5 = 0, δ = 2(0 − 1) = −2 → target side, r1 = 0.1·2 = 0.2.
  // W1 = 0.8·[0.5, −0.25] + 0.2·[1, 2] = [0.6, 0.2]; W2 = 0; b = 0 − 0.1·(−2) = 0.2.
  model.step(x, 0, 1, 0.1);
  let p = model.params()[0];
  close(p.W1!, [0.6, 0.2], 'W1'); close(p.W2!, [0, 0], 'W2'); close(p.W, [0.6, 0.2], 'W'); close(p.b, [0.2], 'b');
  // Step 2: z = 0.6 + 0.4 + 0.2 = 1.2, δ = 2(1.2 − 1) = 0.4 → non-target side, r2 = 0.04.
  // W2 = 0.96·0 + 0.04·[1, 2] = [0.04, 0.08]; W = [0.56, 0.12]; b = 0.2 − 0.04 = 0.16.
  model.step(x, 0, 1, 0.1);
  p = model.params()[0];
  close(p.W1!, [0.6, 0.2], 'W1'); close(p.W2!, [0.04, 0.08], 'W2'); close(p.W, [0.56, 0.12], 'W'); close(p.b, [0.16], 'b');
});

test('dwm: η|δ| > 1 overshoots (no clamp)', () => {
  const { model, x } = tinyModel('dwm');
  // lr 0.5, target 2: z = 0, δ = −4, r1 = 2: W1 = (1 − 2)·[0.5, −0.25] + 2·[1, 2] = [1.5, 4.25].
  model.step(x, 0, 2, 0.5);
  const p = model.params()[0];
  close(p.W1!, [1.5, 4.25], 'W1'); close(p.W, [1.5, 4.25], 'W'); close(p.b, [2], 'b');
});

test('dwm-stable: two steps by hand, then the clamp at 1', () => {
  const { model, x } = tinyModel('dwm-stable');
  // Step 1, target 1: δ = −2, A = 1: r1 = 0.1·min(0.1·2/1, 1) = 0.02.
  // W1 = 0.98·[0.5, −0.25] + 0.02·[1, 2] = [0.51, −0.205]; b = 0.2; A = 0.9·1 + 0.1·2 = 1.1.
  model.step(x, 0, 1, 0.1);
  let p = model.params()[0];
  close(p.W1!, [0.51, -0.205], 'W1'); close(p.b, [0.2], 'b');
  // Step 2: z = 0.51 − 0.41 + 0.2 = 0.3, δ = 2(0.3 − 1) = −1.4, r1 = 0.1·(0.14/1.1).
  const r = 0.1 * (0.14 / 1.1);
  model.step(x, 0, 1, 0.1);
  p = model.params()[0];
  close(p.W1!, [(1 - r) * 0.51 + r * 1, (1 - r) * -0.205 + r * 2], 'W1');
  close(p.W2!, [0, 0], 'W2');
  close(p.b, [0.2 + 0.1 * 1.4], 'b');

  // Clamp: target 100 gives δ = −200, 0.1·200/1 = 20 > 1, so r1 = η·1 = 0.1.
  // W1 = 0.9·[0.5, −0.25] + 0.1·[1, 2] = [0.55, −0.025].
  const fresh = tinyModel('dwm-stable');
  fresh.model.step(fresh.x, 0, 100, 0.1);
  close(fresh.model.params()[0].W1!, [0.55, -0.025], 'clamped W1');
});

test('dwm-stable: the running average A only moves for neurons with δ ≠ 0', () => {
  // Two outputs; only output 0 gets an error: A_1 stays at 1, so its pull is unchanged later.
  const net = new Network([1, 2], 'softmax-ce');
  net.layers[0].W.set([0, 0]);
  const r = rule('dwm-stable');
  const state = r.init(net);
  net.acts[0][0] = 1;
  net.forward();
  net.deltas[0].set([-0.5, 0]);
  r.update(net, state, 0.1);
  close(state.A[0], [0.9 + 0.05, 1], 'A');
});

test('sgd: W ← W − η δ aᵀ, b ← b − η δ', () => {
  const { model, x } = tinyModel('sgd');
  // z = 0, δ = −2, lr 0.1: W = [0.5, −0.25] + 0.2·[1, 2] = [0.7, 0.15]; b = 0.2.
  model.step(x, 0, 1, 0.1);
  const p = model.params()[0];
  close(p.W, [0.7, 0.15], 'W'); close(p.b, [0.2], 'b');
  assert.equal(p.W1, undefined);
});

test('l2: the regulariser step is λ times the finite-difference gradient of ‖W‖_F (not squared)', () => {
  const net = new Network([3, 2, 2], 'softmax-ce');
  const w0 = [[0.3, -0.7, 0.2, 0.9, -0.4, 0.1], [0.5, -0.6, 0.8, 0.25]];
  net.layers.forEach((l, i) => l.W.set(w0[i]));
  const lambda = 0.1;
  const lr = 0.01;
  const r = rule(`l2-${lambda}`);
  const state = r.init(net);
  net.acts[0].set([1, 0.5, -1]);
  net.forward();
  for (const d of net.deltas) d.fill(0); // isolate the regulariser
  r.update(net, state, lr);
  const h = 1e-6;
  net.layers.forEach((layer, l) => {
    const norm = (w: number[]) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    for (let p = 0; p < w0[l].length; p++) {
      const up = w0[l].slice(); up[p] += h;
      const down = w0[l].slice(); down[p] -= h;
      const fd = (lambda * norm(up) - lambda * norm(down)) / (2 * h);
      const step = (w0[l][p] - layer.W[p]) / lr;
      assert.ok(Math.abs(step - fd) < 1e-7, `layer ${l} entry ${p}: ${step} vs ${fd}`);
    }
  });
  assert.ok(net.layers.every((l) => l.b.every((b) => b === 0)), 'biases are not regularised');
});

test('weight-decay: the step is λ·W (squared L2), a different method from l2', () => {
  const net = new Network([2, 1], 'mse');
  net.layers[0].W.set([0.5, -0.25]);
  const r = rule('weight-decay-0.5');
  const state = r.init(net);
  net.acts[0].set([1, 2]);
  net.forward();
  net.deltas[0].fill(0);
  r.update(net, state, 0.1);
  // W ← W − 0.1·0.5·W = 0.95·W.
  close(net.layers[0].W, [0.475, -0.2375], 'W');
});

test('unknown or malformed method ids are explained', () => {
  assert.match((ruleFor('adamw') as { error: string }).error, /unknown method 'adamw'/);
  assert.match((ruleFor('l2-abc') as { error: string }).error, /l2 needs a non-negative number/);
  assert.equal((ruleFor('l2-0.01') as LearningRule<unknown>).id, 'l2-0.01');
});

/** The tiny model of tinyModel with a rule made from (name, params). */
function tinyWith(name: string, params: Record<string, number> = {}): { model: Model; x: Float32Array } {
  const r = makeRule(name, params);
  if ('error' in r) throw new Error(r.error);
  const net = new Network([2, 1], 'mse');
  net.layers[0].W.set([0.5, -0.25]);
  return { model: new Model(name, net, r), x: new Float32Array([1, 2]) };
}

test('momentum: two steps worked by hand (β = 0.9), the velocity carries over', () => {
  const { model, x } = tinyWith('momentum');
  // Step 1, target 1: δ = −2, g_W = [−2, −4], g_b = −2; v = g; W = [0.5, −0.25] − 0.1·v = [0.7, 0.15]; b = 0.2.
  model.step(x, 0, 1, 0.1);
  let p = model.params()[0];
  close(p.W, [0.7, 0.15], 'W'); close(p.b, [0.2], 'b');
  // Step 2: z = 0.7 + 0.3 + 0.2 = 1.2, δ = 0.4, g = [0.4, 0.8], g_b = 0.4.
  // v = 0.9·[−2, −4] + [0.4, 0.8] = [−1.4, −2.8], v_b = −1.4: W = [0.84, 0.43], b = 0.34.
  model.step(x, 0, 1, 0.1);
  p = model.params()[0];
  close(p.W, [0.84, 0.43], 'W'); close(p.b, [0.34], 'b');
});

test('momentum, nesterov: W ← W − η(g + βv) after v ← βv + g, two steps by hand', () => {
  const { model, x } = tinyWith('momentum', { nesterov: 1 });
  // Step 1: g = [−2, −4], v = g, W −= 0.1·1.9·g: W = [0.88, 0.51], b = 0.38.
  model.step(x, 0, 1, 0.1);
  close(model.params()[0].W, [0.88, 0.51], 'W');
  // Step 2: z = 0.88 + 1.02 + 0.38 = 2.28, δ = 2.56, g = [2.56, 5.12]; v = 0.9·[−2, −4] + g = [0.76, 1.52];
  // W −= 0.1·(g + 0.9·v) = [0.3244, 0.6488] → [0.5556, −0.1388]; b = 0.38 − 0.3244 = 0.0556.
  model.step(x, 0, 1, 0.1);
  const p = model.params()[0];
  close(p.W, [0.5556, -0.1388], 'W'); close(p.b, [0.0556], 'b');
});

test('momentum with β = 0 is sgd (3-layer net, 20 steps)', () => {
  const init = new Network([5, 4, 3], 'softmax-ce');
  init.initHeNormal(new Rng(4, 'init'));
  const a = new Model('m', init.clone(), makeRule('momentum', { beta: 0 }) as LearningRule<any>);
  const b = new Model('s', init.clone(), rule('sgd'));
  const rng = new Rng(5, 'x');
  const x = Float32Array.from({ length: 5 * 20 }, () => Math.max(0, rng.normal()));
  for (let s = 0; s < 20; s++) {
    a.step(x, s, s % 3, 0.05);
    b.step(x, s, s % 3, 0.05);
  }
  a.params().forEach((p, l) => {
    const q = b.params()[l];
    for (let i = 0; i < p.W.length; i++) assert.ok(Math.abs(p.W[i] - q.W[i]) < 1e-12, `W[${l}][${i}]`);
    for (let i = 0; i < p.b.length; i++) assert.ok(Math.abs(p.b[i] - q.b[i]) < 1e-12, `b[${l}][${i}]`);
  });
});

test('adam: the first step is −η·g/(|g| + ε) per entry; the second by hand with the moments', () => {
  const { model, x } = tinyWith('adam');
  const eps = 1e-8;
  // Step 1: δ = −2, g = [−2, −4], g_b = −2. m̂ = g, v̂ = g² after bias correction.
  model.step(x, 0, 1, 0.1);
  let p = model.params()[0];
  const w1 = [0.5 + (0.1 * 2) / (2 + eps), -0.25 + (0.1 * 4) / (4 + eps)];
  const b1 = (0.1 * 2) / (2 + eps);
  close(p.W, w1, 'W'); close(p.b, [b1], 'b');
  // Step 2: δ = 2(z − 1) with z = w1·[1, 2] + b1 (≈ 0.4, δ ≈ −1.2).
  const d = 2 * (w1[0] + 2 * w1[1] + b1 - 1);
  const c1 = 1 / (1 - 0.9 * 0.9);
  const c2 = 1 / (1 - 0.999 * 0.999);
  const next = (x0: number, g1: number, g2: number) => {
    const m = 0.9 * (0.1 * g1) + 0.1 * g2;
    const v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2;
    return x0 - (0.1 * (m * c1)) / (Math.sqrt(v * c2) + eps);
  };
  model.step(x, 0, 1, 0.1);
  p = model.params()[0];
  close(p.W, [next(w1[0], -2, d), next(w1[1], -4, 2 * d)], 'W');
  close(p.b, [next(b1, -2, d)], 'b');
  assert.ok(Math.abs(d + 1.2) < 1e-6, `δ ${d}`);
});

test('adam: decoupled weight decay adds −η·λ·W (pre-step) to the first step', () => {
  const { model, x } = tinyWith('adam', { weightDecay: 0.5 });
  model.step(x, 0, 1, 0.1);
  const eps = 1e-8;
  close(model.params()[0].W, [0.5 + (0.1 * 2) / (2 + eps) - 0.1 * 0.5 * 0.5, -0.25 + (0.1 * 4) / (4 + eps) + 0.1 * 0.5 * 0.25], 'W');
});

test('sgd-gated-decay: W[j] ← (1 − η|δ_j|)W[j] − η δ_j a (METHOD.md §4.1), two steps by hand', () => {
  const { model, x } = tinyWith('sgd-gated-decay');
  // Step 1: δ = −2, keep 0.8: W = 0.8·[0.5, −0.25] + 0.2·[1, 2] = [0.6, 0.2]; b = 0.2 (= dwm's step, W2 = 0).
  model.step(x, 0, 1, 0.1);
  close(model.params()[0].W, [0.6, 0.2], 'W');
  // Step 2: z = 1.2, δ = 0.4, keep 0.96: W = 0.96·[0.6, 0.2] − 0.04·[1, 2] = [0.536, 0.112]; b = 0.16.
  // (dwm gave [0.56, 0.12]: it spares W1 = [0.6, 0.2], the side it does not pull, by 0.04·W1.)
  model.step(x, 0, 1, 0.1);
  const p = model.params()[0];
  close(p.W, [0.536, 0.112], 'W'); close(p.b, [0.16], 'b');
  assert.equal(p.W1, undefined);
});

test('rule hyperparameters: defaults, bounds and unknown names are one line each', () => {
  assert.deepEqual(resolveParams('adam').params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  assert.deepEqual(resolveParams('adam', { beta1: 1.2 }).errors, [{ key: 'beta1', message: '1.2 is above 1' }]);
  assert.deepEqual(resolveParams('adam', { eps: 0 }).errors, [{ key: 'eps', message: '0 must be above 0' }]);
  assert.deepEqual(resolveParams('momentum', { nesterov: 0.5 }).errors, [{ key: 'nesterov', message: '0.5 is not 0 or 1' }]);
  assert.deepEqual(resolveParams('l2', { lambda: -1 }).errors, [{ key: 'lambda', message: '-1 is below 0' }]);
  assert.deepEqual(resolveParams('sgd', { beta: 1 }).errors, [{ key: 'beta', message: 'not a parameter of sgd (it has none)' }]);
  assert.match((makeRule('adam', { beta2: 1 }) as { error: string }).error, /^beta2: 1 must be below 1$/);
  assert.match((makeRule('nadam') as { error: string }).error, /unknown rule 'nadam'/);
  // String ids keep their meaning: l2-0.01 is l2 with λ = 0.01, adam takes the defaults.
  assert.equal((makeRule('l2', { lambda: 0.01 }) as LearningRule<unknown>).id, (ruleFor('l2-0.01') as LearningRule<unknown>).id);
  assert.deepEqual(paramsOfId('l2-0.01'), { lambda: 0.01 });
  assert.deepEqual(paramsOfId('momentum'), { beta: 0.9, nesterov: 0 });
  assert.equal(paramsOfId('adamw'), undefined);
});
