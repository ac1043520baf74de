// Aggregation of a comparison across seeds: for every experiment (grid point), method and
// evaluation (clean after the last turn, noisy), the mean, sd and 95 % CI over seeds, the
// same per turn for the learning curves, and each method against `sgd` paired by seed (same
// initial network and data): mean difference with its CI, a paired test (t below six seeds,
// Wilcoxon signed-rank from six), Holm's correction across the whole grid and a verdict.

import type { ExperimentConfig } from '../config/schema.js';
import type { Plan, RunSpec } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/pool.js';
import { describe, holm, pairedTest, type Spread } from './stats.js';

export const BASELINE = 'sgd';
export const ALPHA = 0.05;

export type Verdict = 'better' | 'worse' | 'no detectable difference' | 'untested';
export type EvalKind = 'clean' | 'noisy';

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

export interface Comparison {
  n: number;
  meanDiff: number;
  diffCiLow: number;
  diffCiHigh: number;
  test: 't' | 'wilcoxon' | '';
  statistic: number;
  p: number;
  pHolm: number;
  verdict: Verdict;
}

export interface MethodCell {
  method: string;
  eval: EvalKind;
  seeds: number[];
  values: number[];
  spread: Spread;
  authors: number | null;
  /** Against sgd; absent for sgd itself or when the grid has no sgd. */
  vsBaseline?: Comparison;
}

export interface ExperimentSummary {
  experimentId: string;
  dataset: string;
  arch: string;
  trainSize: number;
  extra: Record<string, string>;
  label: string;
  metric: 'accuracy' | 'mse';
  turns: number;
  methods: string[];
  seeds: number[];
  cells: MethodCell[];
  /** Clean metric per turn per method, for the learning curves. */
  curves: { method: string; perTurn: Spread[]; authors: number[] | null }[];
}

export interface Aggregate {
  experiments: ExperimentSummary[];
  /** Number of tests in the Holm family. */
  tests: number;
}

/** Larger is better for accuracy, smaller for MSE. */
export function improves(metric: string, diff: number): boolean {
  return metric === 'accuracy' ? diff > 0 : diff < 0;
}

/** The dataset's name in authors-results.json: the authors ran white wine only and say so. */
export function authorsDatasetName(config: ExperimentConfig): string {
  const { name, variant } = config.dataset;
  return name === 'wine-quality' ? `wine-quality-${variant ?? 'white'}` : name;
}

export function aggregate(plan: Plan, records: Map<string, RunRecord>, authors: AuthorsRow[] = []): Aggregate {
  const byExperiment = new Map<string, RunSpec[]>();
  for (const spec of plan.runs) {
    const list = byExperiment.get(spec.experimentId) ?? [];
    list.push(spec);
    byExperiment.set(spec.experimentId, list);
  }
  const authorsOf = (config: ExperimentConfig, arch: string, n: number, method: string) => {
    const dataset = authorsDatasetName(config);
    return authors.find((r) => r.dataset === dataset && r.arch === arch && r.trainSize === n && r.method === method) ?? null;
  };

  const experiments: ExperimentSummary[] = [];
  for (const experimentId of plan.experiments) {
    const specs = [...(byExperiment.get(experimentId) ?? [])].sort((a, b) => a.config.seed - b.config.seed);
    const first = specs[0];
    const recs = specs.map((s) => {
      const r = records.get(s.id);
      if (!r) throw new Error(`no result for run ${s.id}`);
      return r;
    });
    const methods = first.config.methods;
    const seeds = specs.map((s) => s.config.seed);
    const cells: MethodCell[] = [];
    const curves: ExperimentSummary['curves'] = [];
    for (const method of methods) {
      const a = authorsOf(first.config, first.arch, first.trainSize, method);
      for (const kind of ['clean', 'noisy'] as const) {
        const values = recs.map((r) => r.methods[method][kind]);
        cells.push({ method, eval: kind, seeds, values, spread: describe(values), authors: a ? a[kind] : null });
      }
      const perTurn = Array.from({ length: first.config.turns }, (_, t) => describe(recs.map((r) => r.methods[method].perTurn[t])));
      curves.push({ method, perTurn, authors: a ? a.perTurn : null });
    }
    experiments.push({
      experimentId, dataset: first.dataset, arch: first.arch, trainSize: first.trainSize, extra: first.extra, label: first.label,
      metric: recs[0].metric, turns: first.config.turns, methods, seeds, cells, curves,
    });
  }

  // Paired comparisons against the baseline, then Holm across every test of the grid.
  const family: { cell: MethodCell; p: number }[] = [];
  for (const e of experiments) {
    for (const cell of e.cells) {
      if (cell.method === BASELINE) continue;
      const base = e.cells.find((c) => c.method === BASELINE && c.eval === cell.eval);
      if (!base) continue;
      const diffs = cell.values.map((v, i) => v - base.values[i]);
      const d = describe(diffs);
      const finite = diffs.every(Number.isFinite);
      const tested = cell.values.length >= 2 && finite;
      const t = tested ? pairedTest(cell.values, base.values) : null;
      cell.vsBaseline = {
        n: diffs.length, meanDiff: d.mean, diffCiLow: d.ciLow, diffCiHigh: d.ciHigh,
        test: t ? t.test : '', statistic: t ? t.statistic : NaN, p: t ? t.p : NaN, pHolm: NaN, verdict: 'untested',
      };
      if (t) family.push({ cell, p: t.p });
    }
  }
  const adjusted = holm(family.map((f) => f.p));
  family.forEach((f, i) => {
    const c = f.cell.vsBaseline!;
    c.pHolm = adjusted[i];
    const metric = experiments.find((e) => e.cells.includes(f.cell))!.metric;
    c.verdict = c.pHolm < ALPHA ? (improves(metric, c.meanDiff) ? 'better' : 'worse') : 'no detectable difference';
  });
  return { experiments, tests: family.length };
}

/** A number for CSV: shortest round-trip text, empty for NaN or absent. */
export function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '' : String(v);
}

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function extraText(extra: Record<string, string>): string {
  return Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** results.csv: one row per run × method × evaluation × turn (the noisy one after the last turn). */
export function resultsCsv(plan: Plan, records: Map<string, RunRecord>): string {
  const lines = ['experiment,extra,dataset,arch,trainSize,method,seed,eval,turn,metric,value'];
  const order = new Map(plan.experiments.map((e, i) => [e, i]));
  const specs = [...plan.runs].sort((a, b) => order.get(a.experimentId)! - order.get(b.experimentId)! || a.config.seed - b.config.seed);
  for (const s of specs) {
    const r = records.get(s.id)!;
    const head = [s.experimentId, csvText(extraText(s.extra)), s.dataset, s.arch, s.trainSize];
    for (const m of s.config.methods) {
      const x = r.methods[m];
      x.perTurn.forEach((v, t) => lines.push([...head, m, s.config.seed, 'clean', t + 1, r.metric, csvNumber(v)].join(',')));
      lines.push([...head, m, s.config.seed, 'noisy', x.perTurn.length, r.metric, csvNumber(x.noisy)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** summary.csv: one row per experiment × method × evaluation with the statistics. */
export function summaryCsv(agg: Aggregate): string {
  const lines = [
    'experiment,extra,dataset,arch,trainSize,method,eval,metric,seeds,mean,sd,ci95_low,ci95_high,authors,diff_vs_authors,' +
    'diff_vs_sgd,diff_ci95_low,diff_ci95_high,test,statistic,p,p_holm,verdict',
  ];
  for (const e of agg.experiments) {
    for (const c of e.cells) {
      const v = c.vsBaseline;
      lines.push([
        e.experimentId, csvText(extraText(e.extra)), e.dataset, e.arch, e.trainSize, c.method, c.eval, e.metric, c.spread.n,
        csvNumber(c.spread.mean), csvNumber(c.spread.sd), csvNumber(c.spread.ciLow), csvNumber(c.spread.ciHigh),
        csvNumber(c.authors), csvNumber(c.authors === null ? null : c.spread.mean - c.authors),
        csvNumber(v?.meanDiff), csvNumber(v?.diffCiLow), csvNumber(v?.diffCiHigh), v?.test ?? '',
        csvNumber(v?.statistic), csvNumber(v?.p), csvNumber(v?.pHolm), v ? v.verdict : '',
      ].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
