// The dual-weight method (docs/METHOD.md §2). Each layer keeps W1 (targets) and W2 (non-targets);
// the network computes with W = W1 − W2. For output neuron j with error δ_j:
//   r1 = η·max(−δ_j, 0) pulls W1[j,:] toward the input, r2 = η·max(δ_j, 0) pulls W2[j,:];
//   b_j ← b_j − η δ_j. No clamp: η|δ| > 1 overshoots, as in the paper.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { biasStep, dualRowPull } from '../kernels.js';
import type { Network } from '../network.js';
import type { LayerParams, LearningRule } from './rule.js';

export interface DualState {
  /** Target weights per layer, n_out × n_in. */
  W1: Float64Array[];
  /** Non-target weights per layer, n_out × n_in. */
  W2: Float64Array[];
}

/** W1 takes the network's initial weights (He-normal), W2 starts at 0, so W = W1 − W2 is unchanged. */
export function initDual(net: Network): DualState {
  return {
    W1: net.layers.map((layer) => layer.W.slice()),
    W2: net.layers.map((layer) => new Float64Array(layer.W.length)),
  };
}

export function dualParams(net: Network, state: DualState): LayerParams[] {
  return net.layers.map((layer, l) => ({
    W1: state.W1[l].slice(),
    W2: state.W2[l].slice(),
    W: layer.W.slice(),
    b: layer.b.slice(),
  }));
}

export const dwm: LearningRule<DualState> = {
  id: 'dwm',
  module: import.meta.url,
  dual: true,
  init: initDual,
  update(net, state, lr) {
    for (let l = 0; l < net.layers.length; l++) {
      const layer = net.layers[l];
      const delta = net.deltas[l];
      const a = net.acts[l];
      const W1 = state.W1[l];
      const W2 = state.W2[l];
      for (let j = 0; j < layer.nOut; j++) {
        const d = delta[j];
        if (d < 0) dualRowPull(W1, W1, W2, layer.W, j, -lr * d, a, layer.nIn);
        else if (d > 0) dualRowPull(W2, W1, W2, layer.W, j, lr * d, a, layer.nIn);
      }
      biasStep(layer.b, delta, lr, layer.nOut);
    }
  },
  params: dualParams,
  kernel: { method: KERNEL_METHOD.dwm, lambda: 0 },
};
