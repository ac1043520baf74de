
import { type Benchmark, clamp01, type ImageCorruption, type ImageShape, type Pixels, sourceCopy, leveled } from './types.js';

/** The factor each channel's deviation from its own mean is multiplied by. */
export const CONTRAST: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.75, 0.5, 0.4, 0.3, 0.15],
  'mnist-c': [0.4, 0.3, 0.2, 0.1, 0.05],
};

/** What is added to the HSV value (the largest channel), clipped at 1. */
export const BRIGHTNESS: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.05, 0.1, 0.15, 0.2, 0.3],
  'mnist-c': [0.1, 0.2, 0.3, 0.4, 0.5],
};

/** The side of the small image, as a fraction of the side (int(side · c) pixels). */
export const PIXELATE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.95, 0.9, 0.85, 0.75, 0.65],
  'mnist-c': [0.6, 0.5, 0.4, 0.3, 0.25],
};

/** Bits per pixel value kept (MNIST-C's quantize; CIFAR-10-C has none, so both use these). */
export const QUANTIZE_BITS: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [5, 4, 3, 2, 1],
  'mnist-c': [5, 4, 3, 2, 1],
};

/** Each channel's deviation from its mean over the image multiplied by c, clipped to [0, 1]. */
export function contrastInto(input: Pixels, out: Pixels, shape: ImageShape, c: number): void {
  const ch = shape.channels;
  const pixels = shape.height * shape.width;
  const mean = new Float64Array(ch);
  for (let i = 0; i < input.length; i++) mean[i % ch] += input[i];
  for (let k = 0; k < ch; k++) mean[k] /= pixels;
  for (let i = 0; i < input.length; i++) out[i] = clamp01((input[i] - mean[i % ch]) * c + mean[i % ch]);
}

export const contrast = leveled({ id: 'contrast', title: 'contrast', family: 'digital', constants: CONTRAST, source: 'make_cifar_c.py contrast; corruptions.py contrast' },
  (input, out, shape, c) => contrastInto(input, out, shape, c));

/**
 * Brightness by c: the HSV value V = max(R, G, B) of each pixel becomes min(V + c, 1) with hue and
 * saturation kept, which scales the pixel's channels by min(V + c, 1)/V (a black pixel, whose
 * saturation is 0, becomes grey at min(c, 1)). For one channel this is min(v + c, 1), what
 * MNIST-C's grey → RGB → HSV → RGB → grey round trip gives.
 */
export function brightnessInto(input: Pixels, out: Pixels, shape: ImageShape, c: number): void {
  const ch = shape.channels;
  for (let p = 0; p < input.length; p += ch) {
    let v = 0;
    for (let k = 0; k < ch; k++) v = Math.max(v, clamp01(input[p + k]));
    const target = Math.min(v + c, 1);
    for (let k = 0; k < ch; k++) out[p + k] = v === 0 ? target : clamp01((clamp01(input[p + k]) * target) / v);
  }
}

export const brightness = leveled({ id: 'brightness', title: 'brightness', family: 'digital', constants: BRIGHTNESS, source: 'make_cifar_c.py brightness; corruptions.py brightness (skimage rgb2hsv / hsv2rgb)' },
  (input, out, shape, c) => brightnessInto(input, out, shape, c));

/**
 * Resampling weights of Pillow's resize with the BOX filter along one axis, from `inSize` to
 * `outSize` pixels: output pixel j covers the input interval centred at (j + ½)·scale with
 * half-width ½·max(scale, 1), scale = inSize/outSize, and averages the input pixels whose
 * centres fall in (centre − half-width, centre + half-width]. Returns, per output pixel, the
 * first input index and the weights.
 */
export function boxResizeWeights(inSize: number, outSize: number): { first: number; weights: Float64Array }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  const out: { first: number; weights: Float64Array }[] = [];
  for (let j = 0; j < outSize; j++) {
    const centre = (j + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const last = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const weights = new Float64Array(Math.max(0, last - first));
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      const t = (first + i - centre + 0.5) / filterScale;
      weights[i] = t > -0.5 && t <= 0.5 ? 1 : 0;
      sum += weights[i];
    }
    if (sum !== 0) for (let i = 0; i < weights.length; i++) weights[i] /= sum;
    out.push({ first, weights });
  }
  return out;
}

const resizeWeights = new Map<string, { first: number; weights: Float64Array }[]>();

/** boxResizeWeights, made once per pair of sizes. */
function weightsFor(inSize: number, outSize: number): { first: number; weights: Float64Array }[] {
  const key = `${inSize}>${outSize}`;
  let ws = resizeWeights.get(key);
  if (!ws) {
    ws = boxResizeWeights(inSize, outSize);
    resizeWeights.set(key, ws);
  }
  return ws;
}

let midBuf = new Float64Array(0);

/** Pillow's two-pass resize (rows first, then columns) of an HWC image with the BOX filter. */
export function boxResize(src: Float64Array, shape: ImageShape, outH: number, outW: number): Float64Array {
  const { height: h, width: w, channels: ch } = shape;
  const across = weightsFor(w, outW);
  const down = weightsFor(h, outH);
  if (midBuf.length < h * outW * ch) midBuf = new Float64Array(h * outW * ch);
  const mid = midBuf;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const { first, weights } = across[x];
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let i = 0; i < weights.length; i++) s += weights[i] * src[(y * w + first + i) * ch + c];
        mid[(y * outW + x) * ch + c] = s;
      }
    }
  }
  const out = new Float64Array(outH * outW * ch);
  for (let y = 0; y < outH; y++) {
    const { first, weights } = down[y];
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let i = 0; i < weights.length; i++) s += weights[i] * mid[((first + i) * outW + x) * ch + c];
        out[(y * outW + x) * ch + c] = s;
      }
    }
  }
  return out;
}

/** Pillow's BOX resize to int(side·c) pixels per side (at least 1) and back to the full size. */
export function pixelateInto(input: Pixels, out: Pixels, shape: ImageShape, c: number): void {
  // int(side · c) as Python computes it (the product in doubles, then truncated).
  const smallH = Math.max(1, Math.trunc(shape.height * c));
  const smallW = Math.max(1, Math.trunc(shape.width * c));
  const small = boxResize(sourceCopy(input), shape, smallH, smallW);
  const back = boxResize(small, { height: smallH, width: smallW, channels: shape.channels }, shape.height, shape.width);
  for (let i = 0; i < back.length; i++) out[i] = clamp01(back[i]);
}

export const pixelate = leveled({ id: 'pixelate', title: 'pixelate', family: 'digital', constants: PIXELATE, source: 'make_cifar_c.py pixelate; corruptions.py pixelate (PIL resize, BOX, down then up)' },
  (input, out, shape, c) => pixelateInto(input, out, shape, c));

/** Round half to even, as numpy's round. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Each value rounded to the nearest of 2^bits evenly spaced levels from 0 to 1 (ties to even). */
export function quantizeInto(input: Pixels, out: Pixels, bits: number): void {
  const levels = 2 ** bits - 1;
  for (let i = 0; i < input.length; i++) out[i] = roundHalfEven(clamp01(input[i]) * levels) / levels;
}

export const quantize = leveled({ id: 'quantize', title: 'quantize (bit depth)', family: 'digital', constants: QUANTIZE_BITS, source: 'corruptions.py quantize (MNIST-C; none in CIFAR-10-C)' },
  (input, out, _shape, c) => quantizeInto(input, out, c));

export const DIGITAL_CORRUPTIONS: readonly ImageCorruption[] = [contrast, brightness, pixelate, quantize];
