// Blur: Gaussian blur (skimage.filters.gaussian in both benchmarks) and motion blur (ImageMagick's
// MotionBlurImage through Wand in both). Written here as plain convolutions; how they differ from
// the originals is in docs/METHOD.md, "Corruptions".

import { uniformIn } from './random.js';
import { type Benchmark, clamp01, type ImageCorruption, type ImageShape, type Pixels, sourceCopy, leveled } from './types.js';

/** σ of the Gaussian in pixels. */
export const GAUSSIAN_BLUR: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.4, 0.6, 0.7, 0.8, 1],
  'mnist-c': [1, 2, 3, 4, 6],
};

/** [radius, σ] of ImageMagick's motion blur, in pixels; the angle is uniform in [−45°, 45°). */
export const MOTION_BLUR: Record<Benchmark, readonly (readonly [number, number])[]> = {
  'cifar-10-c': [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ],
  'mnist-c': [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ],
};

/**
 * The sampled Gaussian of scipy.ndimage.gaussian_filter1d (which skimage's gaussian calls):
 * exp(−k²/2σ²) for |k| ≤ radius = floor(4σ + 0.5), normalised to sum 1. Index radius + k.
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    w[k + radius] = Math.exp((-0.5 * k * k) / (sigma * sigma));
    sum += w[k + radius];
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

/**
 * Separable Gaussian blur of each channel with edge pixels repeated outward (skimage's default
 * mode 'nearest'): first down the columns, then along the rows. Reads `src`, writes `out`.
 */
export function gaussianBlurInto(src: Float64Array, out: Pixels, shape: ImageShape, sigma: number): void {
  const { height: h, width: w, channels: ch } = shape;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let j = -r; j <= r; j++) {
          const yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
          s += k[j + r] * src[(yy * w + x) * ch + c];
        }
        tmp[(y * w + x) * ch + c] = s;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let j = -r; j <= r; j++) {
          const xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
          s += k[j + r] * tmp[(y * w + xx) * ch + c];
        }
        out[(y * w + x) * ch + c] = clamp01(s);
      }
    }
  }
}

/**
 * ImageMagick's motion blur: a one-sided kernel of width = 2·ceil(radius) + 1 taps, tap i
 * weighted exp(−i²/2σ²) (normalised), taken at the pixel offset (ceil(i·cos θ − ½),
 * ceil(i·sin θ − ½)) in (column, row), θ in degrees, rows growing downward; pixels beyond the
 * edge repeat the edge (ImageMagick's default virtual pixels). So a pixel becomes a weighted
 * mean of itself and the pixels up to `width − 1` steps away in direction θ.
 */
export function motionBlurInto(src: Float64Array, out: Pixels, shape: ImageShape, radius: number, sigma: number, angleDegrees: number): void {
  const { height: h, width: w, channels: ch } = shape;
  const taps = 2 * Math.ceil(radius) + 1;
  const weight = new Float64Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    weight[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += weight[i];
  }
  const theta = (Math.PI * angleDegrees) / 180;
  const px = taps * Math.sin(theta);
  const py = taps * Math.cos(theta);
  const len = Math.hypot(px, py);
  const dx = new Int32Array(taps);
  const dy = new Int32Array(taps);
  for (let i = 0; i < taps; i++) {
    weight[i] /= sum;
    dx[i] = Math.ceil((i * py) / len - 0.5);
    dy[i] = Math.ceil((i * px) / len - 0.5);
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let i = 0; i < taps; i++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx[i]));
          const yy = Math.min(h - 1, Math.max(0, y + dy[i]));
          s += weight[i] * src[(yy * w + xx) * ch + c];
        }
        out[(y * w + x) * ch + c] = clamp01(s);
      }
    }
  }
}

export const gaussianBlur = leveled({
  id: 'gaussian-blur', title: 'Gaussian blur', family: 'blur', constants: GAUSSIAN_BLUR,
  source: 'make_cifar_c.py gaussian_blur; corruptions.py gaussian_blur (skimage.filters.gaussian)',
}, (input, out, shape, sigma) => gaussianBlurInto(sourceCopy(input), out, shape, sigma));

export const motionBlur = leveled({
  id: 'motion-blur', title: 'motion blur', family: 'blur', constants: MOTION_BLUR,
  source: 'make_cifar_c.py motion_blur; corruptions.py motion_blur (ImageMagick MotionBlurImage via Wand)',
}, (input, out, shape, [radius, sigma], rng) => motionBlurInto(sourceCopy(input), out, shape, radius, sigma, uniformIn(rng, -45, 45)));

export const BLUR_CORRUPTIONS: readonly ImageCorruption[] = [gaussianBlur, motionBlur];
