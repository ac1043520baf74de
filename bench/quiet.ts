// How the bench keeps its timings honest on a shared machine. This machine is a 2-vCPU guest
// whose cores are at times slowed by work outside it: a loop of independent multiply-adds (the
// kind of work the bench times) ran 1.4–1.7× slower for minutes at a time while a chain of
// dependent operations did not slow down, and a weight-decay step on 8-20-1 went between 5.5
// and 3.6 million steps/s between processes started seconds apart. Best-of-N alone cannot tell such a
// stretch from dwgd's own speed, and the C loop (another process) could land on the other core.
// So the bench
// - pins its main thread to one CPU (`taskset -p`), so dwgd and the C processes it starts (they
//   inherit the mask) take turns on the same core, and gives the mask back before the wall-time
//   part, whose worker threads need every core;
// - times a canary (a fixed throughput-bound loop in this thread) before and after every round
//   of a row, and counts a round only when both canaries ran at ≥ QUIET_SHARE of the fastest
//   canary seen: the row's figures are the best of its quiet rounds; a row with none within
//   MAX_ROUNDS_FACTOR × repeats rounds keeps its best round and is marked disturbed.

import { spawnSync } from 'node:child_process';

/** A round counts as quiet when its canaries ran at least this share of the fastest canary. */
export const QUIET_SHARE = 0.9;
/** A row is timed for at most this many times its repeats before it is given up as disturbed. */
export const MAX_ROUNDS_FACTOR = 2;
/** One canary run lasts about this long (seconds). */
const CANARY_SECONDS = 0.015;

/** Eight independent multiply-add chains over `n` iterations: throughput-bound, no memory. */
function canaryWork(n: number): number {
  let a = 1, b = 1.5, c = 2, d = 2.5, e = 3, f = 3.5, g = 4, h = 4.5;
  for (let i = 0; i < n; i++) {
    a = a * 0.9999999 + 1e-9; b = b * 0.9999999 + 1e-9; c = c * 0.9999999 + 1e-9; d = d * 0.9999999 + 1e-9;
    e = e * 0.9999999 + 1e-9; f = f * 0.9999999 + 1e-9; g = g * 0.9999999 + 1e-9; h = h * 0.9999999 + 1e-9;
  }
  return a + b + c + d + e + f + g + h;
}

/** A row's `disturbed` field: present (true) only when no round (or try) of the row was quiet. */
export function marked(disturbed: boolean | undefined): { disturbed?: true } {
  return disturbed ? { disturbed: true } : {};
}

/** The mark a printed figure of a disturbed row starts with. */
export function dagger(row: { disturbed?: true }): string {
  return row.disturbed ? '† ' : '';
}

export class Canary {
  /** The fastest canary rate seen (iterations per second). */
  best = 0;
  private n = 1 << 14;
  private sink = 0;

  /** Warms the loop up and sets the first reference from several runs. */
  constructor(runs = 12) {
    for (let k = 0; k < runs; k++) this.measure();
  }

  /** One canary run of about CANARY_SECONDS; returns its rate and raises `best`. */
  measure(): number {
    let done = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    do {
      this.sink += canaryWork(this.n);
      done += this.n;
      elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    } while (elapsed < CANARY_SECONDS);
    if (elapsed < CANARY_SECONDS / 4) this.n *= 2;
    const rate = done / elapsed;
    if (rate > this.best) this.best = rate;
    return rate;
  }

  /** A canary rate as a share of the fastest seen. */
  share(rate: number): number {
    return this.best > 0 ? rate / this.best : 0;
  }

  /** Whether the sink is finite (it always is; read so the loop cannot be optimised away). */
  finite(): boolean {
    return Number.isFinite(this.sink);
  }
}

/** One round of a row: every timer once, with the canaries' smaller share around it. */
export interface Round {
  rates: number[];
  canaryShare: number;
}

/**
 * Picks a row's figures from its rounds: for each timer the best rate over the quiet rounds
 * (canary share ≥ QUIET_SHARE), or over all rounds when none was quiet (the row is then disturbed).
 * `canaryShare` is the best share among the rounds used.
 */
export function pickRounds(rounds: Round[]): { rates: number[]; disturbed: boolean; canaryShare: number } {
  if (rounds.length === 0) throw new Error('pickRounds: no rounds');
  const quiet = rounds.filter((r) => r.canaryShare >= QUIET_SHARE);
  const used = quiet.length > 0 ? quiet : rounds;
  const rates = used[0].rates.map((_, k) => Math.max(...used.map((r) => r.rates[k])));
  return { rates, disturbed: quiet.length === 0, canaryShare: Math.max(...used.map((r) => r.canaryShare)) };
}

/** CPU numbers of a Linux CPU list such as "0-3,6,8-9". Throws on anything else. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: '${text}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`not a CPU list: '${text}'`);
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** The CPU list of a thread (`taskset -pc`), or an error line. */
function affinityOf(tid: number): { list: string } | { error: string } {
  const r = spawnSync('taskset', ['-pc', String(tid)], { encoding: 'utf8' });
  if (r.error) return { error: `taskset: ${r.error.message}` };
  if (r.status !== 0) return { error: `taskset -pc ${tid}: ${(r.stderr || r.stdout).trim()}` };
  const m = /:\s*([0-9,-]+)\s*$/.exec(r.stdout.trim());
  if (!m) return { error: `taskset -pc ${tid}: cannot read '${r.stdout.trim()}'` };
  return { list: m[1] };
}

export type Pinning = { cpu: number; previous: string; restore(): void } | { skipped: string };

/**
 * Pins this process's main thread to `cpu` (default: the last CPU it may run on). Threads and
 * processes it starts afterwards inherit the mask; `restore()` gives the previous mask back.
 */
export function pinMainThread(cpu: number | null): Pinning {
  if (process.platform !== 'linux') return { skipped: `not on Linux (${process.platform})` };
  const now = affinityOf(process.pid);
  if ('error' in now) return { skipped: now.error };
  const allowed = parseCpuList(now.list);
  const target = cpu ?? allowed[allowed.length - 1];
  if (!allowed.includes(target)) return { skipped: `CPU ${target} is not one this process may use (${now.list})` };
  const r = spawnSync('taskset', ['-pc', String(target), String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `taskset -pc ${target} ${process.pid}: ${(r.stderr || r.stdout || r.error?.message || '').trim()}` };
  const previous = now.list;
  let restored = false;
  return {
    cpu: target,
    previous,
    restore() {
      if (restored) return;
      restored = true;
      spawnSync('taskset', ['-pc', previous, String(process.pid)], { stdio: 'ignore' });
    },
  };
}

/** The CPU list the main thread may run on now (for tests and the report), or null. */
export function mainThreadCpus(): number[] | null {
  const now = affinityOf(process.pid);
  return 'error' in now ? null : parseCpuList(now.list);
}
