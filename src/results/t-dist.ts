// Student's t distribution: the CDF through the regularized incomplete beta function and the
// quantile by safeguarded Newton steps on it. Written for the paired t-test and the intervals of
// stats.ts, which need the tail probability to full relative precision (a p-value of 1e-20 is
// reported as such), so the tail is computed directly, never as 1 − something.
//
//   P(T ≤ −|t|) = ½ · I_x(ν/2, ½),  x = ν / (ν + t²)
//
// I_x(a, b) comes from its continued fraction (the modified Lentz method, as in Numerical
// Recipes' betacf), used where it converges quickly, x < (a + 1) / (a + b + 2), and through
// I_x(a, b) = 1 − I_{1−x}(b, a) elsewhere (there the tail is near ½, so nothing cancels). The
// prefactor x^a (1 − x)^b / (a B(a, b)) is taken in logs with ln x = −log1p(t²/ν) and
// ln B(a, ½) = ½ ln π − ln(Γ(a + ½) / Γ(a)), the last from Stirling's series of the two log-gammas
// with their large terms combined analytically (so ν in the thousands loses no digits).
// Accuracy against 40-digit references (t-dist.test.ts): 1e-15 to 1e-14 relative in the CDF and
// its tails for small ν, at worst about 2e-13 for ν in the thousands (the continued fraction's
// rounding near its switch-over point, which grows with ν: 4e-13 at 10⁵, 4e-11 at 10⁶; this
// program's ν is a seed count − 1, at most 9,999); the quantile is as good.

const LN_SQRT_PI = 0.5 * Math.log(Math.PI);

/** ln Γ(a + ½) − ln Γ(a), for a > 0. */
export function lnGammaHalfRatio(a: number): number {
  // Shift a up to ≥ 10 (Γ(z + 1) = z Γ(z) on both gammas), then Stirling.
  let z = a;
  let prod = 1;
  while (z < 10) {
    prod *= z / (z + 0.5);
    z += 1;
  }
  // ln Γ(z) = (z − ½) ln z − z + ½ ln 2π + S(z); the difference at z + ½ and z, with
  // (z) ln(z + ½) − (z − ½) ln z − ½ = z log1p(1/(2z)) + ½ ln z − ½.
  const stirling = z * Math.log1p(0.5 / z) - 0.5 + 0.5 * Math.log(z) + stirlingTail(z + 0.5) - stirlingTail(z);
  return stirling + Math.log(prod);
}

/** S(z) = Σ B₂ₖ / (2k (2k − 1) z^(2k−1)), through z⁻¹³ (the next term is below 1e-16 for z ≥ 10). */
function stirlingTail(z: number): number {
  const w = 1 / (z * z);
  return (1 / z) * (1 / 12 + w * (-1 / 360 + w * (1 / 1260 + w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w * (1 / 156)))))));
}

/** ln B(a, ½). */
function lnBetaHalf(a: number): number {
  return LN_SQRT_PI - lnGammaHalfRatio(a);
}

/** The continued fraction of I_x(a, b) (without its prefactor), modified Lentz. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const EPS = 4e-16;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
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
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h; // not reached for the a, b of Student's t with ν up to 10¹⁰
}

/** P(T ≥ t) for t ≥ 0, to full relative precision. */
function upperTail(t: number, df: number): number {
  if (t === 0) return 0.5;
  if (t === Infinity) return 0;
  const a = df / 2;
  const r = (t * t) / df; // t²/ν: x = 1 / (1 + r), 1 − x = r / (1 + r)
  const lnX = -Math.log1p(r);
  const ln1mX = Math.log(r) + lnX;
  const x = 1 / (1 + r);
  const lnFront = a * lnX + 0.5 * ln1mX - lnBetaHalf(a);
  if (x < (a + 1) / (a + 2.5)) {
    // I_x(a, ½) directly.
    return (0.5 * Math.exp(lnFront) * betaContinuedFraction(a, 0.5, x)) / a;
  }
  // I_x(a, ½) = 1 − I_{1−x}(½, a); the same prefactor, over b = ½.
  const complement = (Math.exp(lnFront) * betaContinuedFraction(0.5, a, r / (1 + r))) / 0.5;
  return 0.5 * (1 - complement);
}

/** Student-t CDF with `df` > 0 degrees of freedom (NaN for a NaN or a df ≤ 0). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  return t <= 0 ? upperTail(-t, df) : 1 - upperTail(t, df);
}

/** The density of Student's t. */
function density(t: number, df: number): number {
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - lnBetaHalf(df / 2));
}

/** The p-quantile of Student's t with `df` > 0 degrees of freedom (NaN outside [0, 1]). */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || df <= 0 || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve upperTail(t) = q for t > 0 with q the smaller tail; the sign from p.
  const q = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  // A bracket [lo, hi] with upperTail(lo) > q ≥ upperTail(hi).
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) return sign * Infinity;
  }
  // Newton on ln upperTail(t) − ln q (its slope is −density/tail), kept inside the bracket.
  const lnQ = Math.log(q);
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const tail = upperTail(t, df);
    if (tail > q) lo = t;
    else hi = t;
    const g = Math.log(tail) - lnQ;
    let next = t + (g * tail) / density(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) return sign * next;
    t = next;
  }
  return sign * t;
}
