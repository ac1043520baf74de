// Float32 classification with its float64 fallback (the fast engine's default, docs/METHOD.md
// "Evaluation precision") against pure float64 evaluation on the paper's configs: every
// configs/paper/*.yaml experiment trained with its full protocol (n = 1,000, 6 turns × 10,000
// steps, five methods), and every test pass (each turn's clean one, the noisy one) scored both
// ways on the same trained model. Accuracy counts and MSE must be identical. A dataset that is
// not found here (DWGD_DATA_DIR, else ../shared/datasets, datasets/) is skipped and named. About 4 CPU-minutes.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { FastModel } from '../core/fast/fast-model.js';
import type { Trainable } from '../core/model.js';
import { readConfigFile, validateExperiment } from '../config/load.js';
import { loadDataset } from '../data/index.js';
import type { RawDataset } from '../data/types.js';
import { runExperiment } from './run.js';
import { ROOT } from './testing/paths.js';

const dir = join(ROOT, 'configs', 'paper');
// The real copies beside the project (../shared/datasets), as the real-data tests use them,
// unless DWGD_DATA_DIR names another place.
const SHARED = resolve(ROOT, '..', 'shared', 'datasets');
if (!process.env.DWGD_DATA_DIR && existsSync(SHARED)) process.env.DWGD_DATA_DIR = SHARED;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'all.yaml').sort();

/** Scores every pass in both modes (returning the default one's) and records any difference. */
function checked(model: Trainable, log: { passes: number; differ: string[] }): Trainable {
  if (!(model instanceof FastModel)) throw new Error(`${model.id} is not on the fast engine`);
  return {
    id: model.id,
    engine: model.engine,
    step: (x, index, target, lr) => model.step(x, index, target, lr),
    params: () => model.params(),
    score(x, indices, count, y, metric) {
      model.evaluation = 'mixed';
      const mixed = model.score(x, indices, count, y, metric);
      model.evaluation = 'float64';
      const f64 = model.score(x, indices, count, y, metric);
      model.evaluation = 'mixed';
      log.passes++;
      if (!Object.is(mixed, f64)) log.differ.push(`${model.id}: ${metric} ${mixed} (mixed) vs ${f64} (float64) over ${count}`);
      return mixed;
    },
  };
}

test('the paper configs are all here', () => assert.equal(files.length, 10));

/** One dataset at a time: the two configs of a dataset share it, the next one replaces it. */
let loaded: { key: string; raw: RawDataset } | null = null;

for (const file of files) {
  const config = validateExperiment(readConfigFile(join(dir, file)), file);
  test(`float32-with-fallback evaluation equals float64: ${file} (full protocol)`, (t) => {
    const key = JSON.stringify(config.dataset);
    if (loaded?.key !== key) {
      loaded = null;
      try {
        loaded = { key, raw: loadDataset(config.dataset) };
      } catch (e) {
        t.skip(`${config.dataset.name} not found (${(e as Error).message.split('\n')[0]})`);
        return;
      }
    }
    const raw = loaded.raw;
    const log = { passes: 0, differ: [] as string[] };
    const models: FastModel[] = [];
    runExperiment(config, raw, {
      wrapModel: (m) => {
        models.push(m as FastModel);
        return checked(m, log);
      },
    });
    assert.deepEqual(log.differ, []);
    assert.ok(log.passes >= config.methods.length * (config.turns + 1), `${log.passes} passes compared`);
    if (raw.task === 'classification') {
      const samples = models.reduce((s, m) => s + m.mixedCounts().samples, 0);
      const recomputed = models.reduce((s, m) => s + m.mixedCounts().recomputed, 0);
      assert.ok(samples > 0);
      t.diagnostic(`${file}: ${recomputed} of ${samples} samples recomputed in float64 (${((100 * recomputed) / samples).toFixed(3)} %)`);
    }
  });
}
