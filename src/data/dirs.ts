// Making folders, and unmaking the ones a failed write made. Node's own
// `mkdirSync(dir, { recursive: true })` retries for ever when mkdir answers ENOENT under a
// parent that exists, which is what /proc and /sys do (issue 20: a cache folder under /proc
// hung `dwgd train` with no output). makeDirs walks up once, creates each missing level once,
// and throws the file system's error; it also says which folders it made, so that a writer
// that fails can remove them again (removeMadeDirs) instead of leaving empty folders behind.

import { mkdirSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `dir` and every missing folder above it. Returns the folders it created, outermost
 * first (empty when `dir` was already a folder). Throws the file system's error (ENOTDIR when a
 * part of the path is a file, ENOENT or EACCES when a level cannot be created).
 */
export function makeDirs(dir: string): string[] {
  const made: string[] = [];
  for (const level of absentDirs(dir)) {
    try {
      mkdirSync(level);
      made.push(level);
    } catch (e) {
      // Another process made it meanwhile: fine, as long as it is a folder.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && isDir(level)) continue;
      removeMadeDirs(made);
      throw e;
    }
  }
  return made;
}

/**
 * The folders of `dir`'s path that do not exist yet, outermost first (what makeDirs would make);
 * throws ENOTDIR naming a file in the way.
 */
export function absentDirs(dir: string): string[] {
  const missing: string[] = [];
  let p = resolve(dir);
  for (;;) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      // ENOTDIR: a file further up; walking up finds it, and the error names it.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) throw e;
      missing.push(p);
      p = dirname(p);
      continue;
    }
    if (!st.isDirectory()) {
      const e: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${p}'`);
      Object.assign(e, { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path: p });
      throw e;
    }
    return missing.reverse();
  }
}

/** Removes the folders makeDirs made, innermost first, as long as they are empty; never throws. */
export function removeMadeDirs(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // already gone
      return; // not empty (something else is in it now): leave it and what is above it
    }
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** What a path that is in the way is, for a message: "a file", "a folder", "a character device"… */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a file or folder';
}
