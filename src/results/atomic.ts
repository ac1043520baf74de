// Atomic writes: a file or a whole folder is built under a temporary name beside its final
// place and renamed into it, so a reader (or a crash) never sees it half-written.
//
// Leftovers: a temporary name carries the writer's host and pid (`.<name>.tmp-<host>-<pid>-<n>`).
// While one is being written, SIGINT, SIGTERM and SIGHUP are held until the write is over (the
// write is synchronous, so a handler runs only after it) and then end the process as they would
// have; and the first write into a folder removes the temporary entries there whose writer, on
// this host, is gone (killed with -9, say).
//
// A write that fails (a full disk, a file size limit, a fill that throws) leaves nothing: not
// the temporary name, nor the folders made on the way to it (those still empty).

import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileKind, makeDirs, removeMadeDirs } from '../data/dirs.js';
import { processAlive } from '../data/fetch.js';
import { UserError } from '../errors.js';

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

/** Temporary paths being written now, with the folders made for them; a signal handler removes any still there. */
const live = new Map<string, string[]>();
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
let held = 0;
let releaseTimer: NodeJS.Timeout | null = null;

function onSignal(signal: NodeJS.Signals): void {
  for (const [p, made] of live) {
    rmSync(p, { recursive: true, force: true });
    removeMadeDirs(made);
  }
  process.exit(EXIT_CODES[signal] ?? 1);
}

/** Holds the signals for the duration of a write; the handlers stay a moment longer, for a signal that came during it. */
function holdSignals(): () => void {
  if (held++ === 0) {
    if (releaseTimer) clearTimeout(releaseTimer);
    else for (const s of Object.keys(EXIT_CODES)) process.on(s, onSignal);
    releaseTimer = null;
  }
  return () => {
    if (--held > 0) return;
    releaseTimer = setTimeout(() => {
      releaseTimer = null;
      if (held === 0) for (const s of Object.keys(EXIT_CODES)) process.off(s, onSignal);
    }, 100);
    releaseTimer.unref();
  };
}

/** A leftover from another machine is removed only when older than this (its writer cannot be asked). */
export const LEFTOVER_MAX_AGE_HOURS = 24;

/**
 * Removes the temporary entries in `dir` whose writer is provably gone: on this host, a pid no
 * longer running (names from before hosts were recorded count as this host's); from another
 * host, only when older than LEFTOVER_MAX_AGE_HOURS. A folder another writer is filling right
 * now, here or on another node, is left alone. Returns how many were removed.
 */
export function removeDeadTemps(dir: string, now = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const w = tempWriter(name);
    if (!w) continue;
    const path = join(dir, name);
    let dead: boolean;
    if ((w.host ?? THIS_HOST) === THIS_HOST) dead = w.pid !== process.pid && !processAlive(w.pid);
    else {
      try {
        dead = now - statSync(path).mtimeMs > LEFTOVER_MAX_AGE_HOURS * 3600_000;
      } catch {
        continue; // gone meanwhile
      }
    }
    if (dead) {
      rmSync(path, { recursive: true, force: true });
      n++;
    }
  }
  return n;
}

const swept = new Set<string>();

/** removeDeadTemps, once per folder per process: the first write into a folder sweeps it. */
export function removeStaleTemps(dir: string): number {
  if (swept.has(dir)) return 0;
  swept.add(dir);
  return removeDeadTemps(dir);
}

/**
 * Refuses to put a file or folder in place of something else: a device, a FIFO, a socket, a
 * folder where a file goes or a file where a folder goes (renaming over /dev/null as root would
 * replace the device). A new path is fine.
 */
function checkReplaceable(path: string, want: 'file' | 'folder'): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return; // nothing there (or unreachable: the write names the problem)
  }
  if (want === 'file' ? st.isFile() : st.isDirectory()) return;
  throw new UserError(`${path}: is ${fileKind(st)}, not a ${want === 'file' ? 'regular file' : 'folder'}; not replaced`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  checkReplaceable(path, 'file');
  const made = makeDirs(dirname(path));
  removeStaleTemps(dirname(path));
  const tmp = tempName(path);
  const release = holdSignals();
  live.set(tmp, made);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    removeMadeDirs(made);
    throw err;
  } finally {
    live.delete(tmp);
    release();
  }
}

/**
 * Calls `fill(tmpDir)` to write a folder's contents, then moves it to `finalDir`, replacing an
 * earlier folder of the same name (never anything else). On any error the temporary folder is removed, an earlier
 * folder stays where it was, and the folders made above `finalDir` are removed while empty.
 */
export function writeDirAtomic(finalDir: string, fill: (dir: string) => void): void {
  checkReplaceable(finalDir, 'folder');
  const made = makeDirs(dirname(finalDir));
  removeStaleTemps(dirname(finalDir));
  const tmp = tempName(finalDir);
  const old = tempName(finalDir);
  const release = holdSignals();
  live.set(tmp, made);
  let moved = false;
  try {
    mkdirSync(tmp);
    fill(tmp);
    try {
      renameSync(finalDir, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(tmp, finalDir);
    if (moved) {
      moved = false;
      rmSync(old, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (moved) renameSync(old, finalDir); // the new folder did not take its place: the earlier one goes back
    removeMadeDirs(made);
    throw err;
  } finally {
    live.delete(tmp);
    release();
  }
}
