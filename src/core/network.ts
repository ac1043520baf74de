// The MLP of docs/METHOD.md §2: dense layers z = W a + b, ReLU between them, a linear last layer.
// All buffers are allocated once here; forward and backward allocate nothing.

import { backwardRelu, forwardSparse, nonZeroIndices, relu } from './kernels.js';
import { mseLoss, softmaxCrossEntropy, softmaxCrossEntropySmoothed, type LossName } from './loss.js';
import type { Rng } from './rng.js';

export interface Layer {
  readonly nIn: number;
  readonly nOut: number;
  /** Effective weights, n_out × n_in row-major (for DWM this is W1 − W2). */
  readonly W: Float64Array;
  readonly b: Float64Array;
}

export class Network {
  readonly sizes: readonly number[];
  readonly layers: Layer[];
  readonly loss: LossName;
  /** acts[l] is the input of layer l; acts[0] is the sample, acts[L] the output z of the last layer. */
  readonly acts: Float64Array[];
  /** Pre-activations z of each layer. */
  readonly zs: Float64Array[];
  /** δ = ∂L/∂z of each layer, filled by backward(). */
  readonly deltas: Float64Array[];
  /** Non-zero indices of each layer's input, and how many, filled by forward(). */
  readonly nzIdx: Int32Array[];
  readonly nnz: Int32Array;
  /**
   * Dropout during a training step (docs/METHOD.md §7): masks[l] multiplies the activations of
   * hidden layer l (0 = dropped, 1/(1 − p) = kept) in forward() and its δ in backward(). null
   * (evaluation, and training without dropout) = no mask.
   */
  dropMasks: Float64Array[] | null = null;

  constructor(sizes: readonly number[], loss: LossName) {
    if (sizes.length < 2) throw new RangeError('a network needs at least an input and an output size');
    for (const s of sizes) if (!Number.isInteger(s) || s < 1) throw new RangeError(`bad layer size ${s}`);
    if (loss === 'mse' && sizes[sizes.length - 1] !== 1) throw new RangeError('mse needs exactly one output');
    this.sizes = [...sizes];
    this.loss = loss;
    this.layers = [];
    this.zs = [];
    this.deltas = [];
    this.nzIdx = [];
    this.acts = [new Float64Array(sizes[0])];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      this.layers.push({ nIn, nOut, W: new Float64Array(nIn * nOut), b: new Float64Array(nOut) });
      this.zs.push(new Float64Array(nOut));
      this.deltas.push(new Float64Array(nOut));
      this.nzIdx.push(new Int32Array(nIn));
      // The last layer's "activation" is its z itself.
      this.acts.push(l + 2 === sizes.length ? this.zs[l] : new Float64Array(nOut));
    }
    this.nnz = new Int32Array(this.layers.length);
  }

  get nInputs(): number {
    return this.sizes[0];
  }

  get nOutputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** The output z of the last layer after forward(). */
  get output(): Float64Array {
    return this.acts[this.layers.length];
  }

  /** He-normal weights, N(0, 2/n_in), drawn layer by layer in row-major order; biases 0 (docs/METHOD.md §2). */
  initHeNormal(rng: Rng): void {
    for (const layer of this.layers) {
      const sd = Math.sqrt(2 / layer.nIn);
      for (let i = 0; i < layer.W.length; i++) layer.W[i] = sd * rng.normal();
      layer.b.fill(0);
    }
  }

  /** A network of the same shape with copies of these weights (and fresh buffers). */
  clone(): Network {
    const copy = new Network(this.sizes, this.loss);
    for (let l = 0; l < this.layers.length; l++) {
      copy.layers[l].W.set(this.layers[l].W);
      copy.layers[l].b.set(this.layers[l].b);
    }
    return copy;
  }

  /** Forward pass on acts[0] (the caller writes the sample there first). */
  forward(): void {
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const layer = this.layers[l];
      const a = this.acts[l];
      const nnz = nonZeroIndices(a, layer.nIn, this.nzIdx[l]);
      this.nnz[l] = nnz;
      forwardSparse(layer.W, layer.b, a, this.nzIdx[l], nnz, layer.nIn, layer.nOut, this.zs[l]);
      if (l + 1 < L) {
        relu(this.zs[l], layer.nOut, this.acts[l + 1]);
        if (this.dropMasks) multiplyInto(this.acts[l + 1], this.dropMasks[l], layer.nOut);
      }
    }
  }

  /**
   * δ of the output layer from the loss, then δ of every hidden layer, all with the weights
   * as they are now (before any update). Returns the loss of the sample.
   * `target` is the class label (softmax-ce) or the regression target (mse); `smoothing` is the
   * label smoothing ε of softmax-ce (0 = the plain one-hot target).
   */
  backward(target: number, smoothing = 0): number {
    const L = this.layers.length;
    const out = this.zs[L - 1];
    const loss = this.loss === 'mse'
      ? mseLoss(out, target, this.deltas[L - 1])
      : smoothing !== 0
        ? softmaxCrossEntropySmoothed(out, this.nOutputs, target, smoothing, this.deltas[L - 1])
        : softmaxCrossEntropy(out, this.nOutputs, target, this.deltas[L - 1]);
    for (let l = L - 1; l > 0; l--) {
      const layer = this.layers[l];
      backwardRelu(layer.W, this.deltas[l], this.zs[l - 1], layer.nIn, layer.nOut, this.deltas[l - 1]);
      if (this.dropMasks) multiplyInto(this.deltas[l - 1], this.dropMasks[l - 1], layer.nIn);
    }
    return loss;
  }

  /** Loss of the sample in acts[0] without touching δ (used by finite-difference checks). */
  lossOf(target: number, scratch: Float64Array): number {
    this.forward();
    const out = this.output;
    return this.loss === 'mse' ? mseLoss(out, target, scratch) : softmaxCrossEntropy(out, this.nOutputs, target, scratch);
  }
}

/** v[i] *= m[i] for i < n. */
function multiplyInto(v: Float64Array, m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) v[i] *= m[i];
}
