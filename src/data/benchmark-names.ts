// The names of the published corruption benchmarks (MNIST-C, CIFAR-10-C): their corruptions,
// severities and which clean dataset's models each tests. Kept apart from the loaders
// (benchmark-sets.ts, mnist-c.ts, cifar-10-c.ts) so that the evaluation axis `benchmark` and the
// schema can name them without reaching the loaders, which a run is handed (run.ts) instead of
// importing (the code fingerprint of a run stays its own dataset adapter's).

/** The 15 corruptions and `identity`, in the order of the authors' release (and TFDS). */
export const MNIST_C_CORRUPTIONS = [
  'identity', 'shot_noise', 'impulse_noise', 'glass_blur', 'motion_blur', 'shear', 'scale', 'rotate',
  'brightness', 'translate', 'stripe', 'fog', 'spatter', 'dotted_line', 'zigzag', 'canny_edges',
] as const;

export const CIFAR_10_C_SEVERITIES = [1, 2, 3, 4, 5] as const;

/** The 15 corruptions of the benchmark (Hendrycks & Dietterich, their Figure 1 order). */
export const CIFAR_10_C_BENCHMARK = [
  'gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
  'snow', 'frost', 'fog', 'brightness', 'contrast', 'elastic_transform', 'pixelate', 'jpeg_compression',
] as const;
/** The 4 extra corruptions the release holds besides (held out for validation in the paper). */
export const CIFAR_10_C_EXTRA = ['speckle_noise', 'gaussian_blur', 'spatter', 'saturate'] as const;
/** Every corruption file of the release: the file is `<name>.npy`. */
export const CIFAR_10_C_CORRUPTIONS: readonly string[] = [...CIFAR_10_C_BENCHMARK, ...CIFAR_10_C_EXTRA];

export type BenchmarkSetName = 'mnist-c' | 'cifar-10-c';

export interface BenchmarkSet {
  name: BenchmarkSetName;
  /** The dataset whose models it tests. */
  clean: 'mnist' | 'cifar-10';
  /** Every corruption the release holds, in its order. */
  corruptions: readonly string[];
  /** The corruptions the benchmark's published mean is over (MNIST-C: all but identity). */
  benchmark: readonly string[];
  severities: readonly number[];
  /** Images per corruption and severity in the test split. */
  perSeverity: number;
}

export const BENCHMARK_SETS: Readonly<Record<BenchmarkSetName, BenchmarkSet>> = {
  'mnist-c': {
    name: 'mnist-c', clean: 'mnist', corruptions: MNIST_C_CORRUPTIONS,
    benchmark: MNIST_C_CORRUPTIONS.filter((c) => c !== 'identity'), severities: [1], perSeverity: 10_000,
  },
  'cifar-10-c': {
    name: 'cifar-10-c', clean: 'cifar-10', corruptions: CIFAR_10_C_CORRUPTIONS,
    benchmark: CIFAR_10_C_BENCHMARK, severities: CIFAR_10_C_SEVERITIES, perSeverity: 10_000,
  },
};

/** The benchmark set for models trained on `dataset`, or null. */
export function benchmarkFor(dataset: string): BenchmarkSetName | null {
  const hit = Object.values(BENCHMARK_SETS).find((s) => s.clean === dataset);
  return hit ? hit.name : null;
}

