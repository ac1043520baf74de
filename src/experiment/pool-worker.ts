// One worker thread of the pool: receives run configs, runs them with its own dataset cache,
// posts progress and the finished record back. A UserError is reported as such; any other
// error is reported with its message (the pool turns both into one clean line).

import { parentPort, workerData } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { executeRun, importLoader, type WorkerMessage } from './pool.js';

const port = parentPort!;
const cache = new Map<string, RawDataset>();
const loaderReady = importLoader((workerData as { loaderUrl: string }).loaderUrl);

port.on('message', async (msg: { type: 'run'; id: string; config: ExperimentConfig }) => {
  const send = (m: WorkerMessage) => port.postMessage(m);
  try {
    const load = await loaderReady;
    const record = executeRun(msg.config, load, cache, (progress) => send({ type: 'progress', id: msg.id, progress }));
    send({ type: 'done', id: msg.id, record });
  } catch (err) {
    const e = err as Error;
    send({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(err), userError: err instanceof UserError });
  }
});
