// What every floor shares: the training list checked against the pool, its targets, and how
// often each pool index occurs in it (the list is drawn with replacement, docs/METHOD.md §7).

import type { Dataset } from '../../data/types.js';
import type { Metric } from '../evaluate.js';

/** A training list read against its pool. */
export interface TrainingList {
  /** Pool indices, in the run's order, repeats kept. */
  readonly rows: Int32Array;
  /** data.y of each entry (a class label or a prepared regression target). */
  readonly targets: Float64Array;
  /** How many entries share each entry's pool index (1 for a sample drawn once). */
  readonly multiplicity: Int32Array;
  /** Distinct pool indices in the list. */
  readonly distinct: number;
}

/** Checks `train` against the dataset (non-empty, every index in the pool, labels whole classes) and reads its targets. */
export function readList(data: Dataset, train: Int32Array): TrainingList {
  if (train.length === 0) throw new RangeError('floors: the training list is empty');
  const counts = new Map<number, number>();
  const targets = new Float64Array(train.length);
  for (let e = 0; e < train.length; e++) {
    const i = train[e];
    if (!(Number.isInteger(i) && i >= 0 && i < data.size)) throw new RangeError(`floors: training index ${i} is outside the pool of ${data.size}`);
    counts.set(i, (counts.get(i) ?? 0) + 1);
    const t = data.y[i];
    if (data.task === 'classification' && !(Number.isInteger(t) && t >= 0 && t < data.nOutputs)) {
      throw new RangeError(`floors: label ${t} of pool index ${i} is not a class 0…${data.nOutputs - 1}`);
    }
    targets[e] = t;
  }
  return { rows: train, targets, multiplicity: Int32Array.from(train, (i) => counts.get(i)!), distinct: counts.size };
}

/** The metric of a dataset's task (docs/METHOD.md §5). */
export function metricOf(data: Dataset): Metric {
  return data.task === 'classification' ? 'accuracy' : 'mse';
}

/**
 * Sum over the listed rows of x of the per-sample score, as Trainable.score: 1 for a correct
 * class, or the squared error. `predict(x, offset)` reads one input at x[offset … offset + n).
 */
export function scoreRows(
  predict: (x: ArrayLike<number>, offset: number) => number, nInputs: number,
  x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: Metric,
): number {
  let total = 0;
  for (let k = 0; k < count; k++) {
    const i = indices[k];
    const p = predict(x, i * nInputs);
    if (metric === 'accuracy') {
      if (p === y[i]) total += 1;
    } else {
      const e = p - y[i];
      total += e * e;
    }
  }
  return total;
}

/**
 * The candidate with the best score (`higher` for accuracy, lower for an error); among equal
 * scores, the one listed last (the candidate lists run from the least to the most smoothing, so
 * a tie goes to the smoother model).
 */
export function pickBest(scores: number[], higher: boolean): number {
  let best = 0;
  for (let c = 1; c < scores.length; c++) {
    if (higher ? scores[c] >= scores[best] : scores[c] <= scores[best]) best = c;
  }
  return best;
}
