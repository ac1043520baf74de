// What determines a run's numbers, defined once: the resolved config without the keys that
// only name, describe or locate things, plus the identity of the data files. The run id, the
// config hash stored with every run, and --resume all derive from it.

import { createHash } from 'node:crypto';
import type { DataIdentity } from '../data/identity.js';
import { canonicalJson } from './load.js';
import { numbersOfEntry } from './methods.js';
import { DATASET_LOAD_KEYS, type ExperimentConfig } from './schema.js';

/**
 * What decides the trained models: the config without its name, description, data location,
 * download permission and weight saving, and without the evaluation-only keys (test noise,
 * the evaluation axes, the attacks' settings and the corrupted points' subsample) and the report-only ones (equivalence margins), so one trained run serves
 * every evaluation point and every report. A string method stays as written (so configs of
 * string methods keep their run ids); an object method counts as its resolved spec (its rule,
 * lr, every hyperparameter with defaults filled in, its training options).
 */
export function numbersConfig(config: ExperimentConfig): unknown {
  const { name: _n, description: _d, saveWeights: _s, noise: _noise, evaluate: _e, attack: _a, corrupted: _c, equivalence: _q, ...rest } = config;
  const { path: _p, download: _dl, ...dataset } = rest.dataset;
  // testEvery: turn is the default: writing it keeps the run id of a config without it.
  if (rest.testEvery === 'turn') delete rest.testEvery;
  return { ...rest, dataset, methods: rest.methods.map((m) => numbersOfEntry(m, rest.lr)) };
}

/**
 * The dataset options that decide which pool is loaded, as one string: a worker's cache key for
 * a loaded pool, and the key of a plan's data identities. Its options are derived from the
 * schema (DATASET_LOAD_KEYS): every dataset option but preparation and download permission.
 */
export function datasetKey(config: Pick<ExperimentConfig, 'dataset'>): string {
  const options = config.dataset as Record<string, unknown>;
  return canonicalJson(Object.fromEntries(DATASET_LOAD_KEYS.map((key) => [key, options[key]])));
}

/** The content hashes of the data files, in the adapter's order; null when not known (injected test loaders). */
function dataPart(data: DataIdentity | null): string[] | null {
  return data ? data.files.map((f) => f.sha256) : null;
}

/** Full sha-256 of what determines the numbers. */
export function configHash(config: ExperimentConfig, data: DataIdentity | null): string {
  return createHash('sha256').update(canonicalJson({ config: numbersConfig(config), data: dataPart(data) })).digest('hex');
}

/** `s<seed>-<10 hex>`: the same experiment on the same data always gets the same id. */
export function runId(config: ExperimentConfig, data: DataIdentity | null): string {
  return `s${config.seed}-${configHash(config, data).slice(0, 10)}`;
}

/** The id shared by the runs that differ only in seed. */
export function experimentId(config: ExperimentConfig, data: DataIdentity | null): string {
  return configHash({ ...config, seed: 0 }, data).slice(0, 10);
}
