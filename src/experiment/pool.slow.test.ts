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

test('a turn trained in one call on a worker reports its progress while it runs, read from the shared progress cell', async () => {
  // 12-256-128-4 trains some 25,000 steps a second here, so a 10,000-step turn lasts several of
  // the pool's 100 ms reads; the worker itself reports only each turn's end.
  const { file: grid } = tempFile('p.yaml', `name: p
base:
  dataset: { name: mnist }
  hidden: [256, 128]
  trainSize: 40
  turns: 2
  stepsPerTurn: 10000
  methods: [sgd]
`);
  const specs = buildPlan([grid], { seeds: 1 }).runs;
  const seen: { turn: number; done: number; total: number }[] = [];
  const records: RunRecord[] = [];
  await runPool(specs, {
    workers: 1, loaderUrl: LOADER,
    onProgress: (_spec, _w, p) => seen.push({ turn: p.turn, done: p.stepsDone, total: p.stepsTotal }),
    onDone: (_spec, out) => records.push(out.record),
  });
  const ends = seen.filter((p) => p.done % 10000 === 0 && p.done > 0).map((p) => p.done);
  assert.ok(ends.includes(10000) && ends.includes(20000), `both turns' ends reported: ${ends.join(', ')}`);
  const middle = seen.filter((p) => p.done % 10000 !== 0);
  assert.ok(middle.length > 0, `reports inside a turn: ${seen.map((p) => p.done).join(', ')}`);
  for (const p of middle) assert.equal(p.turn, Math.ceil(p.done / 10000), `step ${p.done} is in turn ${p.turn}`);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k].done >= seen[k - 1].done, 'progress never goes back');
  assert.ok(seen.every((p) => p.total === 20000 && p.done <= 20000));
  // The same numbers as the same run in this thread, which trains each turn in calls of 2,500 steps.
  const serial: RunRecord[] = [];
  await runPool(specs, { workers: 0, loaderUrl: LOADER, onDone: (_spec, out) => serial.push(out.record) });
  assert.deepEqual(records, serial);
});
