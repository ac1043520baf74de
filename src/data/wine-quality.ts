// Wine Quality (Cortez et al., 2009; UCI dataset 186): `;`-separated, quoted header, the
// last column `quality` is the target. `variant: white` is the paper's (4,898 rows);
// `red` has 1,599. Values stay raw; prepare.ts z-scores them, target × 0.1 (docs/METHOD.md §6).

import { UserError } from '../errors.js';
import { readNumericTable } from './formats/csv.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type DatasetOptions, type DatasetSpec } from './spec.js';
import { tabularPool } from './tabular.js';
import type { RawDataset } from './types.js';

export const WINE_TARGET = 'quality';
export const WINE_COLUMNS = [
  'fixed acidity', 'volatile acidity', 'citric acid', 'residual sugar', 'chlorides',
  'free sulfur dioxide', 'total sulfur dioxide', 'density', 'pH', 'sulphates', 'alcohol', WINE_TARGET,
];
export const WINE_VARIANTS = ['white', 'red'] as const;
export type WineVariant = (typeof WINE_VARIANTS)[number];

const UCI = 'https://archive.ics.uci.edu/ml/machine-learning-databases/wine-quality/';

function wineVariant(variant: string | undefined): WineVariant {
  const v = variant ?? 'white';
  if (!(WINE_VARIANTS as readonly string[]).includes(v)) throw new UserError(`dataset.variant: wine-quality takes white or red, got '${v}'`);
  return v as WineVariant;
}

export function wineFile(variant: WineVariant): string {
  return `winequality-${variant}.csv`;
}

export function locateWine(opts: { path?: string; variant?: string } = {}, env: NodeJS.ProcessEnv = process.env): Located {
  const variant = wineVariant(opts.variant);
  return locate({ dataset: 'wine-quality', files: [[wineFile(variant)]], explicitPath: opts.path, fetchHint: fetchCommand('wine-quality') }, env);
}

export function loadWineQuality(opts: { path?: string; variant?: string } = {}): RawDataset {
  const variant = wineVariant(opts.variant);
  const found = locateWine(opts);
  const table = readNumericTable(found.paths[0], { delimiter: ';', columns: WINE_COLUMNS, onMissing: 'error' });
  const description = `${variant} wine, ${table.rows.toLocaleString('en-US')} rows of ${wineFile(variant)}`;
  return tabularPool('wine-quality', table, WINE_COLUMNS, WINE_TARGET, found.origin, description);
}

export const wineQualitySpec: DatasetSpec = {
  name: 'wine-quality',
  module: import.meta.url,
  title: 'Wine Quality (vinho verde), white or red',
  task: 'regression',
  kind: 'tabular',
  nInputs: 11,
  nOutputs: 1,
  poolSize: 4_898,
  poolText: 'the 4,898 white wines (variant red: 1,599)',
  choices: 'variant: white (the paper\'s) | red; normalize: paper | train; targetScale (0.1)',
  preparation: 'z-score every column; target = z-scored quality × 0.1',
  origin: 'Cortez et al. (2009), UCI Machine Learning Repository dataset 186 (CC BY 4.0)',
  canonical: [
    { name: wineFile('white'), urls: [UCI + wineFile('white')], size: 264_426, sha256: '76c3f809815c17c07212622f776311faeb31e87610d52c26d87d6e361b169836' },
    { name: wineFile('red'), urls: [UCI + wineFile('red')], size: 84_199, sha256: '4a402cf041b025d4566d954c3b9ba8635a3a8a01e039005d97d6a710278cf05e' },
  ],
  verifyChoices: [{ label: 'white', options: { variant: 'white' } }, { label: 'red', options: { variant: 'red' } }],
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateWine(o, env),
  load: (o: DatasetOptions) => loadWineQuality(o),
};
