// `dwgd report DIR…` as a function: the run folders of every DIR (shards of one compare or one
// sweep, computed on any number of machines) gathered into one folder and rendered into one
// report, the same bytes a single-machine run writes. Given one finished folder, it re-renders
// the report from the stored run records, without training.

import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseCompareJson } from '../experiment/compare-plan.js';
import type { Plan, RunSpec } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/pool.js';
import { codeIdentity } from '../experiment/provenance.js';
import { parseSweepJson, recordComplete } from '../experiment/sweep-plan.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { AUTHORS_FILE, COMPARE_FILES, readAuthors, writeCompareOutputs } from './compare-report.js';
import { lockFolder } from './lock.js';
import { checkOutDir } from './out-dir.js';
import { runsDir, verifiedRun } from './run-record.js';
import { parseMseScale, type FigureOptions } from './plots.js';
import { writeSweepOutputs } from './sweep.js';

export interface ReportFlags {
  dirs: string[];
  out?: string;
  json?: boolean;
  /** Authors' numbers file for a comparison (default: configs/paper/authors-results.json). */
  authorsFile?: string;
  /** --log-y (sweeps) and --mse-scale: how the figures show the metric. */
  logY?: boolean;
  mseScale?: string;
}

export interface ReportOutcome {
  kind: 'compare' | 'sweep';
  outDir: string;
  name: string;
  plan: Plan;
  runs: number;
  copied: number;
  files: string[];
}

/** A stored plan (compare.json or sweep.json): how to rebuild it, which records it needs, what it writes. */
interface StoredPlan {
  kind: 'compare' | 'sweep';
  file: string;
  text: string;
  plan: Plan;
  complete(spec: RunSpec, record: RunRecord): boolean;
  write(outDir: string, records: Map<string, RunRecord>): Promise<string[]>;
}

const PLAN_FILES = { compare: 'compare.json', sweep: 'sweep.json' } as const;

function readStoredPlan(dir: string, authorsFile: string, figures: FigureOptions = {}): StoredPlan {
  const there = (['sweep', 'compare'] as const).filter((k) => existsSync(join(dir, PLAN_FILES[k])));
  if (there.length === 0) throw new UserError(`report ${dir}: no sweep.json here and no compare.json (not a sweep or compare folder, or no shard has started in it)`);
  if (there.length > 1) throw new UserError(`report ${dir}: holds both sweep.json and compare.json; give a folder of one of them`);
  const kind = there[0];
  const file = join(dir, PLAN_FILES[kind]);
  const text = readFileSync(file, 'utf8');
  if (kind === 'sweep') {
    const sp = parseSweepJson(text, file);
    return { kind, file, text, plan: sp.plan, complete: (spec, r) => recordComplete(sp, spec, r), write: (out, records) => writeSweepOutputs(out, sp, records, figures) };
  }
  const cp = parseCompareJson(text, file);
  return {
    kind, file, text, plan: cp.plan, complete: () => true,
    write: async (out, records) => {
      await writeCompareOutputs(out, cp.plan, records, readAuthors(authorsFile), figures);
      return [PLAN_FILES.compare, ...COMPARE_FILES];
    },
  };
}

/** `dwgd report DIR…`: the run folders of every DIR (shards from several machines) → one report. */
export async function runReport(flags: ReportFlags): Promise<ReportOutcome> {
  if (flags.dirs.length === 0) throw new UserError('report: give at least one compare or sweep folder (results/compare/<name>, results/sweeps/<name>)');
  if (flags.out !== undefined) checkOutDir(flags.out);
  const authorsFile = flags.authorsFile ?? AUTHORS_FILE;
  const figures: FigureOptions = { logY: flags.logY === true, mseScale: parseMseScale(flags.mseScale) };
  const first = readStoredPlan(flags.dirs[0], authorsFile, figures);
  for (const dir of flags.dirs.slice(1)) {
    const other = readStoredPlan(dir, authorsFile);
    if (other.kind !== first.kind || other.text !== first.text) {
      throw new UserError(`report ${dir}: its ${PLAN_FILES[other.kind]} differs from ${first.file} (a different ${first.kind} or different flags)`);
    }
  }
  const { plan } = first;
  const outDir = resolve(flags.out ?? flags.dirs[0]);
  using _lock = lockFolder(outDir, `report ${plan.name}`);
  const records = new Map<string, RunRecord>();
  const from = new Map<string, string>();
  // Shards may come from any build, but all from one: a report never mixes two programs' numbers.
  const codes = new Map<string, string>();
  const code = codeIdentity();
  for (const dir of flags.dirs) {
    for (const spec of plan.runs) {
      if (records.has(spec.id)) continue;
      const v = verifiedRun(dir, spec, code);
      const stored = v ? (v.ok ? v.stored : v.otherCode) : null;
      if (stored && first.complete(spec, stored.record)) {
        records.set(spec.id, stored.record);
        from.set(spec.id, dir);
        if (!codes.has(stored.code.fingerprint)) codes.set(stored.code.fingerprint, `${join(dir, 'runs', spec.id)} (dwgd ${stored.code.version})`);
      }
    }
  }
  if (codes.size > 1) {
    const [[a, at], [b, bt]] = [...codes.entries()];
    throw new UserError(`report: the runs were made by different code: fingerprint ${a} in ${at} and ${b} in ${bt}; rerun one side's shards with the other's dwgd`);
  }
  const missing = plan.runs.filter((s) => !records.has(s.id));
  if (missing.length) {
    throw new UserError(`report: ${missing.length} of ${plan.runs.length} runs are missing from ${flags.dirs.join(', ')} ` +
      `(first: ${missing[0].id}, ${missing[0].label} seed ${missing[0].config.seed}); finish their shards or rerun with --resume`);
  }
  // Gather every run folder into the output folder, so it holds the whole plan.
  let copied = 0;
  writeFileAtomic(join(outDir, PLAN_FILES[first.kind]), first.text);
  for (const spec of plan.runs) {
    const src = join(from.get(spec.id)!, 'runs', spec.id);
    const dst = join(runsDir(outDir), spec.id);
    if (resolve(src) === resolve(dst) || verifiedRun(outDir, spec, code)) continue;
    writeDirAtomic(dst, (tmp) => {
      for (const name of readdirSync(src)) cpSync(join(src, name), join(tmp, name));
    });
    copied++;
  }
  const files = await first.write(outDir, records);
  return { kind: first.kind, outDir, name: plan.name, plan, runs: records.size, copied, files };
}
