// One dwgd at a time on an output folder (issue 20). A second process on a folder in use stops
// at once, in one line naming the folder and the process that has it, instead of both writing
// into it.
//
// The lock is a file in the folder, `.dwgd.lock`, holding who has it: {pid, host, started,
// command, what}. It is created whole or not at all (written under a temporary name, then
// hard-linked to its place, which fails if it exists), so a reader never sees half of one. It is
// removed when the holder releases it or exits; a holder killed with -9 leaves it behind, and the
// next process on the same host finds that pid gone and takes the lock over. (SIGINT, SIGTERM and
// SIGHUP remove it too, as the exit hooks would.) A lock from another
// host cannot be checked (its pid means nothing here): it is honoured, and the message says which
// file to delete if that process is known to be gone.
//
// Parts: the shards of one compare or sweep run at once into one folder (a Slurm array, say),
// each on its own runs. A lock with a `part` (`.dwgd.lock.<part>`) excludes the same part and the
// whole folder, not other parts; the whole-folder lock excludes every part. Each side creates its
// own file first and then looks for the other kind, so of two that start together at least one
// sees the other (and both may refuse, never both proceed).
//
// Not proper-lockfile: its staleness is an mtime that the holder must keep touching from a timer,
// which a main thread busy for a few seconds (rendering plots, a long synchronous write) misses,
// and it records no pid or command to name in the message. A dead holder is known here exactly,
// from its pid, as the temporary names of atomic.ts are.

import { createHash } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { makeDirs, removeMadeDirs } from '../data/dirs.js';
import { processAlive } from '../data/fetch.js';
import { UserError } from '../errors.js';
import { THIS_HOST } from './atomic.js';

export const LOCK_FILE = '.dwgd.lock';

// `using lock = lockFolder(…)` needs Symbol.dispose, which Node has from 20.4 on (package.json
// allows any 20); before that, the symbol Node then adopted.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('nodejs.dispose');

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601, UTC. */
  started: string;
  /** The holder's command line ("dwgd compare --config …"). */
  command: string;
  /** What it is doing, in a few words ("compare paper: …"). */
  what: string;
}

/** Releases the lock (again: nothing); also a `Disposable`, for `using lock = lockFolder(…)`. */
export type FolderLock = (() => void) & Disposable;

/** An unreadable lock file younger than this may be one being written (without hard links): honoured. */
const UNREADABLE_GRACE_MS = 10_000;

/** Lock files this process holds → their exact text (a lock is removed only while it is still ours). */
const held = new Map<string, string>();
let exitHooked = false;
let counter = 0;

/**
 * Locks `dir` (made if missing) for this process until the returned function is called or the
 * process exits. `what` says what the holder does, for the message another process prints.
 * With `part`, only that part of the folder is locked (see the head of this file). Throws a
 * UserError naming the folder and the holder when the folder (or that part) is in use, this
 * process included; a lock whose holder is gone (same host, pid not running) is taken over.
 */
export function lockFolder(dir: string, what: string, part?: string): FolderLock {
  const abs = resolve(dir);
  const made = makeDirs(abs);
  const file = lockPath(abs, part);
  const text = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: commandLine(), what } satisfies LockHolder) + '\n';
  try {
    acquire(abs, file, text);
    // The other kind: parts when locking the whole folder, the whole folder when locking a part.
    const other = part === undefined ? liveParts(abs) : liveLock(join(abs, LOCK_FILE));
    if (other) {
      removeIfOurs(file, text);
      throw busy(abs, other.file, other.holder);
    }
  } catch (e) {
    removeMadeDirs(made);
    throw e;
  }
  held.set(file, text);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', releaseAll);
  }
  if (held.size === 1) for (const s of SIGNALS) process.on(s, onSignal);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(file);
    removeIfOurs(file, text);
    removeMadeDirs(made);
    if (held.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
  };
  return Object.assign(release, { [Symbol.dispose]: release });
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function releaseAll(): void {
  for (const [f, t] of held) removeIfOurs(f, t);
  held.clear();
}

/**
 * A signal that would end the process without its exit hooks (no other handler: `train`, `sweep`
 * under a scheduler's SIGTERM) first removes the locks, then ends it as the signal would have.
 * With another handler (compare's Ctrl-C, atomic.ts during a write), that one ends the process
 * through process.exit, and the exit hook removes them.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/** Who holds `dir` (or its `part`), or null when nobody does (a dead holder's lock counts as nobody). */
export function lockHolder(dir: string, part?: string): LockHolder | null {
  const abs = resolve(dir);
  return liveLock(lockPath(abs, part))?.holder ?? null;
}

function lockPath(dir: string, part?: string): string {
  if (part === undefined) return join(dir, LOCK_FILE);
  // A short, safe name: the part itself when it is one, else its hash.
  const name = /^[A-Za-z0-9_-]{1,64}$/.test(part) ? part : createHash('sha256').update(part).digest('hex').slice(0, 16);
  return join(dir, `${LOCK_FILE}.${name}`);
}

/** A temporary name atomic.ts's sweep recognises (`.x.tmp-<host>-<pid>-<n>`), so a kill -9 leaves nothing for long. */
function tempBeside(file: string): string {
  return join(resolve(file, '..'), `${basename(file)}.tmp-${THIS_HOST}-${process.pid}-${counter++}`);
}

/** Creates `file` with `text` unless it exists; false when it does. */
function create(file: string, text: string): boolean {
  const tmp = tempBeside(file);
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    // No hard links on this file system: create exclusively and write (a reader may then, for a
    // moment, see an empty file; it is honoured as "being written" for UNREADABLE_GRACE_MS).
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

interface Found {
  file: string;
  /** null: the file cannot be read or parsed. */
  holder: LockHolder | null;
  text: string;
}

function read(file: string): Found | 'gone' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return { file, holder: null, text: '' };
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    const ok = h && typeof h === 'object' && Number.isSafeInteger(h.pid) && typeof h.host === 'string';
    return { file, holder: ok ? h : null, text };
  } catch {
    return { file, holder: null, text };
  }
}

/** Whether the holder of a lock file is provably gone. */
function stale(found: Found): boolean {
  const h = found.holder;
  if (!h) {
    try {
      return Date.now() - statSync(found.file).mtimeMs > UNREADABLE_GRACE_MS;
    } catch {
      return true;
    }
  }
  if (h.host !== hostname()) return false; // cannot be asked
  // Our own pid: a lock of this process, or a leftover of an earlier process that had this pid
  // (a container restarted, say).
  if (h.pid === process.pid) return held.get(found.file) !== found.text;
  return !processAlive(h.pid);
}

function acquire(dir: string, file: string, text: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file, text)) return;
    const found = read(file);
    if (found === 'gone') continue; // released meanwhile: try again
    if (!stale(found)) throw busy(dir, file, found.holder);
    removeStale(found);
  }
  const found = read(file);
  throw busy(dir, file, found === 'gone' ? null : found.holder);
}

/**
 * Removes a stale lock, and only that one: it is renamed aside (of several processes doing this
 * at once, one succeeds), and if what was moved is not the stale lock read before (another
 * process has taken it over and locked meanwhile), it is put back.
 */
function removeStale(found: Found): void {
  const aside = tempBeside(found.file);
  try {
    renameSync(found.file, aside);
  } catch {
    return; // gone already: someone else removed it
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as the stale one
  }
  if (moved !== found.text && moved !== '') {
    try {
      linkSync(aside, found.file);
    } catch {
      // a third process has locked meanwhile; the one moved aside is lost to its holder
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}

/** The live lock at `file`, or null (absent, or its holder gone). */
function liveLock(file: string): Found | null {
  const found = read(file);
  if (found === 'gone' || stale(found)) return null;
  return found;
}

/** A live part lock in `dir`, if any. */
function liveParts(dir: string): Found | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names.sort()) {
    if (!name.startsWith(`${LOCK_FILE}.`) || name.includes('.tmp-')) continue;
    const live = liveLock(join(dir, name));
    if (live) return live;
  }
  return null;
}

function removeIfOurs(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) unlinkSync(file);
  } catch {
    // gone
  }
}

function busy(dir: string, file: string, h: LockHolder | null): UserError {
  if (!h) return new UserError(`${dir} is in use by another dwgd (its lock file ${file} cannot be read); wait for it to end, or use another --out`);
  const who = h.pid === process.pid && h.host === hostname() ? 'this process' : 'another dwgd';
  const since = h.started ? ` since ${String(h.started).slice(0, 19).replace('T', ' ')} UTC` : '';
  const doing = h.command || h.what;
  const elsewhere = h.host !== hostname() ? `; if that process is gone, delete ${file}` : '';
  return new UserError(`${dir} is in use by ${who}: pid ${h.pid} on ${h.host}${since}${doing ? ` (${oneLine(doing)})` : ''}; wait for it to end, or use another --out${elsewhere}`);
}

function oneLine(s: string): string {
  const flat = String(s).replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** This process's command line as a user typed it: "dwgd compare --config a.yaml" for bin/dwgd.js. */
function commandLine(): string {
  const [script = 'node', ...args] = process.argv.slice(1);
  const name = /^dwgd(\.js)?$/.test(basename(script)) ? 'dwgd' : basename(script);
  return [name, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(' ');
}
