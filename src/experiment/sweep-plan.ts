// The plan of a sweep (`dwgd sweep`, issue 5): a grid file (plan.ts) with, optionally, an
// evaluation-only axis and the metrics to plot. The training runs are the product of the
// grid's axes × seeds (stable ids as for `compare`); an evaluation-only axis adds points
// without adding runs: every run evaluates its trained models at each of its values.
//
// Sweep file format (configs/sweeps/*.yaml): the grid file keys (name, description, seeds,
// base, grid) and
//   evaluate:                     # evaluation-only axes; today only noise.sigma
//     noise.sigma: [0, 0.25, 0.5]   # becomes the run config's noise.sigmas (schema.ts)
//   metrics: [clean, balanced]    # what to plot: clean | noisy | balanced | balanced-noisy
//                                 # default: noisy with an evaluate axis, else clean
//
// `--set key=a,b` makes an axis as for `compare`; on an evaluation-only key (noise.sigma)
// it makes or replaces the evaluation-only axis instead, so the models are trained once.
// `--shard K/N` (shard.ts) keeps one fixed, cost-balanced slice of the same plan, whichever
// machine computes it.

import { z } from 'zod';
import { canonicalJson, describeZodError, readConfigFile, type Override } from '../config/load.js';
import { nameFromFile } from '../config/names.js';
import type { DataIdentity } from '../data/identity.js';
import { UserError } from '../errors.js';
import { applySets, GridFileSchema, planFromSources, readGridSource, type Axis, type GridSource, type Identify, type Plan, type RunSpec } from './plan.js';
import type { RunRecord } from './pool.js';

export const METRIC_KINDS = ['clean', 'noisy', 'balanced', 'balanced-noisy'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Keys that change only the evaluation of trained models, and the run key that carries their list. */
export const EVAL_ONLY_KEYS: Record<string, string> = { 'noise.sigma': 'noise.sigmas' };

export const SweepFileSchema = GridFileSchema.extend({
  evaluate: z.record(z.string(), z.array(z.number().nonnegative()).min(1)).optional()
    .refine((e) => !e || Object.keys(e).every((k) => k in EVAL_ONLY_KEYS), { message: `only ${Object.keys(EVAL_ONLY_KEYS).join(', ')} can be evaluation-only` }),
  metrics: z.array(z.enum(METRIC_KINDS)).min(1).optional(),
});

export interface EvalAxis {
  key: string;
  values: number[];
}

/** Everything the plan is rebuilt from (stored as sweep.json beside the runs). */
export interface SweepSource extends GridSource {
  evalAxis: EvalAxis | null;
  metrics: MetricKind[];
}

export interface SweepPlan {
  source: SweepSource;
  /** The training runs. */
  plan: Plan;
  evalAxis: EvalAxis | null;
  metrics: MetricKind[];
}

export function readSweepSource(file: string): SweepSource {
  const raw = readConfigFile(file);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && ('base' in raw || 'grid' in raw)) {
    const parsed = SweepFileSchema.safeParse(raw);
    if (!parsed.success) throw new UserError(describeZodError(`config ${file}`, parsed.error, SweepFileSchema));
    const { evaluate, metrics } = parsed.data;
    const { evaluate: _e, metrics: _m, ...gridOnly } = raw as Record<string, unknown>;
    const grid = readGridSourceFromValue(file, gridOnly);
    const entries = Object.entries(evaluate ?? {});
    const evalAxis = entries.length ? { key: entries[0][0], values: entries[0][1] } : null;
    return { ...grid, evalAxis, metrics: metrics ?? [evalAxis ? 'noisy' : 'clean'] };
  }
  const grid = readGridSource(file);
  return { ...grid, evalAxis: null, metrics: ['clean'] };
}

function readGridSourceFromValue(file: string, value: Record<string, unknown>): GridSource {
  const parsed = GridFileSchema.safeParse(value);
  if (!parsed.success) throw new UserError(describeZodError(`config ${file}`, parsed.error, GridFileSchema));
  const g = parsed.data;
  return {
    file, name: g.name ?? nameFromFile(file), description: g.description, seeds: g.seeds, base: g.base,
    axes: Object.entries(g.grid).map(([key, values]) => ({ key, values })),
  };
}

/** `--set` on a sweep: evaluation-only keys go to the evaluation axis, the rest as for compare. */
export function applySweepSets(src: SweepSource, sets: Override[]): SweepSource {
  let evalAxis = src.evalAxis ? { ...src.evalAxis, values: [...src.evalAxis.values] } : null;
  const rest: Override[] = [];
  for (const o of sets) {
    const key = o.path.join('.');
    const onEvalAxis = evalAxis?.key === key;
    if (key in EVAL_ONLY_KEYS && (onEvalAxis || o.values)) {
      const values = (o.values ?? [o.value]).map(Number);
      if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new UserError(`--set ${key}=${o.text}: expected non-negative numbers`);
      evalAxis = { key, values };
      if (src.axes.some((a) => a.key === key)) throw new UserError(`--set ${key}: '${key}' is both a grid axis and evaluation-only in ${src.file}`);
    } else rest.push(o);
  }
  const grid = applySets(src, rest);
  const metrics = evalAxis && !src.evalAxis && src.metrics.length === 1 && src.metrics[0] === 'clean' ? ['noisy' as const] : src.metrics;
  return { ...grid, evalAxis, metrics };
}

/** The training runs of a sweep: the evaluation axis goes into each run as noise.sigmas. */
export function sweepPlan(source: SweepSource, seeds?: number, data?: { identify?: Identify; data?: Record<string, DataIdentity | null> }): SweepPlan {
  let base = source.base;
  if (source.evalAxis) {
    if (source.axes.some((a) => a.key === source.evalAxis!.key)) {
      throw new UserError(`config ${source.file}: '${source.evalAxis.key}' is both a grid axis and evaluation-only`);
    }
    base = structuredClone(base);
    const [section, key] = EVAL_ONLY_KEYS[source.evalAxis.key].split('.');
    const node = (base[section] ?? {}) as Record<string, unknown>;
    if (typeof node !== 'object' || Array.isArray(node)) throw new UserError(`config ${source.file}: base.${section} is not a section`);
    base[section] = { ...node, [key]: source.evalAxis.values };
  }
  const plan = planFromSources([{ ...source, base }], [source.file], { seeds, ...data });
  return { source, plan, evalAxis: source.evalAxis, metrics: source.metrics };
}

export function buildSweepPlan(file: string, opts: { sets?: Override[]; seeds?: number; identify?: Identify } = {}): SweepPlan {
  const source = applySweepSets(readSweepSource(file), opts.sets ?? []);
  return sweepPlan(source, opts.seeds ?? source.seeds, { identify: opts.identify });
}

/** The axes that vary (more than one value), training axes first, then the evaluation axis. */
export function sweptAxes(sp: SweepPlan): Axis[] {
  const axes: Axis[] = sp.source.axes.filter((a) => a.values.length > 1);
  if (sp.evalAxis && sp.evalAxis.values.length > 1) axes.push({ key: sp.evalAxis.key, values: sp.evalAxis.values });
  return axes;
}

export const SWEEP_FORMAT = 'dwgd-sweep/2';

/** sweep.json: what `dwgd report` rebuilds the plan from, and the run ids it must find. */
export function sweepJson(sp: SweepPlan): string {
  const { file, name, description, seeds: _s, base, axes, evalAxis, metrics } = sp.source;
  return JSON.stringify({
    format: SWEEP_FORMAT,
    source: { file, name, description: description ?? null, base, axes, evalAxis, metrics },
    seeds: sp.plan.seeds,
    data: sp.plan.data,
    runs: sp.plan.runs.map((r) => ({ id: r.id, configHash: r.configHash })),
  }, null, 1) + '\n';
}

export function parseSweepJson(text: string, where: string): SweepPlan {
  let data: {
    format?: string; seeds?: number; runs?: { id: string; configHash: string }[]; data?: Record<string, DataIdentity | null>;
    source?: Omit<SweepSource, 'description' | 'seeds'> & { description: string | null };
  };
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data.format !== SWEEP_FORMAT || !data.source || !Array.isArray(data.runs) || typeof data.seeds !== 'number' || !data.data) {
    throw new UserError(`${where}: not a ${SWEEP_FORMAT} file`);
  }
  const s = data.source;
  const source: SweepSource = {
    file: s.file, name: s.name, description: s.description ?? undefined, base: s.base, axes: s.axes, evalAxis: s.evalAxis, metrics: s.metrics,
  };
  const sp = sweepPlan(source, data.seeds, { data: data.data });
  const want = canonicalJson(data.runs);
  const got = canonicalJson(sp.plan.runs.map((r) => ({ id: r.id, configHash: r.configHash })));
  if (want !== got) throw new UserError(`${where}: its runs do not match the plan this dwgd builds from it (written by another version?)`);
  return sp;
}

/** Whether a run record holds every evaluation the sweep needs. */
export function recordComplete(sp: SweepPlan, spec: RunSpec, record: RunRecord): boolean {
  if (!sp.evalAxis) return true;
  return spec.config.methods.every((m) => record.methods[m]?.noisyAt?.length === sp.evalAxis!.values.length);
}
