// Test metrics (docs/METHOD.md §5): accuracy as a fraction for classification, mean squared error
// in target units for regression, over the listed pool indices; and the noisy evaluation.
// Classification is scored class by class, so per-class and balanced accuracy come for free:
// the overall accuracy is the sum of the per-class correct counts over the test-set size.

import type { Trainable } from '../core/model.js';
import { Rng } from '../core/rng.js';
import type { Dataset } from '../data/types.js';
import { EVAL_AXES, type EvalPoint } from '../data/eval-axes/index.js';

export type Metric = 'accuracy' | 'mse';

export interface Scores {
  /** Accuracy (fraction) or MSE over the whole test set. */
  value: number;
  /** Accuracy (or MSE) within each class or target bin (NaN for one absent from the test set). */
  perClass?: number[];
  /** The mean of the per-class values over the classes present (balanced accuracy or MSE). */
  balanced?: number;
}

/** Test indices of each class or group (ascending); `labels` maps a pool index to its group. */
export function splitByClass(indices: Int32Array, labels: Float32Array, nClasses: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: nClasses }, () => []);
  for (const i of indices) lists[labels[i]].push(i);
  return lists.map((l) => Int32Array.from(l));
}

function fromCounts(correct: ArrayLike<number>, totals: ArrayLike<number>, all: number): Scores {
  let sum = 0;
  const perClass: number[] = [];
  let present = 0;
  let balancedSum = 0;
  for (let c = 0; c < totals.length; c++) {
    sum += correct[c];
    const acc = totals[c] > 0 ? correct[c] / totals[c] : NaN;
    perClass.push(acc);
    if (totals[c] > 0) { present++; balancedSum += acc; }
  }
  return { value: sum / all, perClass, balanced: balancedSum / present };
}

/** Clean evaluation; with `byClass` (from splitByClass) it scores group by group. */
export function evaluate(model: Trainable, data: Dataset, indices: Int32Array, metric: Metric, byClass?: Int32Array[]): Scores {
  if (!byClass) {
    return { value: model.score(data.x, indices, indices.length, data.y, metric) / indices.length };
  }
  const sums = byClass.map((list) => model.score(data.x, list, list.length, data.y, metric));
  return fromCounts(sums, byClass.map((l) => l.length), indices.length);
}

const NOISY_CHUNK = 256;

/**
 * Scores every model at one evaluation point. Every model sees the same transformed copy of
 * each test input: the point's non-identity axes are applied in registry order, each drawing
 * from its own stream (seeded by the run's seed, fresh from its start), input by input in
 * test-set order, so methods are compared on identical inputs. Inputs are built in chunks of
 * rows (stored as float32, like the data) and scored per chunk (and per class within it).
 */
export function evaluateAt(
  models: Trainable[], data: Dataset, test: Int32Array, metric: Metric, point: EvalPoint, seed: number,
  groupOf: Float32Array | null = metric === 'accuracy' ? data.y : null, nGroups = data.nOutputs,
): Scores[] {
  const n = data.nInputs;
  const image = data.kind === 'image';
  const transforms = EVAL_AXES.filter((a) => (point[a.key] ?? a.identity) !== a.identity)
    .map((a) => ({ apply: a.prepare(n, image), value: point[a.key], rng: new Rng(seed, a.stream) }));
  const classes = groupOf ? nGroups : 1;
  const row = new Float64Array(n);
  const xs = new Float32Array(NOISY_CHUNK * n);
  const ys = new Float32Array(NOISY_CHUNK);
  const rowsOf = Array.from({ length: classes }, () => new Int32Array(NOISY_CHUNK));
  const rowCount = new Int32Array(classes);
  const classTotals = new Float64Array(classes);
  const sums = models.map(() => new Float64Array(classes));
  for (let start = 0; start < test.length; start += NOISY_CHUNK) {
    const count = Math.min(NOISY_CHUNK, test.length - start);
    rowCount.fill(0);
    for (let k = 0; k < count; k++) {
      const i = test[start + k];
      for (let f = 0; f < n; f++) row[f] = data.x[i * n + f];
      for (const t of transforms) t.apply(row, t.value, t.rng);
      xs.set(row, k * n);
      ys[k] = data.y[i];
      const c = groupOf ? groupOf[i] : 0;
      rowsOf[c][rowCount[c]++] = k;
      classTotals[c]++;
    }
    for (let m = 0; m < models.length; m++) {
      for (let c = 0; c < classes; c++) {
        if (rowCount[c] > 0) sums[m][c] += models[m].score(xs, rowsOf[c], rowCount[c], ys, metric);
      }
    }
  }
  return sums.map((s) => (groupOf ? fromCounts(s, classTotals, test.length) : { value: s[0] / test.length }));
}
