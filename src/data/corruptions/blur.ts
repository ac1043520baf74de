// Blur: Gaussian blur (skimage.filters.gaussian in both benchmarks) and motion blur (ImageMagick's
// MotionBlurImage through Wand in both). Written here as plain convolutions; how they differ from
// the originals is in docs/METHOD.md, "Corruptions".

import { uniformIn } from './random.js';
import { type Benchmark, type ImageCorruption, type ImageShape, type Pixels, sourceCopy, leveled } from './types.js';

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

const kernels = new Map<number, Float64Array>();

/** gaussianKernel at the default truncation, made once per σ (the severities' few values). */
function kernelFor(sigma: number): Float64Array {
  let k = kernels.get(sigma);
  if (!k) {
    k = gaussianKernel(sigma);
    kernels.set(sigma, k);
  }
  return k;
}

let blankBuf = new Uint8Array(0);

/** Per row of the image, 1 when every value in it is exactly 0 (MNIST's margins); reused until the next call. */
function blankRows(src: Float64Array, h: number, rowLen: number): Uint8Array {
  if (blankBuf.length < h) blankBuf = new Uint8Array(h);
  for (let y = 0; y < h; y++) {
    let zero = 1;
    for (let i = y * rowLen, end = i + rowLen; i < end; i++) {
      if (src[i] !== 0) {
        zero = 0;
        break;
      }
    }
    blankBuf[y] = zero;
  }
  return blankBuf;
}

let tmpBuf = new Float64Array(0);
let padBuf = new Float64Array(0);

/** A reused scratch array of at least `n` values (contents undefined). */
function grow(buf: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, 2 * buf.length));
}

/**
 * Separable Gaussian blur of each channel with edge pixels repeated outward (skimage's default
 * mode 'nearest'): first down the columns, then along the rows. Reads `src`, writes `out`.
 * Each value is the sum over taps j = −r … r, in that order, of k[j]·(the value j pixels away):
 * the down pass adds whole rows (row y + j, clamped to the image) tap by tap, the across pass
 * reads a copy of the row with r edge pixels repeated on each side, so no index is clamped in
 * the inner loops and every sum is formed in the order of the plain definition.
 */
export function gaussianBlurInto(src: Float64Array, out: Pixels, shape: ImageShape, sigma: number): void {
  const { height: h, width: w, channels: ch } = shape;
  const k = kernelFor(sigma);
  const taps = k.length;
  const r = (taps - 1) / 2;
  const rowLen = w * ch;
  tmpBuf = grow(tmpBuf, h * rowLen);
  const tmp = tmpBuf;
  const blank = blankRows(src, h, rowLen);
  for (let y = 0; y < h; y++) {
    const o = y * rowLen;
    tmp.fill(0, o, o + rowLen);
    for (let j = 0; j < taps; j++) {
      const yy = y + j - r;
      const row = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
      // A row of zeros adds +0 to sums that start at +0: skipping it changes no bit.
      if (blank[row]) continue;
      const s = row * rowLen;
      const kj = k[j];
      for (let i = 0; i < rowLen; i++) tmp[o + i] += kj * src[s + i];
    }
  }
  const padLen = (w + 2 * r) * ch;
  padBuf = grow(padBuf, 2 * padLen);
  const pad = padBuf;
  const acc = padBuf.subarray(padLen, padLen + rowLen);
  const edge = r * ch;
  for (let y = 0; y < h; y++) {
    const o = y * rowLen;
    for (let p = 0; p < r; p++) {
      for (let c = 0; c < ch; c++) {
        pad[p * ch + c] = tmp[o + c];
        pad[edge + rowLen + p * ch + c] = tmp[o + rowLen - ch + c];
      }
    }
    for (let i = 0; i < rowLen; i++) pad[edge + i] = tmp[o + i];
    acc.fill(0);
    // Only the span of the padded row between its first and last non-zero value adds anything.
    let lo = 0;
    while (lo < padLen && pad[lo] === 0) lo++;
    let hi = padLen - 1;
    while (hi > lo && pad[hi] === 0) hi--;
    for (let j = 0; j < taps && lo < padLen; j++) {
      const kj = k[j];
      const s = j * ch;
      const from = lo - s > 0 ? lo - s : 0;
      const to = hi - s + 1 < rowLen ? hi - s + 1 : rowLen;
      for (let i = from; i < to; i++) acc[i] += kj * pad[s + i];
    }
    for (let i = 0; i < rowLen; i++) {
      const v = acc[i];
      out[o + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

let motionPad = new Float64Array(0);
let motionAcc = new Float64Array(0);

/**
 * ImageMagick's motion blur: a one-sided kernel of width = 2·ceil(radius) + 1 taps, tap i
 * weighted exp(−i²/2σ²) (normalised), taken at the pixel offset (ceil(i·cos θ − ½),
 * ceil(i·sin θ − ½)) in (column, row), θ in degrees, rows growing downward; pixels beyond the
 * edge repeat the edge (ImageMagick's default virtual pixels). So a pixel becomes a weighted
 * mean of itself and the pixels up to `width − 1` steps away in direction θ.
 * Computed row by row and tap by tap over a copy of the image whose rows are widened by the
 * largest column offset on each side (edge pixels repeated), each sum in tap order.
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
  let reach = 0;
  for (let i = 0; i < taps; i++) {
    weight[i] /= sum;
    dx[i] = Math.ceil((i * py) / len - 0.5);
    dy[i] = Math.ceil((i * px) / len - 0.5);
    reach = Math.max(reach, Math.abs(dx[i]));
  }
  // Offsets beyond the image read the edge whatever their size: at most w − 1 columns matter.
  const P = Math.min(reach, w);
  const rowLen = w * ch;
  const padRow = (w + 2 * P) * ch;
  motionPad = grow(motionPad, h * padRow);
  motionAcc = grow(motionAcc, rowLen);
  const pad = motionPad;
  const acc = motionAcc;
  for (let y = 0; y < h; y++) {
    const o = y * padRow;
    const s = y * rowLen;
    for (let p = 0; p < P; p++) {
      for (let c = 0; c < ch; c++) {
        pad[o + p * ch + c] = src[s + c];
        pad[o + (P + w + p) * ch + c] = src[s + rowLen - ch + c];
      }
    }
    for (let i = 0; i < rowLen; i++) pad[o + P * ch + i] = src[s + i];
  }
  const blank = blankRows(src, h, rowLen);
  for (let y = 0; y < h; y++) {
    acc.fill(0, 0, rowLen);
    for (let t = 0; t < taps; t++) {
      const yy = y + dy[t];
      const row = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
      // A row of zeros adds +0 to sums that start at +0: skipping it changes no bit.
      if (blank[row]) continue;
      const base = row * padRow;
      const d = dx[t];
      const wt = weight[t];
      if (d >= -P && d <= P) {
        const s = base + (P + d) * ch;
        for (let i = 0; i < rowLen; i++) acc[i] += wt * pad[s + i];
      } else {
        // An offset of w or more columns: every pixel reads the same edge column.
        for (let x = 0; x < w; x++) {
          const xx = x + d < 0 ? 0 : w - 1;
          for (let c = 0; c < ch; c++) acc[x * ch + c] += wt * pad[base + (P + xx) * ch + c];
        }
      }
    }
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const v = acc[i];
      out[o + i] = v < 0 ? 0 : v > 1 ? 1 : v;
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
