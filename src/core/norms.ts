// Matrix norms of a layer's weights (n_out × n_in, row-major), for the diagnostics of a trained
// model (docs/METHOD.md, "Diagnostics").

import { frobenius } from './kernels.js';

export { frobenius };

/** Power iteration stops when σ grows by less than this fraction of itself in one iteration. */
export const SPECTRAL_TOLERANCE = 1e-10;
/** …or after this many iterations. */
export const SPECTRAL_MAX_ITERATIONS = 5000;

/**
 * The spectral norm σ_max(W) (largest singular value) by power iteration on WᵀW, started from
 * the fixed vector v_i ∝ 1 + i/n (deterministic; if W maps it to 0, from a second fixed vector
 * of alternating signs). Every estimate ‖W v‖ with ‖v‖ = 1 is a lower bound
 * of σ_max and they increase; it stops when an iteration adds less than SPECTRAL_TOLERANCE
 * relative. NaN when W holds a NaN.
 */
export function spectralNorm(W: Float64Array, nOut: number, nIn: number): number {
  if (W.length !== nOut * nIn) throw new RangeError(`W has ${W.length} entries, expected ${nOut}×${nIn}`);
  for (let i = 0; i < W.length; i++) if (Number.isNaN(W[i])) return NaN;
  const v = new Float64Array(nIn);
  const u = new Float64Array(nOut);
  for (let i = 0; i < nIn; i++) v[i] = 1 + i / nIn;
  normalise(v);
  let sigma = 0;
  for (let it = 0; it < SPECTRAL_MAX_ITERATIONS; it++) {
    // u = W v; σ = ‖u‖; v = Wᵀ u / ‖Wᵀ u‖.
    rowDots(W, nOut, nIn, v, u);
    const next = norm(u);
    if (next === 0) {
      // v lies in W's null space: restart from another fixed vector if W is not zero.
      if (it === 0 && frobenius(W, W.length) > 0) {
        for (let i = 0; i < nIn; i++) v[i] = i % 2 === 0 ? 1 : -1 - i / nIn;
        normalise(v);
        continue;
      }
      return sigma;
    }
    const done = next - sigma <= SPECTRAL_TOLERANCE * next;
    sigma = Math.max(sigma, next);
    if (done) return sigma;
    columnSums(W, nOut, nIn, u, v);
    if (normalise(v) === 0) return sigma;
  }
  return sigma;
}

/**
 * u_j = Σ_i W[j,i]·v[i], each sum from 0 in ascending i. Four rows at a time: four independent
 * sums in flight instead of one chain of dependent adds, each formed in the same order as alone.
 */
function rowDots(W: Float64Array, nOut: number, nIn: number, v: Float64Array, u: Float64Array): void {
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    const r0 = j * nIn;
    const r1 = r0 + nIn;
    const r2 = r1 + nIn;
    const r3 = r2 + nIn;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < nIn; i++) {
      const x = v[i];
      s0 += W[r0 + i] * x;
      s1 += W[r1 + i] * x;
      s2 += W[r2 + i] * x;
      s3 += W[r3 + i] * x;
    }
    u[j] = s0;
    u[j + 1] = s1;
    u[j + 2] = s2;
    u[j + 3] = s3;
  }
  for (; j < nOut; j++) {
    let s = 0;
    const row = j * nIn;
    for (let i = 0; i < nIn; i++) s += W[row + i] * v[i];
    u[j] = s;
  }
}

/**
 * v = Wᵀu: v_i = Σ_j W[j,i]·u[j], each sum from 0 in ascending j. Four rows at a time: v_i is
 * read and written once per four rows, its terms added in the same order as row by row.
 */
function columnSums(W: Float64Array, nOut: number, nIn: number, u: Float64Array, v: Float64Array): void {
  v.fill(0);
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    const r0 = j * nIn;
    const r1 = r0 + nIn;
    const r2 = r1 + nIn;
    const r3 = r2 + nIn;
    const c0 = u[j];
    const c1 = u[j + 1];
    const c2 = u[j + 2];
    const c3 = u[j + 3];
    for (let i = 0; i < nIn; i++) v[i] = v[i] + W[r0 + i] * c0 + W[r1 + i] * c1 + W[r2 + i] * c2 + W[r3 + i] * c3;
  }
  for (; j < nOut; j++) {
    const c = u[j];
    const row = j * nIn;
    for (let i = 0; i < nIn; i++) v[i] += W[row + i] * c;
  }
}

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function normalise(a: Float64Array): number {
  const n = norm(a);
  if (n > 0) for (let i = 0; i < a.length; i++) a[i] /= n;
  return n;
}
