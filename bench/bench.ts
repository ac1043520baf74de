// `npm run bench`: training steps per second per method and shape (batch 1, one thread; plus
// rows of the training-time options, pools.ts OPTION_ROWS) and
// evaluation samples per second over a test pool, for every engine, each beside the same work
// done by a plain C loop (bench/anchor.c, float64 and float32) in the same run, the timed
// repeats taken in turns so both see the same machine load. A timed model lives LIFETIME steps
// (pools.ts: 60,000, as long as a model of the paper's grid trains), then starts over from the
// initial network, and the C loop's likewise; the restarts are not timed. Prints a table, the performance
// targets met or not, and writes results/bench.json:
//   { "train":  [{ "method", "arch", "inputs", "engine", "stepsPerSec", "vsC64", "vsC64x128", "vsC64wasm" }],
//     "eval":   [{ "arch", "inputs", "engine", "samplesPerSec", "testSize", "vsC64", "vsC64x128", "vsC64wasm" }],
//     "fixedCost": { "rows": [{ "arch", "what", "engine", "ns", "cNs", "cNs128", "cNsWasm" }], "emptyCallNs" }
//               or null,                       (--only tabular and the whole run; see fixedCosts)
//     "anchor": { "compiler", "flags", "narrow": { "flags", "check" } or { "skipped" },
//                 "wasm": { "compiler", "flags" } or { "skipped" },
//                 "train": [{ "method", "arch", "inputs", "float64", "float32", "float64x128", "float64wasm",
//                             and for the rows of anchor.ts DWGD_ARRANGED "arranged64", "arranged128", "arrangedWasm" }],   (steps/s)
//                 "eval":  [{ "arch", "inputs", "float64", "float32", "float64x128", "float64wasm" }] }            (samples/s)
//               or { "skipped": "<why>" },
//     "attack": [{ "arch", "inputs", "kind", "steps", "attackStepsPerSec" }],   (PGD iterations × samples per s)
//     "evaluation": [{ "arch", "inputs", "engine", "testSize", "listed", "rowsPerSec", "blockPerSec",
//                      "runPerSec", "same" }],                            (samples/s; --only evaluation)
//     "targets": [{ "what", "engine", "value", "target", "unit", "met" }],
//     "scaling": [{ "inputs", "data", "depth", "arch", "method", "engine", "stepsPerSec",
//                   "cStepsPerSec", "vsC64", "workingSetBytes" }],          (bench/scaling.ts)
//     "wallTime": { "workers", "quick", "cells": [{ "cell", "train", "evaluation", "rest",
//                   "fullSeconds", "secondsPerUnit", … }], "paperPerSeedSeconds",
//                   "fair": [{ "study", "stage", "runs", "seeds", "perSeedSeconds", "totalSeconds" }],
//                   "methodTimes": [{ "cell", "perStep": { method: s }, "modelPerStep": { method: s },
//                   "modelExtra": { method: s }, "perSample", "validationSize", "testSize",
//                   "extraPoints", "extraSamples", "extraGeneration" }],
//                   "missing", "loadAverage" } or null      (bench/walltime.ts)
//     "machine": { "pinnedCpu", "canaryBest", "quietShare", "maxRoundsFactor", "rows", "disturbedRows",
//                  "rounds", "extraRounds" } or null,       (bench/quiet.ts; null in --only walltime)
//     "note", "node", "loadAverage": [before, after], "date" }
// A row (train, eval, scaling, fixed cost) that found no quiet round carries "disturbed": true.
// vsC64 is dwgd's figure divided by the float64 C figure (null without the anchor); vsC64x128
// divided by the float64 C loop built for 128-bit vectors without FMA (anchor.ts
// ANCHOR_FLAGS_128: WebAssembly SIMD's width; null on other than x86-64); vsC64wasm divided by
// the float64 C loop compiled to WebAssembly SIMD by clang and run by this Node (anchor.ts
// ANCHOR_FLAGS_WASM; null without clang and a WASI sysroot). For the rules without `+` options
// (anchor.ts DWGD_ARRANGED: the paper's rules, weight decay, momentum, adam, the gated decay) the
// C loop also runs with layer 0 in dwgd's arrangement (`METHOD@dwgd`, anchor.c): "arranged64",
// "arranged128", "arrangedWasm" in the anchor's rows, and the train row's vsArranged128 and
// vsArrangedWasm divide dwgd's figure by the last two: how far dwgd's code is from the same
// arithmetic compiled by a C compiler. Every
// figure is the best of several timed repeats (the machine is shared; the best run is the
// least disturbed one).
// The attack rows time src/core/attacks.ts (reference network, float64) on MNIST's shape: PGD
// iterations × samples per second, each iteration a forward and backward pass for the input
// gradient and a forward pass for the loss of the new point.
// Usage: node dist/bench/bench.js [--quick] [--only mnist|tabular|cifar|attack|evaluation|corruptions|scaling|walltime]
//   [--engine reference|fast|fast32] [--repeats N] [--seconds S] [--no-anchor] [--cpu N | --no-pin]
// --cpu N pins the main thread (and the C loops it starts) to CPU N, default the last CPU it may
// use; --no-pin leaves it free. Each row is timed in rounds between canary runs (bench/quiet.ts).
// --only scaling: the scaling table alone (bench/scaling.ts): sgd and dwm steps/s beside the C
// float64 loop for inputs {8, 784, 3072} × hidden {20, 64, 256, 1024} × depth {2, 3}
// ("scaling" in bench.json). --only walltime: the wall time per seed of the paper's grid and of
// the fair study from a short run of every grid cell (bench/walltime.ts; "wallTime" in bench.json).
// --only evaluation: a run's clean test pass on MNIST's pool and the grid's two MNIST shapes, the
// rows where they lie, laid out in a block, and through evaluate() as a run calls it
// ("evaluation" in bench.json).
// --only corruptions: the corruptions alone (bench/corruptions.ts): generation samples/s per
// corruption on MNIST's and CIFAR-10's shapes, and the whole suite for one MNIST model beside
// the time to train it at n = 1000 ("corruptions" in bench.json).

import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName } from '../src/core/model-factory.js';
import type { Trainable } from '../src/core/model.js';
import type { Network } from '../src/core/network.js';
import type { Dataset } from '../src/data/types.js';
import { evaluate, splitByClass } from '../src/experiment/evaluate.js';
import { attackBatch, type AttackKind } from '../src/core/attacks.js';
import { writeFileAtomic } from '../src/results/atomic.js';
import { AnchorSession, buildAnchor, buildNarrow, buildWasmAnchor, checkedParams, DWGD_ARRANGED, writeNetFile, writePoolFile, type AnchorBuild } from './anchor.js';
import { corruptionRates, normalDraws, suiteTiming, type CorruptionRate, type DrawTiming, type SuiteTiming } from './corruptions.js';
import { renderScaling, scalingHidden, scalingPool, SCALING_DEPTHS, SCALING_INPUTS, SCALING_METHODS, SCALING_WIDTHS, workingSetBytes, type ScalingRow } from './scaling.js';
import { gridAtCRate, hours, renderWallTime, wallTimes, type WallTimes } from './walltime.js';
import { Canary, dagger, marked, MAX_ROUNDS_FACTOR, pickRounds, pinMainThread, QUIET_SHARE, type Pinning, type Round } from './quiet.js';
import { noisyRows, type NoisyRowsRow } from './noisy.js';
import { benchModel, benchStepper, initialNetwork, LIFETIME, LR, METHODS, mnistPool, sampleOrder, syntheticPool, TRAIN_ROWS, trainRows, type Pool } from './pools.js';

const GROUPS = ['mnist', 'tabular', 'cifar', 'attack', 'evaluation', 'padding', 'corruptions', 'scaling', 'walltime'] as const;

interface Options {
  repeats: number;
  seconds: number;
  only: string | null;
  engines: EngineName[];
  anchor: boolean;
  /** CPU to pin the main thread to (null: the last allowed), or false for no pinning. */
  pin: number | null | false;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const opts: Options = { repeats: 3, seconds: 0.4, only: null, engines: [...ENGINE_NAMES], anchor: true, pin: null };
  const value = (k: number, flag: string): string => {
    if (k >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[k];
  };
  const number = (k: number, flag: string, min: number): number => {
    const v = Number(value(k, flag));
    if (!Number.isFinite(v) || v < min) throw new UsageError(`${flag}: a number ≥ ${min}, got '${argv[k]}'`);
    return v;
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--quick') {
      opts.repeats = 1;
      opts.seconds = 0.15;
    } else if (a === '--repeats') opts.repeats = Math.floor(number(++k, a, 1));
    else if (a === '--seconds') opts.seconds = number(++k, a, 0.01);
    else if (a === '--no-anchor') opts.anchor = false;
    else if (a === '--no-pin') opts.pin = false;
    else if (a === '--cpu') opts.pin = Math.floor(number(++k, a, 0));
    else if (a === '--only') {
      const g = value(++k, a);
      if (!(GROUPS as readonly string[]).includes(g)) throw new UsageError(`--only: one of ${GROUPS.join(', ')}, got '${g}'`);
      opts.only = g;
    } else if (a === '--engine') {
      const e = value(++k, a) as EngineName;
      if (!ENGINE_NAMES.includes(e)) throw new UsageError(`--engine: one of ${ENGINE_NAMES.join(', ')}, got '${e}'`);
      opts.engines = [e];
    } else throw new UsageError(`unknown argument '${a}'`);
  }
  return opts;
}

/**
 * Runs `chunk(n)` in growing chunks until `seconds` have passed; returns work units per second.
 * A chunk may return the seconds it spent on work that is not timed (a bench model starting over).
 */
function timeRate(seconds: number, chunk: (n: number) => unknown): number {
  let n = 64;
  let done = 0;
  let paused = 0; // seconds a chunk says it spent on what is not timed (a bench model starting over)
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  for (;;) {
    const spent = chunk(n);
    if (typeof spent === 'number') paused += spent;
    done += n;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9 - paused;
    if (elapsed >= seconds) break;
    if (elapsed < seconds / 8) n *= 2;
  }
  return done / elapsed;
}

/** Something timed: each call is one timed run of `seconds`, returning work units per second. */
interface Timer {
  time(seconds: number): number | Promise<number>;
}

/**
 * A dwgd model of `method` after 2,000 warm-up steps; each timed run steps on along the order,
 * the model starting over from `initial` every LIFETIME steps (pools.ts benchStepper; the
 * restart is not timed), as the C anchor's does.
 */
function trainer(pool: Pool, order: Int32Array, initial: Network, method: string, engine: EngineName): Timer & { finite(): boolean } {
  const stepper = benchStepper(pool, order, initial, method, engine);
  stepper.run(2000); // warm-up: let the JIT settle before timing
  return { time: (seconds) => timeRate(seconds, stepper.run), finite: () => Number.isFinite(stepper.sink()) };
}

/**
 * A dwgd sgd model after 1,000 steps on the training list, and the score of one pass over the
 * test pool (which also warms it up); each timed run makes whole passes over the test pool.
 */
function evaluator(pool: Pool, initial: Network, engine: EngineName): Timer & { score: number } {
  const model = benchModel('sgd', initial, engine);
  for (let k = 0; k < 1000; k++) {
    const i = pool.train[k % pool.train.length];
    model.step(pool.x, i, pool.y[i], LR);
  }
  const test = pool.test;
  const pass = () => model.score(pool.x, test, test.length, pool.y, pool.metric);
  return { time: (seconds) => passRate(seconds, test.length, pass), score: pass() };
}

/** Samples per second of whole passes of `pass` (which scores `samples` rows) over at least `seconds`. */
function passRate(seconds: number, samples: number, pass: () => unknown): number {
  const t0 = process.hrtime.bigint();
  let done = 0;
  let elapsed = 0;
  do {
    pass();
    done += samples;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < seconds);
  return done / elapsed;
}

interface EvaluationRow { arch: string; inputs: string; engine: EngineName; testSize: number; listed: boolean; rowsPerSec: number; blockPerSec: number; runPerSec: number; same: boolean; disturbed?: true }

/**
 * A run's clean pass over its test list beside the eval rows' (`--only evaluation`): an sgd model
 * after 1,000 steps scores the test pool three ways, a whole pass at a time: its rows where they
 * lie in the pool, in the test list's order (as the eval rows and the C loop read them); the same
 * rows copied one after another beforehand (FastModel.score copies a block a chunk); and
 * evaluate() as a run calls it, class by class (src/experiment/evaluate.ts: the list laid out once,
 * and a sparse one also listed by its non-zero inputs, which `listed` says it was). `same`: the
 * three count the same samples correct.
 */
function evaluationTimers(pool: Pool, initial: Network, engine: EngineName): { timers: Timer[]; listed: boolean; same: boolean } {
  const model = benchModel('sgd', initial, engine);
  for (let k = 0; k < 1000; k++) {
    const i = pool.train[k % pool.train.length];
    model.step(pool.x, i, pool.y[i], LR);
  }
  const n = pool.nInputs;
  const test = pool.test;
  const count = test.length;
  const xb = new Float32Array(count * n);
  const yb = new Float32Array(count);
  test.forEach((i, k) => {
    xb.set(pool.x.subarray(i * n, (i + 1) * n), k * n);
    yb[k] = pool.y[i];
  });
  const seq = Int32Array.from({ length: count }, (_, k) => k);
  const data = { name: pool.inputs, kind: 'image', task: 'classification', size: pool.x.length / n, nInputs: n, nOutputs: pool.nOutputs, x: pool.x, y: pool.y } as unknown as Dataset;
  const byClass = splitByClass(test, pool.y, pool.nOutputs);
  // What evaluate() hands the model: whether the rows came listed too.
  let listed = false;
  const seen: Trainable = { ...model, score: (...a: Parameters<Trainable['score']>) => { listed ||= a[5] !== undefined; return model.score(...a); } } as Trainable;
  const rows = () => model.score(pool.x, test, count, pool.y, 'accuracy');
  const block = () => model.score(xb, seq, count, yb, 'accuracy');
  const run = () => evaluate(model, data, test, 'accuracy', byClass);
  const correct = rows();
  const same = block() === correct && Math.round(evaluate(seen, data, test, 'accuracy', byClass).value * count) === correct;
  return { timers: [rows, block, run].map((pass) => ({ time: (seconds: number) => passRate(seconds, count, pass) })), listed, same };
}

interface AttackRow { arch: string; inputs: string; kind: AttackKind; steps: number; attackStepsPerSec: number }

/**
 * PGD on the test inputs of an sgd model after 1,000 training steps: each timed run attacks
 * chunks of 64 test inputs in turn (ε = 0.1 L∞ or 1.0 L2, `steps` iterations, one random start;
 * APGD's iterations are counted the same way).
 */
function attacker(pool: Pool, initial: Network, kind: AttackKind, steps: number): Timer {
  const model = benchModel('sgd', initial, 'reference');
  for (let k = 0; k < 1000; k++) {
    const i = pool.train[k % pool.train.length];
    model.step(pool.x, i, pool.y[i], LR);
  }
  const params = model.params();
  const n = pool.nInputs;
  const chunk = 64;
  let next = 0;
  const run = (samples: number) => {
    for (let done = 0; done < samples; done += chunk) {
      const rows = Array.from({ length: chunk }, (_, k) => pool.test[(next + k) % pool.test.length]);
      next += chunk;
      const x = new Float32Array(chunk * n);
      rows.forEach((i, k) => x.set(pool.x.subarray(i * n, (i + 1) * n), k * n));
      attackBatch(params, x, rows.map((i) => pool.y[i]), { kind, eps: kind === 'pgd-l2' ? 1 : 0.1, steps, loss: pool.loss, clip: [0, 1], seed: 5 }, rows);
    }
  };
  run(chunk); // warm-up
  return { time: (seconds) => timeRate(seconds, (m) => run(m)) * steps };
}

/** The canary of bench/quiet.ts (set by main; null in --only walltime), and how the rows fared. */
let canary: Canary | null = null;
const quality = { rows: 0, disturbed: 0, rounds: 0, extraRounds: 0 };

/**
 * Best of `repeats` quiet rounds of each timer, taking turns so all see the same machine load:
 * a round is every timer once, between two canary runs, and counts only when both canaries ran
 * at ≥ 90 % of the fastest canary (bench/quiet.ts). Up to MAX_ROUNDS_FACTOR × repeats rounds
 * are timed to find `repeats` quiet ones; a row with none keeps its best round and is disturbed.
 */
async function bestOfInterleaved(timers: Timer[], opts: Options): Promise<{ rates: number[]; disturbed: boolean }> {
  const rounds: Round[] = [];
  let quiet = 0;
  const maxRounds = canary ? opts.repeats * MAX_ROUNDS_FACTOR : opts.repeats;
  for (let r = 0; r < maxRounds && quiet < opts.repeats; r++) {
    const before = canary ? canary.measure() : 0;
    const rates: number[] = [];
    for (const t of timers) rates.push(await t.time(opts.seconds));
    const after = canary ? canary.measure() : 0;
    // Shares against the fastest canary seen so far, including these two.
    const share = canary ? Math.min(canary.share(before), canary.share(after)) : 1;
    rounds.push({ rates, canaryShare: share });
    if (share >= QUIET_SHARE) quiet++;
  }
  const picked = pickRounds(rounds);
  quality.rows++;
  quality.rounds += rounds.length;
  quality.extraRounds += Math.max(0, rounds.length - opts.repeats);
  if (picked.disturbed) quality.disturbed++;
  return { rates: picked.rates, disturbed: picked.disturbed };
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function ratio(v: number | null): string {
  return v === null ? '' : `${v.toFixed(2)}×`;
}

/** `disturbed`: present (true) when no round of the row was quiet (bench/quiet.ts). */
interface TrainRow {
  method: string; arch: string; inputs: string; engine: EngineName; stepsPerSec: number; vsC64: number | null; vsC64x128: number | null; vsC64wasm: number | null;
  vsArranged128?: number | null; vsArrangedWasm?: number | null; disturbed?: true;
}
interface EvalRow { arch: string; inputs: string; engine: EngineName; samplesPerSec: number; testSize: number; vsC64: number | null; vsC64x128: number | null; vsC64wasm: number | null; disturbed?: true }
interface AnchorTrain {
  method: string; arch: string; inputs: string; float64: number; float32: number; float64x128: number | null; float64wasm: number | null;
  /** The same step with layer 0 in dwgd's arrangement (METHOD@dwgd): native, at 128 bits, in WebAssembly. */
  arranged64?: number | null; arranged128?: number | null; arrangedWasm?: number | null;
}
interface AnchorEval { arch: string; inputs: string; float64: number; float32: number; float64x128: number | null; float64wasm: number | null }
interface Target {
  what: string; engine: EngineName; value: number; target: number; unit: 'ratio' | 'steps/s' | 'samples/s'; met: boolean; vsC64x128?: number | null; vsC64wasm?: number | null;
  vsArranged128?: number | null; vsArrangedWasm?: number | null;
}

/**
 * Best rates of dwgd's timers and, with the anchor, of its float64 and float32 builds and of the
 * float64 builds at 128 bits and in WebAssembly (when there are) started on the same work
 * (`args`), all timed in turns; for a training row of DWGD_ARRANGED also the three float64 builds
 * with layer 0 in dwgd's arrangement (METHOD@dwgd). Notes a C run whose loss or score was not finite.
 */
async function measure(mine: Timer[], build: AnchorBuild | { skipped: string }, args: (string | number)[], opts: Options) {
  if (!('dir' in build)) return { ...(await bestOfInterleaved(mine, opts)), c: null };
  const c64 = await AnchorSession.start(build.bin64, args);
  const c32 = await AnchorSession.start(build.bin32, args);
  const c128 = 'bin' in build.narrow ? await AnchorSession.start(build.narrow.bin, args) : null;
  const cWasm = 'bin' in build.wasm ? await AnchorSession.start(build.wasm.bin, args) : null;
  const arranged = args[0] === 'train' && DWGD_ARRANGED.includes(String(args[3]));
  const arrangedArgs = arranged ? args.map((a, k) => (k === 3 ? `${a}@dwgd` : a)) : args;
  const a64 = arranged ? await AnchorSession.start(build.bin64, arrangedArgs) : null;
  const a128 = arranged && 'bin' in build.narrow ? await AnchorSession.start(build.narrow.bin, arrangedArgs) : null;
  const aWasm = arranged && 'bin' in build.wasm ? await AnchorSession.start(build.wasm.bin, arrangedArgs) : null;
  // The float64 builds beside the native one, by the name the notes give them.
  const others = ([[c128, 'at 128 bits'], [cWasm, 'in WebAssembly'], [a64, 'in dwgd\'s arrangement'],
    [a128, 'in dwgd\'s arrangement at 128 bits'], [aWasm, 'in dwgd\'s arrangement in WebAssembly']] as [AnchorSession | null, string][])
    .filter((o): o is [AnchorSession, string] => o[0] !== null);
  const sessions = [c64, c32, ...others.map(([c]) => c)];
  const { rates: best, disturbed } = await bestOfInterleaved([...mine, ...sessions], opts);
  for (const c of sessions) {
    const last = await c.end();
    const which = [c.ready.precision, ...others.filter(([o]) => o === c).map(([, name]) => name)].join(' ');
    if (last.finite === false || c.ready.score === -1) process.stderr.write(`note: the C anchor (${which}) ${args[0]} ${args[3]}: not finite\n`);
  }
  const s64 = c64.ready.score as number | undefined;
  for (const [c, name] of others) {
    const s = c.ready.score as number | undefined;
    if (s64 !== undefined && s !== undefined && !(Math.abs(s - s64) <= 1e-9 * Math.abs(s64))) process.stderr.write(`note: the C anchor ${name} scores ${String(s)}, the native build ${String(s64)}\n`);
  }
  const n = mine.length;
  const rate = (c: AnchorSession | null) => (c ? Math.round(best[n + sessions.indexOf(c)]) : null);
  return {
    rates: best.slice(0, n),
    disturbed,
    c: {
      float64: rate(c64)!, float32: rate(c32)!, float64x128: rate(c128), float64wasm: rate(cWasm), score64: c64.ready.score as number | undefined,
      arranged: arranged ? { arranged64: rate(a64), arranged128: rate(a128), arrangedWasm: rate(aWasm) } : null,
    },
  };
}

/** dwgd's rate ÷ a C rate, to three decimals; null without the C rate. */
function vs(rate: number, c: number | null | undefined): number | null {
  return c ? round3(rate / c) : null;
}

/** Best rates of dwgd's timers and of the float64 C build alone on the same work, timed in turns. */
async function measure64(mine: Timer[], build: AnchorBuild | { skipped: string }, args: (string | number)[], opts: Options): Promise<{ rates: number[]; c64: number | null; disturbed: boolean }> {
  if (!('dir' in build)) return { ...(await bestOfInterleaved(mine, opts)), c64: null };
  const c64 = await AnchorSession.start(build.bin64, args);
  const { rates: best, disturbed } = await bestOfInterleaved([...mine, c64], opts);
  const last = await c64.end();
  if (last.finite === false) process.stderr.write(`note: the C anchor (float64) ${args[0]} ${args[3]}: not finite\n`);
  return { rates: best.slice(0, mine.length), c64: Math.round(best[mine.length]), disturbed };
}

interface PaddingRow { arch: string; inputs: string; method: string; build: 'native128' | 'wasm'; block64: number; block32: number; ratio: number; same: boolean; disturbed?: true }

/** The paper's rules, timed by `--only padding`. */
const PADDING_METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'];
/** Steps of the `check` that compares the two paddings' parameters (a model lives LIFETIME steps). */
const PADDING_CHECK_STEPS = 20_000;

/**
 * What the layer-0 padding of dwgd's arrangement costs (`--only padding`): the C anchor's
 * METHOD@dwgd (bench/anchor.c: layer 0 held and stepped as dwgd's kernels do) built twice at
 * WebAssembly's width, natively at 128 bits and in WebAssembly, with a unit row rounded up to a
 * 64-byte block (P = 24 lanes for 20 units, as dwgd's kernels) and to 32 bytes (P = 20), on the
 * grid's 20-unit shapes of MNIST and CIFAR-10 (the 64- and 32-unit layers pad nothing either
 * way). `same`: the two builds' parameters after PADDING_CHECK_STEPS steps are the same bytes
 * (and their loss sums and test scores the same), so the rounding changes no number, only how
 * many lanes each step carries.
 */
async function paddingRows(build: AnchorBuild | { skipped: string }, opts: Options): Promise<PaddingRow[]> {
  if (!('dir' in build)) {
    process.stderr.write(`padding: skipped (${build.skipped})\n`);
    return [];
  }
  const defines = ['-DDWGD_BLOCK_BYTES=32'];
  const narrow32 = 'bin' in build.narrow ? buildNarrow(build.cc, build.dir, defines, 'anchor64-128-b32') : build.narrow;
  const wasm32 = 'bin' in build.wasm ? buildWasmAnchor(build.dir, defines, 'anchor64-b32') : build.wasm;
  const pairs: { build: PaddingRow['build']; b64: string; b32: string }[] = [];
  if ('bin' in build.narrow && 'bin' in narrow32) pairs.push({ build: 'native128', b64: build.narrow.bin, b32: narrow32.bin });
  else process.stderr.write(`padding: no 128-bit pair (${'skipped' in narrow32 ? narrow32.skipped : ''})\n`);
  if ('bin' in build.wasm && 'bin' in wasm32) pairs.push({ build: 'wasm', b64: build.wasm.bin, b32: wasm32.bin });
  else process.stderr.write(`padding: no WebAssembly pair (${'skipped' in wasm32 ? wasm32.skipped : ''})\n`);
  const rows: PaddingRow[] = [];
  if (pairs.length === 0) return rows;
  const shapes: { pool: () => Pool; hidden: number[] }[] = [
    { pool: mnistPool, hidden: [20] },
    { pool: () => syntheticPool('synthetic-cifar-10', 3072, 'image', 10000), hidden: [20] },
  ];
  for (const shape of shapes) {
    const pool = shape.pool();
    const order = sampleOrder(pool);
    const sizes = [pool.nInputs, ...shape.hidden, pool.nOutputs];
    const arch = sizes.join('-');
    const poolFile = join(build.dir, 'padding-pool.bin');
    const netFile = join(build.dir, 'padding-net.bin');
    writePoolFile(poolFile, pool, order);
    writeNetFile(netFile, initialNetwork(sizes, pool.loss));
    for (const method of PADDING_METHODS) {
      const m = `${method}@dwgd`;
      for (const pair of pairs) {
        const checks = [pair.b64, pair.b32].map((bin, k) => checkedParams(bin, poolFile, netFile, m, LR, PADDING_CHECK_STEPS, LIFETIME, join(build.dir, `padding-params-${k}.bin`)));
        const same = checks[0].line === checks[1].line && checks[0].bytes.equals(checks[1].bytes);
        const args = ['train', poolFile, netFile, m, LR, LIFETIME];
        const sessions = [await AnchorSession.start(pair.b64, args), await AnchorSession.start(pair.b32, args)];
        const { rates, disturbed } = await bestOfInterleaved(sessions, opts);
        for (const c of sessions) await c.end();
        const [block64, block32] = rates.map(Math.round);
        rows.push({ arch, inputs: pool.inputs, method, build: pair.build, block64, block32, ratio: round3(block32 / block64), same, ...marked(disturbed) });
        process.stderr.write(`padding ${arch} ${m} ${pair.build}: 64-byte rows ${fmt(block64)}, 32-byte rows ${fmt(block32)} steps/s (${(block32 / block64).toFixed(3)}×); the same parameters: ${same ? 'yes' : 'NO'}\n`);
      }
    }
  }
  return rows;
}

interface FixedCostRow { arch: string; what: string; engine: EngineName; ns: number; cNs: number | null; cNs128: number | null; cNsWasm: number | null; disturbed?: true }

/** The arches of the fixed-cost rows: 8 inputs and one unit per layer, two and three layers. */
const FIXED_ARCHS = [[8, 1, 1], [8, 1, 1, 1]];
const FIXED_METHODS = ['sgd', 'dwm', 'momentum'];

/**
 * The fixed cost of a step and of an evaluated sample, where arithmetic is almost nil: nets of 8
 * inputs and one unit per hidden layer (a step is a few dozen multiply-adds), timed as the
 * grid rows are (one engine: fast unless --engine names one) beside both float64 C builds, in
 * nanoseconds, best of twice the repeats; the three-layer net less the two-layer one is the cost of one more layer. Also the
 * cost of one empty call of trainSteps (no step: the way into the instance and back).
 */
async function fixedCosts(build: AnchorBuild | { skipped: string }, opts: Options): Promise<{ rows: FixedCostRow[]; emptyCallNs: number | null }> {
  const engine: EngineName = opts.engines.length === 1 ? opts.engines[0] : 'fast';
  const more = { ...opts, repeats: opts.repeats * 2 }; // short rows: twice the repeats, to find an undisturbed one
  const pool = syntheticPool('synthetic-california-housing', 8, 'tabular', 20433);
  const order = sampleOrder(pool);
  const poolFile = 'dir' in build ? join(build.dir, 'pool.bin') : '';
  const netFile = 'dir' in build ? join(build.dir, 'net.bin') : '';
  if ('dir' in build) writePoolFile(poolFile, pool, order);
  const rows: FixedCostRow[] = [];
  const ns = (rate: number | null | undefined) => (rate ? round3(1e9 / rate) : null);
  let emptyCallNs: number | null = null;
  for (const sizes of FIXED_ARCHS) {
    const arch = sizes.join('-');
    const initial = initialNetwork(sizes, pool.loss);
    if ('dir' in build) writeNetFile(netFile, initial);
    for (const method of FIXED_METHODS) {
      const { rates, c, disturbed } = await measure([trainer(pool, order, initial, method, engine)], build, ['train', poolFile, netFile, method, LR, LIFETIME], more);
      rows.push({ arch, what: `${method} step`, engine, ns: ns(rates[0])!, cNs: ns(c?.float64), cNs128: ns(c?.float64x128), cNsWasm: ns(c?.float64wasm), ...marked(disturbed) });
    }
    const { rates, c, disturbed } = await measure([evaluator(pool, initial, engine)], build, ['eval', poolFile, netFile, LR], more);
    rows.push({ arch, what: 'eval sample', engine, ns: ns(rates[0])!, cNs: ns(c?.float64), cNs128: ns(c?.float64x128), cNsWasm: ns(c?.float64wasm), ...marked(disturbed) });
    if (emptyCallNs === null) {
      const model = benchModel('sgd', initial, engine);
      if (model.trainSteps) {
        const list = pool.train;
        const entries = Int32Array.from(list, (_, k) => k);
        const targets = Float32Array.from(list, (i) => pool.y[i]);
        let sink = model.trainSteps(pool.x, list, entries, targets, LR, 0, 1, 0); // copies the rows in once
        const empty = (n: number) => {
          for (let k = 0; k < n; k++) sink = model.trainSteps!(pool.x, list, entries, targets, LR, 1, 1, sink);
        };
        empty(10000);
        const [rate] = (await bestOfInterleaved([{ time: (seconds) => timeRate(seconds, empty) }], more)).rates;
        emptyCallNs = round3(1e9 / rate);
        if (!Number.isFinite(sink)) process.stderr.write('note: the empty trainSteps calls returned a loss that is not finite\n');
      }
    }
  }
  process.stderr.write(`fixed costs [${engine}]: ${rows.map((r) => `${r.arch} ${r.what} ${r.ns.toFixed(0)} ns`).join(', ')}\n`);
  return { rows, emptyCallNs };
}

function renderFixedCosts(fixed: { rows: FixedCostRow[]; emptyCallNs: number | null }): string {
  const ns = (v: number | null) => (v === null ? '–' : v.toFixed(0));
  const lines = ['', `fixed costs: nanoseconds per training step or per evaluated sample on nets of one unit per hidden layer (arithmetic almost nil), ${fixed.rows[0]?.engine ?? 'fast'} engine beside the float64 C loop, native, at 128 bits and in WebAssembly`,
    '| arch | what | dwgd ns | C f64 ns | C f64 128-bit ns | C f64 wasm ns |', '|---|---|---:|---:|---:|---:|'];
  for (const r of fixed.rows) lines.push(`| ${r.arch} | ${r.what} | ${dagger(r)}${ns(r.ns)} | ${ns(r.cNs)} | ${ns(r.cNs128)} | ${ns(r.cNsWasm)} |`);
  const [two, three] = FIXED_ARCHS.map((a) => a.join('-'));
  for (const what of [...FIXED_METHODS.map((m) => `${m} step`), 'eval sample']) {
    const a = fixed.rows.find((r) => r.arch === two && r.what === what);
    const b = fixed.rows.find((r) => r.arch === three && r.what === what);
    if (a && b) lines.push(`  one more layer (${three} − ${two}), ${what}: dwgd ${ns(round3(b.ns - a.ns))} ns, C f64 ${a.cNs !== null && b.cNs !== null ? ns(round3(b.cNs - a.cNs)) : '–'} ns`);
  }
  if (fixed.emptyCallNs !== null) lines.push(`  one trainSteps call with no step (into the instance and back, once per turn or per progress report): ${ns(fixed.emptyCallNs)} ns`);
  return lines.join('\n') + '\n';
}

/**
 * The scaling table (bench/scaling.ts): every input width × hidden width × depth, sgd and dwm,
 * one engine (fast unless --engine names one) beside the float64 C loop, in turns.
 */
async function scalingRows(build: AnchorBuild | { skipped: string }, opts: Options): Promise<ScalingRow[]> {
  const engine: EngineName = opts.engines.length === 1 ? opts.engines[0] : 'fast';
  const rows: ScalingRow[] = [];
  for (const nInputs of SCALING_INPUTS) {
    const pool = scalingPool(nInputs);
    const order = sampleOrder(pool);
    const poolFile = 'dir' in build ? join(build.dir, 'pool.bin') : '';
    const netFile = 'dir' in build ? join(build.dir, 'net.bin') : '';
    if ('dir' in build) writePoolFile(poolFile, pool, order);
    for (const depth of SCALING_DEPTHS) {
      for (const h of SCALING_WIDTHS) {
        const sizes = [nInputs, ...scalingHidden(h, depth), pool.nOutputs];
        const arch = sizes.join('-');
        const initial = initialNetwork(sizes, pool.loss);
        if ('dir' in build) writeNetFile(netFile, initial);
        const said: string[] = [];
        for (const method of SCALING_METHODS) {
          const timer = trainer(pool, order, initial, method, engine);
          const { rates, c64, disturbed } = await measure64([timer], build, ['train', poolFile, netFile, method, LR, LIFETIME], opts);
          if (!timer.finite()) process.stderr.write(`note: ${method} on ${arch} (${engine}) diverged (loss not finite)\n`);
          rows.push({
            inputs: nInputs, data: pool.inputs, depth, arch, method, engine, stepsPerSec: Math.round(rates[0]),
            cStepsPerSec: c64, vsC64: c64 ? round3(rates[0] / c64) : null, workingSetBytes: workingSetBytes(sizes, method),
            ...marked(disturbed),
          });
          said.push(`${method} ${fmt(rates[0])}${c64 ? ` (C ${fmt(c64)})` : ''}`);
        }
        process.stderr.write(`scaling ${arch} [${engine}]: ${said.join(', ')}\n`);
      }
    }
  }
  return rows;
}

/** The table: one row per (shape, engine) and two for the C anchor; cells are rate and ratio to C float64. */
function renderTable(train: TrainRow[], evals: EvalRow[], anchorTrain: AnchorTrain[], anchorEval: AnchorEval[]): string {
  const header = ['inputs', 'arch', 'engine', ...TRAIN_ROWS, 'eval/s'];
  const lines: string[][] = [];
  const shapes = [...new Set(train.map((t) => `${t.inputs}|${t.arch}`))];
  for (const shape of shapes) {
    const [inputs, arch] = shape.split('|');
    const engines = [...new Set(train.filter((t) => t.inputs === inputs && t.arch === arch).map((t) => t.engine))];
    for (const engine of engines) {
      const cells = TRAIN_ROWS.map((m) => {
        const t = train.find((e) => e.inputs === inputs && e.arch === arch && e.engine === engine && e.method === m);
        return t ? `${dagger(t)}${fmt(t.stepsPerSec)} ${ratio(t.vsC64)} ${ratio(t.vsC64x128)} ${ratio(t.vsC64wasm)}`.trim() : '–';
      });
      const e = evals.find((v) => v.inputs === inputs && v.arch === arch && v.engine === engine);
      lines.push([inputs, arch, engine, ...cells, e ? `${dagger(e)}${fmt(e.samplesPerSec)} ${ratio(e.vsC64)} ${ratio(e.vsC64x128)} ${ratio(e.vsC64wasm)}`.trim() : '–']);
    }
    for (const precision of ['float64', 'float32', 'float64x128', 'float64wasm', 'arranged64', 'arranged128', 'arrangedWasm'] as const) {
      const row = anchorTrain.filter((a) => a.inputs === inputs && a.arch === arch);
      if (row.length === 0 || row.every((a) => a[precision] == null)) continue;
      const cells = TRAIN_ROWS.map((m) => {
        const a = row.find((x) => x.method === m);
        return a && a[precision] != null ? fmt(a[precision]!) : '–';
      });
      const e = anchorEval.find((v) => v.inputs === inputs && v.arch === arch);
      const label = {
        float64: 'C float64', float32: 'C float32', float64x128: 'C f64 128-bit', float64wasm: 'C f64 wasm',
        arranged64: 'C f64 dwgd layout', arranged128: 'C f64 dwgd layout 128-bit', arrangedWasm: 'C f64 dwgd layout wasm',
      }[precision];
      const evalRate = (e as Partial<Record<typeof precision, number | null>> | undefined)?.[precision]; // the arranged loops time no evaluation
      lines.push([inputs, arch, label, ...cells, evalRate != null ? fmt(evalRate) : '–']);
    }
  }
  const widths = header.map((_, c) => Math.max(header[c].length, ...lines.map((l) => l[c].length)));
  const render = (l: string[]) => '| ' + l.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => (c < 3 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [render(header), rule, ...lines.map(render)].join('\n') + '\n';
}

/** The C loops at WebAssembly's width a row is also divided by, and how the target lines name them. */
const NARROW_YARDSTICKS = [
  { key: 'vsC64x128', label: 'at 128 bits (no AVX, no FMA)' },
  { key: 'vsC64wasm', label: 'in WebAssembly (clang, this Node)' },
] as const;
/** The same C loop with layer 0 in dwgd's arrangement (METHOD@dwgd), for the rows that have it. */
const ARRANGED_YARDSTICKS = [
  { key: 'vsArranged128', label: 'at 128 bits' },
  { key: 'vsArrangedWasm', label: 'in WebAssembly' },
] as const;
/** The indent of a line that follows a target's line (under its text). */
const FOLLOW = `           ${''.padEnd(6)} ${''.padEnd(14)}`;

/**
 * Issue 15's targets for the default engine: every shape and method ≥ 0.7× the float64 C loop
 * in training and ≥ 1.0× in evaluation; plain dwm at least as fast as dwm-stable; on the
 * CIFAR-10 shape 3072-64-32-10, evaluation ≥ 75,000 samples/s and dwm ≥ 10,000 steps/s.
 * Returns the targets and one printed line per group of them.
 */
function checkTargets(train: TrainRow[], evals: EvalRow[], engine: EngineName): { targets: Target[]; lines: string[] } {
  const targets: Target[] = [];
  const lines: string[] = [];
  const say = (items: Target[], text: string) => {
    if (items.length === 0) return;
    targets.push(...items);
    lines.push(`  ${items.every((t) => t.met) ? 'met    ' : 'not met'}  ${engine.padEnd(6)} ${text}`);
  };
  const mine = train.filter((t) => t.engine === engine && METHODS.includes(t.method)); // the option rows have no target
  const shapes = [...new Set(mine.map((t) => t.arch))];
  for (const arch of shapes) {
    const rows = mine.filter((t) => t.arch === arch && t.vsC64 !== null);
    const items = rows.map((t) => ({
      what: `${t.method} ${arch} training vs C float64`, engine, value: t.vsC64!, target: 0.7, unit: 'ratio' as const, met: t.vsC64! >= 0.7, vsC64x128: t.vsC64x128, vsC64wasm: t.vsC64wasm,
      ...(t.vsArrangedWasm !== undefined ? { vsArranged128: t.vsArranged128, vsArrangedWasm: t.vsArrangedWasm } : {}),
    }));
    const low = rows.reduce<TrainRow | null>((m, t) => (m === null || t.vsC64! < m.vsC64! ? t : m), null);
    if (low) say(items, `${arch.padEnd(14)} training ≥ 0.7× C float64, every method: lowest ${low.method} ${ratio(low.vsC64)}`);
    // How far each method that misses is from the same C loop at WebAssembly's width and in WebAssembly.
    for (const { key, label } of NARROW_YARDSTICKS) {
      const missing = rows.filter((t) => t.vsC64! < 0.7 && t[key] !== null);
      if (missing.length) lines.push(`${FOLLOW} ↳ ÷ C float64 ${label}, methods below 0.7×: ${missing.map((t) => `${t.method} ${ratio(t[key])}`).join(', ')}`);
    }
    for (const { key, label } of ARRANGED_YARDSTICKS) {
      const missing = rows.filter((t) => t.vsC64! < 0.7 && t[key] != null);
      if (missing.length) lines.push(`${FOLLOW} ↳ ÷ the C loop with layer 0 in dwgd's arrangement ${label}: ${missing.map((t) => `${t.method} ${ratio(t[key]!)}`).join(', ')}`);
    }
    const e = evals.find((v) => v.engine === engine && v.arch === arch && v.vsC64 !== null);
    if (e) say([{ what: `eval ${arch} vs C float64`, engine, value: e.vsC64!, target: 1, unit: 'ratio', met: e.vsC64! >= 1, vsC64x128: e.vsC64x128, vsC64wasm: e.vsC64wasm }], `${arch.padEnd(14)} evaluation ≥ 1.0× C float64: ${ratio(e.vsC64)}`);
    for (const { key, label } of NARROW_YARDSTICKS) if (e && e.vsC64! < 1 && e[key] !== null) lines.push(`${FOLLOW} ↳ ÷ C float64 ${label}: ${ratio(e[key])}`);
    const dwm = mine.find((t) => t.arch === arch && t.method === 'dwm');
    const stable = mine.find((t) => t.arch === arch && t.method === 'dwm-stable');
    if (dwm && stable) {
      say([{ what: `dwm ${arch} steps/s ≥ dwm-stable`, engine, value: dwm.stepsPerSec, target: stable.stepsPerSec, unit: 'steps/s', met: dwm.stepsPerSec >= stable.stepsPerSec }],
        `${arch.padEnd(14)} dwm ≥ dwm-stable: ${fmt(dwm.stepsPerSec)} vs ${fmt(stable.stepsPerSec)} steps/s`);
    }
  }
  const cifar = '3072-64-32-10';
  const ce = evals.find((v) => v.engine === engine && v.arch === cifar);
  if (ce) say([{ what: `eval ${cifar} samples/s`, engine, value: ce.samplesPerSec, target: 75000, unit: 'samples/s', met: ce.samplesPerSec >= 75000 }], `${cifar.padEnd(14)} evaluation ≥ 75,000 samples/s: ${fmt(ce.samplesPerSec)}`);
  const cd = mine.find((t) => t.arch === cifar && t.method === 'dwm');
  if (cd) say([{ what: `dwm ${cifar} steps/s`, engine, value: cd.stepsPerSec, target: 10000, unit: 'steps/s', met: cd.stepsPerSec >= 10000 }], `${cifar.padEnd(14)} dwm training ≥ 10,000 steps/s: ${fmt(cd.stepsPerSec)}`);
  return { targets, lines };
}

function renderCorruptions(rates: CorruptionRate[], suite: SuiteTiming, draws: DrawTiming): string {
  const ids = [...new Set(rates.map((r) => r.corruption))];
  const rate = (id: string, inputs: string) => rates.find((r) => r.corruption === id && r.inputs === inputs)?.samplesPerSec;
  const lines = ['', 'corruption generation, samples/s (severity 3, one thread)', '| corruption | MNIST 28×28 | CIFAR 32×32×3 |', '|---|---:|---:|'];
  for (const id of ids) lines.push(`| ${id} | ${fmt(rate(id, 'mnist') ?? NaN)} | ${fmt(rate(id, 'cifar') ?? NaN)} |`);
  lines.push('', `whole suite, one MNIST model (${suite.corruptions} corruptions × ${suite.severities} severities × ${suite.testSize} test images): ` +
    `${suite.suiteSeconds.toFixed(1)} s (generation ≈ ${suite.generateSeconds.toFixed(1)} s, scoring the rest); ` +
    `training it at n = 1000 (6 × 10,000 steps, dwm, clean evaluations included): ${suite.trainSeconds.toFixed(1)} s — ` +
    `target (suite < training) ${suite.met ? 'met' : 'MISSED'}`, '',
    `standard normal draws (Rng.normal's numbers, ${fmt(draws.count)} a pass, best of the passes): rng.normal() one at a time ${draws.rngNormalNs.toFixed(1)} ns a draw; ` +
    `in rows of 3,072 through WebAssembly (src/core/fast/normals.ts) ${draws.rowsNs.toFixed(1)} ns (${(draws.rngNormalNs / draws.rowsNs).toFixed(2)}×); the same numbers: ${draws.same ? 'yes' : 'NO'}`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const groups: { name: (typeof GROUPS)[number]; pool: () => Pool; archs: number[][] }[] = [
    { name: 'mnist', pool: mnistPool, archs: [[20], [64, 32]] },
    { name: 'tabular', pool: () => syntheticPool('synthetic-california-housing', 8, 'tabular', 20433), archs: [[20], [64, 32]] },
    { name: 'tabular', pool: () => syntheticPool('synthetic-wine-quality', 11, 'tabular', 4898), archs: [[20], [64, 32]] },
    { name: 'cifar', pool: () => syntheticPool('synthetic-cifar-10', 3072, 'image', 10000), archs: [[20], [64, 32]] },
  ];
  // The timed rows and the wall-time part's short runs on one core, beside a canary (bench/quiet.ts).
  const pinning: Pinning = opts.pin === false ? { skipped: '--no-pin was given' } : pinMainThread(opts.pin);
  canary = new Canary();
  process.stderr.write('cpu' in pinning ? `pinned to CPU ${pinning.cpu} (of ${pinning.previous})${opts.only === 'walltime' ? '' : '; the C loops run there too'}\n` : `not pinned: ${pinning.skipped}\n`);
  const build = opts.anchor && opts.only !== 'walltime' ? buildAnchor() : { skipped: opts.anchor ? 'not needed for --only walltime' : '--no-anchor was given' };
  if ('dir' in build) {
    process.stderr.write(`C anchor: ${build.compiler}, ${build.flags}, float64 and float32 builds\n`);
    process.stderr.write('bin' in build.narrow ? `C anchor at 128 bits: ${build.narrow.flags}, float64; ${build.narrow.check}\n` : `C anchor at 128 bits skipped: ${build.narrow.skipped}\n`);
    process.stderr.write('bin' in build.wasm ? `C anchor in WebAssembly: ${build.wasm.compiler}, ${build.wasm.flags}, float64, run by Node ${process.version}\n` : `C anchor in WebAssembly skipped: ${build.wasm.skipped}\n`);
  }
  const train: TrainRow[] = [];
  const evals: EvalRow[] = [];
  const anchorTrain: AnchorTrain[] = [];
  const anchorEval: AnchorEval[] = [];
  const attacks: AttackRow[] = [];
  const evaluation: EvaluationRow[] = [];
  let padding: PaddingRow[] = [];
  const noisy: NoisyRowsRow[] = [];
  let scaling: ScalingRow[] = [];
  let fixed: { rows: FixedCostRow[]; emptyCallNs: number | null } | null = null;
  let scalingLoad: [number, number] | null = null;
  const load0 = loadavg()[0];

  try {
    for (const group of groups) {
      if (opts.only && opts.only !== group.name) continue;
      const pool = group.pool();
      const order = sampleOrder(pool);
      const poolFile = 'dir' in build ? join(build.dir, 'pool.bin') : '';
      const netFile = 'dir' in build ? join(build.dir, 'net.bin') : '';
      if ('dir' in build) writePoolFile(poolFile, pool, order);
      for (const hidden of group.archs) {
        const sizes = [pool.nInputs, ...hidden, pool.nOutputs];
        const arch = sizes.join('-');
        const initial = initialNetwork(sizes, pool.loss);
        if ('dir' in build) writeNetFile(netFile, initial);
        const where = { arch, inputs: pool.inputs };
        const progress: string[] = [];
        const cFigures = (c: { float64: number; float32: number; float64x128: number | null; float64wasm: number | null } | null) =>
          (c ? ` (C ${[c.float64, c.float32, c.float64x128, c.float64wasm].filter((v) => v !== null).map((v) => fmt(v!)).join('/')})` : '');
        for (const method of trainRows(pool.loss)) {
          const timers = opts.engines.map((engine) => trainer(pool, order, initial, method, engine));
          const { rates, c, disturbed } = await measure(timers, build, ['train', poolFile, netFile, method, LR, LIFETIME], opts);
          const arranged = c?.arranged ?? null;
          opts.engines.forEach((engine, k) => {
            const arrangedVs = arranged ? { vsArranged128: vs(rates[k], arranged.arranged128), vsArrangedWasm: vs(rates[k], arranged.arrangedWasm) } : {};
            train.push({ method, ...where, engine, stepsPerSec: Math.round(rates[k]), vsC64: vs(rates[k], c?.float64), vsC64x128: vs(rates[k], c?.float64x128), vsC64wasm: vs(rates[k], c?.float64wasm), ...arrangedVs, ...marked(disturbed) });
            if (!timers[k].finite()) process.stderr.write(`note: ${method} on ${arch} (${engine}) diverged (loss not finite)\n`);
          });
          if (c) anchorTrain.push({ method, ...where, float64: c.float64, float32: c.float32, float64x128: c.float64x128, float64wasm: c.float64wasm, ...arranged });
          const arrangedFigures = arranged ? ` (dwgd's arrangement in C ${Object.values(arranged).filter((v) => v !== null).map((v) => fmt(v!)).join('/')})` : '';
          progress.push(`${method} ${rates.map(fmt).join('/')}${cFigures(c)}${arrangedFigures}`);
        }
        const timers = opts.engines.map((engine) => evaluator(pool, initial, engine));
        const { rates, c, disturbed } = await measure(timers, build, ['eval', poolFile, netFile, LR], opts);
        opts.engines.forEach((engine, k) => {
          evals.push({ ...where, engine, samplesPerSec: Math.round(rates[k]), testSize: pool.test.length, vsC64: vs(rates[k], c?.float64), vsC64x128: vs(rates[k], c?.float64x128), vsC64wasm: vs(rates[k], c?.float64wasm), ...marked(disturbed) });
          // A float64 engine must score the test pool as the float64 C loop does.
          const score = timers[k].score;
          if (c && engine !== 'fast32' && Math.abs(score - c.score64!) > 1e-9 * Math.abs(score)) {
            process.stderr.write(`note: ${arch} ${engine}: test score ${score} but the C anchor's is ${c.score64}\n`);
          }
        });
        if (c) anchorEval.push({ ...where, float64: c.float64, float32: c.float32, float64x128: c.float64x128, float64wasm: c.float64wasm });
        progress.push(`eval ${rates.map(fmt).join('/')}${cFigures(c)}`);
        process.stderr.write(`${pool.inputs} ${arch} [${opts.engines.join('/')}]: ${progress.join(', ')}\n`);
      }
    }
    if (!opts.only || opts.only === 'tabular') fixed = await fixedCosts(build, opts);
    if (!opts.only || opts.only === 'attack') {
      const pool = mnistPool();
      const steps = 10;
      for (const hidden of [[20], [64, 32]]) {
        const sizes = [pool.nInputs, ...hidden, pool.nOutputs];
        const initial = initialNetwork(sizes, pool.loss);
        const kinds: AttackKind[] = ['pgd-linf', 'pgd-l2', 'apgd-ce'];
        const { rates } = await bestOfInterleaved(kinds.map((kind) => attacker(pool, initial, kind, steps)), opts);
        kinds.forEach((kind, k) => attacks.push({ arch: sizes.join('-'), inputs: pool.inputs, kind, steps, attackStepsPerSec: Math.round(rates[k]) }));
        process.stderr.write(`attack ${sizes.join('-')}: ${kinds.map((kind, k) => `${kind} ${fmt(rates[k])}`).join(', ')} attack steps/s\n`);
      }
    }
    if (!opts.only || opts.only === 'evaluation') {
      const pool = mnistPool();
      for (const hidden of [[20], [64, 32]]) {
        const sizes = [pool.nInputs, ...hidden, pool.nOutputs];
        const arch = sizes.join('-');
        const { timers, listed, same } = evaluationTimers(pool, initialNetwork(sizes, pool.loss), DEFAULT_ENGINE);
        const { rates, disturbed } = await bestOfInterleaved(timers, opts);
        const [rowsPerSec, blockPerSec, runPerSec] = rates.map(Math.round);
        evaluation.push({ arch, inputs: pool.inputs, engine: DEFAULT_ENGINE, testSize: pool.test.length, listed, rowsPerSec, blockPerSec, runPerSec, same, ...marked(disturbed) });
        process.stderr.write(`evaluation ${arch}: rows ${fmt(rowsPerSec)}, block ${fmt(blockPerSec)}, as a run ${fmt(runPerSec)} samples/s\n`);
      }
      const rows = opts.repeats > 1 ? 2000 : 300;
      const cifar = syntheticPool('synthetic-cifar-10', 3072, 'image', rows);
      for (const [inputs, x, n] of [[pool.inputs, pool.x, pool.nInputs], [cifar.inputs, cifar.x, cifar.nInputs]] as const) {
        const row = noisyRows(inputs, x, n, Math.min(rows, Math.floor(x.length / n)), 2 * opts.repeats);
        noisy.push(row);
        process.stderr.write(`noisy rows ${inputs}: the formula in JavaScript ${row.jsNs.toFixed(2)} ns a value, in WebAssembly ${row.wasmNs.toFixed(2)}\n`);
      }
    }
    if (!opts.only || opts.only === 'padding') padding = await paddingRows(build, opts);
    if (!opts.only || opts.only === 'scaling') {
      const before = loadavg()[0];
      scaling = await scalingRows(build, opts);
      scalingLoad = [before, loadavg()[0]];
    }
  } finally {
    if ('dir' in build) rmSync(build.dir, { recursive: true, force: true });
  }

  let wall: WallTimes | null = null;
  try {
    if (!opts.only || opts.only === 'walltime') wall = wallTimes(opts.repeats === 1, canary);
  } finally {
    if ('cpu' in pinning) pinning.restore();
  }

  let corruptions: { rates: CorruptionRate[]; suite: SuiteTiming; draws: DrawTiming } | null = null;
  if (!opts.only || opts.only === 'corruptions') {
    const mnist = mnistPool();
    const cifar = syntheticPool('synthetic-cifar-10', 3072, 'image', 1000);
    const rates = [
      ...corruptionRates(mnist.x, { height: 28, width: 28, channels: 1 }, opts.repeats > 1 ? 2000 : 500, 'mnist', opts.repeats),
      ...corruptionRates(cifar.x, { height: 32, width: 32, channels: 3 }, opts.repeats > 1 ? 300 : 100, 'cifar', opts.repeats),
    ];
    process.stderr.write('corruptions: timing the whole suite for one MNIST model\n');
    const draws = normalDraws(opts.repeats, opts.repeats > 1 ? 1000 : 100);
    corruptions = { rates, suite: suiteTiming(), draws };
  }

  const load1 = loadavg()[0];
  if (train.length && opts.only !== 'corruptions') {
    process.stdout.write(renderTable(train, evals, anchorTrain, anchorEval));
    const narrow = 'dir' in build && 'bin' in build.narrow ? build.narrow : null;
    const inWasm = 'dir' in build && 'bin' in build.wasm ? build.wasm : null;
    process.stdout.write('\ncells: steps/s (training) or samples/s (eval), then dwgd\'s figure ÷ the C float64 loop\'s' +
      (narrow ? `, then ÷ the same C float64 loop at WebAssembly's width ("C f64 128-bit": ${narrow.flags}; ${narrow.check})` : '') +
      (inWasm ? `, then ÷ the same C float64 loop compiled to WebAssembly and run by this Node ("C f64 wasm": ${inWasm.compiler}, ${inWasm.flags})` : '') + '\n');
  }
  if (fixed) process.stdout.write(renderFixedCosts(fixed));
  if (attacks.length) {
    process.stdout.write('\nattacks (reference network, float64; PGD iterations × samples per second):\n');
    for (const a of attacks) process.stdout.write(`  ${a.inputs} ${a.arch.padEnd(14)} ${a.kind.padEnd(9)} ${fmt(a.attackStepsPerSec).padStart(9)} attack steps/s\n`);
  }
  if (evaluation.length) {
    process.stdout.write(`\nevaluation as a run scores its test list (${evaluation[0].engine} engine, sgd after 1,000 steps, ${fmt(evaluation[0].testSize)} test images, samples/s): ` +
      'the rows where they lie in the pool / laid out in a block / evaluate() (laid out once; listed by their non-zero inputs when sparse)\n');
    for (const e of evaluation) process.stdout.write(`  ${e.inputs} ${e.arch.padEnd(14)} ${dagger(e)}${fmt(e.rowsPerSec).padStart(9)} ${fmt(e.blockPerSec).padStart(9)} ${fmt(e.runPerSec).padStart(9)}${e.listed ? ' (listed)' : ''}; the same counts: ${e.same ? 'yes' : 'NO'}\n`);
  }
  if (noisy.length) {
    process.stdout.write('\nnoisy test rows (σ = 0.3, clamped to [0, 1]; ns a value, best of the passes): the formula in JavaScript over each row\'s draws / ' +
      'the draws and the formula in WebAssembly (normals.ts fillNoisy)\n');
    for (const r of noisy) process.stdout.write(`  ${r.inputs.padEnd(19)} ${String(r.nInputs).padStart(5)} inputs ${r.jsNs.toFixed(2).padStart(7)} ${r.wasmNs.toFixed(2).padStart(7)} (${(r.jsNs / r.wasmNs).toFixed(2)}×); the same bits: ${r.same ? 'yes' : 'NO'}\n`);
  }
  if (padding.length) {
    process.stdout.write(`\nlayer-0 padding of dwgd's arrangement (the C anchor's METHOD@dwgd, float64, steps/s, batch 1, lr ${LR}): ` +
      'rows rounded up to 64 bytes (as dwgd\'s kernels: 24 lanes for 20 units) / to 32 bytes (20 lanes), and the second ÷ the first\n');
    for (const r of padding) process.stdout.write(`  ${r.inputs} ${r.arch.padEnd(10)} ${r.method.padEnd(10)} ${r.build.padEnd(9)} ${dagger(r)}${fmt(r.block64).padStart(9)} ${fmt(r.block32).padStart(9)} ${r.ratio.toFixed(3)}×; the same parameters: ${r.same ? 'yes' : 'NO'}\n`);
  }
  if (corruptions) process.stdout.write(renderCorruptions(corruptions.rates, corruptions.suite, corruptions.draws));
  if (scaling.length) {
    process.stdout.write(`\nscaling: training steps/s, batch 1, one thread, lr ${LR}, ${scaling[0].engine} engine beside the C float64 loop; ` +
      `depth 2 = [h], depth 3 = [h, h/2]; inputs 8 dense normal, 784 sparse MNIST-like, 3072 dense uniform (synthetic); ` +
      `dwm state = W, W1, W2 and b in float64. Load average ${scalingLoad![0].toFixed(2)} → ${scalingLoad![1].toFixed(2)} on ${cpus().length} cores.\n`);
    process.stdout.write(renderScaling(scaling));
  }
  if (wall) process.stdout.write(renderWallTime(wall));
  if (wall && train.length && anchorTrain.length) {
    // The grid as if every step were at least as fast as the C loop at WebAssembly's width.
    const atC = gridAtCRate(wall, { train, anchorTrain }, DEFAULT_ENGINE);
    if (atC) {
      wall.atCRate = atC;
      process.stdout.write(`paper grid with every training step at least as fast as the C loop at 128 bits (${DEFAULT_ENGINE} rates above): ` +
        `a seed's work ${atC.boundWorkSeconds.toFixed(0)} s instead of ${atC.workSeconds.toFixed(0)}, ≈ ${hours(atC.perSeedSeconds)} a seed\n`);
    }
  }
  let targets: Target[] = [];
  if (opts.only === 'corruptions' || opts.only === 'scaling' || opts.only === 'walltime' || opts.only === 'evaluation' || opts.only === 'padding') {
    // These parts' figures stand alone (printed above); no training target was measured.
  } else if (opts.engines.includes(DEFAULT_ENGINE)) {
    const checked = checkTargets(train, evals, DEFAULT_ENGINE);
    targets = checked.targets;
    // --only attack times no training or evaluation row, so it has no target to list.
    if (checked.lines.length) process.stdout.write(`\nperformance targets (default engine${'dir' in build ? '' : '; the ratio targets need the C anchor, skipped'}):\n${checked.lines.join('\n')}\n`);
  } else process.stdout.write(`\nperformance targets: not checked (they are for the default engine, ${DEFAULT_ENGINE}, not benchmarked)\n`);
  if (train.length) process.stdout.write(
    `\ntraining: steps/s, batch 1, one thread, lr ${LR}; eval: clean test pool, samples/s. Best of ${opts.repeats} ` +
    `repeat(s) of ≥${opts.seconds}s each. Load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${cpus().length} cores.\n`,
  );
  if (!('dir' in build) && opts.only !== 'walltime') process.stdout.write(`C anchor skipped: ${build.skipped}\n`);
  const machine = canary ? {
    pinnedCpu: 'cpu' in pinning ? pinning.cpu : null,
    ...('skipped' in pinning ? { notPinned: pinning.skipped } : {}),
    canaryBest: Math.round(canary.best), quietShare: QUIET_SHARE, maxRoundsFactor: MAX_ROUNDS_FACTOR,
    rows: quality.rows, disturbedRows: quality.disturbed, rounds: quality.rounds, extraRounds: quality.extraRounds,
  } : null;
  if (machine && quality.rows > 0) process.stdout.write(
    `\n${'cpu' in pinning ? `main thread and C loops pinned to CPU ${pinning.cpu}` : `not pinned (${pinning.skipped})`}; ` +
    `a round counts when the canary around it ran at ≥ ${QUIET_SHARE * 100} % of its fastest: ${quality.rows} rows in ${quality.rounds} rounds ` +
    `(${quality.extraRounds} beyond the repeats, to skip disturbed ones); ${quality.disturbed} row(s) found no quiet round and are marked †.\n`,
  );

  const report = {
    train, eval: evals, fixedCost: fixed, attack: attacks, evaluation, noisyRows: noisy, padding, corruptions, scaling, wallTime: wall,
    anchor: 'dir' in build
      ? { compiler: build.compiler, flags: build.flags, narrow: 'bin' in build.narrow ? { flags: build.narrow.flags, check: build.narrow.check } : build.narrow,
        wasm: 'bin' in build.wasm ? { compiler: build.wasm.compiler, flags: build.wasm.flags } : build.wasm, train: anchorTrain, eval: anchorEval }
      : { skipped: build.skipped },
    targets,
    machine,
    note: `best of ${opts.repeats} repeat(s) of ≥${opts.seconds}s; batch 1; one thread; a timed model (dwgd and C) lives ${LIFETIME.toLocaleString('en-US')} steps, then starts over from the initial network, untimed; synthetic-* inputs have the named dataset's shape; vsC64 = dwgd ÷ C float64; vsC64x128 = dwgd ÷ C float64 at 128 bits (no AVX, no FMA); vsC64wasm = dwgd ÷ C float64 compiled to WebAssembly (clang -msimd128) and run by this Node; vsArranged128, vsArrangedWasm = dwgd ÷ the same C loop with layer 0 in dwgd's arrangement (METHOD@dwgd) at 128 bits and in WebAssembly`,
    node: process.version,
    loadAverage: [load0, load1],
    date: new Date().toISOString(),
  };
  writeFileAtomic('results/bench.json', JSON.stringify(report, null, 2) + '\n');
  process.stdout.write('wrote results/bench.json\n');
}

try {
  await main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(2);
}
