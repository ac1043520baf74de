// SGD on loss + λ Σ_l ‖W_l‖_F, the un-squared Frobenius norm, biases excluded (docs/METHOD.md §4).
// Its gradient is λ W_l / ‖W_l‖_F, taken at the weights before the step.

import { KERNEL_METHOD } from '../fast/kernel-methods.js';
import { frobenius, scale } from '../kernels.js';
import type { Network } from '../network.js';
import { plainParams, type LearningRule } from './rule.js';
import { sgdStep } from './sgd.js';

export function l2(lambda: number): LearningRule<null> {
  return {
    id: `l2-${lambda}`,
    module: import.meta.url,
    init: () => null,
    update(net: Network, _state: null, lr: number) {
      // W ← W − η(δaᵀ + λ W/‖W‖) = (1 − ηλ/‖W‖)·W − η δaᵀ; the data gradient uses the same
      // pre-step W because δ was computed before any update.
      for (const layer of net.layers) {
        const n = layer.W.length;
        const norm = frobenius(layer.W, n);
        if (norm > 0) scale(layer.W, n, 1 - (lr * lambda) / norm);
      }
      sgdStep(net, lr);
    },
    params: (net) => plainParams(net),
    kernel: { method: KERNEL_METHOD.l2, lambda },
  };
}
