// The ridge floor: least squares with an L2 penalty on the weights and an unpenalised intercept,
// on the training list (repeats counted as often as drawn). Regression sets: one output, the
// prepared target. Classification: the ridge classifier, one output per class fitted to the
// one-hot label (0/1; ±1 targets give the same fit up to 2f − 1, hence the same class), the
// predicted class the largest output (the first on ties).
//
// Fit, with x̄, ȳ the list means and Xc, Yc the centred rows (n entries, d features, m outputs):
//   W = (XcᵀXc + λI)⁻¹ XcᵀYc          (primal, a d × d solve; used when d ≤ n)
//     = Xcᵀ (XcXcᵀ + λI)⁻¹ Yc          (dual, an n × n solve; used when n < d)
//   b = ȳ − Wᵀx̄.
// λ is given, or chosen on the training list alone by exact leave-one-out (no validation or test
// data): the fit is linear in the targets with hat matrix H = 11ᵀ/n + Xc(XcᵀXc + λI)⁻¹Xcᵀ, and
// leaving out a whole sample (all g copies of it, which share one row of H) changes its residual
// e = y − ŷ to e/(1 − g·h), h its diagonal entry of H. The LOO score is averaged over the
// list's entries: MSE for regression; for classes the LOO accuracy, ties broken by the lower LOO
// squared error over the outputs, then by the larger λ.

import type { Dataset } from '../../data/types.js';
import { cholesky, choleskySolve, forwardNorm2, inverseDiagonal } from './linalg.js';
import { readList, scoreRows } from './list.js';
import type { Floor } from './types.js';

/** λ candidates for leave-one-out selection: 10⁻³ … 10⁴, one per decade. */
export const RIDGE_LAMBDAS: readonly number[] = [1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4];

export interface RidgeOptions {
  /** A fixed λ > 0, or 'loo' (default): chosen among `lambdas` by leave-one-out on the training list. */
  lambda?: number | 'loo';
  lambdas?: readonly number[];
  /** Which of the two equal solves to use (default: the smaller system); for tests. */
  form?: 'primal' | 'dual';
}

/** The fitted linear map: out_c = b_c + Σ_f W[c·d + f] x_f. */
export interface RidgeModel {
  /** m × d, row-major. */
  W: Float64Array;
  b: Float64Array;
  lambda: number;
}

/** The centred design and targets of a training list. */
interface Design {
  n: number;
  d: number;
  m: number;
  xMean: Float64Array;
  yMean: Float64Array;
  Xc: Float64Array;
  Yc: Float64Array;
  /** Uncentred targets (n × m) and each entry's multiplicity, for leave-one-out. */
  Y: Float64Array;
  mult: Int32Array;
  labels: Float64Array | null;
}

function design(data: Dataset, train: Int32Array): Design {
  const list = readList(data, train);
  const n = train.length;
  const d = data.nInputs;
  const classes = data.task === 'classification';
  const m = classes ? data.nOutputs : 1;
  const Y = new Float64Array(n * m);
  for (let e = 0; e < n; e++) {
    if (classes) Y[e * m + list.targets[e]] = 1;
    else Y[e] = list.targets[e];
  }
  const xMean = new Float64Array(d);
  for (let e = 0; e < n; e++) {
    const base = train[e] * d;
    for (let f = 0; f < d; f++) xMean[f] += data.x[base + f];
  }
  for (let f = 0; f < d; f++) xMean[f] /= n;
  const yMean = new Float64Array(m);
  for (let e = 0; e < n; e++) for (let c = 0; c < m; c++) yMean[c] += Y[e * m + c];
  for (let c = 0; c < m; c++) yMean[c] /= n;
  const Xc = new Float64Array(n * d);
  for (let e = 0; e < n; e++) {
    const base = train[e] * d;
    for (let f = 0; f < d; f++) Xc[e * d + f] = data.x[base + f] - xMean[f];
  }
  const Yc = Float64Array.from(Y, (v, k) => v - yMean[k % m]);
  return { n, d, m, xMean, yMean, Xc, Yc, Y, mult: list.multiplicity, labels: classes ? list.targets : null };
}

/** XcᵀXc (primal, d × d) or XcXcᵀ (dual, n × n), full symmetric. */
function gram(D: Design, primal: boolean): Float64Array {
  const { n, d, Xc } = D;
  if (primal) {
    const G = new Float64Array(d * d);
    for (let e = 0; e < n; e++) {
      const row = e * d;
      for (let f = 0; f < d; f++) {
        const v = Xc[row + f];
        if (v === 0) continue;
        const gf = f * d;
        for (let g = 0; g <= f; g++) G[gf + g] += v * Xc[row + g];
      }
    }
    for (let f = 0; f < d; f++) for (let g = 0; g < f; g++) G[g * d + f] = G[f * d + g];
    return G;
  }
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += Xc[i * d + f] * Xc[j * d + f];
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  return K;
}

/** One fit at λ from a precomputed Gram matrix; with `loo`, also the hat diagonal. */
function solve(D: Design, G: Float64Array, primal: boolean, lambda: number, loo: boolean): { model: RidgeModel; h?: Float64Array } {
  const { n, d, m, Xc, Yc } = D;
  const size = primal ? d : n;
  const A = G.slice();
  for (let i = 0; i < size; i++) A[i * size + i] += lambda;
  cholesky(A, size);
  const Wt = new Float64Array(d * m); // d × m
  if (primal) {
    for (let e = 0; e < n; e++) {
      for (let f = 0; f < d; f++) {
        const v = Xc[e * d + f];
        if (v === 0) continue;
        for (let c = 0; c < m; c++) Wt[f * m + c] += v * Yc[e * m + c];
      }
    }
    choleskySolve(A, d, Wt, m);
  } else {
    const alpha = Yc.slice();
    choleskySolve(A, n, alpha, m);
    for (let e = 0; e < n; e++) {
      for (let f = 0; f < d; f++) {
        const v = Xc[e * d + f];
        if (v === 0) continue;
        for (let c = 0; c < m; c++) Wt[f * m + c] += v * alpha[e * m + c];
      }
    }
  }
  const W = new Float64Array(m * d);
  const b = Float64Array.from(D.yMean);
  for (let c = 0; c < m; c++) {
    for (let f = 0; f < d; f++) {
      W[c * d + f] = Wt[f * m + c];
      b[c] -= Wt[f * m + c] * D.xMean[f];
    }
  }
  const model = { W, b, lambda };
  if (!loo) return { model };
  const h = new Float64Array(n);
  if (primal) {
    const scratch = new Float64Array(d);
    for (let e = 0; e < n; e++) h[e] = 1 / n + forwardNorm2(A, d, Xc.subarray(e * d, (e + 1) * d), scratch);
  } else {
    // Xc(XcᵀXc + λI)⁻¹Xcᵀ = K(K + λI)⁻¹ = I − λ(K + λI)⁻¹.
    const inv = inverseDiagonal(A, n);
    for (let e = 0; e < n; e++) h[e] = 1 / n + 1 - lambda * inv[e];
  }
  return { model, h };
}

/** Leave-one-out scores of one fit: [accuracy or MSE, squared error over the outputs], averaged over the entries. */
function looScores(D: Design, model: RidgeModel, h: Float64Array): { primary: number; squared: number } {
  const { n, d, m, Xc, Y, mult, labels } = D;
  let correct = 0;
  let squared = 0;
  const pred = new Float64Array(m);
  for (let e = 0; e < n; e++) {
    const shrink = 1 - mult[e] * h[e];
    for (let c = 0; c < m; c++) {
      // Fitted value from the centred row: b + W·x = ȳ + W·(x − x̄).
      let fit = D.yMean[c];
      for (let f = 0; f < d; f++) fit += model.W[c * d + f] * Xc[e * d + f];
      const r = (Y[e * m + c] - fit) / shrink;
      squared += r * r;
      pred[c] = Y[e * m + c] - r;
    }
    if (labels) {
      let best = 0;
      for (let c = 1; c < m; c++) if (pred[c] > pred[best]) best = c;
      if (best === labels[e]) correct++;
    }
  }
  return { primary: labels ? correct / n : squared / n, squared: squared / n };
}

/**
 * The ridge fit on the training list, with its λ (fixed, or chosen by leave-one-out) and, when
 * chosen, the leave-one-out score of every candidate.
 */
export function fitRidgeModel(data: Dataset, train: Int32Array, opts: RidgeOptions = {}): { model: RidgeModel; looScores?: number[]; lambdas?: number[] } {
  const D = design(data, train);
  const primal = opts.form ? opts.form === 'primal' : D.d <= D.n;
  const G = gram(D, primal);
  const lambda = opts.lambda ?? 'loo';
  if (lambda !== 'loo') {
    if (!(lambda > 0 && Number.isFinite(lambda))) throw new RangeError(`ridge: λ must be a positive number, got ${lambda}`);
    return { model: solve(D, G, primal, lambda, false).model };
  }
  const lambdas = [...(opts.lambdas ?? RIDGE_LAMBDAS)];
  if (lambdas.length === 0 || lambdas.some((l) => !(l > 0 && Number.isFinite(l)))) throw new RangeError('ridge: the λ candidates must be positive numbers');
  for (let k = 1; k < lambdas.length; k++) if (!(lambdas[k] > lambdas[k - 1])) throw new RangeError('ridge: the λ candidates must increase');
  // Leave-one-out needs a second distinct sample; with one, the first candidate stands.
  if (readList(data, train).distinct < 2) return { model: solve(D, G, primal, lambdas[0], false).model };
  const fits = lambdas.map((l) => solve(D, G, primal, l, true));
  const scores = fits.map((f) => looScores(D, f.model, f.h!));
  let best = 0;
  for (let k = 1; k < scores.length; k++) {
    const s = scores[k];
    const t = scores[best];
    const better = D.labels
      ? s.primary > t.primary || (s.primary === t.primary && s.squared <= t.squared)
      : s.primary <= t.primary;
    if (better) best = k;
  }
  return { model: fits[best].model, looScores: scores.map((s) => s.primary), lambdas };
}

/** The ridge floor (ridge regression, or the ridge classifier). */
export function fitRidge(data: Dataset, train: Int32Array, opts: RidgeOptions = {}): Floor {
  const { model, looScores: scores, lambdas } = fitRidgeModel(data, train, opts);
  const { W, b } = model;
  const d = data.nInputs;
  const m = b.length;
  const classes = data.task === 'classification';
  const out = new Float64Array(m);
  const predictRow = (x: ArrayLike<number>, offset: number): number => {
    for (let c = 0; c < m; c++) {
      let s = b[c];
      const row = c * d;
      for (let f = 0; f < d; f++) s += W[row + f] * x[offset + f];
      out[c] = s;
    }
    if (!classes) return out[0];
    let best = 0;
    for (let c = 1; c < m; c++) if (out[c] > out[best]) best = c;
    return best;
  };
  return {
    id: 'ridge',
    task: data.task,
    settings: { lambda: model.lambda },
    selection: scores ? { key: 'lambda', candidates: lambdas!, looScores: scores } : undefined,
    predictRow,
    score: (x, indices, count, y, metric) => scoreRows(predictRow, d, x, indices, count, y, metric),
  };
}
