// Tags and a note of a run (`dwgd runs tag`, `dwgd runs note`), kept beside its record in the
// run folder as annotations.json, never in run.json: they say what a person thinks of a run, not
// what the run computed. The file is written atomically (atomic.ts); a rerun of the run carries it
// over as it does any file dwgd does not write (run-record.ts writeRunFolder).
//
//   {"format": "dwgd-annotations/1", "tags": ["baseline", "good"], "note": "lr too high?"}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote, shownPath } from '../config/quote.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

export const ANNOTATIONS_FILE = 'annotations.json';
export const ANNOTATIONS_FORMAT = 'dwgd-annotations/1';

export interface Annotations {
  tags: string[];
  note: string;
}

/** A tag: a letter or digit, then letters, digits and . _ - : + / (no spaces, commas or =, so `tag=x` reads one way). */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+/-]*$/;
export const TAG_MAX = 64;
export const NOTE_MAX = 10_000;

export function checkTag(tag: string): void {
  if (!TAG_PATTERN.test(tag) || tag.length > TAG_MAX) {
    throw new UserError(`tag ${quote(tag)}: a tag is a letter or digit, then letters, digits and . _ - : + / (at most ${TAG_MAX} characters)`);
  }
}

/** A run folder's annotations: none when it has no annotations.json; one line naming the file when that is damaged. */
export function readAnnotations(runDir: string): Annotations {
  const file = join(runDir, ANNOTATIONS_FILE);
  if (!existsSync(file)) return { tags: [], note: '' };
  const bad = (what: string) => new UserError(`${shownPath(file)}: ${what} (edit it, or delete it to drop the run's tags and note)`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(e instanceof SyntaxError ? 'not valid JSON' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const v = value as { format?: unknown; tags?: unknown; note?: unknown };
  if (typeof v !== 'object' || v === null || v.format !== ANNOTATIONS_FORMAT) throw bad(`expected an object with format ${ANNOTATIONS_FORMAT}`);
  if (!Array.isArray(v.tags) || !v.tags.every((t) => typeof t === 'string' && TAG_PATTERN.test(t))) throw bad('tags: expected a list of tags');
  if (typeof v.note !== 'string') throw bad('note: expected a string');
  return { tags: v.tags as string[], note: v.note };
}

function write(runDir: string, a: Annotations): void {
  writeFileAtomic(join(runDir, ANNOTATIONS_FILE), `${JSON.stringify({ format: ANNOTATIONS_FORMAT, tags: a.tags, note: a.note }, null, 1)}\n`);
}

/** Adds tags (or with `remove`, takes them away); returns the run's tags after. Every tag is checked before anything is written. */
export function tagRun(runDir: string, tags: readonly string[], remove = false): string[] {
  if (tags.length === 0) throw new UserError('runs tag: give at least one tag');
  for (const t of tags) checkTag(t);
  const a = readAnnotations(runDir);
  const next = remove ? a.tags.filter((t) => !tags.includes(t)) : [...new Set([...a.tags, ...tags])];
  write(runDir, { ...a, tags: next });
  return next;
}

/** Sets the run's note ('' clears it). */
export function noteRun(runDir: string, note: string): void {
  if (note.length > NOTE_MAX) throw new UserError(`runs note: the note has ${note.length.toLocaleString('en-US')} characters; at most ${NOTE_MAX.toLocaleString('en-US')}`);
  const a = readAnnotations(runDir);
  write(runDir, { ...a, note });
}
