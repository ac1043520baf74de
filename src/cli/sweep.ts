// `dwgd sweep` and `dwgd report` (issue 5). A sweep is a grid of experiments × seeds (the
// compare machinery: plan, worker pool, atomic run folders, aggregation) plus, optionally, an
// evaluation-only axis, with plots and an HTML page. `--shard K/N` computes one fixed slice of
// the runs and writes only run folders and sweep.json; `dwgd report DIR…` gathers the run
// folders of any number of such folders (machines) and writes the same bytes a single-machine
// sweep writes. `--emit slurm` writes a job-array script for that workflow.

import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { planWarnings, type RunSpec } from '../experiment/plan.js';
import { defaultWorkers, type RunRecord } from '../experiment/pool.js';
import {
  buildSweepPlan, parseShard, parseSweepJson, recordComplete, shardRuns, sweepJson, sweptAxes, type Shard, type SweepPlan,
} from '../experiment/sweep-plan.js';
import { writeDirAtomic, writeFileAtomic } from '../results/atomic.js';
import { removeLeftovers, runsDir, verifiedRun } from '../results/run-record.js';
import { dataLocator } from '../experiment/locate-data.js';
import { codeIdentity, type CodeIdentity } from '../experiment/provenance.js';
import { reportHtml } from '../results/html.js';
import { plotSpec, plotSvg, svgToPng } from '../results/plots.js';
import { buildSweepReport, dualSummary, metricTitle, plotGroups, plotKinds, sweepCsvs, sweepData } from '../results/sweep-report.js';
import { makeProgress, resumable, runAndStore, warnReplacing, wholeNumber } from './compare.js';
import { err } from './ui.js';

export interface SweepFlags {
  config: string;
  seeds?: string;
  workers?: string;
  set: string[];
  dryRun: boolean;
  shard?: string;
  resume: boolean;
  json: boolean;
  quiet: boolean;
  out: string;
  emit?: string;
  /** --emit slurm: number of array tasks (default: one per run, at most 1000). */
  shards?: string;
  /** --emit slurm: extra #SBATCH options, e.g. time=02:00:00. */
  sbatch: string[];
  loaderUrl?: string;
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
export async function writeSweepOutputs(outDir: string, sp: SweepPlan, records: Map<string, RunRecord>): Promise<string[]> {
  const d = sweepData(sp, records);
  const groups = plotGroups(d);
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

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface SlurmScripts {
  array: string;
  report: string;
  submit: string;
  tasks: number;
}

/** The job-array script (task K runs shard K/N), the report job and a submit helper. */
export function slurmScripts(sp: SweepPlan, flags: SweepFlags, tasks: number): SlurmScripts {
  const outRel = flags.out;
  const folder = `${outRel.replace(/\/+$/, '')}/sweeps/${sp.plan.name}`;
  const extra = flags.sbatch.map((o) => {
    const eq = o.indexOf('=');
    if (eq <= 0 || /[\n\r]/.test(o)) throw new UserError(`--sbatch ${o}: expected option=value (e.g. time=02:00:00)`);
    return `#SBATCH --${o}`;
  });
  const args = ['sweep', '--config', flags.config, '--seeds', String(sp.plan.seeds), ...flags.set.flatMap((s) => ['--set', s]), '--out', outRel];
  const common = ['set -euo pipefail', 'cd "${SLURM_SUBMIT_DIR:-.}"', '# The dwgd command: `npx dwgd` from the submit folder (the dwgd checkout), or e.g. DWGD="node /path/to/dwgd/bin/dwgd.js".', 'DWGD=${DWGD:-npx dwgd}'];
  const array = [
    '#!/bin/bash',
    `# dwgd sweep ${sp.plan.name}: ${sp.plan.runs.length} training runs in ${tasks} array tasks; task K computes shard K/${tasks}.`,
    `# Submit with ${folder}/slurm/submit.sh (this job, then report.sbatch once every task has succeeded).`,
    `#SBATCH --job-name=dwgd-${sp.plan.name}`,
    `#SBATCH --array=1-${tasks}`,
    '#SBATCH --cpus-per-task=2',
    `#SBATCH --output=${folder}/slurm/%x-%A_%a.out`,
    ...extra,
    ...common,
    `$DWGD ${args.map(shQuote).join(' ')} --shard "\${SLURM_ARRAY_TASK_ID}/${tasks}" --workers "\${SLURM_CPUS_PER_TASK:-1}" --resume --quiet`,
    '',
  ].join('\n');
  const report = [
    '#!/bin/bash',
    `# dwgd sweep ${sp.plan.name}: merge the run folders of all shards into the report.`,
    `#SBATCH --job-name=dwgd-${sp.plan.name}-report`,
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --output=${folder}/slurm/%x-%j.out`,
    ...extra,
    ...common,
    `$DWGD report ${shQuote(folder)}`,
    '',
  ].join('\n');
  const submit = [
    '#!/bin/bash',
    '# Submits the sweep as a job array and the report as a job that waits for all of it.',
    'set -euo pipefail',
    'cd "$(dirname "$0")/../../../.."',
    `jid=$(sbatch --parsable ${shQuote(folder)}/slurm/sweep.sbatch)`,
    `sbatch --dependency=afterok:"\${jid%%;*}" ${shQuote(folder)}/slurm/report.sbatch`,
    '',
  ].join('\n');
  return { array, report, submit, tasks };
}

export async function runSweep(flags: SweepFlags): Promise<SweepOutcome> {
  const seeds = wholeNumber('--seeds', flags.seeds, 1);
  const workers = wholeNumber('--workers', flags.workers, 0) ?? Math.max(1, defaultWorkers());
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  if (flags.emit !== undefined && flags.emit !== 'slurm') throw new UserError(`--emit ${flags.emit}: the only target is slurm`);
  if (flags.emit && shard) throw new UserError('--emit slurm: give no --shard; the script runs every shard');
  const data = dataLocator();
  const sp = buildSweepPlan(flags.config, { sets: flags.set.map(parseOverride), seeds, identify: flags.loaderUrl ? undefined : data.identify });
  const outDir = resolve(flags.out, 'sweeps', sp.plan.name);
  const runs = shardRuns(sp.plan.runs, shard);
  const base = { outDir, sp, shard, runs, ran: 0, reused: 0, reported: false, files: [] as string[] };
  if (flags.dryRun) return base;

  if (flags.emit === 'slurm') {
    const tasks = wholeNumber('--shards', flags.shards, 1) ?? Math.min(1000, sp.plan.runs.length);
    if (tasks > sp.plan.runs.length) throw new UserError(`--shards ${tasks}: more tasks than the ${sp.plan.runs.length} runs of the sweep`);
    const s = slurmScripts(sp, flags, tasks);
    const dir = join(outDir, 'slurm');
    writeFileAtomic(join(dir, 'sweep.sbatch'), s.array);
    writeFileAtomic(join(dir, 'report.sbatch'), s.report);
    writeFileAtomic(join(dir, 'submit.sh'), s.submit);
    chmodSync(join(dir, 'submit.sh'), 0o755);
    return { ...base, files: ['slurm/sweep.sbatch', 'slurm/report.sbatch', 'slurm/submit.sh'] };
  }

  for (const w of planWarnings(sp.plan)) process.stderr.write(`${err.yellow('warning:')} ${w}\n`);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  const code = codeIdentity();
  const records = new Map<string, RunRecord>();
  if (flags.resume) {
    removeLeftovers(outDir);
    resumable(outDir, runs, code, records);
    for (const spec of runs) if (records.has(spec.id) && !recordComplete(sp, spec, records.get(spec.id)!)) records.delete(spec.id);
  } else warnReplacing(outDir, runs, code, log);
  // sweep.json goes in with the first finished run (a sweep that fails at once leaves nothing).
  let described = false;
  const describeSweep = () => {
    if (!described) writeFileAtomic(join(outDir, 'sweep.json'), sweepJson(sp));
    described = true;
  };
  const todo = runs.filter((s) => !records.has(s.id));
  const reused = records.size;
  const nEval = sp.evalAxis ? sp.evalAxis.values.length : 1;
  log(err.dim(`sweep ${sp.plan.name}: ${sp.plan.experiments.length} training points${nEval > 1 ? ` × ${nEval} evaluation values` : ''} × ${sp.plan.seeds} seed${sp.plan.seeds === 1 ? '' : 's'} = ${sp.plan.runs.length} runs` +
    (shard ? `, shard ${shard.k}/${shard.n}: ${runs.length}` : '') + (flags.resume ? `, ${reused} already done` : '') +
    `, ${Math.min(workers, todo.length) || 0} worker${workers === 1 ? '' : 's'} → ${relative(process.cwd(), outDir) || '.'}`));

  const progress = makeProgress(runs.length, reused, chatty, log);
  await runAndStore(todo, { workers, loaderUrl: flags.loaderUrl, outDir, records, progress, beforeStore: describeSweep, code, data });
  describeSweep();
  const outcome = { ...base, ran: todo.length, reused };
  if (shard) return outcome;
  const files = await writeSweepOutputs(outDir, sp, records);
  return { ...outcome, reported: true, files };
}

function summaryJson(o: SweepOutcome): unknown {
  return {
    outDir: o.outDir, name: o.sp.plan.name, runs: o.sp.plan.runs.length, seeds: o.sp.plan.seeds,
    shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null, shardRuns: o.runs.length, ran: o.ran, reused: o.reused, reported: o.reported, files: o.files,
  };
}

export async function sweep(flags: SweepFlags): Promise<number> {
  const o = await runSweep(flags);
  const { sp } = o;
  if (flags.dryRun) {
    const axes = sweptAxes(sp);
    if (flags.json) {
      process.stdout.write(JSON.stringify({
        name: sp.plan.name, outDir: o.outDir, seeds: sp.plan.seeds, total: sp.plan.runs.length, shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null,
        axes: axes.map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.key === sp.evalAxis?.key })),
        evaluate: sp.evalAxis, metrics: sp.metrics,
        runs: o.runs.map((r) => ({ id: r.id, experimentId: r.experimentId, label: r.label, seed: r.config.seed, configHash: r.configHash })),
      }) + '\n');
    } else {
      process.stdout.write(`sweep ${sp.plan.name}: ${sp.plan.runs.length} runs (${sp.plan.experiments.length} training points × ${sp.plan.seeds} seeds)` +
        (o.shard ? `, shard ${o.shard.k}/${o.shard.n} holds ${o.runs.length}` : '') + ` → ${relative(process.cwd(), o.outDir) || '.'}\n`);
      for (const a of axes) process.stdout.write(`  axis ${a.key}: ${a.values.map((v) => JSON.stringify(v)).join(', ')}${a.key === sp.evalAxis?.key ? ' (evaluation only: no extra training)' : ''}\n`);
      for (const r of o.runs) process.stdout.write(`  ${r.id}  ${r.label}  seed ${r.config.seed}\n`);
    }
    return 0;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(summaryJson(o)) + '\n');
    return 0;
  }
  if (flags.emit) {
    for (const f of o.files) process.stdout.write(`wrote ${join(o.outDir, f)}\n`);
    process.stdout.write(`submit: bash ${join(relative(process.cwd(), o.outDir) || '.', 'slurm', 'submit.sh')}\n`);
    return 0;
  }
  if (!o.reported) {
    process.stdout.write(`shard ${o.shard!.k}/${o.shard!.n}: ${o.runs.length} runs stored in ${runsDir(o.outDir)} (${o.ran} trained, ${o.reused} reused); ` +
      `when every shard is done: npx dwgd report ${relative(process.cwd(), o.outDir) || '.'} [more folders…]\n`);
    return 0;
  }
  const d = sweepData(sp, readAllVerified(o.outDir, sp, codeIdentity()));
  for (const kind of plotKinds(d)) {
    for (const s of dualSummary(d, kind)) {
      process.stdout.write(`  ${metricTitle(d, kind)}: ${s.method} vs sgd ahead on the mean at ${s.ahead}/${s.points} points; Holm: ${s.better} better, ${s.worse} worse, ${s.same} no detectable difference\n`);
    }
  }
  process.stdout.write(`report: ${join(o.outDir, 'REPORT.md')} and index.html (${o.ran} runs trained, ${o.reused} reused)\n`);
  return 0;
}

function readAllVerified(dir: string, sp: SweepPlan, code: CodeIdentity): Map<string, RunRecord> {
  const m = new Map<string, RunRecord>();
  for (const spec of sp.plan.runs) {
    const v = verifiedRun(dir, spec, code);
    if (v?.ok && recordComplete(sp, spec, v.stored.record)) m.set(spec.id, v.stored.record);
  }
  return m;
}

export interface ReportFlags {
  dirs: string[];
  out?: string;
  json: boolean;
}

/** `dwgd report DIR…`: the run folders of every DIR (shards from several machines) → one report. */
export async function runReport(flags: ReportFlags): Promise<{ outDir: string; sp: SweepPlan; runs: number; copied: number; files: string[] }> {
  if (flags.dirs.length === 0) throw new UserError('report: give at least one sweep folder (results/sweeps/<name>)');
  let sp: SweepPlan | null = null;
  let text = '';
  for (const dir of flags.dirs) {
    const file = join(dir, 'sweep.json');
    if (!existsSync(file)) throw new UserError(`report ${dir}: no sweep.json here (not a sweep folder, or no shard has started in it)`);
    const t = readFileSync(file, 'utf8');
    if (sp === null) { sp = parseSweepJson(t, file); text = t; }
    else if (t !== text) throw new UserError(`report ${dir}: its sweep.json differs from ${join(flags.dirs[0], 'sweep.json')} (a different sweep or different flags)`);
  }
  const plan = sp!;
  const outDir = resolve(flags.out ?? flags.dirs[0]);
  const records = new Map<string, RunRecord>();
  const from = new Map<string, string>();
  // Shards may come from any build, but all from one: a report never mixes two programs' numbers.
  const codes = new Map<string, string>();
  const code = codeIdentity();
  for (const dir of flags.dirs) {
    for (const spec of plan.plan.runs) {
      if (records.has(spec.id)) continue;
      const v = verifiedRun(dir, spec, code);
      const stored = v ? (v.ok ? v.stored : v.otherCode) : null;
      if (stored && recordComplete(plan, spec, stored.record)) {
        records.set(spec.id, stored.record);
        from.set(spec.id, dir);
        if (!codes.has(stored.code.fingerprint)) codes.set(stored.code.fingerprint, `${join(dir, 'runs', spec.id)} (dwgd ${stored.code.version})`);
      }
    }
  }
  if (codes.size > 1) {
    const [[a, at], [b, bt]] = [...codes.entries()];
    throw new UserError(`report: the runs were made by different code: fingerprint ${a} in ${at} and ${b} in ${bt}; rerun one side's shards with the other's dwgd`);
  }
  const missing = plan.plan.runs.filter((s) => !records.has(s.id));
  if (missing.length) {
    throw new UserError(`report: ${missing.length} of ${plan.plan.runs.length} runs are missing from ${flags.dirs.join(', ')} ` +
      `(first: ${missing[0].id}, ${missing[0].label} seed ${missing[0].config.seed}); finish their shards or rerun with --resume`);
  }
  // Gather every run folder into the output folder, so it holds the whole sweep.
  let copied = 0;
  writeFileAtomic(join(outDir, 'sweep.json'), text);
  for (const spec of plan.plan.runs) {
    const src = join(from.get(spec.id)!, 'runs', spec.id);
    const dst = join(runsDir(outDir), spec.id);
    if (resolve(src) === resolve(dst) || verifiedRun(outDir, spec, code)) continue;
    writeDirAtomic(dst, (tmp) => {
      for (const name of readdirSync(src)) cpSync(join(src, name), join(tmp, name));
    });
    copied++;
  }
  const files = await writeSweepOutputs(outDir, plan, records);
  return { outDir, sp: plan, runs: records.size, copied, files };
}

export async function report(flags: ReportFlags): Promise<number> {
  const r = await runReport(flags);
  if (flags.json) process.stdout.write(JSON.stringify({ outDir: r.outDir, name: r.sp.plan.name, runs: r.runs, copied: r.copied, files: r.files }) + '\n');
  else process.stdout.write(`report: ${join(r.outDir, 'REPORT.md')} and index.html from ${r.runs} runs (${r.copied} run folders gathered from ${flags.dirs.length} folders)\n`);
  return 0;
}
