// One trained model: a network, its learning rule and the rule's state. The training step
// of docs/METHOD.md §7 (one sample: forward, δ for every layer, then every layer's update).

import { argmax } from './loss.js';
import type { EngineName } from './model-factory.js';
import type { Network } from './network.js';
import type { LayerParams, LearningRule } from './rules/rule.js';

/** What the protocol needs of a trained model; the reference Model and faster engines implement it. */
export interface Trainable {
  readonly id: string;
  /** The engine this model runs on (a rule without a fast kernel runs on `reference`). */
  readonly engine: EngineName;
  step(x: Float32Array, index: number, target: number, lr: number): number;
  score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: 'accuracy' | 'mse'): number;
  params(): LayerParams[];
}

export class Model implements Trainable {
  /** Where the reference engine is defined (for the code fingerprint, model-factory.ts). */
  static readonly module = import.meta.url;
  readonly id: string;
  readonly engine = 'reference';
  readonly net: Network;
  private readonly rule: LearningRule<unknown>;
  private readonly state: unknown;

  constructor(id: string, net: Network, rule: LearningRule<any>) {
    this.id = id;
    this.net = net;
    this.rule = rule;
    this.state = rule.init(net);
  }

  /** Copies sample `index` of the row-major table x into the input buffer. */
  load(x: Float32Array, index: number): void {
    const n = this.net.nInputs;
    const input = this.net.acts[0];
    const base = index * n;
    for (let i = 0; i < n; i++) input[i] = x[base + i];
  }

  /** One training step on sample `index` with target (label or value) `target`; returns the loss. */
  step(x: Float32Array, index: number, target: number, lr: number): number {
    this.load(x, index);
    this.net.forward();
    const loss = this.net.backward(target);
    this.rule.update(this.net, this.state, lr);
    return loss;
  }

  /** Forward pass on whatever is in the input buffer; returns the predicted class. */
  predictClass(): number {
    this.net.forward();
    return argmax(this.net.output, this.net.nOutputs);
  }

  /** Forward pass on whatever is in the input buffer; returns the single regression output. */
  predictValue(): number {
    this.net.forward();
    return this.net.output[0];
  }

  /**
   * Sum over the listed rows of x of the per-sample score: 1 for a correct class (metric
   * 'accuracy') or the squared error (metric 'mse'). Divide by the count for the metric.
   */
  score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: 'accuracy' | 'mse'): number {
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      this.load(x, i);
      if (metric === 'accuracy') {
        if (this.predictClass() === y[i]) total += 1;
      } else {
        const e = this.predictValue() - y[i];
        total += e * e;
      }
    }
    return total;
  }

  params(): LayerParams[] {
    return this.rule.params(this.net, this.state);
  }
}
