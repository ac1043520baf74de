// trainSteps keeps its progress in a cell of the module's shared memory (kernels.as
// progressAt): the run's index of the next step to train, stored at the start of a call, after
// every 256th step and at the end. Another thread reads it while the call runs
// (src/experiment/pool.ts), so a turn can be one call with its progress still shown.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { rule, syntheticImages } from '../testing/engines.js';
import { NO_TRAIN_OPTIONS } from '../train-options.js';
import { FastModel } from './fast-model.js';

function cellOf(model: FastModel): Int32Array {
  const c = model.progressCell();
  assert.ok(c, 'the fast engine has a progress cell');
  assert.ok(c.buffer instanceof SharedArrayBuffer, 'in a shared memory');
  return new Int32Array(c.buffer, c.byteOffset, 1);
}

test('after each trainSteps call the progress cell holds the run index of the next step, on every path', () => {
  const data = syntheticImages(120, 12, 3);
  const list = Int32Array.from({ length: 50 }, (_, k) => (k * 7 + 2) % 120);
  const rng = new Rng(3, 'entries');
  const entries = Int32Array.from({ length: 3000 }, () => rng.int(list.length));
  const targets = Float32Array.from(list, (i) => data.y[i]);
  const net = new Network([data.nInputs, 16, 10], 'softmax-ce');
  net.initHeNormal(new Rng(3, 'init'));
  // The plain path (one call), and input noise (the steps cut into stretches of pre-drawn inputs).
  for (const train of [NO_TRAIN_OPTIONS, { ...NO_TRAIN_OPTIONS, inputNoise: 0.2 }]) {
    const m = new FastModel('sgd', net, rule('sgd'), { train, seed: 1 });
    const cell = cellOf(m);
    let sum = 0;
    for (const [from, to] of [[0, 1], [1, 700], [700, 701], [701, 3000]]) {
      sum = m.trainSteps(data.x, list, entries, targets, 0.01, from, to, sum);
      assert.equal(Atomics.load(cell, 0), to, `noise ${train.inputNoise}: after [${from}, ${to})`);
    }
  }
});

test('a training list too large to copy in is stepped from JavaScript, which keeps the cell the same way', () => {
  // 21,400 rows of 784 float32 values are 67 MB, over the 64 MB the instance takes.
  const n = 784;
  const rows = 21_400;
  const x = new Float32Array(rows * n);
  const rng = new Rng(4, 'big');
  for (let i = 0; i < x.length; i += 7) x[i] = rng.uniform();
  const y = Float32Array.from({ length: rows }, (_, i) => i % 10);
  const list = Int32Array.from({ length: rows }, (_, i) => i);
  const entries = Int32Array.from({ length: 900 }, () => rng.int(rows));
  const net = new Network([n, 2, 10], 'softmax-ce');
  net.initHeNormal(new Rng(4, 'init'));
  const m = new FastModel('dwm', net, rule('dwm'));
  const reference = new FastModel('dwm', net, rule('dwm'));
  const cell = cellOf(m);
  const sum = m.trainSteps(x, list, entries, y, 0.01, 100, 900, 0);
  assert.equal(Atomics.load(cell, 0), 900);
  let expected = 0;
  for (let s = 100; s < 900; s++) expected += reference.step(x, list[entries[s]], y[entries[s]], 0.01);
  assert.ok(Object.is(sum, expected), 'the same loss sum as a step() loop');
});

test('another thread sees the cell advance while one trainSteps call runs', async () => {
  // A worker trains one long call; this thread, told the cell's place before the call starts,
  // reads it in a tight loop until the worker raises its done flag.
  const from = 1000;
  const count = 60_000;
  const flags = new Int32Array(new SharedArrayBuffer(8)); // [0]: this thread reads; [1]: the call returned
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { Network } = await import(workerData.network);
      const { Rng } = await import(workerData.rng);
      const { rule, syntheticImages } = await import(workerData.engines);
      const { FastModel } = await import(workerData.fast);
      const data = syntheticImages(200, 28, 8);
      const list = Int32Array.from({ length: 200 }, (_, i) => i);
      const rng = new Rng(8, 'entries');
      const entries = Int32Array.from({ length: workerData.from + workerData.count }, () => rng.int(200));
      const net = new Network([data.nInputs, 32, 10], 'softmax-ce');
      net.initHeNormal(new Rng(8, 'init'));
      const m = new FastModel('dwm', net, rule('dwm'));
      const flags = new Int32Array(workerData.flags);
      parentPort.postMessage(m.progressCell());
      Atomics.wait(flags, 0, 0);
      m.trainSteps(data.x, list, entries, data.y, 0.01, workerData.from, workerData.from + workerData.count, 0);
      Atomics.store(flags, 1, 1);
    })();
  `;
  const here = (p: string) => new URL(p, import.meta.url).href;
  const worker = new Worker(source, {
    eval: true,
    workerData: { network: here('../network.js'), rng: here('../rng.js'), engines: here('../testing/engines.js'), fast: here('./fast-model.js'), flags: flags.buffer, from, count },
  });
  try {
    const c = await new Promise<{ buffer: SharedArrayBuffer; byteOffset: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const cell = new Int32Array(c.buffer, c.byteOffset, 1);
    const seen: number[] = [];
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    for (;;) {
      const done = Atomics.load(flags, 1) === 1;
      const v = Atomics.load(cell, 0);
      if (seen.length === 0 || seen[seen.length - 1] !== v) seen.push(v);
      if (done) break;
    }
    const middle = seen.filter((v) => v > from && v < from + count);
    assert.equal(seen[seen.length - 1], from + count, 'the end of the call');
    assert.ok(middle.length > 0, `values between the call's first and last step were seen: ${seen.slice(0, 8).join(', ')}, …`);
    for (let k = 1; k < seen.length; k++) assert.ok(seen[k] > seen[k - 1], `the cell only advances: ${seen[k - 1]} then ${seen[k]}`);
    for (const v of middle) assert.equal((v - from) % 256, 0, `${v}: stored after a 256th step`);
  } finally {
    await worker.terminate();
  }
});
