// Slurm job scripts for a plan computed in shards: a job array (task K computes shard K/N), a
// report job that merges the shards once every task has succeeded (and is cancelled by Slurm
// if one fails), and submit.sh. The program, --out, the logs and the scripts are named by
// absolute paths, and the jobs start in the folder the scripts were written from (#SBATCH
// --chdir, so config paths mean what they meant then): the scripts run unmodified whatever the
// working directory of `sbatch` and whatever --out was. Text only: the caller writes it.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { defaultTasks } from './shard.js';

/** The program's entry point, bin/dwgd.js of this installation (a checkout or an installed package). */
export const DWGD_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'dwgd.js');

export interface SlurmJob {
  command: 'compare' | 'sweep' | 'tune';
  /** The plan's name (job names). */
  name: string;
  /** The plan's folder (<out>/compare/<name> or <out>/sweeps/<name>), absolute. */
  folder: string;
  /** Training runs of the whole plan. */
  runs: number;
  /**
   * The dwgd arguments of one shard, without --shard, --workers, --resume, --quiet. Config paths
   * as the user gave them (they resolve from `cwd`, and the report quotes them, so a local run
   * with the same arguments writes the same bytes); --out absolute.
   */
  args: string[];
  /** Array tasks; default from the runs and the CPUs per task. */
  tasks?: number;
  /** Extra `option=value` #SBATCH lines of the array job, and of the report job. */
  sbatch: string[];
  sbatchReport: string[];
  /** Shell lines run before dwgd in every job (e.g. `module load nodejs/20`). */
  setup: string[];
  /** The command that starts dwgd in the jobs; default: this node and this installation's bin/dwgd.js. */
  dwgd?: string;
  /** The folder the jobs start in (relative paths inside configs resolve from it). */
  cwd: string;
  /** DWGD_DATA_DIR when the scripts were written (made absolute), passed on unless the job has one. */
  dataDir?: string;
}

export interface SlurmScripts {
  /** File name → content, under <folder>/slurm/. */
  files: Map<string, string>;
  tasks: number;
  cpus: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `option=value` → [option, value]; a UserError naming the flag otherwise. */
function sbatchOption(flag: string, o: string): [string, string] {
  const eq = o.indexOf('=');
  if (eq <= 0 || /[\n\r]/.test(o) || o.startsWith('-')) throw new UserError(`${flag} ${o}: expected option=value (e.g. time=02:00:00)`);
  return [o.slice(0, eq), o.slice(eq + 1)];
}

/** #SBATCH lines: the defaults, each replaced by a user option of the same name, then the user's others. */
function sbatchLines(flag: string, defaults: [string, string][], user: string[]): string[] {
  const given = user.map((o) => sbatchOption(flag, o));
  if (given.some(([k]) => k === 'array')) throw new UserError(`${flag} array=…: the array range comes from --shards`);
  const names = new Set(given.map(([k]) => k));
  return [...defaults.filter(([k]) => !names.has(k)), ...given].map(([k, v]) => `#SBATCH --${k}=${v}`);
}

export function slurmScripts(job: SlurmJob): SlurmScripts {
  const slurmDir = join(job.folder, 'slurm');
  const cpusText = job.sbatch.map((o) => sbatchOption('--sbatch', o)).find(([k]) => k === 'cpus-per-task')?.[1] ?? '2';
  const cpus = Number(cpusText);
  if (!Number.isSafeInteger(cpus) || cpus < 1) throw new UserError(`--sbatch cpus-per-task=${cpusText}: expected a whole number ≥ 1`);
  const tasks = job.tasks ?? Math.min(job.runs, defaultTasks(job.runs, cpus));
  if (tasks > job.runs) throw new UserError(`--shards ${tasks}: more tasks than the ${job.runs} runs of the ${job.command}`);
  const arrayFile = join(slurmDir, `${job.command}.sbatch`);
  const reportFile = join(slurmDir, 'report.sbatch');

  const dwgd = job.dwgd ?? `${shQuote(process.execPath)} ${shQuote(DWGD_BIN)}`;
  // Set-up lines may use unset variables (module systems do), so -u comes after them.
  const preamble = [
    'set -eo pipefail',
    ...job.setup,
    'set -u',
    ...(job.dataDir ? [`export DWGD_DATA_DIR="\${DWGD_DATA_DIR:-${job.dataDir.replace(/["$`\\]/g, '\\$&')}}"`] : []),
    '# The command that starts dwgd; set DWGD in the environment to use another.',
    `if [ -n "\${DWGD:-}" ]; then dwgd() { $DWGD "$@"; }; else dwgd() { ${dwgd} "$@"; }; fi`,
  ];
  const array = [
    '#!/bin/bash',
    `# dwgd ${job.command} ${job.name}: ${plural(job.runs, 'training run')} in ${plural(tasks, 'array task')}; task K computes shard K/${tasks} (cost-balanced).`,
    `# Submit with: bash ${shQuote(join(slurmDir, 'submit.sh'))} (this job, then report.sbatch once every task has succeeded).`,
    ...sbatchLines('--sbatch', [
      ['job-name', `dwgd-${job.name}`], ['array', `1-${tasks}`], ['cpus-per-task', String(cpus)],
      ['output', join(slurmDir, '%x-%A_%a.out')], ['chdir', job.cwd],
    ], job.sbatch.filter((o) => !o.startsWith('cpus-per-task='))),
    ...preamble,
    `dwgd ${job.args.map(shQuote).join(' ')} --shard "\${SLURM_ARRAY_TASK_ID}/${tasks}" --workers "\${SLURM_CPUS_PER_TASK:-1}" --resume --quiet`,
    '',
  ].join('\n');
  const report = [
    '#!/bin/bash',
    `# dwgd ${job.command} ${job.name}: merge the run folders of all shards into the report.`,
    ...sbatchLines('--sbatch-report', [
      ['job-name', `dwgd-${job.name}-report`], ['cpus-per-task', '1'], ['output', join(slurmDir, '%x-%j.out')], ['chdir', job.cwd],
      // With a dependency on the array, a failed task makes the dependency impossible: Slurm
      // then cancels this job instead of leaving it pending for ever.
      ['kill-on-invalid-dep', 'yes'],
    ], job.sbatchReport),
    ...preamble,
    `dwgd report ${shQuote(job.folder)}`,
    '',
  ].join('\n');
  const q = shQuote;
  const submit = [
    '#!/bin/bash',
    `# Submits dwgd ${job.command} ${job.name}: the job array, then the report job, which waits for every task to succeed.`,
    'set -euo pipefail',
    `array=$(sbatch --parsable ${q(arrayFile)})`,
    'array=${array%%;*}',
    `report=$(sbatch --parsable --dependency=afterok:"$array" ${q(reportFile)})`,
    'report=${report%%;*}',
    `echo "$array,$report" > ${q(join(slurmDir, 'job-ids'))}`,
    `echo "array job $array: ${plural(tasks, 'task')} (task K computes shard K/${tasks}); report job $report: runs once every task has succeeded, cancelled if one fails"`,
    'echo "watch:   squeue -j $array,$report"',
    'echo "         sacct -j $array,$report --format=JobID,JobName%30,State,Elapsed,ExitCode"',
    `echo "logs:    ${slurmDir.replace(/["$`\\]/g, '\\$&')}/"`,
    'echo "cancel:  scancel $array $report"',
    '',
  ].join('\n');
  return { files: new Map([[`${job.command}.sbatch`, array], ['report.sbatch', report], ['submit.sh', submit]]), tasks, cpus };
}
