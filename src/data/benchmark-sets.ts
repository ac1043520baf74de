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
import { CIFAR_10_C_ARCHIVE, loadCifar10C, locateCifar10C } from './cifar-10-c.js';
import { BENCHMARK_SETS, benchmarkFor, type BenchmarkSet, type BenchmarkSetName } from './benchmark-names.js';
import type { CorruptedImages } from './corrupted-images.js';
import { identifyFile, type DataIdentity } from './identity.js';
import { loadMnistC, locateMnistC, MNIST_C_ARCHIVE } from './mnist-c.js';
import { cifarBatches } from './cifar-10.js';
import { MNIST_POOLS } from './mnist.js';
import { DataNotFoundError, type Located } from './sources.js';
import type { DatasetOptions } from './spec.js';
import type { DataOrigin } from './types.js';

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

/**
 * The files loadBenchmark reads for one corruption of a set's test images (no `path`: found as
 * every run finds them, in $DWGD_DATA_DIR/<set>/ or datasets/<set>/), each with its name in the
 * release's layout: the unpacked images and labels (`mnist_c/fog/test_images.npy`,
 * `CIFAR-10-C/fog.npy`, `CIFAR-10-C/labels.npy`), or the archive they are read from in place.
 * Throws DataNotFoundError naming the fetch command when neither is there.
 */
export function locateBenchmark(set: string, corruption: string, env: NodeJS.ProcessEnv = process.env): { located: Located; names: string[] } {
  const s = setNamed(set);
  if (s.name === 'mnist-c') {
    const located = locateMnistC({ pool: corruption }, env);
    return { located, names: located.set === 0 ? [`mnist_c/${corruption}/test_images.npy`, `mnist_c/${corruption}/test_labels.npy`] : [MNIST_C_ARCHIVE] };
  }
  const located = locateCifar10C({ pool: `${corruption}/1` }, env);
  return { located, names: located.set === 0 ? [`CIFAR-10-C/${corruption}.npy`, 'CIFAR-10-C/labels.npy'] : [CIFAR_10_C_ARCHIVE] };
}

/**
 * The identity of the benchmark files a run scored on `corruptions` of `set` reads: each file
 * once (the archive, or CIFAR-10-C's shared labels, is read for every corruption), by its name
 * in the release's layout, size and sha-256 (hashed as the datasets' files are, data/identity.ts),
 * in the set's order of corruptions whatever order they are asked in; and where the files are
 * (`paths`, one per identified file). Every corruption is looked for first: when any is missing,
 * one DataNotFoundError names the set, the corruptions not found (unless none was) and the fetch
 * command, with where the first of them was looked for.
 */
export function identifyBenchmark(set: string, corruptions: readonly string[], env: NodeJS.ProcessEnv = process.env): { identity: DataIdentity; paths: string[]; origin: DataOrigin } {
  const s = setNamed(set);
  const wanted = s.corruptions.filter((c) => corruptions.includes(c));
  if (corruptions.length === 0) throw new Error('identifyBenchmark: no corruption asked for');
  const unknown = corruptions.filter((c) => !s.corruptions.includes(c));
  if (unknown.length) throw new UserError(`evaluate.benchmark: ${set} has no corruption ${unknown.map((c) => `'${c}'`).join(', ')} (it has ${s.corruptions.join(', ')})`);
  const found: { located: Located; names: string[] }[] = [];
  const missing: { corruption: string; err: DataNotFoundError }[] = [];
  for (const c of wanted) {
    try {
      found.push(locateBenchmark(set, c, env));
    } catch (err) {
      if (!(err instanceof DataNotFoundError)) throw err;
      missing.push({ corruption: c, err });
    }
  }
  if (missing.length) {
    // The first miss's own line (where it looked, the fetch command), naming what is missing.
    const first = missing[0].err.message;
    const rest = first.startsWith(`${set}: `) ? first.slice(set.length + 2) : first;
    const which = missing.length === wanted.length ? '' : `: ${missing.map((m) => m.corruption).join(', ')}`;
    throw new DataNotFoundError(`${set} (evaluate.benchmark${which}): ${rest}`, set);
  }
  const seen = new Set<string>();
  const files: DataIdentity['files'] = [];
  const paths: string[] = [];
  for (const { located, names } of found) {
    located.paths.forEach((p, k) => {
      if (seen.has(p)) return;
      seen.add(p);
      files.push({ ...identifyFile(p, env), name: names[k] });
      paths.push(p);
    });
  }
  return { identity: { files }, paths, origin: found[0].located.origin };
}

/**
 * The set as a dataset (`dataset.name: mnist-c` or `cifar-10-c`), at the pool holding one
 * corruption's test images: what `fetchMissing` looks for, and downloads when it is not found.
 */
export function benchmarkDatasetOptions(set: string, corruption: string): DatasetOptions {
  const s = setNamed(set);
  return { name: s.name, pool: s.name === 'mnist-c' ? corruption : `${corruption}/1`, download: true };
}
