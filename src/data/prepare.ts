// Turning a raw pool into what the protocol trains on (docs/METHOD.md §6–7): normalisation of
// tabular columns, the training list drawn with replacement and its complement as test set,
// and Gaussian input noise for the noisy evaluation.

import type { Rng } from '../core/rng.js';
import type { Dataset, RawDataset } from './types.js';

export type NormalizeMode = 'paper' | 'train';

export interface Split {
  /** n pool indices drawn uniformly with replacement, in draw order (duplicates stay). */
  train: Int32Array;
  /** Every pool index not in the training list (nor in `validation`), ascending. */
  test: Int32Array;
  /** With a validation set: pool indices outside the training list held out from the test set, ascending. */
  validation?: Int32Array;
}

/** The default validation size for a pool: a tenth of it, at most 5,000 (docs/METHOD.md, "Validation"). */
export function defaultValidationSize(poolSize: number): number {
  return Math.min(5000, Math.floor(poolSize / 10));
}

/**
 * Holds `size` samples of the test set out as a validation set: a uniform draw without
 * replacement (a partial Fisher–Yates shuffle of a copy) from `rng`. Both lists come back
 * ascending; together they are exactly `test`.
 */
export function holdOutValidation(test: Int32Array, size: number, rng: Rng): { validation: Int32Array; test: Int32Array } {
  if (!(Number.isInteger(size) && size >= 0 && size <= test.length)) throw new RangeError(`validation size ${size} for ${test.length} samples`);
  const a = test.slice();
  for (let k = 0; k < size; k++) {
    const j = k + rng.int(a.length - k);
    const t = a[k];
    a[k] = a[j];
    a[j] = t;
  }
  const validation = a.slice(0, size).sort();
  const rest = a.slice(size).sort();
  return { validation, test: rest };
}

/** Every pool index not marked in `inTrain`, ascending. */
function complement(inTrain: Uint8Array, poolSize: number): Int32Array {
  let testCount = 0;
  for (let i = 0; i < poolSize; i++) if (!inTrain[i]) testCount++;
  const test = new Int32Array(testCount);
  for (let i = 0, k = 0; i < poolSize; i++) if (!inTrain[i]) test[k++] = i;
  return test;
}

/** docs/METHOD.md §7 steps 1–2. */
export function drawSplit(poolSize: number, n: number, rng: Rng): Split {
  const train = new Int32Array(n);
  const inTrain = new Uint8Array(poolSize);
  for (let k = 0; k < n; k++) {
    const i = rng.int(poolSize);
    train[k] = i;
    inTrain[i] = 1;
  }
  return { train, test: complement(inTrain, poolSize) };
}

/** A given training list (the authors', authors-split.ts) with its complement as test set. */
export function splitFromList(train: Int32Array, poolSize: number): Split {
  const inTrain = new Uint8Array(poolSize);
  for (const i of train) {
    if (!(i >= 0 && i < poolSize)) throw new RangeError(`training index ${i} is outside the pool of ${poolSize}`);
    inTrain[i] = 1;
  }
  return { train, test: complement(inTrain, poolSize) };
}

/**
 * Z-scores every tabular column (features and target) with the mean and sample standard
 * deviation (n − 1) of the rows in `statsRows` (all rows: the paper's mode; the training
 * list: no leakage), then multiplies the target by `targetScale`. Images pass through.
 */
export function normalize(raw: RawDataset, mode: NormalizeMode, statsRows: Int32Array | null, targetScale: number): Dataset {
  if (raw.kind === 'image') return { ...raw, normalize: 'none' };
  const { size, nInputs } = raw;
  const rows = mode === 'paper' || !statsRows ? null : statsRows;
  const x = new Float32Array(raw.x.length);
  for (let c = 0; c < nInputs; c++) {
    const { mean, sd } = columnStats((i) => raw.x[i * nInputs + c], size, rows);
    const inv = sd > 0 ? 1 / sd : 0;
    for (let i = 0; i < size; i++) x[i * nInputs + c] = (raw.x[i * nInputs + c] - mean) * inv;
  }
  let y = raw.y;
  if (raw.task === 'regression') {
    const { mean, sd } = columnStats((i) => raw.y[i], size, rows);
    const inv = sd > 0 ? targetScale / sd : 0;
    y = new Float32Array(size);
    for (let i = 0; i < size; i++) y[i] = (raw.y[i] - mean) * inv;
  }
  return { ...raw, x, y, normalize: mode };
}

/** Mean and sample standard deviation of a column over all rows or the listed ones (with repeats). */
export function columnStats(get: (row: number) => number, size: number, rows: Int32Array | null): { mean: number; sd: number } {
  const n = rows ? rows.length : size;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += get(rows ? rows[k] : k);
  const mean = sum / n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const d = get(rows ? rows[k] : k) - mean;
    ss += d * d;
  }
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/**
 * Writes sample `index` plus fresh N(0, σ²) noise per input into `out`; image inputs are then
 * clamped to [0, 1], tabular ones are not (docs/METHOD.md §7 step 7).
 */
export function noisySample(
  x: Float32Array, index: number, nInputs: number, sigma: number, clamp: boolean, rng: Rng, out: Float64Array,
): void {
  const base = index * nInputs;
  for (let i = 0; i < nInputs; i++) {
    let v = x[base + i] + sigma * rng.normal();
    if (clamp) v = v < 0 ? 0 : v > 1 ? 1 : v;
    out[i] = v;
  }
}

/** Class weights of an imbalance profile (not normalised). */
export function classWeights(profile: 'step' | 'longtail', ratio: number, nClasses: number, minority?: number[]): number[] {
  if (profile === 'longtail') {
    return Array.from({ length: nClasses }, (_, c) => (nClasses > 1 ? ratio ** (c / (nClasses - 1)) : 1));
  }
  const small = new Set(minority ?? Array.from({ length: Math.floor(nClasses / 2) }, (_, k) => nClasses - 1 - k));
  return Array.from({ length: nClasses }, (_, c) => (small.has(c) ? ratio : 1));
}

/** Pool indices of each class, ascending. */
export function indicesByClass(labels: Float32Array, size: number, nClasses: number): Int32Array[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < size; i++) counts[labels[i]]++;
  const out = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < size; i++) out[labels[i]][fill[labels[i]]++] = i;
  return out;
}

/**
 * A training list whose class frequencies follow `weights`: each of the n draws picks a class
 * with probability w_c / Σw, then a pool index of that class uniformly (with replacement).
 * The test set is the complement, as for drawSplit.
 */
export function drawImbalancedSplit(labels: Float32Array, poolSize: number, n: number, weights: number[], rng: Rng): Split {
  const byClass = indicesByClass(labels, poolSize, weights.length);
  const usable = weights.map((w, c) => (byClass[c].length > 0 ? w : 0));
  const total = usable.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of usable) {
    acc += w / total;
    cumulative.push(acc);
  }
  let lastUsable = usable.length - 1;
  while (lastUsable > 0 && usable[lastUsable] === 0) lastUsable--;
  const train = new Int32Array(n);
  const inTrain = new Uint8Array(poolSize);
  for (let k = 0; k < n; k++) {
    const u = rng.uniform();
    let c = lastUsable;
    for (let q = 0; q < cumulative.length; q++) {
      if (usable[q] > 0 && u < cumulative[q]) { c = q; break; }
    }
    const members = byClass[c];
    const i = members[rng.int(members.length)];
    train[k] = i;
    inTrain[i] = 1;
  }
  return { train, test: complement(inTrain, poolSize) };
}

/**
 * The test set cut down to the same number of samples in every class (the smallest class's
 * count in `test`), chosen by a seeded partial shuffle, returned ascending.
 */
export function balanceTestSet(test: Int32Array, labels: Float32Array, nClasses: number, rng: Rng): Int32Array {
  const members: number[][] = Array.from({ length: nClasses }, () => []);
  for (const i of test) members[labels[i]].push(i);
  const m = Math.min(...members.map((list) => list.length));
  const keep: number[] = [];
  for (const list of members) {
    for (let k = 0; k < m; k++) {
      const j = k + rng.int(list.length - k);
      [list[k], list[j]] = [list[j], list[k]];
      keep.push(list[k]);
    }
  }
  return Int32Array.from(keep.sort((a, b) => a - b));
}

/**
 * Label noise on the training list's targets (one per entry, so repeated samples are
 * corrupted independently). Returns how many entries were corrupted.
 */
export function corruptTargets(
  targets: Float32Array, task: 'classification' | 'regression', nClasses: number, fraction: number, sigma: number, rng: Rng,
): number {
  let corrupted = 0;
  for (let k = 0; k < targets.length; k++) {
    if (!(rng.uniform() < fraction)) continue;
    corrupted++;
    if (task === 'classification') targets[k] = (targets[k] + 1 + rng.int(nClasses - 1)) % nClasses;
    else targets[k] += sigma * rng.normal();
  }
  return corrupted;
}
