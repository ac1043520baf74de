// Affine corruptions of MNIST-C: rotate, shear, scale and translate (CIFAR-10-C has none; colour
// images use the same constants). As in MNIST-C (skimage.transform.warp with an
// AffineTransform as inverse map), each output pixel is read from the input at an affine image
// of its own coordinates, bilinearly, with everything outside the image taken as 0 (black); the
// linear part keeps the image centre ((width − 1)/2, (height − 1)/2) fixed.

import type { Rng } from '../../core/rng.js';
import { randomSign } from './random.js';
import { type Benchmark, clamp01, type ImageCorruption, type ImageShape, type Pixels, sourceCopy, leveled } from './types.js';

/** Rotation angle in radians, its sign drawn at random. */
export const ROTATE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.2, 0.4, 0.6, 0.8, 1],
  'mnist-c': [0.2, 0.4, 0.6, 0.8, 1],
};

/** skimage's shear angle in radians, its sign drawn at random. */
export const SHEAR: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.2, 0.4, 0.6, 0.8, 1],
  'mnist-c': [0.2, 0.4, 0.6, 0.8, 1],
};

/** The inverse map's scale factor (1/0.9 … 1/0.5): the content shrinks to 0.9 … 0.5 of its size. */
export const SCALE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [1 / 0.9, 1 / 0.8, 1 / 0.7, 1 / 0.6, 1 / 0.5],
  'mnist-c': [1 / 0.9, 1 / 0.8, 1 / 0.7, 1 / 0.6, 1 / 0.5],
};

/** Shift in pixels along each axis, each axis's sign drawn at random. */
export const TRANSLATE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [1, 2, 3, 4, 5],
  'mnist-c': [1, 2, 3, 4, 5],
};

/**
 * out(row, col) = input sampled at column a·col + b·row + tx, row c·col + d·row + ty
 * (skimage's AffineTransform matrix [[a, b, tx], [c, d, ty]] used as the inverse map), bilinear,
 * a neighbour outside the image counting as 0.
 */
export function warpAffineInto(src: Float64Array, out: Pixels, shape: ImageShape, m: readonly [number, number, number, number, number, number]): void {
  const { height: h, width: w, channels: ch } = shape;
  const [a, b, tx, c, d, ty] = m;
  const at = (row: number, col: number, k: number): number => (row < 0 || row >= h || col < 0 || col >= w ? 0 : src[(row * w + col) * ch + k]);
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const x = a * col + b * row + tx;
      const y = c * col + d * row + ty;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      for (let k = 0; k < ch; k++) {
        const top = (1 - fx) * at(y0, x0, k) + fx * at(y0, x0 + 1, k);
        const bottom = (1 - fx) * at(y0 + 1, x0, k) + fx * at(y0 + 1, x0 + 1, k);
        out[(row * w + col) * ch + k] = clamp01((1 - fy) * top + fy * bottom);
      }
    }
  }
}

/** The matrix of a linear map [[a, b], [c, d]] about the image centre (the centre maps to itself). */
export function aboutCentre(shape: ImageShape, a: number, b: number, c: number, d: number): [number, number, number, number, number, number] {
  const cx = (shape.width - 1) / 2;
  const cy = (shape.height - 1) / 2;
  return [a, b, cx - a * cx - b * cy, c, d, cy - c * cx - d * cy];
}

/** skimage's AffineTransform(rotation=θ): [[cos θ, −sin θ], [sin θ, cos θ]]. */
export function rotationMatrix(shape: ImageShape, theta: number): [number, number, number, number, number, number] {
  return aboutCentre(shape, Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta));
}

/** skimage's (before 0.20) AffineTransform(shear=s): [[1, −sin s], [0, cos s]]. */
export function shearMatrix(shape: ImageShape, s: number): [number, number, number, number, number, number] {
  return aboutCentre(shape, 1, -Math.sin(s), 0, Math.cos(s));
}

function affine(
  id: string,
  title: string,
  table: Record<Benchmark, readonly number[]>,
  source: string,
  matrix: (shape: ImageShape, c: number, rng: Rng) => readonly [number, number, number, number, number, number],
): ImageCorruption {
  return leveled({ id, title, family: 'geometric', constants: table, source }, (input, out, shape, c, rng) =>
    warpAffineInto(sourceCopy(input), out, shape, matrix(shape, c, rng)));
}

export const rotate = affine('rotate', 'rotation', ROTATE, 'corruptions.py rotate (MNIST-C; skimage AffineTransform + warp)', (shape, c, rng) =>
  rotationMatrix(shape, c * randomSign(rng)),
);

export const shear = affine('shear', 'shear', SHEAR, 'corruptions.py shear (MNIST-C; skimage AffineTransform + warp)', (shape, c, rng) =>
  shearMatrix(shape, c * randomSign(rng)),
);

export const scale = affine('scale', 'scale (zoom out)', SCALE, 'corruptions.py scale (MNIST-C; skimage AffineTransform + warp)', (shape, c) =>
  aboutCentre(shape, c, 0, 0, c),
);

export const translate = affine('translate', 'translation', TRANSLATE, 'corruptions.py translate (MNIST-C; skimage AffineTransform + warp)', (_shape, c, rng) => {
  const dx = c * randomSign(rng);
  const dy = c * randomSign(rng);
  return [1, 0, dx, 0, 1, dy];
});

export const GEOMETRIC_CORRUPTIONS: readonly ImageCorruption[] = [rotate, shear, scale, translate];
