// Adam (Kingma & Ba 2015) with bias correction, and AdamW's decoupled weight decay
// (docs/METHOD.md §4.2). Per weight and per bias the moments m and v, from 0; at step t:
//   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,
//   W ← W − η ( (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε) + λ W ),
// with g as for sgd (δ_j a_i, and δ_j for b_j) and λ the decoupled decay, applied to the biases
// too (λ = 0 by default). β1^t, β2^t are kept as running products.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';

export interface AdamState {
  mW: Float64Array[];
  vW: Float64Array[];
  mb: Float64Array[];
  vb: Float64Array[];
  /** β1^t and β2^t after the last step. */
  b1t: number;
  b2t: number;
}

export interface AdamParams {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export function adam({ beta1, beta2, eps, weightDecay }: AdamParams): LearningRule<AdamState> {
  /** One entry: moments at (m, v)[p] with gradient g, weight x; returns the new weight. */
  const entry = (m: Float64Array, v: Float64Array, p: number, g: number, x: number, lr: number, c1: number, c2: number): number => {
    const mp = beta1 * m[p] + (1 - beta1) * g;
    const vp = beta2 * v[p] + (1 - beta2) * (g * g);
    m[p] = mp;
    v[p] = vp;
    return x - lr * ((mp * c1) / (Math.sqrt(vp * c2) + eps) + weightDecay * x);
  };
  return {
    id: 'adam',
    module: import.meta.url,
    init: (net: Network) => ({
      mW: net.layers.map((layer) => new Float64Array(layer.W.length)),
      vW: net.layers.map((layer) => new Float64Array(layer.W.length)),
      mb: net.layers.map((layer) => new Float64Array(layer.nOut)),
      vb: net.layers.map((layer) => new Float64Array(layer.nOut)),
      b1t: 1,
      b2t: 1,
    }),
    update(net: Network, state: AdamState, lr: number) {
      state.b1t *= beta1;
      state.b2t *= beta2;
      const c1 = 1 / (1 - state.b1t);
      const c2 = 1 / (1 - state.b2t);
      for (let l = 0; l < net.layers.length; l++) {
        const { W, b, nIn, nOut } = net.layers[l];
        const delta = net.deltas[l];
        const a = net.acts[l];
        for (let j = 0; j < nOut; j++) {
          const d = delta[j];
          for (let i = 0; i < nIn; i++) {
            const p = j * nIn + i;
            W[p] = entry(state.mW[l], state.vW[l], p, d * a[i], W[p], lr, c1, c2);
          }
          b[j] = entry(state.mb[l], state.vb[l], j, d, b[j], lr, c1, c2);
        }
      }
    },
    params: (net) => plainParams(net),
    kernel: { method: KERNEL_METHOD.adam, lambda: 0, params: [beta1, beta2, eps, weightDecay] },
  };
}
