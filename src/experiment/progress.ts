// How a pipeline (compare, sweep) reports what its runs are doing. The CLI implements it with
// progress bars or plain lines; a program or a test passes nothing and hears nothing.

import type { FetchEvents } from '../data/fetch.js';
import type { RunSpec } from './plan.js';

export interface Progress {
  start(spec: RunSpec, worker: number): void;
  update(spec: RunSpec, worker: number, value: number, total: number, text: string): void;
  /** The run's training is over and its evaluation at `points` noisy points begins (run.ts's onNoisyStart). */
  evaluating?(spec: RunSpec, worker: number, points: number): void;
  done(spec: RunSpec, worker: number, seconds: number): void;
  stop(): void;
}

/** What a pipeline tells its caller: one-line notices and the progress of its runs. */
export interface PipelineHooks {
  /** A notice for the user (e.g. what is about to run); the CLI prints it dimmed on stderr. */
  log?(line: string): void;
  /** The progress of `total` runs of which `already` are done (reused); `todo`: the runs to train, for an estimate of the time. */
  progress?(total: number, already: number, todo?: RunSpec[]): Progress;
  /** What to tell while a missing dataset is downloaded (dataset.download); `stop` when done. */
  fetching?(): { events: FetchEvents; stop(): void };
}

export const NO_PROGRESS: Progress = { start() {}, update() {}, done() {}, stop() {} };
