// A tiny synthetic dataset loader for the compare/pool tests, injected through the pool's
// `loaderUrl` instead of the real registry (src/data/index.ts). `mnist` becomes a 4-class
// image-like pool and `california-housing` a linear regression pool, both deterministic.
// `dataset.path` switches on failure modes: `user-error` (a UserError, as for a missing
// file), `crash` (the thread exits) and `bug` (a plain Error). With DWGD_TEST_LOAD_LOG set,
// every load appends `<threadId> <dataset>` to that file, so tests can count loads per worker.

import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { Rng } from '../../core/rng.js';
import type { RawDataset } from '../../data/types.js';
import { UserError } from '../../errors.js';

export function loadDataset(opts: { name: string; path?: string }): RawDataset {
  if (opts.path === 'user-error') throw new UserError(`dataset.path: ${opts.path}: no such file`);
  if (opts.path === 'crash') process.exit(7);
  if (opts.path === 'bug') throw new Error('synthetic bug');
  const log = process.env.DWGD_TEST_LOAD_LOG;
  if (log) appendFileSync(log, `${threadId} ${opts.name}\n`);
  const rng = new Rng(1234, `synthetic-${opts.name}`);
  const size = 300;
  if (opts.name === 'california-housing') {
    const nInputs = 5;
    const x = new Float32Array(size * nInputs);
    const y = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let t = 0;
      for (let c = 0; c < nInputs; c++) {
        const v = rng.normal();
        x[i * nInputs + c] = v;
        t += (c + 1) * 0.3 * v;
      }
      y[i] = t + 0.5 * rng.normal();
    }
    return {
      name: opts.name, kind: 'tabular', task: 'regression', size, nInputs, nOutputs: 1, x, y,
      origin: { kind: 'path', location: 'synthetic' }, description: 'synthetic linear regression',
    };
  }
  const nInputs = 12;
  const classes = 4;
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const label = i % classes;
    y[i] = label;
    for (let c = 0; c < nInputs; c++) {
      const centre = c % classes === label ? 0.7 : 0.3;
      x[i * nInputs + c] = Math.min(1, Math.max(0, centre + 0.2 * rng.normal()));
    }
  }
  return {
    name: opts.name, kind: 'image', task: 'classification', size, nInputs, nOutputs: classes, x, y,
    origin: { kind: 'path', location: 'synthetic' }, description: 'synthetic 4-class blobs',
  };
}
