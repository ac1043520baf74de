// The plan of a comparison: grid files (a base experiment config plus axes of values) and
// plain experiment configs, expanded over the grid and over seeds into run specs with
// stable ids. One run = one (experiment, seed): every method of the config from one
// initial network (docs/METHOD.md §7).
//
// Grid file format (e.g. configs/paper/all.yaml):
//   name: paper                  # results/compare/<name>/; defaults to the file's name
//   description: …               # optional
//   seeds: 1                     # optional default for --seeds
//   base: { …experiment config… }   # any keys of src/config/schema.ts
//   grid:                        # key path → list of values; the cartesian product, first key slowest
//     dataset.name: [mnist, cifar-10]
//     hidden: [[20], [64, 32]]
//     trainSize: [100, 500, 1000]
// An axis value that is a mapping is merged into the base's mapping at that key (so
// `dataset: [{name: mnist, pool: paper}, …]` keeps `base.dataset.normalize`).
//
// Seeds: seed s (s = 0 … N−1) of N runs every grid point with `seed = base seed + s`, so
// `--seeds 1` is the config's own seed (the paper's 5) and more seeds only add runs.
//
// `--set key=value` changes the base; on a grid key it replaces the axis by that one value;
// `--set key=a,b` (a comma list) makes the key an axis of those values.
// `--only key=value[,value…]` keeps the runs whose resolved config has one of the values at
// that key; `dataset` means dataset.name and `arch` the paper's name ("2-layer", "3-layer").

import { z } from 'zod';
import { UserError } from '../errors.js';
import { engineFor } from '../core/model-factory.js';
import { ruleFor } from '../core/rules/index.js';
import { configHash, datasetKey, experimentId as experimentIdOf, runId } from '../config/identity.js';
import { canonicalJson, describeZodError, parseScalar, readConfigFile, validateExperiment, type Override } from '../config/load.js';
import { checkPlanSize } from '../config/limits.js';
import { nameFromFile } from '../config/names.js';
import { archName, type ExperimentConfig } from '../config/schema.js';
import type { DataIdentity } from '../data/identity.js';

/** The dataset options that decide which pool is loaded (config/identity.ts); re-exported for the runner's users. */
export { datasetKey };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const GridFileSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-"').optional(),
  description: z.string().optional(),
  seeds: z.number().int().positive().optional(),
  base: z.record(z.string(), z.unknown()),
  grid: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*$/, 'a key path like a.b'), z.array(z.unknown()).min(1)).default({}),
});

export interface Axis {
  key: string;
  values: unknown[];
}

export interface GridSource {
  file: string;
  name: string;
  description?: string;
  seeds?: number;
  base: Record<string, unknown>;
  axes: Axis[];
  /** Read from a grid file (base: and grid:), not a plain experiment config. */
  grid?: boolean;
}

export interface RunSpec {
  /** Stable id from the resolved config and the data's identity (config/identity.ts): `s<seed>-<hash>`. */
  id: string;
  /** The same hash without the seed: runs that differ only in seed share it. */
  experimentId: string;
  /** Full sha-256 of what determines the numbers; stored with each finished run. */
  configHash: string;
  config: ExperimentConfig;
  /** The data files the run reads (null: not known, e.g. an injected test loader). */
  data: DataIdentity | null;
  /** 0 … N−1. */
  seedIndex: number;
  dataset: string;
  arch: string;
  trainSize: number;
  /** Values of the grid axes other than dataset, arch (hidden) and trainSize, e.g. {lr: "0.01"}. */
  extra: Record<string, string>;
  /** "mnist 2-layer n=100" (+ extras). */
  label: string;
}

export interface Plan {
  name: string;
  files: string[];
  seeds: number;
  runs: RunSpec[];
  /** Experiments (experimentId) in plan order. */
  experiments: string[];
  /** The identity of each dataset the plan uses, by datasetKey (stored so a plan can be rebuilt without the data). */
  data: Record<string, DataIdentity | null>;
}

/** Finds a dataset's files and identifies them; throws a UserError naming what is missing. */
export type Identify = (dataset: ExperimentConfig['dataset']) => DataIdentity | null;

/**
 * One experiment from a config file, as `dwgd train` runs it: the plan of one point, built with
 * the same override applier as compare and sweep; or one line saying why it is not one.
 */
export function loadExperiment(file: string, sets: Override[] = [], identify?: Identify): RunSpec {
  const src = readGridSource(file);
  if (src.grid) {
    throw new UserError(`config ${file}: a grid file (it has base: and grid:), not one experiment; run it with \`dwgd compare --config …\` or \`dwgd sweep --config …\``);
  }
  for (const o of sets) {
    if (o.values) throw new UserError(`--set ${o.path.join('.')}=${o.text}: a comma list is a sweep axis; use \`dwgd compare\` or \`dwgd sweep\`, or write [${o.text}] for a list value`);
  }
  return planFromSources([applySets(src, sets)], [file], { seeds: 1, identify }).runs[0];
}

/** Reads a grid file, or a plain experiment config as a grid of one point. */
export function readGridSource(file: string): GridSource {
  const raw = readConfigFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`config ${file}: expected a mapping of keys at the top level`);
  if (!('base' in raw) && !('grid' in raw)) {
    const plain = raw as Record<string, unknown>;
    const name = typeof plain.name === 'string' ? plain.name : nameFromFile(file);
    return { file, name, base: plain, axes: [], grid: false };
  }
  const parsed = GridFileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(describeZodError(`config ${file}`, parsed.error, GridFileSchema));
  const g = parsed.data;
  return {
    file,
    name: g.name ?? nameFromFile(file),
    description: g.description,
    seeds: g.seeds,
    base: g.base,
    axes: Object.entries(g.grid).map(([key, values]) => ({ key, values })),
    grid: true,
  };
}

/**
 * Applies `--set` overrides to a grid source: the one override applier of train, compare and
 * sweep (a single experiment is a grid of one point). A value replaces the key's value, except
 * that a mapping is merged into the mapping already there; on a grid axis it replaces the axis
 * by that one value; a comma list (`key=a,b`) makes or replaces an axis.
 */
export function applySets(src: GridSource, sets: Override[]): GridSource {
  const base = structuredClone(src.base);
  const axes = src.axes.map((a) => ({ ...a, values: [...a.values] }));
  for (const o of sets) {
    const key = o.path.join('.');
    const values = o.values ?? [o.value];
    const axis = axes.find((a) => a.key === key);
    if (axis) axis.values = values;
    else if (values.length > 1) axes.push({ key, values });
    else setAt(base, o.path, values[0], `--set ${key}`);
  }
  return { ...src, base, axes };
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown, where: string): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null) node[part] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) throw new UserError(`${where}: '${part}' is not a section`);
    node = node[part] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  const old = node[last];
  if (isMapping(old) && isMapping(value)) node[last] = { ...structuredClone(old), ...structuredClone(value) };
  else node[last] = structuredClone(value);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

/** Every point of the grid as a validated config, in product order (first axis slowest). */
export function expandGrid(src: GridSource): { config: ExperimentConfig; point: Record<string, string> }[] {
  const out: { config: ExperimentConfig; point: Record<string, string> }[] = [];
  const walk = (k: number, raw: Record<string, unknown>, point: Record<string, string>) => {
    if (k === src.axes.length) {
      const where = `config ${src.file}` + (src.axes.length ? ` (${Object.entries(point).map(([a, v]) => `${a}=${v}`).join(', ')})` : '');
      const config = validateExperiment(raw, where);
      config.name = src.name;
      out.push({ config, point });
      return;
    }
    const axis = src.axes[k];
    for (const v of axis.values) {
      const next = structuredClone(raw);
      setAt(next, axis.key.split('.'), v, `config ${src.file}: grid.${axis.key}`);
      walk(k + 1, next, { ...point, [axis.key]: show(v) });
    }
  };
  walk(0, src.base, {});
  return out;
}

export interface OnlyFilter {
  key: string;
  values: string[];
  text: string;
}

export function parseOnly(spec: string): OnlyFilter {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new UserError(`--only ${spec}: expected key=value (e.g. dataset=mnist)`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  // A bracketed or quoted value is one value (e.g. hidden=[64, 32]); otherwise a,b means any of.
  const parts = /^[[{"']/.test(text) ? [text] : text.split(',');
  const values = parts.map((t) => show(parseScalar(t.trim())));
  return { key, values, text: spec };
}

/** The value a filter key names in a resolved config, shown as text; undefined when absent. */
function valueAt(config: ExperimentConfig, key: string): string | undefined {
  if (key === 'arch') return archName(config.hidden);
  if (key === 'dataset') return config.dataset.name;
  let node: unknown = config;
  for (const part of key.split('.')) {
    if (!isMapping(node)) return undefined;
    node = node[part];
  }
  return node === undefined ? undefined : show(node);
}

/** Labels of the extra axes: grid keys other than the ones every report row already names. */
const NAMED_KEYS = new Set(['dataset.name', 'dataset', 'hidden', 'trainSize', 'seed']);

export interface PlanOptions {
  seeds?: number;
  sets?: Override[];
  only?: OnlyFilter[];
  /** Results folder name; defaults to the grid's name (names joined by '+' for several files). */
  name?: string;
  /**
   * Identifies each dataset of the plan before any run (so run ids cover the data, and a missing
   * dataset fails the plan at once). Or `data`: identities known already (a stored plan).
   */
  identify?: Identify;
  data?: Record<string, DataIdentity | null>;
}

export function buildPlan(files: string[], opts: PlanOptions = {}): Plan {
  return planFromSources(readSources(files, opts.sets ?? []), files, opts);
}

/** The grid sources of config files, with the --set overrides applied. */
export function readSources(files: string[], sets: Override[]): GridSource[] {
  if (files.length === 0) throw new UserError('--config: give at least one config or grid file');
  return files.map((f) => applySets(readGridSource(f), sets));
}

/** The plan of grid sources already read and overridden (`dwgd sweep` reads its own files). */
export function planFromSources(sources: GridSource[], files: string[], opts: Omit<PlanOptions, 'sets'> = {}): Plan {
  const seeds = opts.seeds ?? sources[0].seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new UserError(`--seeds: expected a positive whole number, got ${seeds}`);
  const name = opts.name ?? [...new Set(sources.map((s) => s.name))].join('+');
  if (!NAME.test(name)) throw new UserError(`--name: '${name}' must be letters, digits, ".", "_" or "-"`);
  checkPlanSize(sources.reduce((n, s) => n + s.axes.reduce((k, a) => k * a.values.length, 1), 0), seeds, `${files.join(', ')}`);

  const points = sources.flatMap((src) => expandGrid(src).map((p) => ({ ...p, src })));
  let kept = points;
  for (const f of opts.only ?? []) {
    if (points.every((p) => valueAt(p.config, f.key) === undefined)) {
      throw new UserError(`--only ${f.text}: '${f.key}' is not a config key (try dataset, arch, trainSize, hidden, lr, …)`);
    }
    const before = kept;
    kept = kept.filter((p) => f.values.includes(valueAt(p.config, f.key)!));
    if (kept.length === 0) {
      const seen = [...new Set(before.map((p) => valueAt(p.config, f.key)))].join(', ');
      throw new UserError(`--only ${f.text}: selects no runs (${f.key} takes ${seen})`);
    }
  }

  const data = identifyAll(kept.map((p) => p.config), opts);
  const runs: RunSpec[] = [];
  const seen = new Set<string>();
  const experiments: string[] = [];
  for (const p of kept) {
    const identity = data[datasetKey(p.config)];
    const experimentId = experimentIdOf(p.config, identity);
    const extra: Record<string, string> = {};
    for (const axis of p.src.axes) if (!NAMED_KEYS.has(axis.key) && axis.values.length > 1) extra[axis.key] = p.point[axis.key];
    const arch = archName(p.config.hidden);
    const label = [p.config.dataset.name, arch, `n=${p.config.trainSize}`, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)].join(' ');
    for (let s = 0; s < seeds; s++) {
      const config: ExperimentConfig = { ...p.config, seed: p.config.seed + s };
      const id = runId(config, identity);
      if (seen.has(id)) continue;
      seen.add(id);
      if (!experiments.includes(experimentId)) experiments.push(experimentId);
      runs.push({
        id, experimentId, configHash: configHash(config, identity), config, data: identity, seedIndex: s,
        dataset: config.dataset.name, arch, trainSize: config.trainSize, extra, label,
      });
    }
  }
  return { name, files, seeds, runs, experiments, data };
}

/** Lines to show before running a plan: each method that falls back to the reference engine, once. */
export function planWarnings(plan: Pick<Plan, 'runs'>): string[] {
  const lines = new Set<string>();
  for (const r of plan.runs) {
    for (const m of r.config.methods) {
      const rule = ruleFor(m);
      if ('error' in rule || engineFor(rule, r.config.engine) === r.config.engine) continue;
      lines.add(`${m} has no ${r.config.engine} kernel; it runs on the reference engine (the same numbers, slower)`);
    }
  }
  return [...lines];
}

/**
 * The identity of every dataset the configs use, by datasetKey: from `opts.data` when given,
 * else found and hashed now. Every missing dataset is named, one line each, before any run.
 */
function identifyAll(configs: ExperimentConfig[], opts: Pick<PlanOptions, 'identify' | 'data'>): Record<string, DataIdentity | null> {
  const out: Record<string, DataIdentity | null> = {};
  const problems: string[] = [];
  for (const c of configs) {
    const key = datasetKey(c);
    if (key in out) continue;
    if (opts.data) {
      if (!(key in opts.data)) throw new UserError(`the stored plan has no data identity for ${c.dataset.name} (${key})`);
      out[key] = opts.data[key];
      continue;
    }
    try {
      out[key] = opts.identify ? opts.identify(c.dataset) : null;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out[key] = null;
      problems.push(err.message);
    }
  }
  if (problems.length) throw new UserError(problems.join('\n'));
  return out;
}

/**
 * A rough relative cost of a run, for scheduling only: the methods' training steps plus their
 * test passes (a test input costs about a third of a training step), each scaled by the first
 * layer's size, which dominates. `shape` gives a dataset's inputs and pool size when known.
 */
export function runCost(spec: RunSpec, shape: (name: string) => { nInputs: number; poolSize: number } | null): number {
  const c = spec.config;
  const s = shape(c.dataset.name) ?? { nInputs: 784, poolSize: 50000 };
  const steps = c.turns * c.stepsPerTurn + ((c.turns + 1) * Math.max(0, s.poolSize - c.trainSize)) / 3;
  return c.methods.length * steps * s.nInputs * (c.hidden[0] ?? 1);
}
