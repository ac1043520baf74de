// One experiment on a worker thread, so the calling thread stays free (for `dwgd train`:
// progress bars that redraw while the run computes). The worker loads the dataset itself,
// reports what it loaded and every run event, and posts the whole result back, parameters
// included. The numbers are those of runExperiment in this thread: the same code, the same
// inputs (a test checks).

import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import type { RunEvents, RunResult } from './run.js';

/** What the worker loaded: everything of the RawDataset but its samples. */
export type DatasetInfo = Omit<RawDataset, 'x' | 'y'>;

export interface BackgroundEvents extends RunEvents {
  /** The dataset is loaded; training starts next. */
  onDataset?(info: DatasetInfo): void;
}

export type BackgroundMessage =
  | { type: 'dataset'; info: DatasetInfo }
  | { type: 'event'; name: keyof RunEvents; args: unknown[] }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string; userError: boolean };

export interface BackgroundOptions {
  keepParams?: boolean;
  progressEvery?: number;
  events?: BackgroundEvents;
}

export function runInBackground(config: ExperimentConfig, opts: BackgroundOptions = {}): Promise<RunResult> {
  const events = opts.events ?? {};
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./run-worker.js', import.meta.url), {
      workerData: { config, keepParams: opts.keepParams ?? false, progressEvery: opts.progressEvery },
    });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (msg: BackgroundMessage) => {
      try {
        if (msg.type === 'dataset') events.onDataset?.(msg.info);
        else if (msg.type === 'event') (events[msg.name] as ((...a: unknown[]) => void) | undefined)?.(...msg.args);
        else if (msg.type === 'done') settle(() => resolve(msg.result));
        else settle(() => reject(msg.userError ? new UserError(msg.message) : new Error(msg.message)));
      } catch (err) {
        settle(() => reject(err as Error));
      }
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the run's worker thread exited with code ${code}`))));
  });
}
