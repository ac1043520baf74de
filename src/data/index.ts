// The dataset registry: a dataset name from a config → its adapter.

import { UserError } from '../errors.js';
import { loadMnist } from './mnist.js';
import type { RawDataset } from './types.js';

export interface DatasetOptions {
  name: string;
  path?: string;
  pool?: string | string[];
  variant?: string;
}

type Loader = (opts: DatasetOptions) => RawDataset;

export const DATASETS: Record<string, Loader> = {
  mnist: (o) => loadMnist(o),
};

export function loadDataset(opts: DatasetOptions): RawDataset {
  const loader = DATASETS[opts.name];
  if (!loader) throw new UserError(`dataset.name: unknown dataset '${opts.name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  return loader(opts);
}
