// Gaussian input noise at test (docs/METHOD.md §5): each feature of each test input gets
// σ·N(0, 1) added, drawn in test-set order, feature by feature; image pixels are clamped back
// to [0, 1]. The paper's noisy evaluation is this axis at σ = 0.3.

import type { EvalAxisDef } from './types.js';
import { nextNormals } from '../../core/fast/normals.js';

export const noiseAxis: EvalAxisDef = {
  key: 'noise.sigma',
  module: import.meta.url,
  title: 'test input noise σ',
  identity: 0,
  max: 1000,
  stream: 'noise',
  fromConfig: (config) => config.noise.sigma,
  prepare: (nInputs, image) => (row, value, rng) => {
    const sigma = value as number;
    const z = nextNormals(rng, nInputs); // rng.normal() nInputs times, the same numbers
    for (let i = 0; i < nInputs; i++) {
      let v = row[i] + sigma * z[i];
      if (image) v = v < 0 ? 0 : v > 1 ? 1 : v;
      row[i] = v;
    }
  },
  prepareInto: (nInputs, image) => (src, from, dst, to, value, rng) => {
    const sigma = value as number;
    const z = nextNormals(rng, nInputs);
    for (let i = 0; i < nInputs; i++) {
      let v = src[from + i] + sigma * z[i];
      if (image) v = v < 0 ? 0 : v > 1 ? 1 : v;
      dst[to + i] = v; // rounded to float32 here, as evaluate.ts's copy of the row rounds it
    }
  },
};
