// The corruption axes (data/eval-axes/corruption.ts): what the schema accepts, that a corrupted
// input is the corruption applied with the sample's own stream whatever the run, that a point's
// value equals that of a run evaluated there alone, table corruptions with the training
// statistics, and that a corrupted test set is generated once per process.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import type { Trainable } from '../core/model.js';
import { Rng } from '../core/rng.js';
import { corruptionRng, imageCorruption, TABULAR_SEVERITIES, tabularCorruption } from '../data/corruptions/index.js';
import { EVAL_AXES, type EvalAxisDef, evalPoints, isIdentity, pointId } from '../data/eval-axes/index.js';
import { normalize } from '../data/prepare.js';
import type { RawDataset } from '../data/types.js';
import { evaluateAt } from './evaluate.js';
import { runExperiment } from './run.js';
import { boundTestSetCache, CACHE_BYTES, clearTestSetCache, testSetCacheStats } from './test-set-cache.js';
import { configError } from './testing/config-errors.js';
import { squareImages } from './testing/images.js';

/** A config's evaluate when it is one product (a mapping). */
const ev = (c: { evaluate?: unknown }) => c.evaluate as Record<string, (string | number)[]>;

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 60, turns: 1, stepsPerTurn: 200, lr: 0.05, methods: ['dwm', 'sgd'], seed: 3, ...overrides,
  });
}

/** A model that scores nothing but keeps every input row it is shown, and its target, by pool index. */
function recorder(nInputs: number, test: Int32Array): Trainable & { rows: Map<number, Float32Array>; targets: Map<number, number> } {
  const rows = new Map<number, Float32Array>();
  const targets = new Map<number, number>();
  let seen = 0;
  return {
    id: 'recorder', engine: 'reference', rows, targets,
    step: () => 0,
    params: () => [],
    score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array) {
      for (let k = 0; k < count; k++) {
        rows.set(test[seen + k], x.slice(indices[k] * nInputs, indices[k] * nInputs + nInputs));
        targets.set(test[seen + k], y[indices[k]]);
      }
      seen += count;
      return 0;
    },
  } as unknown as Trainable & { rows: Map<number, Float32Array>; targets: Map<number, number> };
}

test('evaluate: corruption names with severities, all for the dataset kind, one clear problem otherwise', () => {
  const c = config({ evaluate: { corruption: ['gaussian-noise', 'contrast'], severity: [1, 5] } });
  const pts = evalPoints(c);
  assert.deepEqual(pts.map(pointId), [
    'corruption=gaussian-noise severity=1 noise.sigma=0 mask.fraction=0', 'corruption=gaussian-noise severity=5 noise.sigma=0 mask.fraction=0',
    'corruption=contrast severity=1 noise.sigma=0 mask.fraction=0', 'corruption=contrast severity=5 noise.sigma=0 mask.fraction=0',
  ]);
  assert.ok(pts.every((p) => !isIdentity(p)));
  assert.ok(isIdentity({ corruption: 'contrast', severity: 0 }), 'severity 0 is the clean input');
  assert.ok(isIdentity({ corruption: 'none', severity: 3 }), 'no corruption is the clean input');
  // Without evaluate, the one point is the paper's, with no corruption key (records keep their bytes).
  assert.deepEqual(evalPoints(config()), [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }]);
  // all: the 15 five-level image corruptions (stripe and dotted line have one level), the 4 table ones.
  const all = ev(config({ evaluate: { corruption: 'all', severity: [1, 2, 3, 4, 5] } })).corruption;
  assert.equal(all.length, 15);
  assert.ok(!all.includes('stripe') && !all.includes('dotted-line') && all.includes('shot-noise'));
  assert.deepEqual(ev(config({ dataset: { name: 'wine-quality' }, evaluate: { corruption: 'all', severity: [2] } })).corruption,
    ['feature-noise', 'missing-features', 'outliers', 'scale-shift']);
  assert.match(configError({ evaluate: { corruption: ['gausian-noise'], severity: [1] } }), /evaluate\.corruption: unknown corruption 'gausian-noise' \(did you mean gaussian-noise\?\)/);
  assert.match(configError({ dataset: { name: 'wine-quality' }, evaluate: { corruption: ['motion-blur'], severity: [1] } }), /evaluate\.corruption: motion-blur is not for tables; wine-quality takes feature-noise, missing-features, outliers, scale-shift/);
  assert.match(configError({ evaluate: { corruption: ['outliers'], severity: [1] } }), /outliers is not for images/);
  assert.match(configError({ evaluate: { corruption: ['contrast'] } }), /evaluate\.severity: list the severities/);
  assert.match(configError({ evaluate: { severity: [1] } }), /evaluate\.corruption: list the corruptions/);
  assert.match(configError({ evaluate: { corruption: ['stripe'], severity: [1, 3] } }), /stripe has 1 severity level/);
  assert.match(configError({ evaluate: { corruption: ['contrast'], severity: [6] } }), /above 5/);
  assert.match(configError({ evaluate: { corruption: ['contrast'], severity: [1.5] } }), /whole numbers/);
  assert.match(configError({ evaluate: { 'noise.sigma': 'all' } }), /all is for named axes/);
  assert.match(configError({ evaluate: { corruptoin: ['contrast'] } }), /did you mean corruption\?/);
});

for (const stored of [true, false]) test(`a corrupted input is the corruption applied with its sample's stream, the same in two runs with different training lists (${stored ? 'sets stored' : 'nothing stored: each input corrupted as it is scored'})`, () => {
  clearTestSetCache();
  const before = boundTestSetCache(stored ? CACHE_BYTES : 0);
  const data = normalize(squareImages(120, 4), 'paper', null, 1);
  const testA = Int32Array.from({ length: 60 }, (_, i) => i * 2); // even samples
  const testB = Int32Array.from({ length: 60 }, (_, i) => 30 + i); // 30 … 89
  const point = { corruption: 'shot-noise', severity: 4 };
  const a = recorder(64, testA);
  evaluateAt([a], data, testA, 'accuracy', point, 11, null);
  const b = recorder(64, testB);
  evaluateAt([b], data, testB, 'accuracy', point, 11, null);
  const c = imageCorruption('shot-noise')!;
  let shared = 0;
  for (const i of testB) {
    const want = new Float64Array(data.x.subarray(i * 64, i * 64 + 64));
    c.apply(want, want, { height: 8, width: 8, channels: 1 }, 4, corruptionRng(11, 'shot-noise', i));
    assert.deepEqual(Array.from(b.rows.get(i)!), Array.from(Float32Array.from(want)), `sample ${i}`);
    assert.equal(b.targets.get(i), data.y[i], `sample ${i}'s target`);
    if (a.rows.has(i)) {
      shared++;
      assert.deepEqual(Array.from(a.rows.get(i)!), Array.from(b.rows.get(i)!), `sample ${i} in both test sets`);
    }
  }
  assert.equal(shared, 30);
  assert.ok(Array.from(b.rows.get(31)!).some((v, f) => v !== data.x[31 * 64 + f]), 'the corruption changed the input');
  assert.equal(testSetCacheStats().sets, stored ? 2 : 0);
  boundTestSetCache(before);
});

test('a stored corrupted set longer than one chunk of scoring: every input and target reaches the models in test order, and their scores add up', () => {
  clearTestSetCache();
  const data = normalize(squareImages(700, 4), 'paper', null, 1);
  const test = Int32Array.from({ length: 600 }, (_, i) => 699 - i); // more than 2 chunks of 256, in descending pool order
  const point = { corruption: 'gaussian-noise', severity: 3 };
  const rec = recorder(64, test);
  // A model whose score is the sum of its inputs' first features: the evaluation's total is then known.
  let total = 0;
  const summing = { ...recorder(64, test), score(x: Float32Array, indices: Int32Array, count: number) {
    let s = 0;
    for (let k = 0; k < count; k++) s += x[indices[k] * 64];
    return s;
  } } as unknown as Trainable;
  const [, got] = evaluateAt([rec, summing], data, test, 'accuracy', point, 6, null);
  assert.equal(testSetCacheStats().sets, 1, 'the set was stored (the path under test)');
  const c = imageCorruption('gaussian-noise')!;
  for (const i of test) {
    const want = new Float64Array(data.x.subarray(i * 64, i * 64 + 64));
    c.apply(want, want, { height: 8, width: 8, channels: 1 }, 3, corruptionRng(6, 'gaussian-noise', i));
    assert.deepEqual(Array.from(rec.rows.get(i)!), Array.from(Float32Array.from(want)), `sample ${i}`);
    assert.equal(rec.targets.get(i), data.y[i], `sample ${i}'s target`);
  }
  // The same chunks of 256 the evaluation scores in, summed in that order.
  for (let start = 0; start < test.length; start += 256) {
    let s = 0;
    for (let k = start; k < Math.min(test.length, start + 256); k++) s += rec.rows.get(test[k])![0];
    total += s;
  }
  assert.equal(got.value, total / test.length);
});

test('a corruption point of a swept run has the value of a run evaluated there alone; its test set is generated once per process', () => {
  const data = squareImages(400, 12);
  const before = testSetCacheStats();
  const swept = runExperiment(config({ evaluate: { corruption: ['impulse-noise', 'gaussian-blur'], severity: [0, 2, 5] } }), data);
  const mid = testSetCacheStats();
  assert.equal(mid.builds - before.builds, 4, 'two corruptions × severities 2 and 5 (severity 0 is the clean point)');
  for (const [k, p] of swept.points.entries()) {
    const alone = runExperiment(config({ evaluate: { corruption: [p.corruption], severity: [p.severity] } }), data);
    for (const m of ['dwm', 'sgd']) assert.equal(swept.methods[m].at[k].value, alone.methods[m].at[0].value, `${m} at ${pointId(p)}`);
    if (isIdentity(p)) for (const m of ['dwm', 'sgd']) assert.equal(swept.methods[m].at[k].value, swept.methods[m].clean);
  }
  const after = testSetCacheStats();
  assert.equal(after.builds, mid.builds, 'the runs evaluated alone (same pool, seed and test set) regenerated nothing');
  assert.equal(after.hits - mid.hits, 4);
  // A worker receives the pool's shared memory under a new array object for every run: still a hit.
  const again = runExperiment(config({ evaluate: { corruption: ['impulse-noise'], severity: [5] } }), { ...data, x: new Float32Array(data.x.buffer) });
  assert.equal(testSetCacheStats().builds, mid.builds);
  assert.equal(again.methods.dwm.at[0].value, swept.methods.dwm.at[2].value);
  // Another seed draws another test list and other corruption streams: generated anew.
  runExperiment(config({ seed: 4, evaluate: { corruption: ['impulse-noise'], severity: [5] } }), data);
  assert.equal(testSetCacheStats().builds, mid.builds + 1);
  // Impulse noise at severity 5 (27% of pixels flipped) costs accuracy.
  assert.ok(swept.methods.sgd.at[2].value < swept.methods.sgd.clean);
});

test('table corruptions use the run\'s training statistics: missing features take the training list\'s mean', () => {
  const size = 80;
  const nInputs = 5;
  const rng = new Rng(2, 'table');
  const x = Float32Array.from({ length: size * nInputs }, (_, j) => 3 * (j % nInputs) + rng.normal());
  const y = Float32Array.from({ length: size }, () => rng.normal());
  const raw: RawDataset = { name: 'table', kind: 'tabular', task: 'regression', size, nInputs, nOutputs: 1, x, y, origin: { kind: 'path', location: '(test)' }, description: 'a table' };
  // Normalised with all rows (the paper's mode), the training list's mean is not 0: the imputed value shows which mean was used.
  const data = normalize(raw, 'paper', null, 1);
  const train = Int32Array.from({ length: 20 }, (_, i) => i);
  const test = Int32Array.from({ length: 60 }, (_, i) => 20 + i);
  const mean = Array.from({ length: nInputs }, (_, f) => {
    let s = 0;
    for (const i of train) s += data.x[i * nInputs + f];
    return s / train.length;
  });
  const m = recorder(nInputs, test);
  evaluateAt([m], data, test, 'mse', { corruption: 'missing-features', severity: 5 }, 4, null, 0, train);
  const k = Math.round(TABULAR_SEVERITIES['missing-features'][4] * nInputs);
  for (const i of test) {
    const row = m.rows.get(i)!;
    const imputed = [...row].map((v, f) => (v === Math.fround(mean[f]) && v !== data.x[i * nInputs + f] ? 1 : 0) as number).reduce((s, v) => s + v, 0);
    assert.equal(imputed, k, `sample ${i}: round(0.5 × 5) = ${k} features at the training mean`);
  }
  assert.equal(tabularCorruption('missing-features')!.id, 'missing-features');
});

test('a model-dependent axis (perModel) transforms each model\'s own copy after the other axes', () => {
  const data = normalize(squareImages(50, 8), 'paper', null, 1);
  const test = Int32Array.from({ length: 50 }, (_, i) => i);
  // A toy attack: adds the model's index (its id's length) to every input it is scored on.
  const toy: EvalAxisDef = {
    key: 'toy.eps', module: import.meta.url, title: 'toy', identity: 0, max: 1, stream: 'toy',
    prepare: () => () => { throw new Error('prepare is not called for a model-dependent axis'); },
    perModel: () => (model, xs, _ys, count, value) => {
      for (let j = 0; j < count * 64; j++) xs[j] += (value as number) * model.id.length;
    },
  };
  (EVAL_AXES as EvalAxisDef[]).push(toy);
  try {
    const one = recorder(64, test);
    const two = { ...recorder(64, test), id: 'recorder-two' } as ReturnType<typeof recorder>;
    const plain = recorder(64, test);
    evaluateAt([plain], data, test, 'accuracy', { 'mask.fraction': 0.5 }, 5, null);
    evaluateAt([one, two], data, test, 'accuracy', { 'mask.fraction': 0.5, 'toy.eps': 0.5 }, 5, null);
    for (const i of test) {
      plain.rows.get(i)!.forEach((v, f) => {
        assert.equal(one.rows.get(i)![f], Math.fround(v + 0.5 * 8), `model one, sample ${i}`);
        assert.equal(two.rows.get(i)![f], Math.fround(v + 0.5 * 12), `model two sees its own copy, sample ${i}`);
      });
    }
  } finally {
    (EVAL_AXES as EvalAxisDef[]).pop();
  }
});
