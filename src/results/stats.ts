// Statistics for comparing methods across seeds: mean, sample standard deviation, Student-t
// confidence intervals, the paired t-test, the Wilcoxon signed-rank test (exact, ties by
// average ranks) and Holm's step-down correction. The distribution functions are written
// here (Lanczos log-gamma, continued fractions for the incomplete beta and gamma functions),
// so the numbers do not depend on a package; stats.test.ts checks them against closed forms.

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

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** The regularised lower incomplete gamma function P(a, x). */
export function incompleteGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series.
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(lead);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return 1 - Math.exp(lead) * h;
}

/** Standard normal CDF Φ(z), through erf(x) = P(1/2, x²). */
export function normalCdf(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? NaN : z > 0 ? 1 : 0;
  const p = incompleteGammaP(0.5, (z * z) / 2);
  return z >= 0 ? 0.5 + 0.5 * p : 0.5 - 0.5 * p;
}

/** Student-t CDF with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on tCdf). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
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

export interface TestResult {
  test: 't' | 'wilcoxon';
  n: number;
  /** t for the t-test; W+ (sum of the ranks of positive differences) for Wilcoxon. */
  statistic: number;
  /** Two-sided p-value. */
  p: number;
}

/** Paired t-test of a − b (two-sided); needs at least two pairs. */
export function pairedT(a: readonly number[], b: readonly number[]): TestResult {
  const d = differences(a, b);
  const n = d.length;
  if (n < 2) return { test: 't', n, statistic: NaN, p: NaN };
  const m = mean(d);
  const s = sd(d);
  if (s === 0) return { test: 't', n, statistic: m === 0 ? 0 : m > 0 ? Infinity : -Infinity, p: m === 0 ? 1 : 0 };
  const t = m / (s / Math.sqrt(n));
  return { test: 't', n, statistic: t, p: Math.min(1, 2 * tCdf(-Math.abs(t), n - 1)) };
}

/**
 * Wilcoxon signed-rank test of a − b (two-sided). Zero differences are dropped; tied |d| get
 * their average rank. The p-value is exact: the null distribution of W+ is enumerated over all
 * 2^n sign patterns of the (tied) ranks by dynamic programming on doubled ranks.
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): TestResult {
  const d = differences(a, b).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { test: 'wilcoxon', n, statistic: 0, p: 1 };
  const order = d.map((x, i) => ({ abs: Math.abs(x), i })).sort((u, v) => u.abs - v.abs);
  const doubledRank = new Array<number>(n);
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && order[e + 1].abs === order[k].abs) e++;
    // Ranks k+1 … e+1 share their average; doubled it is an integer: k + e + 2.
    for (let j = k; j <= e; j++) doubledRank[order[j].i] = k + e + 2;
    k = e + 1;
  }
  let wPlus2 = 0;
  for (let i = 0; i < n; i++) if (d[i] > 0) wPlus2 += doubledRank[i];
  const total2 = doubledRank.reduce((s, r) => s + r, 0);
  // prob[s] = P(doubled W+ = s) under the null (each sign ±, probability ½ each).
  let prob = new Float64Array(total2 + 1);
  prob[0] = 1;
  for (const r of doubledRank) {
    const next = new Float64Array(total2 + 1);
    for (let s = 0; s <= total2; s++) {
      if (prob[s] === 0) continue;
      next[s] += prob[s] / 2;
      next[s + r] += prob[s] / 2;
    }
    prob = next;
  }
  let lower = 0;
  let upper = 0;
  for (let s = 0; s <= total2; s++) {
    if (s <= wPlus2) lower += prob[s];
    if (s >= wPlus2) upper += prob[s];
  }
  return { test: 'wilcoxon', n, statistic: wPlus2 / 2, p: Math.min(1, 2 * Math.min(lower, upper)) };
}

/** The paired test the report uses: t-test below six pairs, Wilcoxon signed-rank from six on. */
export function pairedTest(a: readonly number[], b: readonly number[]): TestResult {
  return a.length >= 6 ? wilcoxonSignedRank(a, b) : pairedT(a, b);
}

/**
 * Holm's step-down adjustment: the i-th smallest of m p-values is multiplied by m − i + 1,
 * then made monotone. NaN p-values (untested) stay NaN and do not count towards m.
 */
export function holm(ps: readonly number[]): number[] {
  const idx = ps.map((p, i) => ({ p, i })).filter((e) => !Number.isNaN(e.p)).sort((u, v) => u.p - v.p || u.i - v.i);
  const m = idx.length;
  const out = ps.map(() => NaN);
  let running = 0;
  idx.forEach((e, k) => {
    running = Math.max(running, Math.min(1, (m - k) * e.p));
    out[e.i] = running;
  });
  return out;
}

function differences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  return a.map((x, i) => x - b[i]);
}
