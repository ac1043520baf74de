// California Housing, Géron's housing.csv (1990 census block groups; Pace & Barry, 1997).
// docs/METHOD.md §6: drop `ocean_proximity`, drop rows with a missing value (207, all in
// total_bedrooms: 20,640 → 20,433), then z-score (prepare.ts) with target × 0.1.

import { readNumericTable } from './formats/csv.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type DatasetOptions, type DatasetSpec } from './spec.js';
import { tabularPool } from './tabular.js';
import type { RawDataset } from './types.js';

export const HOUSING_FILE = 'housing.csv';
export const HOUSING_TARGET = 'median_house_value';
export const HOUSING_COLUMNS = [
  'longitude', 'latitude', 'housing_median_age', 'total_rooms', 'total_bedrooms',
  'population', 'households', 'median_income', HOUSING_TARGET,
];

export function locateHousing(opts: { path?: string } = {}, env: NodeJS.ProcessEnv = process.env): Located {
  return locate({ dataset: 'california-housing', files: [[HOUSING_FILE]], explicitPath: opts.path, fetchHint: fetchCommand('california-housing') }, env);
}

export function loadCaliforniaHousing(opts: { path?: string } = {}): RawDataset {
  const found = locateHousing(opts);
  const file = found.paths[0];
  const table = readNumericTable(file, { delimiter: ',', columns: HOUSING_COLUMNS, onMissing: 'drop' });
  const description = `${table.rows.toLocaleString('en-US')} rows of housing.csv` +
    (table.dropped > 0 ? ` (${table.dropped} with a missing value dropped)` : '') + ', ocean_proximity dropped';
  return tabularPool('california-housing', table, HOUSING_COLUMNS, HOUSING_TARGET, found.origin, description);
}

export const californiaHousingSpec: DatasetSpec = {
  name: 'california-housing',
  module: import.meta.url,
  title: 'California Housing (housing.csv, Hands-On ML version)',
  task: 'regression',
  kind: 'tabular',
  nInputs: 8,
  nOutputs: 1,
  poolSize: 20_433,
  poolText: 'the 20,433 rows without a missing value',
  choices: 'normalize: paper (whole-table statistics) | train (training-list statistics); targetScale (0.1)',
  preparation: 'drop ocean_proximity and rows with a missing value; z-score every column; target = z-scored median_house_value × 0.1',
  origin: 'Pace & Barry (1997), 1990 California census; Géron, github.com/ageron/handson-ml2 (Apache-2.0)',
  canonical: [{
    name: HOUSING_FILE,
    urls: ['https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.csv'],
    size: 1_423_529,
    sha256: '8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e',
  }],
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateHousing(o, env),
  load: (o: DatasetOptions) => loadCaliforniaHousing(o),
};
