// The run index behind `dwgd runs`: every run folder under a results folder (train's
// <name>/<run id>/ and compare's and sweep's runs/<run id>/), one summary each; one run found
// by a unique prefix of its id; and the config keys and metrics in which two runs differ.
// Every folder holding a run.json is a run folder, checked whole (validate-run.ts): a damaged
// one is listed with the one line saying what is wrong, never summarised or skipped.
// Reads only; the CLI prints.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { shownPath } from '../config/quote.js';
import { archName } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { Provenance } from '../experiment/provenance.js';
import { isIdentity } from '../data/eval-axes/index.js';
import { pointText, type StoredRun } from './run-record.js';
import { checkRunFolder } from './validate-run.js';

export interface IndexedRun {
  /** The run folder (absolute). */
  dir: string;
  stored: StoredRun;
  provenance: Provenance | null;
}

export interface RunSummary {
  runId: string;
  dir: string;
  /** provenance.json's start time (ISO 8601, UTC), null when absent. */
  startedAt: string | null;
  name: string;
  dataset: string;
  arch: string;
  trainSize: number;
  seed: number;
  methods: string[];
  metric: string;
  /** The clean test metric after the last turn, per method (null: not finite). */
  clean: Record<string, number | null>;
  /** Methods that diverged or collapsed. */
  broken: string[];
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

/** Every run folder under `root`, oldest first (by start time, then folder). */
export function findRuns(root: string): IndexedRun[] {
  return indexRuns(root).runs;
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

export function summarize(r: IndexedRun): RunSummary {
  const { config, record } = r.stored;
  const clean: Record<string, number | null> = {};
  const broken: string[] = [];
  for (const m of config.methods) {
    const x = record.methods[m];
    clean[m] = x && Number.isFinite(x.clean) ? x.clean : null;
    if (x?.diverged || x?.collapsed) broken.push(m);
  }
  return {
    runId: r.stored.runId, dir: r.dir, startedAt: r.provenance?.startedAt ?? null, name: config.name ?? '',
    dataset: config.dataset.name, arch: archName(config.hidden), trainSize: config.trainSize, seed: config.seed,
    methods: [...config.methods], metric: record.metric, clean, broken,
  };
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
