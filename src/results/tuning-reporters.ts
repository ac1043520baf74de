// The reporters of `dwgd tune`'s two stages (docs/METHOD.md, "Tuning with an equal budget"):
//   tune   the tuning runs → selection.json (what the final stage trains), TUNING.md, and one
//          sensitivity figure per training point (validation metric against learning rate);
//   fair   the final runs (fresh seeds) → REPORT.md and comparisons.csv: each dual-weight method
//          against each other method at the same budget (the one-shot defaults; the tuned
//          settings), paired by seed, judged in families of dataset × budget × evaluation: the
//          clean test, the paper's noisy test, and, when the study's evaluate: scores the
//          corruption suite, the mean corruption error (the robustness reporter adds
//          ROBUSTNESS.md for those runs).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDualEntry, type MethodEntry } from '../config/methods.js';
import { expandTrials, parseTune } from '../experiment/tuning.js';
import type { Study } from '../experiment/plan.js';
import { aggregate, csvNumber, csvText, marginSpec, type Aggregate, type Comparison, type EvalKind, type ExperimentSummary } from './aggregate.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { compareInputs } from './compare-report.js';
import { fmt, markdownTable, pText } from './format.js';
import { reportHtml } from './html.js';
import { plotSvg, svgToPng } from './plots.js';
import type { Reporter } from './reporters.js';
import { DEFAULT_STATS, judgeFamily, pairedEffect, type StatsOptions } from './verdicts.js';
import { corruptionPoints, meanCorruptionError } from './robustness.js';
import { isNoisyTest } from './protocol.js';
import { describe } from './stats.js';
import type { RunView } from './table.js';
import { selectionJson, sensitivityPlot, tunedCells, tuningMarkdown, type TunedCell } from './tuning-report.js';
import { floorCells, floorsJson, readFloorsJson, studyFloors, FLOOR_TEST_MAX, FLOORS_FILE, type FloorCell } from './floors-report.js';
import type { Spread } from './stats.js';

export const SELECTION_FILE = 'selection.json';

/** The tune section a study's sources carry (every source of a tuning study carries the same one). */
export function tuneOf(study: Study): ReturnType<typeof parseTune> {
  const raw = study.sources.find((s) => s.tune !== undefined)?.tune;
  if (raw === undefined) throw new Error(`study ${study.name}: no tune section in its sources`);
  return parseTune(raw, `study ${study.name}`);
}

/** A file name from a cell label: letters, digits and '-' only. */
function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export const tuneReporter: Reporter = {
  id: 'tune',
  presets: ['tune'],
  async write({ dir, study, views }) {
    const tune = tuneOf(study);
    const cells: TunedCell[] = tunedCells(views, expandTrials(tune));
    writeFileAtomic(join(dir, SELECTION_FILE), selectionJson(cells));
    const figures = new Map<string, string>();
    const pngs = new Map<string, Uint8Array>();
    for (const c of cells) {
      const input = sensitivityPlot(c);
      if (!input) continue;
      const svg = await plotSvg(input);
      figures.set(`sensitivity/${slug(c.label)}.svg`, svg);
      pngs.set(slug(c.label), svgToPng(svg));
    }
    writeDirAtomic(join(dir, 'sensitivity'), (tmp) => {
      for (const [name, png] of pngs) {
        writeFileSync(join(tmp, `${name}.svg`), figures.get(`sensitivity/${name}.svg`)!);
        writeFileSync(join(tmp, `${name}.png`), png);
      }
    });
    const md = tuningMarkdown(study.name, cells, tune.trials) +
      (cells.length ? `\nSensitivity figures (validation metric against learning rate): ${cells.map((c) => `[${c.label}](sensitivity/${slug(c.label)}.png)`).join(', ')}.\n` : '');
    writeFileAtomic(join(dir, 'TUNING.md'), md);
    writeFileAtomic(join(dir, 'index.html'), reportHtml(md, `dwgd tune ${study.name}`, figures));
    return { files: [SELECTION_FILE, 'TUNING.md', 'index.html', 'sensitivity/'], result: cells };
  },
};

export const BUDGETS = ['default', 'tuned'] as const;
export type Budget = (typeof BUDGETS)[number];

/** A final-stage method id's method and budget: `<method>-default` or `<method>-tuned`. */
export function budgetOf(id: string): { method: string; budget: Budget } | null {
  for (const b of BUDGETS) if (id.endsWith(`-${b}`)) return { method: id.slice(0, -(b.length + 1)), budget: b };
  return null;
}

/**
 * The comparisons of one budget: every dual-weight method against every method that is not,
 * both at that budget (method − other), in the order the methods are listed.
 */
export function budgetPairs(entries: readonly MethodEntry[], budget: Budget): (methods: readonly string[]) => [string, string][] {
  const dual = new Set(entries.filter((e) => typeof e !== 'string' && isDualEntry(e)).map((e) => (e as { name: string }).name));
  return (methods) => {
    const at = methods.filter((m) => budgetOf(m)?.budget === budget);
    const pairs: [string, string][] = [];
    for (const d of at.filter((m) => dual.has(m))) for (const o of at.filter((m) => !dual.has(m))) pairs.push([d, o]);
    return pairs;
  };
}

/** What a final-stage comparison is judged on: the clean test, the noisy test, or the mean corruption error. */
export type FairEval = EvalKind | 'corruptions';

/** A comparison of the final stage (a corruption one is on the mean corruption error: lower is better). */
export type FairComparison = Omit<Comparison, 'eval'> & { eval: FairEval };

/** One method's mean corruption error in one experiment: per seed, the mean over the corruption points of its error. */
export interface CorruptionCell {
  method: string;
  /** Per seed (the experiment's seeds, in order): mean over corruptions × severities of 1 − accuracy (or of the MSE). */
  values: number[];
  /** Per seed: the method trained without diverging and every corrupted score is finite. */
  ok: boolean[];
  /** Over the seeds that are ok. */
  spread: Spread;
}

/** The corruption comparisons of one budget: the same pairs as the clean and noisy tests, on the mean corruption error (lower is better). */
export interface CorruptionFamilyResult {
  /** Per experiment: the number of corruption points (corruptions × severities) each seed's mean is over. */
  points: Map<string, number>;
  cells: Map<string, CorruptionCell[]>;
  comparisons: Record<Budget, FairComparison[]>;
}

export interface FairResult {
  budgets: Record<Budget, Aggregate>;
  /** Per experiment: the floors fitted on its runs' training lists (shown, not tested against). */
  floors?: Map<string, FloorCell[]>;
  /** Whether the runs hold the paper's noisy test (the config's σ, every other axis at its identity); when not, no noisy comparisons. */
  noisy: boolean;
  /** The mean corruption error's comparisons, when the runs were scored on corruptions. */
  corruptions: CorruptionFamilyResult | null;
}

/** Whether every run holds the paper's noisy test: an evaluation point at its config's σ with every other axis at its identity. */
export function hasNoisyTest(views: readonly RunView[]): boolean {
  return views.every((v) => v.record.points.some((p) => isNoisyTest(p, v.config.noise.sigma)));
}

/**
 * The mean corruption error family: per experiment and method, each seed's mean error over the
 * corruption points (corruptions × severities, every other axis at its identity); then each
 * budget's pairs (each dual-weight method − each other method, paired by seed, lower is better),
 * judged in one family per dataset × budget, corrected as the clean and noisy families are.
 * Null when no run was scored on a corruption.
 */
export function corruptionFamilies(experiments: readonly ExperimentSummary[], viewsOf: (experimentId: string) => RunView[], entries: readonly MethodEntry[], stats: StatsOptions = DEFAULT_STATS): CorruptionFamilyResult | null {
  const points = new Map<string, number>();
  const cells = new Map<string, CorruptionCell[]>();
  for (const e of experiments) {
    const runs = [...viewsOf(e.experimentId)].sort((a, b) => a.seed - b.seed);
    const at = runs.length ? corruptionPoints(runs[0].record.points) : [];
    if (!at.length) continue;
    points.set(e.experimentId, at.length);
    cells.set(e.experimentId, e.methods.map((m) => {
      const clean = e.cells.find((c) => c.method === m && c.eval === 'clean')!;
      const values = runs.map((r) => meanCorruptionError(e.metric, r.record.methods[m], at));
      const ok = values.map((v, i) => clean.ok[i] && Number.isFinite(v));
      return { method: m, values, ok, spread: describe(values.filter((_, i) => ok[i])) };
    }));
  }
  if (!cells.size) return null;
  const comparisons = Object.fromEntries(BUDGETS.map((b) => {
    const pairsOf = budgetPairs(entries, b);
    const families = new Map<string, { e: ExperimentSummary; method: string; baseline: string; effect: ReturnType<typeof pairedEffect> }[]>();
    for (const e of experiments) {
      const list = cells.get(e.experimentId);
      if (!list) continue;
      const name = `${e.dataset} ${b} corruptions`;
      for (const [method, baseline] of pairsOf(e.methods)) {
        const x = list.find((c) => c.method === method)!;
        const y = list.find((c) => c.method === baseline)!;
        // An error: lower is better, whichever the test metric (so the gain is the error's fall).
        const effect = pairedEffect(x.values, y.values, x.ok.map((ok, i) => ok && y.ok[i]), false, true, marginSpec(e.config, e.metric));
        families.set(name, [...(families.get(name) ?? []), { e, method, baseline, effect }]);
      }
    }
    const out: FairComparison[] = [];
    for (const [name, members] of families) {
      const judged = judgeFamily(name, members.map((m) => m.effect), stats);
      members.forEach((m, i) => out.push({ experimentId: m.e.experimentId, eval: 'corruptions', method: m.method, baseline: m.baseline, effect: m.effect, judgement: judged[i] }));
    }
    // Experiment by experiment, as the clean and noisy comparisons are listed.
    const order = new Map(experiments.map((e, i) => [e.experimentId, i]));
    out.sort((a, b2) => order.get(a.experimentId)! - order.get(b2.experimentId)!);
    return [b, out];
  })) as Record<Budget, FairComparison[]>;
  return { points, cells, comparisons };
}

/** Each budget's aggregate: the same experiments, that budget's pairs, families tagged with the budget. */
export function fairAggregates(study: Study, views: Parameters<typeof compareInputs>[1], stats?: StatsOptions): FairResult {
  const inputs = compareInputs(study, views);
  const entries = study.runs[0]?.config.methods ?? [];
  const budgets = Object.fromEntries(BUDGETS.map((b) => [b, aggregate(inputs, [], { pairs: budgetPairs(entries, b), familyTag: b, stats })])) as Record<Budget, Aggregate>;
  // Without the paper's noisy test among the points (a study whose evaluate: lists other axes
  // only), the aggregate's "noisy" numbers are another point's: they are dropped, not reported.
  const noisy = hasNoisyTest(views);
  if (!noisy) {
    for (const agg of Object.values(budgets)) {
      agg.comparisons = agg.comparisons.filter((c) => c.eval !== 'noisy');
      agg.families = agg.families.filter((f) => !f.name.endsWith(' noisy'));
      for (const e of agg.experiments) {
        e.cells = e.cells.filter((c) => c.eval !== 'noisy');
        e.comparisons = e.comparisons.filter((c) => c.eval !== 'noisy');
      }
    }
  }
  const experimentOf = new Map(study.runs.map((s) => [s.id, s.experimentId]));
  const corruptions = corruptionFamilies(budgets.default.experiments, (id) => views.filter((v) => experimentOf.get(v.run) === id), entries, stats);
  return { budgets, noisy, corruptions };
}

function verdictCounts(list: readonly FairComparison[]): string {
  const counts = new Map<string, number>();
  for (const c of list) counts.set(c.judgement.verdict, (counts.get(c.judgement.verdict) ?? 0) + 1);
  return [...counts.entries()].map(([v, n]) => `${n} ${v}`).join(', ') || 'none';
}

/** The lines of one evaluation's comparisons at one budget: each dual-weight method's tally, then the table. */
function comparisonLines(list: readonly FairComparison[], agg: Aggregate, asError: boolean): string[] {
  const out: string[] = [];
  const duals = [...new Set(list.map((c) => c.method))];
  for (const d of duals) {
    const mine = list.filter((c) => c.method === d);
    const cells = [...new Set(mine.map((c) => c.experimentId))];
    const beatsAll = cells.filter((e) => mine.filter((c) => c.experimentId === e).every((c) => c.judgement.verdict === 'better')).length;
    const losesAny = cells.filter((e) => mine.some((c) => c.experimentId === e && c.judgement.verdict === 'worse')).length;
    out.push(`- **${d}**: ${verdictCounts(mine)} over ${mine.length} comparisons; better than every other method in ${beatsAll} of ${cells.length} cells, worse than at least one in ${losesAny}.`);
  }
  out.push('');
  const label = new Map(agg.experiments.map((e) => [e.experimentId, e]));
  const rows = list.map((c) => {
    const e = label.get(c.experimentId)!;
    const x = c.effect;
    // An error difference is shown as an accuracy difference is (points), or in the MSE's units.
    return [e.label, c.method, c.baseline, fmt(e.metric, x.meanDiff, true), `[${fmt(e.metric, x.ciLow, true)}, ${fmt(e.metric, x.ciHigh, true)}]`, pText(c.judgement.pAdjusted), c.judgement.verdict];
  });
  out.push(markdownTable(['cell', 'method', 'against', asError ? 'mean Δ error' : 'mean Δ', '95 % CI', 'adjusted p', 'verdict'], rows, [false, false, false, true, true, true, false]), '');
  return out;
}

/** REPORT.md of the final stage. */
export function fairMarkdown(study: Study, r: FairResult): string {
  const out = [`# Fair comparison: ${study.name}`, '',
    'Each method was tuned with the same number of trials and training steps, on a validation split the',
    'test set never touches (the tuning stage: `../tuning/TUNING.md`, or the folder `--tuning` named); here every method\'s one-shot default',
    '(`-default`) and its chosen setting (`-tuned`) are retrained on fresh seeds that tuning never used, and',
    'tested on the test set. Each dual-weight method is compared with every other method at the same budget,',
    'paired by seed; verdicts as in docs/METHOD.md §10, corrected within each family (dataset × budget ×',
    `evaluation, ${r.budgets.default.stats.correction.toUpperCase()}).`, ''];
  if (!r.noisy) {
    out.push('**No noisy test.** The runs hold no point at the config\'s σ with nothing else changed: the study\'s `evaluate:`',
      'lists other axes, a run\'s evaluation points are the product of those axes, and the paper\'s noisy test is then',
      'not among them. There are no noisy-test comparisons.', '');
  }
  if (r.corruptions) {
    const counts = [...new Set(r.corruptions.points.values())].join(' or ');
    out.push(`Under corruptions: each run's **mean corruption error**, the mean over its ${counts} corruption points`,
      '(corruptions × severities, each scored on the seeded test subsample of `corrupted.subsample`) of 1 − accuracy (regression: of the MSE),',
      'compared as above, lower is better (a negative Δ favours the dual-weight method). CE, mCE, relative mCE and',
      'effective robustness of every method: [ROBUSTNESS.md](ROBUSTNESS.md).', '');
  }
  for (const b of BUDGETS) {
    const agg = r.budgets[b];
    out.push(`## Budget: ${b === 'default' ? 'one-shot defaults' : 'tuned'}`, '');
    for (const kind of ['clean', 'noisy'] as const) {
      const list = agg.comparisons.filter((c) => c.eval === kind);
      if (!list.length) continue;
      out.push(`### ${kind === 'clean' ? 'Clean test' : 'Noisy test'}`, '', ...comparisonLines(list, agg, false));
    }
    const corrupted = r.corruptions?.comparisons[b] ?? [];
    if (corrupted.length) out.push('### Under corruptions (mean corruption error)', '', ...comparisonLines(corrupted, agg, true));
  }
  return out.join('\n') + '\n';
}

const spreadText = (metric: 'accuracy' | 'mse', s: Spread | null) =>
  !s ? '—' : `${fmt(metric, s.mean)} [${Number.isFinite(s.ciLow) ? fmt(metric, s.ciLow) : '—'}, ${Number.isFinite(s.ciHigh) ? fmt(metric, s.ciHigh) : '—'}]`;

/**
 * The section of REPORT.md with every method's mean and the floors beside them, per cell: mean
 * and 95 % interval over the seeds, clean and noisy (seeds whose run diverged left out of a method's).
 */
export function methodsAndFloorsMarkdown(r: FairResult): string[] {
  const agg = r.budgets.default;
  const out = ['## Methods and floors', '',
    'Every method\'s mean over the seeds (95 % interval), and beside them the floors that need no network, fitted',
    'on each run\'s own training list and scored on its test set (docs/METHOD.md, "Floors that need no network"):',
    'constant prediction, nearest centroid, ridge (λ by leave-one-out), kNN (k by leave-one-out). The floors',
    `are shown, not tested against. A test set above ${FLOOR_TEST_MAX.toLocaleString('en')} inputs is scored for the floors on that many, spread evenly over it.`, ''];
  for (const e of agg.experiments) {
    const floors = r.floors?.get(e.experimentId) ?? [];
    // The mean corruption error, when the runs were scored on corruptions (no floor has one: they are scored clean and noisy only).
    const corrupted = r.corruptions?.cells.get(e.experimentId);
    const rows = e.cells.filter((c) => c.eval === 'clean').map((c) => {
      const noisy = e.cells.find((n) => n.eval === 'noisy' && n.method === c.method);
      const error = corrupted?.find((x) => x.method === c.method);
      return [c.method, 'method', spreadText(e.metric, c.spread), spreadText(e.metric, noisy?.spread ?? null), ...(corrupted ? [spreadText(e.metric, error?.spread ?? null)] : []), ''];
    });
    for (const f of floors) rows.push([`floor: ${f.id}`, 'floor', spreadText(e.metric, f.clean), spreadText(e.metric, f.noisy), ...(corrupted ? ['—'] : []), f.scored < f.testSize ? `${f.scored} of ${f.testSize} test inputs` : '']);
    const head = ['', 'kind', 'clean', 'noisy', ...(corrupted ? ['mean corruption error'] : []), 'note'];
    out.push(`### ${e.label}`, '', markdownTable(head, rows, head.map((_, i) => i >= 2 && i < head.length - 1)), '');
  }
  return out;
}

/** summary.csv: per cell and evaluation, every method and every floor: mean and 95 % interval over the seeds. */
export function fairSummaryCsv(r: FairResult): string {
  const lines = ['experiment,cell,eval,kind,name,metric,n,mean,sd,ci95_low,ci95_high,test_scored,test_size'];
  for (const e of r.budgets.default.experiments) {
    for (const kind of ['clean', 'noisy'] as const) {
      for (const c of e.cells.filter((x) => x.eval === kind)) {
        const s = c.spread;
        lines.push([e.experimentId, csvText(e.label), kind, 'method', c.method, e.metric, s.n, csvNumber(s.mean), csvNumber(s.sd), csvNumber(s.ciLow), csvNumber(s.ciHigh), '', ''].join(','));
      }
      for (const f of r.floors?.get(e.experimentId) ?? []) {
        const s = kind === 'clean' ? f.clean : f.noisy;
        if (!s) continue;
        lines.push([e.experimentId, csvText(e.label), kind, 'floor', f.id, e.metric, s.n, csvNumber(s.mean), csvNumber(s.sd), csvNumber(s.ciLow), csvNumber(s.ciHigh), f.scored, f.testSize].join(','));
      }
    }
    // The mean corruption error of each method (metric corruption_error: 1 − accuracy, or the MSE, averaged over the corruption points).
    for (const c of r.corruptions?.cells.get(e.experimentId) ?? []) {
      const s = c.spread;
      lines.push([e.experimentId, csvText(e.label), 'corruptions', 'method', c.method, CORRUPTION_ERROR, s.n, csvNumber(s.mean), csvNumber(s.sd), csvNumber(s.ciLow), csvNumber(s.ciHigh), '', ''].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** The metric column of the mean corruption error's rows in summary.csv and comparisons.csv. */
export const CORRUPTION_ERROR = 'corruption_error';

/** comparisons.csv: one row per comparison, both budgets (eval clean, noisy, corruptions). */
export function fairCsv(r: FairResult): string {
  const lines = ['budget,experiment,cell,eval,method,baseline,metric,n,mean_diff,ci_low,ci_high,gain,p,p_adjusted,p_tost_adjusted,verdict'];
  for (const b of BUDGETS) {
    const agg = r.budgets[b];
    const exp = new Map(agg.experiments.map((e) => [e.experimentId, e]));
    for (const c of agg.comparisons) {
      const e = exp.get(c.experimentId)!;
      const x = c.effect;
      lines.push([b, c.experimentId, csvText(e.label), c.eval, c.method, c.baseline, e.metric, x.n, csvNumber(x.meanDiff), csvNumber(x.ciLow), csvNumber(x.ciHigh),
        csvNumber(x.gain), csvNumber(x.p), csvNumber(c.judgement.pAdjusted), csvNumber(c.judgement.pTostAdjusted), c.judgement.verdict].join(','));
    }
    for (const c of r.corruptions?.comparisons[b] ?? []) {
      const e = exp.get(c.experimentId)!;
      const x = c.effect;
      lines.push([b, c.experimentId, csvText(e.label), c.eval, c.method, c.baseline, CORRUPTION_ERROR, x.n, csvNumber(x.meanDiff), csvNumber(x.ciLow), csvNumber(x.ciHigh),
        csvNumber(x.gain), csvNumber(x.p), csvNumber(c.judgement.pAdjusted), csvNumber(c.judgement.pTostAdjusted), c.judgement.verdict].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export const fairReporter: Reporter = {
  id: 'fair',
  presets: ['fair'],
  async write({ dir, study, views, options }) {
    const r = fairAggregates(study, views, options.stats);
    // The floors of every run, gathered per experiment (the same experiments the aggregate has).
    // The floors are scored clean and at the paper's noisy test only (not at the study's other
    // evaluation points: the report shows no floor there, and kNN at 75 corrupted points is costly).
    const floorViews = views.map((v) => ({ ...v, record: { ...v.record, points: v.record.points.filter((p) => isNoisyTest(p, v.config.noise.sigma)).slice(0, 1) } }));
    const floorsFile = join(dir, FLOORS_FILE);
    // A kept run's floors serve when they were scored at the same points (one, or none).
    const kept = readFloorsJson(existsSync(floorsFile) ? readFileSync(floorsFile, 'utf8') : null);
    for (const v of floorViews) if (kept.get(v.run)?.floors.some((f) => f.at.length !== v.record.points.length)) kept.delete(v.run);
    const perRun = await studyFloors(floorViews, options.loaderUrl, FLOOR_TEST_MAX, kept);
    writeFileAtomic(floorsFile, floorsJson(perRun));
    const experimentOf = new Map(study.runs.map((s) => [s.id, s.experimentId]));
    const byExperiment = new Map<string, typeof views>();
    for (const v of floorViews) byExperiment.set(experimentOf.get(v.run)!, [...(byExperiment.get(experimentOf.get(v.run)!) ?? []), v]);
    r.floors = new Map([...byExperiment].map(([e, list]) => [e, floorCells(list.map((v) => perRun.get(v.run)!), list[0].record.points)]));
    const md = fairMarkdown(study, r) + '\n' + methodsAndFloorsMarkdown(r).join('\n') + '\n';
    writeFileAtomic(join(dir, 'comparisons.csv'), fairCsv(r));
    writeFileAtomic(join(dir, 'summary.csv'), fairSummaryCsv(r));
    writeFileAtomic(join(dir, 'REPORT.md'), md);
    writeFileAtomic(join(dir, 'index.html'), reportHtml(md, `dwgd tune ${study.name}: final`, new Map()));
    return { files: ['REPORT.md', 'comparisons.csv', 'summary.csv', FLOORS_FILE, 'index.html'], result: r };
  },
};
