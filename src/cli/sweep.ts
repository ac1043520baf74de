// `dwgd sweep`: the study pipeline (results/study.ts) with the sweep preset; renders progress on
// stderr, a summary or a listing on stdout, or one JSON object with --json.

import { join } from 'node:path';
import { sweptAxes } from '../experiment/plan.js';
import { runStudyCommand, type StudyOutcome } from '../results/study.js';
import { verdictRows } from '../results/conclusions.js';
import { countsText, dualSummary, metricTitle, plotKinds, sweepConclusionLines, type SweepData } from '../results/sweep-report.js';
import { pipelineHooks } from './compare.js';
import { printDryRun, printEmitted, printShardDone } from './scaleout.js';
import { studyOptions, type RawStudyFlags } from './study-options.js';

function summaryJson(o: StudyOutcome, d: SweepData | null): unknown {
  return {
    outDir: o.dir, name: o.study.name, runs: o.study.runs.length, seeds: o.study.seeds,
    shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null, shardRuns: o.runs.length, ran: o.ran, reused: o.reused, reported: o.reported, files: o.files,
    ...(d ? {
      families: [...d.main.families, ...(d.balanced?.families ?? [])],
      warnings: sweepConclusionLines(d),
      verdicts: [...verdictRows(d.main), ...(d.balanced ? verdictRows(d.balanced) : [])],
      claims: [],
    } : {}),
  };
}

export async function sweep(flags: RawStudyFlags): Promise<number> {
  const opts = studyOptions('sweep', flags);
  const o = await runStudyCommand(opts, pipelineHooks(flags.quiet, opts.workers));
  const { study } = o;
  if (flags.dryRun) {
    const axes = sweptAxes(study);
    printDryRun(o, opts.workers, flags.json === true, {
      headline: `sweep ${study.name}: ${study.runs.length} runs (${study.experiments.length} training points × ${study.seeds} seeds)`,
      lines: axes.map((a) => `axis ${a.key}: ${a.values.map((v) => JSON.stringify(v)).join(', ')}${a.evaluation ? ' (evaluation only: no extra training)' : ''}`),
      json: { axes: axes.map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.evaluation })), metrics: study.metrics },
    });
    return 0;
  }
  const d = (o.reports.sweep as SweepData | undefined) ?? null;
  if (flags.json) {
    process.stdout.write(JSON.stringify(summaryJson(o, d)) + '\n');
    return 0;
  }
  if (flags.emit) {
    printEmitted(o.dir, o.files);
    return 0;
  }
  if (!d) {
    printShardDone({ ...o, outDir: o.dir });
    return 0;
  }
  for (const line of sweepConclusionLines(d)) process.stdout.write(`${line}\n`);
  for (const kind of plotKinds(d)) {
    for (const s of dualSummary(d, kind)) {
      process.stdout.write(`  ${metricTitle(d, kind)}: ${s.method} vs sgd ahead on every seed at ${s.everySeed}/${s.points} points; ${countsText(s.counts)}\n`);
    }
  }
  const robust = o.files.includes('ROBUSTNESS.md') ? ', ROBUSTNESS.md' : '';
  process.stdout.write(`report: ${join(o.dir, 'REPORT.md')}${robust} and index.html (${o.ran} runs trained, ${o.reused} reused)\n`);
  return 0;
}
