// Slurm job scripts for a plan computed in shards: a job array (task K computes shard K/N),
// a report job that merges the shards, and a submit helper. Text only; the caller writes it.

import { UserError } from '../errors.js';

export interface SlurmJob {
  /** The plan's name (job names, folder). */
  name: string;
  /** Training runs of the whole plan. */
  runs: number;
  /** The dwgd arguments of one shard, without --shard, --workers, --resume, --quiet. */
  args: string[];
  /** The --out folder as given. */
  out: string;
  /** Extra `option=value` #SBATCH lines. */
  sbatch: string[];
}

export interface SlurmScripts {
  array: string;
  report: string;
  submit: string;
  tasks: number;
}

export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The job-array script (task K runs shard K/N), the report job and a submit helper. */
export function slurmScripts(job: SlurmJob, tasks: number): SlurmScripts {
  const outRel = job.out;
  const folder = `${outRel.replace(/\/+$/, '')}/sweeps/${job.name}`;
  const extra = job.sbatch.map((o) => {
    const eq = o.indexOf('=');
    if (eq <= 0 || /[\n\r]/.test(o)) throw new UserError(`--sbatch ${o}: expected option=value (e.g. time=02:00:00)`);
    return `#SBATCH --${o}`;
  });
  const args = job.args;
  const common = ['set -euo pipefail', 'cd "${SLURM_SUBMIT_DIR:-.}"', '# The dwgd command: `dwgd` on the PATH, or e.g. DWGD="node /path/to/dwgd/bin/dwgd.js".', 'DWGD=${DWGD:-dwgd}'];
  const array = [
    '#!/bin/bash',
    `# dwgd sweep ${job.name}: ${job.runs} training runs in ${tasks} array tasks; task K computes shard K/${tasks}.`,
    `# Submit with ${folder}/slurm/submit.sh (this job, then report.sbatch once every task has succeeded).`,
    `#SBATCH --job-name=dwgd-${job.name}`,
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
    `# dwgd sweep ${job.name}: merge the run folders of all shards into the report.`,
    `#SBATCH --job-name=dwgd-${job.name}-report`,
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
