// The training kernels may be rearranged for speed, but no float operation may be reordered:
// every method must train to the same bits as the kernels from before the rework (kept as a
// second module in testing/kernels-baseline-wasm.ts). Each case trains an old and a new
// FastModel from one initial network on one sample order and compares, with Object.is, the
// loss of every step, the scores and parameters part-way (which must also leave training
// undisturbed) and every parameter at the end. The rules that came after that module (momentum,
// adam, sgd-gated-decay) are held the same way to a second, later module
// (testing/kernels-rules-baseline-wasm.ts), from before momentum's layer-0 loop was reworked.
//
// What the cases reach was counted once in a scratch build of the kernels: on 784-64-32-10
// η = 0.7 sends plain dwm (127 times) and dwm-stable (217) down the overshoot path (η|δ| > 1/2,
// applied densely), on 3072-64-32-10 25 to 32 times; renormBelow 0.99 at η = 0.01 folds a scale
// back on about one step in two (3,285 folds in 1,500 steps), 0.9999 after nearly every pull;
// weight-decay-50 and l2-20 fold σ back into U 107 and 1,193 times; l2's exact recount of ‖U‖²
// runs at step 4,095. (A scale reaching the default 2⁻⁴⁰ takes far longer runs than a test.)
// The deferred layer-0 update (kernels.as, defer / sumRows) takes every path: sparse inputs
// apply it before the forward pass; on 3072-64-32-10 95 % of the four-row groups update and
// sum in one pass, the others (after an exact zero) apply it row by row, as on 200-16-10
// (inputs 70 % non-zero at random places), where also rows past the last non-zero input of
// the next sample are left to the end of the pass (664 times in 3,000 steps). The gated decay's
// own deferred update (every row, sumRowsGated) takes its paths in the last test: four-row groups
// on dense 3072-20-10; rows before a group, groups that are not four consecutive rows, rows after
// the last non-zero input and flush() on 200-16-10 (each path was broken once in a scratch build
// and the test failed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import type { LayerParams } from '../rules/rule.js';
import { METHODS as ALL_METHODS, order, rule, syntheticImages } from '../testing/engines.js';
import { BASELINE_KERNELS32_WASM_BASE64, BASELINE_KERNELS_WASM_BASE64 } from '../testing/kernels-baseline-wasm.js';
import { RULES_BASELINE_KERNELS32_WASM_BASE64, RULES_BASELINE_KERNELS_WASM_BASE64 } from '../testing/kernels-rules-baseline-wasm.js';
import { makeRule } from '../rules/index.js';
import type { LearningRule } from '../rules/rule.js';
import { FastModel, type Layer0Precision } from './fast-model.js';
import { KERNEL_METHOD } from './kernel-methods.js';

/** The methods the baseline module has kernels for (momentum, adam, sgd-gated-decay came after it). */
const METHODS = ALL_METHODS.filter((m) => rule(m).kernel!.method <= KERNEL_METHOD.dwmStable);

const baseline = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const OLD: Record<Layer0Precision, Uint8Array> = { 64: baseline(BASELINE_KERNELS_WASM_BASE64), 32: baseline(BASELINE_KERNELS32_WASM_BASE64) };
/** The module before the turn-in-one-call and momentum changes: the baseline of the rules that came after OLD's. */
const OLD_RULES: Record<Layer0Precision, Uint8Array> = { 64: baseline(RULES_BASELINE_KERNELS_WASM_BASE64), 32: baseline(RULES_BASELINE_KERNELS32_WASM_BASE64) };
/** The newer rules, by a name for the messages: momentum heavy-ball and nesterov, adam, the gated decay. */
const NEW_RULES: Record<string, LearningRule<any>> = {
  momentum: rule('momentum'),
  'momentum-nesterov-0.5': makeRule('momentum', { beta: 0.5, nesterov: 1 }) as LearningRule<any>,
  adam: rule('adam'),
  'sgd-gated-decay': rule('sgd-gated-decay'),
};

interface Data { x: Float32Array; y: Float32Array; n: number; nIn: number }

/** MNIST-like: 28×28 pixels in [0, 1], about four in five exactly 0. */
const sparse: Data = { ...syntheticImages(300, 28, 3), n: 300, nIn: 784 };

/**
 * CIFAR-like: 3,072 dense pixels in [0, 1), ten classes; as in CIFAR-10 most images have no
 * exact 0, the others a few (here one in three images, 1 % of its pixels).
 */
function denseImages(n: number, nIn: number): Data {
  const rng = new Rng(4, 'dense');
  const x = new Float32Array(n * nIn);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(10);
    for (let k = 0; k < nIn; k++) {
      const u = rng.uniform();
      x[i * nIn + k] = i % 3 === 0 && u < 0.01 ? 0 : Math.min(1, rng.uniform() + 0.02 * y[i]);
    }
  }
  return { x, y, n, nIn };
}
const dense = denseImages(120, 3072);

/** 200 inputs, 70 % non-zero at random places, so consecutive samples share only some rows. */
function patchy(): Data {
  const rng = new Rng(6, 'patchy');
  const n = 300;
  const x = new Float32Array(n * 200);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(10);
    for (let k = 0; k < 200; k++) x[i * 200 + k] = rng.uniform() < 0.3 ? 0 : rng.uniform() * (1 + ((k + y[i]) % 3));
  }
  return { x, y, n, nIn: 200 };
}
const mixed = patchy();

/** Tabular regression: 8 standard-normal features, target 0.1·tanh of a linear mix. */
function tabular(): Data {
  const rng = new Rng(5, 'tabular');
  const n = 400;
  const x = new Float32Array(n * 8);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < 8; k++) {
      const v = rng.normal();
      x[i * 8 + k] = v;
      t += (k % 2 === 0 ? 0.8 : -0.4) * v;
    }
    y[i] = 0.1 * Math.tanh(t);
  }
  return { x, y, n, nIn: 8 };
}
const tab = tabular();

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: new ${a[i]} old ${b[i]}`);
  }
}

function sameParams(a: LayerParams[], b: LayerParams[], what: string): void {
  assert.equal(a.length, b.length);
  for (let l = 0; l < a.length; l++) {
    for (const key of ['W', 'b', 'W1', 'W2'] as const) {
      const p = a[l][key];
      const q = b[l][key];
      assert.equal(p === undefined, q === undefined, `${what} layer ${l} ${key} in one model only`);
      if (p && q) sameBits(p, q, `${what} layer ${l} ${key}`);
    }
  }
}

interface Case { data: Data; sizes: number[]; methods: string[]; steps: number; lr: number; renormBelow?: number; precision?: Layer0Precision; newRules?: boolean }

/** Trains an old and a new model alike and requires the same bits throughout. */
function check(c: Case): void {
  const loss = c.sizes.at(-1) === 1 ? 'mse' : 'softmax-ce';
  const metric = loss === 'mse' ? 'mse' : 'accuracy';
  const all = Int32Array.from({ length: c.data.n }, (_, i) => i);
  const precision = c.precision ?? 64;
  for (const method of c.methods) {
    const what = `${method} ${c.sizes.join('-')} η=${c.lr}${c.renormBelow ? ` renorm<${c.renormBelow}` : ''} f${precision}`;
    const initial = new Network(c.sizes, loss);
    initial.initHeNormal(new Rng(c.steps + c.sizes[0], 'init'));
    const opts = { renormBelow: c.renormBelow, precision };
    const r = c.newRules ? NEW_RULES[method] : rule(method);
    const fresh = new FastModel(method, initial, r, opts);
    const old = new FastModel(method, initial, r, { ...opts, wasm: (c.newRules ? OLD_RULES : OLD)[precision] });
    const ord = order(all, c.steps, c.steps + c.data.nIn);
    const checkpoint = Math.floor(c.steps / 3);
    let finite = 0;
    for (let s = 0; s < c.steps; s++) {
      const i = ord[s];
      const a = fresh.step(c.data.x, i, c.data.y[i], c.lr);
      const b = old.step(c.data.x, i, c.data.y[i], c.lr);
      if (!Object.is(a, b)) assert.fail(`${what}: loss of step ${s}: new ${a} old ${b}`);
      if (Number.isFinite(a)) finite++;
      if (s === checkpoint) {
        sameParams(fresh.params(), old.params(), `${what} after step ${s}`);
        assert.ok(Object.is(fresh.score(c.data.x, all, c.data.n, c.data.y, metric), old.score(c.data.x, all, c.data.n, c.data.y, metric)), `${what}: score after step ${s}`);
      }
    }
    sameParams(fresh.params(), old.params(), `${what} at the end`);
    assert.ok(Object.is(fresh.score(c.data.x, all, c.data.n, c.data.y, metric), old.score(c.data.x, all, c.data.n, c.data.y, metric)), `${what}: final score`);
    // Most steps must be finite, or a case could pass by diverging to NaN early.
    assert.ok(finite > c.steps / 2, `${what}: only ${finite} of ${c.steps} losses finite`);
  }
}

test('784-64-32-10, sparse inputs, η = 0.001: every method trains to the same bits as before', () => {
  check({ data: sparse, sizes: [784, 64, 32, 10], methods: METHODS, steps: 4200, lr: 0.001 });
});

test('784-64-32-10: overshoot at η = 0.7, scale folds, σ folds: the same bits as before', () => {
  check({ data: sparse, sizes: [784, 64, 32, 10], methods: METHODS, steps: 600, lr: 0.7 });
  check({ data: sparse, sizes: [784, 64, 32, 10], methods: ['dwm', 'dwm-stable'], steps: 1500, lr: 0.01, renormBelow: 0.99 });
  check({ data: sparse, sizes: [784, 64, 32, 10], methods: ['dwm', 'dwm-stable'], steps: 600, lr: 0.001, renormBelow: 0.9999 });
  check({ data: sparse, sizes: [784, 20, 10], methods: ['weight-decay-50', 'l2-20'], steps: 1500, lr: 0.001 });
});

test('3072-64-32-10, dense inputs with zeros: η = 0.001, overshoot at η = 0.7, folds: the same bits as before', () => {
  check({ data: dense, sizes: [3072, 64, 32, 10], methods: METHODS, steps: 700, lr: 0.001 });
  check({ data: dense, sizes: [3072, 64, 32, 10], methods: ['dwm', 'dwm-stable'], steps: 200, lr: 0.7 });
  check({ data: dense, sizes: [3072, 64, 32, 10], methods: ['dwm', 'dwm-stable'], steps: 300, lr: 0.001, renormBelow: 0.9999 });
});

test('200-16-10, inputs 70 % non-zero at random places: the same bits as before', () => {
  check({ data: mixed, sizes: [200, 16, 10], methods: METHODS, steps: 3000, lr: 0.01 });
  check({ data: mixed, sizes: [200, 16, 10], methods: ['dwm', 'dwm-stable'], steps: 1000, lr: 0.01, renormBelow: 0.99 });
});

test('8-20-1 regression, η = 0.001 and 0.02, folds: the same bits as before', () => {
  check({ data: tab, sizes: [8, 20, 1], methods: METHODS, steps: 5000, lr: 0.001 });
  check({ data: tab, sizes: [8, 20, 1], methods: METHODS, steps: 2000, lr: 0.02 });
  check({ data: tab, sizes: [8, 20, 1], methods: ['dwm', 'dwm-stable'], steps: 2000, lr: 0.02, renormBelow: 0.9999 });
});
test('fast32: the same bits as before', () => {
  check({ data: sparse, sizes: [784, 64, 32, 10], methods: METHODS, steps: 1000, lr: 0.001, precision: 32 });
  check({ data: dense, sizes: [3072, 64, 32, 10], methods: ['dwm', 'sgd'], steps: 300, lr: 0.001, precision: 32 });
});

test('momentum (heavy ball, nesterov), adam, sgd-gated-decay: the same bits as the module before momentum was reworked', () => {
  const methods = Object.keys(NEW_RULES);
  check({ data: sparse, sizes: [784, 20, 10], methods, steps: 3000, lr: 0.01, newRules: true });
  check({ data: sparse, sizes: [784, 64, 32, 10], methods, steps: 1500, lr: 0.001, newRules: true });
  check({ data: sparse, sizes: [784, 20, 10], methods, steps: 1500, lr: 0.01, newRules: true, precision: 32 });
  check({ data: mixed, sizes: [200, 16, 10], methods, steps: 1500, lr: 0.01, newRules: true });
  check({ data: tab, sizes: [8, 20, 1], methods, steps: 2000, lr: 0.001, newRules: true });
  check({ data: dense, sizes: [3072, 20, 10], methods, steps: 200, lr: 0.001, newRules: true });
});
