// The run index behind `dwgd runs`: every run folder under a results folder (train's
// <name>/<run id>/ and compare's and sweep's runs/<run id>/); one row per trained model (a run
// × one of its methods) with every config key, its metrics and the run's tags and note, filtered
// (where.ts), sorted and reduced to the columns that differ; one run found by a unique prefix of
// its id; and the config keys and metrics in which two runs differ. Every folder holding a
// run.json is a run folder, checked whole (validate-run.ts): a damaged one is listed with the one
// line saying what is wrong, never summarised or skipped. Reads only; the CLI prints.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { quote, shownPath } from '../config/quote.js';
import { archName, type ExperimentConfig } from '../config/schema.js';
import { closest } from '../config/suggest.js';
import { UserError } from '../errors.js';
import type { Provenance } from '../experiment/provenance.js';
import { isIdentity, type EvalPoint } from '../data/eval-axes/index.js';
import { readAnnotations, TAG_PATTERN } from './annotations.js';
import { isNoisyTest } from './protocol.js';
import { pointText, type StoredRun } from './run-record.js';
import { checkRunFolder } from './validate-run.js';
import { WHERE, type WhereNode, type WhereValue } from './where.js';
import { methodIds } from '../config/methods.js';

export interface IndexedRun {
  /** The run folder (absolute). */
  dir: string;
  stored: StoredRun;
  provenance: Provenance | null;
}

/** A run folder that is not a whole run: its folder, its id (the folder's name) and what is wrong, in one line naming the file. */
export interface DamagedRun {
  dir: string;
  runId: string;
  problem: string;
}

export interface RunIndex {
  runs: IndexedRun[];
  damaged: DamagedRun[];
}

/** Every run folder under `root`: the whole runs, oldest first (by start time, then folder), and the damaged ones by folder. */
export function indexRuns(root: string): RunIndex {
  const top = resolve(root);
  if (!existsSync(top)) throw new UserError(`${root}: no such folder (runs are looked for under it)`);
  if (!statSync(top).isDirectory()) throw new UserError(`${root}: not a folder`);
  const out: IndexedRun[] = [];
  const damaged: DamagedRun[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, 'run.json'))) {
      const c = checkRunFolder(dir);
      if (c.ok) out.push({ dir, stored: c.stored, provenance: readProvenance(dir) });
      else damaged.push({ dir, runId: basename(dir), problem: c.problem });
      return; // a run folder holds no further runs
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue; // temporary folders of runs in flight
      const p = join(dir, name);
      if (isDir(p)) walk(p);
    }
  };
  walk(top);
  const runs = out.sort((a, b) => (startOf(a) < startOf(b) ? -1 : startOf(a) > startOf(b) ? 1 : a.dir < b.dir ? -1 : 1));
  return { runs, damaged };
}

function startOf(r: IndexedRun): string {
  return r.provenance?.startedAt ?? '';
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readProvenance(dir: string): Provenance | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'provenance.json'), 'utf8')) as Provenance;
  } catch {
    return null;
  }
}

/**
 * The run whose id starts with `ref` (or whose folder is `ref`). Several folders of one run id
 * (e.g. the same experiment under train and compare) are ambiguous too: the error names them.
 */
export function findRun(root: string, ref: string): IndexedRun {
  const asDir = resolve(ref);
  if (existsSync(join(asDir, 'run.json'))) {
    const c = checkRunFolder(asDir);
    if (!c.ok) throw new UserError(c.problem);
    return { dir: asDir, stored: c.stored, provenance: readProvenance(asDir) };
  }
  const { runs, damaged } = indexRuns(root);
  const hits = runs.filter((r) => r.stored.runId.startsWith(ref));
  const bad = damaged.filter((d) => d.runId.startsWith(ref));
  if (hits.length === 1 && bad.length === 0) return hits[0];
  // A damaged run is named for what is wrong with it, not passed over.
  if (hits.length === 0 && bad.length === 1) throw new UserError(bad[0].problem);
  if (hits.length + bad.length === 0) throw new UserError(`${shownPath(ref)}: no run under ${shownPath(root)} has an id starting so (\`node bin/dwgd.js runs ${shownPath(root)}\` lists them)`);
  const dirs = [...hits.map((r) => r.dir), ...bad.map((d) => d.dir)];
  const shown = dirs.slice(0, 4).map((d) => relative(process.cwd(), d) || '.').join(', ');
  throw new UserError(`${shownPath(ref)}: ${dirs.length} runs match (${shown}${dirs.length > 4 ? ', …' : ''}); give more of the id or the run folder`);
}

export interface Difference {
  key: string;
  a: unknown;
  b: unknown;
}

export interface RunDiff {
  a: { runId: string; dir: string };
  b: { runId: string; dir: string };
  /** Config keys (dotted paths) whose values differ; a key absent on one side shows null there. */
  config: Difference[];
  /** Data files and code fingerprint, where they differ. */
  identity: Difference[];
  /** clean.<method>, noisy.<method>, status.<method>, and perTurn.<method> as lists. */
  metrics: Difference[];
}

/** What differs between two runs: only keys whose values are not equal. */
export function diffRuns(a: IndexedRun, b: IndexedRun): RunDiff {
  const { name: _na, ...ca } = a.stored.config;
  const { name: _nb, ...cb } = b.stored.config;
  return {
    a: { runId: a.stored.runId, dir: a.dir },
    b: { runId: b.stored.runId, dir: b.dir },
    config: differences(flatten(ca), flatten(cb)),
    identity: differences(identityOf(a.stored), identityOf(b.stored)),
    metrics: differences(metricsOf(a.stored), metricsOf(b.stored)),
  };
}

function identityOf(s: StoredRun): Record<string, unknown> {
  const out: Record<string, unknown> = { 'code.fingerprint': s.code?.fingerprint ?? null };
  for (const f of s.data?.files ?? []) out[`data.${f.name}`] = f.sha256;
  return out;
}

function metricsOf(s: StoredRun): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [m, x] of Object.entries(s.record.methods)) {
    out[`clean.${m}`] = x.clean;
    s.record.points.forEach((p, k) => {
      if (!isIdentity(p)) out[`${pointText(p)}.${m}`] = x.at[k].value;
    });
    out[`status.${m}`] = x.diverged ? `diverged at turn ${x.diverged.turn}` : x.collapsed ? 'collapsed' : 'ok';
    out[`perTurn.${m}`] = x.perTurn;
  }
  return out;
}

/** Dotted key → value for every leaf of a config (lists are leaves). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

function differences(a: Record<string, unknown>, b: Record<string, unknown>): Difference[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y) && !(Number.isNaN(x) !== Number.isNaN(y));
  return keys.filter((k) => !same(a[k], b[k])).map((k) => ({ key: k, a: a[k] ?? null, b: b[k] ?? null }));
}

/**
 * The run folder `ref` names, for every command that takes one run (export, runs show, diff,
 * tag, note): a path that exists or holds a slash is the folder itself; anything else is a run
 * id or a unique start of one under `root` (findRun: one line when none or several match).
 */
export function resolveRunRef(ref: string, root: string, command: string): string {
  if (ref === '') throw new UserError(`${command}: give a run folder, a run id or a unique start of one`);
  if (existsSync(ref) || /[\\/]/.test(ref)) return ref;
  return findRun(root, ref).dir;
}

/** The whole run `ref` names (resolveRunRef), checked; a folder that holds no run is one line. */
export function runByRef(ref: string, root: string, command: string): IndexedRun {
  const dir = resolveRunRef(ref, root, command);
  if (!existsSync(join(dir, 'run.json'))) throw new UserError(`${shownPath(ref)}: not a run folder (it holds no run.json)`);
  return findRun(root, dir);
}

// ---- One row per trained model ----

/**
 * The trained model's diagnostics a row carries (experiment/diagnostics.ts; null for a run
 * recorded before them, or a regression's margin): the spectral-norm product (Lipschitz bound),
 * the share of hidden units dead on the training list, the median test margin. Never a default
 * column; --columns, --where and --sort name them.
 */
export const DIAGNOSTIC_KEYS = ['lipschitz', 'dead', 'margin'] as const;

/** The keys every row has besides its config keys: facts of the run and the model, and its headline metrics. */
export const ROW_FACTS = ['started', 'run', 'method', 'name', 'dataset', 'arch', 'n', 'metric', 'status', 'clean', 'noisy', 'loss', 'val', 'best_turn', 'tags', 'tag', 'note', ...DIAGNOSTIC_KEYS] as const;
/** Metrics (natural units: accuracy as a fraction, MSE in target units). */
const METRIC_KEYS = ['clean', 'noisy', 'loss'];
/** The parameters named in the line of what every row shares, and first among the columns that differ, in this order. */
const HEADLINE_PARAMS = ['name', 'dataset', 'hidden', 'n', 'seed', 'lr', 'turns', 'stepsPerTurn'];
/** Config keys never shown as a column of their own: their value is another column (dataset, n, method). */
const SHOWN_ELSEWHERE = new Set(['dataset.name', 'trainSize', 'methods']);

export interface ModelRow {
  run: string;
  dir: string;
  method: string;
  /** provenance.json's start time (ISO 8601, UTC), null when absent. */
  started: string | null;
  tags: string[];
  note: string;
  metric: 'accuracy' | 'mse';
  status: 'ok' | 'diverged' | 'collapsed';
  /** "diverged at turn 3: …" or "collapsed: …"; null when ok. */
  statusReason: string | null;
  /** The clean test metric after the last turn, the paper's noisy test (null when the run has no such point), the last turn's mean training loss. */
  clean: number;
  noisy: number | null;
  loss: number | null;
  /** With a validation set: the validation metric of the parameters kept (the best turn's under earlyStopping, else the last turn's); null without. */
  val: number | null;
  /** Under earlyStopping: the turn whose parameters were kept; null otherwise. */
  bestTurn: number | null;
  perTurn: number[];
  trainLoss: number[];
  stepsPerTurn: number;
  /** The score at each of the run's evaluation points. */
  points: { at: EvalPoint; value: number; balanced?: number }[];
  /** The resolved config, every default filled in. */
  config: ExperimentConfig;
  /** The row's value of every key the filter, the sort and the columns know (config lists as compact JSON text). */
  values: Record<string, WhereValue>;
}

/** A config value as a filter and a table see it: lists (hidden, pool) as compact JSON text. */
function scalar(v: unknown): WhereValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * The rows of one run: one per method, in the config's order, with the run's annotations. A
 * damaged annotations.json adds its one line to `warnings` (when given; else it is thrown) and
 * the run is listed without tags and note.
 */
export function modelRows(r: IndexedRun, warnings?: string[]): ModelRow[] {
  const { config, record } = r.stored;
  let annotations = { tags: [] as string[], note: '' };
  try {
    annotations = readAnnotations(r.dir);
  } catch (e) {
    if (!(e instanceof UserError) || warnings === undefined) throw e;
    warnings.push(`${e.message}; the run is listed without tags and note`);
  }
  const { tags, note } = annotations;
  const noisyAt = record.points.findIndex((p) => isNoisyTest(p, config.noise.sigma));
  const configValues: Record<string, WhereValue> = {};
  for (const [k, v] of Object.entries(flatten(config))) configValues[k] = scalar(v);
  return methodIds(config).map((method) => {
    const m = record.methods[method];
    const status = m.diverged ? 'diverged' : m.collapsed ? 'collapsed' : 'ok';
    const statusReason = m.diverged ? `diverged at turn ${m.diverged.turn}: ${m.diverged.reason}` : m.collapsed ? `collapsed: ${m.collapsed.reason}` : null;
    const trained = m.earlyStop?.turnsTrained ?? m.trainLoss.length;
    const loss = trained ? m.trainLoss[trained - 1] : null;
    const bestTurn = m.earlyStop?.bestTurn ?? null;
    const val = m.val?.length ? m.val[(bestTurn ?? m.val.length) - 1] : null;
    const noisy = noisyAt >= 0 ? m.at[noisyAt].value : null;
    const started = r.provenance?.startedAt ?? null;
    const values: Record<string, WhereValue> = {
      ...configValues,
      started, run: r.stored.runId, method, name: config.name ?? '', dataset: config.dataset.name, arch: archName(config.hidden),
      // testEvery: never: no test score was measured (shown '–', never NaN, which marks a divergence).
      n: config.trainSize, metric: record.metric, status, clean: record.tested === 'never' ? null : m.clean, noisy: record.tested === 'never' ? null : noisy, loss, val, best_turn: bestTurn, tags, tag: tags, note,
      lipschitz: m.diagnostics?.lipschitz ?? null, dead: m.diagnostics?.dead ?? null, margin: m.diagnostics?.margin?.median ?? null,
    };
    return {
      run: r.stored.runId, dir: r.dir, method, started, tags, note, metric: record.metric, status, statusReason,
      clean: m.clean, noisy, loss, val, bestTurn, perTurn: m.perTurn, trainLoss: m.trainLoss, stepsPerTurn: config.stepsPerTurn,
      points: record.points.map((at, k) => ({ at, value: m.at[k].value, ...(m.at[k].balanced !== undefined ? { balanced: m.at[k].balanced } : {}) })),
      config, values,
    };
  });
}

export interface ListOptions {
  /** A filter in the where.ts language. */
  where?: string;
  /** Only runs holding every one of these tags. */
  tags?: string[];
  /** Keys to sort by, each descending with a leading '-'; `desc` makes the unsigned ones descending. */
  sort?: string[];
  desc?: boolean;
  /** The columns to show (default: defaultColumns). */
  columns?: string[];
}

export interface RunListing {
  root: string;
  /** How many runs and models were found before the filter. */
  runCount: number;
  modelCount: number;
  rows: ModelRow[];
  /** Config keys whose value differs between the rows (the HEADLINE_PARAMS first). */
  differing: string[];
  /** The HEADLINE_PARAMS every row has the same value of, with that value. */
  shared: { key: string; value: WhereValue }[];
  /** The columns to show, in order. */
  columns: string[];
  damaged: DamagedRun[];
  /** One line each: a run whose annotations.json could not be read. */
  warnings: string[];
}

/** Every key the rows know: the facts, and the config keys of any run found. */
function knownKeys(rows: ModelRow[]): string[] {
  const keys = new Set<string>(ROW_FACTS);
  for (const r of rows) for (const k of Object.keys(r.values)) keys.add(k);
  return [...keys];
}

/** One line for a key no row knows, with the closest known key. */
function unknownKey(flag: string, key: string, known: string[]): UserError {
  const near = closest(key, known);
  return new UserError(`${flag}: unknown key ${quote(key)}${near ? ` (did you mean ${near}?)` : ` (a config key as config.yaml spells it, dotted, or one of ${ROW_FACTS.filter((k) => k !== 'tag').join(', ')})`}`);
}

/** Parses and checks a filter against the rows: every key known, order comparisons on numbers against numbers, accuracy as a fraction. */
export function compileWhere(text: string, rows: ModelRow[]): WhereNode {
  const flag = `--where ${quote(text)}`;
  let tree: WhereNode;
  try {
    tree = WHERE.parse(text);
  } catch (e) {
    throw new UserError(`${flag}: ${(e as Error).message}`);
  }
  const known = knownKeys(rows);
  for (const c of WHERE.comparisons(tree)) {
    if (!known.includes(c.key)) throw unknownKey(flag, c.key, known);
    const have = rows.map((r) => r.values[c.key]).filter((v) => v !== undefined && v !== null);
    const wanted = WHERE.number(c.value);
    if (['<', '<=', '>', '>='].includes(c.op) && wanted === null && have.length > 0 && have.every((v) => typeof v === 'number')) {
      throw new UserError(`${flag}: ${c.key} ${c.op} ${quote(c.value)}: ${c.key} is a number, ${quote(c.value)} is not`);
    }
    if ((c.key === 'clean' || c.key === 'noisy') && wanted !== null && (wanted < 0 || wanted > 1)) {
      const metrics = new Set(rows.filter((r) => r.values[c.key] !== null).map((r) => r.metric));
      if (metrics.size === 1 && metrics.has('accuracy')) {
        throw new UserError(`${flag}: ${c.key} ${c.op} ${c.value}: accuracy is a fraction here, from 0 to 1 (${c.key}${c.op}${wanted / 100} for ${c.value} %)`);
      }
    }
  }
  return tree;
}

/** The sort keys of `--sort`: each checked against the rows; a leading '-' sorts that key descending. */
function sortKeys(keys: string[], rows: ModelRow[], desc: boolean): { key: string; sign: number }[] {
  const known = knownKeys(rows);
  return keys.map((k) => {
    const key = k.startsWith('-') ? k.slice(1) : k;
    if (!known.includes(key)) throw unknownKey(`--sort ${quote(k)}`, key, known);
    return { key, sign: k.startsWith('-') || desc ? -1 : 1 };
  });
}

/** a before b: numbers before text, text by code point; null, missing and NaN last whichever the direction. */
function compareValues(a: WhereValue | undefined, b: WhereValue | undefined, sign: number): number {
  const absent = (v: WhereValue | undefined) => v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));
  if (absent(a) || absent(b)) return absent(a) === absent(b) ? 0 : absent(a) ? 1 : -1;
  const key = (v: WhereValue | undefined): [number, number | string] => (typeof v === 'number' ? [0, v] : [1, Array.isArray(v) ? v.join(',') : String(v)]);
  const [ta, va] = key(a);
  const [tb, vb] = key(b);
  if (ta !== tb) return sign * (ta - tb);
  return va < vb ? -sign : va > vb ? sign : 0;
}

function same(a: WhereValue | undefined, b: WhereValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) && !(Number.isNaN(a) !== Number.isNaN(b));
}

/** The columns `dwgd runs` shows by default: when and which model, what differs, the metrics, and status, tags and note where any row has one. */
export function defaultColumns(rows: ModelRow[], differing: string[]): string[] {
  const cols = ['started', 'run', 'method', ...differing];
  if (rows.some((r) => r.metric !== rows[0].metric)) cols.push('metric');
  cols.push('clean');
  if (rows.some((r) => r.noisy !== null)) cols.push('noisy');
  if (rows.some((r) => r.val !== null)) cols.push('val');
  if (rows.some((r) => r.bestTurn !== null)) cols.push('best_turn');
  if (rows.some((r) => r.status !== 'ok')) cols.push('status');
  if (rows.some((r) => r.tags.length > 0)) cols.push('tags');
  if (rows.some((r) => r.note !== '')) cols.push('note');
  return cols;
}

/**
 * The models under `root`: filtered (`where`, `tags`), sorted (default: oldest run first, then
 * folder, then the config's method order), with the config keys that differ between them and
 * the columns to show. Every key named is checked first: a bad one is one line.
 */
export function listModels(root: string, opts: ListOptions = {}): RunListing {
  const index = indexRuns(root);
  const warnings: string[] = [];
  const all = index.runs.flatMap((r) => modelRows(r, warnings));
  const known = knownKeys(all);
  const tree = opts.where !== undefined ? compileWhere(opts.where, all) : null;
  for (const t of opts.tags ?? []) if (!TAG_PATTERN.test(t)) throw new UserError(`--tag ${quote(t)}: not a tag (a letter or digit, then letters, digits and . _ - : + /)`);
  const order = sortKeys(opts.sort ?? [], all, opts.desc ?? false);
  for (const c of opts.columns ?? []) if (!known.includes(c)) throw unknownKey(`--columns ${quote(c)}`, c, known);

  let rows = all.filter((r) => (opts.tags ?? []).every((t) => r.tags.includes(t)));
  if (tree) rows = rows.filter((r) => WHERE.test(tree, (k) => r.values[k]));
  const position = new Map(all.map((r, i) => [r, i]));
  rows.sort((a, b) => {
    for (const { key, sign } of order) {
      const c = compareValues(a.values[key], b.values[key], sign);
      if (c !== 0) return c;
    }
    return position.get(a)! - position.get(b)!;
  });

  const configKeys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].filter((k) => !(ROW_FACTS as readonly string[]).includes(k) && !SHOWN_ELSEWHERE.has(k)).sort();
  const candidates = [...HEADLINE_PARAMS, ...configKeys.filter((k) => !HEADLINE_PARAMS.includes(k))];
  const differs = (k: string) => rows.some((r) => !same(r.values[k], rows[0].values[k]));
  const differing = rows.length ? candidates.filter(differs) : [];
  const shared = rows.length ? HEADLINE_PARAMS.filter((k) => !differs(k)).map((key) => ({ key, value: rows[0].values[key] ?? null })) : [];
  return {
    root, runCount: index.runs.length, modelCount: all.length, rows, differing, shared,
    columns: opts.columns?.length ? opts.columns : defaultColumns(rows, differing), damaged: index.damaged, warnings,
  };
}

/** A column's header: the key, with the unit of a metric when every row has the same metric. */
export function columnTitle(key: string, rows: ModelRow[]): string {
  if (key === 'started') return 'started (UTC)';
  if ((key === 'clean' || key === 'noisy' || key === 'val') && rows.length && rows.every((r) => r.metric === rows[0].metric)) return `${key} ${rows[0].metric === 'accuracy' ? 'acc %' : 'mse'}`;
  return key;
}

/** A row's cell as the tables show it: metrics in the tables' units (accuracy in %), times to the minute, lists joined. */
export function cellText(row: ModelRow, key: string): string {
  const v = row.values[key];
  if (v === undefined || v === null || v === '') return '–';
  if ((key === 'clean' || key === 'noisy' || key === 'val') && typeof v === 'number') return Number.isFinite(v) ? (row.metric === 'accuracy' ? (100 * v).toFixed(2) : v.toFixed(5)) : String(v);
  if ((key === 'loss' || (DIAGNOSTIC_KEYS as readonly string[]).includes(key)) && typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
  if (key === 'started' && typeof v === 'string') return v.slice(0, 16).replace('T', ' ');
  if (key === 'note' && typeof v === 'string') {
    const first = v.split('\n')[0];
    return first.length > 40 || v.includes('\n') ? `${first.slice(0, 39)}…` : first;
  }
  if (Array.isArray(v)) return v.length ? v.join(',') : '–';
  return String(v);
}

/** The listing as CSV (RFC 4180): the given columns, or every fact, metric, the curves (JSON lists) and every config key. */
export function listingCsv(listing: RunListing, columns?: string[]): string {
  const { rows } = listing;
  const configKeys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].filter((k) => !(ROW_FACTS as readonly string[]).includes(k)).sort();
  const validated = rows.some((r) => r.val !== null) ? ['val', 'best_turn'] : [];
  const cols = columns?.length ? columns : ['run', 'method', 'started', 'name', 'tags', 'note', 'metric', 'status', 'status_reason', ...METRIC_KEYS, ...validated, 'per_turn', 'train_loss', 'dir', ...configKeys];
  const cell = (r: ModelRow, k: string): string => {
    if (k === 'status_reason') return r.statusReason ?? '';
    if (k === 'per_turn') return JSON.stringify(r.perTurn);
    if (k === 'train_loss') return JSON.stringify(r.trainLoss);
    if (k === 'dir') return r.dir;
    const v = r.values[k];
    if (v === undefined || v === null) return '';
    return Array.isArray(v) ? v.join(';') : String(v);
  };
  const quoteCsv = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [cols, ...rows.map((r) => cols.map((k) => cell(r, k)))].map((line) => line.map(quoteCsv).join(',')).join('\n') + '\n';
}

/** A row as `dwgd runs --json` gives it: every fact, metric, the curves, the evaluation points and the resolved config. */
export function rowJson(r: ModelRow): Record<string, unknown> {
  return {
    run: r.run, method: r.method, dir: r.dir, started: r.started, name: r.config.name ?? '', tags: r.tags, note: r.note,
    metric: r.metric, status: r.status, statusReason: r.statusReason, clean: r.clean, noisy: r.noisy, loss: r.loss,
    ...(r.val !== null ? { val: r.val } : {}), ...(r.bestTurn !== null ? { bestTurn: r.bestTurn } : {}),
    perTurn: r.perTurn, trainLoss: r.trainLoss, points: r.points, config: r.config,
  };
}
