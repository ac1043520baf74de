// `dwgd sweep`: calls the pipeline (results/sweep.ts) and renders its outcome: progress on
// stderr, a summary or a listing on stdout, or one JSON object with --json.

import { join, relative } from 'node:path';
import { sweptAxes } from '../experiment/sweep-plan.js';
import { readAllVerified, runSweep, type SweepFlags, type SweepOutcome } from '../results/sweep.js';
import { verdictRows } from '../results/conclusions.js';
import { countsText, dualSummary, metricTitle, plotKinds, sweepConclusionLines, sweepData, type SweepData } from '../results/sweep-report.js';
import { pipelineHooks } from './compare.js';
import { costShares, percent, printEmitted, printShardDone } from './scaleout.js';

function summaryJson(o: SweepOutcome, d: SweepData | null): unknown {
  return {
    outDir: o.outDir, name: o.sp.plan.name, runs: o.sp.plan.runs.length, seeds: o.sp.plan.seeds,
    shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null, shardRuns: o.runs.length, ran: o.ran, reused: o.reused, reported: o.reported, files: o.files,
    ...(d ? {
      families: [...d.main.families, ...(d.balanced?.families ?? [])],
      warnings: sweepConclusionLines(d),
      verdicts: [...verdictRows(d.main), ...(d.balanced ? verdictRows(d.balanced) : [])],
      claims: [],
    } : {}),
  };
}

export async function sweep(flags: SweepFlags): Promise<number> {
  const o = await runSweep(flags, pipelineHooks(flags.quiet));
  const { sp } = o;
  if (flags.dryRun) {
    const axes = sweptAxes(sp);
    const { share, shards } = costShares(sp.plan.runs, o.shard);
    if (flags.json) {
      process.stdout.write(JSON.stringify({
        name: sp.plan.name, outDir: o.outDir, seeds: sp.plan.seeds, total: sp.plan.runs.length, shard: o.shard ? `${o.shard.k}/${o.shard.n}` : null,
        axes: axes.map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.key === sp.evalAxis?.key })),
        evaluate: sp.evalAxis, metrics: sp.metrics,
        shardCostShares: o.shard ? shards : null,
        runs: o.runs.map((r) => ({ id: r.id, experimentId: r.experimentId, label: r.label, seed: r.config.seed, configHash: r.configHash, costShare: share.get(r.id) })),
      }) + '\n');
    } else {
      process.stdout.write(`sweep ${sp.plan.name}: ${sp.plan.runs.length} runs (${sp.plan.experiments.length} training points × ${sp.plan.seeds} seeds)` +
        (o.shard ? `, shard ${o.shard.k}/${o.shard.n} holds ${o.runs.length}` : '') + ` → ${relative(process.cwd(), o.outDir) || '.'}\n`);
      for (const a of axes) process.stdout.write(`  axis ${a.key}: ${a.values.map((v) => JSON.stringify(v)).join(', ')}${a.key === sp.evalAxis?.key ? ' (evaluation only: no extra training)' : ''}\n`);
      if (o.shard) process.stdout.write(`  shards' shares of the estimated cost: ${shards.map((x, i) => `${i + 1}: ${percent(x)}`).join(', ')}\n`);
      for (const r of o.runs) process.stdout.write(`  ${r.id}  ${r.label}  seed ${r.config.seed}  ${percent(share.get(r.id)!)} of the cost\n`);
    }
    return 0;
  }
  const d = o.reported ? sweepData(sp, readAllVerified(o.outDir, sp)) : null;
  if (flags.json) {
    process.stdout.write(JSON.stringify(summaryJson(o, d)) + '\n');
    return 0;
  }
  if (flags.emit) {
    printEmitted(o.outDir, o.files);
    return 0;
  }
  if (!d) {
    printShardDone(o);
    return 0;
  }
  for (const line of sweepConclusionLines(d)) process.stdout.write(`${line}\n`);
  for (const kind of plotKinds(d)) {
    for (const s of dualSummary(d, kind)) {
      process.stdout.write(`  ${metricTitle(d, kind)}: ${s.method} vs sgd ahead on every seed at ${s.everySeed}/${s.points} points; ${countsText(s.counts)}\n`);
    }
  }
  process.stdout.write(`report: ${join(o.outDir, 'REPORT.md')} and index.html (${o.ran} runs trained, ${o.reused} reused)\n`);
  return 0;
}
