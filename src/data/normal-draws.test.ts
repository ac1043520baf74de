// The places that draw many normals through src/core/fast/normals.ts (the noisy test, the
// Gaussian and speckle corruptions, table feature noise, noise-augmented training inputs)
// against the loop of rng.normal() each replaced: the same numbers, bit for bit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { TrainDraws, trainStream } from '../core/regularizers.js';
import { addGaussianNoise, addSpeckleNoise } from './corruptions/noise.js';
import { featureNoise } from './corruptions/tabular.js';
import { noiseAxis } from './eval-axes/noise.js';

function sameBits(got: number, want: number, what: string): void {
  if (!Object.is(got, want)) assert.fail(`${what}: got ${got}, rng.normal() gives ${want}`);
}

test('the noisy test, the Gaussian and speckle corruptions, table feature noise and noisy training inputs draw what rng.normal() drew', () => {
  const n = 3072;
  const x = Float32Array.from({ length: 3 * n }, (_, i) => ((i * 7919) % 1000) / 999);
  // The noisy test axis (image: clamped to [0, 1]; table: not).
  for (const image of [true, false]) {
    const apply = noiseAxis.prepare(n, image, {} as never);
    const got = Float64Array.from(x.subarray(0, n));
    apply(got, 0.3, new Rng(5, 'noise'), 0);
    const rng = new Rng(5, 'noise');
    for (let i = 0; i < n; i++) {
      let v = x[i] + 0.3 * rng.normal();
      if (image) v = v < 0 ? 0 : v > 1 ? 1 : v;
      sameBits(got[i], v, `noisy test (${image ? 'image' : 'table'}) feature ${i}`);
    }
  }
  // Gaussian and speckle noise of the corruption suite.
  const input = x.subarray(n, 2 * n);
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  const gauss = new Float32Array(n);
  addGaussianNoise(input, gauss, 0.08, new Rng(3, 'c'));
  const speckle = new Float32Array(n);
  addSpeckleNoise(input, speckle, 0.35, new Rng(4, 'c'));
  const g = new Rng(3, 'c');
  const s = new Rng(4, 'c');
  for (let i = 0; i < n; i++) {
    sameBits(gauss[i], Math.fround(clamp(input[i] + 0.08 * g.normal())), `gaussian noise ${i}`);
    sameBits(speckle[i], Math.fround(clamp(input[i] + input[i] * 0.35 * s.normal())), `speckle noise ${i}`);
  }
  // Table feature noise: σ in each feature's training sd.
  const row = Float64Array.from({ length: 11 }, (_, j) => j - 5);
  const sd = Float64Array.from({ length: 11 }, (_, j) => 0.5 + j);
  const out = new Float64Array(11);
  featureNoise.apply(row, out, 0.7, new Rng(6, 't'), { mean: new Float64Array(11), sd });
  const t = new Rng(6, 't');
  for (let j = 0; j < 11; j++) sameBits(out[j], row[j] + 0.7 * sd[j] * t.normal(), `feature noise ${j}`);
  // Noise-augmented training inputs, two samples in a row from the training stream.
  const draws = new TrainDraws({ inputNoise: 0.2, dropout: 0 } as never, 8, 'sgd-noise');
  const want = new Rng(8, trainStream('inputNoise', 'sgd-noise'));
  for (const base of [0, 2 * n]) {
    const noisy = new Float32Array(n);
    draws.noisyInput(x, base, n, noisy);
    for (let i = 0; i < n; i++) sameBits(noisy[i], Math.fround(x[base + i] + 0.2 * want.normal()), `noisy input ${base / n}:${i}`);
  }
});
