// The run folders of `dwgd compare`: results/compare/<name>/runs/<run id>/ holds run.json
// (the resolved config, its hash and the numbers) and timing.json (wall time, kept apart so
// that nothing derived from run.json depends on the clock). Each folder is written
// atomically, so a killed comparison leaves finished runs whole and no half-written one;
// `--resume` reuses a folder only when its stored hash matches the plan's config.

import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../config/load.js';
import { configHash, type RunSpec } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/pool.js';
import { writeDirAtomic } from './atomic.js';

export const RUN_FORMAT = 'dwgd-compare-run/1';

export interface StoredRun {
  format: string;
  runId: string;
  configHash: string;
  label: string;
  config: RunSpec['config'];
  record: RunRecord;
}

export function runsDir(outDir: string): string {
  return join(outDir, 'runs');
}

export function writeRun(outDir: string, spec: RunSpec, record: RunRecord, seconds: number, worker: number): void {
  const stored: StoredRun = { format: RUN_FORMAT, runId: spec.id, configHash: spec.configHash, label: spec.label, config: spec.config, record };
  writeDirAtomic(join(runsDir(outDir), spec.id), (dir) => {
    writeFileSync(join(dir, 'run.json'), encodeRun(stored));
    writeFileSync(join(dir, 'timing.json'), JSON.stringify({ wallSeconds: Math.round(seconds * 100) / 100, worker: worker + 1 }) + '\n');
  });
}

/** JSON with NaN and ±Infinity kept (as the strings "NaN", "Infinity", "-Infinity"). */
export function encodeRun(stored: StoredRun): string {
  return JSON.stringify(stored, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n';
}

export function decodeRun(text: string): StoredRun {
  return JSON.parse(text, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as StoredRun;
}

/** The record exactly as a resumed comparison will read it back from run.json. */
export function roundTrip(spec: RunSpec, record: RunRecord): RunRecord {
  return decodeRun(encodeRun({ format: RUN_FORMAT, runId: spec.id, configHash: spec.configHash, label: spec.label, config: spec.config, record })).record;
}

/**
 * The stored record of a run if its folder holds a whole run.json whose config hashes to the
 * plan's hash (and matches the hash stored beside it) with every method's numbers; else null.
 */
export function readVerifiedRun(outDir: string, spec: RunSpec): RunRecord | null {
  const file = join(runsDir(outDir), spec.id, 'run.json');
  if (!existsSync(file)) return null;
  let stored: StoredRun;
  try {
    stored = decodeRun(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (stored.format !== RUN_FORMAT || stored.runId !== spec.id || stored.configHash !== spec.configHash) return null;
  if (!stored.config || configHash(stored.config) !== spec.configHash) return null;
  if (canonicalJson({ ...stored.config, name: null }) !== canonicalJson({ ...spec.config, name: null })) return null;
  const r = stored.record;
  if (!r || !r.methods) return null;
  for (const m of spec.config.methods) {
    const x = r.methods[m];
    if (!x || !Array.isArray(x.perTurn) || x.perTurn.length !== spec.config.turns || typeof x.noisy !== 'number') return null;
  }
  return r;
}

/** Removes temporary folders a killed run left behind (names starting with '.'). */
export function removeLeftovers(outDir: string): number {
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.includes('.tmp-')) {
      rmSync(join(dir, name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}
