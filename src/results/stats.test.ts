import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { adjustP, benjaminiHochberg, bhCutoff, correctionCutoff, describe as spread, harmonic, mean, median, pairedT, sd, seedsForEquivalence, seedsForPower, signFlip, signFlipMinP, tCdf, tost, tQuantile } from './stats.js';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);

test('t CDF matches the closed forms for 1, 2 and 3 degrees of freedom', () => {
  for (const t of [-30, -7, -2.5, -0.3, 0, 0.8, 1.7, 4.2, 30]) {
    close(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-14, `df=1 t=${t}`); // Cauchy
    close(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(t * t + 2)), 1e-14, `df=2 t=${t}`);
    const u = t / Math.sqrt(3);
    close(tCdf(t, 3), 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 1e-14, `df=3 t=${t}`);
  }
  // Far tail, relative: F(−1000) for df 1 = atan⁻¹ form ≈ 1/(1000π).
  const tail = 0.5 + Math.atan(-1000) / Math.PI;
  assert.ok(Math.abs(tCdf(-1000, 1) - tail) / tail < 1e-9, 'df=1 far tail, relative');
});

test('t quantiles match closed forms (df 1, 2, 4) and scipy.stats.t.ppf', () => {
  for (const p of [0.6, 0.9, 0.975, 0.995, 0.025]) {
    close(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-10 * Math.max(1, Math.abs(Math.tan(Math.PI * (p - 0.5)))), `df 1 p ${p}`);
    close(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, `df 2 p ${p}`);
    const a = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a);
    close(tQuantile(p, 4), Math.sign(p - 0.5) * 2 * Math.sqrt(q - 1), 1e-12, `df 4 p ${p}`);
  }
  // scipy.stats.t.ppf(0.975, df) for df = 4, 9, 29 (scipy 1.17; mpmath at 40 digits agrees).
  close(tQuantile(0.975, 4), 2.7764451051977934, 1e-13, 'df 4');
  close(tQuantile(0.975, 9), 2.262157162798205, 1e-13, 'df 9');
  close(tQuantile(0.975, 29), 2.045229642132703, 1e-13, 'df 29');
});

test('mean, sd and the 95 % interval of a small table', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // sum 40, squared deviations sum 32
  assert.equal(mean(xs), 5);
  close(sd(xs), Math.sqrt(32 / 7), 1e-15, 'sd');
  const s = spread([1, 2, 3]); // mean 2, sd 1, half-width t(0.975, 2)/√3 = √(2/(4·0.975·0.025) − 2)/√3
  const t2 = Math.sqrt(2 / (4 * 0.975 * 0.025) - 2);
  close(s.ciLow, 2 - t2 / Math.sqrt(3), 1e-12, 'ci low');
  close(s.ciHigh, 2 + t2 / Math.sqrt(3), 1e-12, 'ci high');
  assert.ok(Number.isNaN(spread([0.5]).sd) && Number.isNaN(spread([0.5]).ciLow), 'one value: no spread');
});

test('paired t-test on hand-worked differences and scipy.stats.ttest_rel', () => {
  // d = [2, 1, −1, 3]: mean 1.25, squared deviations 8.75, sd = √(8.75/3), t = 1.25/(sd/2); df 3 closed form.
  const r = pairedT([2, 1, -1, 3]);
  const t = 1.25 / (Math.sqrt(8.75 / 3) / 2);
  close(r.t, t, 1e-12, 't');
  const u = t / Math.sqrt(3);
  close(r.p, 2 * (1 - (0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI)), 1e-13, 'p');
  close(r.p, 0.23944259863600298, 1e-12, 'p (scipy.stats.ttest_rel)');
  // Five accuracies: scipy.stats.ttest_rel gives t = 3.1378581622109443, p = 0.03491970667453904.
  const a = [0.91, 0.88, 0.93, 0.90, 0.87], b = [0.89, 0.87, 0.90, 0.90, 0.85];
  const five = pairedT(a.map((x, i) => x - b[i]));
  close(five.t, 3.1378581622109443, 1e-8, 't (5 seeds)');
  close(five.p, 0.03491970667453904, 1e-9, 'p (5 seeds)');
  // Identical non-zero differences: no spread, as far from 0 as can be; all zero: p = 1.
  assert.equal(pairedT([0.5, 0.5, 0.5]).p, 0);
  assert.equal(pairedT([0, 0, 0]).p, 1);
  assert.ok(Number.isNaN(pairedT([0.3]).p), 'one difference: no test');
});

test('sign-flip test: exact p by listing sign patterns by hand', () => {
  // d = [1, 2, 3]: the 8 sums ±1±2±3 are 6, 4, 2, 0, 0, −2, −4, −6; |S| ≥ 6 in 2 → p = 2/8.
  close(signFlip([1, 2, 3]).p, 2 / 8, 1e-15, '[1,2,3]');
  // d = [3, −1, 2, 0.5]: Σ = 4.5; of the 16 sums ±3±1±2±0.5, six have |S| ≥ 4.5 (±6.5, ±5.5, ±4.5).
  const r = signFlip([3, -1, 2, 0.5]);
  close(r.p, 6 / 16, 1e-15, 'four differences');
  assert.equal(r.exact, true);
  // Six all-positive differences: only the all-plus and all-minus patterns reach: 2/64.
  close(signFlip([1, 2, 3, 4, 5, 6]).p, 2 / 64, 1e-15, 'six wins');
  close(signFlipMinP(6), 2 / 64, 0, 'resolution at N = 6');
  assert.equal(signFlip([0, 0, 0]).p, 1);
});

test('sign-flip test beyond 16 differences: Monte-Carlo p within its error of a brute-force count', () => {
  // 17 differences: count all 131,072 patterns here, independently of the module.
  const d = [0.4, -0.1, 0.3, 0.2, -0.25, 0.5, 0.05, 0.15, -0.3, 0.35, 0.1, 0.2, -0.05, 0.45, 0.25, -0.15, 0.3];
  const obs = Math.abs(d.reduce((s, x) => s + x, 0));
  let hits = 0;
  for (let mask = 0; mask < 2 ** 17; mask++) {
    let s = 0;
    for (let i = 0; i < 17; i++) s += mask & (1 << i) ? -d[i] : d[i];
    if (Math.abs(s) >= obs - 1e-12) hits++;
  }
  const exact = hits / 2 ** 17;
  const r = signFlip(d);
  assert.equal(r.exact, false);
  const se = Math.sqrt((exact * (1 - exact)) / 65535);
  close(r.p, exact, 4 * se + 1 / 65536, 'Monte-Carlo p');
  assert.equal(signFlip(d).p, r.p, 'fixed seed: the same p every time');
  close(signFlipMinP(17), 1 / 65536, 0, 'Monte-Carlo resolution');
});

test('Benjamini–Hochberg adjustment and cutoff, worked by hand', () => {
  // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): p·m/k = 0.02, 0.02, 0.04, 0.04; running minimum from the top.
  const adj = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
  [0.02, 0.04, 0.04, 0.02].forEach((e, i) => close(adj[i], e, 1e-15, `p${i}`));
  close(bhCutoff([0.01, 0.04, 0.03, 0.005], 0.05), 0.05, 1e-15, 'all four discovered: cutoff α·4/4');
  // [0.01, 0.02, 0.5]: 0.01 ≤ 0.05/3, 0.02 ≤ 0.1/3, 0.5 > 0.05 → two discoveries, cutoff 0.1/3.
  close(bhCutoff([0.01, 0.02, 0.5], 0.05), 0.1 / 3, 1e-15, 'two of three');
  close(bhCutoff([0.2, 0.5], 0.05), 0.025, 1e-15, 'none: the level a first discovery needs, α/m');
  const withNaN = benjaminiHochberg([0.02, NaN, 0.5]);
  close(withNaN[0], 0.04, 1e-15, 'm counts tested ones only');
  assert.ok(Number.isNaN(withNaN[1]));
  close(withNaN[2], 0.5, 1e-15, 'last');
  assert.equal(benjaminiHochberg([0.6, 0.9])[1], 0.9);
});

test('Holm and Benjamini–Yekutieli on a hand-worked family of four', () => {
  const ps = [0.01, 0.04, 0.03, 0.005];
  // Holm: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running max 0.02, 0.03, 0.06, 0.06.
  assert.deepEqual(adjustP(ps, 'holm'), [0.03, 0.06, 0.06, 0.02]);
  // BH: 0.005·4/1, 0.01·4/2, 0.03·4/3, 0.04·4/4 = 0.02, 0.02, 0.04, 0.04 (running min from the top);
  // BY multiplies by 1 + 1/2 + 1/3 + 1/4 = 25/12.
  close(harmonic(4), 25 / 12, 1e-15, 'Σ1/i');
  const by = adjustP(ps, 'by');
  [0.02, 0.04, 0.04, 0.02].forEach((bh, i) => close(by[i], (bh * 25) / 12, 1e-15, `BY ${i}`));
  assert.deepEqual(adjustP(ps, 'bh'), benjaminiHochberg(ps));
  // Holm rejects 0.005 (≤ 0.05/4) and 0.01 (≤ 0.05/3), keeps 0.03 (> 0.05/2): the cutoff is 0.025.
  close(correctionCutoff(ps, 0.05, 'holm'), 0.025, 1e-15, 'Holm cutoff');
  close(correctionCutoff([0.001, 0.002], 0.05, 'holm'), 0.05, 1e-15, 'Holm, all rejected');
  // BY: BH at α' = 0.05·12/25 = 0.024: 0.005 ≤ 0.024·1/4, 0.01 ≤ 0.024·2/4, 0.03 > 0.024·3/4, 0.04 > 0.024: k = 2.
  close(correctionCutoff(ps, 0.05, 'by'), (0.05 * 12 / 25) * 2 / 4, 1e-15, 'BY cutoff');
  // Every correction: NaN (untested) stays NaN and does not count.
  for (const c of ['bh', 'by', 'holm'] as const) {
    const r = adjustP([0.02, NaN, 0.5], c);
    assert.ok(Number.isNaN(r[1]), c);
    assert.deepEqual(r.filter((x) => !Number.isNaN(x)), adjustP([0.02, 0.5], c), c);
  }
  // Holm is never more lenient than BH, BY never more lenient than BH.
  const rng = new Rng(9, 'corrections');
  for (let f = 0; f < 50; f++) {
    const p = Array.from({ length: 12 }, () => rng.uniform() ** 3);
    const bh = adjustP(p, 'bh'), holm = adjustP(p, 'holm'), byp = adjustP(p, 'by');
    p.forEach((_, i) => assert.ok(holm[i] >= bh[i] - 1e-15 && byp[i] >= bh[i] - 1e-15, `family ${f}`));
  }
});

test('TOST on hand-worked differences (df 2 closed form) and its duality with the 90 % interval', () => {
  // d = [1, 2, 3]: mean 2, sd 1, se 1/√3. Margin 3: t₁ = 5√3, t₂ = −√3; df 2: F(t) = ½ + t/(2√(t² + 2)).
  const F2 = (t: number) => 0.5 + t / (2 * Math.sqrt(t * t + 2));
  const r = tost([1, 2, 3], 3);
  close(r.p, Math.max(1 - F2(5 * Math.sqrt(3)), F2(-Math.sqrt(3))), 1e-13, 'p');
  // Equivalent at α exactly when the (1 − 2α) CI lies inside (−m, m): mean ± t(0.95, 2)/√3 vs the margin.
  const half = tQuantile(0.95, 2) / Math.sqrt(3);
  for (const m of [2 + half - 1e-6, 2 + half + 1e-6]) assert.equal(tost([1, 2, 3], m).p <= 0.05, 2 + half < m, `margin ${m}`);
  assert.ok(Number.isNaN(tost([1], 1).p), 'one difference: untestable');
  assert.equal(tost([0.2, 0.2], 1).p, 0, 'no spread, inside the margin');
  assert.equal(tost([2, 2], 1).p, 1, 'no spread, outside the margin');
});

test('seeds for 80 % power: the published sample sizes of the paired t-test, and a simulation', () => {
  // G*Power (paired t-test, two-sided α = 0.05, power 0.8): dz = 0.2 → 199, 0.5 → 34, 1 → 10.
  assert.equal(seedsForPower(0.2, 1, 0.05, 0.8), 199);
  assert.equal(seedsForPower(0.5, 1, 0.05, 0.8), 34);
  assert.equal(seedsForPower(-1, 1, 0.05, 0.8), 10);
  assert.equal(seedsForPower(0, 1, 0.05, 0.8), null);
  // Simulation at dz = 0.8: the paired t-test rejects in ≥ 78 % of 3,000 draws at the planned N and
  // in < 82 % one seed fewer (the plan is the smallest N that reaches 80 %).
  const n = seedsForPower(0.8, 1, 0.05, 0.8)!;
  const rng = new Rng(11, 'power');
  const rate = (k: number) => {
    let hits = 0;
    for (let i = 0; i < 3000; i++) if (pairedT(Array.from({ length: k }, () => 0.8 + rng.normal())).p <= 0.05) hits++;
    return hits / 3000;
  };
  const at = rate(n), below = rate(n - 1);
  assert.ok(at >= 0.78, `N = ${n}: ${at}`);
  assert.ok(below < 0.82, `N = ${n - 1}: ${below}`);
  // Equivalence within ±0.75 sd when the truth is 0: TOST at 0.05 shows it in ≥ 78 % of draws at the planned N.
  const q = seedsForEquivalence(0.75, 1, 0.05, 0.8)!;
  let eq = 0;
  for (let i = 0; i < 3000; i++) if (tost(Array.from({ length: q }, () => rng.normal()), 0.75).p <= 0.05) eq++;
  assert.ok(eq / 3000 >= 0.78, `TOST N = ${q}: ${eq / 3000}`);
});

test('median: the middle value, the mean of the two middle ones for an even count', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
