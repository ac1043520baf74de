// The one runner and store of every study: the runs not yet done are trained on the worker pool
// and each is stored in its run folder the moment it finishes (so a kill loses only the runs in
// flight); with --resume, finished runs are found, checked (schema, files, config, data, code,
// evaluation points) and reused; a damaged one is named and trained again.

import { dirname, relative } from 'node:path';
import { UserError } from '../errors.js';
import { planWarnings, type RunSpec } from '../experiment/plan.js';
import { estimatedCost } from '../experiment/shard.js';
import { runDataPaths, type DataLocations } from '../experiment/locate-data.js';
import { runPool, RunFailure, type RunEventSink } from '../experiment/pool.js';
import { NO_PROGRESS, type PipelineHooks, type Progress } from '../experiment/progress.js';
import { codeIdentity, provenance, type CodeIdentity, type Provenance } from '../experiment/provenance.js';
import { writeFileAtomic } from './atomic.js';
import { saveWithRescue } from './out-dir.js';
import { readStoredRun, removeDeadTempsIn, restoreRunViews, roundTrip, storedRun, verifiedRun, writeRunFolder, type StoredRun } from './run-record.js';

/** The code identity a run is made (and checked) with: a fingerprint of the modules that run executes. */
export function codeFor(spec: Pick<RunSpec, 'config'>): CodeIdentity {
  return codeIdentity(spec.config);
}

export interface StoreHooks extends PipelineHooks {
  /** Every event of a run (train renders them). */
  runEvents?(spec: RunSpec, worker: number): RunEventSink;
}

export interface RunStudyOptions {
  /** This invocation's runs (a shard's, or all). */
  runs: RunSpec[];
  /** Where each run's folder is. */
  runDir(spec: RunSpec): string;
  /** The folder the study's own files go to (for the headline and the leftover sweep). */
  dir: string;
  resume: boolean;
  workers: number;
  loaderUrl?: string;
  data: DataLocations;
  hooks: StoreHooks;
  /** Written with the first stored run (an invocation that fails at once leaves nothing). */
  planFile?: { path: string; text(): string };
  headline: string;
}

export interface StoredOutcome {
  /** Each run by id: its folder, its stored run (the record projected onto its evaluation points) and, when trained now, its provenance. */
  stored: Map<string, { dir: string; stored: StoredRun; provenance?: Provenance }>;
  ran: number;
  reused: number;
  /** Run folders that could not be written where asked: what failed and where they went instead. */
  problems: string[];
}

export async function runStudy(o: RunStudyOptions): Promise<StoredOutcome> {
  const log = (line: string) => o.hooks.log?.(line);
  for (const w of planWarnings(o)) log(`warning: ${w}`);
  const stored: StoredOutcome['stored'] = new Map();
  if (o.resume) {
    for (const d of new Set(o.runs.map((s) => dirname(o.runDir(s))))) removeDeadTempsIn(d);
    for (const [spec, s] of resumable(o.runs, o.runDir, log)) stored.set(spec.id, { dir: o.runDir(spec), stored: s });
  } else warnReplacing(o.runs, o.runDir, log);
  let described = false;
  const describe = () => {
    if (!described && o.planFile) writeFileAtomic(o.planFile.path, o.planFile.text());
    described = true;
  };
  const todo = o.runs.filter((s) => !stored.has(s.id));
  const reused = stored.size;
  log(`${o.headline}${o.resume ? `, ${reused} already done` : ''}, ${Math.min(o.workers, todo.length) || 0} worker${o.workers === 1 ? '' : 's'} → ${relative(process.cwd(), o.dir) || '.'}`);
  const progress = o.hooks.progress?.(o.runs.length, reused, todo) ?? NO_PROGRESS;
  const problems: string[] = [];
  await trainAndStore(todo, { ...o, progress, beforeStore: describe, onStored: (spec, dir, s, prov, problem) => {
    stored.set(spec.id, { dir, stored: s, provenance: prov });
    if (problem) problems.push(problem);
  } });
  describe();
  return { stored, ran: todo.length, reused, problems };
}

async function trainAndStore(todo: RunSpec[], o: RunStudyOptions & {
  progress: Progress; beforeStore(): void;
  onStored(spec: RunSpec, dir: string, stored: StoredRun, prov: Provenance, problem?: string): void;
}): Promise<void> {
  const { progress } = o;
  try {
    await runPool(todo, {
      workers: o.workers,
      loaderUrl: o.loaderUrl,
      cost: estimatedCost,
      events: (spec, w) => {
        const own = o.hooks.runEvents?.(spec, w) ?? {};
        return { ...own, onNoisyStart(points) { own.onNoisyStart?.(points); progress.evaluating?.(spec, w, points); } };
      },
      onStart: (spec, w) => progress.start(spec, w),
      onProgress: (spec, w, p) => progress.update(spec, w, p.methodIndex * p.stepsTotal + p.stepsDone, p.methods * p.stepsTotal, `${p.method} ${p.methodIndex + 1}/${p.methods}, turn ${p.turn}`),
      onDone: (spec, output, w, seconds) => {
        o.beforeStore();
        const s = storedRun(spec, codeFor(spec), output.record);
        const ended = new Date();
        const where = runDataPaths(o.data, spec.config);
        const prov = provenance({
          started: new Date(ended.getTime() - seconds * 1000), ended, worker: w + 1,
          dataPaths: where?.paths ?? [], dataOrigin: where?.origin ?? output.origin ?? null,
        });
        const saved = saveWithRescue(o.runDir(spec), (d) => writeRunFolder(d, s, prov, output.weights));
        o.onStored(spec, saved.dir, { ...s, record: roundTrip(s) }, prov, saved.problem);
        progress.done(spec, w, seconds);
      },
    });
  } catch (e) {
    progress.stop();
    if (e instanceof RunFailure && e.userError) throw new UserError(e.message);
    throw e;
  }
  progress.stop();
}

/**
 * The finished runs of `specs` in their folders, checked. A whole run made by code with another
 * fingerprint is refused (mixing it in would report numbers of two programs as one); a damaged
 * or incomplete one is named and trained again.
 */
export function resumable(specs: RunSpec[], runDir: (s: RunSpec) => string, log: (line: string) => void): [RunSpec, StoredRun][] {
  const found: [RunSpec, StoredRun][] = [];
  const other: { spec: RunSpec; code: string }[] = [];
  const damaged: string[] = [];
  for (const spec of specs) {
    const v = verifiedRun(runDir(spec), spec, codeFor(spec));
    if (!v) continue;
    if (v.ok) {
      found.push([spec, v.stored]);
      restoreRunViews(runDir(spec));
    }
    else if ('damaged' in v) damaged.push(v.damaged);
    else other.push({ spec, code: `${v.otherCode.code.fingerprint} (dwgd ${v.otherCode.code.version})` });
  }
  // Each damaged folder in one line, the first few; a whole folder of an older format in one more.
  const SHOWN = 5;
  for (const line of damaged.slice(0, SHOWN)) log(`${line}; training it again`);
  if (damaged.length > SHOWN) log(`… and ${damaged.length - SHOWN} more run folders that cannot be reused; training them again`);
  if (other.length) {
    const code = codeFor(other[0].spec);
    throw new UserError(`--resume: ${other.length} finished run${other.length === 1 ? '' : 's'} (first: ${runDir(other[0].spec)}) ` +
      `were made by other code, fingerprint ${other[0].code}; this dwgd is ${code.fingerprint} (dwgd ${code.version}). Rerun without --resume to replace them, or use another --out`);
  }
  return found;
}

/** Says so when a fresh run is about to replace run folders that other code made. */
export function warnReplacing(specs: RunSpec[], runDir: (s: RunSpec) => string, log: (s: string) => void): void {
  const other = specs.filter((s) => {
    const stored = readStoredRun(runDir(s));
    return stored?.code?.fingerprint !== undefined && stored.code.fingerprint !== codeFor(s).fingerprint;
  });
  if (other.length) log(`${other.length} run folder${other.length === 1 ? '' : 's'} made by other code will be replaced (first: ${runDir(other[0])}; this code: ${codeFor(other[0]).fingerprint})`);
}
