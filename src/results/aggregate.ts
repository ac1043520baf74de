// Aggregation of a comparison across seeds (docs/METHOD.md §10): for every experiment (grid
// point), method and evaluation (clean after the last turn, noisy), the mean, sd and 95 % CI
// over the seeds that did not diverge, how many diverged or collapsed, the same per turn for the
// learning curves, and the paired comparisons the tables and claims need (each method against
// sgd, dwm-stable against dwm, each dual method against each l2), judged in one family per
// dataset × evaluation. The authors' numbers are attached only where the protocol is the paper's.

import type { ExperimentConfig } from '../config/schema.js';
import { BASELINE_METHOD, isDual, PAPER_METHODS } from '../core/rules/index.js';
import { isIdentity } from '../data/eval-axes/index.js';
import type { RunView } from './table.js';
import { isNoisyTest, isPaperMethod, protocolDepartures, type Departure } from './protocol.js';
import { describe, type Spread } from './stats.js';
import { extraChecks } from './stat-checks.js';
import { DEFAULT_MARGINS, DEFAULT_STATS, judgeFamily, pairedEffect, type Judgement, type MarginSpec, type PairedEffect, type StatsOptions } from './verdicts.js';
import { methodIds } from '../config/methods.js';
import { turnTested } from '../experiment/record.js';

export const BASELINE = BASELINE_METHOD;
/** The dual-weight methods of the registry that reports single out (dwm, dwm-stable). */
export const DUAL = PAPER_METHODS.filter(isDual);

export type EvalKind = 'clean' | 'noisy';

/** A method's numbers in one run, seen at one evaluation point against the clean one. */
export interface PairNumbers {
  perTurn: number[];
  clean: number;
  /** At the evaluation point (the paper's noisy test, or a sweep's point). */
  noisy: number;
  perClass?: { clean: number[]; noisy: number[] };
  balanced?: { clean: number; noisy: number };
  diverged?: { turn: number; reason: string };
  collapsed?: { reason: string };
  /** The record's `tested` (testEvery last | never): NaN test scores it did not measure are no divergence. */
  tested?: 'last' | 'never';
}

/** A run seen at one evaluation point: what aggregation reads of it. */
export interface PairRecord {
  metric: 'accuracy' | 'mse';
  testSet: 'complement' | 'balanced';
  trainSize: number;
  distinctTrain: number;
  testSize: number;
  corruptedLabels?: number;
  trainClassCounts?: number[];
  testClassCounts?: number[];
  methods: Record<string, PairNumbers>;
}

/** What names an experiment (a training point, or one seen at an evaluation point) in every table. */
export interface ExperimentHead {
  experimentId: string;
  dataset: string;
  arch: string;
  trainSize: number;
  extra: Record<string, string>;
  label: string;
  /** The first seed's resolved config (the others differ in seed only). */
  config: ExperimentConfig;
}

/** One experiment to aggregate: its head and its runs, one per seed. */
export interface ExperimentInput extends ExperimentHead {
  runs: { seed: number; record: PairRecord }[];
}

/** A run (from the table) seen at its evaluation point `k` against the clean one. */
export function pairAt(view: RunView, k: number): PairRecord {
  const r = view.record;
  const methods: Record<string, PairNumbers> = {};
  for (const m of methodIds(view.config)) {
    const x = r.methods[m];
    const p = x.at[k];
    const n: PairNumbers = { perTurn: x.perTurn, clean: x.clean, noisy: p.value };
    if (x.perClass && p.perClass) n.perClass = { clean: x.perClass, noisy: p.perClass };
    if (x.balanced !== undefined && p.balanced !== undefined) n.balanced = { clean: x.balanced, noisy: p.balanced };
    if (x.diverged) n.diverged = x.diverged;
    if (x.collapsed) n.collapsed = x.collapsed;
    if (r.tested) n.tested = r.tested;
    methods[m] = n;
  }
  const out: PairRecord = { metric: r.metric, testSet: r.testSet, trainSize: r.trainSize, distinctTrain: r.distinctTrain, testSize: r.testSize, methods };
  if (r.corruptedLabels !== undefined) out.corruptedLabels = r.corruptedLabels;
  if (r.trainClassCounts) out.trainClassCounts = r.trainClassCounts;
  if (r.testClassCounts) out.testClassCounts = r.testClassCounts;
  return out;
}

/**
 * The paper's noisy test of a run: the evaluation point at the config's noise.sigma with every
 * other axis at its identity; else the first point that is not the clean one; else the clean one.
 */
export function noisyPoint(view: RunView): number {
  const pts = view.record.points;
  const k = pts.findIndex((p) => isNoisyTest(p, view.config.noise.sigma));
  if (k >= 0) return k;
  const other = pts.findIndex((p) => !isIdentity(p));
  return other >= 0 ? other : 0;
}

export interface AuthorsRow {
  dataset: string;
  arch: string;
  trainSize: number;
  method: string;
  metric: string;
  perTurn: number[];
  clean: number;
  noisy: number;
}

export interface MethodCell {
  method: string;
  eval: EvalKind;
  seeds: number[];
  /** One value per seed, as the run returned it (diverged ones included). */
  values: number[];
  /** Per seed: the method trained without diverging, so its value is evidence. */
  ok: boolean[];
  /** Seeds whose run of this method diverged, with the turn and reason when the run said. */
  diverged: { seed: number; turn: number | null; reason: string }[];
  /** Seeds whose trained model collapsed to a constant answer. */
  collapsed: { seed: number; reason: string }[];
  /** Over the seeds that did not diverge. */
  spread: Spread;
  /** The authors' value, only when the experiment follows the paper's protocol. */
  authors: number | null;
}

export interface Comparison {
  experimentId: string;
  eval: EvalKind;
  method: string;
  baseline: string;
  effect: PairedEffect;
  /** The verdict in the table family (dataset × evaluation). */
  judgement: Judgement;
}

export interface ExperimentSummary extends ExperimentHead {
  metric: 'accuracy' | 'mse';
  turns: number;
  methods: string[];
  seeds: number[];
  /** Keys on which the experiment departs from the paper's protocol ([] = the paper's). */
  departures: Departure[];
  cells: MethodCell[];
  /** Clean metric per turn per method (non-diverged seeds), for the learning curves. */
  curves: { method: string; perTurn: Spread[]; authors: number[] | null }[];
  comparisons: Comparison[];
}

export interface Family {
  name: string;
  size: number;
}

export interface Aggregate {
  experiments: ExperimentSummary[];
  /** All table comparisons, experiment by experiment. */
  comparisons: Comparison[];
  families: Family[];
  /** How the families were corrected. */
  stats: StatsOptions;
}

export function higherIsBetter(metric: string): boolean {
  return metric === 'accuracy';
}

/** The dataset's name in authors-results.json: the authors ran white wine only and say so. */
export function authorsDatasetName(config: ExperimentConfig): string {
  const { name, variant } = config.dataset;
  return name === 'wine-quality' ? `wine-quality-${variant ?? 'white'}` : name;
}

/** A method's run diverged: the run said so, or a number it produced is not finite (older records). */
export function divergedRun(m: PairNumbers): { turn: number | null; reason: string } | null {
  if (m.diverged) return { turn: m.diverged.turn, reason: m.diverged.reason };
  if (m.tested === 'never') return null;
  const bad = m.perTurn.findIndex((v, t) => turnTested(m, t + 1, m.perTurn.length) && !Number.isFinite(v));
  if (bad >= 0) return { turn: bad + 1, reason: `test metric ${m.perTurn[bad]} after turn ${bad + 1}` };
  if (!Number.isFinite(m.clean) || !Number.isFinite(m.noisy)) return { turn: null, reason: `test metric ${Number.isFinite(m.clean) ? m.noisy : m.clean}` };
  return null;
}

/**
 * Every comparison a report judges, defined once (docs/METHOD.md §10): (method, baseline),
 * method − baseline. The tables' pairs first (each method against sgd, dwm-stable against dwm,
 * each dual method against each l2), then the other pairs of the paper's methods that the
 * claims need (§11: C4 compares every pair), so no claim judges a comparison the tables do not.
 */
export function comparisonPairs(methods: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  if (methods.includes(BASELINE)) for (const m of methods) if (m !== BASELINE) pairs.push([m, BASELINE]);
  if (methods.includes('dwm') && methods.includes('dwm-stable')) pairs.push(['dwm-stable', 'dwm']);
  for (const d of DUAL) if (methods.includes(d)) for (const l of methods) if (l.startsWith('l2-')) pairs.push([d, l]);
  const paper = methods.filter(isPaperMethod);
  const has = (a: string, b: string) => pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  for (let i = 0; i < paper.length; i++) for (let j = i + 1; j < paper.length; j++) if (!has(paper[i], paper[j])) pairs.push([paper[j], paper[i]]);
  return pairs;
}

/** The equivalence margin a config declares for a metric (key `equivalence`), or the default. */
export function marginSpec(config: Pick<ExperimentConfig, 'equivalence'>, metric: 'accuracy' | 'mse'): MarginSpec {
  const q = config.equivalence;
  if (metric === 'accuracy') return q?.accuracyPoints !== undefined ? { kind: 'absolute', value: q.accuracyPoints / 100 } : DEFAULT_MARGINS.accuracy;
  return q?.msePercent !== undefined ? { kind: 'relative', value: q.msePercent / 100 } : DEFAULT_MARGINS.mse;
}

/** The paired effect of `method` against `baseline` in one experiment and evaluation. */
export function effectIn(e: ExperimentSummary, method: string, baseline: string, kind: EvalKind, check = true): PairedEffect | null {
  const a = e.cells.find((c) => c.method === method && c.eval === kind);
  const b = e.cells.find((c) => c.method === baseline && c.eval === kind);
  if (!a || !b) return null;
  return pairedEffect(a.values, b.values, a.ok.map((ok, i) => ok && b.ok[i]), higherIsBetter(e.metric), check, marginSpec(e.config, e.metric));
}

export interface AggregateOptions {
  /** Word added to family names (e.g. "balanced"), for a second aggregate of other numbers. */
  familyTag?: string;
  /** The comparisons to judge in each experiment (default: comparisonPairs, the paper's). */
  pairs?: (methods: readonly string[]) => [string, string][];
  /**
   * Experiments whose clean numbers are another experiment's (a sweep's evaluation-only axis
   * evaluates one trained model at several σ): experimentId → that experiment. Their clean
   * comparisons are the original's, shown in their tables but not tested again.
   */
  sameCleanAs?: Map<string, string>;
  /** How verdicts are reached (the correction); the default is Benjamini–Hochberg. */
  stats?: StatsOptions;
}

export function aggregate(inputs: ExperimentInput[], authors: AuthorsRow[] = [], opts: AggregateOptions = {}): Aggregate {
  const authorsOf = (config: ExperimentConfig, arch: string, n: number, method: string) => {
    if (!isPaperMethod(method)) return null;
    const dataset = authorsDatasetName(config);
    return authors.find((r) => r.dataset === dataset && r.arch === arch && r.trainSize === n && r.method === method) ?? null;
  };

  const experiments: ExperimentSummary[] = [];
  for (const input of inputs) {
    const { experimentId } = input;
    const sorted = [...input.runs].sort((a, b) => a.seed - b.seed);
    const first = input;
    const recs = sorted.map((r) => r.record);
    const departures = protocolDepartures(first.config);
    const methods = methodIds(first.config);
    const seeds = sorted.map((r) => r.seed);
    const cells: MethodCell[] = [];
    const curves: ExperimentSummary['curves'] = [];
    for (const method of methods) {
      const a = departures.length ? null : authorsOf(first.config, first.arch, first.trainSize, method);
      const runs = recs.map((r) => r.methods[method]);
      const div = runs.map(divergedRun);
      const ok = div.map((d) => d === null);
      const diverged = div.flatMap((d, i) => (d ? [{ seed: seeds[i], ...d }] : []));
      const collapsed = runs.flatMap((m, i) => (m.collapsed ? [{ seed: seeds[i], reason: m.collapsed.reason }] : []));
      for (const kind of ['clean', 'noisy'] as const) {
        const values = runs.map((m) => m[kind]);
        cells.push({
          method, eval: kind, seeds, values, ok, diverged, collapsed,
          spread: describe(values.filter((_, i) => ok[i])), authors: a ? a[kind] : null,
        });
      }
      const perTurn = Array.from({ length: first.config.turns }, (_, t) => describe(runs.filter((_, i) => ok[i]).map((m) => m.perTurn[t])));
      curves.push({ method, perTurn, authors: a ? a.perTurn : null });
    }
    experiments.push({
      experimentId, dataset: first.dataset, arch: first.arch, trainSize: first.trainSize, extra: first.extra, label: first.label, config: first.config,
      metric: recs[0].metric, turns: first.config.turns, methods, seeds, departures, cells, curves, comparisons: [],
    });
  }

  // Paired comparisons, judged in one family per dataset × evaluation.
  const byFamily = new Map<string, { e: ExperimentSummary; kind: EvalKind; method: string; baseline: string; effect: PairedEffect }[]>();
  for (const e of experiments) {
    for (const kind of ['clean', 'noisy'] as const) {
      if (kind === 'clean' && opts.sameCleanAs?.has(e.experimentId)) continue;
      const name = [e.dataset, opts.familyTag, kind].filter(Boolean).join(' ');
      for (const [method, baseline] of (opts.pairs ?? comparisonPairs)(e.methods)) {
        const effect = effectIn(e, method, baseline, kind)!;
        byFamily.set(name, [...(byFamily.get(name) ?? []), { e, kind, method, baseline, effect }]);
      }
    }
  }
  const families: Family[] = [];
  for (const [name, members] of byFamily) {
    families.push({ name, size: members.length });
    const judged = judgeFamily(name, members.map((m) => m.effect), opts.stats ?? DEFAULT_STATS);
    members.forEach((m, i) => m.e.comparisons.push({
      experimentId: m.e.experimentId, eval: m.kind, method: m.method, baseline: m.baseline, effect: m.effect, judgement: judged[i],
    }));
  }
  const comparisons = experiments.flatMap((e) => e.comparisons);
  for (const e of experiments) {
    const original = opts.sameCleanAs?.get(e.experimentId);
    if (!original) continue;
    const copies = experiments.find((x) => x.experimentId === original)!.comparisons.filter((c) => c.eval === 'clean').map((c) => ({ ...c, experimentId: e.experimentId }));
    e.comparisons.unshift(...copies);
  }
  return { experiments, comparisons, families, stats: opts.stats ?? DEFAULT_STATS };
}

/** A number for CSV: shortest round-trip text, empty for NaN or absent. */
export function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '' : String(v);
}

export function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function extraText(extra: Record<string, string>): string {
  return Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * summary.csv, effects first: one row per comparison in its table family (the method's effect
 * against the baseline, verdict, then both cells' statistics), and one row for each cell that is
 * no comparison's method (e.g. sgd), with the comparison columns empty.
 */
export function summaryCsv(agg: Aggregate): string {
  const lines = [
    'experiment,extra,dataset,arch,trainSize,eval,metric,method,baseline,family,n,diverged_pairs,mean_diff,ci95_low,ci95_high,rel_change,wins,' +
    't,p,p_adjusted,p_signflip,p_signflip_adjusted,signflip_exact,verdict,notes,' +
    'mean,sd,ci95_low_mean,ci95_high_mean,seeds_diverged,seeds_collapsed,baseline_mean,authors,diff_vs_authors,' +
    'rel_gain,margin,p_tost,p_tost_adjusted,correction' +
    extraChecks().map((c) => `,p_${c.id},p_${c.id}_adjusted`).join(''),
  ];
  const extra = (x: PairedEffect | null, j: Judgement | null) => extraChecks().flatMap((c) => [csvNumber(x?.checks?.[c.id]?.p), csvNumber(j?.checks[c.id])]);
  for (const e of agg.experiments) {
    const head = (kind: EvalKind) => [e.experimentId, csvText(extraText(e.extra)), e.dataset, e.arch, e.trainSize, kind, e.metric];
    const tail = (cell: MethodCell, baselineMean: number | null) => [
      csvNumber(cell.spread.mean), csvNumber(cell.spread.sd), csvNumber(cell.spread.ciLow), csvNumber(cell.spread.ciHigh),
      cell.diverged.length, cell.collapsed.length, csvNumber(baselineMean),
      csvNumber(cell.authors), csvNumber(cell.authors === null ? null : cell.spread.mean - cell.authors),
    ];
    for (const kind of ['clean', 'noisy'] as const) {
      for (const cell of e.cells.filter((c) => c.eval === kind)) {
        const mine = e.comparisons.filter((c) => c.eval === kind && c.method === cell.method);
        for (const c of mine) {
          const { effect: x, judgement: j } = c;
          lines.push([
            ...head(kind), c.method, c.baseline, csvText(j.family), x.n, x.excluded, csvNumber(x.meanDiff), csvNumber(x.ciLow), csvNumber(x.ciHigh),
            csvNumber(x.relChange), x.wins, csvNumber(x.t), csvNumber(x.p), csvNumber(j.pAdjusted), csvNumber(x.signFlip?.p), csvNumber(j.pSignFlipAdjusted),
            x.signFlip ? String(x.signFlip.exact) : '', j.verdict, csvText(j.notes.join('; ')), ...tail(cell, x.baselineMean),
            csvNumber(x.gain), csvNumber(x.margin), csvNumber(x.pTost), csvNumber(j.pTostAdjusted), j.correction, ...extra(x, j),
          ].join(','));
        }
        if (!mine.length) lines.push([...head(kind), cell.method, ...Array(17).fill(''), ...tail(cell, null), ...Array(5).fill(''), ...extra(null, null)].join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}
