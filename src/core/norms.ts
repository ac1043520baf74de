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
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      const row = j * nIn;
      for (let i = 0; i < nIn; i++) s += W[row + i] * v[i];
      u[j] = s;
    }
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
    v.fill(0);
    for (let j = 0; j < nOut; j++) {
      const c = u[j];
      const row = j * nIn;
      for (let i = 0; i < nIn; i++) v[i] += W[row + i] * c;
    }
    if (normalise(v) === 0) return sigma;
  }
  return sigma;
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
