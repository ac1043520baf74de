// The identity of the data a run used: every file it read, by name, size and sha-256. Hashing
// MNIST or CIFAR-10 takes a noticeable fraction of a second, so each file's hash is cached by
// its absolute path, size and modification time (in $DWGD_CACHE_DIR, else
// $XDG_CACHE_HOME/dwgd, else ~/.cache/dwgd); a file that changes gets hashed again.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { makeDirs } from './dirs.js';

export interface DataFile {
  /** The file's name (no folder: where it was found is machine-specific and lives in provenance.json). */
  name: string;
  size: number;
  sha256: string;
}

export interface DataIdentity {
  files: DataFile[];
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

const CACHE_FORMAT = 'dwgd-sha256-cache/1';

export function hashCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DWGD_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dwgd');
  return join(dir, 'sha256.json');
}

let memo: { file: string; entries: Record<string, CacheEntry> } | null = null;

/** Forget the in-memory copy of the cache (tests: as a new process would start). */
export function forgetHashCache(): void {
  memo = null;
}

function loadCache(file: string): Record<string, CacheEntry> {
  if (memo && memo.file === file) return memo.entries;
  let entries: Record<string, CacheEntry> = {};
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; entries?: Record<string, CacheEntry> };
    if (data.format === CACHE_FORMAT && data.entries && typeof data.entries === 'object') entries = data.entries;
  } catch {
    // No cache yet, or an unreadable one: start afresh.
  }
  memo = { file, entries };
  return entries;
}

function saveCache(file: string, entries: Record<string, CacheEntry>): void {
  // Best effort: a read-only home, or a cache folder that cannot hold files (one under /proc),
  // only costs a re-hash next time.
  try {
    makeDirs(dirname(file));
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, entries }) + '\n');
    renameSync(tmp, file);
  } catch {
    // ignore
  }
}

/** sha-256 of a file's bytes, streamed in 4 MiB pieces. */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A file's identity, from the cache when its size and modification time are unchanged. */
export function identifyFile(path: string, env: NodeJS.ProcessEnv = process.env): DataFile {
  const abs = resolve(path);
  const st = statSync(abs);
  const cacheFile = hashCacheFile(env);
  const entries = loadCache(cacheFile);
  const hit = entries[abs];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return { name: basename(abs), size: st.size, sha256: hit.sha256 };
  const sha256 = sha256File(abs);
  entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
  saveCache(cacheFile, entries);
  return { name: basename(abs), size: st.size, sha256 };
}

export function identifyFiles(paths: string[], env: NodeJS.ProcessEnv = process.env): DataIdentity {
  return { files: paths.map((p) => identifyFile(p, env)) };
}
