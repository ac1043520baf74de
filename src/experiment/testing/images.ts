// A small synthetic image set for tests of the protocol.

import { Rng } from '../../core/rng.js';
import type { RawDataset } from '../../data/types.js';

/** Three classes of 12-pixel "images": class c lights pixels 4c … 4c+3, plus speckle. */
export function syntheticImages(size: number, seed: number): RawDataset {
  const rng = new Rng(seed, 'synthetic');
  const nInputs = 12;
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const c = rng.int(3);
    y[i] = c;
    for (let p = 0; p < nInputs; p++) {
      const on = p >= 4 * c && p < 4 * c + 4;
      x[i * nInputs + p] = on ? 0.6 + 0.4 * rng.uniform() : rng.uniform() < 0.2 ? rng.uniform() * 0.5 : 0;
    }
  }
  return {
    name: 'synthetic', kind: 'image', task: 'classification', size, nInputs, nOutputs: 3, x, y,
    origin: { kind: 'path', location: '(generated in the test)' }, description: 'synthetic test images',
  };
}


/** 8×8 grey images of three classes: class c lights rows 2c … 2c+2, plus speckle. */
export function squareImages(size: number, seed: number): RawDataset {
  const rng = new Rng(seed, 'squares');
  const nInputs = 64;
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const c = rng.int(3);
    y[i] = c;
    for (let p = 0; p < nInputs; p++) {
      const r = Math.floor(p / 8);
      x[i * nInputs + p] = r >= 2 * c && r < 2 * c + 3 ? 0.6 + 0.4 * rng.uniform() : rng.uniform() < 0.2 ? rng.uniform() * 0.5 : 0;
    }
  }
  return { name: 'squares', kind: 'image', task: 'classification', size, nInputs, nOutputs: 3, x, y, origin: { kind: 'path', location: '(test)' }, description: 'square test images' };
}
