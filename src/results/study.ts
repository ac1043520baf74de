// The study pipeline, callable without the CLI: plan → run → tidy table → reports, one path for
// `train`, `compare` and `sweep` (presets: where the study's folder is and which reporters
// write into it); `dwgd report` (merge.ts) ends in the same table-and-reports step. Options
// arrive typed (the CLI parsed them); nothing here reads flags or the environment for them.
//
//   train    <out>/<name>/<run id>/           the run folder; its table.csv is the study's table
//   compare  <out>/compare/<name>/            study.json, runs/<run id>/, table.csv, the compare report
//   sweep    <out>/sweeps/<name>/             study.json, runs/<run id>/, table.csv, the sweep report

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Override } from '../config/load.js';
import { fetchMissing } from '../data/index.js';
import type { FetchEvents } from '../data/fetch.js';
import { UserError } from '../errors.js';
import { dataLocator, downloadsOf } from '../experiment/locate-data.js';
import { identifyStudy, planStudy, STUDY_FILE, studyFromSources, studyJson, type GridSource, type OnlyFilter, type Preset, type RunSpec, type Study } from '../experiment/plan.js';
import type { Shard } from '../experiment/shard.js';
import { shardRuns } from '../experiment/shard.js';
import type { RunRecord } from '../experiment/record.js';
import { writeFileAtomic } from './atomic.js';
import { lockFolder } from './lock.js';
import { checkOutDir, estimateRunOutputBytes } from './out-dir.js';
import { reportersFor, type ReportOptions, type ReportResults } from './reporters.js';
import { emitSlurm, outProblem, preflight, type SlurmOptions } from './scaleout.js';
import { runStudy, type StoreHooks, type StoredOutcome } from './store.js';
import { gzipTable, hasTable, runViews, TABLE_FILE, TABLE_GZIP_BYTES, TABLE_GZIP_FILE, tableCsv } from './table.js';
import { evalPoints } from '../data/eval-axes/index.js';

export interface StudyOptions extends ReportOptions {
  preset: Preset;
  files: string[];
  sets: Override[];
  only: OnlyFilter[];
  seeds?: number;
  name?: string;
  allowLarge: boolean;
  out: string;
  workers: number;
  resume: boolean;
  /** Plan and list; run nothing (missing datasets are named, not fatal). */
  dryRun: boolean;
  shard: Shard | null;
  /** Write Slurm scripts instead of running; `args` are the dwgd arguments of one shard. */
  emit: (SlurmOptions & { args: string[] }) | null;
  /** Dataset loader module URL (tests inject synthetic data here). */
  loaderUrl?: string;
  /** Sources already read and overridden (`dwgd tune` builds its stages' sources); `files` then only names them. */
  sources?: GridSource[];
}

export interface StudyHooks extends StoreHooks {
  /** What to tell while a missing dataset is downloaded (dataset.download); `stop` when done. */
  fetching?(): { events: FetchEvents; stop(): void };
}

export interface StudyOutcome {
  study: Study;
  /** The study's folder (train: its run's folder). */
  dir: string;
  /** This invocation's runs (the shard's, or all). */
  runs: RunSpec[];
  shard: Shard | null;
  /** Datasets that could not be found (dry run only; otherwise planning fails naming them). */
  missing: string[];
  ran: number;
  reused: number;
  stored?: StoredOutcome['stored'];
  /** Whether the table and reports were written (not for a shard, a dry run or --emit). */
  reported: boolean;
  files: string[];
  /** What each reporter returned (the compare aggregate and claims, the sweep data). */
  reports: ReportResults;
  /** Run folders that could not be written where asked: what failed and where they went. */
  problems: string[];
}

/**
 * `plan()`, with an --out problem named beside its own (not for a dry run, which writes
 * nothing); `onlyWith`: the --out problem only beside one of its own (a later step checks --out).
 */
function preflightUnless<T>(o: Pick<StudyOptions, 'dryRun' | 'out'>, plan: () => T, onlyWith = false): T {
  if (o.dryRun) return plan();
  if (!onlyWith) return preflight(o.out, plan);
  try {
    return plan();
  } catch (e) {
    const problem = e instanceof UserError ? outProblem(o.out) : null;
    throw problem ? new UserError(`${problem}\n${(e as Error).message}`) : e;
  }
}

/** Where a preset puts a study's folder, and a run's folder in it. */
export function studyDir(preset: Preset, out: string, name: string): string {
  if (preset === 'train') return resolve(out, name);
  // The two stages of `dwgd tune`: <out>/tune/<name>/tuning and <out>/tune/<name>/final.
  if (preset === 'tune' || preset === 'fair') return resolve(out, 'tune', name, preset === 'tune' ? 'tuning' : 'final');
  return resolve(out, preset === 'compare' ? 'compare' : 'sweeps', name);
}

export function runDirOf(preset: Preset, dir: string, spec: Pick<RunSpec, 'id'>): string {
  return preset === 'train' ? join(dir, spec.id) : join(dir, 'runs', spec.id);
}

export async function runStudyCommand(o: StudyOptions, hooks: StudyHooks = {}): Promise<StudyOutcome> {
  // Planned once, without the data; dataset.download fetches what is missing, then the data are
  // found and identified (the run ids cover them). Every problem, --out's too, is named at once.
  const draft = preflightUnless(o, () => (o.sources
    ? studyFromSources(o.preset, o.sources, { files: o.files, only: o.only, seeds: o.seeds, name: o.name, allowLarge: o.allowLarge })
    : planStudy({ preset: o.preset, files: o.files, sets: o.sets, only: o.only, seeds: o.seeds, name: o.name, allowLarge: o.allowLarge })), true);
  if (!o.dryRun && !o.emit) {
    const fetching = hooks.fetching?.();
    await fetchMissing(shardRuns(draft.runs, o.shard).flatMap((r) => downloadsOf(r.config)), { events: fetching?.events }).finally(() => fetching?.stop());
  }
  const data = dataLocator();
  const identify = o.loaderUrl ? undefined : data.identify;
  const { missing, ...study } = preflightUnless(o, () => identifyStudy(draft, { identify, identifyBenchmark: data.identifyBenchmark, missingOk: o.dryRun }));
  const dir = studyDir(o.preset, o.out, study.name);
  const runs = shardRuns(study.runs, o.shard);
  const base: StudyOutcome = { study, dir, runs, shard: o.shard, missing, ran: 0, reused: 0, reported: false, files: [], reports: {}, problems: [] };
  if (o.dryRun) return base;
  if (o.emit) {
    const files = emitSlurm(o.emit, o.out, { command: o.preset === 'sweep' ? 'sweep' : o.preset === 'compare' ? 'compare' : 'tune', name: study.name, folder: dir, runs: study.runs.length, args: o.emit.args });
    return { ...base, files };
  }

  checkOutDir(o.out, o.preset === 'train' ? estimateRunOutputBytes(study.runs[0].config) : 0);
  // One process at a time on a study folder, until its reports are written; a shard locks its
  // own part (shards of one study run side by side), and a train run its own run (other runs of
  // the same config name may train beside it).
  using _lock = o.preset === 'train'
    ? lockFolder(dir, `train ${study.name}`, study.runs[0].id)
    : lockFolder(dir, `${o.preset} ${study.name}`, o.shard ? `shard-${o.shard.k}-of-${o.shard.n}` : undefined);
  if (o.preset !== 'train') refuseOtherStudy(dir, study);
  const nEval = study.runs.length ? evalPoints(study.runs[0].config).length : 1;
  const headline = o.preset === 'train'
    ? `train ${study.name}: 1 run${nEval > 1 ? ` × ${nEval} evaluation points` : ''}`
    : `${o.preset} ${study.name}: ${study.experiments.length} ${o.preset === 'sweep' ? 'training points' : 'experiments'}${nEval > 1 && o.preset === 'sweep' ? ` × ${nEval} evaluation points` : ''} × ${study.seeds} seed${study.seeds === 1 ? '' : 's'} = ${study.runs.length} runs` +
      (o.shard ? `, shard ${o.shard.k}/${o.shard.n}: ${runs.length}` : '');
  const stored = await runStudy({
    runs, runDir: (s) => runDirOf(o.preset, dir, s), dir, resume: o.resume, workers: o.workers, loaderUrl: o.loaderUrl, data, hooks,
    planFile: o.preset === 'train' ? undefined : { path: join(dir, STUDY_FILE), text: () => studyJson(study) },
    headline,
  });
  const outcome: StudyOutcome = { ...base, ran: stored.ran, reused: stored.reused, stored: stored.stored, problems: stored.problems };
  if (o.shard) return outcome;
  const tableDir = o.preset === 'train' ? stored.stored.get(study.runs[0].id)!.dir : dir;
  const records = new Map([...stored.stored].map(([id, x]) => [id, x.stored.record]));
  const { files, reports } = await writeTableAndReports(tableDir, study, records, o);
  return { ...outcome, reported: true, files, reports };
}

/**
 * A study folder whose finished report (table.csv) belongs to a study with runs this one does not
 * include is another study's: refused, never overwritten. An unfinished one (no table yet) has
 * nothing its runs could not rebuild, and is taken over.
 */
function refuseOtherStudy(dir: string, study: Study): void {
  const file = join(dir, STUDY_FILE);
  if (!existsSync(file) || !hasTable(dir)) return;
  let other: { name?: string; runs?: { id: string }[] };
  try {
    other = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UserError(`${file}: not readable JSON; this folder is not a study this dwgd can add to (move it away, or give another --name)`);
  }
  const mine = new Set(study.runs.map((r) => r.id));
  const foreign = (other.runs ?? []).filter((r) => !mine.has(r.id));
  if (foreign.length) {
    throw new UserError(`${dir} holds the report of another study (${foreign.length} of its ${other.runs!.length} runs are not in this one, e.g. ${foreign[0].id}); ` +
      `give this one its own folder with --name (or --set name=…) or --out, so that report is not replaced`);
  }
}

/**
 * Writes a study's table text as table.csv and, when it is larger than `gzipAbove` bytes, its
 * compressed copy table.csv.gz; a smaller table leaves no copy behind (a stale one would
 * disagree with table.csv). Returns the files written.
 */
export function writeTable(dir: string, text: string, gzipAbove = TABLE_GZIP_BYTES): string[] {
  writeFileAtomic(join(dir, TABLE_FILE), text);
  if (Buffer.byteLength(text, 'utf8') <= gzipAbove) {
    rmSync(join(dir, TABLE_GZIP_FILE), { force: true });
    return [TABLE_FILE];
  }
  writeFileAtomic(join(dir, TABLE_GZIP_FILE), gzipTable(text));
  return [TABLE_FILE, TABLE_GZIP_FILE];
}

/**
 * Writes the tidy table of a study's finished runs, then reads it back and hands the views to
 * the preset's reporters: every report is computed from the table, never from the records.
 */
export async function writeTableAndReports(dir: string, study: Study, records: Map<string, RunRecord>, o: ReportOptions): Promise<{ files: string[]; reports: ReportResults }> {
  const text = tableCsv(study.runs, records);
  const files = writeTable(dir, text);
  const views = runViews(text, join(dir, TABLE_FILE), { name: study.name, points: evalPoints });
  const reports: ReportResults = {};
  for (const r of reportersFor(study.preset)) {
    const out = await r.write({ dir, study, views, options: o });
    files.push(...out.files);
    reports[r.id] = out.result;
  }
  if (study.preset !== 'train') files.unshift(STUDY_FILE);
  return { files, reports };
}
