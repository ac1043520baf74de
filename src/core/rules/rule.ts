// The one small interface every learning rule implements. As in optax the state is explicit
// (init makes it, update takes it), but unlike optax update returns nothing: it reads the layer
// inputs (net.acts) and δ (net.deltas) that forward() and backward() left in the network and
// changes the network's parameters and the state in place, so a step allocates nothing.

import type { KernelMethod } from '../fast/kernel-methods.js';
import type { Network } from '../network.js';

/** Parameters of one layer as saved for replay: W1/W2 for dual-weight rules, W and b always. */
export interface LayerParams {
  W: Float64Array;
  b: Float64Array;
  W1?: Float64Array;
  W2?: Float64Array;
}

export interface LearningRule<S> {
  /** The method's id as it appears in results, e.g. `dwm`, `l2-0.01`. */
  readonly id: string;
  /**
   * The module that defines the rule (its `import.meta.url`): the code fingerprint of a run
   * (experiment/provenance.ts) covers the rules the run uses, found through this.
   */
  readonly module: string;
  /** A dual-weight rule (W = W1 − W2): its role in comparisons and in what a run saves. */
  readonly dual?: boolean;
  /** Creates the rule's state for a network whose W holds the initial effective weights. */
  init(net: Network): S;
  /** One update after forward() and backward() of one sample; allocates nothing. */
  update(net: Network, state: S, lr: number): void;
  /** Copies of the current parameters, for saving. */
  params(net: Network, state: S): LayerParams[];
  /**
   * The same update as a kernel of the fast engine (src/core/fast/kernels.as), with its λ;
   * absent when there is none, and the rule then runs on the reference engine.
   */
  readonly kernel?: KernelForm;
}

/** A rule's form in the fast engine: which compiled update kernel, and its λ (0 if none). */
export interface KernelForm {
  method: KernelMethod;
  lambda: number;
  /** The kernel's four hyperparameters (kernels.as setParams): momentum β, nesterov; adam β1, β2, ε, decay. */
  params?: readonly [number, number, number, number];
}

/** Copies of W and b of every layer. */
export function plainParams(net: Network): LayerParams[] {
  return net.layers.map((layer) => ({ W: layer.W.slice(), b: layer.b.slice() }));
}
