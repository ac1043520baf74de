// The tuning stage of a study with an equal budget per method (docs/METHOD.md, "Tuning"):
//
//   1. tuning   every method gets the same number of trials (settings drawn from its declared
//               search space) and the same training steps; each training point × tuning seed is
//               one run training every trial of every method side by side (same training list,
//               initial weights and sample order), scored on the validation split;
//   2. select   per training point and method, the trial with the best validation metric
//               averaged over the tuning seeds;
//   3. final    per training point, the chosen setting of each method (`<method>-tuned`) and its
//               one-shot default (`<method>-default`) retrained on fresh seeds that tuning never used,
//               scored on the test set.
//
// This module is pure planning and selection: it turns the study file's `tune:` section into
// method entries (the object form of `methods`, src/config/methods.ts) and picks winners from
// validation numbers handed to it. The pipeline (results/tuning-study.ts) runs the stages.

import { z } from 'zod';
import { UserError } from '../errors.js';

/** One dimension of a search space: a list of choices, or a range (log or linear). */
const DimSchema = z.union([
  z.array(z.number()).min(1).max(1000),
  z.strictObject({ log: z.tuple([z.number().positive(), z.number().positive()]) }),
  z.strictObject({ linear: z.tuple([z.number(), z.number()]) }),
]);
export type Dim = z.output<typeof DimSchema>;

/** Where a dimension's value goes in a method entry: `lr`, `params.<name>` or `train.<option>`. */
const DIM_KEY = /^(lr|params\.[A-Za-z][A-Za-z0-9]*|train\.(dropout|maxNorm|inputNoise|labelSmoothing))$/;

const MethodSpaceSchema = z.strictObject({
  /** The registry rule (sgd, momentum, adam, l2, dwm, …). */
  rule: z.string().min(1),
  /** The one-shot default setting (the budget of one trial): lr, params, train; the rule's own defaults where absent. */
  defaults: z.strictObject({
    lr: z.number().positive().optional(),
    params: z.record(z.string(), z.number()).optional(),
    train: z.record(z.string(), z.number()).optional(),
  }).optional(),
  /** The search space: key (lr, params.<name>, train.<option>) → choices or a range. */
  space: z.record(z.string(), DimSchema)
    .refine((s) => Object.keys(s).length > 0, 'a search space needs at least one dimension'),
});
export type MethodSpace = z.output<typeof MethodSpaceSchema>;

export const TuneSchema = z.strictObject({
  /** Trials per method: the same for every method (the equal budget). */
  trials: z.number().int().min(1).max(1000),
  /** Tuning seeds per training point: base seed + 0 … seeds − 1. */
  seeds: z.number().int().min(1).max(100).default(2),
  /** Fresh seeds of the final runs: base seed + finalSeedOffset + 0 … finalSeeds − 1. */
  finalSeeds: z.number().int().min(1).max(10_000).default(10),
  /** Where the final seeds start, above the base seed (larger than `seeds`, so no seed is shared). */
  finalSeedOffset: z.number().int().min(1).max(1e9).default(1000),
  /** The methods by name (in results `<name>-default` and `<name>-tuned`; trials `<name>-t<k>`). */
  methods: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, "_" or "-", starting with a letter'), MethodSpaceSchema)
    .refine((m) => Object.keys(m).length > 0, 'name at least one method'),
}).superRefine((t, ctx) => {
  if (t.finalSeedOffset < t.seeds) ctx.addIssue({ code: 'custom', path: ['finalSeedOffset'], message: `${t.finalSeedOffset} is below seeds (${t.seeds}): final seeds would repeat tuning seeds` });
  for (const [name, m] of Object.entries(t.methods)) {
    for (const [key, dim] of Object.entries(m.space)) {
      const problem = DIM_KEY.test(key) ? dimProblem(key, dim) : 'not a dimension: lr, params.<name> or train.<dropout|maxNorm|inputNoise|labelSmoothing>';
      if (problem) ctx.addIssue({ code: 'custom', path: ['methods', name, 'space', key], message: problem });
    }
  }
});
export type TuneSection = z.output<typeof TuneSchema>;

function dimProblem(key: string, dim: Dim): string | null {
  if (Array.isArray(dim)) {
    if (new Set(dim).size !== dim.length) return 'choices must not repeat';
    if (key === 'lr' && dim.some((v) => !(v > 0))) return 'learning rates must be positive';
    return null;
  }
  const [lo, hi] = 'log' in dim ? dim.log : dim.linear;
  if (!(lo < hi)) return `the range [${lo}, ${hi}] must go from low to high`;
  if (key === 'lr' && !(lo > 0)) return 'learning rates must be positive';
  return null;
}

/** A method entry in the object form of `methods` (src/config/methods.ts). */
export interface MethodEntry {
  name: string;
  rule: string;
  lr?: number;
  params?: Record<string, number>;
  train?: Record<string, number>;
}

/** One trial of one method: its entry and the values of its search dimensions. */
export interface Trial {
  method: string;
  /** 1 … trials. */
  index: number;
  entry: MethodEntry;
  values: Record<string, number>;
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

/** The radical inverse of i in base b (the Halton sequence's coordinate), in [0, 1). */
export function radicalInverse(i: number, b: number): number {
  let f = 1, r = 0;
  while (i > 0) {
    f /= b;
    r += f * (i % b);
    i = Math.floor(i / b);
  }
  return r;
}

/** Four significant digits: trial settings read cleanly in tables and ids, and are exact in JSON. */
export function sig4(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(4));
}

function fromUnit(dim: Dim, u: number): number {
  if (Array.isArray(dim)) return dim[Math.min(dim.length - 1, Math.floor(u * dim.length))];
  if ('log' in dim) return sig4(dim.log[0] * (dim.log[1] / dim.log[0]) ** u);
  return sig4(dim.linear[0] + u * (dim.linear[1] - dim.linear[0]));
}

/**
 * The settings of `trials` trials over a space, deterministic. One range dimension: an even grid
 * from end to end (log-spaced for a log range), so the sensitivity curve is sampled evenly. Only
 * choices whose product is exactly `trials`: that full grid. Otherwise the first `trials` points
 * of the Halton sequence (bases 2, 3, 5, … by dimension in key order, index from 1), each
 * coordinate mapped into its dimension; a choice dimension takes choice ⌊u·k⌋.
 */
export function trialSettings(space: Record<string, Dim>, trials: number): Record<string, number>[] {
  const keys = Object.keys(space).sort();
  if (keys.length > PRIMES.length) throw new UserError(`a search space of ${keys.length} dimensions is more than the ${PRIMES.length} dwgd samples`);
  const dims = keys.map((k) => space[k]);
  if (dims.length === 1 && !Array.isArray(dims[0])) {
    return Array.from({ length: trials }, (_, i) => ({ [keys[0]]: fromUnit(dims[0], trials === 1 ? 0.5 : i / (trials - 1)) }));
  }
  if (dims.every(Array.isArray) && dims.reduce((n, d) => n * (d as number[]).length, 1) === trials) {
    let grid: Record<string, number>[] = [{}];
    keys.forEach((k, j) => { grid = grid.flatMap((g) => (dims[j] as number[]).map((v) => ({ ...g, [k]: v }))); });
    return grid;
  }
  return Array.from({ length: trials }, (_, i) => Object.fromEntries(keys.map((k, j) => [k, fromUnit(dims[j], radicalInverse(i + 1, PRIMES[j]))])));
}

/** A method's entry with a trial's values put at their keys (lr, params.x, train.x) over its defaults. */
export function entryWith(name: string, space: MethodSpace, values: Record<string, number>): MethodEntry {
  const d = space.defaults ?? {};
  const entry: MethodEntry = { name, rule: space.rule };
  const params: Record<string, number> = { ...(d.params ?? {}) };
  const train: Record<string, number> = { ...(d.train ?? {}) };
  let lr = d.lr;
  for (const [key, v] of Object.entries(values)) {
    if (key === 'lr') lr = v;
    else if (key.startsWith('params.')) params[key.slice(7)] = v;
    else train[key.slice(6)] = v;
  }
  if (lr !== undefined) entry.lr = lr;
  if (Object.keys(params).length) entry.params = params;
  if (Object.keys(train).length) entry.train = train;
  return entry;
}

/** Every trial of every method, in method order then trial order; ids `<method>-t<k>` (k zero-padded). */
export function expandTrials(tune: TuneSection): Trial[] {
  const width = String(tune.trials).length;
  return Object.entries(tune.methods).flatMap(([method, space]) =>
    trialSettings(space.space, tune.trials).map((values, i) => ({
      method, index: i + 1, values, entry: entryWith(`${method}-t${String(i + 1).padStart(width, '0')}`, space, values),
    })));
}

/** The one-shot default of each method, as `<method>-default` (a bare rule name would read as that string method). */
export function defaultEntries(tune: TuneSection): MethodEntry[] {
  return Object.entries(tune.methods).map(([method, space]) => entryWith(`${method}-default`, space, {}));
}

/** Which way a metric improves. */
export type Direction = 'max' | 'min';

/** A trial's validation scores, one per tuning seed (NaN: diverged or missing). */
export interface TrialScores {
  trial: Trial;
  scores: number[];
}

/** A method's outcome at one training point: every trial's mean validation score, and the chosen one. */
export interface Selection {
  method: string;
  trials: { trial: Trial; mean: number; scores: number[] }[];
  /** The chosen trial, or null when every trial diverged. */
  chosen: Trial | null;
  chosenMean: number;
}

/**
 * The chosen trial of each method: the best mean validation score over the tuning seeds (a trial
 * that diverged at any seed has mean NaN and is never chosen); ties go to the lower trial index.
 */
export function selectTrials(scored: TrialScores[], direction: Direction): Selection[] {
  const byMethod = new Map<string, TrialScores[]>();
  for (const s of scored) byMethod.set(s.trial.method, [...(byMethod.get(s.trial.method) ?? []), s]);
  return [...byMethod.entries()].map(([method, list]) => {
    const trials = list.map((s) => ({ trial: s.trial, scores: s.scores, mean: s.scores.length ? s.scores.reduce((a, b) => a + b, 0) / s.scores.length : NaN }))
      .sort((a, b) => a.trial.index - b.trial.index);
    let best: (typeof trials)[number] | null = null;
    for (const t of trials) {
      if (!Number.isFinite(t.mean)) continue;
      if (!best || (direction === 'max' ? t.mean > best.mean : t.mean < best.mean)) best = t;
    }
    return { method, trials, chosen: best?.trial ?? null, chosenMean: best?.mean ?? NaN };
  });
}

/** The final stage's entries at one training point: each method's default, then its chosen setting as `<method>-tuned`. */
export function finalEntries(tune: TuneSection, selections: Selection[]): MethodEntry[] {
  const defaults = defaultEntries(tune);
  const tuned = selections.map((s) => {
    if (!s.chosen) throw new UserError(`tuning: every trial of ${s.method} diverged; widen or move its search space`);
    return { ...s.chosen.entry, name: `${s.method}-tuned` };
  });
  return [...defaults, ...tuned];
}

export function parseTune(raw: unknown, where: string): TuneSection {
  const parsed = TuneSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${where}: tune.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
