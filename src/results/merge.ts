// `dwgd report DIR…` as a function: the run folders of every DIR (shards computed on any
// number of machines) gathered into one folder and rendered into one report, the same bytes a
// single-machine run writes.

import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { RunRecord } from '../experiment/pool.js';
import { codeIdentity } from '../experiment/provenance.js';
import { parseSweepJson, recordComplete, type SweepPlan } from '../experiment/sweep-plan.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { runsDir, verifiedRun } from './run-record.js';
import { writeSweepOutputs } from './sweep.js';

export interface ReportFlags {
  dirs: string[];
  out?: string;
  json: boolean;
}

/** `dwgd report DIR…`: the run folders of every DIR (shards from several machines) → one report. */
export async function runReport(flags: ReportFlags): Promise<{ outDir: string; sp: SweepPlan; runs: number; copied: number; files: string[] }> {
  if (flags.dirs.length === 0) throw new UserError('report: give at least one sweep folder (results/sweeps/<name>)');
  let sp: SweepPlan | null = null;
  let text = '';
  for (const dir of flags.dirs) {
    const file = join(dir, 'sweep.json');
    if (!existsSync(file)) throw new UserError(`report ${dir}: no sweep.json here (not a sweep folder, or no shard has started in it)`);
    const t = readFileSync(file, 'utf8');
    if (sp === null) { sp = parseSweepJson(t, file); text = t; }
    else if (t !== text) throw new UserError(`report ${dir}: its sweep.json differs from ${join(flags.dirs[0], 'sweep.json')} (a different sweep or different flags)`);
  }
  const plan = sp!;
  const outDir = resolve(flags.out ?? flags.dirs[0]);
  const records = new Map<string, RunRecord>();
  const from = new Map<string, string>();
  // Shards may come from any build, but all from one: a report never mixes two programs' numbers.
  const codes = new Map<string, string>();
  const code = codeIdentity();
  for (const dir of flags.dirs) {
    for (const spec of plan.plan.runs) {
      if (records.has(spec.id)) continue;
      const v = verifiedRun(dir, spec, code);
      const stored = v ? (v.ok ? v.stored : v.otherCode) : null;
      if (stored && recordComplete(plan, spec, stored.record)) {
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
  const missing = plan.plan.runs.filter((s) => !records.has(s.id));
  if (missing.length) {
    throw new UserError(`report: ${missing.length} of ${plan.plan.runs.length} runs are missing from ${flags.dirs.join(', ')} ` +
      `(first: ${missing[0].id}, ${missing[0].label} seed ${missing[0].config.seed}); finish their shards or rerun with --resume`);
  }
  // Gather every run folder into the output folder, so it holds the whole sweep.
  let copied = 0;
  writeFileAtomic(join(outDir, 'sweep.json'), text);
  for (const spec of plan.plan.runs) {
    const src = join(from.get(spec.id)!, 'runs', spec.id);
    const dst = join(runsDir(outDir), spec.id);
    if (resolve(src) === resolve(dst) || verifiedRun(outDir, spec, code)) continue;
    writeDirAtomic(dst, (tmp) => {
      for (const name of readdirSync(src)) cpSync(join(src, name), join(tmp, name));
    });
    copied++;
  }
  const files = await writeSweepOutputs(outDir, plan, records);
  return { outDir, sp: plan, runs: records.size, copied, files };
}

