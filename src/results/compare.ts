// The `dwgd compare` pipeline, callable without the CLI: a grid of experiments × seeds run
// across worker threads, each finished run stored in its own folder, then aggregated into the
// files of compare-report.ts under <out>/compare/<name>/. --resume reuses verified run folders;
// the final files depend only on the runs' numbers, so they are the same bytes either way.
// As for sweeps: --dry-run lists the runs, --shard K/N computes one fixed slice (run folders
// and compare.json only; merge.ts gathers the slices), --emit slurm writes job scripts.

import { resolve } from 'node:path';
import { wholeNumber } from '../config/flags.js';
import { fetchMissing } from '../data/index.js';
import { parseOverride } from '../config/load.js';
import { buildComparePlan, compareJson, type ComparePlan } from '../experiment/compare-plan.js';
import { parseOnly, type Plan, type RunSpec } from '../experiment/plan.js';
import { dataLocator } from '../experiment/locate-data.js';
import { defaultWorkers } from '../experiment/pool.js';
import type { PipelineHooks } from '../experiment/progress.js';
import { shardRuns, type Shard } from '../experiment/shard.js';
import { parseMseScale } from './plots.js';
import { AUTHORS_FILE, COMPARE_FILES, readAuthors, writeCompareOutputs } from './compare-report.js';
import type { Aggregate } from './aggregate.js';
import type { ClaimCheck } from './report.js';
import { checkScaleOut, emitSlurm, preflight, type ScaleOutFlags } from './scaleout.js';
import { runPlan } from './store.js';

export interface CompareFlags extends ScaleOutFlags {
  config: string[];
  seeds?: string;
  workers?: string;
  only: string[];
  set: string[];
  resume: boolean;
  out: string;
  name?: string;
  /** How the CLI renders the outcome; the pipeline does not read them. */
  json?: boolean;
  quiet?: boolean;
  /** Dataset loader module URL (tests inject synthetic data here). */
  loaderUrl?: string;
  /** Authors' numbers file (default: configs/paper/authors-results.json). */
  authorsFile?: string;
  /** --mse-scale: MSE in the figures in target units (1, default) or ×10⁴. */
  mseScale?: string;
}

export interface CompareOutcome {
  outDir: string;
  plan: Plan;
  cp: ComparePlan;
  shard: Shard | null;
  /** Runs of this invocation (the shard's, or all). */
  runs: RunSpec[];
  /** The aggregate and the claims checked (only when the report was written). */
  agg?: Aggregate;
  check?: ClaimCheck;
  ran: number;
  reused: number;
  /** Whether the report files were written (not for a shard, a dry run or --emit). */
  reported: boolean;
  files: string[];
}

export async function runCompare(flags: CompareFlags, hooks: PipelineHooks = {}): Promise<CompareOutcome> {
  const seeds = wholeNumber('--seeds', flags.seeds, 1);
  const workers = wholeNumber('--workers', flags.workers, 0) ?? Math.max(1, defaultWorkers());
  const shard = checkScaleOut(flags);
  parseMseScale(flags.mseScale);
  const planOptions = { seeds, sets: flags.set.map(parseOverride), only: flags.only.map(parseOnly), name: flags.name };
  if (!flags.dryRun && !flags.emit) {
    // dataset.download: fetch what is missing before the data are found and identified.
    const fetching = hooks.fetching?.();
    await fetchMissing(buildComparePlan(flags.config, planOptions).plan.runs.map((r) => r.config.dataset), { events: fetching?.events }).finally(() => fetching?.stop());
  }
  const data = dataLocator();
  const build = () => buildComparePlan(flags.config, { ...planOptions, identify: flags.loaderUrl ? undefined : data.identify });
  const cp = flags.dryRun ? build() : preflight(flags.out, build);
  const { plan } = cp;
  const outDir = resolve(flags.out, 'compare', plan.name);
  const runs = shardRuns(plan.runs, shard);
  const base = { outDir, plan, cp, shard, runs, ran: 0, reused: 0, reported: false, files: [] as string[] };
  if (flags.dryRun) return base;

  if (flags.emit === 'slurm') {
    const args = [
      'compare', ...flags.config.flatMap((c) => ['--config', c]), '--seeds', String(plan.seeds),
      ...flags.only.flatMap((o) => ['--only', o]), ...flags.set.flatMap((s) => ['--set', s]),
      ...(flags.name ? ['--name', flags.name] : []), '--out', resolve(flags.out),
    ];
    const files = emitSlurm(flags, flags.out, { command: 'compare', name: plan.name, folder: outDir, runs: plan.runs.length, args });
    return { ...base, files };
  }

  const authors = readAuthors(flags.authorsFile ?? AUTHORS_FILE);
  const { records, ran, reused } = await runPlan({
    out: flags.out, outDir, runs, plan, resume: flags.resume, workers, loaderUrl: flags.loaderUrl, data, hooks,
    planFile: { name: 'compare.json', text: () => compareJson(cp) },
    headline: `compare ${plan.name}: ${plan.experiments.length} experiments × ${plan.seeds} seed${plan.seeds === 1 ? '' : 's'} = ${plan.runs.length} runs` +
      (shard ? `, shard ${shard.k}/${shard.n}: ${runs.length}` : ''),
  });
  const outcome = { ...base, ran, reused };
  if (shard) return outcome;
  const { agg, check } = await writeCompareOutputs(outDir, plan, records, authors, { mseScale: parseMseScale(flags.mseScale) });
  return { ...outcome, agg, check, reported: true, files: ['compare.json', ...COMPARE_FILES] };
}
