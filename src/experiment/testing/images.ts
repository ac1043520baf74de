// A small synthetic image set for tests of the protocol.

import { Rng } from '../../core/rng.js';
import type { RawDataset } from '../../data/types.js';

/**
 * Three classes of `nInputs`-pixel images drawn from the stream `stream`: a sample of class c
 * lights the pixels `lit(p, c)` holds for (0.6–1), the others are speckle (a fifth at 0–0.5).
 */
function litImages(size: number, seed: number, stream: string, nInputs: number, lit: (p: number, c: number) => boolean): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed, stream);
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const c = rng.int(3);
    y[i] = c;
    for (let p = 0; p < nInputs; p++) {
      x[i * nInputs + p] = lit(p, c) ? 0.6 + 0.4 * rng.uniform() : rng.uniform() < 0.2 ? rng.uniform() * 0.5 : 0;
    }
  }
  return { x, y };
}

/** Three classes of 12-pixel "images": class c lights pixels 4c … 4c+3, plus speckle. */
export function syntheticImages(size: number, seed: number): RawDataset {
  const nInputs = 12;
  const { x, y } = litImages(size, seed, 'synthetic', nInputs, (p, c) => p >= 4 * c && p < 4 * c + 4);
  return {
    name: 'synthetic', kind: 'image', task: 'classification', size, nInputs, nOutputs: 3, x, y,
    origin: { kind: 'path', location: '(generated in the test)' }, description: 'synthetic test images',
  };
}

/** 8×8 grey images of three classes: class c lights rows 2c … 2c+2, plus speckle. */
export function squareImages(size: number, seed: number): RawDataset {
  const nInputs = 64;
  const { x, y } = litImages(size, seed, 'squares', nInputs, (p, c) => {
    const r = Math.floor(p / 8);
    return r >= 2 * c && r < 2 * c + 3;
  });
  return { name: 'squares', kind: 'image', task: 'classification', size, nInputs, nOutputs: 3, x, y, origin: { kind: 'path', location: '(test)' }, description: 'square test images' };
}
