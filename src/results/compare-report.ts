// Every derived file of a comparison, from its study and the tidy table of its runs (read back as
// run views): summary.csv, curves/*.svg and .png, plan.json, REPORT.md and index.html. A pure
// function of the table, so a resumed, merged or re-rendered comparison writes the same bytes.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { RunSpec, Study } from '../experiment/plan.js';
import { aggregate, noisyPoint, pairAt, summaryCsv, type Aggregate, type AuthorsRow, type ExperimentInput, type ExperimentSummary } from './aggregate.js';
import type { RunView } from './table.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { reportHtml } from './html.js';
import { bandKind, bandOf, bandText, metricUnit, plotSvg, svgToPng, type MseScale, type PlotInput, type FigureOptions } from './plots.js';
import { buildReport, checkClaims, slug, type ClaimCheck } from './report.js';
import type { StatsOptions } from './verdicts.js';

export const AUTHORS_FILE = fileURLToPath(new URL('../../../configs/paper/authors-results.json', import.meta.url));

export const COMPARE_FILES = ['summary.csv', 'REPORT.md', 'index.html', 'plan.json', 'curves/'];

/** The experiments of a comparison: each training point, its runs seen at the paper's noisy test. */
export function compareInputs(study: Study, views: RunView[]): ExperimentInput[] {
  const specOf = new Map(study.runs.map((r) => [r.id, r]));
  return study.experiments.map((eid) => {
    const runs = views.filter((v) => v.experiment === eid).sort((a, b) => a.seed - b.seed);
    if (runs.length === 0) throw new Error(`no runs of experiment ${eid} in the table`);
    const spec = specOf.get(runs[0].run)!;
    return {
      // The stored run's config, with this plan's report-only keys (equivalence margins).
      experimentId: eid, dataset: spec.dataset, arch: spec.arch, trainSize: spec.trainSize, extra: spec.extra, label: spec.label,
      config: { ...runs[0].config, equivalence: spec.config.equivalence },
      runs: runs.map((v) => ({ seed: v.seed, record: pairAt(v, noisyPoint(v)) })),
    };
  });
}

/** The aggregate a comparison reports: its experiments from the table, with the authors' numbers, judged with `stats`. */
export function compareAggregate(study: Study, views: RunView[], authors: AuthorsRow[], stats?: StatsOptions): Aggregate {
  return aggregate(compareInputs(study, views), authors, { stats });
}

export function readAuthors(file: string): { rows: AuthorsRow[]; source: string } {
  if (!existsSync(file)) return { rows: [], source: 'not found' };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { source?: string; rows?: AuthorsRow[] };
    return { rows: Array.isArray(data.rows) ? data.rows : [], source: data.source ?? 'no source line' };
  } catch (e) {
    throw new UserError(`${file}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Whether the authors' curve of a method is drawn (attached by aggregate.ts only on the paper's protocol). */
export function drawsAuthors(e: ExperimentSummary): boolean {
  return e.curves.some((c) => c.authors !== null && c.authors.length === e.turns);
}

/** The learning curves of one experiment: clean test metric per turn, mean and band over seeds. */
export function curvePlot(e: ExperimentSummary, mseScale: MseScale = 1): PlotInput {
  const { factor, label } = metricUnit(e.metric, mseScale);
  const seeds = e.seeds.length;
  const kind = bandKind(seeds);
  // A turn whose test set was not scored (testEvery: last | never) has a NaN mean: no point there.
  const points = e.curves.flatMap((c) => c.perTurn.map((s, t) => {
    const [lo, hi] = bandOf(s, kind);
    return { x: t + 1, method: c.method, mean: s.mean * factor, lo: lo * factor, hi: hi * factor };
  }).filter((p) => Number.isFinite(p.mean)));
  const authors = e.curves.flatMap((c) => (c.authors !== null && c.authors.length === e.turns ? c.authors.map((v, t) => ({ x: t + 1, method: c.method, value: v * factor })) : []));
  return {
    title: `${e.label}: clean test ${label} after each turn`,
    subtitle: bandText(kind, seeds, 'band') + (authors.length ? '; thin lines, open markers: the authors\' curves' : ''),
    xTitle: 'turn', yTitle: `test ${label}`, log: false, style: 'band',
    methods: e.curves.map((c) => c.method), points, authors,
  };
}

/** Writes the derived files of a comparison into outDir; returns the aggregate and the claims checked. */
export async function writeCompareOutputs(outDir: string, plan: Study, views: RunView[], authors: { rows: AuthorsRow[]; source: string }, figures_: FigureOptions = {}, stats?: StatsOptions): Promise<{ agg: Aggregate; check: ClaimCheck }> {
  const agg = compareAggregate(plan, views, authors.rows, stats);
  const check = checkClaims(agg);
  writeFileAtomic(join(outDir, 'summary.csv'), summaryCsv(agg));
  const figures = new Map<string, string>();
  for (const e of agg.experiments) figures.set(`curves/${slug(e)}.svg`, await plotSvg(curvePlot(e, figures_.mseScale)));
  writeDirAtomic(join(outDir, 'curves'), (dir) => {
    for (const [path, svg] of figures) {
      const name = path.slice('curves/'.length);
      writeFileSync(join(dir, name), svg);
      writeFileSync(join(dir, name.replace(/\.svg$/, '.png')), svgToPng(svg));
    }
  });
  writeFileAtomic(join(outDir, 'plan.json'), JSON.stringify({
    name: plan.name, files: plan.files, seeds: plan.seeds,
    runs: plan.runs.map((r: RunSpec) => ({ id: r.id, label: r.label, seed: r.config.seed, configHash: r.configHash })),
  }, null, 1) + '\n');
  const report = buildReport({ plan, agg, check, authorsSource: authors.source });
  writeFileAtomic(join(outDir, 'REPORT.md'), report);
  writeFileAtomic(join(outDir, 'index.html'), reportHtml(report, `dwgd compare ${plan.name}`, figures));
  return { agg, check };
}
