// Affine corruptions of MNIST-C: rotate, shear, scale and translate (CIFAR-10-C has none; colour
// images use the same constants). As in MNIST-C (skimage.transform.warp with an
// AffineTransform as inverse map), each output pixel is read from the input at an affine image
// of its own coordinates, bilinearly, with everything outside the image taken as 0 (black); the
// linear part keeps the image centre ((width − 1)/2, (height − 1)/2) fixed.

import type { Rng } from '../../core/rng.js';
import { randomSign } from './random.js';
import { type Benchmark, type ImageCorruption, type ImageShape, type Pixels, leveled } from './types.js';

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
 * Where each output pixel of a warp reads: the four neighbours' pixel indices (row·w + col, or
 * h·w, a pixel of zeros, for one outside the image) and the bilinear fractions fx, fy. A warp's
 * matrix takes few values per severity (rotation and shear: two signs; translation: four; scale:
 * one), so its plan is made once and reused.
 */
interface WarpPlan {
  h: number;
  w: number;
  m: readonly number[];
  at: Int32Array;
  frac: Float64Array;
}

const PLAN_LIMIT = 256;
const plans: WarpPlan[] = [];
let extended = new Float64Array(0);

function warpPlan(h: number, w: number, m: readonly [number, number, number, number, number, number]): WarpPlan {
  for (const p of plans) {
    if (p.h === h && p.w === w && p.m[0] === m[0] && p.m[1] === m[1] && p.m[2] === m[2] && p.m[3] === m[3] && p.m[4] === m[4] && p.m[5] === m[5]) return p;
  }
  const [a, b, tx, c, d, ty] = m;
  const outside = h * w;
  const pixel = (row: number, col: number): number => (row < 0 || row >= h || col < 0 || col >= w ? outside : row * w + col);
  const at = new Int32Array(4 * h * w);
  const frac = new Float64Array(2 * h * w);
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const x = a * col + b * row + tx;
      const y = c * col + d * row + ty;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const q = row * w + col;
      at[4 * q] = pixel(y0, x0);
      at[4 * q + 1] = pixel(y0, x0 + 1);
      at[4 * q + 2] = pixel(y0 + 1, x0);
      at[4 * q + 3] = pixel(y0 + 1, x0 + 1);
      frac[2 * q] = x - x0;
      frac[2 * q + 1] = y - y0;
    }
  }
  if (plans.length >= PLAN_LIMIT) plans.length = 0;
  const plan = { h, w, m: [a, b, tx, c, d, ty], at, frac };
  plans.push(plan);
  return plan;
}

/**
 * out(row, col) = input sampled at column a·col + b·row + tx, row c·col + d·row + ty
 * (skimage's AffineTransform matrix [[a, b, tx], [c, d, ty]] used as the inverse map), bilinear,
 * a neighbour outside the image counting as 0. `out` may be `src`.
 */
export function warpAffineInto(src: Pixels, out: Pixels, shape: ImageShape, m: readonly [number, number, number, number, number, number]): void {
  const { height: h, width: w, channels: ch } = shape;
  const { at, frac } = warpPlan(h, w, m);
  const n = h * w * ch;
  if (extended.length < n + ch) extended = new Float64Array(n + ch);
  const s = extended;
  s.set(src.subarray(0, n));
  s.fill(0, n, n + ch);
  for (let q = 0; q < h * w; q++) {
    const fx = frac[2 * q];
    const fy = frac[2 * q + 1];
    const p00 = at[4 * q] * ch;
    const p01 = at[4 * q + 1] * ch;
    const p10 = at[4 * q + 2] * ch;
    const p11 = at[4 * q + 3] * ch;
    for (let k = 0; k < ch; k++) {
      const top = (1 - fx) * s[p00 + k] + fx * s[p01 + k];
      const bottom = (1 - fx) * s[p10 + k] + fx * s[p11 + k];
      const v = (1 - fy) * top + fy * bottom;
      out[q * ch + k] = v < 0 ? 0 : v > 1 ? 1 : v;
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
    warpAffineInto(input, out, shape, matrix(shape, c, rng)));
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
