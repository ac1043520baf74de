// Helpers of the engine tests: synthetic data, sample orders, training a model on an order,
// the reference/fast pair trained alike, and the worst per-weight disagreement of two models.

import assert from 'node:assert/strict';
import { FastModel, type FastOptions } from '../fast/fast-model.js';
import { createModel, type EngineName } from '../model-factory.js';
import { Model, type Trainable } from '../model.js';
import type { Network } from '../network.js';
import { Rng } from '../rng.js';
import { ruleFor, type LayerParams, type LearningRule } from '../rules/index.js';

/** |fast − reference| ≤ REL·|reference| + ABS per weight (see fast-model.test.ts). */
export const REL = 1e-5;
export const ABS = 1e-12;
export const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001', 'momentum', 'adam', 'sgd-gated-decay'];

export function rule(id: string): LearningRule<any> {
  const r = ruleFor(id);
  if ('error' in r) throw new Error(r.error);
  return r;
}

/**
 * Image-like classification data: `side`×`side` pixels in [0, 1], most of them 0 (as in MNIST,
 * so the sparse paths of the fast engine run), each class a bright blob at its own place.
 */
export function syntheticImages(size: number, side: number, seed: number): { x: Float32Array; y: Float32Array; nInputs: number } {
  const rng = new Rng(seed, 'synthetic-images');
  const nInputs = side * side;
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const label = rng.int(10);
    y[i] = label;
    const cx = (side * (1 + (label % 5))) / 6 + rng.normal();
    const cy = (side * (label < 5 ? 1 : 2)) / 3 + rng.normal();
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const d2 = (r - cy) ** 2 + (c - cx) ** 2;
        const v = Math.exp(-d2 / 6) + 0.15 * rng.normal();
        x[i * nInputs + r * side + c] = v < 0.2 ? 0 : Math.min(1, v);
      }
    }
  }
  return { x, y, nInputs };
}

/** `steps` indices drawn from `train` with the 'order' stream of `seed`. */
export function order(train: Int32Array, steps: number, seed: number): Int32Array {
  const rng = new Rng(seed, 'order');
  const o = new Int32Array(steps);
  for (let s = 0; s < steps; s++) o[s] = train[rng.int(train.length)];
  return o;
}

/** Trains `model` on the samples of `ord` in turn; returns the summed loss. */
export function train(model: Trainable, x: Float32Array, y: Float32Array, ord: Int32Array, lr: number): number {
  let loss = 0;
  for (let s = 0; s < ord.length; s++) loss += model.step(x, ord[s], y[ord[s]], lr);
  return loss;
}

/**
 * The reference model and a fast one (an engine's, or a FastModel with options) from one initial
 * network, each trained on `ord`; with their summed training losses.
 */
export function trainPair(
  method: string, initial: Network, fastWith: EngineName | FastOptions,
  x: Float32Array, y: Float32Array, ord: Int32Array, lr: number,
): { ref: Model; fast: Trainable; lossRef: number; lossFast: number } {
  const ref = new Model(method, initial.clone(), rule(method));
  const fast = typeof fastWith === 'string'
    ? createModel(method, initial, rule(method), fastWith)
    : new FastModel(method, initial, rule(method), fastWith);
  const lossRef = train(ref, x, y, ord, lr);
  const lossFast = train(fast, x, y, ord, lr);
  return { ref, fast, lossRef, lossFast };
}

/** Largest |f − r| / (REL·|r| + ABS) over every parameter: ≤ 1 means within the bound. */
export function worst(fast: LayerParams[], ref: LayerParams[]): { ratio: number; where: string } {
  let ratio = 0;
  let where = '';
  assert.equal(fast.length, ref.length);
  for (let l = 0; l < ref.length; l++) {
    for (const key of ['W', 'b', 'W1', 'W2'] as const) {
      const r = ref[l][key];
      const f = fast[l][key];
      assert.equal(f === undefined, r === undefined, `layer ${l} ${key} present in one engine only`);
      if (!r || !f) continue;
      assert.equal(f.length, r.length);
      for (let i = 0; i < r.length; i++) {
        assert.ok(Number.isFinite(f[i]) && Number.isFinite(r[i]), `layer ${l} ${key}[${i}] not finite`);
        const q = Math.abs(f[i] - r[i]) / (REL * Math.abs(r[i]) + ABS);
        if (q > ratio) {
          ratio = q;
          where = `layer ${l} ${key}[${i}]: fast ${f[i]} reference ${r[i]}`;
        }
      }
    }
  }
  return { ratio, where };
}

/** Every weight within `frac` of the largest weight of its matrix (the fast32 bound). */
export function assertNormwise(fast: LayerParams[], ref: LayerParams[], frac: number, what: string): void {
  for (let l = 0; l < ref.length; l++) {
    for (const key of ['W', 'W1', 'W2', 'b'] as const) {
      const r = ref[l][key];
      const f = fast[l][key];
      if (!r || !f) continue;
      let max = 0;
      for (let i = 0; i < r.length; i++) max = Math.max(max, Math.abs(r[i]));
      for (let i = 0; i < r.length; i++) {
        assert.ok(Math.abs(f[i] - r[i]) <= frac * max, `${what} layer ${l} ${key}[${i}]: ${f[i]} vs ${r[i]} (max ${max})`);
      }
    }
  }
}
