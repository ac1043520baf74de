// Heavy-ball SGD (docs/METHOD.md §4.2). Per weight and per bias a velocity v, from 0:
//   v ← β v + g,  then  W ← W − η v            (nesterov = 0)
//                  or   W ← W − η (g + β v)     (nesterov = 1, the look-ahead form PyTorch uses),
// with g = δ_j a_i for W[j, i] and g = δ_j for b_j, the gradient sgd steps along.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';

/** The velocities of W and of b, per layer. */
export interface MomentumState {
  vW: Float64Array[];
  vb: Float64Array[];
}

export function momentum(beta: number, nesterov: boolean): LearningRule<MomentumState> {
  return {
    id: 'momentum',
    module: import.meta.url,
    init: (net: Network) => ({
      vW: net.layers.map((layer) => new Float64Array(layer.W.length)),
      vb: net.layers.map((layer) => new Float64Array(layer.nOut)),
    }),
    update(net: Network, state: MomentumState, lr: number) {
      for (let l = 0; l < net.layers.length; l++) {
        const { W, b, nIn, nOut } = net.layers[l];
        const delta = net.deltas[l];
        const a = net.acts[l];
        const vW = state.vW[l];
        const vb = state.vb[l];
        for (let j = 0; j < nOut; j++) {
          const d = delta[j];
          for (let i = 0; i < nIn; i++) {
            const p = j * nIn + i;
            const g = d * a[i];
            const v = beta * vW[p] + g;
            vW[p] = v;
            W[p] = W[p] - lr * (nesterov ? g + beta * v : v);
          }
          const v = beta * vb[j] + d;
          vb[j] = v;
          b[j] = b[j] - lr * (nesterov ? d + beta * v : v);
        }
      }
    },
    params: (net) => plainParams(net),
    kernel: { method: KERNEL_METHOD.momentum, lambda: 0, params: [beta, nesterov ? 1 : 0, 0, 0] },
  };
}
