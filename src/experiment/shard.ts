// Cutting a plan into N fixed slices (`--shard K/N`), balanced by estimated cost. The slices
// depend on the plan alone (its runs, in plan order, and their cost estimates from the configs
// and the static dataset shapes), so every machine that builds the same plan computes the same
// slices, and the slices partition the runs: two shards never compute the same run.

import { DATASET_SPECS } from '../data/index.js';
import { UserError } from '../errors.js';
import { runCost, type RunSpec } from './plan.js';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new UserError(`--shard ${text}: expected K/N with 1 ≤ K ≤ N (e.g. 2/8)`);
  return { k, n };
}

/** A dataset's inputs, outputs, pool size and task, for the cost estimate of a run. */
export function datasetShape(name: string): { nInputs: number; nOutputs: number; poolSize: number; task: string } | null {
  return DATASET_SPECS.find((d) => d.name === name) ?? null;
}

/** The estimated cost of a run (units of experiment/step-cost.ts, about one SIMD instruction each: see runCost). */
export function estimatedCost(spec: RunSpec): number {
  return runCost(spec, datasetShape);
}

/**
 * Which shard (0 … n−1) each run goes to: longest processing time first. Runs in decreasing
 * cost (plan order among equal costs) each go to the shard with the least cost so far (the
 * lowest index among equals). With equal costs this is round robin: run i → shard i mod n.
 */
export function assignShards(costs: number[], n: number): number[] {
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Array<number>(n).fill(0);
  const shardOf = new Array<number>(costs.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < n; s++) if (load[s] < load[best]) best = s;
    shardOf[i] = best;
    load[best] += costs[i];
  }
  return shardOf;
}

/** The runs of shard K/N, in plan order (all runs without a shard). */
export function shardRuns(runs: RunSpec[], shard: Shard | null, cost: (spec: RunSpec) => number = estimatedCost): RunSpec[] {
  if (!shard) return runs;
  const shardOf = assignShards(runs.map(cost), shard.n);
  return runs.filter((_, i) => shardOf[i] === shard.k - 1);
}

/** Runs per array task by default: about four runs per CPU of a task, so the ~3 s start-up of a task is paid once for several runs. */
export const RUNS_PER_CPU = 4;

/** The default number of array tasks for `runs` runs with `cpus` CPUs per task (at most 1,000, Slurm's usual array limit). */
export function defaultTasks(runs: number, cpus: number): number {
  return Math.max(1, Math.min(1000, Math.ceil(runs / (RUNS_PER_CPU * cpus))));
}
