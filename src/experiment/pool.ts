// Runs a plan's run specs across worker threads (default one per core), or in this thread
// when `workers` is 0. Each worker loads a dataset at most once (a cache keyed by the dataset
// options) and is preferably handed runs on the dataset it already holds. Every run is a pure
// function of its config, so the numbers are the same bits whichever worker runs it and in
// whatever order; callers store results by run id and aggregate in plan order.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { datasetKey, type RunSpec } from './plan.js';
import { runExperiment, type MethodResult, type RunResult } from './run.js';

/** What a finished run keeps: enough to aggregate and report, no weights. */
export interface RunRecord {
  dataset: string;
  datasetDescription: string;
  metric: 'accuracy' | 'mse';
  normalize: string;
  sizes: number[];
  poolSize: number;
  trainSize: number;
  distinctTrain: number;
  testSize: number;
  methods: Record<string, MethodRecord>;
  /** Classification: training-list entries and test samples per class. */
  trainClassCounts?: number[];
  testClassCounts?: number[];
  /** Training-list entries whose label was corrupted (labelNoise). */
  corruptedLabels?: number;
  testSet?: 'complement' | 'balanced';
}

/** A method's numbers as a run returns them, without the parameters. */
export type MethodRecord = Omit<MethodResult, 'initial' | 'final'>;

export interface RunProgress {
  method: string;
  methodIndex: number;
  methods: number;
  turn: number;
  stepsDone: number;
  stepsTotal: number;
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

/** One run with a per-thread dataset cache; shared by the workers and the in-thread mode. */
export function executeRun(
  config: ExperimentConfig, load: Loader, cache: Map<string, RawDataset>, onProgress?: (p: RunProgress) => void,
): RunRecord {
  const key = datasetKey(config);
  let raw = cache.get(key);
  if (!raw) {
    raw = load({ ...config.dataset });
    cache.set(key, raw);
  }
  return recordRun(config, raw, onProgress);
}

/** One run on a dataset already in memory. */
export function recordRun(config: ExperimentConfig, raw: RawDataset, onProgress?: (p: RunProgress) => void): RunRecord {
  let methodIndex = 0;
  const r = runExperiment(config, raw, {
    progressEvery: Math.max(1, Math.floor(config.stepsPerTurn / 4)),
    events: onProgress && {
      onMethodStart(_m, index) { methodIndex = index; },
      onProgress(method, turn, stepsDone, stepsTotal) {
        onProgress({ method, methodIndex, methods: config.methods.length, turn, stepsDone, stepsTotal });
      },
    },
  });
  return recordOf(config, r);
}

/** What a run's result keeps in its record: the numbers, without parameters, split or order. */
export function recordOf(config: ExperimentConfig, r: RunResult): RunRecord {
  const methods: RunRecord['methods'] = {};
  for (const m of config.methods) {
    const { initial: _i, final: _f, ...numbers } = r.methods[m];
    methods[m] = numbers;
  }
  const record: RunRecord = {
    dataset: r.dataset, datasetDescription: r.datasetDescription, metric: r.metric, normalize: r.normalize, sizes: r.sizes,
    poolSize: r.poolSize, trainSize: r.trainSize, distinctTrain: r.distinctTrain, testSize: r.testSize, methods,
  };
  if (r.trainClassCounts) record.trainClassCounts = r.trainClassCounts;
  if (r.testClassCounts) record.testClassCounts = r.testClassCounts;
  if (r.corruptedLabels !== undefined) record.corruptedLabels = r.corruptedLabels;
  record.testSet = r.testSet;
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
  /** Called once per finished run, in completion order; store the result here. */
  onDone?(spec: RunSpec, record: RunRecord, worker: number, seconds: number): void;
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

export async function runPool(specs: RunSpec[], opts: PoolOptions = {}): Promise<void> {
  const workers = Math.min(opts.workers ?? defaultWorkers(), specs.length);
  const loaderUrl = opts.loaderUrl ?? DEFAULT_LOADER;
  if (specs.length === 0) return;
  if (workers <= 0) return runInThread(specs, loaderUrl, opts);

  return new Promise<void>((resolve, reject) => {
    const pending = [...specs];
    const threads: { worker: Worker; busy: RunSpec | null; started: number; lastKey: string | null; done: boolean }[] = [];
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
      for (const t of threads) void t.worker.terminate();
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
      t.started = performance.now();
      t.lastKey = keyOf(spec);
      if (!shared.has(t.lastKey)) loading.add(t.lastKey);
      opts.onStart?.(spec, w);
      t.worker.postMessage({ type: 'run', id: spec.id, config: spec.config, dataset: shared.get(t.lastKey) });
    };

    for (let w = 0; w < workers; w++) {
      const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: { loaderUrl } });
      const t = { worker, busy: null as RunSpec | null, started: 0, lastKey: null as string | null, done: false };
      threads.push(t);
      worker.on('message', (msg: WorkerMessage) => {
        const spec = t.busy;
        if (failed || !spec || msg.id !== spec.id) return;
        if (msg.type === 'progress') opts.onProgress?.(spec, w, msg.progress);
        else if (msg.type === 'dataset') {
          if (!shared.has(msg.key)) shared.set(msg.key, msg.dataset);
          loading.delete(msg.key);
          for (const p of [...parked]) {
            parked.delete(p);
            next(p);
          }
        } else if (msg.type === 'done') {
          t.busy = null;
          release();
          try {
            opts.onDone?.(spec, msg.record, w, (performance.now() - t.started) / 1000);
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
    let record: RunRecord;
    try {
      record = executeRun(spec.config, load, cache, (p) => opts.onProgress?.(spec, 0, p));
    } catch (err) {
      const userError = err instanceof UserError;
      throw new RunFailure(`run ${spec.id} (${spec.label}, seed ${spec.config.seed}): ${(err as Error).message}`, userError);
    }
    opts.onDone?.(spec, record, 0, (performance.now() - t0) / 1000);
  }
}

export type WorkerMessage =
  | { type: 'progress'; id: string; progress: RunProgress }
  | { type: 'dataset'; id: string; key: string; dataset: RawDataset }
  | { type: 'done'; id: string; record: RunRecord }
  | { type: 'error'; id: string; message: string; userError: boolean };
