// The floors beside the methods of a fair comparison's final stage (issue 22; docs/METHOD.md,
// "Floors that need no network"): for every final run, the floors of its task (constant, nearest
// centroid, ridge with leave-one-out λ, kNN with leave-one-out k: experiment/floors/) are fitted on
// that run's training list, drawn again from its config (drawRunSplit, the same list the networks
// trained on), and scored on its test set, clean and at each of its evaluation points. They are
// shown, never tested against: mean and 95 % interval over the seeds.
//
// The runs themselves are left alone (no floor is on the run path, so no run id, number or code
// fingerprint moves); the reporter loads the data the runs were trained on. A test set larger than
// FLOOR_TEST_MAX is scored on FLOOR_TEST_MAX inputs spread evenly over it (measured on MNIST,
// n = 1,000: 27 s a run with 2,000 test inputs, clean and noisy, 70 s with 10,000; kNN in plain
// TypeScript is the slow one). The floors of every run are kept in floors.json beside the report,
// so writing the report again (dwgd report, --resume) fits none twice.

import { datasetKey } from '../config/identity.js';
import type { ExperimentConfig } from '../config/schema.js';
import { isIdentity, type EvalPoint } from '../data/eval-axes/index.js';
import { normalize } from '../data/prepare.js';
import type { RawDataset } from '../data/types.js';
import { evaluateAt } from '../experiment/evaluate.js';
import { asTrainable, fitFloor, floorIds, type FloorId } from '../experiment/floors/index.js';
import { spreadSample } from '../experiment/health.js';
import { DEFAULT_LOADER, importLoader } from '../experiment/pool.js';
import { drawRunSplit } from '../experiment/run.js';
import { describe, type Spread } from './stats.js';
import type { RunView } from './table.js';

/** Test inputs a floor is scored on at most (an evenly spread subsample of a larger test set). */
export const FLOOR_TEST_MAX = 2000;

/** One run's floors: per floor, the clean score and one per evaluation point of the run (in its order). */
export interface RunFloors {
  run: string;
  seed: number;
  /** Test inputs scored (the test set, or FLOOR_TEST_MAX of it). */
  scored: number;
  testSize: number;
  floors: { id: FloorId; clean: number; at: number[]; settings: Readonly<Record<string, number>> }[];
}

/** The floors of one run: fitted on its training list, scored on its test set (or its spread subsample). */
export function runFloors(config: ExperimentConfig, raw: RawDataset, points: EvalPoint[], maxTest = FLOOR_TEST_MAX): Omit<RunFloors, 'run'> {
  const { split, groupOf, nGroups } = drawRunSplit(config, raw);
  const data = normalize(raw, config.dataset.normalize, split.train, config.dataset.targetScale);
  const test = spreadSample(split.test, maxTest);
  const metric = data.task === 'classification' ? 'accuracy' : 'mse';
  const floors = floorIds(data.task).map((id) => {
    const floor = fitFloor(id, data, split.train);
    const clean = floor.score(data.x, test, test.length, data.y, metric) / test.length;
    // Each evaluation point as the run scores its networks (evaluateAt, the same seed and streams).
    const at = points.map((p) => (isIdentity(p) ? clean : evaluateAt([asTrainable(floor)], data, test, metric, p, config.seed, groupOf, nGroups, split.train)[0].value));
    return { id, clean, at, settings: floor.settings };
  });
  return { seed: config.seed, scored: test.length, testSize: split.test.length, floors };
}

/**
 * The floors of every run of a study (its views), loading each dataset once. Runs that share a
 * split (the same config but the hidden layers, say) are fitted once.
 */
export async function studyFloors(views: RunView[], loaderUrl = DEFAULT_LOADER, maxTest = FLOOR_TEST_MAX, cache: Map<string, RunFloors> = new Map()): Promise<Map<string, RunFloors>> {
  const load = await importLoader(loaderUrl);
  const raws = new Map<string, RawDataset>();
  const bySplit = new Map<string, Omit<RunFloors, 'run'>>();
  const out = new Map<string, RunFloors>();
  // Every dataset still needed is loaded before any floor is fitted, so a missing one is named
  // at once, not after minutes of fitting the others.
  for (const v of views) {
    const key = datasetKey(v.config);
    if (!cache.has(v.run) && !raws.has(key)) raws.set(key, load(v.config.dataset));
  }
  for (const v of views) {
    const kept = cache.get(v.run);
    if (kept) {
      out.set(v.run, kept);
      continue;
    }
    const key = datasetKey(v.config);
    const { hidden: _h, methods: _m, name: _n, ...rest } = v.config;
    const splitKey = JSON.stringify([rest, v.record.points]);
    if (!bySplit.has(splitKey)) bySplit.set(splitKey, runFloors(v.config, raws.get(key)!, v.record.points, maxTest));
    out.set(v.run, { run: v.run, ...bySplit.get(splitKey)! });
  }
  return out;
}

/** A floor's spread over the seeds of one experiment, clean and at its first evaluation point other than the clean one. */
export interface FloorCell {
  id: FloorId;
  clean: Spread;
  noisy: Spread | null;
  scored: number;
  testSize: number;
}

/** The floors of one experiment's runs, over its seeds. */
export function floorCells(runs: RunFloors[], points: EvalPoint[]): FloorCell[] {
  if (runs.length === 0) return [];
  const k = points.findIndex((p) => !isIdentity(p));
  return runs[0].floors.map((f, j) => ({
    id: f.id,
    clean: describe(runs.map((r) => r.floors[j].clean)),
    noisy: k < 0 ? null : describe(runs.map((r) => r.floors[j].at[k])),
    scored: Math.min(...runs.map((r) => r.scored)),
    testSize: Math.min(...runs.map((r) => r.testSize)),
  }));
}

export const FLOORS_FILE = 'floors.json';
const FLOORS_FORMAT = 'dwgd-floors/1';

/** floors.json: every run's floors, with the test cap they were scored under (NaN kept as a string). */
export function floorsJson(runs: Map<string, RunFloors>, maxTest = FLOOR_TEST_MAX): string {
  return JSON.stringify({ format: FLOORS_FORMAT, maxTest, runs: Object.fromEntries(runs) }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n';
}

/** The runs of a floors.json written under the same cap; an empty map for anything else (then every floor is fitted again). */
export function readFloorsJson(text: string | null, maxTest = FLOOR_TEST_MAX): Map<string, RunFloors> {
  if (text === null) return new Map();
  try {
    const d = JSON.parse(text, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as { format?: string; maxTest?: number; runs?: Record<string, RunFloors> };
    if (d.format !== FLOORS_FORMAT || d.maxTest !== maxTest || !d.runs) return new Map();
    return new Map(Object.entries(d.runs));
  } catch {
    return new Map();
  }
}
