// `dwgd tune`: the tuning pipeline (results/tuning-study.ts) with progress on stderr and, on
// stdout, each stage's outcome: the chosen settings, then the verdicts of the final stage.

import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { runTuneCommand, TUNE_STAGES, type TuneOptions, type TuneStage } from '../results/tuning-study.js';
import { BUDGETS, type FairResult } from '../results/tuning-reporters.js';
import { settingText, type TunedCell } from '../results/tuning-report.js';
import type { StudyOutcome } from '../results/study.js';
import { pipelineHooks } from './compare.js';
import { printDryRun, printEmitted, printShardDone } from './scaleout.js';
import { studyOptions, type RawStudyFlags } from './study-options.js';

export interface RawTuneFlags extends RawStudyFlags {
  stage?: string;
  tuning?: string;
}

export function tuneOptions(f: RawTuneFlags): TuneOptions {
  const stage = (f.stage ?? 'both') as TuneStage;
  if (!TUNE_STAGES.includes(stage)) throw new UserError(`--stage ${f.stage}: expected both, tuning or final`);
  const { preset: _p, ...o } = studyOptions('compare', f);
  if ((o.shard || o.emit) && stage === 'both') throw new UserError(`${o.shard ? '--shard' : '--emit slurm'}: give --stage tuning or --stage final (the final stage is planned from the finished tuning stage)`);
  if (f.tuning !== undefined && stage !== 'final') throw new UserError(`--tuning ${f.tuning}: only with --stage final (the tuning stage writes its own folder, <out>/tune/<name>/tuning)`);
  if (o.emit) o.emit.args = ['tune', '--stage', stage, ...(f.tuning !== undefined ? ['--tuning', resolve(f.tuning)] : []), ...o.emit.args.slice(1)];
  return { ...o, stage, ...(f.tuning !== undefined ? { tuningDir: f.tuning } : {}) };
}

function cellsText(cells: TunedCell[]): string {
  const lines: string[] = [];
  for (const c of cells) {
    lines.push(`${c.label}:`);
    for (const s of c.selections) lines.push(`  ${s.method.padEnd(18)} ${s.chosen ? settingText(s.chosen.values) : 'none (every trial diverged)'}`);
  }
  return lines.join('\n');
}

function stageSummary(flags: RawTuneFlags, o: StudyOutcome, workers: number, what: string): void {
  if (flags.dryRun) printDryRun(o, workers, flags.json === true, { headline: `tune ${o.study.name}, ${what}: ${o.study.runs.length} runs` });
  else if (flags.emit) printEmitted(o.dir, o.files);
  else if (o.shard) printShardDone({ ...o, outDir: o.dir });
}

export async function tune(flags: RawTuneFlags): Promise<number> {
  const opts = tuneOptions(flags);
  const outcome = await runTuneCommand(opts, pipelineHooks(flags.quiet, opts.workers));
  const fair = outcome.final?.reports.fair as FairResult | undefined;
  if (flags.json) {
    process.stdout.write(JSON.stringify({
      tuning: outcome.tuning ? { dir: outcome.tuning.dir, runs: outcome.tuning.study.runs.length, ran: outcome.tuning.ran, reused: outcome.tuning.reused, reported: outcome.tuning.reported } : null,
      chosen: outcome.cells?.map((c) => ({ cell: c.label, methods: c.selections.map((s) => ({ method: s.method, chosen: s.chosen?.entry ?? null, validation: Number.isFinite(s.chosenMean) ? s.chosenMean : null })) })) ?? null,
      final: outcome.final ? { dir: outcome.final.dir, runs: outcome.final.study.runs.length, ran: outcome.final.ran, reused: outcome.final.reused, reported: outcome.final.reported } : null,
      // eval: clean, noisy, or corruptions (meanDiff then of the mean corruption error: negative favours the method).
      verdicts: fair ? BUDGETS.flatMap((b) => [...fair.budgets[b].comparisons, ...(fair.corruptions?.comparisons[b] ?? [])].map((c) => ({ budget: b, experiment: c.experimentId, eval: c.eval, method: c.method, baseline: c.baseline, meanDiff: c.effect.meanDiff, pAdjusted: c.judgement.pAdjusted, verdict: c.judgement.verdict }))) : null,
    }) + '\n');
    return 0;
  }
  if (outcome.tuning && !outcome.tuning.reported) {
    stageSummary(flags, outcome.tuning, opts.workers, 'tuning stage');
    return 0;
  }
  if (outcome.final && !outcome.final.reported) {
    stageSummary(flags, outcome.final, opts.workers, 'final stage');
    return 0;
  }
  if (outcome.cells) process.stdout.write(`\nchosen settings (validation only):\n${cellsText(outcome.cells)}\n`);
  if (outcome.tuning) process.stdout.write(`tuning: ${join(outcome.tuning.dir, 'TUNING.md')} (${outcome.tuning.ran} runs trained, ${outcome.tuning.reused} reused)\n`);
  if (outcome.final && fair) {
    for (const b of BUDGETS) {
      const counts = new Map<string, number>();
      for (const c of fair.budgets[b].comparisons) counts.set(c.judgement.verdict, (counts.get(c.judgement.verdict) ?? 0) + 1);
      process.stdout.write(`${b} budget: dual-weight methods against the others: ${[...counts.entries()].map(([v, n]) => `${n} ${v}`).join(', ') || 'no comparisons'}\n`);
      const corrupted = fair.corruptions?.comparisons[b] ?? [];
      if (corrupted.length) {
        const under = new Map<string, number>();
        for (const c of corrupted) under.set(c.judgement.verdict, (under.get(c.judgement.verdict) ?? 0) + 1);
        process.stdout.write(`${b} budget, mean corruption error: ${[...under.entries()].map(([v, n]) => `${n} ${v}`).join(', ')}\n`);
      }
    }
    if (fair.corruptions) process.stdout.write(`under corruptions: ${join(outcome.final.dir, 'ROBUSTNESS.md')}\n`);
    process.stdout.write(`final: ${join(outcome.final.dir, 'REPORT.md')} (${outcome.final.ran} runs trained, ${outcome.final.reused} reused)\n`);
  }
  return 0;
}
