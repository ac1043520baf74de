// Turning a raw pool into what the protocol trains on (PAPER.md §6–7): normalisation of
// tabular columns, the training list drawn with replacement and its complement as test set,
// and Gaussian input noise for the noisy evaluation.

import type { Rng } from '../core/rng.js';
import type { Dataset, RawDataset } from './types.js';

export type NormalizeMode = 'paper' | 'train';

export interface Split {
  /** n pool indices drawn uniformly with replacement, in draw order (duplicates stay). */
  train: Int32Array;
  /** Every pool index not in the training list, ascending. */
  test: Int32Array;
}

/** PAPER.md §7 steps 1–2. */
export function drawSplit(poolSize: number, n: number, rng: Rng): Split {
  const train = new Int32Array(n);
  const inTrain = new Uint8Array(poolSize);
  for (let k = 0; k < n; k++) {
    const i = rng.int(poolSize);
    train[k] = i;
    inTrain[i] = 1;
  }
  let testCount = 0;
  for (let i = 0; i < poolSize; i++) if (!inTrain[i]) testCount++;
  const test = new Int32Array(testCount);
  for (let i = 0, k = 0; i < poolSize; i++) if (!inTrain[i]) test[k++] = i;
  return { train, test };
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
 * clamped to [0, 1], tabular ones are not (PAPER.md §7 step 7).
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
