// Terminal output shared by compare and sweep for their scale-out modes: what --emit wrote and
// how to submit it, what a shard stored and how to merge, the cost column of --dry-run.

import { join, relative } from 'node:path';
import type { RunSpec } from '../experiment/plan.js';
import type { StudyOutcome } from '../results/study.js';
import { assignShards, estimatedCost, type Shard } from '../experiment/shard.js';
import { runsDir } from '../results/run-record.js';
import { durationText, estimateWallSeconds } from './eta.js';

export function printEmitted(outDir: string, files: string[]): void {
  for (const f of files) process.stdout.write(`wrote ${join(outDir, f)}\n`);
  process.stdout.write(`submit: bash ${join(outDir, 'slurm', 'submit.sh')}\n`);
}

export function printShardDone(o: { outDir: string; shard: Shard | null; runs: RunSpec[]; ran: number; reused: number }): void {
  process.stdout.write(`shard ${o.shard!.k}/${o.shard!.n}: ${o.runs.length} runs stored in ${runsDir(o.outDir)} (${o.ran} trained, ${o.reused} reused); ` +
    `when every shard is done: node bin/dwgd.js report ${relative(process.cwd(), o.outDir) || '.'} [more folders…]\n`);
}

/** With --dry-run: the datasets that could not be found, each line naming how to get it. */
export function printMissing(missing: string[]): void {
  if (missing.length === 0) return;
  process.stdout.write(`  missing data (these runs cannot start until it is found):\n`);
  for (const m of missing.flatMap((x) => x.split('\n'))) process.stdout.write(`    ${m}\n`);
}

/** Each run's share of the plan's estimated cost, and with a shard, each shard's share. */
export function costShares(all: RunSpec[], shard: Shard | null): { share: Map<string, number>; shards: number[] } {
  const costs = all.map(estimatedCost);
  const total = costs.reduce((a, b) => a + b, 0) || 1;
  const share = new Map(all.map((r, i) => [r.id, costs[i] / total]));
  const shards: number[] = [];
  if (shard) {
    const of = assignShards(costs, shard.n);
    for (let s = 0; s < shard.n; s++) shards.push(costs.reduce((a, c, i) => a + (of[i] === s ? c : 0), 0) / total);
  }
  return { share, shards };
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** With --dry-run: the estimated wall time of these runs on this machine with `workers` workers (at most one per run). */
export function wallEstimate(runs: RunSpec[], workers: number): { estimatedSeconds: number; workers: number; text: string } {
  const w = Math.max(1, Math.min(workers, runs.length));
  const estimatedSeconds = Math.round(estimateWallSeconds(runs.map(estimatedCost), w));
  return { estimatedSeconds, workers: w, text: `about ${durationText(estimatedSeconds)} with ${w} worker${w === 1 ? '' : 's'} on this machine (a rough estimate from the runs' sizes)` };
}

/**
 * The output of --dry-run for compare and sweep: the study, its shards' shares of the cost, the
 * estimated wall time, each run with its share, and the missing data; or one JSON object.
 * `headline` names the study's shape; `lines` and `json` add what a command shows beside it.
 */
export function printDryRun(o: StudyOutcome, workers: number, asJson: boolean, what: { headline: string; lines?: string[]; json?: Record<string, unknown> }): void {
  const { study, shard } = o;
  const { share, shards } = costShares(study.runs, shard);
  const wall = wallEstimate(o.runs, workers);
  if (asJson) {
    process.stdout.write(JSON.stringify({
      name: study.name, outDir: o.dir, seeds: study.seeds, total: study.runs.length, shard: shard ? `${shard.k}/${shard.n}` : null,
      estimatedSeconds: wall.estimatedSeconds, workers: wall.workers, ...what.json,
      shardCostShares: shard ? shards : null, missing: o.missing,
      runs: o.runs.map((r) => ({ id: r.id, experimentId: r.experimentId, label: r.label, seed: r.config.seed, configHash: r.configHash, costShare: share.get(r.id) })),
    }) + '\n');
    return;
  }
  process.stdout.write(`${what.headline}${shard ? `, shard ${shard.k}/${shard.n} holds ${o.runs.length}` : ''} → ${relative(process.cwd(), o.dir) || '.'}\n`);
  for (const line of what.lines ?? []) process.stdout.write(`  ${line}\n`);
  if (shard) process.stdout.write(`  shards' shares of the estimated cost: ${shards.map((x, i) => `${i + 1}: ${percent(x)}`).join(', ')}\n`);
  process.stdout.write(`  ${shard ? 'this shard takes ' : ''}${wall.text}\n`);
  for (const r of o.runs) process.stdout.write(`  ${r.id}  ${r.label}  seed ${r.config.seed}  ${percent(share.get(r.id)!)} of the cost\n`);
  printMissing(o.missing);
}
