// Verdicts on synthetic paired data whose truth is known (issue 10, point 4): per-seed
// differences drawn from N(effect · σ, σ²) with a fixed-seed generator, judged in families by
// the same functions the reports use. No training; the whole file runs in about a second.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { judgeFamily, pairedEffect, seedsNeeded, type Judgement } from './verdicts.js';

const SIGMA = 0.01;

/** A family of `size` comparisons at `n` seeds, each with differences N(effect·σ, σ²); accuracy-like (higher is better). */
function simulateFamily(rng: Rng, size: number, n: number, effect: number, check = false): Judgement[] {
  const effects = Array.from({ length: size }, () => {
    const base = Array.from({ length: n }, () => 0.8 + 0.02 * rng.normal());
    const method = base.map((b) => b + SIGMA * (effect + rng.normal()));
    return pairedEffect(method, base, base.map(() => true), true, check);
  });
  return judgeFamily('synthetic', effects);
}

test('(a) a strong, consistent effect (mean 3 sd) is "better" at every N from 5 to 20 in a family of 12', () => {
  const rng = new Rng(1, 'strong');
  for (let n = 5; n <= 20; n++) {
    const js = simulateFamily(rng, 12, n, 3, true);
    const notBetter = js.filter((j) => j.verdict !== 'better');
    assert.equal(notBetter.length, 0, `N = ${n}: ${notBetter.map((j) => j.verdict).join(', ')}`);
  }
});

test('(b) a moderate effect (mean 1 sd): the share of "better" never falls as N grows and exceeds 80 % by N = 12', () => {
  // Every comparison carries the effect, in families of 12 as in (a). The true share at N = 12 is
  // about 0.87, so 200 comparisons (standard error ≈ 0.025, more as verdicts within a family
  // move together) would sit too near the 80 % line; 50 families = 600 comparisons per N.
  const rng = new Rng(2, 'moderate');
  const share: number[] = [];
  for (let n = 5; n <= 20; n++) {
    let better = 0;
    for (let f = 0; f < 50; f++) better += simulateFamily(rng, 12, n, 1).filter((j) => j.verdict === 'better').length;
    share.push(better / 600);
  }
  // "Never falls beyond simulation noise": a share near 0.5 over 600 has a standard error of
  // 0.02; a fall of more than 0.06 below the best share so far fails.
  for (let k = 1; k < share.length; k++) {
    assert.ok(share[k] >= Math.max(...share.slice(0, k)) - 0.06, `share fell at N = ${k + 5}: ${share.map((s) => s.toFixed(2)).join(' ')}`);
  }
  assert.ok(share[12 - 5] > 0.8, `N = 12: ${share[12 - 5]}`);
  assert.ok(share[0] < 0.5 && share[share.length - 1] > 0.95, `more seeds find more: ${share.map((s) => s.toFixed(2)).join(' ')}`);
});

test('(c) under no effect, families with a false "better" or "worse" stay at the 5 % level (≤ 13 of 200: 10 plus one binomial standard error)', () => {
  // 200 families of 12 at each of N = 5, 10, 20. Benjamini–Hochberg controls the chance of any
  // false verdict in an all-null family at α = 5 %, so the count over 200 families is
  // Binomial(200, ≤ 0.05): at most 10 expected; the test allows the 5 % + one standard error (≈ 13).
  for (const n of [5, 10, 20]) {
    const rng = new Rng(3 + n, 'null');
    let falseFamilies = 0;
    for (let f = 0; f < 200; f++) if (simulateFamily(rng, 12, n, 0).some((j) => j.verdict === 'better' || j.verdict === 'worse')) falseFamilies++;
    assert.ok(falseFamilies <= 13, `N = ${n}: ${falseFamilies} of 200 families with a false verdict`);
  }
});

test('(d) six seeds that all win by a wide margin get their effect, CI and a verdict, never "no difference"', () => {
  // sgd MSE 0.0300 … 0.0310, the method 0.0150 … 0.0165: wins on all six seeds.
  const sgd = [0.030, 0.0302, 0.0305, 0.0301, 0.0308, 0.031];
  const dwm = [0.015, 0.0152, 0.0165, 0.0155, 0.016, 0.0151];
  const e = pairedEffect(dwm, sgd, sgd.map(() => true), false);
  assert.equal(e.wins, 6);
  assert.ok(e.ciHigh < 0 && e.ciLow < e.meanDiff && e.meanDiff < e.ciHigh, 'CI below zero around the mean');
  // In a family of 54 where the other 53 comparisons show nothing (differences ±σ around 0).
  const rng = new Rng(4, 'noise');
  const others = Array.from({ length: 53 }, () => {
    const b = Array.from({ length: 6 }, () => 0.03 + 0.001 * rng.normal());
    return pairedEffect(b.map((x) => x + 0.001 * rng.normal()), b, b.map(() => true), false);
  });
  const [j] = judgeFamily('california-housing clean', [e, ...others]);
  assert.equal(j.verdict, 'better');
  // The sign-flip check cannot get below 2/2⁶ = 0.03125, above the family's level 0.05/54.
  assert.ok(j.notes.some((s) => /^sign-flip check: too few seeds: with N = 6 the smallest attainable p is 0\.03125 > the corrected level 9\.259e-4; need ≥ 12 seeds$/.test(s)), j.notes.join(' | '));
  assert.ok(j.notes.some((s) => /disagree/.test(s)));
});

test('one seed is "too few seeds"; pairs lost to divergence make a comparison "inconclusive"', () => {
  const one = judgeFamily('f', [pairedEffect([0.9], [0.8], [true], true)])[0];
  assert.equal(one.verdict, 'too few seeds');
  assert.match(one.notes[0], /with N = 1 the smallest attainable p is 1 > the corrected level 0\.05; need ≥ 2 seeds/);
  const lost = pairedEffect([0.9, NaN, 0.7], [0.8, 0.8, 0.8], [true, true, false], true);
  assert.equal(lost.n, 1);
  assert.equal(lost.excluded, 2);
  const j = judgeFamily('f', [lost])[0];
  assert.equal(j.verdict, 'inconclusive');
  assert.match(j.notes.join(' '), /2 of 3 seeds left out: diverged/);
});

test('seeds needed for the sign-flip check to reach a level: smallest N with 2/2^N ≤ level', () => {
  assert.equal(seedsNeeded(0.05), 6); // 2/32 = 0.0625 > 0.05 ≥ 2/64
  assert.equal(seedsNeeded(0.05 / 54), 12); // 2/2048 = 9.8e-4 > 9.26e-4 ≥ 2/4096
  assert.equal(seedsNeeded(0.0625), 5);
});
