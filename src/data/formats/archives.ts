// Unpacking the benchmark archives with well-kept libraries: zip with fflate (streamed, one
// member at a time, so a 250 MB archive is never held whole), tar with the `tar` package; and
// reading single members of a zip in place (fflate's unzipSync with a filter). A member whose
// name would land outside the target folder (absolute, or with a `..` part) is refused.
// Unpacking ends by writing `<archive>.extracted` beside the archive, listing what was
// written; `extractOnce` skips an archive whose list is there and whose files all exist.

import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { extract as tarExtract } from 'tar';
import { DataError } from '../../errors.js';

/** The target of member `name` inside `dir`, or null when the name would leave `dir`. */
function memberTarget(dir: string, name: string): string | null {
  const clean = normalize(name);
  if (isAbsolute(name) || clean.split(/[\\/]/).includes('..') || clean.startsWith(sep)) return null;
  return join(dir, clean);
}

/** Unpacks every file of a zip archive into `dir`; returns the member names written. */
export async function extractZip(archive: string, dir: string): Promise<string[]> {
  const written: string[] = [];
  let failure: Error | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (failure || file.name.endsWith('/')) return;
    const target = memberTarget(dir, file.name);
    if (!target) {
      failure = new DataError(archive, `member '${file.name}' would be written outside ${dir}; not unpacked`);
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.unpacking-${process.pid}`;
    const fd = openSync(temp, 'w');
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= new DataError(archive, `member '${file.name}' cannot be inflated (${err.message})`);
        closeSync(fd);
        return;
      }
      if (data.length) writeSync(fd, data);
      if (final) {
        closeSync(fd);
        renameSync(temp, target);
        written.push(file.name);
      }
    };
    file.start();
  };
  try {
    for await (const chunk of createReadStream(archive)) {
      unzip.push(chunk as Uint8Array);
      if (failure) break;
    }
    if (!failure) unzip.push(new Uint8Array(0), true);
  } catch (err) {
    failure ??= new DataError(archive, `cannot be read as a zip archive (${(err as Error).message})`);
  }
  if (failure) throw failure;
  if (written.length === 0) throw new DataError(archive, 'holds no files (not a zip archive?)');
  return written;
}

/** Unpacks every file of a tar archive into `dir`; returns the member names written. */
export async function extractTar(archive: string, dir: string): Promise<string[]> {
  const written: string[] = [];
  mkdirSync(dir, { recursive: true });
  try {
    await tarExtract({
      file: archive, cwd: dir, strict: true,
      filter: (path, entry) => {
        const ok = memberTarget(dir, path) !== null;
        if (ok && 'type' in entry && entry.type === 'File') written.push(path);
        return ok;
      },
    });
  } catch (err) {
    throw new DataError(archive, `cannot be unpacked as a tar archive (${(err as Error).message.split('\n')[0]})`);
  }
  if (written.length === 0) throw new DataError(archive, 'holds no files (not a tar archive?)');
  return written;
}

function markerPath(archive: string): string {
  return join(dirname(archive), `${basename(archive)}.extracted`);
}

/**
 * Unpacks `archive` into its own folder unless an earlier unpacking finished (its list of
 * members is there and every member exists). Returns whether it unpacked now.
 */
export async function extractOnce(archive: string, unpack: (archive: string, dir: string) => Promise<string[]>): Promise<boolean> {
  const dir = dirname(archive);
  const marker = markerPath(archive);
  if (existsSync(marker)) {
    const members = readFileSync(marker, 'utf8').split('\n').filter(Boolean);
    if (members.every((m) => existsSync(join(dir, m)))) return false;
  }
  const members = await unpack(archive, dir);
  writeFileSync(marker, members.join('\n') + '\n');
  return true;
}

/** The named members of a zip archive, read in place (only they are inflated). */
export function readZipMembers(archive: string, names: string[]): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  const want = new Set(names);
  try {
    files = unzipSync(readFileSync(archive), { filter: (f) => want.has(f.name) });
  } catch (err) {
    throw new DataError(archive, `cannot be read as a zip archive (${(err as Error).message})`);
  }
  const missing = names.filter((n) => !files[n]);
  if (missing.length) throw new DataError(archive, `holds no ${missing.join(', ')}`);
  return new Map(names.map((n) => [n, files[n]]));
}
