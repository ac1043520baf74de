// Test metrics (PAPER.md §5): accuracy as a fraction for classification, mean squared error
// in target units for regression, over the listed pool indices; and the noisy evaluation.

import type { Trainable } from '../core/model.js';
import type { Rng } from '../core/rng.js';
import { noisySample } from '../data/prepare.js';
import type { Dataset } from '../data/types.js';

export type Metric = 'accuracy' | 'mse';

export function evaluate(model: Trainable, data: Dataset, indices: Int32Array, metric: Metric): number {
  return model.score(data.x, indices, indices.length, data.y, metric) / indices.length;
}

const NOISY_CHUNK = 256;

/**
 * Every model sees the same noisy copy of each test input: noise is drawn fresh per input
 * (and per feature), once, in test-set order, so methods are compared on identical inputs.
 * Inputs are built in chunks of rows (stored as float32, like the data) and scored per chunk.
 */
export function evaluateNoisy(
  models: Trainable[], data: Dataset, test: Int32Array, metric: Metric, sigma: number, rng: Rng,
): number[] {
  const n = data.nInputs;
  const clamp = data.kind === 'image';
  const row = new Float64Array(n);
  const xs = new Float32Array(NOISY_CHUNK * n);
  const ys = new Float32Array(NOISY_CHUNK);
  const rows = Int32Array.from({ length: NOISY_CHUNK }, (_, k) => k);
  const totals = new Float64Array(models.length);
  for (let start = 0; start < test.length; start += NOISY_CHUNK) {
    const count = Math.min(NOISY_CHUNK, test.length - start);
    for (let k = 0; k < count; k++) {
      const i = test[start + k];
      noisySample(data.x, i, n, sigma, clamp, rng, row);
      xs.set(row, k * n);
      ys[k] = data.y[i];
    }
    for (let m = 0; m < models.length; m++) totals[m] += models[m].score(xs, rows, count, ys, metric);
  }
  return Array.from(totals, (t) => t / test.length);
}
