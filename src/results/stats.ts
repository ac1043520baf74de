// Statistics for comparing methods across seeds (docs/METHOD.md §10): mean, sample sd, Student-t
// intervals, the paired t-test on per-seed differences, the exact sign-flip permutation test
// on their mean, and the Benjamini–Hochberg adjustment. Student's t comes from t-dist.ts (the
// incomplete beta by continued fraction; t-dist.test.ts checks it against 40-digit values).

import { Rng } from '../core/rng.js';
import { studentTCdf, studentTQuantile } from './t-dist.js';

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** Student-t CDF with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  return studentTCdf(t, df);
}

/** The p-quantile of Student's t with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return studentTQuantile(p, df);
}

export interface Spread {
  n: number;
  mean: number;
  sd: number;
  /** 95 % confidence interval of the mean: mean ± t(0.975, n − 1) · sd / √n; NaN for n < 2. */
  ciLow: number;
  ciHigh: number;
}

export function describe(xs: readonly number[], level = 0.95): Spread {
  const n = xs.length;
  const m = mean(xs);
  const s = sd(xs);
  const half = n >= 2 ? tQuantile(1 - (1 - level) / 2, n - 1) * (s / Math.sqrt(n)) : NaN;
  return { n, mean: m, sd: s, ciLow: m - half, ciHigh: m + half };
}

export interface TTest {
  n: number;
  t: number;
  /** Two-sided p-value; NaN for fewer than two differences. */
  p: number;
}

/** One-sample t-test of the differences against 0 (= the paired t-test), two-sided. */
export function pairedT(d: readonly number[]): TTest {
  const n = d.length;
  if (n < 2) return { n, t: NaN, p: NaN };
  const m = mean(d);
  const s = sd(d);
  // Identical differences: no spread, so any non-zero mean is as far from 0 as can be.
  if (s === 0) return { n, t: m === 0 ? 0 : m > 0 ? Infinity : -Infinity, p: m === 0 ? 1 : 0 };
  const t = m / (s / Math.sqrt(n));
  return { n, t, p: Math.min(1, 2 * tCdf(-Math.abs(t), n - 1)) };
}

/** Up to this many differences every sign pattern (2^n) is counted; beyond, a Monte-Carlo sample. */
export const SIGN_FLIP_EXACT_MAX = 16;
/** Monte-Carlo draws beyond SIGN_FLIP_EXACT_MAX: p = (1 + hits) / (1 + draws), resolution 1/65,536. */
export const SIGN_FLIP_DRAWS = 65535;
const SIGN_FLIP_SEED = 20250314;

export interface SignFlip {
  n: number;
  /** Two-sided p-value: share of sign patterns whose |sum| reaches the observed |sum|. */
  p: number;
  exact: boolean;
  /** The smallest p this test can give with n differences (its resolution). */
  minP: number;
}

/** The smallest p the sign-flip test can give with n differences: 2/2^n, or 1/(draws + 1) by Monte Carlo. */
export function signFlipMinP(n: number): number {
  if (n < 1) return 1;
  return n <= SIGN_FLIP_EXACT_MAX ? Math.min(1, 2 / 2 ** n) : 1 / (SIGN_FLIP_DRAWS + 1);
}

/**
 * Sign-flip permutation test of the mean difference (two-sided). Under "no difference" each
 * seed's difference is as likely to have either sign, so the observed |Σd| is ranked among
 * the |Σ±d| of all 2^n sign patterns: counted exactly (two halves enumerated, then matched by
 * binary search) up to SIGN_FLIP_EXACT_MAX, else sampled with a fixed seed.
 */
export function signFlip(d: readonly number[]): SignFlip {
  const n = d.length;
  const exact = n <= SIGN_FLIP_EXACT_MAX;
  const minP = signFlipMinP(n);
  const abs = d.map(Math.abs);
  const total = abs.reduce((s, x) => s + x, 0);
  const observed = Math.abs(d.reduce((s, x) => s + x, 0));
  if (n === 0 || observed === 0) return { n, p: 1, exact, minP };
  // Sums equal in exact arithmetic may differ in the last bits; count those as reaching.
  const threshold = observed - 1e-12 * total;
  if (exact) {
    const h = n >> 1;
    const left = subsetSums(abs.slice(0, h));
    const right = subsetSums(abs.slice(h)).sort();
    let hits = 0;
    for (const a of left) hits += countAtLeast(right, threshold - a) + countAtMost(right, -threshold - a);
    return { n, p: Math.min(1, hits / 2 ** n), exact, minP };
  }
  const rng = new Rng(SIGN_FLIP_SEED, 'sign-flip');
  let hits = 0;
  for (let b = 0; b < SIGN_FLIP_DRAWS; b++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextU32();
      s += (bits >>> (i & 31)) & 1 ? abs[i] : -abs[i];
    }
    if (Math.abs(s) >= threshold) hits++;
  }
  return { n, p: (1 + hits) / (1 + SIGN_FLIP_DRAWS), exact, minP };
}

/** Every ±x₁ ± x₂ … sum, 2^k of them. */
function subsetSums(xs: readonly number[]): Float64Array {
  let sums = new Float64Array([0]);
  for (const x of xs) {
    const next = new Float64Array(sums.length * 2);
    for (let i = 0; i < sums.length; i++) {
      next[2 * i] = sums[i] + x;
      next[2 * i + 1] = sums[i] - x;
    }
    sums = next;
  }
  return sums;
}

/** How many of the sorted values are ≥ v. */
function countAtLeast(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/** How many of the sorted values are ≤ v. */
function countAtMost(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Benjamini–Hochberg adjusted p-values: the i-th smallest of m becomes min over j ≥ i of
 * p₍ⱼ₎·m/j, capped at 1. NaN p-values (untested) stay NaN and do not count towards m.
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const idx = ps.map((p, i) => ({ p, i })).filter((e) => !Number.isNaN(e.p)).sort((u, v) => u.p - v.p || u.i - v.i);
  const m = idx.length;
  const out = ps.map(() => NaN);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    running = Math.min(running, (idx[k].p * m) / (k + 1));
    out[idx[k].i] = running;
  }
  return out;
}

/**
 * The level Benjamini–Hochberg held this family to: α·k/m with k the number of discoveries, or
 * α/m (what a first discovery needs) when there are none. Every p at or below it is significant.
 */
export function bhCutoff(ps: readonly number[], alpha: number): number {
  const sorted = ps.filter((p) => !Number.isNaN(p)).sort((a, b) => a - b);
  const m = sorted.length;
  if (m === 0) return alpha;
  let k = 0;
  for (let i = 0; i < m; i++) if (sorted[i] <= (alpha * (i + 1)) / m) k = i + 1;
  return (alpha * Math.max(k, 1)) / m;
}

/** How the p-values of one family are corrected (docs/METHOD.md §10). */
export const CORRECTIONS = ['bh', 'by', 'holm'] as const;
export type Correction = (typeof CORRECTIONS)[number];

export const CORRECTION_NAMES: Record<Correction, string> = {
  bh: 'Benjamini–Hochberg',
  by: 'Benjamini–Yekutieli',
  holm: 'Holm',
};

/** Σ_{i=1..m} 1/i: Benjamini–Yekutieli's factor, which makes the step-up valid under any dependence. */
export function harmonic(m: number): number {
  let s = 0;
  for (let i = m; i >= 1; i--) s += 1 / i;
  return s;
}

/** The untested (NaN) entries left out, the rest sorted ascending by p (ties by position). */
function ranked(ps: readonly number[]): { p: number; i: number }[] {
  return ps.map((p, i) => ({ p, i })).filter((e) => !Number.isNaN(e.p)).sort((u, v) => u.p - v.p || u.i - v.i);
}

/**
 * Adjusted p-values of one family. `bh`: Benjamini–Hochberg (benjaminiHochberg). `by`:
 * Benjamini–Yekutieli, BH's adjusted values times Σ1/i over the m tests, capped at 1. `holm`:
 * the i-th smallest of m becomes max over j ≤ i of p₍ⱼ₎·(m − j + 1), capped at 1. NaN stays NaN.
 */
export function adjustP(ps: readonly number[], correction: Correction): number[] {
  if (correction === 'bh') return benjaminiHochberg(ps);
  const idx = ranked(ps);
  const m = idx.length;
  if (correction === 'by') {
    const c = harmonic(m);
    return benjaminiHochberg(ps).map((p) => (Number.isNaN(p) ? p : Math.min(1, p * c)));
  }
  const out = ps.map(() => NaN);
  let running = 0;
  idx.forEach((e, k) => {
    running = Math.max(running, Math.min(1, e.p * (m - k)));
    out[e.i] = running;
  });
  return out;
}

/**
 * The level the correction held this family to: every p at or below it is significant, and a
 * p above it is not. BH: α·k/m with k discoveries, or α/m when there are none; BY: the same
 * divided by Σ1/i; Holm: α/(m − k) with k rejections, the level the first p it kept had to meet
 * (every rejected p is at or below α/(m − k + 1)), or α when it rejected all.
 */
export function correctionCutoff(ps: readonly number[], alpha: number, correction: Correction): number {
  if (correction === 'bh') return bhCutoff(ps, alpha);
  const sorted = ranked(ps).map((e) => e.p);
  const m = sorted.length;
  if (m === 0) return alpha;
  if (correction === 'by') return bhCutoff(ps, alpha / harmonic(m));
  let k = 0;
  while (k < m && sorted[k] <= alpha / (m - k)) k++;
  return k === m ? alpha / Math.max(1, m - k + 1) : alpha / (m - k);
}

export interface Tost {
  /** The margin m: equivalence means the true mean difference lies in (−m, m). */
  margin: number;
  /** max of the two one-sided p-values (H₀: μ ≤ −m; H₀: μ ≥ m); NaN below two differences. */
  p: number;
}

/**
 * Two one-sided t-tests (TOST) of equivalence within ±margin on paired differences: with
 * se = sd/√n and df = n − 1, p₁ = P(T ≥ (d̄ + m)/se), p₂ = P(T ≤ (d̄ − m)/se), p = max(p₁, p₂).
 * Rejecting at α is the same as the (1 − 2α) interval of the mean lying inside (−m, m).
 */
export function tost(d: readonly number[], margin: number): Tost {
  const n = d.length;
  if (n < 2 || !(margin > 0)) return { margin, p: NaN };
  const m = mean(d);
  const s = sd(d);
  if (s === 0) return { margin, p: Math.abs(m) < margin ? 0 : 1 };
  const se = s / Math.sqrt(n);
  const p1 = 1 - tCdf((m + margin) / se, n - 1);
  const p2 = tCdf((m - margin) / se, n - 1);
  return { margin, p: Math.min(1, Math.max(p1, p2)) };
}

/**
 * The number of paired seeds a two-sided paired t-test at `level` needs for `power` against a
 * true mean difference `effect` with per-seed spread `sdDiff`, by the usual normal-theory
 * approximation with central t quantiles: the smallest n ≥ 2 with
 * |effect|·√n / sd ≥ t(1 − level/2, n − 1) + t(power, n − 1). null when none up to `max` does
 * (or the effect is 0).
 */
export function seedsForPower(effect: number, sdDiff: number, level: number, power: number, max = 100_000): number | null {
  if (!(sdDiff > 0)) return effect !== 0 && Number.isFinite(effect) ? 2 : null;
  const z = Math.abs(effect) / sdDiff;
  if (!(z > 0) || !Number.isFinite(z)) return null;
  return smallestN((n) => z * Math.sqrt(n) >= tQuantile(1 - level / 2, n - 1) + tQuantile(power, n - 1), max);
}

/**
 * The seeds TOST at `level` needs to show equivalence within ±margin with probability `power`
 * when the true difference is 0: the smallest n ≥ 2 with
 * margin·√n / sd ≥ t(1 − level, n − 1) + t((1 + power)/2, n − 1).
 */
export function seedsForEquivalence(margin: number, sdDiff: number, level: number, power: number, max = 100_000): number | null {
  if (!(margin > 0)) return null;
  if (!(sdDiff > 0)) return 2;
  const z = margin / sdDiff;
  return smallestN((n) => z * Math.sqrt(n) >= tQuantile(1 - level, n - 1) + tQuantile((1 + power) / 2, n - 1), max);
}

/** The smallest n in 2..max for which `ok` holds (ok is monotone in n), or null. */
function smallestN(ok: (n: number) => boolean, max: number): number | null {
  if (!ok(max)) return null;
  let hi = 2;
  while (!ok(hi)) hi *= 2;
  let lo = Math.max(2, hi >> 1);
  if (ok(lo)) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return Math.min(hi, max);
}

/** The median: the middle value, or the mean of the two middle values of an even count; NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
