// The tabular corruptions: identity at strength 0, hand-worked cases, the effect's size growing
// with the strength, determinism per (seed, sample), and bad calls refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptionRng } from './random.js';
import { featureNoise, missingFeatures, OUTLIER_SD, outliers, scaleShift, TABULAR_CORRUPTIONS } from './tabular.js';

const D = 8;
const stats = { mean: Float64Array.from({ length: D }, (_, j) => j - 3), sd: Float64Array.from({ length: D }, (_, j) => 0.5 + j / 4) };
const row = Float64Array.from({ length: D }, (_, j) => Math.sin(j + 1) * 2);

function run(c: (typeof TABULAR_CORRUPTIONS)[number], x: Float64Array, strength: number, sample: number, seed = 5): Float64Array {
  const out = new Float64Array(x.length);
  c.apply(x, out, strength, corruptionRng(seed, c.id, sample), stats);
  return out;
}

test('strength 0 is the identity for every tabular corruption', () => {
  for (const c of TABULAR_CORRUPTIONS) assert.deepEqual(run(c, row, 0, 1), row, c.id);
});

test('by hand: scale shift s = 0.5 takes mean 1, x 3 to 4; s = −1 collapses to the mean; missing features set exactly round(f·d) to their mean', () => {
  const one = { mean: [1], sd: [2] };
  const out = new Float64Array(1);
  scaleShift.apply(Float64Array.of(3), out, 0.5, corruptionRng(5, 'scale-shift', 0), one);
  assert.equal(out[0], 4);
  scaleShift.apply(Float64Array.of(3), out, -1, corruptionRng(5, 'scale-shift', 0), one);
  assert.equal(out[0], 1);
  for (const f of [0.125, 0.3, 0.5, 1]) {
    for (let sample = 0; sample < 20; sample++) {
      const o = run(missingFeatures, row, f, sample);
      const imputed = [...o].filter((v, j) => v === stats.mean[j] && v !== row[j]).length;
      assert.equal(imputed, Math.round(f * D), `f = ${f}`);
      for (let j = 0; j < D; j++) assert.ok(o[j] === row[j] || o[j] === stats.mean[j]);
    }
  }
});

test('outliers: a hit feature sits at mean ± 5 sd, the share hit is p, a larger p hits a superset', () => {
  let hits = 0;
  const n = 2000;
  for (let sample = 0; sample < n; sample++) {
    const lo = run(outliers, row, 0.1, sample);
    const hi = run(outliers, row, 0.3, sample);
    for (let j = 0; j < D; j++) {
      if (lo[j] !== row[j]) {
        hits++;
        assert.ok(Math.abs(Math.abs(lo[j] - stats.mean[j]) - OUTLIER_SD * stats.sd[j]) < 1e-12);
        assert.equal(hi[j], lo[j], 'the same feature, the same outlier at p = 0.3');
      }
    }
  }
  const share = hits / (n * D);
  assert.ok(Math.abs(share - 0.1) < 4 * Math.sqrt(0.09 / (n * D)), `share ${share}`);
});

test('feature noise: the added noise has sd σ·sd_j per feature and mean 0', () => {
  const n = 4000;
  const sums = new Float64Array(D);
  const squares = new Float64Array(D);
  for (let sample = 0; sample < n; sample++) {
    const o = run(featureNoise, row, 0.5, sample);
    for (let j = 0; j < D; j++) {
      sums[j] += o[j] - row[j];
      squares[j] += (o[j] - row[j]) ** 2;
    }
  }
  for (let j = 0; j < D; j++) {
    const sd = 0.5 * stats.sd[j];
    assert.ok(Math.abs(sums[j] / n) < 4 * (sd / Math.sqrt(n)), `feature ${j} mean`);
    assert.ok(Math.abs(Math.sqrt(squares[j] / n) - sd) < 0.05 * sd, `feature ${j} sd`);
  }
});

test('the mean change ‖corrupted − clean‖ grows with the strength, for each corruption', () => {
  const strengths: Record<string, number[]> = {
    'feature-noise': [0.1, 0.3, 1, 3],
    'missing-features': [0.125, 0.25, 0.5, 1],
    outliers: [0.05, 0.1, 0.3, 0.9],
    'scale-shift': [0.1, 0.5, 1, 3],
  };
  for (const c of TABULAR_CORRUPTIONS) {
    const means = strengths[c.id].map((s) => {
      let acc = 0;
      for (let sample = 0; sample < 200; sample++) {
        const o = run(c, row, s, sample);
        acc += Math.sqrt(o.reduce((a, v, j) => a + (v - row[j]) ** 2, 0));
      }
      return acc / 200;
    });
    for (let i = 1; i < means.length; i++) assert.ok(means[i] > means[i - 1], `${c.id}: ${means.join(', ')}`);
  }
});

test('deterministic per (seed, sample), in place too; another sample draws anew; bad calls refused', () => {
  for (const c of TABULAR_CORRUPTIONS) {
    const s = c.id === 'scale-shift' ? 0.5 : 0.3;
    const a = run(c, row, s, 7);
    assert.deepEqual(run(c, row, s, 7), a);
    const inPlace = Float64Array.from(row);
    c.apply(inPlace, inPlace, s, corruptionRng(5, c.id, 7), stats);
    assert.deepEqual(inPlace, a, `${c.id} in place`);
    if (c.id !== 'scale-shift') assert.notDeepEqual(run(c, row, s, 8), a, `${c.id}: sample 8`);
    assert.throws(() => run(c, row, Number.NaN, 0), /strength must be/);
    assert.throws(() => run(c, row, c.max * 2, 0), /strength must be/);
    assert.throws(() => c.apply(row, new Float64Array(3), s, corruptionRng(5, c.id, 0), stats), /a row of 8 features/);
  }
  assert.throws(() => run(outliers, row, -0.1, 0), /strength must be from 0 to 1/);
  assert.throws(() => run(scaleShift, row, -1.5, 0), /strength must be from -1 to 1000/);
});
