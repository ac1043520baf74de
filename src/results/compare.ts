// The `dwgd compare` pipeline, callable without the CLI: a grid of experiments × seeds run
// across worker threads, each finished run stored in its own folder, then aggregated into the
// files of compare-report.ts under <out>/compare/<name>/. --resume reuses verified run folders;
// the final files depend only on the runs' numbers, so they are the same bytes either way.

import { relative, resolve } from 'node:path';
import { wholeNumber } from '../config/flags.js';
import { parseOverride } from '../config/load.js';
import { buildPlan, parseOnly, type Plan } from '../experiment/plan.js';
import { dataLocator } from '../experiment/locate-data.js';
import { defaultWorkers, type RunRecord } from '../experiment/pool.js';
import { NO_PROGRESS, type PipelineHooks } from '../experiment/progress.js';
import { codeIdentity } from '../experiment/provenance.js';
import { AUTHORS_FILE, readAuthors, writeCompareOutputs } from './compare-report.js';
import type { Claim } from './report.js';
import { removeLeftovers } from './run-record.js';
import { resumable, runAndStore, warnReplacing } from './store.js';

export interface CompareFlags {
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
}

export interface CompareOutcome {
  outDir: string;
  plan: Plan;
  claims: Claim[];
  ran: number;
  reused: number;
}

export async function runCompare(flags: CompareFlags, hooks: PipelineHooks = {}): Promise<CompareOutcome> {
  const seeds = wholeNumber('--seeds', flags.seeds, 1);
  const workers = wholeNumber('--workers', flags.workers, 0) ?? Math.max(1, defaultWorkers());
  const data = dataLocator();
  const plan = buildPlan(flags.config, {
    seeds, sets: flags.set.map(parseOverride), only: flags.only.map(parseOnly), name: flags.name,
    identify: flags.loaderUrl ? undefined : data.identify,
  });
  const authors = readAuthors(flags.authorsFile ?? AUTHORS_FILE);
  const outDir = resolve(flags.out, 'compare', plan.name);
  const log = (line: string) => hooks.log?.(line);

  const code = codeIdentity();
  const records = new Map<string, RunRecord>();
  if (flags.resume) {
    removeLeftovers(outDir);
    resumable(outDir, plan.runs, code, records);
  } else warnReplacing(outDir, plan.runs, code, log);
  const todo = plan.runs.filter((s) => !records.has(s.id));
  const reused = records.size;
  log(`compare ${plan.name}: ${plan.experiments.length} experiments × ${plan.seeds} seed${plan.seeds === 1 ? '' : 's'} = ${plan.runs.length} runs` +
    (flags.resume ? `, ${reused} already done` : '') + `, ${Math.min(workers, todo.length) || 0} worker${workers === 1 ? '' : 's'} → ${relative(process.cwd(), outDir) || '.'}`);

  const progress = hooks.progress?.(plan.runs.length, reused) ?? NO_PROGRESS;
  await runAndStore(todo, { workers, loaderUrl: flags.loaderUrl, outDir, records, progress, code, data });

  const claims = writeCompareOutputs(outDir, plan, records, authors);
  return { outDir, plan, claims, ran: todo.length, reused };
}
