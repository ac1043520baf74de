// The dataset registry: a dataset name from a config → its adapter, plus the download on
// demand that `dataset.download: true` asks for (fetchMissing, before loading).

import { UserError } from '../errors.js';
import { californiaHousingSpec } from './california-housing.js';
import { cifar10Spec } from './cifar-10.js';
import { cifar10CSpec } from './cifar-10-c.js';
import { CSV_DATASET, CSV_DATASET_MODULE, loadCsvDataset, locateCsv } from './csv-dataset.js';
import { fashionMnistSpec } from './fashion-mnist.js';
import { fetchDataset, type FetchOptions } from './fetch.js';
import { mnistSpec } from './mnist.js';
import { mnistCSpec } from './mnist-c.js';
import { identifyFiles, type DataIdentity } from './identity.js';
import { DataNotFoundError, type Located } from './sources.js';
import type { DatasetOptions, DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';
import { wineQualitySpec } from './wine-quality.js';

export type { DatasetOptions, DatasetSpec } from './spec.js';
export type { DataIdentity } from './identity.js';

/** In the order of the paper's tables, then the published corruption benchmarks (test sets). */
export const DATASET_SPECS: DatasetSpec[] = [californiaHousingSpec, wineQualitySpec, mnistSpec, fashionMnistSpec, cifar10Spec, mnistCSpec, cifar10CSpec];

type Loader = (opts: DatasetOptions) => RawDataset;

/** The built-in sets, plus `csv`: any CSV file the config describes (csv-dataset.ts). */
export const DATASETS: Record<string, Loader> = { ...Object.fromEntries(DATASET_SPECS.map((s) => [s.name, s.load])), [CSV_DATASET]: loadCsvDataset };

/** Every name `dataset.name` may take: the registry's, in its order. */
export const DATASET_NAMES = Object.keys(DATASETS) as [string, ...string[]];

/**
 * Where this module and each dataset's adapter are defined (module URLs, by dataset name). The
 * code fingerprint of a run does not follow this module's imports of every adapter; it adds the
 * adapter of the run's dataset, and with it the file formats that adapter imports.
 */
export const DATASET_MODULES: { registry: string; members: Readonly<Record<string, string>> } = {
  registry: import.meta.url,
  members: { ...Object.fromEntries(DATASET_SPECS.map((s) => [s.name, s.module])), [CSV_DATASET]: CSV_DATASET_MODULE },
};

export function datasetSpec(name: string): DatasetSpec {
  const spec = DATASET_SPECS.find((s) => s.name === name);
  if (!spec) throw new UserError(`unknown dataset '${name}' (known: ${DATASET_SPECS.map((s) => s.name).join(', ')})`);
  return spec;
}

/** Datasets this process has downloaded: their origin is reported as a download. */
const downloaded = new Set<string>();

/**
 * `dataset.download: true`: fetches (checked) each dataset among `options` that asks for it and
 * is not found. Called before loading (loading is synchronous, a download is not).
 */
export async function fetchMissing(options: DatasetOptions[], fetchOpts: FetchOptions = {}): Promise<void> {
  const seen = new Set<string>();
  for (const opts of options) {
    if (!opts.download || opts.path || seen.has(opts.name)) continue;
    seen.add(opts.name);
    const spec = datasetSpec(opts.name);
    try {
      spec.locate(opts);
      continue;
    } catch (err) {
      if (!(err instanceof DataNotFoundError)) throw err;
    }
    await fetchDataset(spec, fetchOpts);
    downloaded.add(opts.name);
  }
}

export function loadDataset(opts: DatasetOptions): RawDataset {
  const loader = DATASETS[opts.name];
  if (!loader) throw new UserError(`dataset.name: unknown dataset '${opts.name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  const raw = loader(opts);
  return downloaded.has(opts.name) && !opts.path ? { ...raw, origin: { kind: 'download', location: raw.origin.location } } : raw;
}

/**
 * The files a run on these options reads, found without reading them, and their identity.
 * Throws DataNotFoundError when they are missing (fetchMissing first, for dataset.download).
 */
export function identifyDataset(opts: DatasetOptions): { identity: DataIdentity; located: Located } {
  const located = (opts.name === CSV_DATASET ? locateCsv : datasetSpec(opts.name).locate)(opts);
  return { identity: identifyFiles(located.paths), located };
}
