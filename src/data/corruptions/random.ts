// The random numbers of the corruptions. Each (seed, corruption, sample) has a stream of its
// own, so a sample's corruption does not depend on which other samples are corrupted, in what
// order, by which method or in which run: the same seed and sample index give the same
// corrupted input everywhere. The stream does not depend on the severity either: the five
// severities of one sample reuse the same draws (common random numbers), so a curve over
// severity moves only by the severity's constant (Gaussian noise at severity 3 is the noise of
// severity 1 scaled, impulse noise at severity 3 hits a superset of severity 1's pixels).

import { Rng } from '../../core/rng.js';

/**
 * The stream for one sample: the project's Rng (xoshiro128**, src/core/rng.ts) under the run's
 * seed and the stream name `corruption:<id>:<sample>`. `sample` is the sample's index in the
 * pool it was loaded from (not its place in a test set, which changes with the split).
 */
export function corruptionRng(seed: number, corruption: string, sample: number): Rng {
  if (!Number.isSafeInteger(sample) || sample < 0) throw new RangeError(`sample index must be a whole number ≥ 0, got ${sample}`);
  return new Rng(seed, `corruption:${corruption}:${sample}`);
}

/** Uniform in [a, b). */
export function uniformIn(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng.uniform();
}

/** ±1 with equal probability (numpy's np.random.choice([-1, 1])). */
export function randomSign(rng: Rng): number {
  return rng.uniform() < 0.5 ? -1 : 1;
}

const LOG_FACTORIAL: number[] = [0];
for (let k = 1; k < 256; k++) LOG_FACTORIAL.push(LOG_FACTORIAL[k - 1] + Math.log(k));

/** ln k! : summed logs up to 255, Stirling's series beyond (relative error below 1e-15 there). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL[k];
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * A Poisson(λ) count. λ < 10: Knuth's product of uniforms (about λ + 1 uniforms). λ ≥ 10:
 * Hörmann's transformed rejection with squeeze (PTRS; W. Hörmann, "The transformed rejection
 * method for generating Poisson random variables", Insurance: Mathematics and Economics 12,
 * 1993), the method numpy uses there too, about 2.3 uniforms a draw whatever λ.
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new RangeError(`Poisson λ must be finite and ≥ 0, got ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.uniform();
    while (p > limit) {
      k++;
      p *= rng.uniform();
    }
    return k;
  }
  const sq = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sq;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logFactorial(k)) return k;
  }
}
