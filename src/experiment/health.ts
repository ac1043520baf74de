// Whether a trained model is a result or a breakdown (docs/METHOD.md, "Divergence and
// collapse"). A method has diverged when its training loss or a test metric (the validation
// metric after a turn whose test set testEvery does not score: run.ts) is not finite, or
// when any parameter's magnitude exceeds MAX_WEIGHT: weights that large are no longer the
// learned function of the protocol but overflow in the making. A model has collapsed when it
// answers (almost) the same whatever the input: one class for at least COLLAPSE_SHARE of a
// sample of test inputs, or regression outputs whose spread is below COLLAPSE_SPREAD of the
// targets' spread.

import type { LayerParams } from '../core/rules/index.js';
import { argmax } from '../core/loss.js';
import { RefForward } from '../core/fast/forward64.js';
import type { Dataset } from '../data/types.js';

export const MAX_WEIGHT = 1e6;
export const COLLAPSE_SHARE = 0.99;
export const COLLAPSE_SPREAD = 1e-3;
/** Test inputs the collapse check looks at (evenly spread over the test set). */
export const COLLAPSE_SAMPLE = 500;

/** The largest |value| among a model's parameters (NaN if any is NaN). */
export function maxAbsParam(params: LayerParams[]): number {
  let max = 0;
  for (const p of params) {
    for (const a of [p.W, p.b, p.W1, p.W2]) {
      if (!a) continue;
      for (let i = 0; i < a.length; i++) {
        const v = Math.abs(a[i]);
        if (Number.isNaN(v)) return NaN;
        if (v > max) max = v;
      }
    }
  }
  return max;
}

/** Why the model at the end of a turn counts as diverged, or null. */
export function divergence(trainLoss: number, testValue: number, params: LayerParams[]): string | null {
  if (!Number.isFinite(trainLoss)) return `training loss ${trainLoss}`;
  if (!Number.isFinite(testValue)) return `test metric ${testValue}`;
  const max = maxAbsParam(params);
  if (Number.isNaN(max)) return 'a weight is NaN';
  if (!(max <= MAX_WEIGHT)) return `a weight reached ${max.toExponential(2)}, beyond ${MAX_WEIGHT.toExponential(0)}`;
  return null;
}

/** Indices of at most `k` test samples, evenly spread over the test list. */
export function spreadSample(indices: Int32Array, k: number): Int32Array {
  if (indices.length <= k) return indices;
  return Int32Array.from({ length: k }, (_, j) => indices[Math.floor((j * indices.length) / k)]);
}

/** Why the model answers the same for every input, or null. Uses the effective weights W, b. */
export function collapse(params: LayerParams[], sizes: number[], data: Dataset, test: Int32Array): string | null {
  const sample = spreadSample(test, COLLAPSE_SAMPLE);
  const outs: number[] = [];
  // The bits of Network.forward on the effective weights, on WebAssembly (core/fast/forward64.ts).
  new RefForward(params, sizes).run(data.x, sample, (_, z) => {
    outs.push(data.task === 'classification' ? argmax(z, z.length) : z[0]);
  });
  if (data.task === 'classification') {
    const counts = new Map<number, number>();
    for (const c of outs) counts.set(c, (counts.get(c) ?? 0) + 1);
    const [cls, most] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const share = most / outs.length;
    return share >= COLLAPSE_SHARE ? `predicts class ${cls} for ${(100 * share).toFixed(1)} % of ${outs.length} test inputs` : null;
  }
  const spread = sdOf(outs);
  const targets = sdOf(Array.from(sample, (i) => data.y[i]));
  return spread < COLLAPSE_SPREAD * targets
    ? `predictions spread ${spread.toExponential(1)} against the targets' ${targets.toExponential(1)} (constant output)`
    : null;
}

function sdOf(xs: number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) * (x - m), 0) / Math.max(1, xs.length - 1));
}
