// One worker thread of the pool: receives run configs, runs them, posts every run event and the
// finished record (and, with saveWeights, the weights) back. A run arrives with its dataset in shared memory when another run has
// loaded it already; otherwise this worker loads it, moves it into SharedArrayBuffers and
// posts it to the pool for the runs after. A UserError is reported as such; any other error
// is reported with its message (the pool turns both into one clean line).

import { parentPort, workerData } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/schema.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { datasetKey } from './plan.js';
import { collectGarbage, importLoader, recordRun, shareDataset, type RunEventSink, type WorkerMessage } from './pool.js';

const port = parentPort!;
const loaderReady = importLoader((workerData as { loaderUrl: string }).loaderUrl);

port.on('message', async (msg: { type: 'run'; id: string; config: ExperimentConfig; dataset?: RawDataset }) => {
  const send = (m: WorkerMessage) => port.postMessage(m);
  try {
    let raw = msg.dataset;
    if (!raw) {
      const load = await loaderReady;
      raw = shareDataset(load({ ...msg.config.dataset }));
      send({ type: 'dataset', id: msg.id, key: datasetKey(msg.config), dataset: raw });
    }
    const forward = (name: keyof RunEventSink) => (...args: unknown[]) => send({ type: 'event', id: msg.id, name, args });
    const output = recordRun(msg.config, raw, {
      onDataset: forward('onDataset'), onMethodStart: forward('onMethodStart'), onProgress: forward('onProgress'), onSteps: forward('onSteps'), onTurn: forward('onTurn'), onNoisyStart: forward('onNoisyStart'),
    });
    send({ type: 'done', id: msg.id, output });
    collectGarbage();
  } catch (err) {
    const e = err as Error;
    send({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(err), userError: err instanceof UserError });
  }
});
