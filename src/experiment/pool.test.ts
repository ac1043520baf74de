// Datasets are shared between worker threads: a dataset one worker loaded reaches
// the other workers' runs as SharedArrayBuffer memory instead of being loaded again.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPlan, runCost } from './plan.js';
import { runPool, shareDataset } from './pool.js';
import type { RunRecord } from './record.js';
import { loadDataset } from './testing/synthetic.js';
import { tempFile } from './testing/temp.js';

const LOADER = new URL('./testing/synthetic.js', import.meta.url).href;

test('shareDataset moves the sample arrays into SharedArrayBuffers with the same values', () => {
  const raw = loadDataset({ name: 'mnist' });
  const shared = shareDataset(raw);
  assert.ok(shared.x.buffer instanceof SharedArrayBuffer && shared.y.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(Array.from(shared.x), Array.from(raw.x));
  assert.deepEqual(Array.from(shared.y), Array.from(raw.y));
  assert.equal(shareDataset(shared).x, shared.x, 'already shared: no second copy');
});

test('a dataset loaded by one worker is handed to the other worker, not loaded again', async () => {
  const { dir, file: grid } = tempFile('g.yaml', `name: g
base:
  dataset: { name: mnist }
  hidden: [4]
  trainSize: 40
  turns: 1
  stepsPerTurn: 2000
  methods: [sgd, dwm]
grid:
  dataset.name: [california-housing, mnist]
`);
  const runs = buildPlan([grid], { seeds: 4 }).runs;
  // Worker 1 starts on the one housing run while worker 2 loads MNIST; when worker 1 is done,
  // its next run is on MNIST, which it must receive from the pool rather than load.
  const specs = [runs.find((r) => r.dataset === 'california-housing')!, ...runs.filter((r) => r.dataset === 'mnist')];
  const log = join(dir, 'loads.txt');
  writeFileSync(log, '');
  process.env.DWGD_TEST_LOAD_LOG = log;
  const records = new Map<string, RunRecord>();
  try {
    await runPool(specs, { workers: 2, loaderUrl: LOADER, onDone: (spec, out) => records.set(spec.id, out.record) });
  } finally {
    delete process.env.DWGD_TEST_LOAD_LOG;
  }
  const loads = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[1]).sort();
  assert.deepEqual(loads, ['california-housing', 'mnist']);
  assert.equal(records.size, 5);
  // Same numbers as running the MNIST runs in this thread.
  const serial = new Map<string, RunRecord>();
  await runPool(specs, { workers: 0, loaderUrl: LOADER, onDone: (spec, out) => serial.set(spec.id, out.record) });
  for (const [id, r] of serial) assert.deepEqual(records.get(id), r);
});

test('with a cost estimate, a worker takes the costliest run first, then the cheaper ones', async () => {
  const { file: grid } = tempFile('c.yaml', `name: c
base:
  dataset: { name: mnist }
  hidden: [4]
  trainSize: 40
  turns: 1
  stepsPerTurn: 200
  methods: [sgd]
grid:
  hidden: [[2], [8], [4]]
`);
  const specs = buildPlan([grid], { seeds: 1 }).runs;
  const started: number[] = [];
  await runPool(specs, {
    workers: 1, loaderUrl: LOADER,
    cost: (spec) => runCost(spec, () => ({ nInputs: 784, poolSize: 300 })),
    onStart: (spec) => started.push(spec.config.hidden[0]),
  });
  assert.deepEqual(started, [8, 4, 2]);
  // Without one, the plan's order.
  const plain: number[] = [];
  await runPool(specs, { workers: 1, loaderUrl: LOADER, onStart: (spec) => plain.push(spec.config.hidden[0]) });
  assert.deepEqual(plain, [2, 8, 4]);
});
