// Standard normal draws of src/core/rng.ts (Rng.normal) in WebAssembly, the same bits, for the
// places that draw millions of them: the noisy test (a σ·N(0, 1) draw for every feature of every
// test input: 55 million for an MNIST cell of the paper's grid, 184 million for a CIFAR-10 one),
// the Gaussian corruptions and the noise-augmented training inputs.
//
// Rng.normal is the Box–Muller transform over xoshiro128** uniforms:
//   u = uniform() until u ≠ 0, v = uniform(), r = √(−2 ln u),
//   returned r·cos(2πv), kept for the next call r·sin(2πv).
// Its bits depend on V8's Math.log, Math.sin and Math.cos, which are fdlibm's algorithms (V8's
// src/base/ieee754.cc, "adapted from fdlibm", Copyright (C) 1993 Sun Microsystems, whose
// licence lets the algorithms be reused with this notice). The functions below compute the same
// steps in the same order with the same constants, in IEEE double arithmetic (WebAssembly has no
// fused multiply-add and no extended precision, so each operation rounds as in the C code), for
// the arguments Rng.normal gives them: ln on (0, 1], sin and cos on [0, 2π). sin and cos of one
// argument share its reduction modulo π/2, which is the same computation in either function.
// src/core/fast/normals.test.ts holds them to Math.log, Math.sin and Math.cos over millions of
// arguments, and the draws to Rng.normal's.
//
// Memory (one page, static data first): at stateAt() the generator's state, 4 × u32 (a, b, c, d),
// then i32 hasSpare, 4 bytes of padding, f64 spare; at outAt() and up to the page's end the
// draws of one call, float64. A call of noisy() uses the first NOISY_MAX draws of that space, then
// NOISY_MAX float32 inputs (noisyAt()) and NOISY_MAX float32 outputs.

const STATE: usize = memory.data(32, 16);
let OUT: usize = (__heap_base + 15) & ~15;

// ---- ln (fdlibm e_log.c) ----
const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54: f64 = 1.80143985094819840000e+16; // 0x43500000 00000000
const LG1: f64 = 6.666666666666735130e-01; // 0x3FE55555 55555593
const LG2: f64 = 3.999999999940941908e-01; // 0x3FD99999 9997FA04
const LG3: f64 = 2.857142874366239149e-01; // 0x3FD24924 94229359
const LG4: f64 = 2.222219843214978396e-01; // 0x3FCC71C5 1D8E78AF
const LG5: f64 = 1.818357216161805012e-01; // 0x3FC74664 96CB03DE
const LG6: f64 = 1.531383769920937332e-01; // 0x3FC39A09 D078C69F
const LG7: f64 = 1.479819860511658591e-01; // 0x3FC2F112 DF3E5244

@inline function high(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}

@inline function withHigh(x: f64, hi: i32): f64 {
  return reinterpret<f64>((reinterpret<u64>(x) & 0xFFFFFFFF) | (<u64><u32>hi << 32));
}

/** Natural logarithm, fdlibm's steps: x = 2^k·(1 + f) with 1 + f in [√2/2, √2), then a polynomial in s = f / (2 + f). */
export function fdlog(x0: f64): f64 {
  let x = x0;
  let hx = high(x);
  const lx = <u32>reinterpret<u64>(x);
  let k: i32 = 0;
  if (hx < 0x00100000) { // below 2^-1022: zero, subnormal or negative
    if (((hx & 0x7FFFFFFF) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = high(x);
  }
  if (hx >= 0x7FF00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  let i = (hx + 0x95F64) & 0x100000;
  x = withHigh(x, hx | (i ^ 0x3FF00000)); // x or x / 2, into [√2/2, √2)
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000FFFFF & (2 + hx)) < 3) { // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk0 = <f64>k;
      return dk0 * LN2_HI + dk0 * LN2_LO;
    }
    const R0 = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R0;
    const dk1 = <f64>k;
    return dk1 * LN2_HI - ((R0 - dk1 * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147A;
  const w = z * z;
  const j = 0x6B851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// ---- sin and cos (fdlibm k_sin.c, k_cos.c, e_rem_pio2.c, s_sin.c, s_cos.c) ----
const S1: f64 = -1.66666666666666324348e-01; // 0xBFC55555 55555549
const S2: f64 = 8.33333333332248946124e-03; // 0x3F811111 1110F8A6
const S3: f64 = -1.98412698298579493134e-04; // 0xBF2A01A0 19C161D5
const S4: f64 = 2.75573137070700676789e-06; // 0x3EC71DE3 57B1FE7D
const S5: f64 = -2.50507602534068634195e-08; // 0xBE5AE5E6 8A2B9CEB
const S6: f64 = 1.58969099521155010221e-10; // 0x3DE5D93A 5ACFD57C
const C1: f64 = 4.16666666666666019037e-02; // 0x3FA55555 5555554C
const C2: f64 = -1.38888888888741095749e-03; // 0xBF56C16C 16C15177
const C3: f64 = 2.48015872894767294178e-05; // 0x3EFA01A0 19CB1590
const C4: f64 = -2.75573143513906633035e-07; // 0xBE927E4F 809C52AD
const C5: f64 = 2.08757232129817482790e-09; // 0x3E21EE9E BDB4B1C4
const C6: f64 = -1.13596475577881948265e-11; // 0xBDA8FAE9 BE8838D4
const INVPIO2: f64 = 6.36619772367581382433e-01; // 0x3FE45F30 6DC9C883
const PIO2_1: f64 = 1.57079632673412561417e+00; // 0x3FF921FB 54400000
const PIO2_1T: f64 = 6.07710050650619224932e-11; // 0x3DD0B461 1A626331
const PIO2_2: f64 = 6.07710050630396597660e-11; // 0x3DD0B461 1A600000
const PIO2_2T: f64 = 2.02226624879595063154e-21; // 0x3BA3198A 2E037073
const PIO2_3: f64 = 2.02226624871116645580e-21; // 0x3BA3198A 2E000000
const PIO2_3T: f64 = 8.47842766036889956997e-32; // 0x397B839A 252049C1

/** sin on [−π/4, π/4] of x + y (y the tail of x; iy = 0: y is taken as 0). */
@inline function kernelSin(x: f64, y: f64, iy: i32): f64 {
  if ((high(x) & 0x7FFFFFFF) < 0x3E400000) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy == 0) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos on [−π/4, π/4] of x + y. */
@inline function kernelCos(x: f64, y: f64): f64 {
  const ix = high(x) & 0x7FFFFFFF;
  if (ix < 0x3E400000) return 1.0; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3FD33333) return 1.0 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3FE90000 ? 0.28125 : reinterpret<f64>(<u64><u32>(ix - 0x00200000) << 32); // |x| / 4, low word cleared
  const iz = 0.5 * z - qx;
  const a = 1.0 - qx;
  return a - (iz - (z * r - x * y));
}

// The reduction's result: x − n·π/2 = y0 + y1.
let y0: f64 = 0;
let y1: f64 = 0;

/**
 * High words of n·π/2 for n = 1 … 4 (fdlibm's npio2_hw, the first four), at NPIO2 + 4n, after −1
 * for n = 0 (no high word of an x ≥ 0 is −1): remPio2 and the two-lane reduction read them.
 */
const NPIO2: usize = memory.data<i32>([-1, 0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB]);

/**
 * fdlibm's __ieee754_rem_pio2 for π/4 < |x| < 9π/4 (where n = round(x·2/π) is at most 4; the
 * arguments here are in [0, 2π), and sin and cos handle |x| ≤ π/4 without it): returns n and
 * leaves y0 + y1 = x − n·π/2.
 */
function remPio2(x: f64): i32 {
  const hx = high(x);
  const ix = hx & 0x7FFFFFFF;
  if (ix < 0x4002D97C) { // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix != 0x3FF921FB) {
        y0 = z - PIO2_1T;
        y1 = (z - y0) - PIO2_1T;
      } else { // near π/2: 33 + 33 + 53 bits of π
        z -= PIO2_2;
        y0 = z - PIO2_2T;
        y1 = (z - y0) - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix != 0x3FF921FB) {
      y0 = z + PIO2_1T;
      y1 = (z - y0) + PIO2_1T;
    } else {
      z += PIO2_2;
      y0 = z + PIO2_2T;
      y1 = (z - y0) + PIO2_2T;
    }
    return -1;
  }
  // fdlibm's medium-size path, for n ≤ 4 only (the caller keeps |x| < 9π/4).
  let t = Math.abs(x);
  const n = <i32>(t * INVPIO2 + 0.5);
  const fn = <f64>n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T; // first round, good to 85 bits
  if (ix != load<i32>(NPIO2 + (<usize>n << 2))) {
    y0 = r - w; // no cancellation
  } else {
    const j = ix >> 20;
    y0 = r - w;
    let i = j - ((high(y0) >> 20) & 0x7FF);
    if (i > 16) { // second round, good to 118 bits
      t = r;
      w = fn * PIO2_2;
      r = t - w;
      w = fn * PIO2_2T - ((t - r) - w);
      y0 = r - w;
      i = j - ((high(y0) >> 20) & 0x7FF);
      if (i > 49) { // third round, 151 bits
        t = r;
        w = fn * PIO2_3;
        r = t - w;
        w = fn * PIO2_3T - ((t - r) - w);
        y0 = r - w;
      }
    }
  }
  y1 = (r - y0) - w;
  if (hx < 0) {
    y0 = -y0;
    y1 = -y1;
    return -n;
  }
  return n;
}

/** High words from here on are left out: 0x401C463A00000000 is just below 9π/4. */
const REDUCE_END_HIGH: i32 = 0x401C463A;

// sin(x) and cos(x) of the last call to sinCos.
let sinOut: f64 = 0;
let cosOut: f64 = 0;

/** sin and cos of |x| < 9π/4 (NaN for other arguments), each as fdlibm's sin and cos. */
function sinCos(x: f64): void {
  const ix = high(x) & 0x7FFFFFFF;
  if (ix <= 0x3FE921FB) { // |x| ≤ π/4
    sinOut = kernelSin(x, 0.0, 0);
    cosOut = kernelCos(x, 0.0);
    return;
  }
  if (ix >= REDUCE_END_HIGH) {
    sinOut = NaN;
    cosOut = NaN;
    return;
  }
  const n = remPio2(x) & 3;
  const s = kernelSin(y0, y1, 1);
  const c = kernelCos(y0, y1);
  if (n == 0) { sinOut = s; cosOut = c; }
  else if (n == 1) { sinOut = c; cosOut = -s; }
  else if (n == 2) { sinOut = -s; cosOut = -c; }
  else { sinOut = -c; cosOut = s; }
}

/** sin(x) as fdlibm's, for |x| < 9π/4 (tests). */
export function fdsin(x: f64): f64 {
  sinCos(x);
  return sinOut;
}

/** cos(x) as fdlibm's, for |x| < 9π/4 (tests). */
export function fdcos(x: f64): f64 {
  sinCos(x);
  return cosOut;
}

// ---- the same without unpredictable branches ----
// The quadrant n of a uniform angle, which of fdlog's two final formulas applies and whether
// k = 0 are coin flips for the branch predictor; mispredicted, they cost more than the
// arithmetic. The functions below compute every candidate and pick the one fdlibm's branch
// takes, by bit masks; the rare cases (a third of a millionth of the draws) still branch, to the
// functions above. Why each candidate equals fdlibm's result bit for bit:
// - for |x| ≤ 3π/4 the medium-size reduction's steps give fdlibm's: with n = 0 (|x| ≤ π/4,
//   where fdlibm does not reduce) r = x − 0·π/2 = x and w = 0, so y0 = x and y1 = 0 exactly;
//   with n = 1 (π/4 < |x| < 3π/4) fdlibm's special case does the same operations (z = x − pio2_1,
//   y0 = z − pio2_1t, y1 = (z − y0) − pio2_1t) as the medium path with fn = 1.
// - kernelCos for |x| < 0.3 is its general formula with qx = 0: 1 − 0 = 1 and 0.5z − 0 = 0.5z.
// - fdlog's k = 0 formulas are its k ≠ 0 ones with dk = 0: 0·ln2_hi = +0, s·(hfsq + R) + 0 is
//   the same value, and 0 − (a − f) = f − a in round-to-nearest (neither is −0 here).
// normals.test.ts also compares them with Math.log, Math.sin and Math.cos on millions of arguments.

/** cond ? a : b by bit masks, no branch. */
@inline function pick(cond: bool, a: f64, b: f64): f64 {
  const m = -(<i64>cond);
  return reinterpret<f64>((reinterpret<i64>(a) & m) | (reinterpret<i64>(b) & ~m));
}

@inline function vec2(a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

/** Lane masks: all ones where the condition holds. */
@inline function mask2(c0: bool, c1: bool): v128 {
  return i64x2.replace_lane(i64x2.splat(-(<i64>c0)), 1, -(<i64>c1));
}

@inline function sp(x: f64): v128 {
  return f64x2.splat(x);
}

// The last results of log2Lanes and sinCos2.
let logV: v128 = f64x2.splat(0);
let sinV: v128 = f64x2.splat(0);
let cosV: v128 = f64x2.splat(0);

/** fdlog of two normal positive doubles, one per lane, into logV; false (logV untouched) when either is a case fdlog branches off for. */
@inline function log2Lanes(u0: f64, u1: f64): bool {
  let h0 = high(u0);
  let h1 = high(u1);
  if (h0 < 0x00100000 || h0 >= 0x7FF00000 || h1 < 0x00100000 || h1 >= 0x7FF00000) return false;
  let k0 = (h0 >> 20) - 1023;
  let k1 = (h1 >> 20) - 1023;
  h0 &= 0x000FFFFF;
  h1 &= 0x000FFFFF;
  if ((0x000FFFFF & (2 + h0)) < 3 || (0x000FFFFF & (2 + h1)) < 3) return false; // |f| < 2^-20
  const i0 = (h0 + 0x95F64) & 0x100000;
  const i1 = (h1 + 0x95F64) & 0x100000;
  const x = vec2(withHigh(u0, h0 | (i0 ^ 0x3FF00000)), withHigh(u1, h1 | (i1 ^ 0x3FF00000)));
  k0 += i0 >> 20;
  k1 += i1 >> 20;
  const f = f64x2.sub(x, sp(1.0));
  const s = f64x2.div(f, f64x2.add(sp(2.0), f));
  const dk = vec2(<f64>k0, <f64>k1);
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(sp(LG2), f64x2.mul(w, f64x2.add(sp(LG4), f64x2.mul(w, sp(LG6))))));
  const t2 = f64x2.mul(z, f64x2.add(sp(LG1), f64x2.mul(w, f64x2.add(sp(LG3), f64x2.mul(w, f64x2.add(sp(LG5), f64x2.mul(w, sp(LG7))))))));
  const R = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.mul(sp(0.5), f), f);
  const hi = f64x2.mul(dk, sp(LN2_HI));
  const lo = f64x2.mul(dk, sp(LN2_LO));
  // dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f)
  const near = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), lo)), f));
  // dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f)
  const far = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), lo), f));
  logV = v128.bitselect(near, far, mask2(((h0 - 0x6147A) | (0x6B851 - h0)) > 0, ((h1 - 0x6147A) | (0x6B851 - h1)) > 0));
  return true;
}

/** kernelCos's qx for |a|'s high word ia (0 below 0.3, where its formula without qx is the same). */
@inline function qxOf(ia: i32): f64 {
  return pick(ia > 0x3FE90000, 0.28125, pick(ia < 0x3FD33333, 0.0, reinterpret<f64>(<u64><u32>(ia - 0x00200000) << 32)));
}

/** sin and cos of two angles 0 ≤ x < 9π/4, one per lane, into sinV and cosV; false (untouched) when either is near a multiple of π/2 that needs more rounds of reduction. */
@inline function sinCos2(x0: f64, x1: f64): bool {
  const ix0 = high(x0);
  const ix1 = high(x1);
  if (ix0 < 0 || ix1 < 0 || ix0 >= REDUCE_END_HIGH || ix1 >= REDUCE_END_HIGH) return false;
  const small0 = ix0 <= 0x3FE921FB;
  const small1 = ix1 <= 0x3FE921FB;
  // n = 0 without reduction (|x| ≤ π/4), else round(x·2/π); by masks, as both are cheap.
  const n0 = <i32>(x0 * INVPIO2 + 0.5) & (<i32>small0 - 1);
  const n1 = <i32>(x1 * INVPIO2 + 0.5) & (<i32>small1 - 1);
  if ((<i32>(ix0 == load<i32>(NPIO2 + (<usize>n0 << 2))) | <i32>(ix1 == load<i32>(NPIO2 + (<usize>n1 << 2)))) != 0) return false;
  const fn = vec2(<f64>n0, <f64>n1);
  const r = f64x2.sub(vec2(x0, x1), f64x2.mul(fn, sp(PIO2_1)));
  const w = f64x2.mul(fn, sp(PIO2_1T));
  const a = f64x2.sub(r, w);
  const b = f64x2.sub(f64x2.sub(r, a), w);
  const ia0 = high(f64x2.extract_lane(a, 0)) & 0x7FFFFFFF;
  const ia1 = high(f64x2.extract_lane(a, 1)) & 0x7FFFFFFF;
  const tiny = mask2(ia0 < 0x3E400000, ia1 < 0x3E400000);
  const z = f64x2.mul(a, a);
  const v = f64x2.mul(z, a);
  const rs = f64x2.add(sp(S2), f64x2.mul(z, f64x2.add(sp(S3), f64x2.mul(z, f64x2.add(sp(S4), f64x2.mul(z, f64x2.add(sp(S5), f64x2.mul(z, sp(S6)))))))));
  // kernelSin with iy = 0 (no reduction): a + v·(S1 + z·r); with iy = 1: a − ((z·(0.5·b − v·r) − b) − v·S1)
  const s0 = f64x2.add(a, f64x2.mul(v, f64x2.add(sp(S1), f64x2.mul(z, rs))));
  const s1 = f64x2.sub(a, f64x2.sub(f64x2.sub(f64x2.mul(z, f64x2.sub(f64x2.mul(sp(0.5), b), f64x2.mul(v, rs))), b), f64x2.mul(v, sp(S1))));
  const s = v128.bitselect(a, v128.bitselect(s0, s1, mask2(small0, small1)), tiny);
  const rc = f64x2.mul(z, f64x2.add(sp(C1), f64x2.mul(z, f64x2.add(sp(C2), f64x2.mul(z, f64x2.add(sp(C3), f64x2.mul(z, f64x2.add(sp(C4), f64x2.mul(z, f64x2.add(sp(C5), f64x2.mul(z, sp(C6)))))))))))); 
  const qx = vec2(qxOf(ia0), qxOf(ia1));
  // (1 − qx) − ((0.5·z − qx) − (z·r − a·b))
  const cg = f64x2.sub(f64x2.sub(sp(1.0), qx), f64x2.sub(f64x2.sub(f64x2.mul(sp(0.5), z), qx), f64x2.sub(f64x2.mul(z, rc), f64x2.mul(a, b))));
  const c = v128.bitselect(sp(1.0), cg, tiny);
  const q0 = n0 & 3;
  const q1 = n1 & 3;
  const swap = mask2((q0 & 1) != 0, (q1 & 1) != 0);
  const sv = v128.bitselect(c, s, swap);
  const cv = v128.bitselect(s, c, swap);
  sinV = v128.bitselect(f64x2.neg(sv), sv, mask2((q0 & 2) != 0, (q1 & 2) != 0));
  cosV = v128.bitselect(f64x2.neg(cv), cv, mask2(((q0 + 1) & 2) != 0, ((q1 + 1) & 2) != 0));
  return true;
}

/** sinCos2 for two angles 0 ≤ x < 9π/4 (tests): false where it leaves them to sinCos; else sin in lanes 0, 1 and cos in 2, 3 from byte OUT. */
export function drawSinCos(x0: f64, x1: f64): bool {
  if (!sinCos2(x0, x1)) return false;
  v128.store(OUT, sinV);
  v128.store(OUT + 16, cosV);
  return true;
}

/** log2Lanes for two doubles (tests): false where it leaves them to fdlog; else the results from byte OUT. */
export function drawLog(u0: f64, u1: f64): bool {
  if (!log2Lanes(u0, u1)) return false;
  v128.store(OUT, logV);
  return true;
}

// ---- the generator (src/core/rng.ts) ----
let sa: u32 = 0;
let sb: u32 = 0;
let sc: u32 = 0;
let sd: u32 = 0;

/** xoshiro128**: the next unsigned 32-bit output. */
@inline function nextU32(): u32 {
  const result = rotl<u32>(sb * 5, 7) * 9;
  const t = sb << 9;
  sc ^= sa;
  sd ^= sb;
  sb ^= sc;
  sa ^= sd;
  sc ^= t;
  sd = rotl<u32>(sd, 11);
  return result;
}

/** Uniform on [0, 1) with 53 random bits: 27 high bits of one output, 26 of the next. */
@inline function uniform(): f64 {
  const hi = <f64>(nextU32() >>> 5);
  const lo = <f64>(nextU32() >>> 6);
  return (hi * 67108864.0 + lo) * 1.1102230246251565e-16; // ÷ 2^53, exact either way
}

const TWO_PI: f64 = 2.0 * Math.PI;

/** The next uniform that is not 0 (Rng.normal's u). */
@inline function uniformNonZero(): f64 {
  let u: f64 = 0;
  while (u == 0) u = uniform();
  return u;
}

/** The next `count` draws of Rng.normal from the state in memory, into OUT…; the state is written back. */
export function fill(count: i32): void {
  sa = load<u32>(STATE);
  sb = load<u32>(STATE + 4);
  sc = load<u32>(STATE + 8);
  sd = load<u32>(STATE + 12);
  let hasSpare = load<i32>(STATE + 16);
  let spare = load<f64>(STATE + 24);
  let k: i32 = 0;
  if (count > 0 && hasSpare != 0) {
    store<f64>(OUT, spare);
    hasSpare = 0;
    k = 1;
  }
  // Two Box–Muller pairs at a time, one per lane: u0, v0, then u1, v1, as two calls would draw them.
  while (count - k >= 4) {
    const u0 = uniformNonZero();
    const v0 = uniform();
    const u1 = uniformNonZero();
    const v1 = uniform();
    if (!log2Lanes(u0, u1)) logV = vec2(fdlog(u0), fdlog(u1));
    const r = f64x2.sqrt(f64x2.mul(sp(-2.0), logV));
    const x0 = TWO_PI * v0;
    const x1 = TWO_PI * v1;
    if (!sinCos2(x0, x1)) {
      sinCos(x0);
      const s0 = sinOut;
      const c0 = cosOut;
      sinCos(x1);
      sinV = vec2(s0, sinOut);
      cosV = vec2(c0, cosOut);
    }
    const rc = f64x2.mul(r, cosV);
    const rs = f64x2.mul(r, sinV);
    const at = OUT + (<usize>k << 3);
    v128.store(at, v128.shuffle<f64>(rc, rs, 0, 2));
    v128.store(at + 16, v128.shuffle<f64>(rc, rs, 1, 3));
    k += 4;
  }
  while (k < count) {
    const u = uniformNonZero();
    const v = uniform();
    const r = Math.sqrt(-2.0 * fdlog(u));
    sinCos(TWO_PI * v);
    store<f64>(OUT + (<usize>k << 3), r * cosOut);
    if (k + 1 < count) store<f64>(OUT + (<usize>(k + 1) << 3), r * sinOut);
    else {
      spare = r * sinOut;
      hasSpare = 1;
    }
    k += 2;
  }
  store<u32>(STATE, sa);
  store<u32>(STATE + 4, sb);
  store<u32>(STATE + 8, sc);
  store<u32>(STATE + 12, sd);
  store<i32>(STATE + 16, hasSpare);
  store<f64>(STATE + 24, spare);
}

/** Values a call of noisy() takes at most: its draws, inputs and outputs all fit in the page. */
const NOISY_MAX: i32 = 2048;

/**
 * Gaussian noise added to `count` (≤ NOISY_MAX) float32 values at noisyAt(), written as float32 at
 * noisyAt() + 4·NOISY_MAX: out_i = x_i + σ·z_i for the next `count` draws z (fill's, so the same
 * numbers), in float64, clamped to [0, 1] when `image` is not 0 as x < 0 ? 0 : x > 1 ? 1 : x
 * (pmax and pmin are exactly those comparisons: NaN stays NaN, −0 stays −0), then rounded once to
 * float32 as a Float32Array store does: the bits of src/data/eval-axes/noise.ts's addNoise.
 */
export function noisy(count: i32, sigma: f64, image: i32): void {
  fill(count);
  const src = OUT + (<usize>NOISY_MAX << 3);
  const dst = src + (<usize>NOISY_MAX << 2);
  const s = f64x2.splat(sigma);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const x = v128.load(src + (<usize>i << 2));
    const z = OUT + (<usize>i << 3);
    let a = f64x2.add(f64x2.promote_low_f32x4(x), f64x2.mul(s, v128.load(z)));
    let b = f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), f64x2.mul(s, v128.load(z, 16)));
    if (image != 0) {
      a = f64x2.pmin(f64x2.pmax(a, zero), one);
      b = f64x2.pmin(f64x2.pmax(b, zero), one);
    }
    v128.store(dst + (<usize>i << 2), v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
  }
  for (; i < count; i++) {
    let v = <f64>load<f32>(src + (<usize>i << 2)) + sigma * load<f64>(OUT + (<usize>i << 3));
    if (image != 0) v = v < 0 ? 0 : v > 1 ? 1 : v;
    store<f32>(dst + (<usize>i << 2), <f32>v);
  }
}

/** Where noisy() reads its inputs (bytes; its outputs follow NOISY_MAX float32 later). */
export function noisyAt(): usize {
  return OUT + (<usize>NOISY_MAX << 3);
}

/** NOISY_MAX, for the caller. */
export function noisyMax(): i32 {
  return NOISY_MAX;
}

/** Where the state is (bytes). */
export function stateAt(): usize {
  return STATE;
}

/** Where the draws start (bytes). */
export function outAt(): usize {
  return OUT;
}
