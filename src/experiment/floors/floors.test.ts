// The floors against independent computations: ridge against its closed form worked by hand on a
// 3 × 2 case and against numpy (testing/ridge-numpy.json, written by scripts/ridge-numpy.py, which
// solves the intercept-augmented normal equations and refits for leave-one-out); k nearest
// neighbours, nearest centroid and the constant on cases worked by hand, ties included.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../../data/types.js';
import { evaluate, evaluateAt } from '../evaluate.js';
import {
  asTrainable, fitConstant, fitFloor, fitKnn, fitNearestCentroid, fitRidge, fitRidgeModel, floorIds, scoreFloors,
} from './index.js';

/** A prepared tabular dataset of the given rows (classification when `classes` > 0). */
function dataset(rows: number[][], y: number[], classes = 0): Dataset {
  return {
    name: 'hand', kind: 'tabular', task: classes ? 'classification' : 'regression', size: rows.length,
    nInputs: rows[0].length, nOutputs: classes || 1, x: Float32Array.from(rows.flat()), y: Float32Array.from(y),
    origin: { kind: 'path', location: 'test' }, description: 'hand-made', normalize: 'none',
  };
}

const list = (...i: number[]) => Int32Array.from(i);

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test('ridge: the 3 × 2 case worked by hand, both forms, and its leave-one-out score', () => {
  // X = [[0,0],[1,2],[2,1]], y = [0,3,3], λ = 1. Means x̄ = (1,1), ȳ = 2; Xc = [[−1,−1],[0,1],[1,0]],
  // yc = [−2,1,1]. XcᵀXc + I = [[3,1],[1,3]], inverse [[3,−1],[−1,3]]/8; Xcᵀyc = [3,3];
  // w = [6,6]/8 = [0.75, 0.75]; b = 2 − 1.5 = 0.5. Fitted: [0.5, 2.75, 2.75].
  const data = dataset([[0, 0], [1, 2], [2, 1]], [0, 3, 3]);
  for (const form of ['primal', 'dual'] as const) {
    const { model } = fitRidgeModel(data, list(0, 1, 2), { lambda: 1, form });
    close(model.W[0], 0.75, 1e-14, `${form} w0`);
    close(model.W[1], 0.75, 1e-14, `${form} w1`);
    close(model.b[0], 0.5, 1e-14, `${form} b`);
  }
  const floor = fitRidge(data, list(0, 1, 2), { lambda: 1 });
  close(floor.predictRow(data.x, 2), 2.75, 1e-14, 'prediction at row 1');
  // Leave-one-out: h = 1/3 + xcᵀ(XcᵀXc + I)⁻¹xc = 1/3 + 4/8, 1/3 + 3/8, 1/3 + 3/8 = 5/6, 17/24, 17/24;
  // residuals e = [−0.5, 0.25, 0.25] become e/(1 − h) = [−3, 6/7, 6/7] (refitting without row 0
  // predicts 3 at (0,0); without row 1, w = [6/7, 3/7], b = 3/7, predicting 15/7 at (1,2)).
  // LOO MSE = (9 + 2·36/49)/3 = 513/147. A huge λ predicts the others' mean: MSE ≈ (9 + 2.25 + 2.25)/3.
  for (const form of ['primal', 'dual'] as const) {
    const chosen = fitRidgeModel(data, list(0, 1, 2), { lambdas: [1, 1e9], form });
    close(chosen.looScores![0], 513 / 147, 1e-12, `${form} LOO MSE at λ = 1`);
    close(chosen.looScores![1], 4.5, 1e-6, `${form} LOO MSE at λ = 1e9`);
    assert.equal(chosen.model.lambda, 1);
  }
});

interface NumpyCase {
  name: string;
  pool: number;
  nInputs: number;
  classes: number;
  outputs: number;
  x: number[];
  y: number[];
  train: number[];
  fits: { lambda: number; W: number[][]; b: number[]; looSquared: number; looAccuracy?: number }[];
}

// dist/src/experiment/floors/ → the project root, then the fixture beside this file's source.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const numpy = JSON.parse(readFileSync(join(ROOT, 'src', 'experiment', 'floors', 'testing', 'ridge-numpy.json'), 'utf8')) as {
  meta: { lambdas: number[] };
  cases: NumpyCase[];
};

function fixtureData(c: NumpyCase): Dataset {
  const rows = Array.from({ length: c.pool }, (_, i) => c.x.slice(i * c.nInputs, (i + 1) * c.nInputs));
  return dataset(rows, c.y, c.classes);
}

test('ridge: weights, intercepts and leave-one-out scores as numpy computes them (primal and dual)', () => {
  assert.equal(numpy.cases.length, 4);
  for (const c of numpy.cases) {
    const data = fixtureData(c);
    const train = Int32Array.from(c.train);
    assert.ok(new Set(c.train).size < c.train.length, `${c.name}: the list has repeats`);
    for (const form of ['primal', 'dual'] as const) {
      for (const f of c.fits) {
        const { model } = fitRidgeModel(data, train, { lambda: f.lambda, form });
        for (let o = 0; o < c.outputs; o++) {
          close(model.b[o], f.b[o], 1e-10, `${c.name} ${form} λ ${f.lambda} b[${o}]`);
          for (let k = 0; k < c.nInputs; k++) close(model.W[o * c.nInputs + k], f.W[o][k], 1e-10, `${c.name} ${form} λ ${f.lambda} W[${o},${k}]`);
        }
      }
      const chosen = fitRidgeModel(data, train, { lambdas: numpy.meta.lambdas, form });
      const expected = c.fits.map((f) => (c.classes ? f.looAccuracy! : f.looSquared));
      chosen.looScores!.forEach((s, k) => close(s, expected[k], 1e-10, `${c.name} ${form} LOO at λ ${c.fits[k].lambda}`));
      // The documented choice: best LOO accuracy, then lowest LOO squared error, then the larger λ (MSE for regression).
      let best = 0;
      c.fits.forEach((f, k) => {
        const b = c.fits[best];
        const better = c.classes
          ? f.looAccuracy! > b.looAccuracy! || (f.looAccuracy === b.looAccuracy && f.looSquared <= b.looSquared)
          : f.looSquared <= b.looSquared;
        if (better) best = k;
      });
      assert.equal(chosen.model.lambda, c.fits[best].lambda, `${c.name} ${form}: chosen λ`);
    }
    // The floor predicts numpy's output (regression) or its largest output (classes) on every pool row.
    const f = c.fits[1];
    const floor = fitRidge(data, train, { lambda: f.lambda });
    for (let i = 0; i < c.pool; i++) {
      const out = f.b.map((b, o) => b + f.W[o].reduce((s, w, k) => s + w * data.x[i * c.nInputs + k], 0));
      if (c.classes) assert.equal(floor.predictRow(data.x, i * c.nInputs), out.indexOf(Math.max(...out)), `${c.name} class of row ${i}`);
      else close(floor.predictRow(data.x, i * c.nInputs), out[0], 1e-10, `${c.name} value of row ${i}`);
    }
  }
  // The fixture exercises the choice: a case whose best λ is not the smallest, and an accuracy tie
  // broken by the squared error (3 classes, n < d: 0.75 at λ = 0.1 and 1).
  assert.ok(numpy.cases.some((c) => c.classes && c.fits[2].looAccuracy! > c.fits[0].looAccuracy!));
  assert.ok(numpy.cases.some((c) => c.classes && c.fits[0].looAccuracy === c.fits[1].looAccuracy));
});

test('knn: neighbours at equal distance in list order, vote ties to the tied class met first, regression mean', () => {
  // One feature. Entries: e0 x=0 class 0, e1 x=2 class 1, e2 x=2 class 2, e3 x=5 class 1, e4 x=−3 class 2.
  const data = dataset([[0], [2], [2], [5], [-3], [1], [1.5]], [0, 1, 2, 1, 2, 0, 0], 3);
  const train = list(0, 1, 2, 3, 4);
  const at = (k: number, x: number) => fitKnn(data, train, { k }).predictRow([x], 0);
  // x = 1: e0, e1, e2 all at distance 1. k = 1 → e0 (first in the list) → class 0.
  assert.equal(at(1, 1), 0);
  // The same entries listed the other way round: e2 comes first → class 2.
  assert.equal(fitKnn(data, list(2, 1, 0, 3, 4), { k: 1 }).predictRow([1], 0), 2);
  // k = 2 at x = 1: e0 (class 0), e1 (class 1): a 1–1 tie → class 0, met first.
  assert.equal(at(2, 1), 0);
  // x = 1.6: e1 (0.4, class 1) and e2 (0.4, class 2), e0 (1.6, class 0), e3 (3.4, class 1), e4 (4.6, class 2).
  // k = 4: class 1 has 2 votes → 1. k = 5: classes 1 and 2 have 2 each → class 1, met first (e1).
  assert.equal(at(4, 1.6), 1);
  assert.equal(at(5, 1.6), 1);
  // Listed as e2, e1, …: at x = 1.6 the tie of k = 5 now goes to class 2 (e2 met first), not the smaller label.
  assert.equal(fitKnn(data, list(2, 1, 0, 3, 4), { k: 5 }).predictRow([1.6], 0), 2);
  // k above the list's length uses the whole list: votes 1 ×2, 2 ×2, 0 ×1 at x = 1.6.
  assert.equal(at(50, 1.6), 1);
  // Scored as the run scores: rows 5 (x = 1, class 0) and 6 (x = 1.5, class 0); k = 1 → 0 and 1 (e1 at 0.5).
  const floor = fitKnn(data, train, { k: 1 });
  assert.equal(floor.score(data.x, list(5, 6), 2, data.y, 'accuracy'), 1);

  // Regression: the mean of the k nearest targets. x = 1.6, k = 3: e1, e2, e0 → (10 + 20 + 0)/3.
  const reg = dataset([[0], [2], [2], [5]], [0, 10, 20, 50]);
  close(fitKnn(reg, list(0, 1, 2, 3), { k: 3 }).predictRow([1.6], 0), 10, 1e-15, 'knn regression');
  // Squared error summed: the same point as a pool row with target 4 → (10 − 4)² = 36.
  const reg2 = dataset([[0], [2], [2], [5], [1.6]], [0, 10, 20, 50, 4]);
  close(fitKnn(reg2, list(0, 1, 2, 3), { k: 3 }).score(reg2.x, list(4), 1, reg2.y, 'mse'), 36, 1e-12, 'knn squared error');
});

test('knn: k chosen by leave-one-out on the training list, copies of a sample left out together', () => {
  // Class 0 at 0, 1, 2; class 1 at 10, 11, 12, and a class-1 entry at 1.5 among class 0.
  // k = 1: e1 and e2 take e6's class, e6 takes e1's (0.5, before e2), e4's tie e3/e5 goes to e3: 4/7.
  // k = 3: only e6 is wrong (e1, e2, e0 around it are class 0): 6/7.
  // k = 5: e0, e1, e2 see e6, e3, e4 (3 votes for class 1) and e6 sees three class-0 entries: 3/7.
  const data = dataset([[0], [1], [2], [10], [11], [12], [1.5]], [0, 0, 0, 1, 1, 1, 1], 2);
  const floor = fitKnn(data, list(0, 1, 2, 3, 4, 5, 6), { ks: [1, 3, 5] });
  assert.deepEqual(floor.selection, { key: 'k', candidates: [1, 3, 5], looScores: [4 / 7, 6 / 7, 3 / 7] });
  assert.deepEqual(floor.settings, { k: 3 });
  // Ties go to the larger k: with the class-1 entry gone, k = 1 and k = 3 are both right on all 6.
  assert.equal(fitKnn(data, list(0, 1, 2, 3, 4, 5), { ks: [1, 3] }).settings.k, 3);

  // Pool index 0 drawn twice: its copy is not its own neighbour, so k = 1 predicts class 1 for both: 2/4.
  // k = 3 would need three entries of other indices for e0 and e1 (there are two): not a candidate.
  const dup = dataset([[0], [5], [6]], [0, 1, 1], 2);
  const f = fitKnn(dup, list(0, 0, 1, 2), { ks: [1, 3] });
  assert.deepEqual(f.selection, { key: 'k', candidates: [1], looScores: [0.5] });

  // Regression LOO: mean squared error of the LOO predictions. Targets 0, 1, 4 at 0, 1, 3; k = 1:
  // e0 ← e1 (1), e1 ← e0 (0), e2 ← e1 (1): (1 + 1 + 9)/3; k = 2: e0 ← 2.5, e1 ← 2, e2 ← 0.5: (6.25 + 1 + 12.25)/3.
  const reg = dataset([[0], [1], [3]], [0, 1, 4]);
  const r = fitKnn(reg, list(0, 1, 2), { ks: [1, 2] });
  assert.deepEqual(r.selection?.looScores, [11 / 3, 19.5 / 3]);
  assert.equal(r.settings.k, 1);
});

test('nearest centroid: means with repeats, ties to the smaller label, an absent class never predicted', () => {
  // Class 0 at (0,0), (2,0) → centroid (1,0). Class 2 at (0,4) drawn twice and (0,7) → (0,5)
  // (without the repeat it would be (0,5.5)). Class 1 has no entry.
  const data = dataset([[0, 0], [2, 0], [0, 4], [0, 7], [0, 0]], [0, 0, 2, 2, 1], 3);
  const floor = fitNearestCentroid(data, list(0, 1, 2, 2, 3));
  // (0.5, 2.6): to (1,0) 0.25 + 6.76 = 7.01; to (0,5) 0.25 + 5.76 = 6.01 → 2 (to (0,5.5) it would be 8.66 → 0).
  assert.equal(floor.predictRow([0.5, 2.6], 0), 2);
  // (0.5, 2.5): 0.25 + 6.25 to both → the smaller label, 0.
  assert.equal(floor.predictRow([0.5, 2.5], 0), 0);
  // (0, 0.1) is nearest the origin, where an empty class 1 would sit if it were not skipped.
  assert.equal(floor.predictRow([0, 0.1], 0), 0);
  // Pool row 4 is (0,0) of class 1: never right.
  assert.equal(floor.score(data.x, list(4), 1, data.y, 'accuracy'), 0);
  assert.throws(() => fitNearestCentroid(dataset([[0]], [1]), list(0)), /regression/);
});

test('constant: the majority class (smaller label on ties) or the mean target', () => {
  const data = dataset([[0], [0], [0], [0]], [2, 1, 2, 1], 3);
  assert.equal(fitConstant(data, list(0, 1, 2, 3)).predictRow([9], 0), 1);
  assert.equal(fitConstant(data, list(0, 1, 2, 3, 0)).predictRow([9], 0), 2);
  const reg = dataset([[0], [0], [0]], [1, 2, 6]);
  close(fitConstant(reg, list(0, 1, 2, 2)).predictRow([0], 0), 15 / 4, 1e-15, 'mean with a repeat');
});

test('scoreFloors: every floor of the task on the test indices, equal to the run\'s own scorers', () => {
  // Two well-separated classes in 2-D plus one class-0 point near class 1.
  const rows = [[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6], [4.6, 4.6], [0.5, 0.2], [5.5, 5.2], [0.2, 0.8], [4.5, 4.4]];
  const y = [0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1];
  const data = dataset(rows, y, 2);
  const train = list(0, 1, 2, 3, 4, 5, 6);
  const testRows = list(7, 8, 9, 10);
  assert.deepEqual(floorIds('classification'), ['constant', 'nearest-centroid', 'ridge', 'knn']);
  assert.deepEqual(floorIds('regression'), ['constant', 'ridge', 'knn']);
  const scores = scoreFloors(data, train, testRows, { knn: { k: 1 }, ridge: { lambda: 1 } });
  assert.deepEqual(scores.map((s) => s.id), floorIds('classification'));
  // constant: 4 entries of class 0 against 3 → 0; right on rows 7, 9: 0.5.
  assert.equal(scores[0].value, 0.5);
  // nearest centroid: (1/3,1/3) and (5.33,5.33); row 10 (4.5,4.4) is nearer class 1: all right.
  assert.equal(scores[1].value, 1);
  // 1-NN: row 10's nearest entry is (4.6,4.6), class 0: 3/4.
  assert.equal(scores[3].value, 0.75);
  for (const s of scores) {
    const floor = fitFloor(s.id, data, train, { knn: { k: 1 }, ridge: { lambda: 1 } });
    assert.equal(evaluate(asTrainable(floor), data, testRows, 'accuracy').value, s.value, `${s.id}: evaluate`);
    // The evaluation points' scorer, at the clean point, gives the same number.
    assert.equal(evaluateAt([asTrainable(floor)], data, testRows, 'accuracy', { 'noise.sigma': 0 }, 5)[0].value, s.value, `${s.id}: evaluateAt`);
  }
  assert.throws(() => asTrainable(fitConstant(data, train)).step(data.x, 0, 0, 0.1), /fitted, not trained/);
  assert.throws(() => scoreFloors(data, list(0, 99), testRows), /outside the pool/);
  assert.throws(() => scoreFloors(data, list(), testRows), /empty/);
});
