// Occlusion: random erasing (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020, used
// here at test time with five areas of dwgd's choosing), and MNIST-C's stripe and dotted line
// (one level each, as in MNIST-C, whose functions take no severity).

import type { Rng } from '../../core/rng.js';
import { uniformIn } from './random.js';
import { type Benchmark, clamp01, type ImageCorruption, type ImageShape, leveled } from './types.js';

/**
 * The erased rectangle's area as a fraction of the image. Neither benchmark has random erasing:
 * these five are dwgd's, spanning Zhong et al.'s range of areas (0.02 to 0.4) up to its top.
 */
export const RANDOM_ERASING: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.05, 0.1, 0.2, 0.3, 0.4],
  'mnist-c': [0.05, 0.1, 0.2, 0.3, 0.4],
};

/** Zhong et al.'s aspect-ratio range: height/width uniform in [0.3, 1/0.3]. */
export const ERASING_ASPECT = 0.3;

/**
 * The rectangle of random erasing at `fraction` of the image's area: height/width uniform in
 * [0.3, 1/0.3] narrowed to the ratios at which the rectangle fits the image, height and width
 * round(√(area·ratio)) and round(√(area/ratio)) (at least 1, at most the image's), its top-left
 * corner uniform over the positions where it fits. Three uniforms, in that order.
 */
export function erasingRectangle(shape: ImageShape, fraction: number, rng: Rng): { top: number; left: number; height: number; width: number } {
  const { height: H, width: W } = shape;
  const area = fraction * H * W;
  const lo = Math.max(ERASING_ASPECT, area / (W * W));
  const hi = Math.min(1 / ERASING_ASPECT, (H * H) / area);
  const u = rng.uniform();
  // When no ratio in the range fits (a very elongated image), the image's own shape does.
  const ratio = lo <= hi ? lo + (hi - lo) * u : H / W;
  const height = Math.min(H, Math.max(1, Math.round(Math.sqrt(area * ratio))));
  const width = Math.min(W, Math.max(1, Math.round(Math.sqrt(area / ratio))));
  const top = Math.floor(uniformIn(rng, 0, H - height + 1));
  const left = Math.floor(uniformIn(rng, 0, W - width + 1));
  return { top, left, height, width };
}

export const randomErasing = leveled({
  id: 'random-erasing', title: 'random erasing (occlusion)', family: 'occlusion', constants: RANDOM_ERASING,
  source: "Zhong et al. 2020 (aspect ratio, fill); areas dwgd's own",
}, (input, out, shape, fraction, rng) => {
  const { top, left, height, width } = erasingRectangle(shape, fraction, rng);
  const { width: W, channels: ch } = shape;
  for (let i = 0; i < input.length; i++) out[i] = clamp01(input[i]);
  // Every value inside the rectangle (each channel) uniform in [0, 1), row by row.
  for (let r = top; r < top + height; r++) {
    for (let c = left; c < left + width; c++) {
      for (let k = 0; k < ch; k++) out[(r * W + c) * ch + k] = rng.uniform();
    }
  }
});

/** MNIST-C's stripe: the values of the outer quarter of columns on each side inverted (v → 1 − v). */
export const stripe = leveled({
  id: 'stripe', title: 'stripe (inverted side bands)', family: 'occlusion', constants: { 'cifar-10-c': [0.25], 'mnist-c': [0.25] },
  source: 'corruptions.py stripe (MNIST-C: columns 0–6 and 21–27 of 28)',
}, (input, out, shape) => {
  const { width: W, channels: ch } = shape;
  const band = Math.floor(W / 4);
  for (let i = 0; i < input.length; i++) {
    const col = Math.floor(i / ch) % W;
    const v = clamp01(input[i]);
    out[i] = col < band || col >= W - band ? 1 - v : v;
  }
});

/**
 * The intensity of MNIST-C's line from (column 0, row r0) to (column width − 1, row r1) at a
 * pixel: with d the vertical distance from the line (at most 2.3), log(1 − d/2.3) + 1, clipped
 * to [0, 1] (1 on the line, 0 from d ≈ 1.45 on); the last column is 0, as in MNIST-C.
 */
export function lineIntensity(shape: ImageShape, r0: number, r1: number, row: number, col: number): number {
  const last = shape.width - 1;
  if (col >= last) return 0;
  const f = ((r1 - r0) / last) * col + r0;
  const d = Math.min(Math.abs(row - f), 2.3 - 1e-10);
  return clamp01(Math.log(1 - d / 2.3) + 1);
}

/**
 * MNIST-C's dotted line: the line above across the whole width, its rows r0 and r1 each uniform
 * in 0 … height − 2, kept only in the column pairs 2–3, 6–7, 10–11, … (every other pair of
 * columns), added to every channel and clipped at 1.
 */
export const dottedLine = leveled({
  id: 'dotted-line', title: 'dotted line', family: 'occlusion', constants: { 'cifar-10-c': [2.3], 'mnist-c': [2.3] },
  source: 'corruptions.py dotted_line and line_from_points (MNIST-C)',
}, (input, out, shape, _c, rng) => {
  const { height: H, width: W, channels: ch } = shape;
  const r0 = rng.int(Math.max(1, H - 1));
  const r1 = rng.int(Math.max(1, H - 1));
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < W; col++) {
      const v = Math.floor(col / 2) % 2 === 1 ? lineIntensity(shape, r0, r1, row, col) : 0;
      for (let k = 0; k < ch; k++) {
        const i = (row * W + col) * ch + k;
        out[i] = clamp01(input[i] + v);
      }
    }
  }
});

export const OCCLUSION_CORRUPTIONS: readonly ImageCorruption[] = [randomErasing, stripe, dottedLine];
