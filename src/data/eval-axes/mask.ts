// Missing inputs at test: in each test input a fraction of the features, chosen uniformly at
// random without repeats (a fresh choice per input), is set to 0, which is black for images and
// the training mean for z-scored tables. round(fraction · features) are zeroed.

import type { EvalAxisDef } from './types.js';

export const maskAxis: EvalAxisDef = {
  key: 'mask.fraction',
  module: import.meta.url,
  title: 'fraction of input features zeroed at test',
  identity: 0,
  max: 1,
  stream: 'mask',
  prepare: (nInputs) => {
    // A permutation of the feature indices, shuffled in part for every input: the first k
    // entries after k Fisher–Yates steps are a uniform k-subset whatever order it starts in.
    const perm = Int32Array.from({ length: nInputs }, (_, i) => i);
    return (row, fraction, rng) => {
      const k = Math.round((fraction as number) * nInputs);
      for (let j = 0; j < k; j++) {
        const r = j + rng.int(nInputs - j);
        const t = perm[j];
        perm[j] = perm[r];
        perm[r] = t;
        row[perm[j]] = 0;
      }
    };
  },
};
