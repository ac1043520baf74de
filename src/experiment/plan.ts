// The planner: one way to describe a study, for every command. A study is
//   training axes × seeds  (everything that changes a trained model: dataset, n, widths, methods
//                           and their hyperparameters, training noise, seed) → runs, and
//   evaluation axes        (everything that changes only how a trained model is measured:
//                           src/data/eval-axes/, e.g. test noise σ, features zeroed at test)
//                           → evaluation points, at which every run scores every method.
// `train` is a study of one training point, `compare` the paper's grid preset, `sweep` a preset
// that plots a metric against its axes; all three are planned here, once per command.
//
// Study file format (configs/paper/all.yaml, configs/sweeps/*.yaml); a plain experiment config
// is a study of one point:
//   name: paper                  # the results folder; defaults to the file's name
//   description: …               # optional
//   seeds: 1                     # optional default for --seeds
//   base: { …experiment config… }   # any keys of src/config/schema.ts
//   grid:                        # key path → list of values; the cartesian product, first key slowest
//     dataset.name: [mnist, cifar-10]
//     hidden: [[20], [64, 32]]
//   evaluate:                    # evaluation axes: key → values (also base.evaluate; a grid key
//     noise.sigma: [0, 0.5]      #   that is an evaluation axis moves here); product of points
//     mask.fraction: [0, 0.25]
//   metrics: [clean, noisy]      # what a sweep plots: clean | noisy | balanced | balanced-noisy
// An axis value that is a mapping is merged into the base's mapping at that key (so
// `dataset: [{name: mnist, pool: paper}, …]` keeps `base.dataset.normalize`).
//
// Seeds: seed s (s = 0 … N−1) of N runs every training point with `seed = base seed + s`, so
// `--seeds 1` is the config's own seed (the paper's 5) and more seeds only add runs.
//
// `--set key=value` changes the base; on a grid key it replaces the axis by that one value;
// `--set key=a,b` (a comma list) makes the key an axis of those values (an evaluation axis when
// the key is one); `--set name=…` renames the study. `--only key=value[,value…]` keeps the runs
// whose resolved config has one of the values at that key; `dataset` means dataset.name and
// `arch` the paper's name ("2-layer", "3-layer").
//
// A run's id hashes its resolved config (every default filled) without the evaluation-only
// keys, and the identity of its data (config/identity.ts): the same training point has the same
// id under every command, and one trained run serves every evaluation point. A run scored on a
// published benchmark set (evaluate.benchmark) reads that set's files too: their identity follows
// its dataset's in the run's data identity (runData), so such a run's id changes with them.

import { z } from 'zod';
import { configHash, experimentId as experimentIdOf, runId } from '../config/identity.js';
import { canonicalJson, describeZodError, parseScalar, readConfigFile, validateExperiment, type Override } from '../config/load.js';
import { checkPlanSize } from '../config/limits.js';
import { nameFromFile } from '../config/names.js';
import { closest } from '../config/suggest.js';
import { archName, NAME_PATTERN, type ExperimentConfig } from '../config/schema.js';
import { engineFor } from '../core/model-factory.js';
import { BENCHMARK_SETS, benchmarkFor } from '../data/benchmark-names.js';
import { EVAL_AXES, evalAxis, evalPoints, evaluateProducts, isActive, isEvalKey, registeredAxis, type AxisValue } from '../data/eval-axes/index.js';
import type { DataIdentity } from '../data/identity.js';
import { defaultValidationSize } from '../data/prepare.js';
import { UserError } from '../errors.js';
import { escapeControls, quote, shownPath } from '../config/quote.js';

export { datasetKey } from '../config/identity.js';
import { datasetKey } from '../config/identity.js';
import { methodSpecs, ruleOfSpec } from '../config/methods.js';
import { diagnosticUnits, evalUnitsPerInput, inputDensity, trainingUnits } from './step-cost.js';

/** train, compare, sweep; tune and fair are the two stages of `dwgd tune` (experiment/tuning.ts). */
export const PRESETS = ['train', 'compare', 'sweep', 'tune', 'fair'] as const;
export type Preset = (typeof PRESETS)[number];

export const METRIC_KINDS = ['clean', 'noisy', 'balanced', 'balanced-noisy'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** One product of a study file's `evaluate` (axis key → values, or `all`); checked in full by the experiment schema. */
const EvaluateFileProduct = z.record(z.string(), z.union([z.array(z.union([z.number(), z.string()])), z.literal('all')]));

export const StudyFileSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN, 'letters, digits, ".", "_" or "-"').optional(),
  description: z.string().optional(),
  seeds: z.number().int().positive().optional(),
  base: z.record(z.string(), z.unknown()),
  grid: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*$/, 'a key path like a.b'), z.array(z.unknown()).min(1)).default({}),
  evaluate: z.union([EvaluateFileProduct, z.array(EvaluateFileProduct).min(1)]).optional(),
  metrics: z.array(z.enum(METRIC_KINDS)).min(1).optional(),
  /** The tuning stage of `dwgd tune` (experiment/tuning.ts: TuneSchema, checked there). */
  tune: z.unknown().optional(),
});

export interface Axis {
  key: string;
  values: unknown[];
}

/** One study file (or plain config) after `--set`: a base config, its training axes, what to plot. */
export interface GridSource {
  file: string;
  name: string;
  description?: string;
  seeds?: number;
  /** The base experiment config; its `evaluate` holds the evaluation axes. */
  base: Record<string, unknown>;
  /** Training axes. */
  axes: Axis[];
  /** Read from a study file (base: and grid:), not a plain experiment config. */
  grid: boolean;
  /** A sweep's plotted metrics, when the file names them. */
  metrics?: MetricKind[];
  /** A study file's `tune:` section, as written (`dwgd tune` checks it). */
  tune?: unknown;
}

export interface RunSpec {
  /** Stable id from the resolved training config and the data's identity: `s<seed>-<hash>`. */
  id: string;
  /** The same hash without the seed: runs that differ only in seed share it. */
  experimentId: string;
  /** Full sha-256 of what determines the trained models; stored with each finished run. */
  configHash: string;
  /** The resolved config; its `evaluate` lists the evaluation axes the study scores it at. */
  config: ExperimentConfig;
  /** The data files the run reads (null: not known, e.g. an injected test loader). */
  data: DataIdentity | null;
  /** 0 … N−1. */
  seedIndex: number;
  dataset: string;
  arch: string;
  trainSize: number;
  /** Values of the training axes other than dataset, arch (hidden) and trainSize, e.g. {lr: "0.01"}. */
  extra: Record<string, string>;
  /** "mnist 2-layer n=100" (+ extras). */
  label: string;
}

export interface OnlyFilter {
  key: string;
  values: string[];
  text: string;
}

/** A planned study: what `dwgd report` rebuilds from study.json, and what the runner executes. */
export interface Study {
  preset: Preset;
  name: string;
  description?: string;
  files: string[];
  seeds: number;
  sources: GridSource[];
  only: OnlyFilter[];
  /** What a sweep plots. */
  metrics: MetricKind[];
  runs: RunSpec[];
  /** Training points (experimentId) in plan order. */
  experiments: string[];
  /** The identity of each dataset the study uses, by datasetKey (stored so a study can be rebuilt without the data). */
  data: Record<string, DataIdentity | null>;
  /** The identity of the benchmark files its runs read, by BenchmarkNeed key (none: empty or absent). */
  benchmarks?: Record<string, DataIdentity | null>;
}

/** Finds a dataset's files and identifies them; throws a UserError naming what is missing. */
export type Identify = (dataset: ExperimentConfig['dataset']) => DataIdentity | null;

/** Finds the files of these corruptions of a benchmark set and identifies them; throws a UserError naming what is missing. */
export type IdentifyBenchmark = (set: string, corruptions: readonly string[]) => DataIdentity | null;

/** The benchmark files a run's evaluation points read: one set, its corruptions in the set's order. */
export interface BenchmarkNeed {
  set: string;
  corruptions: string[];
  /** `<set>:<corruption>,<corruption>…`: the key of the study's `benchmarks`. */
  key: string;
}

/**
 * What a run reads of a published benchmark set: the corruptions of its evaluation points at
 * which the benchmark axis is active (a named corruption at a severity above 0), or null.
 */
export function benchmarkNeed(config: ExperimentConfig): BenchmarkNeed | null {
  if (!evaluateProducts(config.evaluate).some((e) => e.benchmark)) return null;
  const set = benchmarkFor(config.dataset.name);
  const axis = evalAxis('benchmark');
  if (!axis) return null;
  const names = new Set(evalPoints(config).filter((p) => isActive(axis, p)).map((p) => String(p.benchmark)));
  if (!set || names.size === 0) return null;
  const corruptions = BENCHMARK_SETS[set].corruptions.filter((c) => names.has(c));
  return { set, corruptions, key: benchmarkKey(set, corruptions) };
}

/** The key of the benchmark files of these corruptions of a set (in the set's order) in a study's `benchmarks`. */
export function benchmarkKey(set: string, corruptions: readonly string[]): string {
  return `${set}:${corruptions.join(',')}`;
}

/**
 * A run's data identity: its dataset's, then, when its evaluation points read a benchmark set,
 * the identity of those files. A run without one has its dataset's identity unchanged (and so
 * its run id). Null when a part is not known (an injected loader, or data not found).
 */
export function runData(config: ExperimentConfig, data: Record<string, DataIdentity | null>, benchmarks: Record<string, DataIdentity | null>): DataIdentity | null {
  const dataset = data[datasetKey(config)] ?? null;
  const need = benchmarkNeed(config);
  if (!need) return dataset;
  const bench = benchmarks[need.key] ?? null;
  return dataset && bench ? { files: [...dataset.files, ...bench.files] } : null;
}

export interface StudyRequest {
  preset: Preset;
  files: string[];
  sets?: Override[];
  only?: OnlyFilter[];
  /** Seeds per training point (default: the file's seeds, else 1). */
  seeds?: number;
  /** The results folder name (default: the study's name; names joined by '+' for several files). */
  name?: string;
  /** Lifts the memory limit of a run (--allow-large). */
  allowLarge?: boolean;
  /**
   * Identifies each dataset before any run (so run ids cover the data, and a missing dataset
   * fails the study at once, every one named); or `data`: identities known already (study.json).
   * `missingOk`: a dataset that cannot be found gets identity null and is listed in `missing`
   * instead of failing (--dry-run lists what would run).
   */
  identify?: Identify;
  data?: Record<string, DataIdentity | null>;
  missingOk?: boolean;
  /**
   * Likewise for the benchmark sets the runs' evaluation points read (evaluate.benchmark): found
   * and identified before any run, a missing one named as a missing dataset is; or `benchmarks`,
   * their identities known already (study.json).
   */
  identifyBenchmark?: IdentifyBenchmark;
  benchmarks?: Record<string, DataIdentity | null>;
}

/** Reads a study file, or a plain experiment config as a study of one point. */
export function readGridSource(file: string): GridSource {
  const raw = readConfigFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`config ${shownPath(file)}: expected a mapping of keys at the top level`);
  if (!('base' in raw) && !('grid' in raw)) {
    const plain = raw as Record<string, unknown>;
    const name = typeof plain.name === 'string' ? plain.name : nameFromFile(file);
    return { file, name, base: plain, axes: [], grid: false };
  }
  const parsed = StudyFileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(describeZodError(`config ${shownPath(file)}`, parsed.error, StudyFileSchema));
  const g = parsed.data;
  const base = structuredClone(g.base);
  const where = `config ${shownPath(file)}`;
  const axes: Axis[] = [];
  const evalGrid = Object.entries(g.grid).filter(([key]) => isEvalKey(key));
  for (const [key, values] of Object.entries(g.grid)) if (!isEvalKey(key)) axes.push({ key, values });
  if (Array.isArray(base.evaluate) || Array.isArray(g.evaluate)) {
    // A list of products stands alone: it is the run's whole set of points.
    const listAt = Array.isArray(g.evaluate) ? 'evaluate' : 'base.evaluate';
    const other = Array.isArray(g.evaluate) ? (base.evaluate === undefined ? null : 'base.evaluate') : (g.evaluate === undefined ? null : 'evaluate');
    if (other) throw new UserError(`${where}: ${other} beside the list of products in ${listAt}; give the points in one place`);
    if (evalGrid.length) throw new UserError(`${where}: grid.${evalGrid[0][0]} is an evaluation axis, which a list of products in ${listAt} cannot take; put it in the products`);
    base.evaluate = Array.isArray(g.evaluate) ? g.evaluate : base.evaluate;
  } else {
    const evaluate: Record<string, unknown> = isMapping(base.evaluate) ? { ...base.evaluate } : {};
    // A grid key that is an evaluation axis is one: it adds evaluation points, not training runs.
    for (const [key, values] of evalGrid) addEval(evaluate, key, values, `${where}: grid.${key}`);
    for (const [key, values] of Object.entries(g.evaluate ?? {})) addEval(evaluate, key, values, `${where}: evaluate.${key}`);
    if (Object.keys(evaluate).length) base.evaluate = evaluate;
  }
  return { file, name: g.name ?? nameFromFile(file), description: g.description, seeds: g.seeds, base, axes, grid: true, metrics: g.metrics, tune: g.tune };
}

function addEval(evaluate: Record<string, unknown>, key: string, values: unknown, where: string): void {
  if (!evalAxis(key)) {
    const guess = closest(key, EVAL_AXES.map((a) => a.key));
    throw new UserError(`${where}: not an evaluation axis${guess ? ` (did you mean ${guess}?)` : ''}; they are ${EVAL_AXES.map((a) => a.key).join(', ')}`);
  }
  if (key in evaluate) throw new UserError(`${where}: ${key} is given twice as an evaluation axis`);
  evaluate[key] = values;
}

/**
 * Applies `--set` overrides to a source: the one override applier of every command. A value
 * replaces the key's value, except that a mapping is merged into the mapping already there; on
 * a training axis it replaces the axis by that one value; a comma list (`key=a,b`) makes or
 * replaces an axis. An evaluation-axis key (noise.sigma, mask.fraction) goes to `evaluate`, but
 * a single noise.sigma with no such axis sets the config's σ. `name` renames the study.
 */
export function applySets(src: GridSource, sets: Override[]): GridSource {
  const base = structuredClone(src.base);
  const axes = src.axes.map((a) => ({ ...a, values: [...a.values] }));
  let name = src.name;
  for (const o of sets) {
    const key = o.path.join('.');
    const values = o.values ?? [o.value];
    if (key === 'name') {
      if (values.length !== 1 || typeof values[0] !== 'string' || !NAME_PATTERN.test(values[0])) {
        throw new UserError(`--set name=${escapeControls(o.text)}: a name is letters, digits, ".", "_" or "-"`);
      }
      name = values[0];
      if (!src.grid) base.name = name;
      continue;
    }
    const axisDef = evalAxis(key);
    if (axisDef && Array.isArray(base.evaluate)) {
      // A list of products: the values replace the key's in every product that lists it.
      const products = base.evaluate as Record<string, unknown>[];
      if (!products.some((p) => isMapping(p) && key in p)) {
        throw new UserError(`--set ${escapeControls(o.text)}: no product of the config's evaluate list has ${key}; a list of products takes --set only on an axis it lists`);
      }
      base.evaluate = products.map((p) => (isMapping(p) && key in p ? { ...p, [key]: values } : p));
      continue;
    }
    if (axisDef) {
      const evaluate: Record<string, unknown> = isMapping(base.evaluate) ? { ...base.evaluate } : {};
      if (values.length > 1 || key in evaluate || !axisDef.fromConfig) {
        evaluate[key] = values;
        base.evaluate = evaluate;
        continue;
      }
    }
    const axis = axes.find((a) => a.key === key);
    if (axis) axis.values = values;
    else if (values.length > 1) axes.push({ key, values });
    else setAt(base, o.path, values[0], `--set ${key}`);
  }
  return { ...src, name, base, axes };
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

/** Every training point of a source as a validated config, in product order (first axis slowest). */
export function expandGrid(src: GridSource, allowLarge = false): { config: ExperimentConfig; point: Record<string, string> }[] {
  const out: { config: ExperimentConfig; point: Record<string, string> }[] = [];
  const walk = (k: number, raw: Record<string, unknown>, point: Record<string, string>) => {
    if (k === src.axes.length) {
      const where = `config ${shownPath(src.file)}` + (src.axes.length ? ` (${Object.entries(point).map(([a, v]) => `${a}=${v}`).join(', ')})` : '');
      const config = validateExperiment(raw, where, allowLarge);
      config.name = src.name;
      out.push({ config, point });
      return;
    }
    const axis = src.axes[k];
    for (const v of axis.values) {
      const next = structuredClone(raw);
      setAt(next, axis.key.split('.'), v, `config ${shownPath(src.file)}: grid.${axis.key}`);
      walk(k + 1, next, { ...point, [axis.key]: show(v) });
    }
  };
  walk(0, src.base, {});
  return out;
}

export function parseOnly(spec: string): OnlyFilter {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new UserError(`--only ${escapeControls(spec)}: expected key=value (e.g. dataset=mnist)`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  // A bracketed or quoted value is one value (e.g. hidden=[64, 32]); otherwise a,b means any of.
  const parts = /^[[{"']/.test(text) ? [text] : text.split(',');
  const values = parts.map((t) => show(parseScalar(t.trim())));
  return { key, values, text: spec };
}

/** The value a key names in a resolved config, shown as text; undefined when absent. */
export function valueAt(config: ExperimentConfig, key: string): string | undefined {
  if (key === 'arch') return archName(config.hidden);
  if (key === 'dataset') return config.dataset.name;
  let node: unknown = config;
  for (const part of key.split('.')) {
    if (!isMapping(node)) return undefined;
    node = node[part];
  }
  return node === undefined ? undefined : show(node);
}

/** Labels of the extra axes: training keys other than the ones every report row already names. */
const NAMED_KEYS = new Set(['dataset.name', 'dataset', 'hidden', 'trainSize', 'seed']);

/** Reads and overrides the sources of a request (checking what a preset takes). */
export function readSources(req: Pick<StudyRequest, 'preset' | 'files' | 'sets'>): GridSource[] {
  if (req.files.length === 0) throw new UserError('--config: give at least one config or study file');
  const sets = req.sets ?? [];
  if (req.preset === 'train') {
    const src = readGridSource(req.files[0]);
    if (src.grid) {
      throw new UserError(`config ${shownPath(req.files[0])}: a study file (it has base: and grid:), not one experiment; run it with \`node bin/dwgd.js compare --config …\` or \`node bin/dwgd.js sweep --config …\``);
    }
    for (const o of sets) {
      if (o.values && !isEvalKey(o.path.join('.'))) {
        throw new UserError(`--set ${o.path.join('.')}=${escapeControls(o.text)}: a comma list is a sweep axis; use \`node bin/dwgd.js compare\` or \`node bin/dwgd.js sweep\`, or write [${escapeControls(o.text)}] for a list value`);
      }
    }
    return [applySets(src, sets)];
  }
  return req.files.map((f) => applySets(readGridSource(f), sets));
}

/** Plans a study: reads its files, applies `--set`, expands training points × seeds into runs. */
export function planStudy(req: StudyRequest): Study & { missing: string[] } {
  return studyFromSources(req.preset, readSources(req), req);
}

/** The study of sources already read and overridden (also: rebuilt from study.json). */
export function studyFromSources(preset: Preset, sources: GridSource[], req: Omit<StudyRequest, 'preset' | 'files' | 'sets'> & { files?: string[] }): Study & { missing: string[] } {
  const files = req.files ?? sources.map((s) => s.file);
  const seeds = req.seeds ?? sources[0].seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new UserError(`--seeds: expected a positive whole number, got ${seeds}`);
  const name = req.name ?? [...new Set(sources.map((s) => s.name))].join('+');
  if (!NAME_PATTERN.test(name)) {
    // Say where the name came from: --name, a config's `name:` key (a study file's, the file
    // name and `--set name=` are checked where they are read), or the configs' names joined.
    const rule = 'must start with a letter or digit and hold only letters, digits, ".", "_" or "-"';
    if (req.name !== undefined) throw new UserError(`--name: ${quote(name)} ${rule}`);
    const bad = sources.find((s) => !NAME_PATTERN.test(s.name));
    if (bad) throw new UserError(`config ${shownPath(bad.file)}: name: ${quote(bad.name)} ${rule}`);
    throw new UserError(`config ${files.map(shownPath).join(', ')}: the results folder name ${quote(name)} (their names joined) ${rule}; give --name`);
  }
  checkPlanSize(sources.reduce((n, s) => n + s.axes.reduce((k, a) => k * a.values.length, 1), 0), seeds, `${files.join(', ')}`);

  const points = sources.flatMap((src) => expandGrid(src, req.allowLarge).map((p) => ({ ...p, src })));
  let kept = points;
  const only = req.only ?? [];
  for (const f of only) {
    if (points.every((p) => valueAt(p.config, f.key) === undefined)) {
      throw new UserError(`--only ${escapeControls(f.text)}: ${quote(f.key)} is not a config key (try dataset, arch, trainSize, hidden, lr, …)`);
    }
    const before = kept;
    kept = kept.filter((p) => f.values.includes(valueAt(p.config, f.key)!));
    if (kept.length === 0) {
      const seen = [...new Set(before.map((p) => valueAt(p.config, f.key)))].join(', ');
      throw new UserError(`--only ${escapeControls(f.text)}: selects no runs (${f.key} takes ${seen})`);
    }
  }

  const { data, benchmarks, missing } = identifyAll(kept.map((p) => p.config), req);
  const drafts: Omit<RunSpec, 'id' | 'experimentId' | 'configHash' | 'data'>[] = [];
  for (const p of kept) {
    const extra: Record<string, string> = {};
    for (const axis of p.src.axes) if (!NAMED_KEYS.has(axis.key) && axis.values.length > 1) extra[axis.key] = p.point[axis.key];
    const arch = archName(p.config.hidden);
    const label = [p.config.dataset.name, arch, `n=${p.config.trainSize}`, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)].join(' ');
    for (let s = 0; s < seeds; s++) {
      const config: ExperimentConfig = { ...p.config, seed: p.config.seed + s };
      drafts.push({ config, seedIndex: s, dataset: config.dataset.name, arch, trainSize: config.trainSize, extra, label });
    }
  }
  const { runs, experiments } = identifyRuns(drafts, data, benchmarks);
  const metrics = sources[0].metrics ?? defaultMetrics(runs);
  return { preset, name, description: sources[0].description, files, seeds, sources, only, metrics, runs, experiments, data, benchmarks, missing };
}

/** Run ids from the configs and their data's identity: the same training point, the same id. */
function identifyRuns(
  drafts: Omit<RunSpec, 'id' | 'experimentId' | 'configHash' | 'data'>[], data: Record<string, DataIdentity | null>, benchmarks: Record<string, DataIdentity | null>,
): { runs: RunSpec[]; experiments: string[] } {
  const runs: RunSpec[] = [];
  const seen = new Set<string>();
  const experiments: string[] = [];
  for (const d of drafts) {
    const identity = runData(d.config, data, benchmarks);
    const id = runId(d.config, identity);
    if (seen.has(id)) continue;
    seen.add(id);
    const experimentId = experimentIdOf(d.config, identity);
    if (!experiments.includes(experimentId)) experiments.push(experimentId);
    runs.push({ ...d, id, experimentId, configHash: configHash(d.config, identity), data: identity });
  }
  return { runs, experiments };
}

/**
 * A study planned without its data (`planStudy` with no `identify`), given the data's identity
 * now: nothing is read or expanded again, only the run ids are computed with the data's hashes.
 */
export function identifyStudy(study: Study, req: Pick<StudyRequest, 'identify' | 'identifyBenchmark' | 'missingOk'>): Study & { missing: string[] } {
  const { data, benchmarks, missing } = identifyAll(study.runs.map((r) => r.config), req);
  const { runs, experiments } = identifyRuns(study.runs.map(({ id: _i, experimentId: _e, configHash: _c, data: _d, ...d }) => d), data, benchmarks);
  return { ...study, runs, experiments, data, benchmarks, missing };
}

/** A sweep plots noisy numbers when it sweeps an evaluation axis, else clean ones. */
function defaultMetrics(runs: RunSpec[]): MetricKind[] {
  return evaluationAxes(runs).some((a) => a.values.length > 1) ? ['noisy'] : ['clean'];
}

/** The evaluation axes the runs are scored along (from their configs' `evaluate`), in registry order. */
export function evaluationAxes(runs: Pick<RunSpec, 'config'>[]): { key: string; values: AxisValue[] }[] {
  const byKey = new Map<string, AxisValue[]>();
  for (const r of runs) {
    for (const [key, values] of evaluateProducts(r.config.evaluate).flatMap((e) => Object.entries(e))) {
      const list = byKey.get(key) ?? [];
      for (const v of values) if (!list.includes(v)) list.push(v);
      byKey.set(key, list);
    }
  }
  return [...byKey.entries()].map(([key, values]) => ({ key, values }));
}

/** The axes that vary (more than one value): training axes first, then evaluation axes. */
export function sweptAxes(study: Pick<Study, 'sources' | 'runs'>): (Axis & { evaluation: boolean })[] {
  const training = study.sources.flatMap((s) => s.axes).filter((a) => a.values.length > 1).map((a) => ({ ...a, evaluation: false }));
  const seen = new Set<string>();
  const unique = training.filter((a) => !seen.has(a.key) && seen.add(a.key));
  return [...unique, ...evaluationAxes(study.runs).filter((a) => a.values.length > 1).map((a) => ({ ...a, evaluation: true }))];
}

/** Lines to show before running: each method that falls back to the reference engine, once. */
export function planWarnings(study: Pick<Study, 'runs'>): string[] {
  const lines = new Set<string>();
  for (const r of study.runs) {
    for (const spec of methodSpecs(r.config)) {
      const rule = ruleOfSpec(spec);
      if (engineFor(rule, r.config.engine) === r.config.engine) continue;
      lines.add(`${spec.id} has no ${r.config.engine} kernel; it runs on the reference engine (the same numbers, slower)`);
    }
  }
  return [...lines];
}

/**
 * The identity of every dataset the configs use, by datasetKey, and of the benchmark files their
 * evaluation points read, by BenchmarkNeed key: from `req.data` (and `req.benchmarks`) when given,
 * else found and hashed now. Every missing dataset or benchmark set is named, one line each,
 * before any run (or, with `missingOk`, listed in `missing` and given identity null).
 */
function identifyAll(configs: ExperimentConfig[], req: Pick<StudyRequest, 'identify' | 'identifyBenchmark' | 'data' | 'benchmarks' | 'missingOk'>): {
  data: Record<string, DataIdentity | null>; benchmarks: Record<string, DataIdentity | null>; missing: string[];
} {
  const out: Record<string, DataIdentity | null> = {};
  const benchmarks: Record<string, DataIdentity | null> = {};
  const problems: string[] = [];
  const attempt = (find: () => DataIdentity | null): DataIdentity | null => {
    try {
      return find();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(err.message);
      return null;
    }
  };
  for (const c of configs) {
    const key = datasetKey(c);
    if (!(key in out)) {
      if (req.data) {
        if (!(key in req.data)) throw new UserError(`the stored study has no data identity for ${c.dataset.name} (${key})`);
        out[key] = req.data[key];
      } else out[key] = attempt(() => (req.identify ? req.identify(c.dataset) : null));
    }
    const need = benchmarkNeed(c);
    if (!need || need.key in benchmarks) continue;
    if (req.data) {
      const stored = req.benchmarks ?? {};
      if (!(need.key in stored)) throw new UserError(`the stored study has no identity for the benchmark files it reads (${need.key}); written by an older dwgd?`);
      benchmarks[need.key] = stored[need.key];
    } else benchmarks[need.key] = attempt(() => (req.identifyBenchmark ? req.identifyBenchmark(need.set, need.corruptions) : null));
  }
  if (problems.length && !req.missingOk) throw new UserError(problems.join('\n'));
  return { data: out, benchmarks, missing: problems };
}

/**
 * A run's estimated cost, in the units of experiment/step-cost.ts (about one simple SIMD
 * instruction each), for scheduling and --dry-run's estimate only. Per method: its training
 * steps, each priced by what its rule and training options make the fast engine do on this
 * network and this dataset's input density (stepCost: a step of adam or momentum updates every
 * first-layer weight, one of sgd or dwm only the rows of non-zero inputs; trainingUnits adds
 * what the subnormal state of adam and momentum costs in a long run); its passes over the
 * test and validation sets (an input scored costs a third of a dense SGD step's first layer:
 * evalUnitsPerInput); and the diagnostics of the trained model on the reference network
 * (diagnosticUnits), which run whatever testEvery says. The test passes follow testEvery: one
 * per turn (turn) or one (last), plus one per evaluation point; none under never. A validation
 * set is scored after every turn. `shape` gives a dataset's inputs, outputs, pool size and task
 * when known.
 */
export function runCost(spec: RunSpec, shape: (name: string) => { nInputs: number; nOutputs?: number; poolSize: number; task?: string } | null): number {
  const c = spec.config;
  const s = shape(c.dataset.name) ?? { nInputs: 784, poolSize: 50000 };
  const sizes = [s.nInputs, ...c.hidden, s.nOutputs ?? 10];
  const density = inputDensity(c.dataset.name);
  const evalPts = evalPoints(c);
  const points = c.evaluate === undefined ? 1 : evalPts.length;
  const outside = Math.max(0, s.poolSize - c.trainSize);
  const validation = c.validation ? Math.min(outside, c.validation.size ?? defaultValidationSize(s.poolSize)) : 0;
  const test = outside - validation;
  const testEvery = c.testEvery ?? 'turn';
  // Corrupted points under corrupted.subsample pass over that many test samples, not the whole set.
  const corrupted = c.corrupted ? evalPts.filter((p) => isActive(registeredAxis('corruption'), p) || isActive(registeredAxis('benchmark'), p)).length : 0;
  const share = c.corrupted ? Math.min(1, c.corrupted.subsample / Math.max(1, test)) : 1;
  const testPasses = testEvery === 'never' ? 0 : (testEvery === 'turn' ? c.turns : 1) + points - corrupted + corrupted * share;
  const scored = (testPasses * test + c.turns * validation) * evalUnitsPerInput(sizes);
  const afterTraining = scored + diagnosticUnits(sizes, density, test, c.trainSize, s.task !== 'regression');
  const steps = c.turns * c.stepsPerTurn;
  return methodSpecs(c).reduce((sum, m) => sum + trainingUnits(sizes, m, density, steps, c.engine) + afterTraining, 0);
}

// --- study.json: the stored study, from which `dwgd report` rebuilds it without configs or data.

export const STUDY_FORMAT = 'dwgd-study/1';
export const STUDY_FILE = 'study.json';

export function studyJson(study: Study): string {
  return JSON.stringify({
    format: STUDY_FORMAT,
    preset: study.preset,
    name: study.name,
    files: study.files,
    sources: study.sources.map(({ file, name, description, base, axes, grid, metrics, tune }) => ({ file, name, description: description ?? null, base, axes, grid, metrics: metrics ?? null, ...(tune === undefined ? {} : { tune }) })),
    only: study.only,
    seeds: study.seeds,
    metrics: study.metrics,
    data: study.data,
    // Only when its runs read a benchmark set: the file of any other study keeps its bytes.
    ...(study.benchmarks && Object.keys(study.benchmarks).length ? { benchmarks: study.benchmarks } : {}),
    runs: study.runs.map((r) => ({ id: r.id, configHash: r.configHash })),
  }, null, 1) + '\n';
}

export function parseStudyJson(text: string, where: string): Study {
  let d: {
    format?: string; preset?: Preset; name?: string; files?: string[]; seeds?: number; only?: OnlyFilter[]; metrics?: MetricKind[];
    data?: Record<string, DataIdentity | null>; benchmarks?: Record<string, DataIdentity | null>; runs?: { id: string; configHash: string }[];
    sources?: (Omit<GridSource, 'description' | 'metrics'> & { description: string | null; metrics: MetricKind[] | null; tune?: unknown })[];
  };
  try {
    d = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!d || d.format !== STUDY_FORMAT || !PRESETS.includes(d.preset as Preset) || typeof d.name !== 'string' || !Array.isArray(d.files) ||
      !Array.isArray(d.sources) || !Array.isArray(d.only) || typeof d.seeds !== 'number' || !d.data || !Array.isArray(d.runs) || !Array.isArray(d.metrics)) {
    throw new UserError(`${where}: not a ${STUDY_FORMAT} file`);
  }
  const sources: GridSource[] = d.sources.map((s) => ({
    file: s.file, name: s.name, description: s.description ?? undefined, base: s.base, axes: s.axes, grid: s.grid, metrics: s.metrics ?? undefined,
    ...(s.tune === undefined ? {} : { tune: s.tune }),
  }));
  const study = studyFromSources(d.preset!, sources, { files: d.files, seeds: d.seeds, only: d.only, name: d.name, data: d.data, benchmarks: d.benchmarks ?? {}, allowLarge: true });
  if (canonicalJson(d.runs) !== canonicalJson(study.runs.map((r) => ({ id: r.id, configHash: r.configHash })))) {
    throw new UserError(`${where}: its runs do not match the study this dwgd builds from it (written by another version?)`);
  }
  const { missing: _m, ...rest } = study;
  return { ...rest, metrics: d.metrics };
}

/** The compare preset's study of config files (a convenience for callers and tests). */
export function buildPlan(files: string[], opts: Omit<StudyRequest, 'preset' | 'files'> = {}): Study {
  const { missing: _m, ...study } = planStudy({ ...opts, preset: 'compare', files });
  return study;
}

/** One experiment from a config file, as `dwgd train` plans it: the study of one training point. */
export function loadExperiment(file: string, sets: Override[] = [], identify?: Identify): RunSpec {
  return planStudy({ preset: 'train', files: [file], sets, identify }).runs[0];
}
