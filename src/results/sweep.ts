// The `dwgd sweep` pipeline, callable without the CLI: a grid of experiments × seeds (the
// compare machinery: plan, worker pool, atomic run folders) plus, optionally, an
// evaluation-only axis, with plots and an HTML page. `--shard K/N` computes one fixed slice of
// the runs and writes only run folders and sweep.json; merge.ts gathers such folders into the
// bytes a single-machine sweep writes. `--emit slurm` writes a job-array script instead.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { wholeNumber } from '../config/flags.js';
import { fetchMissing } from '../data/index.js';
import { parseOverride } from '../config/load.js';
import type { RunSpec } from '../experiment/plan.js';
import { dataLocator } from '../experiment/locate-data.js';
import { defaultWorkers, type RunRecord } from '../experiment/pool.js';
import type { PipelineHooks } from '../experiment/progress.js';
import { shardRuns, type Shard } from '../experiment/shard.js';
import { buildSweepPlan, recordComplete, sweepJson, sweptAxes, type SweepPlan } from '../experiment/sweep-plan.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { reportHtml } from './html.js';
import { parseMseScale, plotSpec, plotSvg, svgToPng } from './plots.js';
import { verifiedRun } from './run-record.js';
import { checkScaleOut, emitSlurm, preflight, type ScaleOutFlags } from './scaleout.js';
import { runPlan } from './store.js';
import { buildSweepReport, plotGroups, sweepCsvs, sweepData, type PlotOptions } from './sweep-report.js';

export interface SweepFlags extends ScaleOutFlags {
  config: string;
  seeds?: string;
  workers?: string;
  set: string[];
  dryRun: boolean;
  resume: boolean;
  out: string;
  /** How the CLI renders the outcome; the pipeline does not read them. */
  json?: boolean;
  quiet?: boolean;
  loaderUrl?: string;
  /** --log-y and --mse-scale: how the plots show the metric. */
  logY?: boolean;
  mseScale?: string;
}

export interface SweepOutcome {
  outDir: string;
  sp: SweepPlan;
  shard: Shard | null;
  /** Runs of this invocation (the shard's, or all). */
  runs: RunSpec[];
  ran: number;
  reused: number;
  /** Whether the report files were written (not for a shard, a dry run or --emit). */
  reported: boolean;
  files: string[];
}

const REPORT_FILES = ['REPORT.md', 'index.html', 'plan.json', 'results.csv', 'summary.csv'];

/** Writes every derived file of a sweep from its finished runs; returns their names. */
/** `plots` sets the figures' log-y and MSE unit (default: linear, target units). */
export async function writeSweepOutputs(outDir: string, sp: SweepPlan, records: Map<string, RunRecord>, plots: PlotOptions = {}): Promise<string[]> {
  const d = sweepData(sp, records);
  const groups = plotGroups(d, plots);
  const figures = new Map<string, string>();
  const pngs = new Map<string, Uint8Array>();
  for (const g of groups) {
    const svg = await plotSvg(g.input);
    figures.set(`plots/${g.slug}.svg`, svg);
    pngs.set(g.slug, svgToPng(svg));
  }
  writeDirAtomic(join(outDir, 'plots'), (dir) => {
    for (const g of groups) {
      writeFileSync(join(dir, `${g.slug}.svg`), figures.get(`plots/${g.slug}.svg`)!);
      writeFileSync(join(dir, `${g.slug}.png`), pngs.get(g.slug)!);
      writeFileSync(join(dir, `${g.slug}.vl.json`), JSON.stringify(plotSpec(g.input), null, 1) + '\n');
    }
  });
  const csvs = sweepCsvs(d);
  for (const [name, text] of csvs) writeFileAtomic(join(outDir, name), text);
  writeFileAtomic(join(outDir, 'plan.json'), JSON.stringify({
    name: sp.plan.name, files: sp.plan.files, seeds: sp.plan.seeds,
    axes: sweptAxes(sp).map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.key === sp.evalAxis?.key })),
    runs: sp.plan.runs.map((r) => ({ id: r.id, label: r.label, seed: r.config.seed, configHash: r.configHash })),
  }, null, 1) + '\n');
  const report = buildSweepReport(d, groups);
  writeFileAtomic(join(outDir, 'REPORT.md'), report);
  writeFileAtomic(join(outDir, 'index.html'), reportHtml(report, `dwgd sweep ${sp.plan.name}`, figures));
  return [...new Set([...REPORT_FILES, ...csvs.keys()])].concat('plots/');
}

export async function runSweep(flags: SweepFlags, hooks: PipelineHooks = {}): Promise<SweepOutcome> {
  const seeds = wholeNumber('--seeds', flags.seeds, 1);
  const workers = wholeNumber('--workers', flags.workers, 0) ?? Math.max(1, defaultWorkers());
  const shard = checkScaleOut(flags);
  parseMseScale(flags.mseScale);
  const sets = flags.set.map(parseOverride);
  if (!flags.dryRun && !flags.emit) {
    // dataset.download: fetch what is missing before the data are found and identified.
    const fetching = hooks.fetching?.();
    const draft = buildSweepPlan(flags.config, { sets, seeds });
    await fetchMissing(shardRuns(draft.plan.runs, shard).map((r) => r.config.dataset), { events: fetching?.events }).finally(() => fetching?.stop());
  }
  const data = dataLocator();
  const identify = flags.loaderUrl ? undefined : data.identify;
  const build = () => buildSweepPlan(flags.config, { sets, seeds, identify });
  const sp = flags.dryRun ? build() : preflight(flags.out, build);
  const outDir = resolve(flags.out, 'sweeps', sp.plan.name);
  const runs = shardRuns(sp.plan.runs, shard);
  const base = { outDir, sp, shard, runs, ran: 0, reused: 0, reported: false, files: [] as string[] };
  if (flags.dryRun) return base;

  if (flags.emit === 'slurm') {
    const args = ['sweep', '--config', flags.config, '--seeds', String(sp.plan.seeds), ...flags.set.flatMap((s) => ['--set', s]), '--out', resolve(flags.out)];
    const files = emitSlurm(flags, flags.out, { command: 'sweep', name: sp.plan.name, folder: outDir, runs: sp.plan.runs.length, args });
    return { ...base, files };
  }

  const nEval = sp.evalAxis ? sp.evalAxis.values.length : 1;
  const { records, ran, reused } = await runPlan({
    out: flags.out, outDir, runs, plan: sp.plan, resume: flags.resume, workers, loaderUrl: flags.loaderUrl, data, hooks,
    planFile: { name: 'sweep.json', text: () => sweepJson(sp) },
    headline: `sweep ${sp.plan.name}: ${sp.plan.experiments.length} training points${nEval > 1 ? ` × ${nEval} evaluation values` : ''} × ${sp.plan.seeds} seed${sp.plan.seeds === 1 ? '' : 's'} = ${sp.plan.runs.length} runs` +
      (shard ? `, shard ${shard.k}/${shard.n}: ${runs.length}` : ''),
    complete: (spec, record) => recordComplete(sp, spec, record),
  });
  const outcome = { ...base, ran, reused };
  if (shard) return outcome;
  const files = await writeSweepOutputs(outDir, sp, records, { logY: flags.logY === true, mseScale: parseMseScale(flags.mseScale) });
  return { ...outcome, reported: true, files };
}

/** The verified, complete run records of a sweep folder. */
export function readAllVerified(dir: string, sp: SweepPlan): Map<string, RunRecord> {
  const m = new Map<string, RunRecord>();
  for (const spec of sp.plan.runs) {
    const v = verifiedRun(dir, spec);
    if (v?.ok && recordComplete(sp, spec, v.stored.record)) m.set(spec.id, v.stored.record);
  }
  return m;
}
