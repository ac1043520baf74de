// A run on a worker thread (what `dwgd train` does) gives the same result, bit for bit, as the
// same run in this thread, events included; a UserError in the worker stays a UserError.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateExperiment } from '../config/load.js';
import { loadDataset } from '../data/index.js';
import { UserError } from '../errors.js';
import { runInBackground } from './background.js';
import { runExperiment } from './run.js';

const config = validateExperiment({
  dataset: { name: 'mnist' }, hidden: [6], trainSize: 80, turns: 2, stepsPerTurn: 400, methods: ['dwm', 'l2-0.01'], seed: 3,
}, 'test');

test('runInBackground = runExperiment in this thread: numbers, parameters, split, order and events', async () => {
  const seen: string[] = [];
  const log = (tag: string) => (...args: unknown[]) => seen.push(`${tag} ${JSON.stringify(args)}`);
  const events = { onMethodStart: log('start'), onProgress: log('progress'), onTurn: log('turn'), onNoisyStart: log('noisy') };
  const info: { name: string; size: number }[] = [];
  const bg = await runInBackground(config, { keepParams: true, progressEvery: 100, events: { ...events, onDataset: (i) => info.push(i) } });
  const inThread: string[] = [];
  seen.splice(0).forEach((s) => inThread.push(s));
  const here = runExperiment(config, loadDataset({ ...config.dataset }), { keepParams: true, progressEvery: 100, events });
  assert.deepEqual(bg, here);
  assert.deepEqual(inThread, seen, 'the same events in the same order');
  assert.ok(inThread.filter((s) => s.startsWith('progress')).length >= 2 * 8, 'progress every 100 steps');
  assert.deepEqual(info.map((i) => [i.name, i.size]), [['mnist', 55000]]);
});

test('runInBackground: a UserError of the run comes back as a UserError', async () => {
  const tooBig = { ...config, trainSize: 60000 };
  await assert.rejects(runInBackground(tooBig), (e: Error) => e instanceof UserError && /trainSize: 60000 is larger than the 55000 samples/.test(e.message));
});
