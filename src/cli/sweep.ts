// `dwgd sweep` and `dwgd report`: call the pipelines (results/sweep.ts, results/merge.ts) and
// render their outcome: progress on stderr, a summary or a listing on stdout, or one JSON
// object with --json.

import { join, relative } from 'node:path';
import { codeIdentity } from '../experiment/provenance.js';
import { sweptAxes } from '../experiment/sweep-plan.js';
import { runReport, type ReportFlags } from '../results/merge.js';
import { runsDir } from '../results/run-record.js';
import { readAllVerified, runSweep, type SweepFlags, type SweepOutcome } from '../results/sweep.js';
import { dualSummary, metricTitle, plotKinds, sweepData } from '../results/sweep-report.js';
import { pipelineHooks } from './compare.js';

function summaryJson(o: SweepOutcome): unknown {
  return {
    outDir: o.outDir, name: o.sp.plan.name, runs: o.sp.plan.runs.length, seeds: o.sp.plan.seeds,
    shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null, shardRuns: o.runs.length, ran: o.ran, reused: o.reused, reported: o.reported, files: o.files,
  };
}

export async function sweep(flags: SweepFlags): Promise<number> {
  const o = await runSweep(flags, pipelineHooks(flags.quiet));
  const { sp } = o;
  if (flags.dryRun) {
    const axes = sweptAxes(sp);
    if (flags.json) {
      process.stdout.write(JSON.stringify({
        name: sp.plan.name, outDir: o.outDir, seeds: sp.plan.seeds, total: sp.plan.runs.length, shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null,
        axes: axes.map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.key === sp.evalAxis?.key })),
        evaluate: sp.evalAxis, metrics: sp.metrics,
        runs: o.runs.map((r) => ({ id: r.id, experimentId: r.experimentId, label: r.label, seed: r.config.seed, configHash: r.configHash })),
      }) + '\n');
    } else {
      process.stdout.write(`sweep ${sp.plan.name}: ${sp.plan.runs.length} runs (${sp.plan.experiments.length} training points × ${sp.plan.seeds} seeds)` +
        (o.shard ? `, shard ${o.shard.k}/${o.shard.n} holds ${o.runs.length}` : '') + ` → ${relative(process.cwd(), o.outDir) || '.'}\n`);
      for (const a of axes) process.stdout.write(`  axis ${a.key}: ${a.values.map((v) => JSON.stringify(v)).join(', ')}${a.key === sp.evalAxis?.key ? ' (evaluation only: no extra training)' : ''}\n`);
      for (const r of o.runs) process.stdout.write(`  ${r.id}  ${r.label}  seed ${r.config.seed}\n`);
    }
    return 0;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(summaryJson(o)) + '\n');
    return 0;
  }
  if (flags.emit) {
    for (const f of o.files) process.stdout.write(`wrote ${join(o.outDir, f)}\n`);
    process.stdout.write(`submit: bash ${join(relative(process.cwd(), o.outDir) || '.', 'slurm', 'submit.sh')}\n`);
    return 0;
  }
  if (!o.reported) {
    process.stdout.write(`shard ${o.shard!.k}/${o.shard!.n}: ${o.runs.length} runs stored in ${runsDir(o.outDir)} (${o.ran} trained, ${o.reused} reused); ` +
      `when every shard is done: dwgd report ${relative(process.cwd(), o.outDir) || '.'} [more folders…]\n`);
    return 0;
  }
  const d = sweepData(sp, readAllVerified(o.outDir, sp, codeIdentity()));
  for (const kind of plotKinds(d)) {
    for (const s of dualSummary(d, kind)) {
      process.stdout.write(`  ${metricTitle(d, kind)}: ${s.method} vs sgd ahead on the mean at ${s.ahead}/${s.points} points; Holm: ${s.better} better, ${s.worse} worse, ${s.same} no detectable difference\n`);
    }
  }
  process.stdout.write(`report: ${join(o.outDir, 'REPORT.md')} and index.html (${o.ran} runs trained, ${o.reused} reused)\n`);
  return 0;
}

export async function report(flags: ReportFlags): Promise<number> {
  const r = await runReport(flags);
  if (flags.json) process.stdout.write(JSON.stringify({ outDir: r.outDir, name: r.sp.plan.name, runs: r.runs, copied: r.copied, files: r.files }) + '\n');
  else process.stdout.write(`report: ${join(r.outDir, 'REPORT.md')} and index.html from ${r.runs} runs (${r.copied} run folders gathered from ${flags.dirs.length} folders)\n`);
  return 0;
}
