// Atomic writes: a file or a whole folder is built under a temporary name beside its final
// place and renamed into it, so a reader (or a crash) never sees it half-written.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** This machine's name as temporary names carry it (the characters a file name can take). */
export const THIS_HOST = hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';

// The host and the pid of the writer are in the name, so that a cleaner can tell a live
// writer's folder (another task, perhaps on another machine) from a dead one's leftover.
function tempName(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${THIS_HOST}-${process.pid}-${counter++}`);
}

/**
 * The writer of a temporary name made by tempName: its host and pid; host null for a name from
 * before hosts were recorded (`.x.tmp-PID-N`). null when `name` is not a temporary name.
 */
export function tempWriter(name: string): { host: string | null; pid: number } | null {
  const m = /^\..+\.tmp-(?:(.+)-)?(\d+)-(\d+)$/.exec(name);
  return m ? { host: m[1] ?? null, pid: Number(m[2]) } : null;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Calls `fill(tmpDir)` to write a folder's contents, then moves it to `finalDir`, replacing an
 * earlier folder of the same name. On any error the temporary folder is removed.
 */
export function writeDirAtomic(finalDir: string, fill: (dir: string) => void): void {
  mkdirSync(dirname(finalDir), { recursive: true });
  const tmp = tempName(finalDir);
  mkdirSync(tmp);
  try {
    fill(tmp);
    const old = tempName(finalDir);
    let moved = false;
    try {
      renameSync(finalDir, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(tmp, finalDir);
    if (moved) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
