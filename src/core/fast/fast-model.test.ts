// The fast engine against the reference path, on synthetic data (the same comparisons on
// real MNIST over 10,000 steps: src/experiment/fast-engine-mnist.slow.test.ts): every method
// trained from one initial network on one sample order by both engines; every weight must
// agree and the scores must be identical.
//
// Bound: |fast − reference| ≤ 1e-5·|reference| + 1e-12 per weight. The absolute 1e-12
// (about 1e-10 of a typical weight here) only matters for weights that are exactly or nearly
// 0 in the reference, e.g. W2 entries of DWM rows pulled a few times, which both engines
// compute from sums in a different order (the fast one keeps DWM rows as scale × vector and
// sums the SIMD lanes pairwise), so they differ by rounding alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createModel } from '../model-factory.js';
import { Model } from '../model.js';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { assertNormwise, METHODS, order, rule, syntheticImages, train, trainPair, worst } from '../testing/engines.js';
import { trainDigest } from '../testing/train-digest.js';
import { FastModel } from './fast-model.js';
import { makeRule } from '../rules/index.js';
import { KERNEL_METHOD } from './kernel-methods.js';

const data = syntheticImages(600, 16, 7);
const all = Int32Array.from({ length: 600 }, (_, i) => i);
const trainIdx = all.subarray(0, 400);
const held = all.subarray(400);

for (const method of METHODS) {
  test(`fast engine matches the reference: ${method}, 256-24-12-10, 3,000 steps on sparse images`, () => {
    // 24 and 12 hidden units are not multiples of 8, so the padded lanes are exercised too.
    const initial = new Network([data.nInputs, 24, 12, 10], 'softmax-ce');
    initial.initHeNormal(new Rng(11, 'init'));
    const ord = order(trainIdx, 3000, 11);
    const { ref, fast, lossRef, lossFast } = trainPair(method, initial, 'fast', data.x, data.y, ord, 0.01);
    assert.ok(fast instanceof FastModel);
    assert.ok(Math.abs(lossFast - lossRef) <= 1e-9 * Math.abs(lossRef), `summed loss ${lossFast} vs ${lossRef}`);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `outside the bound at ${w.where}`);
    const accRef = ref.score(data.x, held, held.length, data.y, 'accuracy');
    assert.equal(fast.score(data.x, held, held.length, data.y, 'accuracy'), accRef);
    // The models learned something (so the comparison is not between two untrained nets).
    assert.ok(accRef / held.length > 0.6, `accuracy ${accRef / held.length}`);
  });
}

test('score: rows listed in a row go in as one block per chunk, with the sums of the same rows gathered one by one', () => {
  const initial = new Network([data.nInputs, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(5, 'init'));
  const { fast } = trainPair('sgd', initial, 'fast', data.x, data.y, order(trainIdx, 500, 5), 0.01);
  // The pool's rows scattered over a second array: pool row i at row perm[i] there.
  const n = data.nInputs;
  const rng = new Rng(6, 'perm');
  const perm = Int32Array.from(all);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const x2 = new Float32Array(data.x.length);
  const y2 = new Float32Array(data.y.length);
  for (const i of all) {
    x2.set(data.x.subarray(i * n, i * n + n), perm[i] * n);
    y2[perm[i]] = data.y[i];
  }
  const scattered = Int32Array.from(all, (i) => perm[i]);
  // Three chunks of 256 rows and a partial one, a list that starts inside the pool, one row.
  for (const [from, count] of [[0, 600], [5, 517], [300, 1]]) {
    for (const metric of ['accuracy', 'mse'] as const) {
      const block = fast.score(data.x, all.subarray(from, from + count), count, data.y, metric);
      const rows = fast.score(x2, scattered.subarray(from, from + count), count, y2, metric);
      assert.equal(block, rows, `${metric}, rows ${from} … ${from + count - 1}`);
    }
  }
});

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
    const ord = order(all, 3000, 4);
    const { ref, fast } = trainPair(method, initial, 'fast', x, y, ord, 0.001);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${method}: outside the bound at ${w.where}`);
    const mseRef = ref.score(x, all, n, y, 'mse');
    const mseFast = fast.score(x, all, n, y, 'mse');
    assert.ok(Math.abs(mseFast - mseRef) <= 1e-9 * mseRef, `${method}: mse ${mseFast} vs ${mseRef}`);
  }
});

test('DWM scale folding and the overshoot path agree with the reference', () => {
  const initial = new Network([data.nInputs, 16, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(8, 'init'));
  // renormBelow just under 1 folds a row's scale back after nearly every pull.
  for (const method of ['dwm', 'dwm-stable']) {
    const ord = order(trainIdx, 2000, 8);
    const { ref, fast } = trainPair(method, initial, { renormBelow: 0.9999 }, data.x, data.y, ord, 0.001);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${method} with folding: ${w.where}`);
  }
  // η = 0.7: η|δ| exceeds 1/2 often, which the fast engine applies densely (no scale trick).
  const ord = order(trainIdx, 30, 9);
  const { ref, fast } = trainPair('dwm', initial, 'fast', data.x, data.y, ord, 0.7);
  const w = worst(fast.params(), ref.params());
  assert.ok(w.ratio <= 1, `dwm overshoot: ${w.where}`);
});

test('folding the layer-0 scale σ of sgd-family rules back into U agrees with the reference', () => {
  // Large λ shrinks σ below 1/2 within tens of steps (weight decay: ×0.95 per step), so the
  // fold runs many times.
  const initial = new Network([data.nInputs, 16, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(13, 'init'));
  const ord = order(trainIdx, 1500, 13);
  for (const method of ['weight-decay-50', 'l2-20']) {
    const { ref, fast } = trainPair(method, initial, 'fast', data.x, data.y, ord, 0.001);
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
      const ord = order(all, 60, 22);
      const { ref, fast } = trainPair('sgd', initial, engine, x, y, ord, 0.001);
      const metric = loss === 'mse' ? 'mse' : 'accuracy';
      const r = ref.score(x, all, n, y, metric);
      const f = fast.score(x, all, n, y, metric);
      if (metric === 'accuracy') assert.equal(f, r, `${engine} accuracy`);
      else assert.ok(Math.abs(f - r) <= (engine === 'fast' ? 1e-9 : 1e-4) * r, `${engine} mse ${f} vs ${r}`);
    }
  }
});

test('the fast engine is deterministic across runs, worker threads and processes', async () => {
  // The same fixed run (train-digest.ts) hashed here, in a fresh worker thread and in a fresh
  // Node process: each has its own wasm instance, compiled module and V8 state.
  const script = fileURLToPath(new URL('../testing/train-digest.js', import.meta.url));
  for (const engine of ['fast', 'reference'] as const) {
    const here = trainDigest(engine);
    assert.equal(trainDigest(engine), here, `${engine}: a second run in this thread`);
    const inWorker = await new Promise<string>((resolve, reject) => {
      const w = new Worker(script, { workerData: { trainDigest: engine } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    assert.equal(inWorker, here, `${engine}: in a worker thread`);
    const child = spawnSync(process.execPath, [script, engine], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), here, `${engine}: in another process`);
  }
  // fast and reference differ only by rounding, so their digests differ: the digest covers the weights.
  assert.notEqual(trainDigest('fast'), trainDigest('reference'));
});

// dist/src/core/fast/fast-model.test.js → src/core/fast/kernels.as
const KERNELS_AS = new URL('../../../../src/core/fast/kernels.as', import.meta.url);

test('the embedded wasm module was built from the current kernels.as', () => {
  const sha = createHash('sha256').update(readFileSync(KERNELS_AS)).digest('hex');
  const recorded = readFileSync(new URL('../../../../src/core/fast/kernels.as.sha256', import.meta.url), 'utf8').split(' ')[0];
  assert.equal(recorded, sha, 'kernels.as changed since the last `npm run build:wasm`');
});

test('the method codes the rules name are the ones kernels.as dispatches on', () => {
  const source = readFileSync(KERNELS_AS, 'utf8');
  const names: Record<keyof typeof KERNEL_METHOD, string> = { sgd: 'SGD', l2: 'L2', weightDecay: 'WD', dwm: 'DWM', dwmStable: 'DWM_STABLE', momentum: 'MOMENTUM', adam: 'ADAM', sgdGatedDecay: 'GATED' };
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

// fast32 keeps layer 0 in float32, so it is held to float32's precision, not to the per-entry
// bound above: every weight within 1e-5 of the largest weight of its matrix (why, and why not
// over 10,000 steps for plain dwm: src/experiment/fast-engine-mnist.slow.test.ts).
test('fast32 follows the reference to float32 rounding over 1,000 steps', () => {
  const initial = new Network([data.nInputs, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(12, 'init'));
  const ord = order(trainIdx, 1000, 12);
  for (const method of METHODS) {
    const { ref, fast } = trainPair(method, initial, 'fast32', data.x, data.y, ord, 0.001);
    // Bound: 1e-5 of the largest weight of the matrix (float32 ulp is 6e-8 relative).
    assertNormwise(fast.params(), ref.params(), 1e-5, method);
    const accRef = ref.score(data.x, held, held.length, data.y, 'accuracy');
    const accFast = fast.score(data.x, held, held.length, data.y, 'accuracy');
    assert.ok(Math.abs(accFast - accRef) <= 2, `${method}: ${accFast} vs ${accRef} correct of ${held.length}`);
  }
});

test('scores taken between training turns use the weights of that moment', () => {
  const initial = new Network([data.nInputs, 20, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(6, 'init'));
  const ord = order(trainIdx, 1500, 6);
  for (const method of ['dwm', 'sgd']) {
    const ref = new Model(method, initial.clone(), rule(method));
    const fast = createModel(method, initial, rule(method), 'fast');
    const seen: number[][] = [];
    for (let turn = 0; turn < 3; turn++) {
      const part = ord.subarray(turn * 500, turn * 500 + 500);
      train(ref, data.x, data.y, part, 0.001);
      train(fast, data.x, data.y, part, 0.001);
      const r = ref.score(data.x, held, held.length, data.y, 'accuracy');
      assert.equal(fast.score(data.x, held, held.length, data.y, 'accuracy'), r, `${method} turn ${turn + 1}`);
      // A second score without training in between gives the same figure.
      assert.equal(fast.score(data.x, held, held.length, data.y, 'accuracy'), r);
      seen.push([r]);
    }
    // The accuracy moved between turns, so stale weights would have been noticed.
    assert.ok(new Set(seen.map((v) => v[0])).size > 1, `${method}: accuracy did not change across turns`);
  }
});

test('restart() puts a trained and scored model back to a new one of the same arguments, to the bit', () => {
  const initial = new Network([data.nInputs, 20, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(8, 'init'));
  const ord = order(trainIdx, 700, 8);
  const flat = (m: { params(): { W: Float64Array; b: Float64Array; W1?: Float64Array; W2?: Float64Array }[] }) =>
    m.params().flatMap((p) => [...p.W, ...p.b, ...(p.W1 ?? []), ...(p.W2 ?? [])]);
  for (const method of ['dwm-stable', 'l2-0.1', 'adam']) {
    const used = createModel(method, initial, rule(method), 'fast') as FastModel;
    train(used, data.x, data.y, ord.subarray(0, 400), 0.01);
    const before = used.score(data.x, held, held.length, data.y, 'accuracy');
    used.restart();
    const fresh = createModel(method, initial, rule(method), 'fast');
    const restarted = flat(used);
    const made = flat(fresh);
    assert.ok(restarted.length === made.length && restarted.every((v, k) => Object.is(v, made[k])), `${method}: the initial network again`);
    train(used, data.x, data.y, ord.subarray(400), 0.01);
    train(fresh, data.x, data.y, ord.subarray(400), 0.01);
    const a = flat(used);
    const b = flat(fresh);
    assert.ok(a.length === b.length && a.every((v, k) => Object.is(v, b[k])), `${method}: trained alike after the restart`);
    const after = used.score(data.x, held, held.length, data.y, 'accuracy');
    assert.equal(after, fresh.score(data.x, held, held.length, data.y, 'accuracy'), `${method}: scored with the new weights`);
    assert.notEqual(after, before, `${method}: the accuracy moved, so a stale evaluation copy would show`);
  }
});

test('fast engine matches the reference for rules made with hyperparameters (nesterov momentum, AdamW)', () => {
  const initial = new Network([data.nInputs, 24, 12, 10], 'softmax-ce');
  initial.initHeNormal(new Rng(12, 'init'));
  const ord = order(trainIdx, 1500, 12);
  for (const [name, params, lr] of [['momentum', { beta: 0.8, nesterov: 1 }, 0.01], ['adam', { beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01 }, 0.002]] as const) {
    const r = makeRule(name, params);
    if ('error' in r) throw new Error(r.error);
    const ref = new Model(name, initial.clone(), r);
    const fast = createModel(name, initial, r, 'fast');
    const lossRef = train(ref, data.x, data.y, ord, lr);
    const lossFast = train(fast, data.x, data.y, ord, lr);
    assert.ok(Math.abs(lossFast - lossRef) <= 1e-9 * Math.abs(lossRef), `${name}: summed loss ${lossFast} vs ${lossRef}`);
    const w = worst(fast.params(), ref.params());
    assert.ok(w.ratio <= 1, `${name}: outside the bound at ${w.where}`);
    assert.equal(fast.score(data.x, held, held.length, data.y, 'accuracy'), ref.score(data.x, held, held.length, data.y, 'accuracy'));
  }
});
