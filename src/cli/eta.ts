// How long the runs still to do will take, in seconds: the planner's relative cost of each run
// (estimatedCost in experiment/shard.ts) times a rate in seconds per cost unit. The rate starts
// at SECONDS_PER_UNIT, measured on the machine dwgd is developed on, and is learned as runs go:
// from the runs that finished (their seconds over their cost) and from the running ones (their
// elapsed seconds over the part of their cost done so far, steps done / steps total).

import { assignShards } from '../experiment/shard.js';
import { UNIT_NS } from '../experiment/step-cost.js';

/**
 * Seconds per cost unit on one worker thread, used before anything has been measured: UNIT_NS
 * (experiment/step-cost.ts), the CPU time a unit of the cost model took on the development
 * machine (2 CPUs, Node 20, the fast engine, 4 Dec 2026; steps of every method of the fair
 * image study on MNIST and CIFAR-10 shapes, 0.09–0.125 ns a unit). A worker that shares its
 * core runs slower: the fair image study's tuning runs, two workers on the 2 cores beside other
 * studies, took a median 2.3e-10 wall seconds per unit. Per-run costs the model leaves out (the
 * split, making the models: about 0.1 s) make runs of a few seconds, such as the tabular ones,
 * slower per unit still. Once runs go, the measured rate replaces this one.
 */
export const SECONDS_PER_UNIT = UNIT_NS * 1e-9;

interface Running {
  cost: number;
  startedMs: number;
  /** Share of the run done (training steps done / steps total), 0 … 1. */
  fraction: number;
}

export class EtaEstimator {
  private pending: number;
  private readonly running = new Map<string, Running>();
  private finishedSeconds = 0;
  private finishedCost = 0;

  /**
   * `pendingCost`: the summed cost of the runs not started yet; `workers`: how many run at once;
   * `seed`: the rate (seconds per cost unit) to use until something has been measured.
   */
  constructor(pendingCost: number, private readonly workers: number, private readonly seed = SECONDS_PER_UNIT) {
    this.pending = pendingCost;
  }

  start(id: string, cost: number, nowMs: number): void {
    this.pending = Math.max(0, this.pending - cost);
    this.running.set(id, { cost, startedMs: nowMs, fraction: 0 });
  }

  /** The running run `id` has done `fraction` (0 … 1) of its work. */
  progress(id: string, fraction: number): void {
    const r = this.running.get(id);
    if (r) r.fraction = Math.min(1, Math.max(r.fraction, fraction));
  }

  done(id: string, seconds: number): void {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    this.finishedSeconds += seconds;
    this.finishedCost += r.cost;
  }

  /** Seconds per cost unit: measured (finished runs and the done part of running ones), else the seed. */
  rate(nowMs: number): number {
    let seconds = this.finishedSeconds, cost = this.finishedCost;
    for (const r of this.running.values()) {
      if (r.fraction <= 0) continue;
      seconds += Math.max(0, nowMs - r.startedMs) / 1000;
      cost += r.fraction * r.cost;
    }
    return cost > 0 && seconds > 0 ? seconds / cost : this.seed;
  }

  /**
   * Wall seconds left: the remaining work spread over the workers, but never less than the
   * longest remaining part of one running run (one run does not split over workers).
   */
  remainingSeconds(nowMs: number): number {
    const rate = this.rate(nowMs);
    let work = this.pending, longest = 0;
    for (const r of this.running.values()) {
      const left = (1 - r.fraction) * r.cost;
      work += left;
      longest = Math.max(longest, left);
    }
    return Math.max((work * rate) / Math.max(1, this.workers), longest * rate);
  }
}

/**
 * The wall time of runs of these costs on `workers` workers before any has run: the pool takes
 * the costliest run first, so the time is the most loaded worker's under that order.
 */
export function estimateWallSeconds(costs: number[], workers: number, rate = SECONDS_PER_UNIT): number {
  if (costs.length === 0) return 0;
  const n = Math.max(1, Math.min(workers, costs.length));
  const of = assignShards(costs, n);
  const load = new Array<number>(n).fill(0);
  costs.forEach((c, i) => { load[of[i]] += c; });
  return Math.max(...load) * rate;
}

/** "2 h 05 min", "24 min", "40 s". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
