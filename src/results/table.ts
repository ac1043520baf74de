// The tidy results table of a study (table.csv): one row per observation, that is per
// (run, method, evaluation point, turn, metric, group) with its value, and every resolved
// parameter of the run as a column. Every report, verdict, plot and HTML page is computed from
// it (through `runViews`, which reads the rows back into one view per run), so a user who loads
// table.csv into pandas, polars or R has everything the reports used.
//
// Columns, in this order:
//   run, experiment, seed, method      the run id, its training point (run id without the seed), …
//   eval.<axis> …                       the evaluation point: one column per evaluation axis
//                                       (src/data/eval-axes/), at its identity for clean rows
//   turn                                1 … turns (a point other than the clean one: the last turn)
//   metric                              accuracy | mse (the test metric) | train_loss (mean over the turn) |
//                                       val_accuracy | val_mse (the validation metric, with `validation`) |
//                                       best_turn, steps_trained (earlyStopping: the turn kept and the
//                                       steps trained, on the row of the last turn trained)
//   group                               '' (the whole test set), 'balanced' (mean over classes or
//                                       target bins), or a class / bin number
//   value                               the number (NaN, Infinity, -Infinity written so)
//   status, status_turn, status_reason  ok | diverged (from turn) | collapsed, and why
//   train_count, test_count             on a group row: training-list entries and test samples in it
//   test_set, test_size, distinct_train, pool_size, corrupted_labels, sizes, normalized,
//   dataset_description                 facts of the run
//   <config keys>                       every resolved config key but name, description, seed and
//                                       methods, dotted (dataset.name, hidden, lr, noise.sigma, …);
//                                       lists as JSON; a string that would read as a number or JSON
//                                       is written JSON-quoted
// A run's rows: per method, per turn the clean metric and the training loss; after the last
// turn the clean per-group rows; then each other evaluation point's rows.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { ExperimentConfig } from '../config/schema.js';
import { EVAL_AXES, evaluateProducts, isIdentity, pointId, type AxisValue, type EvalAxisDef, type EvalPoint } from '../data/eval-axes/index.js';
import { UserError } from '../errors.js';
import type { RunSpec } from '../experiment/plan.js';
import { turnTested, type PointScore, type RunRecord } from '../experiment/record.js';
import { methodIds } from '../config/methods.js';

export const TABLE_FILE = 'table.csv';
/**
 * A table larger than TABLE_GZIP_BYTES is also written compressed, as TABLE_GZIP_FILE (gzip reads
 * into pandas, polars and R as it is). Such a table repeats every run's resolved config on each
 * of its rows and shrinks some 25–50 times, so a published folder can commit the compressed copy
 * and leave the plain one to `dwgd report`, which writes both again from the run records.
 */
export const TABLE_GZIP_FILE = 'table.csv.gz';
export const TABLE_GZIP_BYTES = 16 * 1024 * 1024;

/** The compressed copy of a table's text (gzip, level 9: the same bytes for the same text). */
export function gzipTable(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

/** Whether `dir` holds a study's table, plain or compressed. */
export function hasTable(dir: string): boolean {
  return existsSync(join(dir, TABLE_FILE)) || existsSync(join(dir, TABLE_GZIP_FILE));
}

/**
 * The text of the table in `dir`: table.csv, else its compressed copy table.csv.gz (a published
 * folder may keep only that one); with the file it came from, for messages.
 */
export function readTable(dir: string): { text: string; file: string } {
  const plain = join(dir, TABLE_FILE);
  if (existsSync(plain)) return { text: readFileSync(plain, 'utf8'), file: plain };
  const packed = join(dir, TABLE_GZIP_FILE);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(packed));
  } catch (e) {
    throw new UserError(`${packed}: not a readable gzip file (${(e as Error).message.split('\n')[0]}); \`node bin/dwgd.js report ${dir}\` writes the table again from the run records`);
  }
  return { text: bytes.toString('utf8'), file: packed };
}

const HEAD = ['run', 'experiment', 'seed', 'method'];
/**
 * One `eval.<key>` column per evaluation axis, in registry order; an optional axis (corruption,
 * severity) only when a run of the study lists it in `evaluate`. A reader takes a missing
 * column as the axis at its identity.
 */
function evalAxesOf(runs: RunSpec[]): EvalAxisDef[] {
  return EVAL_AXES.filter((a) => !a.optional || runs.some((r) => evaluateProducts(r.config.evaluate).some((e) => e[a.key] !== undefined)));
}
const MIDDLE = ['turn', 'metric', 'group', 'value', 'status', 'status_turn', 'status_reason', 'train_count', 'test_count',
  'test_set', 'test_size', 'distinct_train', 'pool_size', 'corrupted_labels', 'sizes', 'normalized', 'dataset_description'];
/** Config keys that are not parameter columns (study-level, or a column of their own). */
const NOT_PARAMS = new Set(['name', 'description', 'seed', 'methods']);
/** Config keys kept whole (their own keys hold dots). */
const LEAVES = new Set(['evaluate', 'validation']);

/** One run as the table holds it, and as every report reads it back. */
export interface RunView {
  run: string;
  experiment: string;
  seed: number;
  /** The resolved config (name: the study's). */
  config: ExperimentConfig;
  record: RunRecord;
}

/** The text of a parameter cell: numbers plain, strings plain unless they would read as something else, the rest JSON. */
function cell(v: unknown): string {
  if (typeof v === 'number') return numText(v);
  if (typeof v === 'string') return readsAsJson(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

function readsAsJson(s: string): boolean {
  if (s === '' || s === 'NaN' || s === 'Infinity' || s === '-Infinity') return true;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function fromCell(s: string): unknown {
  if (s === 'NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function numText(v: number): string {
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function valueText(v: AxisValue): string {
  return typeof v === 'number' ? numText(v) : csvField(v);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function flatten(value: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !LEAVES.has(key)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(flat)) {
    const path = key.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (node[part] === undefined) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = v;
  }
  return out;
}

/** The parameter columns of a config. */
function params(config: ExperimentConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rest = Object.fromEntries(Object.entries(config).filter(([k]) => !NOT_PARAMS.has(k)));
  flatten(rest, '', out);
  return out;
}

/**
 * table.csv of a study's finished runs, in study order (the runs as planned, each method in its
 * config's order). `records` maps run id → record; every run of `runs` must have one.
 */
export function tableCsv(runs: RunSpec[], records: Map<string, RunRecord>): string {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(params(r.config))))].sort();
  const axes = evalAxesOf(runs);
  const lines = [[...HEAD, ...axes.map((a) => `eval.${a.key}`), ...MIDDLE, ...paramKeys].join(',')];
  for (const spec of runs) {
    const r = records.get(spec.id);
    if (!r) throw new Error(`no record for run ${spec.id}`);
    const p = params(spec.config);
    const tail = paramKeys.map((k) => (k in p ? csvField(cell(p[k])) : ''));
    const facts = [r.testSet, r.testSize, r.distinctTrain, r.poolSize, r.corruptedLabels ?? '', r.sizes.join('-'), r.normalize, csvField(r.datasetDescription)].map(String);
    for (const m of methodIds(spec.config)) {
      const x = r.methods[m];
      const status = x.diverged ? ['diverged', String(x.diverged.turn), csvField(x.diverged.reason)] : x.collapsed ? ['collapsed', '', csvField(x.collapsed.reason)] : ['ok', '', ''];
      const row = (point: EvalPoint, turn: number, metric: string, group: string, value: number, counts: [string, string] = ['', '']) => {
        const evals = axes.map((a) => valueText(point[a.key] ?? a.identity));
        lines.push([spec.id, spec.experimentId, String(spec.config.seed), csvField(m), ...evals, String(turn), metric, group, numText(value), ...status, ...counts, ...facts, ...tail].join(','));
      };
      const groups = (point: EvalPoint, s: PointScore) => {
        if (s.balanced !== undefined) row(point, x.perTurn.length, r.metric, 'balanced', s.balanced);
        s.perClass?.forEach((v, c) => row(point, x.perTurn.length, r.metric, String(c), v, [String(r.trainClassCounts?.[c] ?? ''), String(r.testClassCounts?.[c] ?? '')]));
      };
      // A test score testEvery did not measure has no row (record.tested; runViews reads NaN back).
      x.perTurn.forEach((v, t) => {
        if (turnTested(r, t + 1, x.perTurn.length)) row({}, t + 1, r.metric, '', v);
        row({}, t + 1, 'train_loss', '', x.trainLoss[t]);
      });
      x.val?.forEach((v, t) => row({}, t + 1, `val_${r.metric}`, '', v));
      if (x.earlyStop) {
        row({}, x.earlyStop.turnsTrained, 'best_turn', '', x.earlyStop.bestTurn);
        row({}, x.earlyStop.turnsTrained, 'steps_trained', '', x.earlyStop.stepsTrained);
      }
      if (r.tested === 'never') continue;
      groups({}, { value: x.clean, balanced: x.balanced, perClass: x.perClass });
      r.points.forEach((point, k) => {
        if (isIdentity(point)) return;
        row(point, x.perTurn.length, r.metric, '', x.at[k].value);
        groups(point, x.at[k]);
      });
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Reads table.csv back into one view per run, in table order: the run's resolved config (its
 * parameter columns, its methods in row order, `name`) and its record. `points` gives each run's
 * evaluation points in the order they were scored (from its config), so the view is the record
 * the run wrote. Throws a UserError naming the file and row for a malformed table.
 */
export function runViews(text: string, where: string, study: { name: string; points: (config: ExperimentConfig) => EvalPoint[] }): RunView[] {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: false }) as string[][];
  } catch (e) {
    throw new UserError(`${where}: not a readable table: ${(e as Error).message.split('\n')[0]}`);
  }
  if (rows.length === 0) throw new UserError(`${where}: empty table`);
  const header = rows[0];
  const col = new Map(header.map((h, i) => [h, i]));
  const axes = EVAL_AXES.filter((a) => col.has(`eval.${a.key}`) || !a.optional);
  const evalColumns = axes.map((a) => `eval.${a.key}`);
  for (const h of [...HEAD, ...evalColumns, ...MIDDLE]) if (!col.has(h)) throw new UserError(`${where}: no column '${h}'`);
  const unknownEval = header.find((h) => h.startsWith('eval.') && !evalColumns.includes(h));
  if (unknownEval) throw new UserError(`${where}: column '${unknownEval}' is not an evaluation axis`);
  const paramKeys = header.slice(HEAD.length + evalColumns.length + MIDDLE.length);
  const at = (row: string[], name: string) => row[col.get(name)!];
  const num = (row: string[], name: string, line: number) => {
    const s = at(row, name);
    const v = s === 'NaN' ? NaN : s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : s === '' ? NaN : Number(s);
    if (s !== 'NaN' && Number.isNaN(v)) throw new UserError(`${where}: row ${line}: ${name} '${s}' is not a number`);
    return v;
  };

  const views: RunView[] = [];
  let current: { view: RunView; pointIndex: Map<string, number>; identityPoints: number[] } | null = null;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    const line = i + 1;
    const run = at(row, 'run');
    if (!current || current.view.run !== run) {
      const flat: Record<string, unknown> = {};
      paramKeys.forEach((k, j) => {
        const s = row[HEAD.length + evalColumns.length + MIDDLE.length + j];
        if (s !== '') flat[k] = fromCell(s);
      });
      const config = { ...unflatten(flat), name: study.name, seed: num(row, 'seed', line), methods: [] as string[] } as unknown as ExperimentConfig;
      const points = study.points(config);
      const ids = points.map(pointId);
      const corrupted = at(row, 'corrupted_labels');
      const record: RunRecord = {
        dataset: config.dataset.name, datasetDescription: at(row, 'dataset_description'), metric: 'accuracy', normalize: at(row, 'normalized'),
        sizes: at(row, 'sizes').split('-').map(Number), poolSize: num(row, 'pool_size', line), trainSize: config.trainSize,
        distinctTrain: num(row, 'distinct_train', line), testSize: num(row, 'test_size', line), testSet: at(row, 'test_set') as RunRecord['testSet'],
        points, methods: {},
      };
      if (corrupted !== '') record.corruptedLabels = Number(corrupted);
      current = { view: { run, experiment: at(row, 'experiment'), seed: config.seed, config, record }, pointIndex: new Map(ids.map((id, k) => [id, k])), identityPoints: points.flatMap((p, k) => (isIdentity(p) ? [k] : [])) };
      views.push(current.view);
    }
    const { view, pointIndex, identityPoints } = current;
    const { record } = view;
    const method = at(row, 'method');
    let x = record.methods[method];
    if (!x) {
      x = { perTurn: [], clean: NaN, trainLoss: [], at: record.points.map(() => ({ value: NaN })) };
      const status = at(row, 'status');
      if (status === 'diverged') x.diverged = { turn: num(row, 'status_turn', line), reason: at(row, 'status_reason') };
      if (status === 'collapsed') x.collapsed = { reason: at(row, 'status_reason') };
      record.methods[method] = x;
      view.config.methods.push(method);
    }
    const point: EvalPoint = {};
    axes.forEach((a, k) => (point[a.key] = a.kind === 'categorical' ? at(row, evalColumns[k]) : num(row, evalColumns[k], line)));
    const turn = num(row, 'turn', line);
    const metric = at(row, 'metric');
    const group = at(row, 'group');
    const value = num(row, 'value', line);
    if (metric === 'train_loss') {
      x.trainLoss[turn - 1] = value;
      continue;
    }
    if (metric === 'val_accuracy' || metric === 'val_mse') {
      // The run's metric also from here: a run that scored no test set (testEvery: never) has no other row naming it.
      record.metric = metric === 'val_mse' ? 'mse' : 'accuracy';
      setAt(x, 'val', turn - 1, value);
      continue;
    }
    if (metric === 'best_turn' || metric === 'steps_trained') {
      if (!x.earlyStop) x.earlyStop = { bestTurn: 0, turnsTrained: turn, stepsTrained: 0 };
      const stop = x.earlyStop;
      if (metric === 'best_turn') stop.bestTurn = value;
      else stop.stepsTrained = value;
      continue;
    }
    if (metric !== 'accuracy' && metric !== 'mse') throw new UserError(`${where}: row ${line}: metric '${metric}'`);
    record.metric = metric;
    // A clean row holds the numbers of every point of the run that is the clean test (the
    // all-identity point, a corruption at severity 0, …).
    const clean = isIdentity(point);
    const k = pointIndex.get(pointId(point));
    if (k === undefined && !clean) throw new UserError(`${where}: row ${line}: evaluation point ${pointId(point)} is not one of run ${view.run}'s`);
    const ks = clean ? identityPoints : [k!];
    if (clean && group === '') {
      x.perTurn[turn - 1] = value;
      x.clean = value;
      for (const j of ks) x.at[j] = { value };
      continue;
    }
    if (!clean && group === '') {
      x.at[k!].value = value;
      continue;
    }
    if (group === 'balanced') {
      if (clean) x.balanced = value;
      for (const j of ks) x.at[j].balanced = value;
      continue;
    }
    const c = Number(group);
    if (!Number.isInteger(c) || c < 0) throw new UserError(`${where}: row ${line}: group '${group}'`);
    if (clean) setAt(x, 'perClass', c, value);
    for (const j of ks) setAt(x.at[j], 'perClass', c, value);
    const train = at(row, 'train_count');
    const test = at(row, 'test_count');
    if (train !== '') setAt(record, 'trainClassCounts', c, Number(train));
    if (test !== '') setAt(record, 'testClassCounts', c, Number(test));
  }
  // testEvery: last | never wrote no rows for the test scores it did not measure: NaN, as the record holds them.
  for (const { config, record } of views) {
    if (config.testEvery !== 'last' && config.testEvery !== 'never') continue;
    record.tested = config.testEvery;
    for (const x of Object.values(record.methods)) {
      for (let t = 0; t < x.trainLoss.length; t++) if (x.perTurn[t] === undefined) x.perTurn[t] = NaN;
    }
  }
  return views;
}

/** Sets entry `c` of the list at `key`, making the list when there is none yet. */
function setAt<K extends string>(target: { [k in K]?: number[] }, key: K, c: number, value: number): void {
  const list = target[key] ?? [];
  list[c] = value;
  target[key] = list;
}
