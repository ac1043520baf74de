// Runs a plan's run specs across worker threads (default one per core), or in this thread
// when `workers` is 0. Each worker loads a dataset at most once (a cache keyed by the dataset
// options) and is preferably handed runs on the dataset it already holds. Every run is a pure
// function of its config, so the numbers are the same bits whichever worker runs it and in
// whatever order; callers store results by run id and aggregate in plan order.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import type { LayerParams } from '../core/rules/index.js';
import { benchmarkFor, loadBenchmark } from '../data/benchmark-sets.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { datasetKey, type RunSpec } from './plan.js';
import type { RunRecord } from './record.js';
import { runExperiment, type RunEvents, type RunResult } from './run.js';
import { methodIds } from '../config/methods.js';

export interface RunProgress {
  method: string;
  methodIndex: number;
  methods: number;
  turn: number;
  stepsDone: number;
  stepsTotal: number;
}

/** What a worker loaded: everything of the RawDataset but its samples. */
export type DatasetInfo = Omit<RawDataset, 'x' | 'y'>;

/** Initial and final parameters per method, the training list and the sample order (saveWeights). */
export interface SavedWeights {
  split: RunResult['split'];
  order: Int32Array;
  methods: Record<string, { initial: LayerParams[]; final: LayerParams[] }>;
}

/** What a run hands back: its record, and its weights when the config asks to save them. */
export interface RunOutput {
  record: RunRecord;
  weights?: SavedWeights;
  origin: RawDataset['origin'];
}

/** A run's events as the pool forwards them (the run's own, and the dataset it loaded). */
export interface RunEventSink extends RunEvents {
  onDataset?(info: DatasetInfo): void;
}

/** A module exporting `loadDataset(options) → RawDataset`; by default the dataset registry. */
export const DEFAULT_LOADER = new URL('../data/index.js', import.meta.url).href;

type Loader = (opts: ExperimentConfig['dataset']) => RawDataset;

export async function importLoader(url: string): Promise<Loader> {
  const mod = (await import(url)) as { loadDataset?: Loader };
  if (typeof mod.loadDataset !== 'function') throw new Error(`dataset loader ${url} exports no loadDataset`);
  return mod.loadDataset;
}

/**
 * A copy of a dataset whose sample arrays live in SharedArrayBuffers, so posting it to another
 * thread shares the memory instead of copying it.
 */
export function shareDataset(raw: RawDataset): RawDataset {
  const shared = (a: Float32Array) => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return { ...raw, x: shared(raw.x), y: shared(raw.y) };
}

/**
 * A full garbage collection of this thread's heap, run after each run. The fast engine's models
 * live in shared WebAssembly memories (src/core/fast/kernels.as, the progress cell), which V8
 * frees only when every thread holding one has collected it, and it rarely collects for them:
 * the paper grid's peak resident memory rose from 0.97 to 1.41 GB with them (README, "A turn in
 * one call"). A run's models are garbage once its record is made, so one collection per run,
 * in the worker and in the thread that followed its progress, returns them. Runs in the calling
 * thread (`workers: 0`, the tests' pipelines) are left to V8: a full collection there, where the
 * heap holds the caller's own data, would cost more than the memory it returns. `gc` is exposed by
 * setting V8's flag and reading it from a new context (the flag applies to contexts made after).
 */
export const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return () => (gc as () => void)();
  } catch {
    // No gc function: the memories are returned when V8 collects on its own.
  }
  return () => {};
})();

/** One run with a per-thread dataset cache; shared by the workers and the in-thread mode. */
export function executeRun(config: ExperimentConfig, load: Loader, cache: Map<string, RawDataset>, events: RunEventSink = {}): RunOutput {
  const key = datasetKey(config);
  let raw = cache.get(key);
  if (!raw) {
    raw = load({ ...config.dataset });
    cache.set(key, raw);
  }
  return recordRun(config, raw, events);
}

/** One run on a dataset already in memory. */
export function recordRun(config: ExperimentConfig, raw: RawDataset, events: RunEventSink = {}): RunOutput {
  const { x: _x, y: _y, ...info } = raw;
  events.onDataset?.(info);
  const r = runExperiment(config, raw, { progressEvery: Math.max(1, Math.floor(config.stepsPerTurn / 4)), events, keepParams: config.saveWeights, loadBenchmark: (dataset, c, s) => loadBenchmark(benchmarkFor(dataset)!, c, s) });
  return { record: recordOf(config, r), weights: config.saveWeights ? weightsOf(r) : undefined, origin: r.origin };
}

function weightsOf(r: RunResult): SavedWeights {
  const w: SavedWeights = { split: r.split, order: r.order, methods: {} };
  for (const [m, x] of Object.entries(r.methods)) if (x.initial && x.final) w.methods[m] = { initial: x.initial, final: x.final };
  return w;
}

/** What a run's result keeps in its record: the numbers, without parameters, split or order. */
export function recordOf(config: ExperimentConfig, r: RunResult): RunRecord {
  const methods: RunRecord['methods'] = {};
  for (const m of methodIds(config)) {
    const { initial: _i, final: _f, ...numbers } = r.methods[m];
    methods[m] = numbers;
  }
  const record: RunRecord = {
    dataset: r.dataset, datasetDescription: r.datasetDescription, metric: r.metric, normalize: r.normalize, sizes: r.sizes,
    poolSize: r.poolSize, trainSize: r.trainSize, distinctTrain: r.distinctTrain, testSize: r.testSize, testSet: r.testSet, points: r.points, methods,
  };
  if (r.trainClassCounts) record.trainClassCounts = r.trainClassCounts;
  if (r.testClassCounts) record.testClassCounts = r.testClassCounts;
  if (r.corruptedLabels !== undefined) record.corruptedLabels = r.corruptedLabels;
  if (r.validation) record.validation = r.validation;
  if (r.tested) record.tested = r.tested;
  if (r.attack) record.attack = r.attack;
  if (r.corrupted) record.corrupted = r.corrupted;
  return record;
}

export interface PoolOptions {
  /** Worker threads; 0 runs everything in this thread. Default: one per core. */
  workers?: number;
  /** URL of the dataset loader module (dependency injection for tests). */
  loaderUrl?: string;
  /**
   * A relative estimate of a run's work. Among the runs a worker may take next it takes the
   * costliest, so long runs start early and short ones fill the end (a shorter tail).
   */
  cost?(spec: RunSpec): number;
  onStart?(spec: RunSpec, worker: number): void;
  onProgress?(spec: RunSpec, worker: number, p: RunProgress): void;
  /** Every event of a run as it happens (the dataset it loaded, methods, turns, evaluation). */
  events?(spec: RunSpec, worker: number): RunEventSink;
  /** Called once per finished run, in completion order; store the result here. */
  onDone?(spec: RunSpec, output: RunOutput, worker: number, seconds: number): void;
}

/** A run failed: a UserError in the run (exit 2) or a crashed worker (a bug, exit 1). */
export class RunFailure extends Error {
  constructor(message: string, readonly userError: boolean) {
    super(message);
    this.name = 'RunFailure';
  }
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/** How often the pool reads the progress cell of a turn that runs in one call (RunEvents.onSteps). */
const FOLLOW_MS = 100;

/**
 * The events of one run as the caller hears them: its own sink, and onProgress in pool terms.
 * With `follow` (the run is on a worker thread) the run may train a turn in one call and
 * announce it with onSteps; this thread then reads the call's progress cell every FOLLOW_MS and
 * reports each new value as onProgress, until the turn's own onProgress. `close` stops that.
 */
function sinkFor(spec: RunSpec, w: number, opts: PoolOptions, follow = false): { sink: RunEventSink; close(): void } {
  const own = opts.events?.(spec, w) ?? {};
  let methodIndex = 0;
  let watch: ReturnType<typeof setInterval> | null = null;
  const close = () => {
    if (watch !== null) clearInterval(watch);
    watch = null;
  };
  const progress = (method: string, turn: number, stepsDone: number, stepsTotal: number) => {
    own.onProgress?.(method, turn, stepsDone, stepsTotal);
    opts.onProgress?.(spec, w, { method, methodIndex, methods: spec.config.methods.length, turn, stepsDone, stepsTotal });
  };
  const sink: RunEventSink = {
    ...own,
    onMethodStart(method, index, total) {
      methodIndex = index;
      own.onMethodStart?.(method, index, total);
    },
    // Every turn's training ends with the run's own onProgress (run.ts), which ends the reading.
    onProgress(method, turn, stepsDone, stepsTotal) {
      close();
      progress(method, turn, stepsDone, stepsTotal);
    },
  };
  if (follow) {
    sink.onSteps = (method, turn, stepsTotal, cell) => {
      close();
      const view = new Int32Array(cell.buffer, cell.byteOffset, 1);
      const perTurn = spec.config.stepsPerTurn;
      let last = -1;
      watch = setInterval(() => {
        const done = Math.min(Atomics.load(view, 0), stepsTotal);
        if (done === last) return;
        last = done;
        progress(method, Math.max(turn, Math.ceil(done / perTurn)), done, stepsTotal);
      }, FOLLOW_MS);
      watch.unref();
    };
  }
  return { sink, close };
}

export async function runPool(specs: RunSpec[], opts: PoolOptions = {}): Promise<void> {
  const workers = Math.min(opts.workers ?? defaultWorkers(), specs.length);
  const loaderUrl = opts.loaderUrl ?? DEFAULT_LOADER;
  if (specs.length === 0) return;
  if (workers <= 0) return runInThread(specs, loaderUrl, opts);

  return new Promise<void>((resolve, reject) => {
    const pending = [...specs];
    const threads: { worker: Worker; busy: RunSpec | null; sink: RunEventSink; close(): void; started: number; lastKey: string | null; done: boolean }[] = [];
    // Datasets in shared memory, by dataset key: the worker that loads one posts it here, and
    // every later run on it gets the same memory, so a dataset exists once, not once per worker.
    // A dataset no pending or running run needs any more is dropped.
    const shared = new Map<string, RawDataset>();
    /** Datasets a worker is loading now, and workers waiting for one of them. */
    const loading = new Set<string>();
    const parked = new Set<number>();
    const release = () => {
      for (const key of shared.keys()) {
        const needed = pending.some((s) => datasetKey(s.config) === key)
          || threads.some((t) => t.busy !== null && datasetKey(t.busy.config) === key);
        if (!needed) shared.delete(key);
      }
    };
    let failed = false;
    let finished = 0;

    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const t of threads) {
        t.close();
        void t.worker.terminate();
      }
      reject(err);
    };

    const next = (w: number) => {
      const t = threads[w];
      if (failed) return;
      if (pending.length === 0) {
        t.done = true;
        void t.worker.terminate();
        return;
      }
      // Prefer a run on a dataset already in shared memory (this worker's last one first); else
      // one on a dataset nobody is loading, which this worker will load; else wait until a
      // dataset being loaded arrives rather than load a second copy of it.
      const keyOf = (s: RunSpec) => datasetKey(s.config);
      let k = t.lastKey !== null && shared.has(t.lastKey) ? costliest(pending, (s) => keyOf(s) === t.lastKey, opts.cost) : -1;
      if (k < 0) k = costliest(pending, (s) => shared.has(keyOf(s)), opts.cost);
      if (k < 0) k = costliest(pending, (s) => !loading.has(keyOf(s)), opts.cost);
      if (k < 0) {
        parked.add(w);
        return;
      }
      const spec = pending.splice(k, 1)[0];
      t.busy = spec;
      ({ sink: t.sink, close: t.close } = sinkFor(spec, w, opts, true));
      t.started = performance.now();
      t.lastKey = keyOf(spec);
      if (!shared.has(t.lastKey)) loading.add(t.lastKey);
      opts.onStart?.(spec, w);
      t.worker.postMessage({ type: 'run', id: spec.id, config: spec.config, dataset: shared.get(t.lastKey) });
    };

    for (let w = 0; w < workers; w++) {
      const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: { loaderUrl } });
      const t = { worker, busy: null as RunSpec | null, sink: {} as RunEventSink, close: () => {}, started: 0, lastKey: null as string | null, done: false };
      threads.push(t);
      worker.on('message', (msg: WorkerMessage) => {
        const spec = t.busy;
        if (failed || !spec || msg.id !== spec.id) return;
        if (msg.type === 'event') (t.sink[msg.name] as ((...a: unknown[]) => void) | undefined)?.(...msg.args);
        else if (msg.type === 'dataset') {
          if (!shared.has(msg.key)) shared.set(msg.key, msg.dataset);
          loading.delete(msg.key);
          for (const p of [...parked]) {
            parked.delete(p);
            next(p);
          }
        } else if (msg.type === 'done') {
          t.close();
          collectGarbage();
          t.busy = null;
          release();
          try {
            opts.onDone?.(spec, msg.output, w, (performance.now() - t.started) / 1000);
          } catch (err) {
            fail(err as Error);
            return;
          }
          finished++;
          if (finished === specs.length) {
            failed = true; // settled: later exits are expected
            for (const x of threads) void x.worker.terminate();
            resolve();
          } else next(w);
        } else if (msg.type === 'error') {
          fail(new RunFailure(`run ${spec.id} (${spec.label}, seed ${spec.config.seed}): ${msg.message}`, msg.userError));
        }
      });
      worker.on('error', (err) => {
        const where = t.busy ? `run ${t.busy.id} (${t.busy.label}, seed ${t.busy.config.seed})` : `worker ${w + 1}`;
        fail(new RunFailure(`${where}: worker crashed: ${err.message}`, false));
      });
      worker.on('exit', (code) => {
        if (failed || t.done) return;
        const where = t.busy ? `run ${t.busy.id} (${t.busy.label}, seed ${t.busy.config.seed})` : `worker ${w + 1}`;
        fail(new RunFailure(`${where}: worker exited unexpectedly with code ${code}`, false));
      });
      next(w);
    }
  });
}

/** Index of the costliest spec that passes `ok` (the first such without a cost function), or -1. */
function costliest(specs: RunSpec[], ok: (s: RunSpec) => boolean, cost?: (s: RunSpec) => number): number {
  let best = -1;
  let bestCost = -Infinity;
  for (let k = 0; k < specs.length; k++) {
    if (!ok(specs[k])) continue;
    if (!cost) return k;
    const c = cost(specs[k]);
    if (c > bestCost) {
      best = k;
      bestCost = c;
    }
  }
  return best;
}

async function runInThread(specs: RunSpec[], loaderUrl: string, opts: PoolOptions): Promise<void> {
  const load = await importLoader(loaderUrl);
  const cache = new Map<string, RawDataset>();
  for (const spec of specs) {
    opts.onStart?.(spec, 0);
    const t0 = performance.now();
    let output: RunOutput;
    try {
      output = executeRun(spec.config, load, cache, sinkFor(spec, 0, opts).sink);
    } catch (err) {
      const userError = err instanceof UserError;
      throw new RunFailure(`run ${spec.id} (${spec.label}, seed ${spec.config.seed}): ${(err as Error).message}`, userError);
    }
    opts.onDone?.(spec, output, 0, (performance.now() - t0) / 1000);
  }
}

export type WorkerMessage =
  | { type: 'event'; id: string; name: keyof RunEventSink; args: unknown[] }
  | { type: 'dataset'; id: string; key: string; dataset: RawDataset }
  | { type: 'done'; id: string; output: RunOutput }
  | { type: 'error'; id: string; message: string; userError: boolean };
