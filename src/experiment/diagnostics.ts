// Why a trained model scores as it does, not only how well (docs/METHOD.md, "Diagnostics"):
// per layer the Frobenius and spectral norms of W (and of W1, W2 for the dual-weight rules),
// the product of the spectral norms (a bound on the network's Lipschitz constant in L2, since
// ReLU is 1-Lipschitz), the share of hidden units never active on the training list, and for
// classification the distribution of output margins on the test set (at most MARGIN_SAMPLE
// inputs, evenly spread).

import { Network } from '../core/network.js';
import { frobenius, spectralNorm } from '../core/norms.js';
import type { LayerParams } from '../core/rules/index.js';
import type { Dataset } from '../data/types.js';
import { spreadSample } from './health.js';
import type { LayerDiagnostics, MarginSummary, ModelDiagnostics } from './record.js';

/**
 * Margins are measured on the whole test set up to this many inputs, else on this many spread
 * evenly over it: they run on the reference network, and a pass over MNIST's 54,000 test inputs
 * for each of five methods would add seconds to every run for quantiles that 10,000 inputs
 * already pin down.
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

/** The network of a model's effective weights. */
function netOf(params: readonly LayerParams[], sizes: readonly number[], classification: boolean): Network {
  const net = new Network(sizes, classification ? 'softmax-ce' : 'mse');
  params.forEach((p, l) => {
    net.layers[l].W.set(p.W);
    net.layers[l].b.set(p.b);
  });
  return net;
}

function load(net: Network, x: Float32Array, i: number): void {
  const n = net.nInputs;
  const input = net.acts[0];
  for (let k = 0; k < n; k++) input[k] = x[i * n + k];
}

/**
 * For each hidden layer, the share of its units whose pre-activation is ≤ 0 (ReLU output 0) on
 * every input of `rows` (the training list; repeats change nothing); and that share over all
 * hidden units. A network without hidden layers has none (NaN).
 */
export function deadUnits(net: Network, x: Float32Array, rows: Int32Array): { perLayer: number[]; all: number } {
  const hidden = net.layers.length - 1;
  const alive = Array.from({ length: hidden }, (_, l) => new Uint8Array(net.layers[l].nOut));
  for (const i of new Set(rows)) {
    load(net, x, i);
    net.forward();
    for (let l = 0; l < hidden; l++) {
      const z = net.zs[l];
      const a = alive[l];
      for (let j = 0; j < a.length; j++) if (z[j] > 0) a[j] = 1;
    }
  }
  let dead = 0;
  let units = 0;
  const perLayer = alive.map((a) => {
    let d = 0;
    for (const v of a) if (v === 0) d++;
    dead += d;
    units += a.length;
    return d / a.length;
  });
  return { perLayer, all: units ? dead / units : NaN };
}

/**
 * Margin of each listed input: its label's output minus the largest other output. Inputs that
 * are mostly non-zero (CIFAR-10, a noisy image) go four at a time through Forward4, which gives
 * the bits Network.forward gives; the others one at a time through Network.forward.
 */
export function margins(net: Network, x: Float32Array, y: Float32Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  const m = net.nOutputs;
  const margin = (z: Float64Array, k: number) => {
    const c = y[rows[k]];
    let other = -Infinity;
    for (let j = 0; j < m; j++) if (j !== c && z[j] > other) other = z[j];
    out[k] = z[c] - other;
  };
  const four = new Forward4(net);
  // Groups of four start at multiples of 4; a mostly-zero group and the tail go one at a time.
  for (let k = 0; k < rows.length;) {
    if (k % 4 === 0 && k + 4 <= rows.length && four.load(x, rows, k)) {
      four.run();
      for (let s = 0; s < 4; s++) margin(four.output(s), k + s);
      k += 4;
    } else {
      load(net, x, rows[k]);
      net.forward();
      margin(net.output, k);
      k++;
    }
  }
  return out;
}

/**
 * The forward pass of Network.forward for four inputs at once, each weight read once for the
 * four: per sample and unit, the bias plus the products over its non-zero inputs in ascending
 * order, the sums Network.forward (forwardSparse) forms, so the outputs are its bits.
 */
export class Forward4 {
  private readonly acts: Float64Array[][];
  private readonly zs: Float64Array[][];

  constructor(private readonly net: Network) {
    this.acts = net.layers.map((l) => [0, 1, 2, 3].map(() => new Float64Array(l.nIn)));
    this.zs = net.layers.map((l) => [0, 1, 2, 3].map(() => new Float64Array(l.nOut)));
  }

  /** Loads rows[k..k+4) of x; false (nothing to run) when fewer than half their inputs are non-zero. */
  load(x: Float32Array, rows: ArrayLike<number>, k: number): boolean {
    const n = this.net.nInputs;
    let nonZero = 0;
    for (let s = 0; s < 4; s++) {
      const base = rows[k + s] * n;
      for (let i = 0; i < n; i++) if (x[base + i] !== 0) nonZero++;
    }
    if (nonZero * 2 < 4 * n) return false;
    for (let s = 0; s < 4; s++) {
      const a = this.acts[0][s];
      const base = rows[k + s] * n;
      for (let i = 0; i < n; i++) a[i] = x[base + i];
    }
    return true;
  }

  run(): void {
    const L = this.net.layers.length;
    for (let l = 0; l < L; l++) {
      const { W, b, nIn, nOut } = this.net.layers[l];
      const [a0, a1, a2, a3] = this.acts[l];
      const [z0, z1, z2, z3] = this.zs[l];
      for (let j = 0; j < nOut; j++) {
        const row = j * nIn;
        let s0 = b[j];
        let s1 = s0;
        let s2 = s0;
        let s3 = s0;
        for (let i = 0; i < nIn; i++) {
          const w = W[row + i];
          const v0 = a0[i];
          const v1 = a1[i];
          const v2 = a2[i];
          const v3 = a3[i];
          if (v0 !== 0) s0 += w * v0;
          if (v1 !== 0) s1 += w * v1;
          if (v2 !== 0) s2 += w * v2;
          if (v3 !== 0) s3 += w * v3;
        }
        z0[j] = s0;
        z1[j] = s1;
        z2[j] = s2;
        z3[j] = s3;
      }
      if (l + 1 < L) {
        for (let s = 0; s < 4; s++) {
          const z = this.zs[l][s];
          const a = this.acts[l + 1][s];
          for (let j = 0; j < nOut; j++) a[j] = z[j] > 0 ? z[j] : 0;
        }
      }
    }
  }

  /** The output layer's z of sample s after run(). */
  output(s: number): Float64Array {
    return this.zs[this.zs.length - 1][s];
  }
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
  const net = netOf(params, sizes, classification);
  const dead = deadUnits(net, data.x, train);
  dead.perLayer.forEach((d, l) => (layers[l].dead = d));
  const out: ModelDiagnostics = { layers, lipschitz, dead: dead.all };
  if (classification) out.margin = marginSummary(margins(net, data.x, data.y, spreadSample(test, MARGIN_SAMPLE)));
  return out;
}

