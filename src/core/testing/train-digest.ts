// A fixed small training run whose result is hashed, so tests can compare the same run done in
// this thread, in a worker thread and in another process. Run as a program it prints the digest
// of the engine named by its argument; in a worker it posts the digest of `workerData`.

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createModel, type EngineName } from '../model-factory.js';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { order, rule, syntheticImages, train } from './engines.js';

/** SHA-256 of every parameter (as float64 bytes) and the summed loss and score of the run. */
export function trainDigest(engine: EngineName): string {
  const data = syntheticImages(200, 10, 41);
  const all = Int32Array.from({ length: 200 }, (_, i) => i);
  const hash = createHash('sha256');
  for (const method of ['dwm', 'dwm-stable', 'l2-0.01']) {
    const initial = new Network([data.nInputs, 12, 10], 'softmax-ce');
    initial.initHeNormal(new Rng(41, 'init'));
    const model = createModel(method, initial, rule(method), engine);
    const loss = train(model, data.x, data.y, order(all, 1000, 41), 0.01);
    hash.update(new Float64Array([loss, model.score(data.x, all, 200, data.y, 'accuracy')]));
    for (const layer of model.params()) for (const m of [layer.W, layer.b, layer.W1, layer.W2]) if (m) hash.update(m);
  }
  return hash.digest('hex');
}

if (!isMainThread && parentPort && workerData?.trainDigest) parentPort.postMessage(trainDigest(workerData.trainDigest));
else if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(trainDigest(process.argv[2] as EngineName) + '\n');
