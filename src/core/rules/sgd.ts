// Plain stochastic gradient descent on W and b (docs/METHOD.md §4): W ← W − η δ aᵀ, b ← b − η δ.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { biasStep, outerUpdateSparse } from '../kernels.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';

export function sgdStep(net: Network, lr: number): void {
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const delta = net.deltas[l];
    outerUpdateSparse(layer.W, delta, lr, net.acts[l], net.nzIdx[l], net.nnz[l], layer.nIn, layer.nOut);
    biasStep(layer.b, delta, lr, layer.nOut);
  }
}

export const sgd: LearningRule<null> = {
  id: 'sgd',
  module: import.meta.url,
  init: () => null,
  update: (net, _state, lr) => sgdStep(net, lr),
  params: (net) => plainParams(net),
  kernel: { method: KERNEL_METHOD.sgd, lambda: 0 },
};
