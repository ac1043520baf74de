// `dwgd datasets fetch NAME` and `dataset.download: true`: bring a dataset's canonical files
// into datasets/<name>/, each checked against its recorded size and sha256.

import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { download, DownloadError, partialPath, sha256File, type DownloadOptions } from './download.js';
import type { CanonicalFile, DatasetSpec } from './spec.js';
import { cacheDir } from './sources.js';
import { UserError } from '../errors.js';

export interface FetchEvents {
  /** A file is about to be downloaded from `url`. */
  onStart?(file: CanonicalFile, url: string): void;
  onProgress?(file: CanonicalFile, received: number, total: number): void;
  /** The file is in place and verified (`cached`: it already was). */
  onDone?(file: CanonicalFile, dest: string, cached: boolean): void;
  /** Something worth a line: a mirror failed and the next is tried, a bad cached copy is replaced. */
  onNote?(message: string): void;
}

export interface FetchOptions {
  /** Target folder (default: the project's datasets/<name>/). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  events?: FetchEvents;
  idleTimeoutMs?: number;
}

export interface FetchedFile {
  file: CanonicalFile;
  dest: string;
  cached: boolean;
}

export async function fetchDataset(spec: DatasetSpec, opts: FetchOptions = {}): Promise<FetchedFile[]> {
  const dir = opts.dir ?? cacheDir(spec.name);
  const out: FetchedFile[] = [];
  for (const file of spec.canonical) out.push(await fetchFile({ ...file, urls: sourceUrls(spec.name, file, opts.env ?? process.env) }, dir, opts));
  if (spec.extract) await spec.extract(dir);
  return out;
}

/** The environment variable naming a mirror: a base URL holding <dataset>/<file name>. */
export const MIRROR_ENV = 'DWGD_MIRROR';

/** Where to get a file: `$DWGD_MIRROR/<dataset>/<file>` when a mirror is set (and only there), else the recorded URLs. */
export function sourceUrls(dataset: string, file: CanonicalFile, env: NodeJS.ProcessEnv): string[] {
  const mirror = env[MIRROR_ENV]?.trim();
  if (!mirror) return file.urls;
  let base: URL;
  try {
    base = new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
  } catch {
    throw new UserError(`${MIRROR_ENV}: '${mirror}' is not a URL like https://mirror.example.org/dwgd/`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UserError(`${MIRROR_ENV}: '${mirror}' must be an http or https URL`);
  return [new URL(`${encodeURIComponent(dataset)}/${encodeURIComponent(file.name)}`, base).href];
}

export async function fetchFile(file: CanonicalFile, dir: string, opts: FetchOptions = {}): Promise<FetchedFile> {
  const events = opts.events ?? {};
  const dest = join(dir, file.name);
  removeStaleParts(dir, file.name, file.resumable);
  let hadCopy = false;
  if (isFile(dest)) {
    const check = await checkFile(dest, file);
    if (check.ok) {
      events.onDone?.(file, dest, true);
      return { file, dest, cached: true };
    }
    // Kept until a verified download is renamed over it: a failed download must not cost the old copy.
    events.onNote?.(`${dest}: ${check.problem}; downloading it again`);
    hadCopy = true;
  }
  const dlOpts: DownloadOptions = {
    env: opts.env,
    idleTimeoutMs: opts.idleTimeoutMs,
    onProgress: (received, total) => events.onProgress?.(file, received, total),
  };
  let lastError: Error | null = null;
  for (const url of file.urls) {
    // A resumable file whose transfer broke after some bytes is resumed from the same source a few times.
    for (let attempt = 1; ; attempt++) {
      events.onStart?.(file, url);
      try {
        await download({ url, dest, size: file.size, sha256: file.sha256, resumable: file.resumable }, dlOpts);
        events.onDone?.(file, dest, false);
        return { file, dest, cached: false };
      } catch (err) {
        // A wrong checksum is never papered over by trying a mirror: it fails loudly.
        if (!(err instanceof DownloadError) || !err.retryable) throw keptNote(err, hadCopy, dest);
        lastError = err;
        if (file.resumable && attempt < RESUME_ATTEMPTS && isFile(partialPath(dest))) {
          events.onNote?.(`${err.message}; resuming`);
          continue;
        }
        if (file.urls.length > 1 && url !== file.urls[file.urls.length - 1]) events.onNote?.(`${err.message}; trying the next source`);
        break;
      }
    }
  }
  throw keptNote(lastError ?? new UserError(`${file.name}: no download location recorded`), hadCopy, dest);
}

/** How often one fetch resumes a resumable file from one source before giving up (the kept bytes stay). */
const RESUME_ATTEMPTS = 3;

function keptNote(err: unknown, hadCopy: boolean, dest: string): unknown {
  if (!hadCopy || !(err instanceof UserError)) return err;
  return new UserError(`${err.message}; the earlier copy ${dest} is left as it was`);
}

export interface FileCheck {
  ok: boolean;
  /** What is wrong, when not ok. */
  problem?: string;
}

/** Compares a file on disk with its recorded size and sha256. */
export async function checkFile(path: string, file: CanonicalFile): Promise<FileCheck> {
  const size = statSync(path).size;
  if (size !== file.size) return { ok: false, problem: `${size.toLocaleString('en-US')} bytes, the canonical file has ${file.size.toLocaleString('en-US')}` };
  const sha = await sha256File(path);
  if (sha !== file.sha256) return { ok: false, problem: `sha256 ${sha} differs from the canonical ${file.sha256}` };
  return { ok: true };
}

/** Temporary files left by a download that was killed outright (kill -9, power loss). */
function removeStaleParts(dir: string, name: string, resumable = false): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${name}.part-`)) continue;
    const pid = Number(n.slice(name.length + 6).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue; // another fetch at work
    // A resumable file's bytes from a killed fetch become its partial copy, unless one is there.
    if (resumable && !isFile(partialPath(join(dir, name)))) renameSync(join(dir, n), partialPath(join(dir, name)));
    else rmSync(join(dir, n), { force: true });
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether a process with this pid runs on this machine (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
