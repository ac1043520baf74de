// The wall time per seed of the paper's grid and of the fair study (`--only walltime`),
// estimated from a short run on this machine. Never run by the tests.
//
// The paper's grid (configs/paper/all.yaml, 30 cells): every cell is run once, as a worker runs
// it (src/experiment/run.ts, one thread), with fewer steps: two turns of 1,000 steps (--quick:
// 250 steps). The run's time is split by its events into training
// (each turn's steps), clean evaluation (each turn's pass over the test list, and the validation
// pass when there is one: what the last turn's took, per turn; the first turn's also lays the
// test rows out, once a run, and that excess goes to the rest) and the rest (split,
// normalisation, the noisy test, the collapse check, the diagnostics).
// The full cell's time is then
//   training × (full steps ÷ short steps) + clean evaluation × (full turns ÷ short turns) + the rest,
// steps counted over all turns. Loading the dataset is timed apart and not counted (a worker
// loads each dataset once). The seed's wall time with 2 workers is that of the more loaded
// worker when the cells go costliest first to the less loaded one (the pool's order,
// src/cli/eta.ts estimateWallSeconds).
//
// The fair study (configs/fair/images.yaml and tabular.yaml): too many runs to time (a method's
// 8 trials × 2 tuning seeds, then 22 entries × 10 final seeds, per cell), and its methods differ
// far more in cost per step than the cost model says (at batch 1 adam and momentum update every
// first-layer weight at every step, whatever the input). So for each of its cells (dataset and
// architecture) one short run trains every method of the study at its default, the study's
// validation split held out, and times each method's steps and the turn's evaluation (validation
// and test) per sample. Each run of the study is then
//   tuning run: trials × (full steps × the method's seconds per step + turns × validation size × seconds per sample)
//   final run:  Σ over the 2 entries of each method of the same + the test passes it scores
//               (its last turn and the noisy test) × test size × seconds per sample
//               + the final stage's other evaluation points (images: the corruption suite,
//               75 points on a 2,000-image subsample): making their inputs, once a run, and
//               scoring them, 22 models × their samples × seconds per sample,
// and a stage's wall time is that of the more loaded worker as above. The short run scores
// those other points too; a second short run without them (as the tuning stage has none) gives
// their cost, and that less its models' forward passes is the cost of making the inputs. Trials at another learning
// rate than the default cost the same per step (the rate is not in the arithmetic's shape).
// Two costs the short run does not see are added from the planner's cost model
// (src/experiment/step-cost.ts, at its UNIT_NS): the diagnostics of every trained model on the
// reference network (margins on up to 10,000 test inputs, about as long as training for a
// CIFAR-10 tuning run), and the steps of adam and momentum after the state of their dead units
// turned subnormal (from step 6,724 on; the reference engine's only: the fast kernels set such
// state to 0, so under engine: fast this adds nothing). Beside each measured step the model's own figure is kept (`modelPerStep`), so the bench
// checks the model on every run.
//
// The machine: the bench pins its main thread to one CPU for this part too, and times each short
// run between two canary runs (bench/quiet.ts). A short run counts when both canaries ran at
// ≥ QUIET_SHARE of the fastest canary seen; otherwise it is run again, up to QUIET_TRIES times in
// all, and the try with the best canaries is kept, marked `disturbed` (printed †).

import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { ExperimentConfig } from '../src/config/schema.js';
import type { RawDataset } from '../src/data/types.js';
import { loadDataset } from '../src/data/index.js';
import { datasetKey, expandGrid, readSources, type RunSpec } from '../src/experiment/plan.js';
import { runExperiment } from '../src/experiment/run.js';
import { assignShards, datasetShape, estimatedCost } from '../src/experiment/shard.js';
import { evalPoints } from '../src/data/eval-axes/index.js';
import { ExperimentSchema } from '../src/config/schema.js';
import { methodSpecs } from '../src/config/methods.js';
import { diagnosticUnits, inputDensity, stepCost, subnormalUnits, UNIT_NS } from '../src/experiment/step-cost.js';
import { defaultEntries } from '../src/experiment/tuning.js';
import { readTuneSource } from '../src/results/tuning-study.js';
import { type Canary, dagger, marked, QUIET_SHARE } from './quiet.js';

const PAPER_GRID = fileURLToPath(new URL('../../configs/paper/all.yaml', import.meta.url));
const FAIR_STUDIES = ['images', 'tabular'].map((n) => fileURLToPath(new URL(`../../configs/fair/${n}.yaml`, import.meta.url)));
export const WORKERS = 2;
/** Tries of a short run at most, until the canaries around one are both quiet. */
export const QUIET_TRIES = 3;

/**
 * `timed()` between two canary runs, again (up to QUIET_TRIES in all) while either canary ran
 * below QUIET_SHARE of the fastest seen; the first quiet try, else the try whose slower canary
 * was fastest, marked disturbed. Without a canary: one try, not judged.
 */
export function quietly<T>(canary: Canary | null, timed: () => T): { value: T; disturbed?: true; canaryShare?: number } {
  if (!canary) return { value: timed() };
  let best: { value: T; share: number } | null = null;
  for (let k = 0; k < QUIET_TRIES; k++) {
    const before = canary.measure();
    const value = timed();
    const after = canary.measure();
    const share = Math.min(canary.share(before), canary.share(after));
    if (!best || share > best.share) best = { value, share };
    if (share >= QUIET_SHARE) break;
  }
  const share = Math.round(best!.share * 1000) / 1000;
  return { value: best!.value, ...marked(share < QUIET_SHARE), canaryShare: share };
}

export interface CellTime {
  cell: string;
  shortTurns: number;
  shortStepsPerTurn: number;
  train: number;
  evaluation: number;
  rest: number;
  /** Estimated seconds of the full cell (see the top of the file); null when its data is missing. */
  fullSeconds: number | null;
  /** fullSeconds ÷ the cell's estimatedCost. */
  secondsPerUnit: number | null;
  /** The slower canary's share of the fastest around the kept short run (with a canary). */
  canaryShare?: number;
  /** No try had both canaries at ≥ QUIET_SHARE. */
  disturbed?: true;
}

export interface StageTime { study: string; stage: string; runs: number; seeds: number; perSeedSeconds: number; totalSeconds: number }

export interface WallTimes {
  workers: number;
  quick: boolean;
  cells: CellTime[];
  missing: string[];
  paperPerSeedSeconds: number;
  fair: StageTime[];
  /** The fair studies' cells: each method's seconds per step and the seconds per evaluated sample. */
  methodTimes: MethodTimes[];
  loadAverage: [number, number];
  /** In a whole bench run: the grid with every step at least at the 128-bit C loop's rate (gridAtCRate). */
  atCRate?: { workSeconds: number; boundWorkSeconds: number; perSeedSeconds: number };
}

/** The seconds of the more loaded of `workers` workers, costliest first to the less loaded. */
export function wallSeconds(seconds: number[], workers: number): number {
  if (seconds.length === 0) return 0;
  const n = Math.max(1, Math.min(workers, seconds.length));
  const of = assignShards(seconds, n);
  const load = new Array<number>(n).fill(0);
  seconds.forEach((s, i) => { load[of[i]] += s; });
  return Math.max(...load);
}

/** The runs of configs/paper/all.yaml, one per cell. */
function paperGrid(): ReturnType<typeof expandGrid> {
  return expandGrid(readSources({ preset: 'compare', files: [PAPER_GRID], sets: [] })[0]);
}

/** A config's cell: dataset, architecture and training size. */
function cellName(c: ExperimentConfig): string {
  const variant = (c.dataset as { variant?: string }).variant;
  return `${c.dataset.name}${variant ? `-${variant}` : ''} ${[...c.hidden].join('-')} n=${c.trainSize}`;
}

/** One short run of `config`, split into training, clean evaluation and the rest (seconds). */
function timeShort(config: ExperimentConfig, raw: RawDataset): { train: number; evaluation: number; rest: number } {
  let mark = 0;
  let train = 0;
  // Each turn's clean evaluation, over all methods: the first turn's also lays the test rows out
  // (experiment/evaluate.ts, once a run), so the cost a turn adds is the last turn's, and the
  // first turns' excess over it is counted once, in the rest.
  const perTurn = new Array<number>(config.turns).fill(0);
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const t0 = now();
  runExperiment(config, raw, {
    progressEvery: config.stepsPerTurn, // only the end-of-turn event
    events: {
      onMethodStart() { mark = now(); },
      onProgress() { const t = now(); train += t - mark; mark = t; },
      onTurn(_m, turn) { const t = now(); perTurn[turn - 1] += t - mark; mark = t; },
    },
  });
  const evaluation = perTurn[perTurn.length - 1] * perTurn.length;
  return { train, evaluation, rest: now() - t0 - train - evaluation };
}

/** A fair-study cell's cost: each method's seconds per training step, and seconds per evaluated sample. */
export interface MethodTimes {
  cell: string;
  perStep: Record<string, number>;
  /** The cost model's seconds per step of each method (stepCost × UNIT_NS), for comparison. */
  modelPerStep: Record<string, number>;
  /** The cost model's seconds of one trained model's diagnostics, and of the subnormal tail (adam, momentum) over the full run, per method. */
  modelExtra: Record<string, number>;
  perSample: number;
  validationSize: number;
  testSize: number;
  /**
   * The final stage's extra evaluation points beyond the clean and the paper's noisy test (the
   * corruption suite of configs/fair/images.yaml): how many, the samples each model is scored on
   * over all of them, and the seconds of making their inputs once per run (generation: the short
   * run's time for the points less its models' forward passes at perSample). 0 without them.
   */
  extraPoints: number;
  extraSamples: number;
  extraGeneration: number;
  canaryShare?: number;
  disturbed?: true;
}

/** One short run of every method of `config` (at one turn of `steps`), timed per method (see the top of the file). */
function timeMethods(config: ExperimentConfig, raw: RawDataset, steps: number, full: Pick<ExperimentConfig, 'turns' | 'stepsPerTurn'> = config): MethodTimes {
  // A short warm-up first, so that no method's timing carries the compilation of the code paths
  // it shares with the others (the first method timed would otherwise pay for all).
  runExperiment({ ...config, turns: 1, stepsPerTurn: Math.min(100, steps), testEvery: 'never' }, raw);
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const train = new Map<string, number>();
  let evaluation = 0;
  let mark = 0;
  const r = runExperiment({ ...config, turns: 1, stepsPerTurn: steps, testEvery: 'turn' }, raw, {
    progressEvery: steps,
    events: {
      onMethodStart() { mark = now(); },
      onProgress(method) { const t = now(); train.set(method, (train.get(method) ?? 0) + t - mark); mark = t; },
      onTurn() { const t = now(); evaluation += t - mark; mark = t; },
    },
  });
  // From the last turn's evaluation to the end: the evaluation points, the diagnostics and the
  // collapse check. Again without the points the paper's grid does not have (evaluate: and
  // corrupted: out, as in the tuning stage): the difference is what those points cost this run.
  const after = now() - mark;
  const plain = { ...config, evaluate: undefined, corrupted: undefined };
  const extra = evalPoints(config).length - evalPoints(plain).length;
  let extraSeconds = 0;
  if (extra > 0) {
    runExperiment({ ...plain, turns: 1, stepsPerTurn: steps, testEvery: 'turn' }, raw, { progressEvery: steps, events: { onTurn() { mark = now(); } } });
    extraSeconds = Math.max(0, after - (now() - mark));
  }
  const methods = Object.keys(r.methods);
  const validationSize = r.validation?.size ?? 0;
  const density = inputDensity(config.dataset.name);
  const specs = new Map(methodSpecs(config).map((m) => [m.id, m]));
  const fullSteps = full.turns * full.stepsPerTurn;
  const tail = (m: string) => subnormalUnits(r.sizes, specs.get(m)!, fullSteps, config.engine);
  const diag = diagnosticUnits(r.sizes, density, r.testSize, config.trainSize, r.metric === 'accuracy');
  // Each method's turn scored the validation split and the test set once.
  const perSample = evaluation / (methods.length * (validationSize + r.testSize));
  // A corrupted point scores its subsample; any other extra point the whole test set.
  const extraSamples = extra * (r.corrupted?.testSize ?? r.testSize);
  return {
    cell: cellName(config),
    perStep: Object.fromEntries(methods.map((m) => [m, (train.get(m) ?? NaN) / steps])),
    modelPerStep: Object.fromEntries(methods.map((m) => [m, stepCost(r.sizes, specs.get(m)!, density, config.engine).total * UNIT_NS * 1e-9])),
    modelExtra: Object.fromEntries(methods.map((m) => [m, (diag + tail(m)) * UNIT_NS * 1e-9])),
    perSample,
    validationSize,
    testSize: r.testSize,
    extraPoints: extra,
    extraSamples,
    extraGeneration: Math.max(0, extraSeconds - methods.length * extraSamples * perSample),
  };
}

/** A final run's extra evaluation points: their inputs, made once, and their scoring by its 2 entries of every method. */
function finalExtra(t: MethodTimes): { inputs: number; scoring: number } {
  return { inputs: t.extraGeneration, scoring: 2 * Object.keys(t.perStep).length * t.extraSamples * t.perSample };
}

/** Every grid cell of the paper timed short and scaled up; then the fair study's stages from the cost model. */
export function wallTimes(quick: boolean, canary: Canary | null = null): WallTimes {
  const load0 = loadavg()[0];
  const cache = new Map<string, RawDataset | null>();
  const cells: CellTime[] = [];
  const missing: string[] = [];
  for (const { config } of paperGrid()) {
    const key = datasetKey(config);
    if (!cache.has(key)) {
      try {
        const t = Date.now();
        cache.set(key, loadDataset({ ...config.dataset }));
        process.stderr.write(`walltime: loaded ${config.dataset.name} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
      } catch (e) {
        cache.set(key, null);
        missing.push(`${config.dataset.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const raw = cache.get(key)!;
    const shortTurns = 2;
    const shortStepsPerTurn = quick ? 250 : 1000;
    const name = cellName(config);
    if (!raw) {
      cells.push({ cell: name, shortTurns, shortStepsPerTurn, train: 0, evaluation: 0, rest: 0, fullSeconds: null, secondsPerUnit: null });
      continue;
    }
    const short = { ...config, turns: shortTurns, stepsPerTurn: shortStepsPerTurn };
    const { value: t, ...quiet } = quietly(canary, () => timeShort(short, raw));
    const stepRatio = (config.turns * config.stepsPerTurn) / (shortTurns * shortStepsPerTurn);
    const fullSeconds = t.train * stepRatio + t.evaluation * (config.turns / shortTurns) + t.rest;
    const secondsPerUnit = fullSeconds / estimatedCost({ config } as RunSpec);
    cells.push({ cell: name, shortTurns, shortStepsPerTurn, ...t, fullSeconds, secondsPerUnit, ...quiet });
    process.stderr.write(`walltime: ${name}: short run ${(t.train + t.evaluation + t.rest).toFixed(1)} s → full ≈ ${fullSeconds.toFixed(0)} s${quiet.disturbed ? ` († canary at ${quiet.canaryShare})` : ''}\n`);
  }
  const measured = cells.flatMap((c) => (c.fullSeconds === null ? [] : [c.fullSeconds]));
  const paperPerSeedSeconds = wallSeconds(measured, WORKERS);
  const fair: StageTime[] = [];
  const methodTimes: MethodTimes[] = [];
  for (const file of FAIR_STUDIES) {
    const { src, tune } = readTuneSource({ files: [file], sets: [] });
    const entries = defaultEntries(tune);
    const trials = tune.trials;
    const timed = new Map<string, MethodTimes | null>();
    const tuningSeconds: number[] = [];
    const finalSeconds: number[] = [];
    for (const { config: c } of expandGrid(src)) {
      const config = ExperimentSchema.parse({ ...c, methods: entries }) as ExperimentConfig;
      // Step costs do not depend on the training size: one timing per dataset and architecture.
      const shape = `${datasetKey(config)} ${config.hidden.join('-')}`;
      if (!timed.has(shape)) {
        const key = datasetKey(config);
        if (!cache.has(key)) {
          try { cache.set(key, loadDataset({ ...config.dataset })); } catch { cache.set(key, null); }
        }
        const raw = cache.get(key)!;
        const q = raw ? quietly(canary, () => timeMethods(config, raw, quick ? 500 : 2000, config)) : null;
        const t = q ? { ...q.value, canaryShare: q.canaryShare, ...marked(q.disturbed) } : null;
        if (q?.disturbed) process.stderr.write(`walltime: ${shape}: every try disturbed († canary at ${q.canaryShare})\n`);
        timed.set(shape, t);
        if (t) {
          methodTimes.push(t);
          process.stderr.write(`walltime: ${src.name} ${t.cell}: ${Object.entries(t.perStep).map(([m, v]) => `${m.replace(/-default$/, '')} ${(v * 1e6).toFixed(0)} µs (model ${(t.modelPerStep[m] * 1e6).toFixed(0)})`).join(', ')} per step\n`);
          if (t.extraPoints > 0) {
            const x = finalExtra(t);
            process.stderr.write(`walltime: ${src.name} ${t.cell}: ${t.extraPoints} more evaluation points in the final stage: inputs ${x.inputs.toFixed(1)} s, scoring ${x.scoring.toFixed(1)} s a final run\n`);
          }
        }
      }
      const t = timed.get(shape);
      if (!t) continue;
      const steps = config.turns * config.stepsPerTurn;
      const validation = config.turns * t.validationSize * t.perSample;
      const entry = (m: string) => steps * t.perStep[m] + validation + t.modelExtra[m];
      for (const m of Object.keys(t.perStep)) tuningSeconds.push(...Array.from({ length: tune.seeds }, () => trials * entry(m)));
      // Each method's 2 entries: training, its last turn and the noisy test; then the extra points.
      const x = finalExtra(t);
      const oneFinal = Object.keys(t.perStep).reduce((a, m) => a + 2 * (entry(m) + 2 * t.testSize * t.perSample), 0) + x.inputs + x.scoring;
      finalSeconds.push(...Array.from({ length: tune.finalSeeds }, () => oneFinal));
    }
    const cells = expandGrid(src).length;
    fair.push({ study: src.name, stage: 'tuning', runs: tuningSeconds.length, seeds: tune.seeds, perSeedSeconds: wallSeconds(tuningSeconds.filter((_, i) => i % tune.seeds === 0), WORKERS), totalSeconds: wallSeconds(tuningSeconds, WORKERS) });
    fair.push({ study: src.name, stage: 'final', runs: finalSeconds.length, seeds: tune.finalSeeds, perSeedSeconds: wallSeconds(finalSeconds.filter((_, i) => i % tune.finalSeeds === 0), WORKERS), totalSeconds: wallSeconds(finalSeconds, WORKERS) });
    if (finalSeconds.length < cells * tune.finalSeeds) missing.push(`${src.name}: ${cells - finalSeconds.length / tune.finalSeeds} of its ${cells} cells not timed (data missing)`);
  }
  return { workers: WORKERS, quick, cells, missing, paperPerSeedSeconds, fair, methodTimes, loadAverage: [load0, loadavg()[0]] };
}

/** The bench's training rows and the C loop's rows that gridAtCRate reads (bench.json `train`, `anchor.train`). */
export interface BenchRates {
  train: { method: string; arch: string; engine: string; stepsPerSec: number }[];
  anchorTrain: { method: string; arch: string; float64x128: number | null }[];
}

/**
 * The paper grid's seed at WebAssembly's width: each timed cell's training (fullSeconds less the
 * rest and its clean evaluations, one per turn) re-weighted as if every one of its methods
 * stepped at least as fast as the C loop at 128 bits. A cell's training time splits over its
 * methods as 1 / rate (each trains the same steps), so it is scaled by Σ 1 / max(dwgd, C) ÷
 * Σ 1 / dwgd over them, the rates of `engine` on the cell's shape. Null when a rate is missing
 * for a timed cell.
 */
export function gridAtCRate(w: Pick<WallTimes, 'cells'>, rates: BenchRates, engine: string, workers = WORKERS): { workSeconds: number; boundWorkSeconds: number; perSeedSeconds: number } | null {
  let work = 0;
  let bound = 0;
  const cells: number[] = [];
  for (const { config } of paperGrid()) {
    const c = w.cells.find((x) => x.cell === cellName(config));
    if (!c || c.fullSeconds === null) continue;
    const shape = datasetShape(config.dataset.name);
    if (!shape) return null;
    const arch = [shape.nInputs, ...config.hidden, shape.nOutputs].join('-');
    let now = 0;
    let best = 0;
    for (const { id } of methodSpecs(config)) {
      const d = rates.train.find((r) => r.engine === engine && r.method === id && r.arch === arch)?.stepsPerSec;
      const a = rates.anchorTrain.find((r) => r.method === id && r.arch === arch)?.float64x128;
      if (!d || !a) return null;
      now += 1 / d;
      best += 1 / Math.max(d, a);
    }
    const train = c.fullSeconds - c.rest - c.evaluation * (config.turns / c.shortTurns);
    const scaled = c.fullSeconds - train + (train * best) / now;
    work += c.fullSeconds;
    bound += scaled;
    cells.push(scaled);
  }
  return { workSeconds: work, boundWorkSeconds: bound, perSeedSeconds: wallSeconds(cells, workers) };
}

/** Seconds below 2 minutes, minutes to a tenth below 2 hours (a target of 2 min is not met by 2.4), else hours to a tenth. */
export function hours(s: number): string {
  return s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

export function renderWallTime(w: WallTimes): string {
  const first = w.cells[0];
  const lines = ['', `wall time per seed with ${w.workers} workers on this machine, from a short run of every cell of configs/paper/all.yaml ` +
    `(${first ? `${first.shortTurns} turn(s) × ${first.shortStepsPerTurn} steps` : '—'}; training scaled by the step ratio, clean evaluation by the turn ratio). ` +
    `Load average ${w.loadAverage[0].toFixed(2)} → ${w.loadAverage[1].toFixed(2)}.`, '| cell | short run s | training | clean evaluation | rest | full run ≈ s |', '|---|---:|---:|---:|---:|---:|'];
  for (const c of w.cells) {
    lines.push(c.fullSeconds === null ? `| ${c.cell} | – | – | – | – | data missing |`
      : `| ${dagger(c)}${c.cell} | ${(c.train + c.evaluation + c.rest).toFixed(2)} | ${c.train.toFixed(2)} | ${c.evaluation.toFixed(2)} | ${c.rest.toFixed(2)} | ${c.fullSeconds.toFixed(0)} |`);
  }
  lines.push('', `paper grid, one seed (${w.cells.filter((c) => c.fullSeconds !== null).length} of ${w.cells.length} cells): ≈ ${hours(w.paperPerSeedSeconds)}`);
  for (const m of w.missing) lines.push(`  not timed (data missing): ${m}`);
  const disturbed = [...w.cells.filter((c) => c.disturbed).map((c) => c.cell), ...w.methodTimes.filter((t) => t.disturbed).map((t) => `${t.cell} (fair study's methods)`)];
  if (w.cells.some((c) => c.canaryShare !== undefined)) {
    lines.push(disturbed.length
      ? `† no try of ${disturbed.length} short run(s) had both canaries at ≥ ${QUIET_SHARE * 100} % of the fastest (kept: the try with the best): ${disturbed.join(', ')}`
      : `every short run had both canaries at ≥ ${QUIET_SHARE * 100} % of the fastest`);
  }
  for (const f of w.fair) {
    lines.push(`${f.study}, ${f.stage} stage: ≈ ${hours(f.perSeedSeconds)} per seed, ≈ ${hours(f.totalSeconds)} for its ${f.seeds} seeds (${f.runs} runs; each method's steps timed on its cell)`);
  }
  return lines.join('\n') + '\n';
}
