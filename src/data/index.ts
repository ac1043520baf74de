// The dataset registry: a dataset name from a config → its adapter, plus the download on
// demand that `dataset.download: true` asks for.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { californiaHousingSpec } from './california-housing.js';
import { cifar10Spec } from './cifar-10.js';
import { CSV_DATASET, loadCsvDataset, locateCsv } from './csv-dataset.js';
import { fashionMnistSpec } from './fashion-mnist.js';
import { mnistSpec } from './mnist.js';
import { identifyFiles, type DataIdentity } from './identity.js';
import { DataNotFoundError, type Located } from './sources.js';
import type { DatasetOptions, DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';
import { wineQualitySpec } from './wine-quality.js';

export type { DatasetOptions, DatasetSpec } from './spec.js';
export type { DataIdentity } from './identity.js';

/** In the order of the paper's tables. */
export const DATASET_SPECS: DatasetSpec[] = [californiaHousingSpec, wineQualitySpec, mnistSpec, fashionMnistSpec, cifar10Spec];

type Loader = (opts: DatasetOptions) => RawDataset;

/** The built-in sets, plus `csv`: any CSV file the config describes (csv-dataset.ts). */
export const DATASETS: Record<string, Loader> = { ...Object.fromEntries(DATASET_SPECS.map((s) => [s.name, s.load])), [CSV_DATASET]: loadCsvDataset };

export function datasetSpec(name: string): DatasetSpec {
  const spec = DATASET_SPECS.find((s) => s.name === name);
  if (!spec) throw new UserError(`unknown dataset '${name}' (known: ${DATASET_SPECS.map((s) => s.name).join(', ')})`);
  return spec;
}

export function loadDataset(opts: DatasetOptions): RawDataset {
  const loader = DATASETS[opts.name];
  if (!loader) throw new UserError(`dataset.name: unknown dataset '${opts.name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  try {
    return loader(opts);
  } catch (err) {
    if (!(err instanceof DataNotFoundError) || !opts.download || opts.path) throw err;
  }
  download(opts.name);
  const raw = loader(opts);
  return { ...raw, origin: { kind: 'download', location: raw.origin.location } };
}

/**
 * The files a run on these options reads, found without reading them (downloaded first when
 * the options allow it), and their identity. Throws DataNotFoundError when they are missing.
 */
export function identifyDataset(opts: DatasetOptions): { identity: DataIdentity; located: Located } {
  const locateFn = opts.name === CSV_DATASET ? locateCsv : datasetSpec(opts.name).locate;
  let located: Located;
  try {
    located = locateFn(opts);
  } catch (err) {
    if (!(err instanceof DataNotFoundError) || !opts.download || opts.path) throw err;
    download(opts.name);
    located = locateFn(opts);
  }
  return { identity: identifyFiles(located.paths), located };
}

// dataset.download: true. Loading is synchronous (the protocol is), so the checked download
// runs as `dwgd datasets fetch NAME` in a child process, with its progress bar on our stderr
// (its stdout too, so `--json` keeps stdout clean).
function download(name: string): void {
  const cli = fileURLToPath(new URL('../../../bin/dwgd.js', import.meta.url));
  const child = spawnSync(process.execPath, [cli, 'datasets', 'fetch', name], { stdio: ['ignore', 2, 2] });
  if (child.status !== 0) throw new UserError(`${name}: the download failed (see above)`);
}
