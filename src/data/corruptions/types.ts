// What a corruption is: a pure function of one test input, a severity and a random stream, that
// writes the corrupted input (docs/METHOD.md, "Corruptions").
// Images are flattened height × width × channels (HWC: x[(r·width + c)·channels + ch], the
// layout of every dwgd image dataset: MNIST and Fashion-MNIST 28×28×1, CIFAR-10 32×32×3),
// pixel values in [0, 1]. The evaluation axis `corruption` (eval-axes/corruption.ts) applies them.

import type { Rng } from '../../core/rng.js';

/** One input as the evaluation holds it (Float64Array) or as a dataset stores it (Float32Array). */
export type Pixels = Float32Array | Float64Array;

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Whose severity constants to use: MNIST-C's (Mu & Gilmer 2019, google-research/mnist-c
 * corruptions.py) or CIFAR-10-C's (Hendrycks & Dietterich 2019, hendrycks/robustness
 * ImageNet-C/create_c/make_cifar_c.py). Where a corruption exists in only one of them (the
 * affine ones, stripe, dotted line, quantize: MNIST-C only), both use that one.
 */
export type Benchmark = 'mnist-c' | 'cifar-10-c';

export type ImageFamily = 'noise' | 'blur' | 'digital' | 'geometric' | 'occlusion';

export interface ImageCorruption {
  /** Kebab-case name, e.g. 'gaussian-noise' (a value of the evaluation axis `corruption`). */
  id: string;
  /** Words for figures and reports. */
  title: string;
  family: ImageFamily;
  /** How many severities it has: 5, or 1 where the source defines a single level. */
  levels: number;
  /** The severity constants, level 1 first, per benchmark (what `apply` uses). */
  constants: Record<Benchmark, readonly unknown[]>;
  /** Where the constants come from, e.g. 'make_cifar_c.py gaussian_noise; corruptions.py gaussian_noise'. */
  source: string;
  /**
   * Writes the corrupted `input` into `out` (which may be `input` itself). `severity` is 1 …
   * `levels`; every random number comes from `rng` (see corruptionRng). Output pixels lie in [0, 1].
   */
  apply(input: Pixels, out: Pixels, shape: ImageShape, severity: number, rng: Rng, benchmark?: Benchmark): void;
}

/** The benchmark whose constants suit an image: MNIST-C for grey images, CIFAR-10-C for colour. */
export function benchmarkFor(shape: ImageShape): Benchmark {
  return shape.channels === 1 ? 'mnist-c' : 'cifar-10-c';
}

/** Checks the shape against the input and output and the severity against the levels; returns the level's index. */
export function checkCall(c: { id: string; levels: number }, input: Pixels, out: Pixels, shape: ImageShape, severity: number): number {
  const { height, width, channels } = shape;
  if (!(Number.isInteger(height) && Number.isInteger(width) && Number.isInteger(channels) && height > 0 && width > 0 && channels > 0)) {
    throw new RangeError(`${c.id}: image shape must be positive whole numbers, got ${height}×${width}×${channels}`);
  }
  const n = height * width * channels;
  if (input.length !== n || out.length !== n) {
    throw new RangeError(`${c.id}: a ${height}×${width}×${channels} image has ${n} values, got input ${input.length} and output ${out.length}`);
  }
  if (!(Number.isInteger(severity) && severity >= 1 && severity <= c.levels)) {
    throw new RangeError(`${c.id}: severity must be a whole number from 1 to ${c.levels}, got ${severity}`);
  }
  return severity - 1;
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

let scratch = new Float64Array(0);

/**
 * A copy of `input` for corruptions that read neighbouring pixels while writing `out` (which may
 * be the same array). The buffer is reused between calls: valid until the next call.
 */
export function sourceCopy(input: Pixels): Float64Array {
  if (scratch.length < input.length) scratch = new Float64Array(input.length);
  const src = scratch.subarray(0, input.length);
  src.set(input);
  return src;
}

/**
 * A corruption from its description and the transform of one input at one level's constant:
 * `apply` checks the call (checkCall), picks the severity's constant from the benchmark's table
 * and hands it to `transform`. `levels` is the table's length.
 */
export function leveled<T>(
  spec: Pick<ImageCorruption, 'id' | 'title' | 'family' | 'source'> & { constants: Record<Benchmark, readonly T[]> },
  transform: (input: Pixels, out: Pixels, shape: ImageShape, constant: T, rng: Rng) => void,
): ImageCorruption {
  return {
    ...spec,
    levels: spec.constants['mnist-c'].length,
    apply(input, out, shape, severity, rng, benchmark = benchmarkFor(shape)) {
      transform(input, out, shape, spec.constants[benchmark][checkCall(this, input, out, shape, severity)], rng);
    },
  };
}
