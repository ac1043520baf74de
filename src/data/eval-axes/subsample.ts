// Seeded subsamples of a run's test list: the samples some evaluation points are scored on
// when scoring all of them would cost too much (attacked points: config `attack.subsample`;
// corrupted and benchmark points: config `corrupted.subsample`). Each kind of point has its own
// named stream, so the attack's subsample and the corruptions' are drawn independently.

import { Rng } from '../../core/rng.js';

/**
 * `size` of the test list drawn without replacement from the stream `stream` of the seed (a
 * partial Fisher–Yates shuffle), in ascending order; the whole list when `size` is absent or not
 * smaller. It depends only on (seed, stream, test list, size): every method of a run, and every
 * run with the same seed and test list (a 2-layer and a 3-layer run of one seed and n), gets the
 * same subsample.
 */
export function seededSubsample(test: Int32Array, size: number | undefined, seed: number, stream: string): Int32Array {
  if (size === undefined || size >= test.length) return test;
  const pool = Int32Array.from(test);
  const rng = new Rng(seed, stream);
  for (let k = 0; k < size; k++) {
    const j = k + rng.int(pool.length - k);
    const t = pool[k];
    pool[k] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, size).sort();
}
