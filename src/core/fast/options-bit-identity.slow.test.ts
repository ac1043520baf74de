// Every rule with every training-time option (docs/METHOD.md §7), trained through trainSteps as a
// run trains, must give the same bits as the module from before the per-step fixed costs were
// cut (testing/kernels-options-baseline-wasm.ts, main at 5462e903): the loss sum after every call,
// the score part-way and at the end, and every parameter at the end, compared with Object.is.
// bit-identity.slow.test.ts holds the rules without options, step by step, to the older baselines;
// this file covers what those do not reach: dropout, input noise, max-norm and label smoothing
// with every rule, momentum/adam/gated decay on every shape, the turn-in-one-call path, and the
// evaluation of the narrow nets (tabular shapes: regression, one output). Max-norm's norms (two
// units per vector, sgd family and dual), its row-by-row scaling (float64) and its column scaling
// (fast32) are each reached here: breaking any one of them in a scratch build failed cases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { makeRule } from '../rules/index.js';
import type { LayerParams, LearningRule } from '../rules/rule.js';
import { METHODS, rule, syntheticImages } from '../testing/engines.js';
import { OPTIONS_BASELINE_KERNELS32_WASM_BASE64, OPTIONS_BASELINE_KERNELS_WASM_BASE64 } from '../testing/kernels-options-baseline-wasm.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from '../train-options.js';
import { FastModel, type Layer0Precision } from './fast-model.js';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const OLD: Record<Layer0Precision, Uint8Array> = { 64: bytes(OPTIONS_BASELINE_KERNELS_WASM_BASE64), 32: bytes(OPTIONS_BASELINE_KERNELS32_WASM_BASE64) };

const RULES: Record<string, LearningRule<any>> = {
  ...Object.fromEntries(METHODS.map((m) => [m, rule(m)])),
  'momentum-nesterov-0.5': makeRule('momentum', { beta: 0.5, nesterov: 1 }) as LearningRule<any>,
  'adam-wd': makeRule('adam', { weightDecay: 0.01 }) as LearningRule<any>,
};

interface Data { x: Float32Array; y: Float32Array; n: number; nIn: number; loss: 'mse' | 'softmax-ce' }

/** Tabular regression: `nIn` standard-normal features (one in 50 exactly 0), target 0.1·tanh of a linear mix. */
function tabular(nIn: number, seed: number): Data {
  const rng = new Rng(seed, 'tabular');
  const n = 300;
  const x = new Float32Array(n * nIn);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < nIn; k++) {
      const v = rng.uniform() < 0.02 ? 0 : rng.normal();
      x[i * nIn + k] = v;
      t += (k % 2 === 0 ? 0.8 : -0.4) * v;
    }
    y[i] = 0.1 * Math.tanh(t);
  }
  return { x, y, n, nIn, loss: 'mse' };
}

/** Dense image-like rows: pixels in [0, 1), a few exact zeros, ten classes. */
function dense(nIn: number, seed: number): Data {
  const rng = new Rng(seed, 'dense');
  const n = 80;
  const x = new Float32Array(n * nIn);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(10);
    for (let k = 0; k < nIn; k++) x[i * nIn + k] = rng.uniform() < 0.005 ? 0 : Math.min(1, rng.uniform() + 0.03 * y[i]);
  }
  return { x, y, n, nIn, loss: 'softmax-ce' };
}

const images = syntheticImages(200, 12, 5);
const sparse: Data = { x: images.x, y: images.y, n: 200, nIn: images.nInputs, loss: 'softmax-ce' };

const OPTIONS: Record<string, TrainOptions> = {
  none: NO_TRAIN_OPTIONS,
  dropout: { ...NO_TRAIN_OPTIONS, dropout: 0.3 },
  noise: { ...NO_TRAIN_OPTIONS, inputNoise: 0.2 },
  maxNorm: { ...NO_TRAIN_OPTIONS, maxNorm: 0.8 },
  smoothing: { ...NO_TRAIN_OPTIONS, labelSmoothing: 0.1 },
  all: { dropout: 0.2, maxNorm: 1.2, inputNoise: 0.1, labelSmoothing: 0.1 },
};

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: new ${a[i]} old ${b[i]}`);
}

function sameParams(a: LayerParams[], b: LayerParams[], what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((layer, l) => {
    for (const key of ['W', 'b', 'W1', 'W2'] as const) {
      assert.equal(layer[key] === undefined, b[l][key] === undefined, `${what} layer ${l} ${key}`);
      if (layer[key]) sameBits(layer[key]!, b[l][key]!, `${what} layer ${l} ${key}`);
    }
  });
}

interface Case { data: Data; hidden: number[]; steps: number; lr: number; precision?: Layer0Precision; methods?: string[]; options?: string[] }

/** Trains a model on this module and one on the baseline alike, through trainSteps in uneven calls. */
function check(c: Case): number {
  const { data } = c;
  const nOut = data.loss === 'mse' ? 1 : 10;
  const metric = data.loss === 'mse' ? 'mse' : 'accuracy';
  const sizes = [data.nIn, ...c.hidden, nOut];
  const list = Int32Array.from({ length: Math.min(100, data.n) }, (_, k) => (k * 37 + 11) % data.n);
  const rng = new Rng(c.steps + data.nIn, 'entries');
  const entries = Int32Array.from({ length: c.steps }, () => rng.int(list.length));
  const targets = Float32Array.from(list, (i) => data.y[i]);
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  const cuts = [0, 1, Math.floor(c.steps / 3), Math.floor(c.steps / 2) + 7, c.steps];
  const precision = c.precision ?? 64;
  let compared = 0;
  for (const optName of c.options ?? Object.keys(OPTIONS)) {
    if (optName === 'smoothing' && data.loss === 'mse') continue; // classification only
    const train = data.loss === 'mse' ? { ...OPTIONS[optName], labelSmoothing: 0 } : OPTIONS[optName];
    for (const method of c.methods ?? Object.keys(RULES)) {
      const what = `${method} ${sizes.join('-')} ${optName} f${precision}`;
      const net = new Network(sizes, data.loss);
      net.initHeNormal(new Rng(c.steps, 'init'));
      const lr = method.startsWith('adam') ? c.lr / 20 : method.startsWith('momentum') ? c.lr / 5 : c.lr;
      const fresh = new FastModel(method, net, RULES[method], { train, seed: 11, precision });
      const old = new FastModel(method, net, RULES[method], { train, seed: 11, precision, wasm: OLD[precision] });
      let a = 0;
      let b = 0;
      let finite = true;
      for (let k = 0; k + 1 < cuts.length; k++) {
        a = fresh.trainSteps(data.x, list, entries, targets, lr, cuts[k], cuts[k + 1], a);
        b = old.trainSteps(data.x, list, entries, targets, lr, cuts[k], cuts[k + 1], b);
        if (!Object.is(a, b)) assert.fail(`${what}: loss sum after step ${cuts[k + 1]}: new ${a} old ${b}`);
        if (k === 2) {
          assert.ok(Object.is(fresh.score(data.x, all, data.n, data.y, metric), old.score(data.x, all, data.n, data.y, metric)), `${what}: score part-way`);
        }
      }
      finite &&= Number.isFinite(a);
      sameParams(fresh.params(), old.params(), what);
      assert.ok(Object.is(fresh.score(data.x, all, data.n, data.y, metric), old.score(data.x, all, data.n, data.y, metric)), `${what}: final score`);
      if (metric === 'accuracy') {
        // Every sample in float64 too (scoreRows, which narrow nets take four rows at a time).
        fresh.evaluation = 'float64';
        old.evaluation = 'float64';
        assert.equal(fresh.score(data.x, all, data.n, data.y, metric), old.score(data.x, all, data.n, data.y, metric), `${what}: final score in float64`);
      }
      assert.ok(finite, `${what}: the loss sum is not finite (a diverged case proves little)`);
      compared++;
    }
  }
  return compared;
}

test('tabular 8-20-1 and 11-64-32-1 (regression): every rule × option trains to the baseline bits', () => {
  assert.equal(check({ data: tabular(8, 1), hidden: [20], steps: 1500, lr: 0.01 }), 11 * 5);
  assert.equal(check({ data: tabular(11, 2), hidden: [64, 32], steps: 800, lr: 0.005 }), 11 * 5);
});

test('tabular, large steps (dwm-stable at η = 0.6, whose pull r can pass 1/2: the overshoot path): the baseline bits', () => {
  check({ data: tabular(8, 3), hidden: [20], steps: 800, lr: 0.6, methods: ['dwm-stable'], options: ['none', 'dropout', 'maxNorm'] });
  check({ data: tabular(8, 3), hidden: [20], steps: 800, lr: 0.05, methods: ['dwm'], options: ['none', 'dropout', 'maxNorm'] });
});

test('sparse 144-20-10 and 144-16-8-10 (classification): every rule × option trains to the baseline bits', () => {
  assert.equal(check({ data: sparse, hidden: [20], steps: 900, lr: 0.05 }), 11 * 6);
  check({ data: sparse, hidden: [16, 8], steps: 600, lr: 0.05 });
});

test('narrow dense classification 12-16-8-10 and 12-20-10 (every input non-zero but a few): the baseline bits', () => {
  const d = dense(12, 6);
  check({ data: d, hidden: [16, 8], steps: 600, lr: 0.05 });
  check({ data: d, hidden: [20], steps: 600, lr: 0.05, options: ['none', 'dropout', 'all'] });
});

test('dense 768-24-10, float64 and fast32: every rule × option trains to the baseline bits', () => {
  const d = dense(768, 4);
  check({ data: d, hidden: [24], steps: 250, lr: 0.01 });
  check({ data: d, hidden: [24], steps: 150, lr: 0.01, precision: 32 });
});
