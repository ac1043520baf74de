// What compare and sweep share to spread a plan over machines: checking the scale-out flags,
// the pre-flight check of --out, and writing the Slurm scripts.

import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { wholeNumber } from '../config/flags.js';
import { UserError } from '../errors.js';
import { parseShard, type Shard } from '../experiment/shard.js';
import { slurmScripts, type SlurmJob } from '../experiment/slurm.js';
import { writeFileAtomic } from './atomic.js';
import { checkOutDir } from './out-dir.js';

export interface ScaleOutFlags {
  dryRun?: boolean;
  shard?: string;
  emit?: string;
  /** --emit slurm: array tasks (default: about four runs per CPU of a task). */
  shards?: string;
  /** --emit slurm: extra #SBATCH options of the array job, e.g. time=02:00:00. */
  sbatch?: string[];
  /** --emit slurm: extra #SBATCH options of the report job. */
  sbatchReport?: string[];
  /** --emit slurm: shell lines run before dwgd in every job. */
  setup?: string[];
  /** --emit slurm: the command that starts dwgd in the jobs. */
  dwgd?: string;
}

/** The shard asked for (null: all runs); a UserError for flags that do not go together. */
export function checkScaleOut(flags: ScaleOutFlags): Shard | null {
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  if (flags.emit !== undefined && flags.emit !== 'slurm') throw new UserError(`--emit ${flags.emit}: the only target is slurm`);
  if (flags.emit && shard) throw new UserError('--emit slurm: give no --shard; the script runs every shard');
  if (!flags.emit) {
    for (const [set, name] of [[flags.shards !== undefined, '--shards'], [(flags.sbatch ?? []).length > 0, '--sbatch'], [(flags.sbatchReport ?? []).length > 0, '--sbatch-report'],
      [(flags.setup ?? []).length > 0, '--setup'], [flags.dwgd !== undefined, '--dwgd']] as const) {
      if (set) throw new UserError(`${name}: only with --emit slurm`);
    }
  }
  return shard;
}

/**
 * Why --out cannot be written (out-dir.ts checkOutDir), or null. Checked before the first run,
 * so a long plan does not fail when it stores its first result.
 */
export function outProblem(out: string): string | null {
  try {
    checkOutDir(out);
    return null;
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
}

/** Runs `plan()` and adds an --out problem to its error, so every problem is named at once. */
export function preflight<T>(out: string, plan: () => T): T {
  const problem = outProblem(out);
  let result: T;
  try {
    result = plan();
  } catch (e) {
    if (problem && e instanceof UserError) throw new UserError(`${problem}\n${e.message}`);
    throw e;
  }
  if (problem) throw new UserError(problem);
  return result;
}

/** Writes <folder>/slurm/{<command>.sbatch, report.sbatch, submit.sh}; returns their names under the folder. */
export function emitSlurm(flags: ScaleOutFlags, out: string, job: Omit<SlurmJob, 'tasks' | 'sbatch' | 'sbatchReport' | 'setup' | 'dwgd' | 'cwd' | 'dataDir'>): string[] {
  const tasks = wholeNumber('--shards', flags.shards, 1);
  const dataDir = process.env.DWGD_DATA_DIR ? resolve(process.env.DWGD_DATA_DIR) : undefined;
  const s = slurmScripts({
    ...job, tasks, sbatch: flags.sbatch ?? [], sbatchReport: flags.sbatchReport ?? [], setup: flags.setup ?? [], dwgd: flags.dwgd, cwd: process.cwd(), dataDir,
  });
  checkOutDir(out);
  const names: string[] = [];
  for (const [name, text] of s.files) {
    const path = join(job.folder, 'slurm', name);
    writeFileAtomic(path, text);
    if (name === 'submit.sh') chmodSync(path, 0o755);
    names.push(`slurm/${name}`);
  }
  return names;
}
