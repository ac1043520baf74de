// The generic csv dataset on the real wine-quality file (where the shared datasets folder has
// it): the same pool, preparation and numbers as the built-in tabular adapter given the same file.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { validateExperiment } from '../config/load.js';
import { recordOf } from './pool.js';
import { runExperiment } from './run.js';
import { identifyDataset, loadDataset } from '../data/index.js';
import { PROJECT_ROOT } from '../data/sources.js';

const WINE_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'datasets', 'wine-quality');
const WINE = resolve(WINE_DIR, 'winequality-white.csv');
const skipWine = existsSync(WINE) ? false : `no ${WINE} here`;

test('wine-quality given as name: csv trains to the same numbers as the built-in adapter (same file, same identity)', { skip: skipWine }, () => {
  const common = { hidden: [20], trainSize: 200, turns: 2, stepsPerTurn: 1500, methods: ['dwm', 'sgd', 'l2-0.1'], seed: 7 };
  for (const normalize of ['paper', 'train']) {
    const csv = validateExperiment({ ...common, dataset: { name: 'csv', path: WINE, delimiter: ';', target: 'quality', task: 'regression', normalize } }, 'csv');
    const builtIn = validateExperiment({ ...common, dataset: { name: 'wine-quality', path: WINE_DIR, normalize } }, 'built-in');
    const rawCsv = loadDataset({ ...csv.dataset });
    const rawBuiltIn = loadDataset({ ...builtIn.dataset });
    assert.deepEqual(rawCsv.columns, rawBuiltIn.columns);
    assert.deepEqual(rawCsv.x, rawBuiltIn.x);
    assert.deepEqual(rawCsv.y, rawBuiltIn.y);
    const a = recordOf(csv, runExperiment(csv, rawCsv));
    const b = recordOf(builtIn, runExperiment(builtIn, rawBuiltIn));
    assert.equal(a.normalize, normalize);
    // Everything but the dataset's name and one-line description is the same, bit for bit.
    assert.deepEqual({ ...a, dataset: '', datasetDescription: '' }, { ...b, dataset: '', datasetDescription: '' });
    assert.ok(Number.isFinite(a.methods.dwm.clean));
  }
  assert.deepEqual(
    identifyDataset({ name: 'csv', path: WINE, target: 'quality', task: 'regression', delimiter: ';' }).identity,
    identifyDataset({ name: 'wine-quality', path: WINE_DIR }).identity,
  );
});
