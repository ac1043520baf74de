// Finding and identifying a plan's data before any run: the identity goes into the run ids and
// run.json; where the files were found goes into provenance.json.

import { identifyDataset } from '../data/index.js';
import type { DataOrigin } from '../data/types.js';
import { datasetKey, type Identify } from './plan.js';

export interface DataLocations {
  identify: Identify;
  /** By datasetKey: the absolute paths of the files read and where they were found. */
  where: Map<string, { paths: string[]; origin: DataOrigin }>;
}

export function dataLocator(): DataLocations {
  const where = new Map<string, { paths: string[]; origin: DataOrigin }>();
  const identify: Identify = (dataset) => {
    const { identity, located } = identifyDataset({ ...dataset });
    where.set(datasetKey({ dataset }), { paths: located.paths, origin: located.origin });
    return identity;
  };
  return { identify, where };
}
