// What compare and sweep share to spread a plan over machines: checking the scale-out flags,
// the pre-flight check of --out, and writing the Slurm scripts.

import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { slurmScripts, type SlurmJob } from '../experiment/slurm.js';
import { writeFileAtomic } from './atomic.js';
import { checkOutDir } from './out-dir.js';

/** The --emit slurm options, parsed (cli/scaleout.ts). */
export interface SlurmOptions {
  /** Array tasks (default: about four runs per CPU of a task). */
  shards?: number;
  /** Extra #SBATCH options of the array job, e.g. time=02:00:00; and of the report job. */
  sbatch: string[];
  sbatchReport: string[];
  /** Shell lines run before dwgd in every job. */
  setup: string[];
  /** The command that starts dwgd in the jobs. */
  dwgd?: string;
  /** DWGD_DATA_DIR to pass on to the jobs (absolute), if set. */
  dataDir?: string;
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
export function emitSlurm(o: SlurmOptions, out: string, job: Omit<SlurmJob, 'tasks' | 'sbatch' | 'sbatchReport' | 'setup' | 'dwgd' | 'cwd' | 'dataDir'>): string[] {
  const s = slurmScripts({
    ...job, tasks: o.shards, sbatch: o.sbatch, sbatchReport: o.sbatchReport, setup: o.setup, dwgd: o.dwgd, cwd: process.cwd(), dataDir: o.dataDir ? resolve(o.dataDir) : undefined,
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
