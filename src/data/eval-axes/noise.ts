// Gaussian input noise at test (docs/METHOD.md §5): each feature of each test input gets
// σ·N(0, 1) added, drawn in test-set order, feature by feature; image pixels are clamped back
// to [0, 1]. The paper's noisy evaluation is this axis at σ = 0.3.

import type { EvalAxisDef } from './types.js';
import { fillNoisy, nextNormals } from '../../core/fast/normals.js';
import type { Rng } from '../../core/rng.js';

/**
 * dst[to + i] = src[from + i] + σ·z_i for the next n draws z of `rng` (rng.normal() n times, the
 * same numbers), clamped to [0, 1] for an image; a float32 dst rounds each value once, as
 * evaluate.ts's copy of a float64 row does.
 */
function addNoise(src: Float32Array | Float64Array, from: number, dst: Float32Array | Float64Array, to: number, n: number, sigma: number, image: boolean, rng: Rng): void {
  const z = nextNormals(rng, n);
  for (let i = 0; i < n; i++) {
    let v = src[from + i] + sigma * z[i];
    if (image) v = v < 0 ? 0 : v > 1 ? 1 : v;
    dst[to + i] = v;
  }
}

export const noiseAxis: EvalAxisDef = {
  key: 'noise.sigma',
  module: import.meta.url,
  title: 'test input noise σ',
  identity: 0,
  max: 1000,
  stream: 'noise',
  fromConfig: (config) => config.noise.sigma,
  prepare: (nInputs, image) => (row, value, rng) => addNoise(row, 0, row, 0, nInputs, value as number, image, rng),
  // From the pool's float32 row straight into the chunk's (evaluate.ts): the same formula and
  // draws, computed in WebAssembly for float32 rows (normals.ts fillNoisy, about eight times as
  // fast as this loop, whose clamp's branches the CPU mispredicts on images).
  prepareInto: (nInputs, image) => (src, from, dst, to, value, rng) => {
    if (src instanceof Float32Array && dst instanceof Float32Array) fillNoisy(rng, src, from, dst, to, nInputs, value as number, image);
    else addNoise(src, from, dst, to, nInputs, value as number, image, rng);
  },
};
