// The dataset registry: a dataset name from a config → its adapter, plus the download on
// demand that `dataset.download: true` asks for.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { californiaHousingSpec } from './california-housing.js';
import { cifar10Spec } from './cifar-10.js';
import { fashionMnistSpec } from './fashion-mnist.js';
import { mnistSpec } from './mnist.js';
import { DataNotFoundError } from './sources.js';
import type { DatasetOptions, DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';
import { wineQualitySpec } from './wine-quality.js';

export type { DatasetOptions, DatasetSpec } from './spec.js';

/** In the order of the paper's tables. */
export const DATASET_SPECS: DatasetSpec[] = [californiaHousingSpec, wineQualitySpec, mnistSpec, fashionMnistSpec, cifar10Spec];

type Loader = (opts: DatasetOptions) => RawDataset;

export const DATASETS: Record<string, Loader> = Object.fromEntries(DATASET_SPECS.map((s) => [s.name, s.load]));

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
  // dataset.download: true. Loading is synchronous (the protocol is), so the checked download
  // runs as `dwgd datasets fetch NAME` in a child process, with its progress bar on our stderr.
  const cli = fileURLToPath(new URL('../../../bin/dwgd.js', import.meta.url));
  // The child's stdout goes to our stderr too, so `--json` keeps stdout clean.
  const child = spawnSync(process.execPath, [cli, 'datasets', 'fetch', opts.name], { stdio: ['ignore', 2, 2] });
  if (child.status !== 0) throw new UserError(`${opts.name}: the download failed (see above)`);
  const raw = loader(opts);
  return { ...raw, origin: { kind: 'download', location: raw.origin.location } };
}
