// Aggregation and REPORT.md of a sweep. Each sweep point (a training point of the grid, times
// a value of the evaluation-only axis if there is one) becomes one "experiment" of the compare
// machinery (aggregate.ts): mean, sd and 95 % CI over seeds, the paired comparisons with their
// effects and verdicts, judged in one family per dataset × evaluation (verdicts.ts). Balanced
// accuracy is aggregated the same way in families of its own. Plots: the chosen metrics against
// the last swept axis, one plot per combination of the other swept axes. Nothing depends on the
// clock: same runs, same bytes.

import { sweptAxes, type MetricKind, type Study } from '../experiment/plan.js';
import { canonicalJson } from '../config/load.js';
import { evalAxis } from '../data/eval-axes/index.js';
import { aggregate, BASELINE, csvNumber, DUAL, noisyPoint, pairAt, summaryCsv, type Aggregate, type Comparison, type ExperimentInput, type ExperimentSummary, type MethodCell, type PairRecord } from './aggregate.js';
import type { RunView } from './table.js';
import { conclusionLines } from './conclusions.js';
import { VERDICTS, verdictText, type ComparisonVerdict, type StatsOptions } from './verdicts.js';
import { judgedText } from './report.js';
import { fmt, markdownTable, pct, pText } from './format.js';
import { bandKind, bandOf, bandText, metricUnit, type MseScale, type PlotInput } from './plots.js';
import { describe } from './stats.js';
import { methodIds } from '../config/methods.js';

/** Axis titles with units. */
export const KEY_TITLES: Record<string, string> = {
  trainSize: 'training-set size n (samples drawn with replacement)',
  'noise.sigma': 'test input noise σ (input units: pixel/255 for images, z-score for tables)',
  'labelNoise.fraction': 'training labels corrupted (fraction of the training list)',
  'labelNoise.sigma': 'target noise σ on corrupted targets (target units)',
  'imbalance.ratio': 'minority/majority class frequency ratio (1 = balanced)',
  lr: 'learning rate η',
  stepsPerTurn: 'steps per turn',
};

/** Short names in words, for plot titles and section headings (the axis titles add the units). */
const KEY_NAMES: Record<string, string> = {
  trainSize: 'training-set size n',
  'labelNoise.fraction': 'fraction of training labels corrupted',
  'labelNoise.sigma': 'training-target noise σ',
  'imbalance.ratio': 'imbalance ratio',
  lr: 'learning rate η',
  stepsPerTurn: 'steps per turn',
};

/** A swept key in words: the registry's name for an evaluation axis (e.g. "test input noise σ"). */
export function keyName(key: string): string {
  return KEY_NAMES[key] ?? evalAxis(key)?.title ?? key;
}

/** The fixed values of the other swept axes, in words: "learning rate η = 0.01, …". */
function facetWords(facet: Record<string, unknown>): string {
  return Object.entries(facet).map(([k, v]) => `${keyName(k)} = ${show(v)}`).join(', ');
}

function axisTitle(key: string, classification: boolean): string {
  if (key === 'noise.sigma') return `test input noise σ (${classification ? 'pixel/255 units, clamped to [0, 1]' : 'z-score units of each input'})`;
  if (key === 'imbalance.ratio' && !classification) return 'rarest/commonest target-bin frequency ratio (1 = balanced)';
  return KEY_TITLES[key] ?? evalAxis(key)?.title ?? key;
}

export interface SweepPoint {
  experimentId: string;
  /** Swept key → value (numbers where the value is a number). */
  values: Record<string, unknown>;
}

export interface SweepData {
  study: Study;
  /** The swept axes (training first, then evaluation). */
  axes: ReturnType<typeof sweptAxes>;
  /** Whether an evaluation axis is swept (then every training point is seen at each evaluation point). */
  evalSwept: boolean;
  /** One experiment per sweep point, its runs one per seed (read from the tidy table). */
  inputs: ExperimentInput[];
  points: Map<string, SweepPoint>;
  main: Aggregate;
  balanced: Aggregate | null;
  classification: boolean;
}

function valueAt(config: unknown, key: string): unknown {
  let node = config;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

/**
 * The sweep points of a study and their aggregates. A point is a training point or, when an
 * evaluation axis is swept, a training point at one evaluation point ("<experiment>@<point>",
 * an experiment id of the report, never a run id); its runs are the training point's runs,
 * seen at that evaluation point against their clean numbers.
 */
export function sweepData(study: Study, views: RunView[], stats?: StatsOptions): SweepData {
  const axes = sweptAxes(study);
  const training = axes.filter((a) => !a.evaluation);
  const evaluation = axes.filter((a) => a.evaluation);
  const evalSwept = evaluation.length > 0;
  const inputs: ExperimentInput[] = [];
  const balancedInputs: ExperimentInput[] = [];
  const points = new Map<string, SweepPoint>();
  const byExperiment = new Map<string, RunView[]>();
  for (const v of views) byExperiment.set(v.experiment, [...(byExperiment.get(v.experiment) ?? []), v]);
  const specOf = new Map(study.runs.map((r) => [r.id, r]));
  let classification = false;
  // Classes (classification) or target bins (regression under imbalance) scored one by one.
  let grouped = false;
  const sameCleanAs = new Map<string, string>();
  for (const eid of study.experiments) {
    const runs = [...(byExperiment.get(eid) ?? [])].sort((a, b) => a.seed - b.seed);
    if (runs.length === 0) throw new Error(`no runs of experiment ${eid} in the table`);
    const spec = specOf.get(runs[0].run)!;
    const pointsOfRun = evalSwept ? runs[0].record.points.map((p, k) => ({ p, k })) : [{ p: runs[0].record.points[noisyPoint(runs[0])], k: noisyPoint(runs[0]) }];
    let firstVid: string | null = null;
    for (const { p, k } of pointsOfRun) {
      const vid = evalSwept ? `${eid}@${evaluation.map((a) => `${a.key}=${p[a.key]}`).join(',')}` : eid;
      const values: Record<string, unknown> = {};
      for (const a of training) values[a.key] = valueAt(runs[0].config, a.key);
      const extra = { ...spec.extra };
      for (const a of evaluation) { values[a.key] = p[a.key]; extra[a.key] = String(p[a.key]); }
      points.set(vid, { experimentId: vid, values });
      const label = evalSwept ? `${spec.label} ${evaluation.map((a) => `${a.key}=${p[a.key]}`).join(' ')}` : spec.label;
      const pairs = runs.map((v) => ({ seed: v.seed, record: pairAt(v, k) }));
      if (pairs[0].record.metric === 'accuracy') classification = true;
      const input: ExperimentInput = { experimentId: vid, dataset: spec.dataset, arch: spec.arch, trainSize: spec.trainSize, extra, label, config: runs[0].config, runs: pairs };
      inputs.push(input);
      if (pairs.some((x) => Object.values(x.record.methods).some((m) => m.balanced))) {
        grouped = true;
        balancedInputs.push({ ...input, runs: pairs.map((x) => ({ seed: x.seed, record: balancedView(x.record) })) });
      }
      // Along an evaluation axis the clean numbers are those of the first evaluation point.
      if (firstVid === null) firstVid = vid;
      else sameCleanAs.set(vid, firstVid);
    }
  }
  const main = aggregate(inputs, [], { sameCleanAs, stats });
  const balanced = grouped ? aggregate(balancedInputs, [], { familyTag: 'balanced', sameCleanAs, stats }) : null;
  return { study, axes, evalSwept, inputs, points, main, balanced, classification };
}

/**
 * A run's balanced numbers in the places of its overall ones. Balanced scores exist after the
 * last turn only; perTurn keeps the run's own numbers, so a seed is left out as diverged exactly
 * when it is in the main view (NaN there would mark every seed diverged). No curve is drawn
 * from the balanced aggregate.
 */
function balancedView(r: PairRecord): PairRecord {
  return {
    ...r, methods: Object.fromEntries(Object.entries(r.methods).map(([m, x]) => [m, { ...x, clean: x.balanced?.clean ?? NaN, noisy: x.balanced?.noisy ?? NaN }])),
  };
}

const KIND_TITLE: Record<MetricKind, string> = {
  clean: 'test', noisy: 'noisy test', balanced: 'balanced test', 'balanced-noisy': 'balanced noisy test',
};

function aggOf(d: SweepData, kind: MetricKind): Aggregate | null {
  return kind.startsWith('balanced') ? d.balanced : d.main;
}

function evalOf(kind: MetricKind): 'clean' | 'noisy' {
  return kind === 'noisy' || kind === 'balanced-noisy' ? 'noisy' : 'clean';
}

export function metricTitle(d: SweepData, kind: MetricKind, mseScale: MseScale = 1): string {
  const metric = metricUnit(d.classification ? 'accuracy' : 'mse', mseScale).label;
  // A sweep of evaluation axes other than the noise (corruptions, attacks, zeroed features) is
  // seen at its points, which are not the noisy test: say so rather than call them that.
  if (evalOf(kind) === 'noisy' && d.evalSwept && d.axes.some((a) => a.evaluation && a.key !== 'noise.sigma')) {
    return `${kind === 'balanced-noisy' ? 'balanced ' : ''}${metric} at the evaluation points`;
  }
  const sigma = evalOf(kind) === 'noisy' && !d.evalSwept ? ` at σ = ${[...new Set(d.study.runs.map((r) => r.config.noise.sigma))].join('/')}` : '';
  return `${KIND_TITLE[kind]} ${metric}${sigma}`;
}

/** Metrics to plot: the sweep's, without balanced ones when nothing was scored per class or bin. */
export function plotKinds(d: SweepData): MetricKind[] {
  return d.study.metrics.filter((k) => d.balanced !== null || !k.startsWith('balanced'));
}

export interface PlotGroup {
  slug: string;
  kind: MetricKind;
  /** The fixed values of the other swept axes. */
  facet: Record<string, unknown>;
  experiments: ExperimentSummary[];
  input: PlotInput;
}

/** A file-name part of letters, digits, '-' and '_' only: a decimal point becomes 'p' (0.01 → 0p01), a key's dot '_'. */
export function slugText(s: string): string {
  return s.replace(/(\d)\.(\d)/g, '$1p$2').replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * A plot's file name (no extension): metric, x axis and the fixed values of the other axes, in
 * letters, digits, '-' and '_' only ("noisy-vs-noise_sigma-lr-0p01"). Distinct values could meet
 * in one slug (0.1 and "0p1"); a counter then keeps each plot its own file.
 */
export function plotSlug(kind: MetricKind, xKey: string, facet: Record<string, unknown>, taken: readonly string[]): string {
  const base = slugText([kind, 'vs', xKey, ...Object.entries(facet).map(([k, v]) => `${k}-${show(v)}`)].join('-'));
  let slug = base;
  for (let k = 2; taken.includes(slug); k++) slug = `${base}_${k}`;
  return slug;
}

export interface PlotOptions {
  /** Log-scaled y axis (default off). */
  logY?: boolean;
  /** MSE in target units (1, default) or ×10⁴ as the paper prints it. */
  mseScale?: MseScale;
}

/** One plot per metric × combination of the swept axes other than the x axis. */
export function plotGroups(d: SweepData, opts: PlotOptions = {}): PlotGroup[] {
  const axes = d.axes;
  if (axes.length === 0) return [];
  // The x axis: the last swept axis with numbers (a named axis such as corruption makes facets).
  const xIndex = axes.map((a) => a.values.every((v) => typeof v === 'number')).lastIndexOf(true);
  if (xIndex < 0) return [];
  const xAxis = axes[xIndex];
  const others = axes.filter((_, i) => i !== xIndex).map((a) => a.key);
  const groups: PlotGroup[] = [];
  for (const kind of plotKinds(d)) {
    const agg = aggOf(d, kind)!;
    const facets = new Map<string, ExperimentSummary[]>();
    for (const e of agg.experiments) {
      const vals = d.points.get(e.experimentId)!.values;
      const key = canonicalJson(others.map((k) => vals[k]));
      facets.set(key, [...(facets.get(key) ?? []), e]);
    }
    for (const es of facets.values()) {
      const vals = d.points.get(es[0].experimentId)!.values;
      const facet = Object.fromEntries(others.map((k) => [k, vals[k]]));
      const unit = metricUnit(es[0].metric, opts.mseScale);
      const scale = unit.factor;
      const band = bandKind(d.study.seeds);
      const methods = [...new Set(es.flatMap((e) => e.methods))];
      const xs = es.map((e) => Number(d.points.get(e.experimentId)!.values[xAxis.key]));
      const log = xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) >= 20;
      const points = es.flatMap((e, i) => e.cells.filter((c) => c.eval === evalOf(kind)).map((c) => {
        const [lo, hi] = bandOf(c.spread, band);
        return { x: xs[i], method: c.method, mean: c.spread.mean * scale, lo: lo * scale, hi: hi * scale };
      }));
      const facetText = facetWords(facet);
      const seeds = d.study.seeds;
      const datasetName = [...new Set(es.map((e) => e.dataset))].join('+');
      const slug = plotSlug(kind, xAxis.key, facet, groups.map((g) => g.slug));
      groups.push({
        slug, kind, facet, experiments: es,
        input: {
          title: `${datasetName} ${es[0].arch}: ${metricTitle(d, kind, opts.mseScale)} vs ${keyName(xAxis.key)}${facetText ? ` (${facetText})` : ''}`,
          subtitle: bandText(band, seeds, 'bars'),
          xTitle: axisTitle(xAxis.key, d.classification) + (log ? ', log scale' : ''),
          yTitle: metricTitle(d, kind, opts.mseScale) + (opts.logY ? ', log scale' : ''),
          log, logY: opts.logY === true, style: 'bars', methods, points,
        },
      });
    }
  }
  return groups;
}

/** per-class.csv: per run, method and evaluation, each class's accuracy with its counts. */
export function perClassCsv(d: SweepData): string {
  const lines = [`experiment,extra,dataset,arch,trainSize,method,seed,eval,${d.classification ? 'class' : 'target_bin'},train_entries,test_samples,${d.classification ? 'accuracy' : 'mse'}`];
  for (const e of d.inputs) {
    const extra = Object.entries(e.extra).map(([k, v]) => `${k}=${v}`).join(' ');
    for (const { seed, record: r } of [...e.runs].sort((a, b) => a.seed - b.seed)) {
      for (const m of methodIds(e.config)) {
        const x = r.methods[m];
        if (!x.perClass) continue;
        for (const ev of ['clean', 'noisy'] as const) {
          x.perClass[ev].forEach((acc, c) => lines.push([e.experimentId, /[",]/.test(extra) ? `"${extra.replace(/"/g, '""')}"` : extra, e.dataset, e.arch, e.trainSize, m, seed, ev, c,
            csvNumber(r.trainClassCounts?.[c]), csvNumber(r.testClassCounts?.[c]), csvNumber(acc)].join(',')));
          lines.push([e.experimentId, extra, e.dataset, e.arch, e.trainSize, m, seed, ev, 'balanced', '', '', csvNumber(x.balanced?.[ev])].join(','));
        }
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function sweepCsvs(d: SweepData): Map<string, string> {
  const files = new Map<string, string>();
  files.set('summary.csv', summaryCsv(d.main));
  if (d.balanced) {
    files.set('summary-balanced.csv', summaryCsv(d.balanced));
    files.set('per-class.csv', perClassCsv(d));
  }
  return files;
}

function vsSgd(e: ExperimentSummary, method: string, kind: 'clean' | 'noisy'): Comparison | undefined {
  return e.comparisons.find((c) => c.method === method && c.baseline === BASELINE && c.eval === kind);
}

function cellText(e: ExperimentSummary, kind: 'clean' | 'noisy', c: MethodCell | undefined, best: boolean): string {
  if (!c) return '';
  let s = fmt(e.metric, c.spread.mean);
  if (best) s = `**${s}**`;
  if (Number.isFinite(c.spread.sd)) s += ` ± ${fmt(e.metric, c.spread.sd)}`;
  const v = vsSgd(e, c.method, kind)?.judgement.verdict;
  if (v === 'better') s += ' ▲';
  else if (v === 'worse') s += ' ▼';
  if (c.diverged.length) s += ` ✗ ${c.diverged.length}/${c.seeds.length} diverged`;
  if (c.collapsed.length) s += ` ⊘ ${c.collapsed.length}/${c.seeds.length} collapsed`;
  return s;
}

export interface DualSummary {
  method: string;
  counts: Record<ComparisonVerdict, number>;
  /** Points where the method is ahead of sgd on every usable seed. */
  everySeed: number;
  points: number;
  minDiff: number;
  maxDiff: number;
}

/** For each dual method: over the points of a metric, how it fared against sgd. */
export function dualSummary(d: SweepData, kind: MetricKind): DualSummary[] {
  const agg = aggOf(d, kind);
  if (!agg) return [];
  const out: DualSummary[] = [];
  for (const method of DUAL) {
    const cs = agg.experiments.flatMap((e) => { const c = vsSgd(e, method, evalOf(kind)); return c ? [c] : []; });
    if (!cs.length) continue;
    const counts = Object.fromEntries(VERDICTS.map((v) => [v, cs.filter((c) => c.judgement.verdict === v).length])) as Record<ComparisonVerdict, number>;
    const diffs = cs.map((c) => c.effect.meanDiff).filter(Number.isFinite);
    out.push({
      method, counts, everySeed: cs.filter((c) => c.effect.n > 0 && c.effect.wins === c.effect.n).length,
      points: cs.length, minDiff: diffs.length ? Math.min(...diffs) : NaN, maxDiff: diffs.length ? Math.max(...diffs) : NaN,
    });
  }
  return out;
}

/** "3 better, 1 not significant" */
export function countsText(counts: Record<ComparisonVerdict, number>): string {
  return VERDICTS.filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(', ') || 'none';
}

/** The warning and verdict lines of a sweep: its main numbers, then the balanced ones. */
export function sweepConclusionLines(d: SweepData): string[] {
  return [...conclusionLines(d.main, undefined, false), ...(d.balanced ? conclusionLines(d.balanced, undefined, false).filter((l) => !/^(Diverged|Collapsed)/.test(l)) : [])];
}

/** A protocol value for a table cell: lists and objects (JSON) as `code`. */
function protocolCell(v: string): string {
  return /[[{"]/.test(v) ? `\`${v}\`` : v;
}

export function buildSweepReport(d: SweepData, groups: PlotGroup[]): string {
  const { study } = d;
  const out: string[] = [];
  const configs = study.runs.map((r) => r.config);
  const nTrain = study.experiments.length;
  const evaluation = d.axes.filter((a) => a.evaluation);
  const nEval = evaluation.reduce((n, a) => n * a.values.length, 1);
  out.push(`# Sweep \`${study.name}\``, '');
  if (study.description) out.push(study.description.trim(), '');
  const axes = d.axes;
  out.push(`From \`${study.files.join('`, `')}\`. Swept: ${axes.length ? axes.map((a) => `\`${a.key}\` ∈ {${a.values.map(show).join(', ')}}${a.evaluation ? ' (evaluation only)' : ''}`).join('; ') : 'nothing (one point)'}. ` +
    `${nTrain} training point${nTrain === 1 ? '' : 's'} × ${study.seeds} seed${study.seeds === 1 ? '' : 's'} = ${study.runs.length} training runs` +
    (evaluation.length ? `; each run evaluates its trained models at all ${nEval} evaluation points (${evaluation.map((a) => `\`${a.key}\``).join(' × ')}, no retraining), giving ${nTrain * nEval} sweep points` : '') + '.', '');
  // Lists of plain values read as "a, b"; objects stay JSON (shown as code).
  const text = (v: unknown) => typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : JSON.stringify(v);
  const protocol = (get: (c: (typeof configs)[number]) => unknown) => [...new Set(configs.map((c) => text(get(c))))].join(' / ');
  const protocolRows: string[][] = [
    ['dataset', protocol((c) => c.dataset.name)],
    ['hidden layers', protocol((c) => c.hidden)],
    ['turns × steps per turn', `${protocol((c) => c.turns)} × ${protocol((c) => c.stepsPerTurn)}`],
    ['learning rate', protocol((c) => c.lr)],
    ['methods', protocol((c) => c.methods)],
    ['normalisation', protocol((c) => c.dataset.normalize)],
  ];
  if (!d.evalSwept) protocolRows.push(['noisy test σ', protocol((c) => c.noise.sigma)]);
  if (configs.some((c) => c.labelNoise)) protocolRows.push(['label noise', protocol((c) => c.labelNoise ?? null)]);
  if (configs.some((c) => c.imbalance)) protocolRows.push(['imbalance', protocol((c) => c.imbalance ?? null)]);
  protocolRows.push(['unit', d.classification ? 'accuracy in percent' : 'MSE in target units (z-scored label × targetScale)']);
  out.push('Protocol (values separated by / differ between runs):', '');
  out.push(markdownTable(['key', 'value'], protocolRows.map(([k, v]) => [k, protocolCell(v)]), [false, false]));
  const testSets = [...new Set(d.inputs.flatMap((e) => e.runs.map((r) => r.record.testSet)))];
  if (configs.some((c) => c.imbalance)) out.push(`Test set: ${testSets.join(' / ')} (${testSets.includes('balanced') ? `subsampled to equal ${d.classification ? 'class' : 'target-bin'} counts` : `the whole complement of the training list, ${d.classification ? 'class' : 'target-bin'} frequencies as in the pool`}).` +
    (d.classification ? '' : ' On this regression set the classes of the imbalance are equal-count bins of the target (bin 0 = the lowest values); balanced MSE is the mean of the per-bin MSEs.'), '');
  out.push(`Statistics (docs/METHOD.md §10): mean ± sample sd over the seeds that did not diverge, 95 % CI with Student's t. ${judgedText(d.main)}` +
    (d.balanced ? ` Balanced metrics form families of their own (${d.balanced.families.map((f) => `${f.name}: ${f.size}`).join(', ')}).` : '') +
    ` ▲ / ▼: better / worse than ${BASELINE}; ` +
    '✗: seeds whose run diverged (left out); ⊘: seeds whose model collapsed to a constant answer.', '');
  out.push('## Verdicts at a glance', '');
  out.push(...sweepConclusionLines(d).map((l) => `- ${l}`), '');

  out.push('## Dual weights against sgd', '');
  const rows: string[][] = [];
  for (const kind of plotKinds(d)) {
    for (const s of dualSummary(d, kind)) {
      const metric = d.classification ? 'accuracy' : 'mse';
      rows.push([metricTitle(d, kind), s.method, `${s.everySeed} of ${s.points}`, ...VERDICTS.map((v) => `${s.counts[v]}`),
        Number.isFinite(s.minDiff) ? `${fmt(metric, s.minDiff, true)} … ${fmt(metric, s.maxDiff, true)}` : '–']);
    }
  }
  if (rows.length) {
    out.push(markdownTable(['metric', 'method', 'ahead on every seed', ...VERDICTS, `mean Δ vs sgd (${d.classification ? 'points' : 'MSE'})`], rows,
      [false, false, true, ...VERDICTS.map(() => true), true]));
  } else out.push(`No comparisons: the sweep has no \`${BASELINE}\` or no dual-weight method.`, '');

  for (const g of groups) {
    const metric = g.experiments[0].metric;
    const xKey = axes[axes.length - 1].key;
    const facetText = facetWords(g.facet);
    out.push(`## ${metricTitle(d, g.kind)} vs ${keyName(xKey)}${facetText ? ` (${facetText})` : ''}`, '');
    out.push(`![${g.input.title}](plots/${g.slug}.svg)`, '', `[PNG](plots/${g.slug}.png) · [Vega spec](plots/${g.slug}.vg.json)`, '');
    const methods = g.input.methods;
    const trows = g.experiments.map((e) => {
      const cells = e.cells.filter((c) => c.eval === evalOf(g.kind));
      const finite = cells.filter((c) => Number.isFinite(c.spread.mean));
      const best = finite.length ? finite.reduce((a, b) => ((metric === 'accuracy' ? b.spread.mean > a.spread.mean : b.spread.mean < a.spread.mean) ? b : a)).method : '';
      return [show(d.points.get(e.experimentId)!.values[xKey]), ...methods.map((m) => cellText(e, evalOf(g.kind), cells.find((c) => c.method === m), m === best))];
    });
    const erows = g.experiments.flatMap((e) => e.comparisons.filter((c) => c.eval === evalOf(g.kind) && c.baseline === BASELINE).map((c) => [
      show(d.points.get(e.experimentId)!.values[xKey]), c.method, fmt(metric, c.effect.meanDiff, true),
      Number.isFinite(c.effect.ciLow) ? `[${fmt(metric, c.effect.ciLow, true)}, ${fmt(metric, c.effect.ciHigh, true)}]` : '–',
      pct(c.effect.gain), `${c.effect.wins}/${c.effect.n}`, pText(c.judgement.pAdjusted), `**${verdictText(c.judgement.verdict, c.effect.margin, e.metric)}**${c.judgement.notes.some((n) => /disagree/.test(n)) ? ' ⚠' : ''}`]));
    if (erows.length) {
      out.push(`Effects against ${BASELINE} (method − ${BASELINE}, ${metric === 'accuracy' ? 'points; higher' : 'target units; lower'} is better):`, '');
      out.push(markdownTable([xKey, 'method', 'Δ mean', '95 % CI', 'relative gain', 'wins', 'p adj.', 'verdict'], erows, [true, false, true, true, true, true, true, false]));
    }
    out.push(markdownTable([xKey, ...methods], trows, [true, ...methods.map(() => true)]));
    out.push(`Mean ± sd over ${study.seeds} seed${study.seeds === 1 ? '' : 's'}; bold: best mean in the row.`, '');
  }

  // The data each point trained on: class counts, corrupted labels.
  out.push('## Training data per point', '');
  const drows: string[][] = [];
  // With a validation set: its size, held out of the pool samples outside the training list (docs/METHOD.md, "Validation and early stopping").
  const validated = study.runs.some((r) => r.config.validation);
  for (const eid of study.experiments) {
    const specs = study.runs.filter((r) => r.experimentId === eid);
    const first = d.inputs.find((e) => e.experimentId === eid || e.experimentId.startsWith(`${eid}@`))!;
    const recs = first.runs.map((r) => r.record);
    const mean = (xs: number[]) => describe(xs).mean;
    const corrupted = recs.every((r) => r.corruptedLabels !== undefined) ? (mean(recs.map((r) => r.corruptedLabels! / r.trainSize)) * 100).toFixed(1) + ' %' : '–';
    const counts = recs[0].trainClassCounts
      ? recs[0].trainClassCounts.map((_, c) => mean(recs.map((r) => r.trainClassCounts![c])).toFixed(0)).join(' / ')
      : '–';
    const row = [specs[0].label, String(recs[0].trainSize), mean(recs.map((r) => r.distinctTrain)).toFixed(0), mean(recs.map((r) => r.testSize)).toFixed(0)];
    if (validated) {
      const v = specs[0].config.validation;
      row.push(v ? (v.size !== undefined ? String(v.size) : 'default (pool/10, ≤ 5000)') : '–');
    }
    drows.push([...row, corrupted, counts]);
  }
  const dhead = ['point', 'n', 'distinct', 'test size', ...(validated ? ['validation size'] : []), 'labels corrupted', `training entries per ${d.classification ? 'class' : 'target bin'} (mean over seeds)`];
  out.push(markdownTable(dhead, drows, dhead.map((_, i) => i > 0 && i < dhead.length - 1)));

  if (d.balanced && study.runs.some((r) => r.config.imbalance)) {
    const metric = d.classification ? 'accuracy' : 'mse';
    out.push(d.classification ? '## Per-class test accuracy (clean, %)' : '## Per-bin test MSE (clean, target units; bin 0 = the lowest targets)', '');
    out.push('Mean over seeds after the last turn; all numbers per run are in per-class.csv.', '');
    const methods = methodIds(study.runs[0].config);
    for (const e of d.main.experiments) {
      const recs = d.inputs.find((x) => x.experimentId === e.experimentId)!.runs.map((r) => r.record);
      const k = recs[0].trainClassCounts?.length ?? 0;
      const prow: string[][] = [];
      for (let c = 0; c < k; c++) {
        prow.push([String(c), describe(recs.map((r) => r.trainClassCounts![c])).mean.toFixed(1),
          ...methods.map((m) => fmt(metric, describe(recs.map((r) => r.methods[m].perClass?.clean[c] ?? NaN)).mean))]);
      }
      prow.push(['balanced', '', ...methods.map((m) => fmt(metric, describe(recs.map((r) => r.methods[m].balanced?.clean ?? NaN)).mean))]);
      out.push(`**${e.label}**`, '');
      out.push(markdownTable([d.classification ? 'class' : 'target bin', 'train entries', ...methods], prow, [true, true, ...methods.map(() => true)]));
    }
  }

  out.push('## Files', '');
  out.push('- `table.csv`: the tidy table every number here is computed from: one row per run × method × evaluation point × turn × metric, every parameter a column', '- `summary.csv`: mean, sd, CI and the test against sgd per sweep point × method × evaluation' +
    (d.balanced ? `\n- \`summary-balanced.csv\`, \`per-class.csv\`: balanced and per-${d.classification ? 'class accuracy' : 'bin MSE'}` : ''),
  '- `plots/`: SVG, PNG and the Vega spec of each plot', '- `runs/<run id>/run.json`: each training run, self-contained (config, hash, numbers)', '- `study.json`: the study, from which `node bin/dwgd.js report` rebuilds this report', '');
  return out.join('\n');
}
