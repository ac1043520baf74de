// The published corruption benchmarks as test sets for models trained on the clean sets:
// MNIST-C for `mnist` models, CIFAR-10-C for `cifar-10` models (the same ten classes, the
// same inputs: pixel / 255 in the clean set's layout). This is the API evaluation code calls:
//
//   BENCHMARK_SETS['cifar-10-c']  → { clean: 'cifar-10', corruptions, severities: [1…5] }
//   benchmarkFor('mnist')         → 'mnist-c' (or null for a dataset without one)
//   loadBenchmark('cifar-10-c', 'fog', 3) → CorruptedImages (x, y, size, nInputs, origin …)
//
// MNIST-C has one severity per corruption (pass 1); CIFAR-10-C five. A missing set fails with
// one line naming `node bin/dwgd.js datasets fetch <set>`; a damaged file with one line naming the file
// and the same command. Unlike data/corruptions/ (corruptions dwgd computes, at any σ or
// level, seeded), these are fixed published images: the same pixels on every machine.

import { UserError } from '../errors.js';
import { loadCifar10C } from './cifar-10-c.js';
import { BENCHMARK_SETS, benchmarkFor, type BenchmarkSet, type BenchmarkSetName } from './benchmark-names.js';
import type { CorruptedImages } from './corrupted-images.js';
import { loadMnistC } from './mnist-c.js';
import { cifarBatches } from './cifar-10.js';
import { MNIST_POOLS } from './mnist.js';

export type { CorruptedImages } from './corrupted-images.js';
export { BENCHMARK_SETS, benchmarkFor, type BenchmarkSet, type BenchmarkSetName };

function setNamed(set: string): BenchmarkSet {
  const s = BENCHMARK_SETS[set as BenchmarkSetName];
  if (!s) throw new UserError(`unknown benchmark set '${set}' (known: ${Object.keys(BENCHMARK_SETS).join(', ')})`);
  return s;
}

/** The corruption names of a set, in the release's order. */
export function benchmarkCorruptions(set: string): readonly string[] {
  return setNamed(set).corruptions;
}

export interface BenchmarkLoadOptions {
  /** A folder holding the set (unpacked, or its archive), instead of the usual places. */
  path?: string;
  /** MNIST-C only: its corrupted training images instead of the test images. */
  split?: 'test' | 'train';
  env?: NodeJS.ProcessEnv;
}

/** One corruption at one severity: images (pixel / 255, the clean set's layout) and labels. */
export function loadBenchmark(set: string, corruption: string, severity: number, opts: BenchmarkLoadOptions = {}): CorruptedImages {
  const s = setNamed(set);
  if (!s.severities.includes(severity)) throw new UserError(`severity: ${set} has ${s.severities.length === 1 ? 'one severity, 1' : `severities ${s.severities.join(', ')}`}; got ${severity}`);
  if (s.name === 'mnist-c') return loadMnistC(corruption, opts);
  if (opts.split === 'train') throw new UserError('split: cifar-10-c holds test images only');
  return loadCifar10C(corruption, severity, opts);
}

/**
 * Why a run on `dataset` (pool `pool`) may not be scored on these benchmark corruptions at these
 * severities, or null. The leakage rule: MNIST-C's test images are MNIST's official test images
 * corrupted, CIFAR-10-C's are CIFAR-10's test_batch corrupted; a pool that holds those images
 * (mnist `test`; cifar-10 `test` or a list with test_batch) may have trained on them, so it is
 * refused. mnist `paper` (training images 5,000–59,999) and `train`, and cifar-10's data
 * batches, hold none of them.
 */
export function benchmarkProblem(dataset: string, pool: string | string[] | undefined, names: readonly unknown[], severities: readonly unknown[]): string | null {
  const setName = benchmarkFor(dataset);
  if (!setName) return `the published benchmarks test models trained on ${Object.values(BENCHMARK_SETS).map((b) => `${b.clean} (${b.name})`).join(' or ')}; this dataset is ${dataset}`;
  const set = BENCHMARK_SETS[setName];
  let holdsTest: boolean;
  if (setName === 'mnist-c') holdsTest = typeof pool === 'string' && MNIST_POOLS[pool]?.split === 'test';
  else {
    try {
      holdsTest = cifarBatches(pool).batches.includes('test_batch');
    } catch {
      return null; // the pool itself is refused where it is checked
    }
  }
  if (holdsTest) {
    return `${set.name}'s images are ${dataset}'s official test images, which this run's pool (dataset.pool: ${JSON.stringify(pool)}) holds: the models may have trained on them; train on pool paper or train`;
  }
  const unknown = names.filter((n) => typeof n !== 'string' || !set.corruptions.includes(n));
  if (unknown.length) return `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not ${set.name} corruption${unknown.length === 1 ? '' : 's'}; ${set.name} has ${set.corruptions.join(', ')}`;
  const bad = severities.filter((v) => v !== 0 && !set.severities.includes(Number(v)));
  if (bad.length) return `${set.name} has ${set.severities.length === 1 ? 'one severity, 1' : `severities ${set.severities.join(', ')}`} (0: the clean test); evaluate.severity asks for ${bad.join(', ')}`;
  return null;
}
