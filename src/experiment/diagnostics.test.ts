// Diagnostics of a trained model against hand-worked networks and independent computations:
// quantiles as numpy defines them, dead units, margins (their sign is the prediction), norms of
// W1 and W2, the spectral product as a Lipschitz bound, and the record's schema.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax } from '../core/loss.js';
import { Network } from '../core/network.js';
import { Rng } from '../core/rng.js';
import type { LayerParams } from '../core/rules/index.js';
import type { Dataset } from '../data/types.js';
import { RefForward } from '../core/fast/forward64.js';
import { deadUnits, diagnose, margins, marginSummary, quantile, weightNorms } from './diagnostics.js';
import { ExperimentSchema } from '../config/schema.js';
import { recordOf } from './pool.js';
import { recordProblem, type RunRecord } from './record.js';
import { runExperiment } from './run.js';
import { syntheticImages } from './testing/images.js';

/** The float64 forward pass of a Network's weights, as the diagnostics run it. */
const refOf = (net: Network) => new RefForward(net.layers.map((l) => ({ W: l.W, b: l.b })), net.sizes);

function dataset(x: number[][], y: number[], task: 'classification' | 'regression' = 'classification', nOutputs = 2): Dataset {
  return {
    name: 'toy', kind: 'tabular', task, size: x.length, nInputs: x[0].length, nOutputs,
    x: Float32Array.from(x.flat()), y: Float32Array.from(y), origin: { kind: 'path', location: 'toy' }, description: 'toy', normalize: 'none',
  };
}

test('quantiles interpolate linearly between order statistics (numpy\'s default)', () => {
  // numpy.quantile([1, 2, 3, 4], [0, .25, .5, .75, 1]) = [1, 1.75, 2.5, 3.25, 4].
  const s = [1, 2, 3, 4];
  assert.deepEqual([0, 0.25, 0.5, 0.75, 1].map((q) => quantile(s, q)), [1, 1.75, 2.5, 3.25, 4]);
  assert.equal(quantile([7], 0.3), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  const m = marginSummary(Float64Array.of(3, -1, 2, 0.5, -2));
  // sorted −2, −1, 0.5, 2, 3: q05 at position 0.2 → −1.8; q25 at 1 → −1; median 0.5; q75 at 3 → 2; q95 at 3.8 → 2.8.
  assert.deepEqual(m, { min: -2, q05: -1.8, q25: -1, median: 0.5, q75: 2, q95: 2.8, max: 3, mean: 0.5, negative: 0.4 });
});

test('dead units: a hidden unit never positive on the training list counts, one positive once does not', () => {
  // Hidden units: h0 = relu(x0), h1 = relu(−x0 − x1 − 0.5) (dead for inputs ≥ 0), h2 = relu(x1 − 1).
  const net = new Network([2, 3, 2], 'softmax-ce');
  net.layers[0].W.set([1, 0, -1, -1, 0, 1]);
  net.layers[0].b.set([0, -0.5, -1]);
  const data = dataset([[1, 0], [0, 0.5], [2, 1], [0, 2]], [0, 1, 0, 1]);
  // On rows 0–2 x1 ≤ 1: h2 never fires; h1 never does; h0 fires on rows 0 and 2.
  assert.deepEqual(deadUnits(refOf(net), net.sizes, data.x, Int32Array.of(0, 1, 2, 1, 0)), { perLayer: [2 / 3], all: 2 / 3 });
  // Row 3 has x1 = 2: h2 fires.
  assert.deepEqual(deadUnits(refOf(net), net.sizes, data.x, Int32Array.of(0, 3)), { perLayer: [1 / 3], all: 1 / 3 });
  // No hidden layer: nothing to be dead.
  assert.ok(Number.isNaN(deadUnits(refOf(new Network([2, 2], 'softmax-ce')), [2, 2], data.x, Int32Array.of(0)).all));
});

test('margins by hand on a linear model; dual norms; the spectral product', () => {
  // z = (x0, x1, 0) for three classes: x = (1, 2) label 0: 1 − 2 = −1; label 1: 2 − 1 = 1; x = (3, 0.5) label 2: 0 − 3 = −3.
  const params: LayerParams[] = [{ W: Float64Array.of(1, 0, 0, 1, 0, 0), b: new Float64Array(3) }];
  const data = dataset([[1, 2], [1, 2], [3, 0.5]], [0, 1, 2], 'classification', 3);
  const d = diagnose(params, [2, 3], data, Int32Array.of(0), Int32Array.of(0, 1, 2));
  assert.deepEqual([d.margin!.min, d.margin!.median, d.margin!.max, d.margin!.negative], [-3, -1, 1, 2 / 3]);
  assert.equal(d.layers[0].spectral, 1);
  assert.equal(d.lipschitz, 1);
  assert.ok(Number.isNaN(d.dead));
  // Dual parameters: W1 = 2·I (2×2), W2 = I, W = I: norms of each.
  const dual = weightNorms([{ W: Float64Array.of(1, 0, 0, 1), b: new Float64Array(2), W1: Float64Array.of(2, 0, 0, 2), W2: Float64Array.of(1, 0, 0, 1) },
    { W: Float64Array.of(3, 4), b: new Float64Array(1) }], [2, 2, 1]);
  assert.deepEqual(dual.layers[0], { frobenius: Math.SQRT2, spectral: 1, frobeniusW1: 2 * Math.SQRT2, spectralW1: 2, frobeniusW2: Math.SQRT2, spectralW2: 1 });
  assert.deepEqual(dual.layers[1], { frobenius: 5, spectral: 5 });
  assert.equal(dual.lipschitz, 5);
});

test('on a random network: margin < 0 exactly on the misclassified inputs; the spectral product bounds ‖f(x) − f(x\')‖/‖x − x\'‖', () => {
  const rng = new Rng(12, 'diag');
  const sizes = [6, 8, 5, 4];
  const params: LayerParams[] = sizes.slice(1).map((nOut, l) => ({
    W: Float64Array.from({ length: nOut * sizes[l] }, () => rng.normal()),
    b: Float64Array.from({ length: nOut }, () => 0.2 * rng.normal()),
  }));
  const rows = 300;
  const x = Array.from({ length: rows }, () => Array.from({ length: 6 }, () => rng.normal()));
  const y = Array.from({ length: rows }, () => rng.int(4));
  const data = dataset(x, y, 'classification', 4);
  const test = Int32Array.from({ length: rows }, (_, i) => i);
  const d = diagnose(params, sizes, data, test.subarray(0, 100), test);
  const net = new Network(sizes, 'softmax-ce');
  params.forEach((p, l) => {
    net.layers[l].W.set(p.W);
    net.layers[l].b.set(p.b);
  });
  const out = (row: ArrayLike<number>) => {
    net.acts[0].set(row);
    net.forward();
    return net.output.slice();
  };
  let wrong = 0;
  for (let i = 0; i < rows; i++) if (argmax(out(data.x.subarray(i * 6, i * 6 + 6)), 4) !== y[i]) wrong++;
  assert.equal(d.margin!.negative, wrong / rows);
  assert.ok(d.margin!.min <= d.margin!.q05 && d.margin!.q05 <= d.margin!.median && d.margin!.median <= d.margin!.max);
  let worst = 0;
  for (let k = 0; k < 2000; k++) {
    const a = Array.from({ length: 6 }, () => rng.normal());
    const b = a.map((v) => v + 0.5 * rng.normal());
    const fa = out(a);
    const fb = out(b);
    let num = 0;
    let den = 0;
    for (let j = 0; j < 4; j++) num += (fa[j] - fb[j]) ** 2;
    for (let i = 0; i < 6; i++) den += (a[i] - b[i]) ** 2;
    worst = Math.max(worst, Math.sqrt(num / den));
  }
  assert.ok(worst <= d.lipschitz, `observed ${worst} above the bound ${d.lipschitz}`);
  assert.ok(d.layers.every((l) => l.spectral <= l.frobenius));
  assert.deepEqual(d.layers.map((l) => l.dead !== undefined), [true, true, false]);
});

test('margins on the WebAssembly forward pass are those of Network.forward\'s outputs, bit for bit, NaN passed over', () => {
  // Rows alternate in groups of four between dense (uniform noise), sparse (a tenth non-zero) and
  // mixed; the weights include -0 biases, and a second net has an infinite and a NaN weight.
  const sizes = [37, 13, 7, 5];
  const rng = new Rng(21, 'margins');
  const n = 45;
  const x = new Float32Array(n * sizes[0]);
  for (let r = 0; r < n; r++) {
    const kind = (r >> 2) % 3;
    for (let i = 0; i < sizes[0]; i++) x[r * sizes[0] + i] = kind === 0 || (kind === 2 && r % 2 === 0) || rng.uniform() < 0.1 ? rng.uniform() * 2 - 0.5 : 0;
  }
  const y = Float32Array.from({ length: n }, (_, r) => r % 5);
  const rows = Int32Array.from({ length: n }, (_, r) => (r * 7) % n);
  for (const broken of [false, true]) {
    const net = new Network(sizes, 'softmax-ce');
    net.initHeNormal(new Rng(22, 'init'));
    net.layers[0].b[3] = -0;
    net.layers[1].b[2] = -0;
    if (broken) {
      net.layers[0].W[5 * sizes[0] + 4] = Infinity;
      net.layers[1].W[3] = NaN;
      // An output weight from each hidden unit of the last layer: each unit is 0 (skipped) for some inputs.
      for (let i = 0; i < sizes[2]; i++) net.layers[2].W[sizes[2] + i] = Infinity;
    }
    // Network.forward one input at a time: the reference network itself, an independent implementation.
    const expected = Array.from(rows, (r) => {
      for (let i = 0; i < sizes[0]; i++) net.acts[0][i] = x[r * sizes[0] + i];
      net.forward();
      return Array.from(net.output);
    });
    const m = margins(refOf(net), x, y, rows);
    // The largest other output as the diagnostics have always taken it (a NaN output is passed over).
    const byHand = expected.map((z, k) => z[y[rows[k]]] - z.filter((_, j) => j !== y[rows[k]]).reduce((a, v) => (v > a ? v : a), -Infinity));
    assert.deepEqual(Array.from(m), byHand);
    if (broken) assert.ok(m.some((v) => Number.isNaN(v)), 'the NaN weight reaches some margins');
  }
});

test('a record with diagnostics validates, and without them too; a malformed one is named', () => {
  const record: RunRecord = {
    dataset: 'toy', datasetDescription: '', metric: 'mse', normalize: 'none', sizes: [2, 1], poolSize: 3, trainSize: 1,
    distinctTrain: 1, testSize: 2, testSet: 'complement', points: [{ 'noise.sigma': 0 }],
    methods: { sgd: { perTurn: [1], clean: 1, trainLoss: [1], at: [{ value: 1 }] } },
  };
  assert.equal(recordProblem(record), null);
  const regression = diagnose([{ W: Float64Array.of(1, 2), b: Float64Array.of(0) }], [2, 1], dataset([[1, 1], [0, 1], [1, 0]], [0, 1, 2], 'regression', 1), Int32Array.of(0), Int32Array.of(1, 2));
  assert.equal(regression.margin, undefined);
  const withDiag = JSON.parse(JSON.stringify({ ...record, methods: { sgd: { ...record.methods.sgd, diagnostics: regression } } }));
  withDiag.methods.sgd.diagnostics.dead = NaN;
  assert.equal(recordProblem(withDiag), null);
  withDiag.methods.sgd.diagnostics.lipschitz = 'big';
  assert.match(recordProblem(withDiag)!, /record\.methods\.sgd\.diagnostics\.lipschitz/);
});

test('a run records the diagnostics of every trained model: those of its final parameters, on its own lists', () => {
  const raw = syntheticImages(400, 3);
  const config = ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 40, turns: 2, stepsPerTurn: 200, lr: 0.05,
    methods: ['dwm', 'sgd'], seed: 3,
  });
  const r = runExperiment(config, raw, { keepParams: true });
  const data = { ...raw, normalize: 'none' as const };
  for (const m of ['dwm', 'sgd']) {
    const d = r.methods[m].diagnostics!;
    assert.deepEqual(d, diagnose(r.methods[m].final!, r.sizes, data, r.split.train, r.split.test));
    // The dual method carries W1 and W2 norms; sgd does not.
    assert.equal(d.layers[0].spectralW1 !== undefined, m === 'dwm');
    assert.equal(d.margin!.negative, 1 - r.methods[m].clean);
  }
  assert.equal(recordProblem(recordOf(config, r)), null);
});
