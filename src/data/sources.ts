// Where a dataset's bytes come from, in this order (issue 3 / DESIGN.md):
// an explicit `path` in the config → $DWGD_DATA_DIR/<name>/ → the project's datasets/<name>/
// cache → folders where an installed package put the data. Downloads are a separate,
// explicit step (`dwgd datasets fetch`).

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

export interface LocateRequest {
  /** Folder name under DWGD_DATA_DIR and datasets/. */
  dataset: string;
  /** Each required file, as a list of acceptable names (e.g. plain or .gz). */
  files: string[][];
  /** `dataset.path` from the config: a folder holding the files (or the file, if only one is needed). */
  explicitPath?: string;
  /** Folders where installed packages keep this dataset, tried last. */
  packageDirs?: string[];
  /** The one command that gets the data when nothing is found. */
  fetchHint?: string;
}

export interface Located {
  origin: DataOrigin;
  /** One path per entry of `files`. */
  paths: string[];
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
  if (req.explicitPath) {
    const p = resolve(req.explicitPath);
    if (!existsSync(p)) throw new UserError(`dataset.path: ${p} does not exist`);
    if (isFile(p)) {
      if (req.files.length !== 1) throw new UserError(`dataset.path: ${req.dataset} needs a folder holding ${describe(req.files)}, got the file ${p}`);
      return { origin: { kind: 'path', location: p }, paths: [p] };
    }
    const paths = findIn(p, req.files);
    if (!paths) throw new UserError(`dataset.path: ${p} does not hold ${describe(req.files)}`);
    return { origin: { kind: 'path', location: p }, paths };
  }
  const tried: string[] = [];
  for (const { kind, dir } of candidateDirs(req, env)) {
    tried.push(dir);
    const paths = findIn(dir, req.files);
    if (paths) return { origin: { kind, location: dir }, paths };
  }
  const hint = req.fetchHint ? `; get it with \`${req.fetchHint}\`` : '';
  throw new UserError(`${req.dataset}: data not found (looked for ${describe(req.files)} in ${tried.join(', ')})${hint}`);
}

function describe(files: string[][]): string {
  return files.map((alts) => alts[0]).join(', ');
}
