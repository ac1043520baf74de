// Running a plan's runs and storing each in its run folder the moment it finishes; finding the
// finished runs of an earlier invocation (--resume). Shared by compare and sweep.

import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { datasetKey, planWarnings, type RunSpec } from '../experiment/plan.js';
import { estimatedCost } from '../experiment/shard.js';
import type { DataLocations } from '../experiment/locate-data.js';
import { runPool, RunFailure, type RunRecord } from '../experiment/pool.js';
import { NO_PROGRESS, type PipelineHooks, type Progress } from '../experiment/progress.js';
import { codeIdentity, provenance, type CodeIdentity } from '../experiment/provenance.js';
import { writeFileAtomic } from './atomic.js';
import { lockFolder } from './lock.js';
import { checkOutDir } from './out-dir.js';
import { readStoredRun, removeLeftovers, roundTrip, runsDir, storedRun, verifiedRun, writeRunFolder } from './run-record.js';

/**
 * The runs of one compare or sweep invocation, done and stored under outDir: with `resume`,
 * the finished ones are reused (those `complete` accepts), the rest trained; the plan file goes
 * in with the first stored run (an invocation that fails at once leaves nothing). `headline`
 * names what runs (e.g. "compare paper: 30 experiments × 10 seeds = 300 runs").
 */
export async function runPlan(o: {
  out: string; outDir: string; runs: RunSpec[]; plan: { runs: RunSpec[] }; resume: boolean; workers: number; loaderUrl?: string;
  data: DataLocations; hooks: PipelineHooks; planFile: { name: string; text(): string }; headline: string;
  complete?(spec: RunSpec, record: RunRecord): boolean;
}): Promise<{ records: Map<string, RunRecord>; ran: number; reused: number }> {
  checkOutDir(o.out);
  // One invocation at a time on the folder; a shard (a part of the runs) only excludes the same part.
  using _lock = lockFolder(o.outDir, o.headline, o.runs.length < o.plan.runs.length ? o.runs.map((r) => r.id).join(',') : undefined);
  const log = (line: string) => o.hooks.log?.(line);
  for (const w of planWarnings(o.plan)) log(`warning: ${w}`);
  const code = codeIdentity();
  const records = new Map<string, RunRecord>();
  if (o.resume) {
    removeLeftovers(o.outDir);
    resumable(o.outDir, o.runs, code, records);
    if (o.complete) for (const spec of o.runs) if (records.has(spec.id) && !o.complete(spec, records.get(spec.id)!)) records.delete(spec.id);
  } else warnReplacing(o.outDir, o.runs, code, log);
  let described = false;
  const describe = () => {
    if (!described) writeFileAtomic(join(o.outDir, o.planFile.name), o.planFile.text());
    described = true;
  };
  const todo = o.runs.filter((s) => !records.has(s.id));
  const reused = records.size;
  log(`${o.headline}${o.resume ? `, ${reused} already done` : ''}, ${Math.min(o.workers, todo.length) || 0} worker${o.workers === 1 ? '' : 's'} → ${relative(process.cwd(), o.outDir) || '.'}`);
  const progress = o.hooks.progress?.(o.runs.length, reused) ?? NO_PROGRESS;
  await runAndStore(todo, { workers: o.workers, loaderUrl: o.loaderUrl, outDir: o.outDir, records, progress, beforeStore: describe, code, data: o.data });
  describe();
  return { records, ran: todo.length, reused };
}

/**
 * Runs `todo` on the pool with progress, storing each run's folder the moment it finishes (so
 * a kill loses only the runs in flight) and its record in `records`. A user error inside a
 * run becomes one UserError line; `beforeStore` runs before each store (e.g. to write a plan).
 */
export async function runAndStore(todo: RunSpec[], o: {
  workers: number; loaderUrl?: string; outDir: string; records: Map<string, RunRecord>; progress: Progress; beforeStore?: () => void;
  code: CodeIdentity; data: DataLocations;
}): Promise<void> {
  const { progress } = o;
  try {
    await runPool(todo, {
      workers: o.workers,
      loaderUrl: o.loaderUrl,
      cost: estimatedCost,
      onStart: (spec, w) => progress.start(spec, w),
      onProgress: (spec, w, p) => progress.update(spec, w, p.methodIndex * p.stepsTotal + p.stepsDone, p.methods * p.stepsTotal, `${p.method} ${p.methodIndex + 1}/${p.methods}, turn ${p.turn}`),
      onDone: (spec, record, w, seconds) => {
        o.beforeStore?.();
        const stored = storedRun(spec, o.code, record);
        const ended = new Date();
        const where = o.data.where.get(datasetKey(spec.config));
        const prov = provenance({
          started: new Date(ended.getTime() - seconds * 1000), ended, worker: w + 1,
          dataPaths: where?.paths ?? [], dataOrigin: where?.origin ?? null,
        });
        writeRunFolder(join(runsDir(o.outDir), spec.id), stored, prov);
        o.records.set(spec.id, roundTrip(stored));
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
 * Fills `records` with the finished runs of `specs` stored under outDir. A finished run made by
 * code with another fingerprint is refused: mixing it in would report numbers of two programs
 * as one.
 */
export function resumable(outDir: string, specs: RunSpec[], code: CodeIdentity, records: Map<string, RunRecord>): void {
  const other: RunSpec[] = [];
  let otherCode = '';
  for (const spec of specs) {
    const v = verifiedRun(outDir, spec, code);
    if (!v) continue;
    if (v.ok) records.set(spec.id, v.stored.record);
    else {
      other.push(spec);
      otherCode = `${v.otherCode.code.fingerprint} (dwgd ${v.otherCode.code.version})`;
    }
  }
  if (other.length) {
    throw new UserError(`--resume: ${other.length} finished run${other.length === 1 ? '' : 's'} in ${runsDir(outDir)} (first: ${other[0].id}) ` +
      `were made by other code, fingerprint ${otherCode}; this dwgd is ${code.fingerprint} (dwgd ${code.version}). Rerun without --resume to replace them, or use another --out`);
  }
}

/** Says so when a fresh run is about to replace run folders that other code made. */
export function warnReplacing(outDir: string, specs: RunSpec[], code: CodeIdentity, log: (s: string) => void): void {
  const other = specs.filter((s) => {
    const stored = readStoredRun(join(runsDir(outDir), s.id));
    return stored?.code !== undefined && stored.code.fingerprint !== code.fingerprint;
  });
  if (other.length) log(`${other.length} run folder${other.length === 1 ? '' : 's'} in ${runsDir(outDir)} made by other code will be replaced (this code: ${code.fingerprint})`);
}
