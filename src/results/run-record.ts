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

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { LayerParams } from '../core/rules/index.js';
import { canonicalJson } from '../config/load.js';
import { configHash, numbersConfig } from '../config/identity.js';
import { archName, type ExperimentConfig } from '../config/schema.js';
import { EVAL_AXES, evalPoints, isActive, isIdentity, pointId, type EvalPoint } from '../data/eval-axes/index.js';
import { attackAxis } from '../data/eval-axes/attack.js';
import { benchmarkAxis } from '../data/eval-axes/benchmark.js';
import { corruptionAxis } from '../data/eval-axes/corruption.js';
import type { DataIdentity } from '../data/identity.js';
import { UserError } from '../errors.js';
import type { RunSpec } from '../experiment/plan.js';
import type { SavedWeights } from '../experiment/pool.js';
import { turnTested, type MethodRecord, type RunRecord } from '../experiment/record.js';
import type { CodeIdentity, Provenance } from '../experiment/provenance.js';
import { removeDeadTemps, writeDirAtomic, writeFileAtomic } from './atomic.js';
export { LEFTOVER_MAX_AGE_HOURS } from './atomic.js';
import { formatMetric, markdownTable, metricLabel } from './format.js';
import { RUN_FILES, RUN_VIEWS, runFolderProblem } from './validate-run.js';
import { methodIds } from '../config/methods.js';

export type { SavedWeights } from '../experiment/pool.js';

export const RUN_FORMAT = 'dwgd-run/3';
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

/**
 * Writes a run folder atomically. Nothing already in the folder is lost: files dwgd does not
 * write (a user's notes, figures) are carried over, and so are saved weights when this write
 * brings none, if they were made by the same code from the same config (and so are these
 * numbers' weights); weights of other code are refused with one line naming them and the flag.
 */
export function writeRunFolder(dir: string, stored: StoredRun, prov: Provenance, weights?: SavedWeights): void {
  const keep = keptEntries(dir, stored, weights !== undefined);
  writeDirAtomic(dir, (tmp) => {
    const write = (name: string, text: string) => {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), text);
    };
    write('run.json', encodeRun(stored));
    write('provenance.json', JSON.stringify(prov, null, 1) + '\n');
    write('config.yaml', toYaml(stored.config));
    for (const [name, text] of Object.entries(runViews(stored))) write(name, text);
    if (weights) {
      write('weights/order.json', JSON.stringify({
        format: WEIGHTS_FORMAT,
        trainList: Array.from(weights.split.train),
        ...(weights.split.validation ? { validationList: Array.from(weights.split.validation), testList: Array.from(weights.split.test) } : {}),
        testCount: weights.split.test.length,
        order: Array.from(weights.order),
        note: 'trainList: pool indices drawn with replacement; order: the pool index trained on at each step, the same for every method; the test set is every pool index not in trainList',
      }) + '\n');
      for (const [m, w] of Object.entries(weights.methods)) write(`weights/${m}.json`, weightsJson(m, stored.record.sizes, w.initial, w.final) + '\n');
    }
    for (const name of keep) cpSync(join(dir, name), join(tmp, name), { recursive: true });
  });
}

/** The views of a stored run (RUN_VIEWS) by file name: metrics.jsonl and metrics.csv, one row per method × evaluation, and table.md. */
function runViews(stored: StoredRun): Record<(typeof RUN_VIEWS)[number], string> {
  const rows = metricsRows(stored);
  return {
    'metrics.csv': 'method,eval,turn,metric,value,train_loss,diverged\n' +
      rows.map((r) => [r.method, r.eval, r.turn, r.metric, r.value, r.trainLoss ?? '', r.diverged ? 'yes' : ''].join(',')).join('\n') + '\n',
    'metrics.jsonl': rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
    'table.md': runTable(stored),
  };
}

/**
 * Writes the views a whole run folder lacks (a published study may leave them out), each file
 * atomically, from its run.json as stored; returns their names. Nothing is written when none is
 * missing.
 */
export function restoreRunViews(dir: string): string[] {
  const missing = RUN_VIEWS.filter((name) => !existsSync(join(dir, name)));
  if (missing.length === 0) return [];
  const stored = readStoredRun(dir);
  if (!stored) return [];
  const views = runViews(stored);
  for (const name of missing) writeFileAtomic(join(dir, name), views[name]);
  return missing;
}

/** The entries of an existing run folder that a new write of `stored` must carry over. */
function keptEntries(dir: string, stored: StoredRun, bringsWeights: boolean): string[] {
  if (!existsSync(dir)) return [];
  const ours = new Set<string>([...RUN_FILES, 'table.csv']);
  const keep: string[] = [];
  for (const name of readdirSync(dir)) {
    if (ours.has(name) || name.startsWith('.')) continue;
    if (name === 'weights') {
      if (bringsWeights) continue;
      const before = readStoredRun(dir);
      const same = before !== null && before.code?.fingerprint === stored.code.fingerprint && before.configHash === stored.configHash;
      if (!same) {
        throw new UserError(`${join(dir, 'weights')} holds saved weights made by other code or from another config, which this run would not recreate; ` +
          'rerun with --save-weights (or saveWeights: true) to replace them, or use another --out');
      }
    }
    keep.push(name);
  }
  return keep;
}

/**
 * One row per method × evaluation point × turn; a value after divergence is written as it is (NaN,
 * Infinity) and marked. A test score testEvery did not measure has no value (an empty cell), its
 * training loss stays.
 */
function metricsRows(s: StoredRun) {
  const rows: { method: string; eval: string; turn: number; metric: string; value: number | null; trainLoss: number | null; diverged: boolean }[] = [];
  for (const [m, r] of Object.entries(s.record.methods)) {
    const from = r.diverged?.turn ?? Infinity;
    r.perTurn.forEach((v, t) => rows.push({ method: m, eval: 'clean', turn: t + 1, metric: s.record.metric, value: turnTested(s.record, t + 1, r.perTurn.length) ? v : null, trainLoss: r.trainLoss[t], diverged: t + 1 >= from }));
    s.record.points.forEach((p, k) => {
      if (!isIdentity(p) && s.record.tested !== 'never') rows.push({ method: m, eval: pointText(p), turn: r.perTurn.length, metric: s.record.metric, value: r.at[k].value, trainLoss: null, diverged: r.diverged !== undefined });
    });
  }
  return rows;
}

/** "σ=0.3" or "σ=0.3 masked=0.25": an evaluation point's axes that are not at their identity. */
export function pointText(p: EvalPoint): string {
  const parts = EVAL_AXES.filter((a) => (p[a.key] ?? a.identity) !== a.identity).map((a) => `${a.key === 'noise.sigma' ? 'σ' : a.key}=${p[a.key]}`);
  return parts.length ? parts.join(' ') : 'clean';
}

/** The Markdown table printed at the end of `train` and saved as table.md. */
export function runTable(s: StoredRun): string {
  const { config: c, record: r } = s;
  const turns = Object.values(r.methods)[0]?.perTurn.length ?? 0;
  const points = r.points.map((p, k) => ({ p, k })).filter(({ p }) => !isIdentity(p));
  const header = ['method', ...Array.from({ length: turns }, (_, t) => `turn ${t + 1}`), 'clean', ...points.map(({ p }) => pointText(p))];
  const balanced = c.imbalance !== undefined;
  if (balanced) header.push('balanced clean', ...points.map(({ p }) => `balanced ${pointText(p)}`));
  const validated = Object.values(r.methods).some((x) => x.val);
  const stopped = Object.values(r.methods).some((x) => x.earlyStop);
  if (validated) header.push('val');
  if (stopped) header.push('kept turn', 'turns trained');
  header.push('status');
  const rows = Object.entries(r.methods).map(([m, x]) => {
    // '–': a test score testEvery did not measure.
    const shown = (v: number, measured: boolean) => (measured ? formatMetric(r.metric, v) : '–');
    const row = [m, ...x.perTurn.map((v, t) => shown(v, turnTested(r, t + 1, x.perTurn.length))), shown(x.clean, r.tested !== 'never'), ...points.map(({ k }) => shown(x.at[k].value, r.tested !== 'never'))];
    if (balanced) row.push(formatMetric(r.metric, x.balanced ?? NaN), ...points.map(({ k }) => formatMetric(r.metric, x.at[k].balanced ?? NaN)));
    if (validated) row.push(x.val?.length ? formatMetric(r.metric, x.val[(x.earlyStop?.bestTurn ?? x.val.length) - 1]) : '–');
    if (stopped) row.push(String(x.earlyStop?.bestTurn ?? '–'), String(x.earlyStop?.turnsTrained ?? '–'));
    row.push(methodStatus(x));
    return row;
  });
  const extras = [
    c.labelNoise ? `label noise ${c.labelNoise.fraction} (${r.corruptedLabels ?? 0} entries corrupted)` : '',
    c.imbalance ? `imbalance ${c.imbalance.profile} ratio ${c.imbalance.ratio}, test set ${r.testSet}` : '',
    r.validation ? `validation ${r.validation.size} (held out of the test set)` : '',
    c.earlyStopping ? `early stopping, patience ${c.earlyStopping.patience}` : '',
  ].filter(Boolean).join(', ');
  const title = `${r.dataset} ${archName(c.hidden)} (${r.sizes.join('-')}), n=${r.trainSize} (${r.distinctTrain} distinct), ` +
    `test ${r.testSize}, seed ${c.seed}, normalize ${r.normalize}${extras ? ', ' + extras : ''}: test ${metricLabel(r.metric)}`;
  return `${title}\n\n${markdownTable(header, rows, header.map((_, i) => i > 0 && i < header.length - 1))}`;
}

/** "ok", "diverged at turn 2 (…)" or "collapsed (…)". */
export function methodStatus(x: MethodRecord): string {
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

/** run.json of a run folder, or null when absent or unreadable (not checked: see runFolderProblem). */
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
  | { ok: false; otherCode: StoredRun }
  /** A folder of this run that is damaged or incomplete: what is wrong, in one line. */
  | { ok: false; damaged: string };

/**
 * The stored run of `spec` in its folder `dir`, checked: a whole run.json (schema and files) of
 * the same training config (hash stored and recomputed), the same data identity and every
 * method's numbers at every evaluation point the spec needs; returned projected onto the spec's
 * points. null when there is no run.json; `damaged` when there is one that cannot be used (the
 * caller retrains, or names it); `otherCode` when it is whole but made by other code.
 */
export function verifiedRun(dir: string, spec: RunSpec, code: CodeIdentity): Verified | null {
  if (!existsSync(join(dir, 'run.json'))) return null;
  const problem = runFolderProblem(dir);
  if (problem) return { ok: false, damaged: problem };
  const stored = readStoredRun(dir)!;
  if (stored.runId !== spec.id || stored.configHash !== spec.configHash || configHash(stored.config, stored.data) !== spec.configHash) {
    return { ok: false, damaged: 'run.json: another config than this run id' };
  }
  if (canonicalJson(numbersConfig(stored.config)) !== canonicalJson(numbersConfig(spec.config))) return { ok: false, damaged: 'run.json: another config than this run id' };
  if (canonicalJson(stored.data) !== canonicalJson(spec.data)) return { ok: false, damaged: 'run.json: other data files' };
  for (const m of methodIds(spec.config)) {
    const x = stored.record.methods[m];
    if (!x || x.perTurn.length !== spec.config.turns) return { ok: false, damaged: `run.json: no numbers for method ${m}` };
  }
  const record = projectRecord(stored.record, spec.config);
  if (!record) return { ok: false, damaged: 'run.json: not scored at every evaluation point this study needs' };
  if (stored.code.fingerprint !== code.fingerprint) return { ok: false, otherCode: stored };
  return { ok: true, stored: { ...stored, config: spec.config, label: spec.label, record } };
}

/**
 * The record restricted to the config's methods and evaluation points (in the config's order), or
 * null if one is missing, or if the config has attacked points and the record's were made with
 * other attack settings (config `attack:`, not in the run id), or corrupted points scored on
 * another subsample (config `corrupted:`).
 */
export function projectRecord(record: RunRecord, config: ExperimentConfig): RunRecord | null {
  const want = evalPoints(config);
  if (want.some((p) => isActive(attackAxis, p))) {
    const { testSize: _t, sha256: _h, ...settings } = record.attack ?? { testSize: 0, sha256: '' };
    if (canonicalJson(settings) !== canonicalJson(config.attack ?? {})) return null;
  }
  if (want.some((p) => !isActive(attackAxis, p) && (isActive(corruptionAxis, p) || isActive(benchmarkAxis, p))) && record.corrupted?.subsample !== config.corrupted?.subsample) return null;
  const index = new Map(record.points.map((p, k) => [pointId(p), k]));
  const ks = want.map((p) => index.get(pointId(p)));
  if (ks.some((k) => k === undefined)) return null;
  const methods: RunRecord['methods'] = {};
  for (const m of methodIds(config)) {
    const x = record.methods[m];
    if (!x) return null;
    methods[m] = { ...x, at: ks.map((k) => x.at[k!]) };
  }
  return { ...record, points: want, methods };
}

/** Removes the temporary folders in runs/ whose writer is provably gone (atomic.ts removeDeadTemps). */
export function removeLeftovers(outDir: string, now = Date.now()): number {
  return removeDeadTempsIn(runsDir(outDir), now);
}

/** Removes the temporary entries in `dir` whose writer is provably gone; 0 when there is no such folder. */
export function removeDeadTempsIn(dir: string, now = Date.now()): number {
  return existsSync(dir) ? removeDeadTemps(dir, now) : 0;
}
