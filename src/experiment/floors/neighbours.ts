// The floors that only compare inputs: k nearest neighbours, nearest centroid, and the constant
// (majority class or mean target). Distances are squared Euclidean in float64 (dist2), on the
// inputs as prepared for the run (pixels / 255; z-scored tables).
//
// The training list is used as drawn: a sample drawn twice is two entries (two neighbour slots,
// twice the weight in a centroid or the mean), as the networks see it twice as often.
// Ties, all deterministic:
// - neighbours at equal distance: the earlier entry of the training list comes first;
// - a vote tie among classes (knn): the tied class whose nearest member comes first in that order;
// - centroids at equal distance: the smaller class label; a class with no entry is never predicted;
// - the majority class: the smaller label among equally frequent ones.
// k is given, or chosen on the training list alone by leave-one-out: each entry is predicted
// from the entries of the other pool indices (all copies of a sample are left out together),
// scored by accuracy or MSE averaged over the entries; ties go to the larger k.

import type { Dataset } from '../../data/types.js';
import { pickBest, readList, scoreRows, type TrainingList } from './list.js';
import type { Floor } from './types.js';

/** k candidates for leave-one-out selection. */
export const KNN_KS: readonly number[] = [1, 3, 5, 7, 9, 15, 21, 31];

export interface KnnOptions {
  /** A fixed k ≥ 1, or 'loo' (default): chosen among `ks` by leave-one-out on the training list. */
  k?: number | 'loo';
  ks?: readonly number[];
}

/** The training rows as one contiguous float64 block (n × d). */
function rowsOf(data: Dataset, list: TrainingList): Float64Array {
  const d = data.nInputs;
  const X = new Float64Array(list.rows.length * d);
  for (let e = 0; e < list.rows.length; e++) {
    const base = list.rows[e] * d;
    for (let f = 0; f < d; f++) X[e * d + f] = data.x[base + f];
  }
  return X;
}

/**
 * The prediction from neighbours listed nearest first: the mean target (regression), or the
 * class with the most votes, a tie going to the tied class met first.
 */
function fromNeighbours(order: ArrayLike<number>, k: number, targets: Float64Array, classes: number, votes: Int32Array): number {
  if (classes === 0) {
    let s = 0;
    for (let r = 0; r < k; r++) s += targets[order[r]];
    return s / k;
  }
  votes.fill(0);
  let most = 0;
  for (let r = 0; r < k; r++) {
    const c = targets[order[r]];
    votes[c]++;
    if (votes[c] > most) most = votes[c];
  }
  for (let r = 0; r < k; r++) {
    const c = targets[order[r]];
    if (votes[c] === most) return c;
  }
  return targets[order[0]];
}

/**
 * Squared distance between X's row e (d features) and x[offset …], in float64: four running sums
 * over the features f ≡ 0, 1, 2, 3 (mod 4) (any d; the remainder goes to the first), added as
 * (s0 + s1) + (s2 + s3). One fixed order, so equal inputs give equal distances.
 */
function dist2(X: Float64Array, e: number, x: ArrayLike<number>, offset: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const row = e * d;
  let f = 0;
  for (; f + 3 < d; f += 4) {
    const t0 = X[row + f] - x[offset + f];
    const t1 = X[row + f + 1] - x[offset + f + 1];
    const t2 = X[row + f + 2] - x[offset + f + 2];
    const t3 = X[row + f + 3] - x[offset + f + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; f < d; f++) {
    const t = X[row + f] - x[offset + f];
    s0 += t * t;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Leave-one-out score of every k in `ks` (ascending): for each entry, the other pool indices'
 * entries sorted by (distance, list position), scored as the floor would predict.
 */
function looByK(X: Float64Array, d: number, list: TrainingList, ks: number[], classes: number): number[] {
  const n = list.rows.length;
  const dist = new Float64Array(n);
  const sums = new Float64Array(ks.length);
  const votes = new Int32Array(Math.max(classes, 1));
  for (let i = 0; i < n; i++) {
    // One row of distances at a time: memory stays O(n) whatever the list's length.
    const others: number[] = [];
    for (let j = 0; j < n; j++) {
      if (list.rows[j] === list.rows[i]) continue;
      dist[j] = dist2(X, j, X, i * d, d);
      others.push(j);
    }
    others.sort((a, b) => dist[a] - dist[b] || a - b);
    ks.forEach((k, c) => {
      const p = fromNeighbours(others, k, list.targets, classes, votes);
      if (classes > 0) sums[c] += p === list.targets[i] ? 1 : 0;
      else sums[c] += (p - list.targets[i]) ** 2;
    });
  }
  return Array.from(sums, (s) => s / n);
}

/** k nearest neighbours: majority vote (classification) or mean target (regression). */
export function fitKnn(data: Dataset, train: Int32Array, opts: KnnOptions = {}): Floor {
  const list = readList(data, train);
  const d = data.nInputs;
  const n = train.length;
  const classes = data.task === 'classification' ? data.nOutputs : 0;
  const X = rowsOf(data, list);
  let k: number;
  let selection: Floor['selection'];
  const asked = opts.k ?? 'loo';
  if (asked === 'loo') {
    const ks = [...(opts.ks ?? KNN_KS)];
    if (ks.length === 0 || ks.some((v) => !(Number.isInteger(v) && v >= 1))) throw new RangeError('knn: the k candidates must be whole numbers ≥ 1');
    for (let c = 1; c < ks.length; c++) if (!(ks[c] > ks[c - 1])) throw new RangeError('knn: the k candidates must increase');
    // Every entry must have k neighbours of other pool indices.
    let fewest = Infinity;
    for (let e = 0; e < n; e++) fewest = Math.min(fewest, n - list.multiplicity[e]);
    const usable = ks.filter((v) => v <= fewest);
    if (usable.length === 0) {
      k = Math.min(ks[0], n);
    } else {
      const scores = looByK(X, d, list, usable, classes);
      k = usable[pickBest(scores, classes > 0)];
      selection = { key: 'k', candidates: usable, looScores: scores };
    }
  } else {
    if (!(Number.isInteger(asked) && asked >= 1)) throw new RangeError(`knn: k must be a whole number ≥ 1, got ${asked}`);
    k = Math.min(asked, n);
  }
  const bestD = new Float64Array(k);
  const bestE = new Int32Array(k);
  const votes = new Int32Array(Math.max(classes, 1));
  const predictRow = (x: ArrayLike<number>, offset: number): number => {
    let filled = 0;
    for (let e = 0; e < n; e++) {
      const v = dist2(X, e, x, offset, d);
      if (filled === k && !(v < bestD[k - 1])) continue;
      // Insert after every kept neighbour at a distance ≤ v: equal distances keep list order.
      let pos = filled < k ? filled : k - 1;
      while (pos > 0 && bestD[pos - 1] > v) {
        bestD[pos] = bestD[pos - 1];
        bestE[pos] = bestE[pos - 1];
        pos--;
      }
      bestD[pos] = v;
      bestE[pos] = e;
      if (filled < k) filled++;
    }
    return fromNeighbours(bestE, k, list.targets, classes, votes);
  };
  return {
    id: 'knn', task: data.task, settings: { k }, selection, predictRow,
    score: (x, indices, count, y, metric) => scoreRows(predictRow, d, x, indices, count, y, metric),
  };
}

/** Nearest centroid (classification only): the class whose mean training input is nearest. */
export function fitNearestCentroid(data: Dataset, train: Int32Array): Floor {
  if (data.task !== 'classification') throw new RangeError(`nearest-centroid: ${data.name} is a regression set`);
  const list = readList(data, train);
  const d = data.nInputs;
  const m = data.nOutputs;
  const C = new Float64Array(m * d);
  const count = new Float64Array(m);
  for (let e = 0; e < train.length; e++) {
    const c = list.targets[e];
    count[c]++;
    const base = train[e] * d;
    for (let f = 0; f < d; f++) C[c * d + f] += data.x[base + f];
  }
  const present: number[] = [];
  for (let c = 0; c < m; c++) {
    if (count[c] === 0) continue;
    present.push(c);
    for (let f = 0; f < d; f++) C[c * d + f] /= count[c];
  }
  const predictRow = (x: ArrayLike<number>, offset: number): number => {
    let best = present[0];
    let bestD = Infinity;
    for (const c of present) {
      const v = dist2(C, c, x, offset, d);
      if (v < bestD) {
        bestD = v;
        best = c;
      }
    }
    return best;
  };
  return {
    id: 'nearest-centroid', task: data.task, settings: {}, predictRow,
    score: (x, indices, count, y, metric) => scoreRows(predictRow, d, x, indices, count, y, metric),
  };
}

/** The constant floor: the majority class of the list, or its mean target (what a collapsed network predicts). */
export function fitConstant(data: Dataset, train: Int32Array): Floor {
  const list = readList(data, train);
  let value: number;
  if (data.task === 'classification') {
    const count = new Int32Array(data.nOutputs);
    for (const t of list.targets) count[t]++;
    value = 0;
    for (let c = 1; c < count.length; c++) if (count[c] > count[value]) value = c;
  } else {
    let s = 0;
    for (const t of list.targets) s += t;
    value = s / list.targets.length;
  }
  const predictRow = (): number => value;
  return {
    id: 'constant', task: data.task, settings: {}, predictRow,
    score: (x, indices, count, y, metric) => scoreRows(predictRow, data.nInputs, x, indices, count, y, metric),
  };
}
