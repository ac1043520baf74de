// What a finished run folder must hold, checked by every reader of runs (issue 20): `dwgd runs`,
// `runs show`, `runs diff`, `export`, and --resume (run-record.ts verifiedRun) before a record is
// reused. A damaged run (a record emptied or cut short, a metric that is not a number, a file
// missing) is named in one line, "<path>: <what is wrong>", instead of crashing a reader with a
// stack trace, being skipped without a word, or being reused as if it were whole.
//
// run.json writes NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity" (run-record.ts
// encodeRun); they count as numbers here, before or after decodeRun. Any other string where a
// number belongs is damage.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeZodError } from '../config/load.js';
import { ExperimentSchema } from '../config/schema.js';
import { recordProblem } from '../experiment/record.js';
import { decodeRun, RUN_FORMAT, type StoredRun } from './run-record.js';
import { methodIds } from '../config/methods.js';

/** The files of a run folder that hold the run: a folder with these, whole, holds a finished run. */
export const RUN_RECORD_FILES = ['run.json', 'provenance.json', 'config.yaml'] as const;
/**
 * Views of run.json that writeRunFolder (run-record.ts) also writes: the per-method rows and the
 * table `train` prints. They add nothing to the record, so a folder may lack them (a published
 * study can leave them out of its commits); --resume writes the missing ones again.
 */
export const RUN_VIEWS = ['metrics.csv', 'metrics.jsonl', 'table.md'] as const;
/** Every file writeRunFolder puts in a run folder. */
export const RUN_FILES = [...RUN_RECORD_FILES, ...RUN_VIEWS] as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** "missing" or "is <value>, expected <what>". */
function wrong(key: string, v: unknown, expected: string): string {
  return v === undefined ? `${key} missing` : `${key} is ${show(v)}, expected ${expected}`;
}

/**
 * The first problem of a run.json's content (parsed, decoded or not), as "key: what is wrong";
 * null when it is a whole record of a finished run of this format.
 */
export function validateStoredRun(value: unknown): string | null {
  if (!isObj(value)) return `is ${show(value)}, expected a JSON object`;
  if (value.format !== RUN_FORMAT) return typeof value.format === 'string' ? `format ${value.format}; this dwgd reads ${RUN_FORMAT}` : wrong('format', value.format, RUN_FORMAT);
  if (typeof value.runId !== 'string' || value.runId === '') return wrong('runId', value.runId, 'a run id');
  if (typeof value.configHash !== 'string' || value.configHash === '') return wrong('configHash', value.configHash, 'a hash');
  if (value.config === undefined) return 'config missing';
  const parsed = ExperimentSchema.safeParse(value.config, { reportInput: true });
  if (!parsed.success) return describeZodError('config', parsed.error);
  const config = parsed.data;
  if (!config.name) return 'config.name missing';

  if (value.data !== null) {
    if (!isObj(value.data) || !Array.isArray(value.data.files)) return wrong('data', value.data, 'null or {files: [...]}');
    for (const [i, f] of value.data.files.entries()) {
      if (!isObj(f) || typeof f.name !== 'string' || !isCount(f.size) || typeof f.sha256 !== 'string') return wrong(`data.files[${i}]`, f, '{name, size, sha256}');
    }
  }
  if (!isObj(value.code)) return wrong('code', value.code, '{version, fingerprint}');
  for (const k of ['version', 'fingerprint']) if (typeof value.code[k] !== 'string' || value.code[k] === '') return wrong(`code.${k}`, value.code[k], 'a string');

  const r = value.record;
  if (!isObj(r)) return wrong('record', r, 'an object');
  if (Object.keys(r).length === 0) return 'record is empty';
  // Every method of the config, with a number per turn; then the record's schema
  // (experiment/record.ts) on its numbers as decodeRun gives them.
  if (isObj(r.methods)) {
    for (const m of methodIds(config)) {
      const x = r.methods[m];
      if (x === undefined) return `record.methods.${m} missing`;
      if (isObj(x) && Array.isArray(x.perTurn) && x.perTurn.length !== config.turns) {
        return `record.methods.${m}.perTurn has ${x.perTurn.length} value${x.perTurn.length === 1 ? '' : 's'}, expected ${config.turns}`;
      }
    }
  }
  // Decoded or not, the numbers go through run.json's own spelling of NaN and ±Infinity once.
  return recordProblem(decodeRun(JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))));
}

/** The first problem of provenance.json's content, or null (the fields `dwgd runs show` prints). */
export function validateProvenance(value: unknown): string | null {
  if (!isObj(value)) return `is ${show(value)}, expected a JSON object`;
  for (const k of ['dwgdVersion', 'node', 'platform', 'startedAt', 'endedAt']) if (typeof value[k] !== 'string') return wrong(k, value[k], 'a string');
  if (typeof value.wallSeconds !== 'number') return wrong('wallSeconds', value.wallSeconds, 'a number');
  if (!Array.isArray(value.command) || !value.command.every((a) => typeof a === 'string')) return wrong('command', value.command, 'a list of strings');
  if (!isObj(value.cpu) || typeof value.cpu.model !== 'string') return wrong('cpu', value.cpu, '{model, cores}');
  if (value.git !== null && (!isObj(value.git) || typeof value.git.commit !== 'string')) return wrong('git', value.git, 'null or {commit, dirty}');
  return null;
}

/** A path as the user will recognise it: relative to the working folder when under it. */
export function shownPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** A run folder read and checked: the run, or the one line that says what is wrong with it. */
export type CheckedRun = { ok: true; dir: string; stored: StoredRun } | { ok: false; dir: string; problem: string };

/**
 * Reads and checks the run folder `dir`: run.json's content, provenance.json's, and every file that
 * holds a finished run (RUN_RECORD_FILES; the views may be missing). `stored`: run.json as already read (decoded), to check that
 * instead of reading it again. The problem line names the file: "<dir>/run.json: record.metric
 * missing", "<dir>: metrics.csv missing".
 */
export function checkRunFolder(dir: string, stored?: unknown): CheckedRun {
  const at = (file: string, problem: string) => ({ ok: false as const, dir, problem: `${shownPath(join(dir, file))}: ${problem}` });
  let value = stored;
  if (value === undefined) {
    const file = join(dir, 'run.json');
    if (!existsSync(file)) return { ok: false, dir, problem: `${shownPath(dir)}: run.json missing` };
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return at('run.json', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      value = decodeRun(text);
    } catch {
      return at('run.json', text.trim() === '' ? 'empty' : 'not valid JSON (cut short?)');
    }
  }
  const problem = validateStoredRun(value);
  if (problem) return at('run.json', problem);
  for (const name of RUN_RECORD_FILES) {
    let isFile = false;
    try {
      isFile = statSync(join(dir, name)).isFile();
    } catch {
      // missing
    }
    if (!isFile) return { ok: false, dir, problem: `${shownPath(dir)}: ${name} missing (a finished run holds ${RUN_RECORD_FILES.join(', ')})` };
  }
  try {
    const p = validateProvenance(JSON.parse(readFileSync(join(dir, 'provenance.json'), 'utf8')));
    if (p) return at('provenance.json', p);
  } catch {
    return at('provenance.json', 'not valid JSON (cut short?)');
  }
  return { ok: true, dir, stored: value as StoredRun };
}

/** checkRunFolder's problem line, or null when the folder holds a whole run (for --resume: never reuse a damaged one). */
export function runFolderProblem(dir: string, stored?: unknown): string | null {
  const c = checkRunFolder(dir, stored);
  return c.ok ? null : c.problem;
}
