// The reporters of `dwgd tune`'s two stages (docs/METHOD.md, "Tuning with an equal budget"):
//   tune   the tuning runs → selection.json (what the final stage trains), TUNING.md, and one
//          sensitivity figure per training point (validation metric against learning rate);
//   fair   the final runs (fresh seeds) → REPORT.md and comparisons.csv: each dual-weight method
//          against each other method at the same budget (the one-shot defaults; the tuned
//          settings), paired by seed, judged in families of dataset × budget × evaluation.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDualEntry, type MethodEntry } from '../config/methods.js';
import { expandTrials, parseTune } from '../experiment/tuning.js';
import type { Study } from '../experiment/plan.js';
import { aggregate, csvNumber, csvText, type Aggregate, type Comparison } from './aggregate.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { compareInputs } from './compare-report.js';
import { fmt, markdownTable, pText } from './format.js';
import { reportHtml } from './html.js';
import { plotSvg, svgToPng } from './plots.js';
import type { Reporter } from './reporters.js';
import type { StatsOptions } from './verdicts.js';
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

export interface FairResult {
  budgets: Record<Budget, Aggregate>;
  /** Per experiment: the floors fitted on its runs' training lists (shown, not tested against). */
  floors?: Map<string, FloorCell[]>;
}

/** Each budget's aggregate: the same experiments, that budget's pairs, families tagged with the budget. */
export function fairAggregates(study: Study, views: Parameters<typeof compareInputs>[1], stats?: StatsOptions): FairResult {
  const inputs = compareInputs(study, views);
  const entries = study.runs[0]?.config.methods ?? [];
  const budgets = Object.fromEntries(BUDGETS.map((b) => [b, aggregate(inputs, [], { pairs: budgetPairs(entries, b), familyTag: b, stats })])) as Record<Budget, Aggregate>;
  return { budgets };
}

function verdictCounts(list: Comparison[]): string {
  const counts = new Map<string, number>();
  for (const c of list) counts.set(c.judgement.verdict, (counts.get(c.judgement.verdict) ?? 0) + 1);
  return [...counts.entries()].map(([v, n]) => `${n} ${v}`).join(', ') || 'none';
}

/** REPORT.md of the final stage. */
export function fairMarkdown(study: Study, r: FairResult): string {
  const out = [`# Fair comparison: ${study.name}`, '',
    'Each method was tuned with the same number of trials and training steps, on a validation split the',
    'test set never touches (the tuning stage, `../tuning/TUNING.md`); here every method\'s one-shot default',
    '(`-default`) and its chosen setting (`-tuned`) are retrained on fresh seeds that tuning never used, and',
    'tested on the test set. Each dual-weight method is compared with every other method at the same budget,',
    'paired by seed; verdicts as in docs/METHOD.md §10, corrected within each family (dataset × budget ×',
    `evaluation, ${r.budgets.default.stats.correction.toUpperCase()}).`, ''];
  for (const b of BUDGETS) {
    const agg = r.budgets[b];
    out.push(`## Budget: ${b === 'default' ? 'one-shot defaults' : 'tuned'}`, '');
    const duals = [...new Set(agg.comparisons.map((c) => c.method))];
    for (const kind of ['clean', 'noisy'] as const) {
      const list = agg.comparisons.filter((c) => c.eval === kind);
      if (!list.length) continue;
      out.push(`### ${kind === 'clean' ? 'Clean test' : 'Noisy test'}`, '');
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
        return [e.label, c.method, c.baseline, fmt(e.metric, x.meanDiff, true), `[${fmt(e.metric, x.ciLow, true)}, ${fmt(e.metric, x.ciHigh, true)}]`, pText(c.judgement.pAdjusted), c.judgement.verdict];
      });
      out.push(markdownTable(['cell', 'method', 'against', 'mean Δ', '95 % CI', 'adjusted p', 'verdict'], rows, [false, false, false, true, true, true, false]), '');
    }
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
    const rows = e.cells.filter((c) => c.eval === 'clean').map((c) => {
      const noisy = e.cells.find((n) => n.eval === 'noisy' && n.method === c.method);
      return [c.method, 'method', spreadText(e.metric, c.spread), spreadText(e.metric, noisy?.spread ?? null), ''];
    });
    for (const f of floors) rows.push([`floor: ${f.id}`, 'floor', spreadText(e.metric, f.clean), spreadText(e.metric, f.noisy), f.scored < f.testSize ? `${f.scored} of ${f.testSize} test inputs` : '']);
    out.push(`### ${e.label}`, '', markdownTable(['', 'kind', 'clean', 'noisy', 'note'], rows, [false, false, true, true, false]), '');
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
  }
  return lines.join('\n') + '\n';
}

/** comparisons.csv: one row per comparison, both budgets. */
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
  }
  return lines.join('\n') + '\n';
}

export const fairReporter: Reporter = {
  id: 'fair',
  presets: ['fair'],
  async write({ dir, study, views, options }) {
    const r = fairAggregates(study, views, options.stats);
    // The floors of every run, gathered per experiment (the same experiments the aggregate has).
    const floorsFile = join(dir, FLOORS_FILE);
    const perRun = await studyFloors(views, options.loaderUrl, FLOOR_TEST_MAX, readFloorsJson(existsSync(floorsFile) ? readFileSync(floorsFile, 'utf8') : null));
    writeFileAtomic(floorsFile, floorsJson(perRun));
    const experimentOf = new Map(study.runs.map((s) => [s.id, s.experimentId]));
    const byExperiment = new Map<string, typeof views>();
    for (const v of views) byExperiment.set(experimentOf.get(v.run)!, [...(byExperiment.get(experimentOf.get(v.run)!) ?? []), v]);
    r.floors = new Map([...byExperiment].map(([e, list]) => [e, floorCells(list.map((v) => perRun.get(v.run)!), list[0].record.points)]));
    const md = fairMarkdown(study, r) + '\n' + methodsAndFloorsMarkdown(r).join('\n') + '\n';
    writeFileAtomic(join(dir, 'comparisons.csv'), fairCsv(r));
    writeFileAtomic(join(dir, 'summary.csv'), fairSummaryCsv(r));
    writeFileAtomic(join(dir, 'REPORT.md'), md);
    writeFileAtomic(join(dir, 'index.html'), reportHtml(md, `dwgd tune ${study.name}: final`, new Map()));
    return { files: ['REPORT.md', 'comparisons.csv', 'summary.csv', FLOORS_FILE, 'index.html'], result: r };
  },
};
