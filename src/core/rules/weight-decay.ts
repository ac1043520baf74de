// Ordinary squared L2 ("weight decay"), an extra beyond the paper: SGD on
// loss + (λ/2) Σ_l ‖W_l‖_F², gradient λ W_l, biases excluded. Not the paper's `l2`.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { scale } from '../kernels.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';
import { sgdStep } from './sgd.js';

export function weightDecay(lambda: number): LearningRule<null> {
  return {
    id: `weight-decay-${lambda}`,
    module: import.meta.url,
    init: () => null,
    update(net: Network, _state: null, lr: number) {
      // W ← W − η(δaᵀ + λW) = (1 − ηλ)·W − η δaᵀ.
      const keep = 1 - lr * lambda;
      for (const layer of net.layers) scale(layer.W, layer.W.length, keep);
      sgdStep(net, lr);
    },
    params: (net) => plainParams(net),
    kernel: { method: KERNEL_METHOD.weightDecay, lambda },
  };
}
