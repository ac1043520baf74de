// Where a dataset's bytes come from, in this order:
// an explicit `path` in the config → $DWGD_DATA_DIR/<name>/ → the project's datasets/<name>/
// cache → folders where an installed package put the data. Downloads are a separate,
// explicit step (`dwgd datasets fetch`, or `dataset.download: true`; see fetch.ts).

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { DataOrigin } from './types.js';

/** The project folder (this file lives in dist/src/data/ once compiled). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function cacheDir(dataset: string): string {
  return join(PROJECT_ROOT, 'datasets', dataset);
}

/** Thrown when no source holds a dataset's files; `dataset.download: true` reacts to it. */
export class DataNotFoundError extends UserError {
  constructor(message: string, readonly dataset: string) {
    super(message);
    this.name = 'DataNotFoundError';
  }
}

export interface LocateRequest {
  /** Folder name under DWGD_DATA_DIR and datasets/. */
  dataset: string;
  /** Each required file, as a list of acceptable names (e.g. plain or .gz). */
  files: string[][];
  /**
   * Other complete file sets that serve as well (e.g. CIFAR-10's tar.gz archive instead of
   * loose batches), tried in the same folder after `files`, before moving to the next folder.
   */
  altFiles?: string[][][];
  /** `dataset.path` from the config: a folder holding the files (or the file, if only one is needed). */
  explicitPath?: string;
  /** Folders where installed packages keep this dataset, tried last. */
  packageDirs?: string[];
  /** The one command that gets the data when nothing is found. */
  fetchHint?: string;
}

export interface Located {
  origin: DataOrigin;
  /** One path per entry of the file set that matched. */
  paths: string[];
  /** Which file set matched: 0 = `files`, k = `altFiles[k − 1]`. */
  set: number;
}

/** Finds every required file in one folder, or returns null. */
function findIn(dir: string, files: string[][]): string[] | null {
  const paths: string[] = [];
  for (const alternatives of files) {
    const hit = alternatives.map((name) => join(dir, name)).find((p) => isFile(p));
    if (!hit) return null;
    paths.push(hit);
  }
  return paths;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The candidate folders in search order, with the kind of source each one is. */
export function candidateDirs(req: LocateRequest, env: NodeJS.ProcessEnv = process.env): { kind: DataOrigin['kind']; dir: string }[] {
  const out: { kind: DataOrigin['kind']; dir: string }[] = [];
  if (env.DWGD_DATA_DIR) out.push({ kind: 'env', dir: resolve(env.DWGD_DATA_DIR, req.dataset) });
  out.push({ kind: 'cache', dir: cacheDir(req.dataset) });
  for (const dir of req.packageDirs ?? []) out.push({ kind: 'package', dir });
  return out;
}

export function locate(req: LocateRequest, env: NodeJS.ProcessEnv = process.env): Located {
  const sets = [req.files, ...(req.altFiles ?? [])];
  if (req.explicitPath) {
    const p = resolve(req.explicitPath);
    if (!existsSync(p)) throw new UserError(`dataset.path: ${p} does not exist`);
    if (isFile(p)) {
      const set = sets.findIndex((files) => files.length === 1);
      if (set < 0) throw new UserError(`dataset.path: ${req.dataset} needs a folder holding ${describe(req.files)}, got the file ${p}`);
      return { origin: { kind: 'path', location: p }, paths: [p], set };
    }
    for (let set = 0; set < sets.length; set++) {
      const paths = findIn(p, sets[set]);
      if (paths) return { origin: { kind: 'path', location: p }, paths, set };
    }
    throw new UserError(`dataset.path: ${p} does not hold ${describeSets(sets)}`);
  }
  const tried: string[] = [];
  for (const { kind, dir } of candidateDirs(req, env)) {
    tried.push(dir);
    for (let set = 0; set < sets.length; set++) {
      const paths = findIn(dir, sets[set]);
      if (paths) return { origin: { kind, location: dir }, paths, set };
    }
  }
  const hint = req.fetchHint ? `; get it with \`${req.fetchHint}\`` : '';
  throw new DataNotFoundError(`${req.dataset}: data not found (looked for ${describeSets(sets)} in ${tried.join(', ')})${hint}`, req.dataset);
}

function describeSets(sets: string[][][]): string {
  return sets.map(describe).join(' or ');
}

function describe(files: string[][]): string {
  return files.map((alts) => alts[0]).join(', ');
}
