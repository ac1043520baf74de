// The ablation of docs/METHOD.md §4.1: what a DWM step does to W = W1 − W2, on W alone.
// Per output unit j: W[j] ← (1 − η|δ_j|)·W[j] − η δ_j a,  b_j ← b_j − η δ_j; no state.
// DWM decays only the side it pulls; this decays the whole row at DWM's rate η|δ_j|.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { biasStep } from '../kernels.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';

export const sgdGatedDecay: LearningRule<null> = {
  id: 'sgd-gated-decay',
  module: import.meta.url,
  init: () => null,
  update(net: Network, _state: null, lr: number) {
    for (let l = 0; l < net.layers.length; l++) {
      const { W, b, nIn, nOut } = net.layers[l];
      const delta = net.deltas[l];
      const a = net.acts[l];
      for (let j = 0; j < nOut; j++) {
        const d = delta[j];
        const keep = 1 - lr * Math.abs(d);
        for (let i = 0; i < nIn; i++) W[j * nIn + i] = keep * W[j * nIn + i] - lr * d * a[i];
      }
      biasStep(b, delta, lr, nOut);
    }
  },
  params: (net) => plainParams(net),
  kernel: { method: KERNEL_METHOD.sgdGatedDecay, lambda: 0 },
};
