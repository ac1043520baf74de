// The one record of a run, and the one folder layout, for `train`, `compare` and `sweep`:
//
//   <run folder>/run.json         what determines and what came out of the run (format dwgd-run/2):
//                                 the resolved config, its hash, the data files' identity, the code
//                                 fingerprint and the numbers; the same bytes on every machine
//   <run folder>/provenance.json  machine, times, command line, git commit, where the data were
//   <run folder>/config.yaml      the resolved config (as run.json has it), for reading
//   <run folder>/metrics.csv|jsonl one row per method × evaluation
//   <run folder>/table.md         the table `train` prints
//   <run folder>/weights/         with saveWeights: initial and final parameters, the sample order
//
// `train` puts the folder at results/<name>/<run id>/, compare and sweep at
// results/<compare|sweeps>/<name>/runs/<run id>/. Every folder is written atomically.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { LayerParams } from '../core/rules/index.js';
import { canonicalJson } from '../config/load.js';
import { configHash } from '../config/identity.js';
import { archName, type ExperimentConfig } from '../config/schema.js';
import type { DataIdentity } from '../data/identity.js';
import type { RunSpec } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/pool.js';
import type { CodeIdentity, Provenance } from '../experiment/provenance.js';
import type { RunResult } from '../experiment/run.js';
import { removeDeadTemps, writeDirAtomic } from './atomic.js';
export { LEFTOVER_MAX_AGE_HOURS } from './atomic.js';
import { formatMetric, markdownTable, metricLabel } from './format.js';
import { runFolderProblem } from './validate-run.js';

export const RUN_FORMAT = 'dwgd-run/2';
export const WEIGHTS_FORMAT = 'dwgd-weights/1';

export interface StoredRun {
  format: string;
  runId: string;
  configHash: string;
  label: string;
  config: ExperimentConfig;
  data: DataIdentity | null;
  code: CodeIdentity;
  record: RunRecord;
}

export function storedRun(spec: RunSpec, code: CodeIdentity, record: RunRecord): StoredRun {
  return { format: RUN_FORMAT, runId: spec.id, configHash: spec.configHash, label: spec.label, config: spec.config, data: spec.data, code, record };
}

export function runsDir(outDir: string): string {
  return join(outDir, 'runs');
}

/** JSON with NaN and ±Infinity kept (as the strings "NaN", "Infinity", "-Infinity"). */
export function encodeRun(stored: StoredRun): string {
  return JSON.stringify(stored, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n';
}

export function decodeRun(text: string): StoredRun {
  return JSON.parse(text, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as StoredRun;
}

/** The record exactly as a resumed run or a report will read it back from run.json. */
export function roundTrip(stored: StoredRun): RunRecord {
  return decodeRun(encodeRun(stored)).record;
}

/** Initial and final parameters per method and the sample order, for --save-weights. */
export interface SavedWeights {
  split: RunResult['split'];
  order: Int32Array;
  methods: Record<string, { initial: LayerParams[]; final: LayerParams[] }>;
}

export function writeRunFolder(dir: string, stored: StoredRun, prov: Provenance, weights?: SavedWeights): void {
  writeDirAtomic(dir, (tmp) => {
    const write = (name: string, text: string) => {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), text);
    };
    write('run.json', encodeRun(stored));
    write('provenance.json', JSON.stringify(prov, null, 1) + '\n');
    write('config.yaml', toYaml(stored.config));
    const rows = metricsRows(stored);
    write('metrics.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    write('metrics.csv', 'method,eval,turn,metric,value,train_loss,diverged\n' +
      rows.map((r) => [r.method, r.eval, r.turn, r.metric, r.value, r.trainLoss ?? '', r.diverged ? 'yes' : ''].join(',')).join('\n') + '\n');
    write('table.md', runTable(stored));
    if (weights) {
      write('weights/order.json', JSON.stringify({
        format: WEIGHTS_FORMAT,
        trainList: Array.from(weights.split.train),
        testCount: weights.split.test.length,
        order: Array.from(weights.order),
        note: 'trainList: pool indices drawn with replacement; order: the pool index trained on at each step, the same for every method; the test set is every pool index not in trainList',
      }) + '\n');
      for (const [m, w] of Object.entries(weights.methods)) write(`weights/${m}.json`, weightsJson(m, stored.record.sizes, w.initial, w.final) + '\n');
    }
  });
}

/** One row per method × evaluation; a value after divergence is written as it is (NaN, Infinity) and marked. */
function metricsRows(s: StoredRun) {
  const rows: { method: string; eval: string; turn: number; metric: string; value: number; trainLoss: number | null; diverged: boolean }[] = [];
  for (const [m, r] of Object.entries(s.record.methods)) {
    const from = r.diverged?.turn ?? Infinity;
    r.perTurn.forEach((v, t) => rows.push({ method: m, eval: 'clean', turn: t + 1, metric: s.record.metric, value: v, trainLoss: r.trainLoss[t], diverged: t + 1 >= from }));
    rows.push({ method: m, eval: 'noisy', turn: r.perTurn.length, metric: s.record.metric, value: r.noisy, trainLoss: null, diverged: r.diverged !== undefined });
  }
  return rows;
}

/** The Markdown table printed at the end of `train` and saved as table.md. */
export function runTable(s: StoredRun): string {
  const { config: c, record: r } = s;
  const turns = Object.values(r.methods)[0]?.perTurn.length ?? 0;
  const header = ['method', ...Array.from({ length: turns }, (_, t) => `turn ${t + 1}`), 'clean', `noisy σ=${c.noise.sigma}`];
  const balanced = c.imbalance !== undefined;
  if (balanced) header.push('balanced clean', 'balanced noisy');
  header.push('status');
  const rows = Object.entries(r.methods).map(([m, x]) => {
    const row = [m, ...x.perTurn.map((v) => formatMetric(r.metric, v)), formatMetric(r.metric, x.clean), formatMetric(r.metric, x.noisy)];
    if (balanced) row.push(formatMetric(r.metric, x.balanced?.clean ?? NaN), formatMetric(r.metric, x.balanced?.noisy ?? NaN));
    row.push(methodStatus(x));
    return row;
  });
  const extras = [
    c.labelNoise ? `label noise ${c.labelNoise.fraction} (${r.corruptedLabels ?? 0} entries corrupted)` : '',
    c.imbalance ? `imbalance ${c.imbalance.profile} ratio ${c.imbalance.ratio}, test set ${r.testSet}` : '',
  ].filter(Boolean).join(', ');
  const title = `${r.dataset} ${archName(c.hidden)} (${r.sizes.join('-')}), n=${r.trainSize} (${r.distinctTrain} distinct), ` +
    `test ${r.testSize}, seed ${c.seed}, normalize ${r.normalize}${extras ? ', ' + extras : ''}: test ${metricLabel(r.metric)}`;
  return `${title}\n\n${markdownTable(header, rows, header.map((_, i) => i > 0 && i < header.length - 1))}`;
}

/** "ok", "diverged at turn 2 (…)" or "collapsed (…)". */
export function methodStatus(x: RunRecord['methods'][string]): string {
  if (x.diverged) return `diverged at turn ${x.diverged.turn} (${x.diverged.reason})`;
  if (x.collapsed) return `collapsed (${x.collapsed.reason})`;
  return 'ok';
}

function weightsJson(method: string, sizes: number[], initial: LayerParams[], final: LayerParams[]): string {
  const layer = (p: LayerParams) => {
    const out: Record<string, number[]> = {};
    if (p.W1) out.W1 = Array.from(p.W1);
    if (p.W2) out.W2 = Array.from(p.W2);
    out.W = Array.from(p.W);
    out.b = Array.from(p.b);
    return out;
  };
  return JSON.stringify({
    format: WEIGHTS_FORMAT,
    method,
    sizes,
    layout: 'layer l maps sizes[l] inputs to sizes[l+1] outputs; W, W1, W2 are row-major [out][in], entry (j,i) at j*sizes[l]+i; W = W1 - W2',
    initial: initial.map(layer),
    final: final.map(layer),
  });
}

/** run.json of a run folder, or null when absent or unreadable. */
export function readStoredRun(dir: string): StoredRun | null {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) return null;
  try {
    const stored = decodeRun(readFileSync(file, 'utf8'));
    return stored && typeof stored === 'object' ? stored : null;
  } catch {
    return null;
  }
}

export type Verified =
  | { ok: true; stored: StoredRun }
  /** A whole record of this run, made by other code (another fingerprint). */
  | { ok: false; otherCode: StoredRun };

/**
 * The stored run of `spec` under `outDir` if its folder holds a whole run.json of the same
 * config (hash stored and recomputed), the same data identity and every method's numbers;
 * null otherwise. A record that passes all that but was made by code with another fingerprint
 * is returned as `otherCode`, for the caller to refuse (or, asked to, to use).
 */
export function verifiedRun(outDir: string, spec: RunSpec, code: CodeIdentity): Verified | null {
  const stored = readStoredRun(join(runsDir(outDir), spec.id));
  if (!stored || stored.format !== RUN_FORMAT || stored.runId !== spec.id || stored.configHash !== spec.configHash) return null;
  if (runFolderProblem(join(runsDir(outDir), spec.id), stored)) return null; // damaged (validate-run.ts): never reused
  if (!stored.config || configHash(stored.config, stored.data) !== spec.configHash) return null;
  if (canonicalJson({ ...stored.config, name: null }) !== canonicalJson({ ...spec.config, name: null })) return null;
  if (canonicalJson(stored.data) !== canonicalJson(spec.data)) return null;
  const r = stored.record;
  if (!r || !r.methods || !stored.code) return null;
  for (const m of spec.config.methods) {
    const x = r.methods[m];
    if (!x || !Array.isArray(x.perTurn) || x.perTurn.length !== spec.config.turns || typeof x.noisy !== 'number') return null;
  }
  return stored.code.fingerprint === code.fingerprint ? { ok: true, stored } : { ok: false, otherCode: stored };
}

/** Removes the temporary folders in runs/ whose writer is provably gone (atomic.ts removeDeadTemps). */
export function removeLeftovers(outDir: string, now = Date.now()): number {
  return existsSync(runsDir(outDir)) ? removeDeadTemps(runsDir(outDir), now) : 0;
}
