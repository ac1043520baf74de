// The worker thread of runInBackground (background.ts): load, run, report, post the result.

import { parentPort, workerData } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import { loadDataset } from '../data/index.js';
import { UserError } from '../errors.js';
import type { BackgroundMessage } from './background.js';
import { runExperiment, type RunEvents } from './run.js';

const port = parentPort!;
const { config, keepParams, progressEvery } = workerData as { config: ExperimentConfig; keepParams: boolean; progressEvery?: number };
const send = (m: BackgroundMessage) => port.postMessage(m);
const forward = (name: keyof RunEvents) => (...args: unknown[]) => send({ type: 'event', name, args });

try {
  const raw = loadDataset({ ...config.dataset });
  const { x: _x, y: _y, ...info } = raw;
  send({ type: 'dataset', info });
  const result = runExperiment(config, raw, {
    keepParams,
    progressEvery,
    events: { onMethodStart: forward('onMethodStart'), onProgress: forward('onProgress'), onTurn: forward('onTurn'), onNoisyStart: forward('onNoisyStart') },
  });
  send({ type: 'done', result });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err), userError: err instanceof UserError });
}
