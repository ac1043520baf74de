// One trained model: a network, its learning rule and the rule's state. The training step
// of docs/METHOD.md §7 (one sample: forward, δ for every layer, then every layer's update).

import { argmax } from './loss.js';
import type { EngineName } from './model-factory.js';
import type { Network } from './network.js';
import { anyTrainOption, checkTrainOptions, maxNormRows, TrainDraws } from './regularizers.js';
import type { LayerParams, LearningRule } from './rules/rule.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from './train-options.js';

/** What the protocol needs of a trained model; the reference Model and faster engines implement it. */
export interface Trainable {
  readonly id: string;
  /** The engine this model runs on (a rule without a fast kernel runs on `reference`). */
  readonly engine: EngineName;
  step(x: Float32Array, index: number, target: number, lr: number): number;
  /**
   * Optional: steps [from, to) of a run's sample order at once, each exactly step()'s: step s
   * trains on row list[entries[s]] of x with target targets[entries[s]]. Returns lossSum plus
   * the steps' losses added one by one in step order, so that the sum is the one a loop over
   * step() makes, to the last bit. An engine without it is stepped by the caller.
   */
  trainSteps?(x: Float32Array, list: Int32Array, entries: Int32Array, targets: Float32Array, lr: number, from: number, to: number, lossSum: number): number;
  /**
   * Optional: where trainSteps keeps its progress while it runs, for another thread to read:
   * the Int32 at byteOffset of buffer holds the run's index of the next step to train (from at
   * the start of a call, to at its end, and in between at least every 256 steps; read it with
   * Atomics.load). null or absent: trainSteps reports nothing while it runs.
   */
  progressCell?(): { buffer: SharedArrayBuffer; byteOffset: number } | null;
  /**
   * Sum over the listed rows of x of 1 for a correct class or the squared error. `listed` (when
   * given) holds the same rows of x by their non-zero inputs; an engine may read it instead of
   * finding them in the rows, for the same sums.
   */
  score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: 'accuracy' | 'mse', listed?: ListedRows): number;
  params(): LayerParams[];
}

/**
 * Rows of a laid-out x by their non-zero inputs (evaluate.ts makes them for a sparse test list):
 * row i's are entries offsets[i] … offsets[i + 1] − 1 of `index` (input indices, ascending) and
 * `value` (the float32 values, widened exactly); an input is non-zero when it is not ±0 (NaN is).
 */
export interface ListedRows {
  offsets: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export class Model implements Trainable {
  /** Where the reference engine is defined (for the code fingerprint, model-factory.ts). */
  static readonly module = import.meta.url;
  readonly id: string;
  readonly engine = 'reference';
  readonly net: Network;
  private readonly rule: LearningRule<unknown>;
  private readonly state: unknown;
  /** The training-time options' draws and buffers; null when every option is 0 (the paper's step). */
  private readonly reg: { draws: TrainDraws; masks: Float64Array[]; hidden: readonly number[] } | null;

  constructor(id: string, net: Network, rule: LearningRule<any>, train: TrainOptions = NO_TRAIN_OPTIONS, seed = 0) {
    this.id = id;
    this.net = net;
    this.rule = rule;
    this.state = rule.init(net);
    checkTrainOptions(id, train, net.loss);
    if (train.maxNorm !== 0 && rule.dual && !dualWeights(this.state)) {
      throw new Error(`max-norm: the dual-weight rule '${rule.id}' keeps no W1/W2 in its state`);
    }
    this.reg = anyTrainOption(train)
      ? {
        draws: new TrainDraws(train, seed, id),
        masks: net.layers.slice(0, -1).map((layer) => new Float64Array(layer.nOut)),
        hidden: net.sizes.slice(1, -1),
      }
      : null;
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
    if (this.reg) return this.stepWithOptions(x, index, target, lr, this.reg);
    this.load(x, index);
    this.net.forward();
    const loss = this.net.backward(target);
    this.rule.update(this.net, this.state, lr);
    return loss;
  }

  /**
   * The step of docs/METHOD.md §7 with the training-time options: noisy input, forward and
   * backward with this step's dropout masks, δ of the smoothed target, the rule's update, then
   * max-norm on every layer's rows.
   */
  private stepWithOptions(x: Float32Array, index: number, target: number, lr: number, reg: NonNullable<Model['reg']>): number {
    const net = this.net;
    const t = reg.draws.options;
    if (t.inputNoise !== 0) {
      reg.draws.noisyInput(x, index * net.nInputs, net.nInputs, net.acts[0]);
    } else {
      this.load(x, index);
    }
    if (t.dropout !== 0) {
      reg.draws.fillMasks(reg.masks, reg.hidden);
      net.dropMasks = reg.masks;
    }
    try {
      net.forward();
      const loss = net.backward(target, t.labelSmoothing);
      this.rule.update(net, this.state, lr);
      if (t.maxNorm !== 0) this.applyMaxNorm(t.maxNorm);
      return loss;
    } finally {
      net.dropMasks = null;
    }
  }

  /** Max-norm on every layer; a dual-weight rule's W1 and W2 rows take the same factor. */
  private applyMaxNorm(c: number): void {
    const dual = this.rule.dual ? dualWeights(this.state) : null;
    this.net.layers.forEach((layer, l) => {
      maxNormRows(layer.W, layer.nIn, layer.nOut, c, dual?.W1[l], dual?.W2[l]);
    });
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

/** The W1 and W2 of a dual-weight rule's state (src/core/rules/dwm.ts DualState), or null. */
function dualWeights(state: unknown): { W1: Float64Array[]; W2: Float64Array[] } | null {
  const s = state as { W1?: unknown; W2?: unknown } | null;
  return s && Array.isArray(s.W1) && Array.isArray(s.W2) ? (s as { W1: Float64Array[]; W2: Float64Array[] }) : null;
}
