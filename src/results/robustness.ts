// Robustness metrics of the corruption suite (issue 23; docs/METHOD.md, "Robustness metrics"),
// from a study's run views: per training point ("experiment") and method, the error at every
// corruption × severity (mean and 95 % CI over seeds); the corruption error CE_c of Hendrycks &
// Dietterich (2019), normalised by a declared baseline method, its mean over corruptions (mCE),
// and the relative versions (degradation from the clean error); the effective robustness of
// Taori et al. (2020) against a line fitted in logit space to the other methods' points. Every
// number is computed per seed first, so each method-vs-baseline difference is paired by seed and
// judged as the rest of dwgd judges (verdicts.ts), one family per dataset × metric.

import { isDualEntry, methodIds, methodId } from '../config/methods.js';
import type { ModelDiagnostics } from '../experiment/record.js';
import type { RunView } from './table.js';
import { describe, type Spread } from './stats.js';
import { DEFAULT_STATS, judgeFamily, pairedEffect, type Judgement, type PairedEffect, type StatsOptions } from './verdicts.js';
import { divergedRun } from './aggregate.js';
import { UserError } from '../errors.js';
import { isIdentity, type EvalPoint } from '../data/eval-axes/index.js';

/** The method CE is normalised by when none is declared (the first method when it is absent). */
export const DEFAULT_ROBUST_BASELINE = 'sgd';

/** The robustness metrics that get verdicts, each its own family per dataset. */
export const ROBUST_METRICS = ['CE', 'mCE', 'relative CE', 'relative mCE', 'effective robustness', 'norm-matched error'] as const;
export type RobustMetric = (typeof ROBUST_METRICS)[number];

/** Σ_s E_s / Σ_s E^base_s: Hendrycks & Dietterich's CE of one corruption, given the errors at its severities. */
export function corruptionError(errors: readonly number[], baseErrors: readonly number[]): number {
  return sum(errors) / sum(baseErrors);
}

/** Σ_s (E_s − E_clean) / Σ_s (E^base_s − E^base_clean): the relative CE of one corruption. */
export function relativeCorruptionError(errors: readonly number[], clean: number, baseErrors: readonly number[], baseClean: number): number {
  return sum(errors.map((e) => e - clean)) / sum(baseErrors.map((e) => e - baseClean));
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** log(p / (1 − p)) of an accuracy clamped into [lo, 1 − lo], so that 0 and 1 stay finite. */
export function logit(p: number, lo: number): number {
  const q = Math.min(1 - lo, Math.max(lo, p));
  return Math.log(q / (1 - q));
}

/** Ordinary least squares y = intercept + slope·x; NaN both when x does not vary. */
export function fitLine(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; n: number } {
  const n = xs.length;
  const mx = sum(xs) / n, my = sum(ys) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (!(n >= 2) || !(sxx > 1e-12 * Math.max(1, mx * mx) * n)) return { slope: NaN, intercept: NaN, n };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n };
}

/**
 * Least squares y = a + b1·x1 + b2·x2 (centred normal equations). NaN coefficients when there
 * are fewer than 4 points or x1 and x2 (centred) are collinear or constant.
 */
export function fitPlane(x1: readonly number[], x2: readonly number[], ys: readonly number[]): { a: number; b1: number; b2: number; n: number } {
  const n = ys.length;
  const none = { a: NaN, b1: NaN, b2: NaN, n };
  if (n < 4) return none;
  const m1 = sum(x1) / n, m2 = sum(x2) / n, my = sum(ys) / n;
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (let i = 0; i < n; i++) {
    const d1 = x1[i] - m1, d2 = x2[i] - m2, dy = ys[i] - my;
    s11 += d1 * d1; s12 += d1 * d2; s22 += d2 * d2; s1y += d1 * dy; s2y += d2 * dy;
  }
  const det = s11 * s22 - s12 * s12;
  if (!(s11 > 0 && s22 > 0 && det > 1e-9 * s11 * s22)) return none;
  const b1 = (s22 * s1y - s12 * s2y) / det;
  const b2 = (s11 * s2y - s12 * s1y) / det;
  return { a: my - b1 * m1 - b2 * m2, b1, b2, n };
}

/** Ranks 1 … n, ties sharing their mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson's r of the ranks, ties at mean rank); NaN below three pairs. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 3) return NaN;
  const rx = ranks(xs), ry = ranks(ys);
  const mx = sum(rx) / rx.length, my = sum(ry) / ry.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** One method's error at one corruption and severity, over seeds. */
export interface ErrorCell {
  method: string;
  corruption: string;
  /** 0: the clean test. */
  severity: number;
  /** Per seed (in the experiment's seed order); NaN where the method diverged. */
  values: number[];
  spread: Spread;
  /** The same as accuracy (classification only): 1 − error. */
  accuracy?: Spread;
}

/** A per-seed robustness number of one method (CE of one corruption, mCE, …) with its spread. */
export interface RobustCell {
  metric: RobustMetric;
  method: string;
  /** The corruption for CE and relative CE; '' for the means over corruptions and effective robustness. */
  corruption: string;
  values: number[];
  spread: Spread;
  /** Against the CE baseline (effective robustness: against the line, i.e. 0); absent for the baseline itself. */
  effect?: PairedEffect;
  judgement?: Judgement;
}

/** One method's accuracy (or MSE) under one attack at one ε, over seeds; ε = 0 is the clean test. */
export interface AttackCell {
  method: string;
  attack: string;
  eps: number;
  /** Per seed (the experiment's seed order); NaN where the method diverged. */
  values: number[];
  spread: Spread;
  /** Against the baseline at the same attack and ε (ε > 0 only; absent for the baseline). */
  effect?: PairedEffect;
  judgement?: Judgement;
}

export interface EffectiveLine {
  /** The methods whose points the line is fitted to. */
  methods: string[];
  slope: number;
  intercept: number;
  /** Points fitted: methods × seeds × corruption points. */
  n: number;
  /** The range of the fitted points' logit(clean accuracy): outside it the line is extrapolated. */
  xRange: [number, number];
  /** The clamp of accuracies before the logit: 1/(2·test size). */
  clamp: number;
  /** The scatter: per method and seed, clean accuracy and each corruption point's accuracy. */
  points: { method: string; seed: number; corruption: string; severity: number; clean: number; shifted: number }[];
  /** Why there is no line, when there is none. */
  why?: string;
}

/**
 * The plane of the norm-matched error: over the runs of the methods that are not dual-weight,
 * each model's mean corruption error = a + bLogL · ln(Lipschitz bound) + bClean · clean error.
 */
export interface NormFit {
  methods: string[];
  a: number;
  bLogL: number;
  bClean: number;
  /** Models fitted (methods × seeds with diagnostics). */
  n: number;
  /** The range of the fitted models' ln(Lipschitz bound): outside it the plane is extrapolated. */
  logLRange: [number, number];
  /** Why there is no plane, when there is none. */
  why?: string;
}

export interface DiagnosticsCell {
  method: string;
  /** Seeds whose run.json carried diagnostics. */
  n: number;
  lipschitz: number;
  /** Spectral norm of each layer's W, mean over seeds. */
  spectral: number[];
  dead: number;
  /** Median test margin (classification). */
  margin: number;
}

export interface RobustExperiment {
  experimentId: string;
  dataset: string;
  label: string;
  metric: 'accuracy' | 'mse';
  seeds: number[];
  methods: string[];
  corruptions: string[];
  severities: number[];
  baseline: string;
  errors: ErrorCell[];
  cells: RobustCell[];
  /** null for regression (no effective robustness on MSE). */
  line: EffectiveLine | null;
  diagnostics: DiagnosticsCell[];
  /** The norm-matched error's plane (null without corruption points or diagnostics). */
  normFit: NormFit | null;
  /** The attacks scored with every other axis at its identity (eval-axes/attack.ts), and their radii (0 included when scored). */
  attacks: string[];
  epsilons: number[];
  /** Accuracy (or MSE) under attack per method × attack × ε. */
  attackCells: AttackCell[];
  /** The test samples attacked points were scored on (the run's attack subsample); undefined without attacks. */
  attackTestSize?: number;
}

export interface RobustnessData {
  experiments: RobustExperiment[];
  baseline: { asked: string; used: string; why: string };
  families: { name: string; size: number }[];
  /** Spearman's ρ between a method's mCE and its Lipschitz bound (means over seeds), across methods × experiments. */
  ranking: { rho: number; n: number } | null;
  /**
   * Within each run, Spearman's ρ between the methods' Lipschitz bounds and their mean corruption
   * errors, averaged over the runs with at least three usable methods (n of them).
   */
  withinRun: { rho: number; n: number } | null;
  stats: StatsOptions;
}

/** Whether any run of the views was evaluated on a corruption, generated or a published benchmark's (the report's precondition). */
export function hasCorruptions(views: readonly RunView[]): boolean {
  return views.some((v) => v.record.points.some((p) => [p.corruption, p.benchmark].some((c) => typeof c === 'string' && c !== 'none') && Number(p.severity ?? 0) > 0));
}

/**
 * The corruption points of a run's evaluation points, by index: a corruption (generated, or a
 * published benchmark's) at a severity above 0 with every other axis at its identity (a study
 * that also adds noise scores more points; those are not corruption points).
 */
export function corruptionPoints(points: readonly EvalPoint[]): { k: number; corruption: string; severity: number }[] {
  return points.map((p, k) => ({ k, corruption: String(p.corruption ?? p.benchmark ?? 'none'), severity: Number(p.severity ?? 0), rest: isIdentity({ ...p, corruption: 'none', benchmark: 'none', severity: 0 }) }))
    .filter((p) => p.corruption !== 'none' && p.severity > 0 && p.rest)
    .map(({ k, corruption, severity }) => ({ k, corruption, severity }));
}

/** Whether any run of the views was evaluated under an adversarial attack at some ε > 0. */
export function hasAttacks(views: readonly RunView[]): boolean {
  return views.some((v) => v.record.points.some((p) => typeof p.attack === 'string' && p.attack !== 'none' && Number(p.eps ?? 0) > 0));
}

/** An error from a test metric: 1 − accuracy, or the MSE itself. */
export function errorOf(metric: 'accuracy' | 'mse', value: number): number {
  return metric === 'accuracy' ? 1 - value : value;
}

/** One model's mean corruption error: its mean error over the corruption points of its run (corruptionPoints). */
export function meanCorruptionError(metric: 'accuracy' | 'mse', scores: { at: readonly { value: number }[] }, points: readonly { k: number }[]): number {
  return sum(points.map((p) => errorOf(metric, scores.at[p.k].value))) / points.length;
}

/**
 * The CE baseline of a study: the declared one when trained, else the default (`sgd`; a fair
 * comparison's final stage: `sgd-default`), else the first method.
 */
export function chooseBaseline(methods: readonly string[], asked: string | undefined, fallback = DEFAULT_ROBUST_BASELINE): { asked: string; used: string; why: string } {
  if (asked !== undefined && !methods.includes(asked)) throw new UserError(`--robust-baseline ${asked}: not a method of this study (its methods: ${methods.join(', ')})`);
  const want = asked ?? fallback;
  if (methods.includes(want)) return { asked: want, used: want, why: asked ? 'declared (--robust-baseline)' : `the default, ${fallback}` };
  return { asked: want, used: methods[0], why: `${want} was not trained in this study; the first method instead` };
}

export interface RobustnessOptions {
  /** The method CE is normalised by (default: defaultBaseline). */
  baseline?: string;
  /** The baseline when none is declared (default sgd). */
  defaultBaseline?: string;
  stats?: StatsOptions;
  /** Each run's diagnostics by run id and method (from run.json; the tidy table does not carry them). */
  diagnostics?: Map<string, Record<string, ModelDiagnostics | undefined>>;
  /** Each run's attack subsample size by run id (from run.json's attack.testSize). */
  attackTestSizes?: Map<string, number>;
  /**
   * The dual-weight methods by id, from the runs' own configs (run.json). Views read back from the
   * tidy table know a method by its id alone, which names its rule only for the paper's methods
   * (`dwm`), not for a fair study's entries (`dwm-tuned` of rule dwm).
   */
  dualMethods?: ReadonlySet<string>;
}

/**
 * The robustness data of a study's views. Runs of one experiment must share their evaluation
 * points (they do: one config, one seed apart). Points with corruption 'none' or severity 0 are
 * the clean test.
 */
export function robustnessData(views: readonly RunView[], opts: RobustnessOptions = {}): RobustnessData {
  const byExperiment = new Map<string, RunView[]>();
  for (const v of views) byExperiment.set(v.experiment, [...(byExperiment.get(v.experiment) ?? []), v]);
  const allMethods = [...new Set(views.flatMap((v) => methodIds(v.config)))];
  const baseline = chooseBaseline(allMethods, opts.baseline, opts.defaultBaseline);
  const stats = opts.stats ?? DEFAULT_STATS;
  const experiments: RobustExperiment[] = [];
  for (const [experimentId, list] of byExperiment) {
    const runs = [...list].sort((a, b) => a.seed - b.seed);
    const first = runs[0];
    const metric = first.record.metric;
    const methods = methodIds(first.config);
    // The dual-weight methods, which the effective-robustness line and the norm-matched plane are
    // not fitted to: by rule where the entry names one (`dwm`), else as the caller read them from
    // the runs' configs (a fair study's `dwm-tuned`, known here by its id alone).
    const dual = new Set([...first.config.methods.filter(isDualEntry).map(methodId), ...(opts.dualMethods ?? [])]);
    // The corruption points with every other evaluation axis at its identity (a study that also
    // adds noise scores more points; those are the sweep report's, not these metrics').
    // A published benchmark's corruption (evaluate.benchmark: MNIST-C, CIFAR-10-C) counts as a
    // corruption here, like a generated one (a study has one or the other, never both).
    const points = corruptionPoints(first.record.points);
    // The attack points with every other axis at its identity (ε = 0 among them: the clean test).
    const attackPoints = first.record.points.map((p, k) => ({ k, attack: String(p.attack ?? 'none'), eps: Number(p.eps ?? 0), rest: isIdentity({ ...p, attack: 'none', eps: 0 }) }))
      .filter((p) => p.attack !== 'none' && p.rest)
      // One point per (attack, ε): a clean point reached twice (corruption x at severity 0, y at 0) counts once.
      .filter((p, i, all) => all.findIndex((q) => q.attack === p.attack && q.eps === p.eps) === i);
    if (points.length === 0 && !attackPoints.some((p) => p.eps > 0)) continue;
    const corruptions = [...new Set(points.map((p) => p.corruption))];
    const severities = [...new Set(points.map((p) => p.severity))].sort((a, b) => a - b);
    const seeds = runs.map((r) => r.seed);
    const base = methods.includes(baseline.used) ? baseline.used : methods[0];
    // ok[m][i]: method m of seed i trained without diverging.
    const ok = new Map(methods.map((m) => [m, runs.map((r) => divergedRun({ perTurn: r.record.methods[m].perTurn, clean: r.record.methods[m].clean, noisy: 0, diverged: r.record.methods[m].diverged, tested: r.record.tested }) === null)]));
    const clean = (m: string, i: number) => errorOf(metric, runs[i].record.methods[m].clean);
    const at = (m: string, i: number, c: string) => points.filter((p) => p.corruption === c).sort((a, b) => a.severity - b.severity)
      .map((p) => errorOf(metric, runs[i].record.methods[m].at[p.k].value));
    const usable = (m: string, i: number) => ok.get(m)![i];

    const errors: ErrorCell[] = [];
    for (const m of methods) {
      const cell = (corruption: string, severity: number, values: number[]): ErrorCell => {
        const used = values.filter((_, i) => usable(m, i));
        const e: ErrorCell = { method: m, corruption, severity, values, spread: describe(used) };
        if (metric === 'accuracy') e.accuracy = describe(used.map((x) => 1 - x));
        return e;
      };
      errors.push(cell('none', 0, runs.map((_, i) => clean(m, i))));
      for (const p of points) errors.push(cell(p.corruption, p.severity, runs.map((r) => errorOf(metric, r.record.methods[m].at[p.k].value))));
    }

    // Accuracy (or MSE) under attack per method × attack × ε, per seed.
    const attacks = [...new Set(attackPoints.map((p) => p.attack))];
    const epsilons = [...new Set(attackPoints.map((p) => p.eps))].sort((a, b) => a - b);
    const attackCells: AttackCell[] = [];
    for (const m of methods) {
      for (const p of attackPoints) {
        const values = runs.map((r, i) => (usable(m, i) ? r.record.methods[m].at[p.k].value : NaN));
        attackCells.push({ method: m, attack: p.attack, eps: p.eps, values, spread: describe(values.filter(Number.isFinite)) });
      }
    }
    const attackTestSize = runs.map((r) => r.record.attack?.testSize ?? opts.attackTestSizes?.get(r.run)).find((n) => n !== undefined);

    // Per seed: CE_c, relative CE_c, their means over corruptions.
    const perSeed = (m: string, f: (i: number, c: string) => number) => corruptions.map((c) => runs.map((_, i) => (usable(m, i) && usable(base, i) ? f(i, c) : NaN)));
    const cells: RobustCell[] = [];
    for (const m of points.length ? methods : []) {
      const ce = perSeed(m, (i, c) => corruptionError(at(m, i, c), at(base, i, c)));
      const rel = perSeed(m, (i, c) => relativeCorruptionError(at(m, i, c), clean(m, i), at(base, i, c), clean(base, i)));
      const meanOver = (rows: number[][]) => runs.map((_, i) => sum(rows.map((r) => r[i])) / rows.length);
      const push = (metricName: RobustMetric, corruption: string, values: number[]) => cells.push({ metric: metricName, method: m, corruption, values, spread: describe(values.filter(Number.isFinite)) });
      corruptions.forEach((c, j) => push('CE', c, ce[j]));
      push('mCE', '', meanOver(ce));
      corruptions.forEach((c, j) => push('relative CE', c, rel[j]));
      push('relative mCE', '', meanOver(rel));
    }

    // Effective robustness (classification): the line through the non-dual methods' points.
    let line: EffectiveLine | null = null;
    if (metric === 'accuracy' && points.length) {
      const clamp = 1 / (2 * Math.max(1, first.record.testSize));
      const scatter: EffectiveLine['points'] = [];
      for (const m of methods) {
        runs.forEach((r, i) => {
          if (!usable(m, i)) return;
          for (const p of points) scatter.push({ method: m, seed: r.seed, corruption: p.corruption, severity: p.severity, clean: r.record.methods[m].clean, shifted: r.record.methods[m].at[p.k].value });
        });
      }
      const fitted = methods.filter((m) => !dual.has(m));
      const fitPts = scatter.filter((q) => fitted.includes(q.method));
      const fit = fitLine(fitPts.map((q) => logit(q.clean, clamp)), fitPts.map((q) => logit(q.shifted, clamp)));
      const why = fitted.length === 0 ? 'no method that is not dual-weight to fit the line to'
        : Number.isNaN(fit.slope) ? 'the fitted methods\' clean accuracies do not vary (one clean accuracy), so no line can be fitted' : undefined;
      const fitXs = fitPts.map((q) => logit(q.clean, clamp));
      const xRange: [number, number] = fitXs.length ? [Math.min(...fitXs), Math.max(...fitXs)] : [NaN, NaN];
      line = { methods: fitted, slope: fit.slope, intercept: fit.intercept, n: fitPts.length, xRange, clamp, points: scatter, ...(why ? { why } : {}) };
      for (const m of methods) {
        const values = runs.map((r, i) => {
          if (!usable(m, i) || why) return NaN;
          const x = logit(r.record.methods[m].clean, clamp);
          return sum(points.map((p) => logit(r.record.methods[m].at[p.k].value, clamp) - (fit.intercept + fit.slope * x))) / points.length;
        });
        cells.push({ metric: 'effective robustness', method: m, corruption: '', values, spread: describe(values.filter(Number.isFinite)) });
      }
    }

    const diagnostics: DiagnosticsCell[] = [];
    if (opts.diagnostics) {
      for (const m of methods) {
        const ds = runs.map((r) => opts.diagnostics!.get(r.run)?.[m]).filter((d): d is ModelDiagnostics => d !== undefined);
        if (!ds.length) continue;
        const avg = (xs: number[]) => describe(xs).mean;
        diagnostics.push({
          method: m, n: ds.length, lipschitz: avg(ds.map((d) => d.lipschitz)),
          spectral: ds[0].layers.map((_, l) => avg(ds.map((d) => d.layers[l]?.spectral ?? NaN))),
          dead: avg(ds.map((d) => d.dead)), margin: avg(ds.map((d) => d.margin?.median ?? NaN)),
        });
      }
    }
    // The norm-matched error: each model's mean corruption error against what the non-dual
    // methods' models with the same Lipschitz bound and clean error have (a plane fitted to them).
    let normFit: NormFit | null = null;
    if (points.length && opts.diagnostics) {
      // Each model once: (ln Lipschitz bound, clean error, mean corruption error), null when unusable.
      const models = new Map(methods.map((m) => [m, runs.map((r, i) => {
        const logL = Math.log(opts.diagnostics!.get(r.run)?.[m]?.lipschitz ?? NaN);
        return usable(m, i) && Number.isFinite(logL) ? { x1: logL, x2: clean(m, i), y: meanCorruptionError(metric, r.record.methods[m], points) } : null;
      })]));
      const fitted = methods.filter((m) => !dual.has(m));
      const fitPts = fitted.flatMap((m) => models.get(m)!).filter((q) => q !== null);
      const plane = fitPlane(fitPts.map((q) => q.x1), fitPts.map((q) => q.x2), fitPts.map((q) => q.y));
      const why = fitted.length === 0 ? 'no method that is not dual-weight to fit the plane to'
        : fitPts.length === 0 ? 'no run.json carries diagnostics'
        : Number.isNaN(plane.a) ? `the ${fitPts.length} fitted models do not determine a plane (fewer than 4, or their Lipschitz bounds and clean errors do not vary independently)` : undefined;
      const xs = fitPts.map((q) => q.x1);
      normFit = { methods: fitted, a: plane.a, bLogL: plane.b1, bClean: plane.b2, n: fitPts.length, logLRange: xs.length ? [Math.min(...xs), Math.max(...xs)] : [NaN, NaN], ...(why ? { why } : {}) };
      if (fitPts.length) {
        for (const m of methods) {
          const values = models.get(m)!.map((q) => (q === null || why ? NaN : q.y - (plane.a + plane.b1 * q.x1 + plane.b2 * q.x2)));
          cells.push({ metric: 'norm-matched error', method: m, corruption: '', values, spread: describe(values.filter(Number.isFinite)) });
        }
      }
    }
    experiments.push({
      experimentId, dataset: first.config.dataset.name, label: experimentId, metric, seeds, methods, corruptions, severities, baseline: base, errors, cells,
      line: points.length ? line : null, diagnostics, normFit, attacks, epsilons, attackCells, attackTestSize,
    });
  }

  // Verdicts: each method against the baseline (effective robustness: against the line),
  // paired by seed, one family per dataset × metric.
  const families = new Map<string, RobustCell[]>();
  for (const e of experiments) {
    const ok = (m: string) => e.cells.find((c) => c.method === m)!.values.map(Number.isFinite);
    for (const c of e.cells) {
      if (c.metric === 'effective robustness') {
        if (!e.line || e.line.why || e.line.methods.includes(c.method)) continue;
        c.effect = pairedEffect(c.values, c.values.map(() => 0), c.values.map(Number.isFinite), true, true, null);
      } else if (c.metric === 'norm-matched error') {
        // Against the plane (0): lower is more robust than the norms and the clean error predict.
        if (!e.normFit || e.normFit.why || e.normFit.methods.includes(c.method)) continue;
        c.effect = pairedEffect(c.values, c.values.map(() => 0), c.values.map(Number.isFinite), false, true, null);
      } else {
        if (c.method === e.baseline) continue;
        const b = e.cells.find((x) => x.metric === c.metric && x.corruption === c.corruption && x.method === e.baseline)!;
        c.effect = pairedEffect(c.values, b.values, ok(c.method).map((v, i) => v && Number.isFinite(c.values[i]) && Number.isFinite(b.values[i])), false, true, null);
      }
      const name = `${e.dataset} ${c.metric}`;
      families.set(name, [...(families.get(name) ?? []), c]);
    }
  }
  for (const [name, members] of families) {
    const judged = judgeFamily(name, members.map((m) => m.effect!), stats);
    members.forEach((m, i) => (m.judgement = judged[i]));
  }
  // Under attack: each method against the baseline at every attack and ε > 0, paired by seed,
  // one family per dataset (accuracy: higher is better; MSE: lower).
  const attackFamilies = new Map<string, AttackCell[]>();
  for (const e of experiments) {
    for (const c of e.attackCells) {
      if (c.eps === 0 || c.method === e.baseline) continue;
      const b = e.attackCells.find((x) => x.attack === c.attack && x.eps === c.eps && x.method === e.baseline)!;
      c.effect = pairedEffect(c.values, b.values, c.values.map((v, i) => Number.isFinite(v) && Number.isFinite(b.values[i])), e.metric === 'accuracy', true, null);
      const name = `${e.dataset} ${e.metric === 'accuracy' ? 'accuracy' : 'MSE'} under attack`;
      attackFamilies.set(name, [...(attackFamilies.get(name) ?? []), c]);
    }
  }
  for (const [name, members] of attackFamilies) {
    const judged = judgeFamily(name, members.map((m) => m.effect!), stats);
    members.forEach((m, i) => (m.judgement = judged[i]));
  }

  // Does the robustness ranking follow the norms? mCE against the Lipschitz bound.
  const pairs = experiments.flatMap((e) => e.diagnostics.flatMap((d) => {
    const m = e.cells.find((c) => c.metric === 'mCE' && c.method === d.method);
    return m && Number.isFinite(m.spread.mean) && Number.isFinite(d.lipschitz) ? [[m.spread.mean, d.lipschitz] as const] : [];
  }));
  const ranking = pairs.length ? { rho: spearman(pairs.map((p) => p[0]), pairs.map((p) => p[1])), n: pairs.length } : null;
  // Within each run: the methods' Lipschitz bounds against their mean corruption errors (what
  // differs between methods trained from one initial network on one sample order).
  const rhos: number[] = [];
  if (opts.diagnostics) {
    for (const v of views) {
      const points = corruptionPoints(v.record.points);
      if (!points.length) continue;
      const ms = methodIds(v.config).filter((m) => {
        const r = v.record.methods[m];
        return divergedRun({ perTurn: r.perTurn, clean: r.clean, noisy: 0, diverged: r.diverged, tested: v.record.tested }) === null && Number.isFinite(opts.diagnostics!.get(v.run)?.[m]?.lipschitz ?? NaN);
      });
      if (ms.length < 3) continue;
      const rho = spearman(ms.map((m) => opts.diagnostics!.get(v.run)![m]!.lipschitz), ms.map((m) => meanCorruptionError(v.record.metric, v.record.methods[m], points)));
      if (Number.isFinite(rho)) rhos.push(rho);
    }
  }
  const withinRun = rhos.length ? { rho: sum(rhos) / rhos.length, n: rhos.length } : null;
  const familyList = [...families, ...attackFamilies].map(([name, m]) => ({ name, size: m.length }));
  return { experiments, baseline, families: familyList, ranking, withinRun, stats };
}
