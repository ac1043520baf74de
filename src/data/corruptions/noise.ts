// Pixel noise: Gaussian, shot (Poisson), impulse (salt and pepper) and speckle. Each pixel value
// (each channel of a colour pixel) is perturbed independently, then clipped to [0, 1], as in
// both benchmarks. Constants: CIFAR-10-C from make_cifar_c.py, MNIST-C from corruptions.py
// (docs/METHOD.md, "Corruptions").

import type { Rng } from '../../core/rng.js';
import { poisson } from './random.js';
import { type Benchmark, clamp01, type ImageCorruption, type Pixels, leveled } from './types.js';
import { nextNormals } from '../../core/fast/normals.js';

/** The noise's σ (pixel units), severities 1–5. */
export const GAUSSIAN_NOISE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.04, 0.06, 0.08, 0.09, 0.1],
  'mnist-c': [0.08, 0.12, 0.18, 0.26, 0.38],
};

/** Photons per unit intensity (a pixel v becomes Poisson(v·c)/c): fewer is noisier. */
export const SHOT_NOISE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [500, 250, 100, 75, 50],
  'mnist-c': [60, 25, 12, 5, 3],
};

/** The fraction of pixel values replaced, half by 0 and half by 1 on average. */
export const IMPULSE_NOISE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.01, 0.02, 0.03, 0.05, 0.07],
  'mnist-c': [0.03, 0.06, 0.09, 0.17, 0.27],
};

/** σ of the multiplicative noise (v becomes v + v·σ·N(0, 1)). */
export const SPECKLE_NOISE: Record<Benchmark, readonly number[]> = {
  'cifar-10-c': [0.06, 0.1, 0.12, 0.16, 0.2],
  'mnist-c': [0.15, 0.2, 0.35, 0.45, 0.6],
};

/** v + σ·N(0, 1), clipped to [0, 1]. */
export function addGaussianNoise(input: Pixels, out: Pixels, sigma: number, rng: Rng): void {
  const z = nextNormals(rng, input.length); // rng.normal() for each value, the same numbers
  for (let i = 0; i < input.length; i++) out[i] = clamp01(input[i] + sigma * z[i]);
}

/** Poisson(v·c)/c, clipped to [0, 1]. */
export function addShotNoise(input: Pixels, out: Pixels, c: number, rng: Rng): void {
  for (let i = 0; i < input.length; i++) out[i] = clamp01(poisson(rng, Math.max(0, input[i]) * c) / c);
}

/** Each value, with probability `amount`, replaced by 0 or 1 (equally likely). */
export function addImpulseNoise(input: Pixels, out: Pixels, amount: number, rng: Rng): void {
  // Two uniforms per value whatever the amount, so a larger amount flips a superset.
  for (let i = 0; i < input.length; i++) {
    const flip = rng.uniform() < amount;
    const salt = rng.uniform() < 0.5;
    out[i] = flip ? (salt ? 1 : 0) : clamp01(input[i]);
  }
}

/** v + v·σ·N(0, 1), clipped to [0, 1]. */
export function addSpeckleNoise(input: Pixels, out: Pixels, sigma: number, rng: Rng): void {
  const z = nextNormals(rng, input.length);
  for (let i = 0; i < input.length; i++) out[i] = clamp01(input[i] + input[i] * sigma * z[i]);
}

export const gaussianNoise = leveled({ id: 'gaussian-noise', title: 'Gaussian noise', family: 'noise', constants: GAUSSIAN_NOISE, source: 'make_cifar_c.py gaussian_noise; corruptions.py gaussian_noise' },
  (input, out, _shape, c, rng) => addGaussianNoise(input, out, c, rng));

export const shotNoise = leveled({ id: 'shot-noise', title: 'shot (Poisson) noise', family: 'noise', constants: SHOT_NOISE, source: 'make_cifar_c.py shot_noise; corruptions.py shot_noise' },
  (input, out, _shape, c, rng) => addShotNoise(input, out, c, rng));

export const impulseNoise = leveled({ id: 'impulse-noise', title: 'impulse (salt-and-pepper) noise', family: 'noise', constants: IMPULSE_NOISE, source: "make_cifar_c.py impulse_noise; corruptions.py impulse_noise (skimage random_noise, mode 's&p')" },
  (input, out, _shape, c, rng) => addImpulseNoise(input, out, c, rng));

export const speckleNoise = leveled({ id: 'speckle-noise', title: 'speckle noise', family: 'noise', constants: SPECKLE_NOISE, source: 'make_cifar_c.py speckle_noise; corruptions.py speckle_noise' },
  (input, out, _shape, c, rng) => addSpeckleNoise(input, out, c, rng));

export const NOISE_CORRUPTIONS: readonly ImageCorruption[] = [gaussianNoise, shotNoise, impulseNoise, speckleNoise];
