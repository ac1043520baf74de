import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe as spread, holm, mean, normalCdf, pairedT, pairedTest, sd, tCdf, tQuantile, wilcoxonSignedRank } from './stats.js';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);

test('t CDF matches the closed forms for 1, 2 and 3 degrees of freedom', () => {
  for (const t of [-7, -2.5, -0.3, 0, 0.8, 1.7, 4.2, 30]) {
    close(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `df=1 t=${t}`); // Cauchy
    close(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(t * t + 2)), 1e-13, `df=2 t=${t}`);
    const u = t / Math.sqrt(3);
    close(tCdf(t, 3), 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 1e-13, `df=3 t=${t}`);
  }
});

test('t quantiles match printed tables (two-sided 95 %)', () => {
  // Student-t table, upper 2.5 % points.
  close(tQuantile(0.975, 1), 12.7062047362, 1e-8, 'df 1'); // = tan(0.475 π)
  close(tQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-9, 'df 1 closed form');
  close(tQuantile(0.975, 2), 4.30265272975, 1e-8, 'df 2'); // = sqrt(2/(4·0.975·0.025) − 2)
  close(tQuantile(0.975, 4), 2.7764451052, 1e-8, 'df 4');
  close(tQuantile(0.975, 9), 2.2621571628, 1e-8, 'df 9');
  close(tQuantile(0.975, 29), 2.0452296421, 1e-8, 'df 29');
  close(tQuantile(0.025, 4), -2.7764451052, 1e-8, 'lower tail');
});

test('normal CDF matches tabulated values', () => {
  close(normalCdf(0), 0.5, 1e-15, 'Φ(0)');
  close(normalCdf(1.96), 0.9750021048517795, 1e-12, 'Φ(1.96)');
  close(normalCdf(-1), 0.15865525393145707, 1e-12, 'Φ(−1)');
  close(normalCdf(3), 0.9986501019683699, 1e-12, 'Φ(3)');
  close(normalCdf(-6), 9.865876450377e-10, 1e-18, 'Φ(−6)');
});

test('mean, sd and the 95 % interval of a small table', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // sum 40, squared deviations sum 32
  assert.equal(mean(xs), 5);
  close(sd(xs), Math.sqrt(32 / 7), 1e-15, 'sd');
  const s = spread([1, 2, 3]); // mean 2, sd 1, half-width t(0.975, 2)/√3 = 4.30265272975/1.7320508
  close(s.ciLow, 2 - 4.30265272975 / Math.sqrt(3), 1e-9, 'ci low');
  close(s.ciHigh, 2 + 4.30265272975 / Math.sqrt(3), 1e-9, 'ci high');
  assert.ok(Number.isNaN(spread([0.5]).sd) && Number.isNaN(spread([0.5]).ciLow), 'one value: no spread');
});

test('paired t-test on a hand-worked table', () => {
  // d = a − b = [2, 1, −1, 3]: mean 1.25, squared deviations 0.5625 + 0.0625 + 5.0625 + 3.0625 = 8.75,
  // sd = √(8.75/3), t = 1.25 / (sd/2) = 1.46385011; df 3, p = 2·(1 − F3(t)) with the closed form above.
  const r = pairedT([12, 15, 11, 14], [10, 14, 12, 11]);
  const t = 1.25 / (Math.sqrt(8.75 / 3) / 2);
  close(r.statistic, t, 1e-12, 't');
  close(r.statistic, 1.4638501094228, 1e-10, 't (scipy.stats.ttest_rel)');
  const u = t / Math.sqrt(3);
  const p = 2 * (1 - (0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI));
  close(r.p, p, 1e-12, 'p');
  close(r.p, 0.23944259863600298, 1e-10, 'p (scipy.stats.ttest_rel)');
  assert.equal(r.test, 't');
  // Five seeds of accuracies: scipy.stats.ttest_rel gives t = 3.13785816, p = 0.0349197067.
  const five = pairedTest([0.91, 0.88, 0.93, 0.90, 0.87], [0.89, 0.87, 0.90, 0.90, 0.85]);
  assert.equal(five.test, 't');
  close(five.statistic, 3.1378581622109443, 1e-8, 't (5 seeds)');
  close(five.p, 0.03491970667453904, 1e-9, 'p (5 seeds)');
});

test('Wilcoxon signed-rank: exact p by counting sign patterns by hand', () => {
  // |d| ranks: 0.2→1, 0.3→2, 0.4→3, 0.5→4, 0.8→5, 0.9→6, 1.1→7, 1.6→8; negatives −0.2, −0.4 → W− = 4, W+ = 32.
  // Subsets of {1…8} with sum ≤ 4: {}, {1}, {2}, {3}, {4}, {1,2}, {1,3} → 7 of 256; two-sided p = 14/256.
  const d = [0.5, -0.2, 1.1, 0.8, 1.6, 0.3, -0.4, 0.9];
  const r = wilcoxonSignedRank(d, d.map(() => 0));
  assert.equal(r.statistic, 32);
  close(r.p, 14 / 256, 1e-15, 'p');
  // Six seeds all better: only the all-positive and all-negative patterns are as extreme, p = 2/64.
  const six = pairedTest([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]);
  assert.equal(six.test, 'wilcoxon');
  close(six.p, 2 / 64, 1e-15, 'p six');
  // Ties: |d| = 1, 1, 2 → ranks 1.5, 1.5, 3; signs (+, −, +) → W+ = 4.5. Of the 8 patterns W+ ∈
  // {0, 1.5, 1.5, 3, 3, 4.5, 4.5, 6}: P(W+ ≥ 4.5) = 3/8, two-sided p = 6/8.
  const tied = wilcoxonSignedRank([1, -1, 2], [0, 0, 0]);
  assert.equal(tied.statistic, 4.5);
  close(tied.p, 6 / 8, 1e-15, 'p tied');
  // Zero differences are dropped.
  assert.equal(wilcoxonSignedRank([1, 1], [1, 1]).p, 1);
});

test('Holm step-down adjustment', () => {
  // Sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → raised to 0.06.
  const adj = holm([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((e, i) => close(adj[i], e, 1e-15, `p${i}`));
  const withNaN = holm([0.02, NaN, 0.5]);
  close(withNaN[0], 0.04, 1e-15, 'm counts tested ones only');
  assert.ok(Number.isNaN(withNaN[1]));
  close(withNaN[2], 0.5, 1e-15, 'last');
  assert.equal(holm([0.6, 0.7])[1], 1, 'capped at 1');
});
