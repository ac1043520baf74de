// `dwgd report DIR…` as a function: the run folders of every DIR (shards of one compare or one
// sweep, computed on any number of machines) gathered into one folder and rendered into one
// report, the same bytes a single-machine run writes. Given one finished folder, it re-renders
// the report from the stored run records, without training.

import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseStudyJson, STUDY_FILE, type Preset, type Study } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/record.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { LOCK_FILE, lockFolder } from './lock.js';
import { checkOutDir } from './out-dir.js';
import type { ReportOptions } from './reporters.js';
import { verifiedRun } from './run-record.js';
import { codeScope } from '../experiment/provenance.js';
import { codeFor } from './store.js';
import { runDirOf, writeTableAndReports } from './study.js';

export interface ReportFlags extends ReportOptions {
  dirs: string[];
  out?: string;
}

export interface ReportOutcome {
  kind: Exclude<Preset, 'train'>;
  outDir: string;
  name: string;
  study: Study;
  runs: number;
  copied: number;
  files: string[];
  reports: Record<string, unknown>;
}

function readStudy(dir: string): { text: string; study: Study } {
  const file = join(dir, STUDY_FILE);
  if (!existsSync(file)) throw new UserError(`report ${dir}: no ${STUDY_FILE} here (not a compare or sweep folder, or no shard has started in it)`);
  const text = readFileSync(file, 'utf8');
  return { text, study: parseStudyJson(text, file) };
}

/** `dwgd report DIR…`: the run folders of every DIR (shards from several machines) → one table and report. */
export async function runReport(flags: ReportFlags): Promise<ReportOutcome> {
  if (flags.dirs.length === 0) throw new UserError('report: give at least one compare or sweep folder (results/compare/<name>, results/sweeps/<name>)');
  const first = readStudy(flags.dirs[0]);
  for (const dir of flags.dirs.slice(1)) {
    if (readStudy(dir).text !== first.text) throw new UserError(`report ${dir}: its ${STUDY_FILE} differs from ${join(flags.dirs[0], STUDY_FILE)} (a different study or different flags)`);
  }
  const { study } = first;
  if (study.preset === 'train') throw new UserError(`report ${flags.dirs[0]}: a train study; its run folder holds its table`);
  if (flags.out !== undefined) checkOutDir(flags.out);
  const outDir = resolve(flags.out ?? flags.dirs[0]);
  // A new --out folder is the report's alone: if the report fails after gathering runs into it,
  // it is emptied again, so a failed report leaves no half-made folder behind.
  const fresh = flags.out !== undefined && !existsSync(outDir);
  using _lock = lockFolder(outDir, `report ${study.name}`);
  // An output folder holding another study is refused: its report and runs would be orphaned.
  if (existsSync(join(outDir, STUDY_FILE)) && readFileSync(join(outDir, STUDY_FILE), 'utf8') !== first.text) {
    throw new UserError(`report --out ${flags.out ?? outDir}: ${outDir} holds another study (its ${STUDY_FILE} differs); give an empty or new folder`);
  }
  const records = new Map<string, RunRecord>();
  const from = new Map<string, string>();
  // Shards may come from any build, but all from one: a report never mixes two programs' numbers.
  // Runs of one code scope (engine, methods, dataset, evaluation axes) execute the same modules, so they must carry
  // one fingerprint; runs of different scopes have different fingerprints anyway.
  const codes = new Map<string, Map<string, string>>();
  for (const dir of flags.dirs) {
    for (const spec of study.runs) {
      if (records.has(spec.id)) continue;
      const v = verifiedRun(runDirOf(study.preset, dir, spec), spec, codeFor(spec));
      const stored = v ? (v.ok ? v.stored : 'otherCode' in v ? v.otherCode : null) : null;
      if (!stored) continue;
      records.set(spec.id, stored.record);
      from.set(spec.id, dir);
      const scope = codeScope(spec.config);
      const seen = codes.get(scope) ?? new Map<string, string>();
      codes.set(scope, seen);
      if (!seen.has(stored.code.fingerprint)) seen.set(stored.code.fingerprint, `${runDirOf(study.preset, dir, spec)} (dwgd ${stored.code.version})`);
    }
  }
  const mixed = [...codes.values()].find((m) => m.size > 1);
  if (mixed) {
    const [[a, at], [b, bt]] = [...mixed.entries()];
    throw new UserError(`report: the runs were made by different code: fingerprint ${a} in ${at} and ${b} in ${bt}; rerun one side's shards with the other's dwgd`);
  }
  const missing = study.runs.filter((s) => !records.has(s.id));
  if (missing.length) {
    throw new UserError(`report: ${missing.length} of ${study.runs.length} runs are missing from ${flags.dirs.join(', ')} ` +
      `(first: ${missing[0].id}, ${missing[0].label} seed ${missing[0].config.seed}); finish their shards or rerun with --resume`);
  }
  try {
    // Gather every run folder into the output folder, so it holds the whole study.
    let copied = 0;
    writeFileAtomic(join(outDir, STUDY_FILE), first.text);
    for (const spec of study.runs) {
      const src = runDirOf(study.preset, from.get(spec.id)!, spec);
      const dst = runDirOf(study.preset, outDir, spec);
      if (resolve(src) === resolve(dst) || verifiedRun(dst, spec, codeFor(spec))?.ok) continue;
      writeDirAtomic(dst, (tmp) => {
        for (const name of readdirSync(src)) cpSync(join(src, name), join(tmp, name), { recursive: true });
      });
      copied++;
    }
    const { files, reports } = await writeTableAndReports(outDir, study, records, flags);
    return { kind: study.preset, outDir, name: study.name, study, runs: records.size, copied, files, reports };
  } catch (e) {
    // Everything but the lock (released on the way out, with the folders it made).
    if (fresh) for (const name of readdirSync(outDir)) if (!name.startsWith(LOCK_FILE)) rmSync(join(outDir, name), { recursive: true, force: true });
    throw e;
  }
}
