// The training-time options of docs/METHOD.md §7 (dropout, max-norm, input noise, label
// smoothing) as the engines share them. The random draws are made here, in TypeScript, for
// both engines: each model has its own dropout and input-noise streams derived from the run's
// seed and the method id, so the reference and the fast engine see the same masks and the same
// noisy inputs bit for bit (the fast engine copies them into its instance's memory).

import { UserError } from '../errors.js';
import type { LossName } from './loss.js';
import { Rng } from './rng.js';
import type { TrainOptions } from './train-options.js';
import { nextNormals } from './fast/normals.js';

/** Whether any option is on (all off = the code path and numbers of the paper's protocol). */
export function anyTrainOption(t: TrainOptions): boolean {
  return t.dropout !== 0 || t.maxNorm !== 0 || t.inputNoise !== 0 || t.labelSmoothing !== 0;
}

/** Checks the options of method `id` for a network trained with `loss`; a UserError names the bad one. */
export function checkTrainOptions(id: string, t: TrainOptions, loss: LossName): void {
  const bad = (key: string, v: number, want: string) => {
    throw new UserError(`method '${id}': train.${key} must be ${want}, got ${v}`);
  };
  if (!(t.dropout >= 0 && t.dropout < 1)) bad('dropout', t.dropout, 'in [0, 1)');
  if (!(t.maxNorm >= 0 && Number.isFinite(t.maxNorm))) bad('maxNorm', t.maxNorm, 'a finite number ≥ 0');
  if (!(t.inputNoise >= 0 && Number.isFinite(t.inputNoise))) bad('inputNoise', t.inputNoise, 'a finite number ≥ 0');
  if (!(t.labelSmoothing >= 0 && t.labelSmoothing <= 1)) bad('labelSmoothing', t.labelSmoothing, 'in [0, 1]');
  if (t.labelSmoothing !== 0 && loss !== 'softmax-ce') {
    throw new UserError(`method '${id}': train.labelSmoothing applies to classification only (this dataset is a regression)`);
  }
}

/** The name of a model's random stream for one option (its seed is the run's). */
export function trainStream(option: 'dropout' | 'inputNoise', id: string): string {
  return `train.${option}:${id}`;
}

/** The random draws of one model's training steps. */
export class TrainDraws {
  readonly options: TrainOptions;
  private readonly dropRng: Rng;
  private readonly noiseRng: Rng;
  private readonly keepScale: number;

  constructor(options: TrainOptions, seed: number, id: string) {
    this.options = options;
    this.dropRng = new Rng(seed, trainStream('dropout', id));
    this.noiseRng = new Rng(seed, trainStream('inputNoise', id));
    this.keepScale = 1 / (1 - options.dropout);
  }

  /**
   * The dropout stream for an engine that draws the masks itself (the fast engine's module):
   * its generator's state, the drop probability p and the kept-unit scale 1/(1 − p). Only for a
   * model that has not drawn masks here (it would carry on from a later point of the stream).
   */
  dropoutStream(): { state: [number, number, number, number]; p: number; keepScale: number } {
    return { state: this.dropRng.state(), p: this.options.dropout, keepScale: this.keepScale };
  }

  /**
   * One step's dropout masks, hidden layer by hidden layer, unit by unit: a unit is dropped
   * (0) when a uniform draw falls below p, else kept with the inverted-dropout scale 1/(1 − p).
   * masks[l] has at least sizes[l] entries; only the first sizes[l] are written.
   */
  fillMasks(masks: readonly Float64Array[], sizes: readonly number[]): void {
    const p = this.options.dropout;
    for (let l = 0; l < sizes.length; l++) {
      const m = masks[l];
      for (let j = 0; j < sizes[l]; j++) m[j] = this.dropRng.uniform() < p ? 0 : this.keepScale;
    }
  }

  /**
   * The noisy training input: out[i] = x[base + i] + σ·N(0, 1), rounded to float32 (the stored
   * dataset's type, and the fast engine's input type, so both engines read the same values).
   * The dataset is only read.
   */
  noisyInput(x: Float32Array, base: number, n: number, out: Float32Array | Float64Array): void {
    const s = this.options.inputNoise;
    const z = nextNormals(this.noiseRng, n); // noiseRng.normal() n times, the same numbers
    for (let i = 0; i < n; i++) out[i] = Math.fround(x[base + i] + s * z[i]);
  }
}

/**
 * Max-norm on one n_out × n_in row-major matrix: every row whose L2 norm exceeds c is scaled
 * by c/‖row‖ (the bias is not part of the row). For a dual-weight layer, W1 and W2 rows get the
 * same factor and the row of W is recomputed as W1 − W2. Returns how many rows were scaled.
 */
export function maxNormRows(W: Float64Array, nIn: number, nOut: number, c: number, W1?: Float64Array, W2?: Float64Array): number {
  let scaled = 0;
  for (let j = 0; j < nOut; j++) {
    const row = j * nIn;
    let s = 0;
    for (let i = 0; i < nIn; i++) s += W[row + i] * W[row + i];
    const norm = Math.sqrt(s);
    if (!(norm > c)) continue;
    const f = c / norm;
    scaled++;
    if (W1 && W2) {
      for (let i = 0; i < nIn; i++) {
        W1[row + i] *= f;
        W2[row + i] *= f;
        W[row + i] = W1[row + i] - W2[row + i];
      }
    } else {
      for (let i = 0; i < nIn; i++) W[row + i] *= f;
    }
  }
  return scaled;
}
