// Why a trained model scores as it does, not only how well (docs/METHOD.md, "Diagnostics"):
// per layer the Frobenius and spectral norms of W (and of W1, W2 for the dual-weight rules),
// the product of the spectral norms (a bound on the network's Lipschitz constant in L2, since
// ReLU is 1-Lipschitz), the share of hidden units never active on the training list, and for
// classification the distribution of output margins on the test set (at most MARGIN_SAMPLE
// inputs, evenly spread).

import { RefForward } from '../core/fast/forward64.js';
import { frobenius, spectralNorm } from '../core/norms.js';
import type { LayerParams } from '../core/rules/index.js';
import type { Dataset } from '../data/types.js';
import { spreadSample } from './health.js';
import type { LayerDiagnostics, MarginSummary, ModelDiagnostics } from './record.js';

/**
 * Margins are measured on the whole test set up to this many inputs, else on this many spread
 * evenly over it: they run on the float64 reference network (the bits of Network.forward, on
 * WebAssembly: src/core/fast/forward64.ts), and a pass over MNIST's 54,000 test inputs for each
 * of five methods would add to every run for quantiles that 10,000 inputs already pin down.
 */
export const MARGIN_SAMPLE = 10000;

/** The margin quantiles a record keeps, by name. */
export const MARGIN_QUANTILES = { q05: 0.05, q25: 0.25, median: 0.5, q75: 0.75, q95: 0.95 } as const;

/**
 * The q-quantile of ascending `sorted` by linear interpolation between order statistics
 * (position q·(n − 1); numpy's default, R's type 7).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Norms of one matrix: Frobenius and spectral. */
function norms(W: Float64Array, nOut: number, nIn: number): { frobenius: number; spectral: number } {
  return { frobenius: frobenius(W, W.length), spectral: spectralNorm(W, nOut, nIn) };
}

/** Per-layer norms and their spectral product, from the parameters alone. */
export function weightNorms(params: readonly LayerParams[], sizes: readonly number[]): { layers: LayerDiagnostics[]; lipschitz: number } {
  let lipschitz = 1;
  const layers = params.map((p, l) => {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const w = norms(p.W, nOut, nIn);
    lipschitz *= w.spectral;
    const out: LayerDiagnostics = { frobenius: w.frobenius, spectral: w.spectral };
    if (p.W1 && p.W2) {
      const w1 = norms(p.W1, nOut, nIn);
      const w2 = norms(p.W2, nOut, nIn);
      out.frobeniusW1 = w1.frobenius;
      out.spectralW1 = w1.spectral;
      out.frobeniusW2 = w2.frobenius;
      out.spectralW2 = w2.spectral;
    }
    return out;
  });
  return { layers, lipschitz };
}

/**
 * For each hidden layer, the share of its units whose pre-activation is ≤ 0 (ReLU output 0) on
 * every input of `rows` (the training list; repeats change nothing); and that share over all
 * hidden units. A network without hidden layers has none (NaN).
 */
export function deadUnits(ref: RefForward, sizes: readonly number[], x: Float32Array, rows: Int32Array): { perLayer: number[]; all: number } {
  const hidden = sizes.slice(1, -1);
  const alive = new Uint8Array(hidden.reduce((s, n) => s + n, 0));
  ref.run(x, Int32Array.from(new Set(rows)), null, alive);
  let dead = 0;
  let at = 0;
  const perLayer = hidden.map((n) => {
    let d = 0;
    for (let j = 0; j < n; j++) if (alive[at + j] === 0) d++;
    at += n;
    dead += d;
    return d / n;
  });
  return { perLayer, all: alive.length ? dead / alive.length : NaN };
}

/** Margin of each listed input: its label's output minus the largest other output (a NaN output is passed over). */
export function margins(ref: RefForward, x: Float32Array, y: Float32Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  ref.run(x, rows, (k, z) => {
    const c = y[rows[k]];
    let other = -Infinity;
    for (let j = 0; j < z.length; j++) if (j !== c && z[j] > other) other = z[j];
    out[k] = z[c] - other;
  });
  return out;
}

/** Summary of a list of margins: extremes, quantiles, mean, and the share below 0 (misclassified). */
export function marginSummary(values: Float64Array): MarginSummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let negative = 0;
  for (const v of sorted) {
    sum += v;
    if (v < 0) negative++;
  }
  const n = sorted.length;
  const q = Object.fromEntries(Object.entries(MARGIN_QUANTILES).map(([k, p]) => [k, quantile(sorted, p)])) as Record<keyof typeof MARGIN_QUANTILES, number>;
  return { min: n ? sorted[0] : NaN, ...q, max: n ? sorted[n - 1] : NaN, mean: n ? sum / n : NaN, negative: n ? negative / n : NaN };
}

/** Every diagnostic of one trained model (its parameters), on the run's data and lists. */
export function diagnose(params: readonly LayerParams[], sizes: readonly number[], data: Dataset, train: Int32Array, test: Int32Array): ModelDiagnostics {
  const { layers, lipschitz } = weightNorms(params, sizes);
  const classification = data.task === 'classification';
  const ref = new RefForward(params, sizes);
  const dead = deadUnits(ref, sizes, data.x, train);
  dead.perLayer.forEach((d, l) => (layers[l].dead = d));
  const out: ModelDiagnostics = { layers, lipschitz, dead: dead.all };
  if (classification) out.margin = marginSummary(margins(ref, data.x, data.y, spreadSample(test, MARGIN_SAMPLE)));
  return out;
}

