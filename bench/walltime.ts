// The wall time per seed of the paper's grid and of the fair study (`--only walltime`),
// estimated from a short run on this machine. Never run by the tests.
//
// The paper's grid (configs/paper/all.yaml, 30 cells): every cell is run once, as a worker runs
// it (src/experiment/run.ts, one thread), with fewer steps: one turn of 2,000 steps (--quick:
// 500 steps). The run's time is split by its events into training
// (each turn's steps), clean evaluation (each turn's pass over the test list, and the validation
// pass when there is one) and the rest (split, normalisation, the noisy test, the collapse check).
// The full cell's time is then
//   training × (full steps ÷ short steps) + clean evaluation × (full turns ÷ short turns) + the rest,
// steps counted over all turns. Loading the dataset is timed apart and not counted (a worker
// loads each dataset once). The seed's wall time with 2 workers is that of the more loaded
// worker when the cells go costliest first to the less loaded one (the pool's order,
// src/cli/eta.ts estimateWallSeconds).
//
// The fair study (configs/fair/images.yaml and tabular.yaml): too many runs to time (a method's
// 8 trials × 2 tuning seeds, then 22 entries × 10 final seeds, per cell), so each of its runs is
// estimated with the planner's cost model (runCost in src/experiment/plan.ts, estimatedCost in
// src/experiment/shard.ts) times the seconds per cost unit measured above on the paper's cell of
// the same dataset (any variant), architecture and training size (the median over the measured
// cells when that one was not measured). The cost model counts steps and test passes, not the rule: adam and
// momentum cost a little more per step than sgd, and the validation pass is left out of it.

import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { ExperimentConfig } from '../src/config/schema.js';
import type { RawDataset } from '../src/data/types.js';
import { loadDataset } from '../src/data/index.js';
import { datasetKey, expandGrid, readSources, studyFromSources, type RunSpec } from '../src/experiment/plan.js';
import { runExperiment } from '../src/experiment/run.js';
import { assignShards, estimatedCost } from '../src/experiment/shard.js';
import { readTuneSource, tuningSources } from '../src/results/tuning-study.js';

const PAPER_GRID = fileURLToPath(new URL('../../configs/paper/all.yaml', import.meta.url));
const FAIR_STUDIES = ['images', 'tabular'].map((n) => fileURLToPath(new URL(`../../configs/fair/${n}.yaml`, import.meta.url)));
export const WORKERS = 2;

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
}

export interface StageTime { study: string; stage: string; runs: number; seeds: number; perSeedSeconds: number; totalSeconds: number }

export interface WallTimes {
  workers: number;
  quick: boolean;
  cells: CellTime[];
  missing: string[];
  paperPerSeedSeconds: number;
  fair: StageTime[];
  loadAverage: [number, number];
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

/** A config's cell: dataset, architecture and training size. */
function cellName(c: ExperimentConfig): string {
  const variant = (c.dataset as { variant?: string }).variant;
  return `${c.dataset.name}${variant ? `-${variant}` : ''} ${[...c.hidden].join('-')} n=${c.trainSize}`;
}

/** One short run of `config`, split into training, clean evaluation and the rest (seconds). */
function timeShort(config: ExperimentConfig, raw: RawDataset): { train: number; evaluation: number; rest: number } {
  let mark = 0;
  let train = 0;
  let evaluation = 0;
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  const t0 = now();
  runExperiment(config, raw, {
    progressEvery: config.stepsPerTurn, // only the end-of-turn event
    events: {
      onMethodStart() { mark = now(); },
      onProgress() { const t = now(); train += t - mark; mark = t; },
      onTurn() { const t = now(); evaluation += t - mark; mark = t; },
    },
  });
  return { train, evaluation, rest: now() - t0 - train - evaluation };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Every grid cell of the paper timed short and scaled up; then the fair study's stages from the cost model. */
export function wallTimes(quick: boolean): WallTimes {
  const load0 = loadavg()[0];
  const [paper] = readSources({ preset: 'compare', files: [PAPER_GRID], sets: [] });
  const cache = new Map<string, RawDataset | null>();
  const cells: CellTime[] = [];
  const missing: string[] = [];
  const rateOf = new Map<string, number>();
  for (const { config } of expandGrid(paper)) {
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
    const shortTurns = 1;
    const shortStepsPerTurn = quick ? 500 : 2000;
    const name = cellName(config);
    if (!raw) {
      cells.push({ cell: name, shortTurns, shortStepsPerTurn, train: 0, evaluation: 0, rest: 0, fullSeconds: null, secondsPerUnit: null });
      continue;
    }
    const short = { ...config, turns: shortTurns, stepsPerTurn: shortStepsPerTurn };
    const t = timeShort(short, raw);
    const stepRatio = (config.turns * config.stepsPerTurn) / (shortTurns * shortStepsPerTurn);
    const fullSeconds = t.train * stepRatio + t.evaluation * (config.turns / shortTurns) + t.rest;
    const secondsPerUnit = fullSeconds / estimatedCost({ config } as RunSpec);
    rateOf.set(name, secondsPerUnit);
    cells.push({ cell: name, shortTurns, shortStepsPerTurn, ...t, fullSeconds, secondsPerUnit });
    process.stderr.write(`walltime: ${name}: short run ${(t.train + t.evaluation + t.rest).toFixed(1)} s → full ≈ ${fullSeconds.toFixed(0)} s\n`);
  }
  const measured = cells.flatMap((c) => (c.fullSeconds === null ? [] : [c.fullSeconds]));
  const paperPerSeedSeconds = wallSeconds(measured, WORKERS);
  const fallback = median([...rateOf.values()]);
  // The paper cell of the same dataset (its variant aside: wine-quality white and red share the shape), else the median.
  const rateFor = (c: ExperimentConfig) => rateOf.get(cellName(c)) ?? rateOf.get(cellName({ ...c, dataset: { ...c.dataset, variant: undefined } } as ExperimentConfig)) ?? fallback;
  const secondsOf = (spec: RunSpec) => estimatedCost(spec) * rateFor(spec.config);

  const fair: StageTime[] = [];
  for (const file of FAIR_STUDIES) {
    const { src, tune } = readTuneSource({ files: [file], sets: [] });
    // Tuning stage: as `dwgd tune --stage tuning` plans it, one run per method, cell and tuning seed.
    const tuning = studyFromSources('tune', tuningSources(src, tune), { seeds: tune.seeds });
    const perSeed = (runs: RunSpec[], seed: number) => runs.filter((r) => r.config.seed === seed);
    const seeds = [...new Set(tuning.runs.map((r) => r.config.seed))];
    const tuningSeed = wallSeconds(perSeed(tuning.runs, seeds[0]).map(secondsOf), WORKERS);
    fair.push({ study: src.name, stage: 'tuning', runs: tuning.runs.length, seeds: tune.seeds, perSeedSeconds: tuningSeed, totalSeconds: wallSeconds(tuning.runs.map(secondsOf), WORKERS) });
    // Final stage: one run per cell and final seed, each method's default and chosen setting
    // (2 entries per method); planned here as the grid's cells with that many methods.
    const entries = 2 * Object.keys(tune.methods).length;
    const finalRuns = expandGrid(src).map(({ config }) => ({ config: { ...config, methods: Array.from({ length: entries }, () => 'sgd') } }) as unknown as RunSpec);
    const finalSeed = wallSeconds(finalRuns.map(secondsOf), WORKERS);
    const finalAll = wallSeconds(Array.from({ length: tune.finalSeeds }, () => finalRuns.map(secondsOf)).flat(), WORKERS);
    fair.push({ study: src.name, stage: 'final', runs: finalRuns.length * tune.finalSeeds, seeds: tune.finalSeeds, perSeedSeconds: finalSeed, totalSeconds: finalAll });
  }
  return { workers: WORKERS, quick, cells, missing, paperPerSeedSeconds, fair, loadAverage: [load0, loadavg()[0]] };
}

function hours(s: number): string {
  return s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`;
}

export function renderWallTime(w: WallTimes): string {
  const first = w.cells[0];
  const lines = ['', `wall time per seed with ${w.workers} workers on this machine, from a short run of every cell of configs/paper/all.yaml ` +
    `(${first ? `${first.shortTurns} turn(s) × ${first.shortStepsPerTurn} steps` : '—'}; training scaled by the step ratio, clean evaluation by the turn ratio). ` +
    `Load average ${w.loadAverage[0].toFixed(2)} → ${w.loadAverage[1].toFixed(2)}.`, '| cell | short run s | training | clean evaluation | rest | full run ≈ s |', '|---|---:|---:|---:|---:|---:|'];
  for (const c of w.cells) {
    lines.push(c.fullSeconds === null ? `| ${c.cell} | – | – | – | – | data missing |`
      : `| ${c.cell} | ${(c.train + c.evaluation + c.rest).toFixed(2)} | ${c.train.toFixed(2)} | ${c.evaluation.toFixed(2)} | ${c.rest.toFixed(2)} | ${c.fullSeconds.toFixed(0)} |`);
  }
  lines.push('', `paper grid, one seed (${w.cells.filter((c) => c.fullSeconds !== null).length} of ${w.cells.length} cells): ≈ ${hours(w.paperPerSeedSeconds)}`);
  for (const m of w.missing) lines.push(`  not timed (data missing): ${m}`);
  for (const f of w.fair) {
    lines.push(`${f.study}, ${f.stage} stage: ≈ ${hours(f.perSeedSeconds)} per seed, ≈ ${hours(f.totalSeconds)} for its ${f.seeds} seeds (${f.runs} runs; cost model × the measured seconds per unit)`);
  }
  return lines.join('\n') + '\n';
}
