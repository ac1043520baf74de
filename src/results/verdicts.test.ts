// Verdicts on synthetic paired data whose truth is known (issue 10, point 4): per-seed
// differences drawn from N(effect · σ, σ²) with a fixed-seed generator, judged in families by
// the same functions the reports use. No training; the whole file runs in about a second.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { judgeFamily, MIN_T_PAIRS, pairedEffect, verdictText, type Judgement } from './verdicts.js';

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

test('(d) six seeds that all win by a wide margin get their effect, CI and a verdict, never "not significant"', () => {
  // sgd MSE 0.0300 … 0.0310, the method 0.0150 … 0.0165: wins on all six seeds.
  const sgd = [0.030, 0.0302, 0.0305, 0.0301, 0.0308, 0.031];
  const dwm = [0.015, 0.0152, 0.0165, 0.0155, 0.016, 0.0151];
  const e = pairedEffect(dwm, sgd, sgd.map(() => true), false);
  assert.equal(e.wins, 6);
  assert.ok(e.ciHigh < 0 && e.ciLow < e.meanDiff && e.meanDiff < e.ciHigh, 'CI below zero around the mean');
  assert.ok(e.gain > 0.45 && e.relChange < -0.45, 'a lower MSE is a positive gain');
  // In a family of 54 where the other 53 comparisons show nothing (differences ±σ around 0).
  const rng = new Rng(4, 'noise');
  const others = Array.from({ length: 53 }, () => {
    const b = Array.from({ length: 6 }, () => 0.03 + 0.001 * rng.normal());
    return pairedEffect(b.map((x) => x + 0.001 * rng.normal()), b, b.map(() => true), false);
  });
  const [j] = judgeFamily('california-housing clean', [e, ...others]);
  assert.equal(j.verdict, 'better');
  // The sign-flip check cannot get below 2/2⁶ = 0.03125, above the family's level 0.05/54: said as its resolution.
  assert.ok(j.notes.some((s) => /^sign-flip check: cannot confirm at N = 6: its smallest attainable p is 0\.03125, above the corrected level 9\.259e-4 \(its resolution, not the t-test's power\)$/.test(s)), j.notes.join(' | '));
  assert.ok(j.notes.some((s) => /disagree/.test(s)));
});

test('below MIN_T_PAIRS usable pairs no t-verdict: "too few seeds", or "inconclusive" when divergence removed the pairs', () => {
  assert.equal(MIN_T_PAIRS, 5);
  const one = judgeFamily('f', [pairedEffect([0.9], [0.8], [true], true)])[0];
  assert.equal(one.verdict, 'too few seeds');
  // Four seeds that all win by far: a t-test would call it, dwgd does not (N < 5), and says why.
  const four = judgeFamily('f', [pairedEffect([0.9, 0.91, 0.92, 0.9], [0.8, 0.8, 0.81, 0.8], [true, true, true, true], true)])[0];
  assert.equal(four.verdict, 'too few seeds');
  assert.match(four.notes.join(' '), /4 usable pairs; dwgd gives a t-test verdict from 5 on/);
  assert.ok(Number.isNaN(four.pAdjusted));
  const lost = pairedEffect([0.9, NaN, 0.7, 0.9, 0.9, 0.9], [0.8, 0.8, 0.8, 0.8, 0.8, 0.8], [true, true, false, true, true, true], true);
  assert.equal(lost.n, 4);
  assert.equal(lost.excluded, 2);
  const j = judgeFamily('f', [lost])[0];
  assert.equal(j.verdict, 'inconclusive');
  assert.match(j.notes.join(' '), /2 of 6 seeds left out: diverged/);
});

test('equivalence: a small, well-measured difference inside the margin is "equivalent"; a noisy one is "not significant"', () => {
  const margin = { kind: 'absolute' as const, value: 0.01 };
  // Ten seeds, Δ = ±0.001 around 0.0005: the 90 % CI lies well inside ±0.01.
  const base = [0.8, 0.81, 0.79, 0.8, 0.82, 0.8, 0.81, 0.79, 0.8, 0.8];
  const tight = pairedEffect(base.map((b, i) => b + 0.0005 + (i % 2 ? 0.001 : -0.001)), base, base.map(() => true), true, true, margin);
  // Same mean Δ, spread ±0.03: the CI reaches beyond ±0.01.
  const loose = pairedEffect(base.map((b, i) => b + 0.0005 + (i % 2 ? 0.03 : -0.03)), base, base.map(() => true), true, true, margin);
  const [a, b] = judgeFamily('f', [tight, loose]);
  assert.equal(a.verdict, 'equivalent');
  assert.equal(b.verdict, 'not significant');
  assert.ok(a.pTostAdjusted <= 0.05 && b.pTostAdjusted > 0.05);
  assert.equal(verdictText(a.verdict, tight.margin, 'accuracy'), 'equivalent (±1.00 pts)');
  // MSE margins are relative to the baseline's mean: 5 % of 0.02 = 0.001.
  const mse = pairedEffect([0.0201, 0.0199, 0.02], [0.02, 0.02, 0.02], [true, true, true], false, true, { kind: 'relative', value: 0.05 });
  assert.ok(Math.abs(mse.margin - 0.001) < 1e-15);
});

test('--correction: Holm and Benjamini–Yekutieli are never more lenient than Benjamini–Hochberg on the same family', () => {
  const rng = new Rng(7, 'corrections');
  for (let f = 0; f < 20; f++) {
    const effects = Array.from({ length: 10 }, (_, k) => {
      const base = Array.from({ length: 8 }, () => 0.8 + 0.02 * rng.normal());
      return pairedEffect(base.map((b) => b + 0.01 * ((k % 3) * 0.6 + rng.normal())), base, base.map(() => true), true, false);
    });
    const bh = judgeFamily('f', effects, { correction: 'bh' });
    for (const c of ['by', 'holm'] as const) {
      const other = judgeFamily('f', effects, { correction: c });
      other.forEach((j, i) => {
        assert.equal(j.correction, c);
        if (j.verdict === 'better' || j.verdict === 'worse') assert.equal(bh[i].verdict, j.verdict, `family ${f} #${i}: ${c} finds what BH does not`);
      });
    }
  }
});
