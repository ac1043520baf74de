// The corruptions' random streams: one per (seed, corruption, sample), reproducible, distinct
// across samples and seeds; the Poisson sampler against the exact distribution on both of its
// branches (λ < 10 and λ ≥ 10).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { IMAGE_CORRUPTIONS, TABULAR_CORRUPTIONS } from './index.js';
import { corruptionRng, logFactorial, poisson } from './random.js';

test('the same (seed, corruption, sample) gives the same stream; another sample, seed or corruption another', () => {
  const draw = (r: Rng) => [r.nextU32(), r.nextU32(), r.nextU32()];
  assert.deepEqual(draw(corruptionRng(5, 'gaussian-noise', 17)), draw(corruptionRng(5, 'gaussian-noise', 17)));
  assert.notDeepEqual(draw(corruptionRng(5, 'gaussian-noise', 17)), draw(corruptionRng(5, 'gaussian-noise', 18)));
  assert.notDeepEqual(draw(corruptionRng(5, 'gaussian-noise', 17)), draw(corruptionRng(6, 'gaussian-noise', 17)));
  assert.notDeepEqual(draw(corruptionRng(5, 'gaussian-noise', 17)), draw(corruptionRng(5, 'shot-noise', 17)));
  assert.throws(() => corruptionRng(5, 'x', -1), /sample index/);
  assert.throws(() => corruptionRng(5, 'x', 1.5), /sample index/);
});

test('no two samples 0 … 69,999 (the largest image pool) share a stream, for every corruption', () => {
  // The Rng's state starts as (a mix of the seed) XOR (a 32-bit hash of the stream name), so two
  // names give two streams under one seed exactly when their hashes differ, whatever the seed:
  // checking one seed checks them all. Compared on the first 52 bits of each stream.
  for (const c of [...IMAGE_CORRUPTIONS, ...TABULAR_CORRUPTIONS]) {
    const seen = new Set<number>();
    for (let i = 0; i < 70000; i++) {
      const r = corruptionRng(5, c.id, i);
      seen.add(r.nextU32() * 1048576 + (r.nextU32() >>> 12));
    }
    assert.equal(seen.size, 70000, c.id);
  }
});

test('logFactorial: exact sums below 256, Stirling beyond, continuous at the switch', () => {
  assert.equal(logFactorial(0), 0);
  assert.ok(Math.abs(logFactorial(5) - Math.log(120)) < 1e-14);
  let sum = 0;
  for (let k = 1; k <= 300; k++) sum += Math.log(k);
  assert.ok(Math.abs(logFactorial(300) - sum) / sum < 1e-13, `${logFactorial(300)} vs ${sum}`);
  let s255 = 0;
  for (let k = 1; k <= 256; k++) s255 += Math.log(k);
  assert.ok(Math.abs(logFactorial(256) - s255) / s255 < 1e-13);
});

function poissonPmf(lambda: number, k: number): number {
  return Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
}

test('Poisson(λ): mean, variance and the whole distribution (Kolmogorov distance) match the exact pmf on both branches', () => {
  const n = 40000;
  for (const lambda of [0.3, 2.5, 9.99, 10, 12, 37.2, 100, 500]) {
    const rng = new Rng(11, `poisson-${lambda}`);
    const counts = new Map<number, number>();
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const k = poisson(rng, lambda);
      assert.ok(Number.isInteger(k) && k >= 0);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      sum += k;
      sq += k * k;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    assert.ok(Math.abs(mean - lambda) < 5 * Math.sqrt(lambda / n), `λ = ${lambda}: mean ${mean}`);
    // The variance of the sample variance is about (2λ² + λ)/n for a Poisson.
    assert.ok(Math.abs(variance - lambda) < 5 * Math.sqrt((2 * lambda * lambda + lambda) / n), `λ = ${lambda}: variance ${variance}`);
    // Largest gap between the empirical and the exact CDF; 1.95/√n is the 0.1 % critical value.
    let emp = 0;
    let exact = 0;
    let worst = 0;
    const top = Math.ceil(lambda + 10 * Math.sqrt(lambda) + 10);
    for (let k = 0; k <= top; k++) {
      emp += (counts.get(k) ?? 0) / n;
      exact += poissonPmf(lambda, k);
      worst = Math.max(worst, Math.abs(emp - exact));
    }
    assert.ok(worst < 1.95 / Math.sqrt(n), `λ = ${lambda}: Kolmogorov distance ${worst}`);
  }
  assert.equal(poisson(new Rng(1, 'p'), 0), 0);
  assert.throws(() => poisson(new Rng(1, 'p'), -1), /λ/);
  assert.throws(() => poisson(new Rng(1, 'p'), Number.NaN), /λ/);
});

test('Poisson: a sampler 3 % off in λ is caught by the same distance (the test can fail)', () => {
  const n = 40000;
  const rng = new Rng(11, 'shifted');
  const lambda = 37.2;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = poisson(rng, lambda * 1.03);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let emp = 0;
  let exact = 0;
  let worst = 0;
  for (let k = 0; k < 120; k++) {
    emp += (counts.get(k) ?? 0) / n;
    exact += poissonPmf(lambda, k);
    worst = Math.max(worst, Math.abs(emp - exact));
  }
  assert.ok(worst > 1.95 / Math.sqrt(n), `a 3 % shift went unnoticed: ${worst}`);
});
