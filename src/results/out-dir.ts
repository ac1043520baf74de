// The results folder, checked before any training (so a bad --out costs nothing) and, when a
// write fails after training anyway (a disk that fills up), a second place for the results so
// the compute is not lost. Every failure is one line naming the path and the cause.

import { mkdtempSync, rmdirSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExperimentConfig } from '../config/schema.js';
import { absentDirs, fileKind, removeMadeDirs } from '../data/dirs.js';
import { DATASET_SPECS } from '../data/index.js';
import { UserError } from '../errors.js';
import { isDualEntry } from '../config/methods.js';

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  ENOENT: 'no such file or folder',
};

/** A file-system error (it carries an errno code and a system call). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** "no space left on device (ENOSPC)". */
export function fsCause(e: NodeJS.ErrnoException): string {
  const known = CAUSES[e.code!];
  return known ? `${known} (${e.code})` : e.message;
}

/**
 * Checks that `out` is a folder, or can be created as one, and that files can be written in it,
 * without leaving anything behind; with `needBytes`, also that its file system has that much free.
 */
export function checkOutDir(out: string, needBytes = 0, flag = '--out'): void {
  // resolve('') is the current folder: an empty --out would write the results all over it.
  if (out === '') throw new UserError(`${flag} '': an empty path; give a folder (e.g. ${flag} results)`);
  const target = resolve(out);
  // The deepest part of the path that exists must be a folder; nothing below it exists yet.
  let existing = target;
  for (;;) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(existing);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; walking up finds and names it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing) throw new UserError(`${flag} ${out}: cannot use ${existing}: ${fsCause(e as NodeJS.ErrnoException)}`);
      existing = dirname(existing);
      continue;
    }
    if (!st.isDirectory()) throw new UserError(`${flag} ${out}: ${existing} is ${fileKind(st)}, not a folder`);
    break;
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.dwgd-probe-')));
  } catch (e) {
    throw new UserError(`${flag} ${out}: cannot write in ${existing}: ${fsCause(e as NodeJS.ErrnoException)}`);
  }
  if (needBytes > 0) {
    const fs = statfsSync(existing);
    const free = fs.bavail * fs.bsize;
    if (free < needBytes) {
      throw new UserError(`${flag} ${out}: the results need about ${mb(needBytes)}, ${existing} has ${mb(free)} free`);
    }
  }
}

/**
 * Checks that `out` can take an output file: a new path whose folder exists or can be made, or
 * a regular file (which is replaced). A folder, a device, a FIFO or a socket is refused, so
 * that writing never puts a file in place of one of them.
 */
export function checkOutFile(out: string, flag = '--out'): void {
  if (out === '') throw new UserError(`${flag} '': an empty path; give a file name`);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UserError(`${flag} ${out}: cannot use it: ${fsCause(e as NodeJS.ErrnoException)}`);
    try {
      absentDirs(dirname(resolve(out)));
    } catch (e2) {
      const p = (e2 as NodeJS.ErrnoException).path ?? dirname(out);
      let kind = 'not a folder';
      try {
        kind = `${fileKind(statSync(p))}, not a folder`;
      } catch {
        // gone meanwhile
      }
      throw new UserError(`${flag} ${out}: ${p} is ${kind}`);
    }
    return;
  }
  if (st.isFile()) return;
  const hint = st.isDirectory() ? '; give a file name (in it, or elsewhere)' : '; outputs go only to a regular file or a new path';
  throw new UserError(`${flag} ${out}: is ${fileKind(st)}, not a file${hint}`);
}

/**
 * What `dwgd train` will write, roughly: with saved weights about 22 bytes of JSON per number
 * (initial and final W and b, and W1, W2 for the dual methods) and 8 per training step of
 * order.json; otherwise the small metric files (64 KiB is plenty).
 */
export function estimateRunOutputBytes(config: ExperimentConfig): number {
  const spec = DATASET_SPECS.find((s) => s.name === config.dataset.name);
  if (!spec || !config.saveWeights) return 64 * 1024;
  const sizes = [spec.nInputs, ...config.hidden, spec.nOutputs];
  let weights = 0;
  let biases = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weights += sizes[l] * sizes[l + 1];
    biases += sizes[l + 1];
  }
  let numbers = 0;
  for (const m of config.methods) numbers += 2 * ((isDualEntry(m) ? 3 : 1) * weights + biases);
  return 64 * 1024 + 22 * numbers + 8 * (config.turns * config.stepsPerTurn + config.trainSize);
}

export interface Saved {
  /** Where the results are. */
  dir: string;
  /** Set when they are not where asked: one line on what failed and where they went. */
  problem?: string;
}

/**
 * Runs `write(dir)`; when it fails on the file system (a full disk, say), writes to a folder
 * under the system's temporary folder instead and says so, so finished work is not lost. A
 * write that fails leaves no empty folder behind, where asked or in the rescue folder.
 */
export function saveWithRescue(dir: string, write: (dir: string) => void, rescueRoot = join(tmpdir(), 'dwgd-rescue')): Saved {
  try {
    tidyWrite(dir, write);
    return { dir };
  } catch (e) {
    if (!isFsError(e)) throw e;
    const first = `cannot write ${e.path ?? dir}: ${fsCause(e)}`;
    const rescue = join(rescueRoot, basename(dirname(dir)), basename(dir));
    try {
      tidyWrite(rescue, write);
    } catch (e2) {
      if (!isFsError(e2)) throw e2;
      throw new UserError(`${first}; the results are lost (writing them to ${rescue} failed too: ${fsCause(e2)})`);
    }
    return { dir: rescue, problem: `${first}; the results were written to ${rescue} instead` };
  }
}

/** `write(dir)`; when it fails, the folders on the way to `dir` that it made are removed while empty. */
function tidyWrite(dir: string, write: (dir: string) => void): void {
  let absent: string[] = [];
  try {
    absent = absentDirs(dir);
  } catch {
    // a file in the way: write fails on it and names it
  }
  try {
    write(dir);
  } catch (e) {
    removeMadeDirs(absent);
    throw e;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
