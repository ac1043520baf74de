// Finding and identifying a plan's data before any run: the identity goes into the run ids and
// run.json; where the files were found goes into provenance.json. The data are a run's dataset
// and, when its evaluation points read a published benchmark set (evaluate.benchmark), the files
// of that set it reads.

import { benchmarkDatasetOptions, identifyBenchmark } from '../data/benchmark-sets.js';
import type { DatasetOptions } from '../data/spec.js';
import { identifyDataset } from '../data/index.js';
import type { DataOrigin } from '../data/types.js';
import type { ExperimentConfig } from '../config/schema.js';
import { benchmarkKey, benchmarkNeed, datasetKey, type Identify, type IdentifyBenchmark } from './plan.js';

export interface DataLocations {
  identify: Identify;
  identifyBenchmark: IdentifyBenchmark;
  /** By datasetKey, and by BenchmarkNeed key: the absolute paths of the files read and where they were found. */
  where: Map<string, { paths: string[]; origin: DataOrigin }>;
}

export function dataLocator(): DataLocations {
  const where = new Map<string, { paths: string[]; origin: DataOrigin }>();
  const identify: Identify = (dataset) => {
    const { identity, located } = identifyDataset({ ...dataset });
    where.set(datasetKey({ dataset }), { paths: located.paths, origin: located.origin });
    return identity;
  };
  const identifyBenchmarkFiles: IdentifyBenchmark = (set, corruptions) => {
    const { identity, paths, origin } = identifyBenchmark(set, corruptions);
    where.set(benchmarkKey(set, corruptions), { paths, origin });
    return identity;
  };
  return { identify, identifyBenchmark: identifyBenchmarkFiles, where };
}

/**
 * Where a run's data files were found, one path per file of its data identity (plan.ts runData:
 * the dataset's, then the benchmark files); the origin is the dataset's. Undefined when its
 * dataset was not located here (an injected loader).
 */
export function runDataPaths(data: DataLocations, config: ExperimentConfig): { paths: string[]; origin: DataOrigin } | undefined {
  const dataset = data.where.get(datasetKey(config));
  if (!dataset) return undefined;
  const need = benchmarkNeed(config);
  const bench = need ? data.where.get(need.key) : undefined;
  return bench ? { paths: [...dataset.paths, ...bench.paths], origin: dataset.origin } : dataset;
}

/**
 * What `dataset.download: true` (--download) fetches before a run when it is not found: the run's
 * dataset and, when its evaluation points read a benchmark set, that set (looked for at the first
 * corruption it reads; the archive holds them all).
 */
export function downloadsOf(config: ExperimentConfig): DatasetOptions[] {
  const need = config.dataset.download ? benchmarkNeed(config) : null;
  return need ? [config.dataset, benchmarkDatasetOptions(need.set, need.corruptions[0])] : [config.dataset];
}
