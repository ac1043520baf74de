// DWM with the stabiliser (docs/METHOD.md §3). Each layer keeps A_j, a running average of |δ_j|
// starting at 1; the pull is r = η·min(0.1·|δ_j|/A_j, 1) on the side the sign of δ_j picks.
// After the weight update, A_j ← (1 − η)A_j + η|δ_j| for every neuron with δ_j ≠ 0.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { biasStep, dualRowPull } from '../kernels.js';
import { dualParams, initDual, type DualState } from './dwm.js';
import type { LearningRule } from './rule.js';

export interface StableState extends DualState {
  /** Running average of |δ| per neuron, per layer. */
  A: Float64Array[];
}

export const dwmStable: LearningRule<StableState> = {
  id: 'dwm-stable',
  module: import.meta.url,
  dual: true,
  init(net) {
    return { ...initDual(net), A: net.layers.map((layer) => new Float64Array(layer.nOut).fill(1)) };
  },
  update(net, state, lr) {
    for (let l = 0; l < net.layers.length; l++) {
      const layer = net.layers[l];
      const delta = net.deltas[l];
      const a = net.acts[l];
      const A = state.A[l];
      const W1 = state.W1[l];
      const W2 = state.W2[l];
      for (let j = 0; j < layer.nOut; j++) {
        const d = delta[j];
        if (d === 0) continue;
        const mag = d < 0 ? -d : d;
        const r = lr * Math.min((0.1 * mag) / A[j], 1);
        dualRowPull(d < 0 ? W1 : W2, W1, W2, layer.W, j, r, a, layer.nIn);
        A[j] = (1 - lr) * A[j] + lr * mag;
      }
      biasStep(layer.b, delta, lr, layer.nOut);
    }
  },
  params: dualParams,
  kernel: { method: KERNEL_METHOD.dwmStable, lambda: 0 },
};
