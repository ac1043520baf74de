// The validation split on the real pools (docs/METHOD.md, "Validation"): for every registered
// dataset whose files are on this machine, the validation set never overlaps the training list or
// the test set, all three lie in the pool, and the sizes are the documented ones. Datasets not
// found are skipped, visibly.

import { methodIds } from '../config/methods.js';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { DATASET_NAMES, ExperimentSchema } from '../config/schema.js';
import { loadDataset } from '../data/index.js';
import { PROJECT_ROOT } from '../data/sources.js';
import type { RawDataset } from '../data/types.js';
import { drawRunSplit, listHash, runExperiment } from './run.js';
import { checkSplit } from './testing/split-check.js';

const SHARED = resolve(PROJECT_ROOT, '..', 'shared', 'datasets');
if (existsSync(SHARED)) process.env.DWGD_DATA_DIR = SHARED;

/** The dataset options of each registered dataset's paper pool (the benchmark sets: their default pool; csv: the white-wine file read as a csv). */
function datasetOf(name: string): Record<string, unknown> {
  if (name === 'csv') return { name, path: join(SHARED, 'wine-quality', 'winequality-white.csv'), target: 'quality', task: 'regression', delimiter: ';' };
  return { name, pool: ['mnist', 'fashion-mnist', 'cifar-10'].includes(name) ? 'paper' : undefined };
}

for (const name of DATASET_NAMES) {
  test(`${name}: validation, training list and test set are disjoint parts of the real pool, of the documented sizes`, (t) => {
    const dataset = datasetOf(name);
    let raw: RawDataset;
    try {
      raw = loadDataset(ExperimentSchema.parse({ dataset, trainSize: 1 }).dataset);
    } catch (e) {
      t.skip(`${name} not found (${(e as Error).message.split('\n')[0]})`);
      return;
    }
    for (const seed of [5, 6]) {
      const config = ExperimentSchema.parse({ dataset, trainSize: 1000, seed, validation: {} });
      const { split } = drawRunSplit(config, raw);
      checkSplit(raw.size, split.train, split.validation!, split.test, `${name} seed ${seed}`);
      const expected = Math.min(5000, Math.floor(raw.size / 10));
      assert.equal(split.validation!.length, expected);
      assert.equal(split.test.length, raw.size - new Set(split.train).size - expected);
    }
  });
}

test('wine-quality: a short run with early stopping records the three lists by hash, the sizes and the kept turn', (t) => {
  let raw: RawDataset;
  try {
    raw = loadDataset(ExperimentSchema.parse({ dataset: { name: 'wine-quality' }, trainSize: 1 }).dataset);
  } catch (e) {
    t.skip(`wine-quality not found (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  const config = ExperimentSchema.parse({
    dataset: { name: 'wine-quality' }, trainSize: 1000, turns: 5, stepsPerTurn: 2000, lr: 0.01, methods: ['dwm', 'sgd'],
    validation: { size: 800 }, earlyStopping: { patience: 1 },
  });
  const r = runExperiment(config, raw);
  const { split } = drawRunSplit(config, raw);
  assert.equal(r.poolSize, 4898);
  assert.equal(r.validation!.size, 800);
  assert.equal(r.testSize, 4898 - r.distinctTrain - 800);
  assert.deepEqual(r.validation!.sha256, { train: listHash(split.train), validation: listHash(split.validation!), test: listHash(split.test) });
  for (const m of methodIds(config)) {
    const x = r.methods[m];
    const stop = x.earlyStop!;
    assert.ok(stop.bestTurn >= 1 && stop.bestTurn <= stop.turnsTrained && stop.turnsTrained <= 5);
    assert.equal(x.val!.length, stop.turnsTrained);
    assert.equal(Math.min(...x.val!.filter(Number.isFinite)), x.val![stop.bestTurn - 1], `${m}: the kept turn has the lowest validation MSE`);
    assert.equal(stop.stepsTrained, stop.turnsTrained * 2000);
  }
});
