// --dry-run of compare and sweep states the estimated wall time on this machine and the number
// of workers, in text and in --json (synthetic loader; a dry run trains nothing).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { estimatedCost } from '../experiment/shard.js';
import { tempFile } from '../experiment/testing/temp.js';
import { compare } from './compare.js';
import { estimateWallSeconds } from './eta.js';
import { sweep } from './sweep.js';
import { runCompare, testFlags, type RawStudyFlags } from './testing/pipelines.js';

const CONFIG = `name: small
dataset: { name: mnist }
hidden: [6]
trainSize: 40
turns: 2
stepsPerTurn: 150
methods: [dwm, sgd]
seed: 5
`;

const SWEEP = `name: sw
base: { dataset: { name: mnist }, hidden: [6], trainSize: 60, turns: 2, stepsPerTurn: 200, methods: [dwm, sgd] }
grid:
  lr: [0.01, 0.05, 0.1]
`;

/** What a command wrote to stdout. */
async function stdoutOf(run: () => Promise<number>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { text += chunk.toString(); return true; }) as typeof process.stdout.write;
  try {
    assert.equal(await run(), 0);
  } finally {
    process.stdout.write = write;
  }
  return text;
}

function flags(config: string, extra: Partial<RawStudyFlags>): RawStudyFlags {
  return testFlags(config, join(tempFile('x').dir, 'out'), { dryRun: true, ...extra });
}

test('compare --dry-run: the estimated seconds and workers in --json, "about … with N workers on this machine" in text', async () => {
  const { file: path } = tempFile('c.yaml', CONFIG);
  const f = flags(path, { seeds: '5', workers: '2' });
  const plan = await runCompare(f);
  const expected = Math.round(estimateWallSeconds(plan.runs.map(estimatedCost), 2));
  const json = JSON.parse(await stdoutOf(() => compare({ ...f, json: true }))) as { estimatedSeconds: number; workers: number };
  assert.deepEqual({ estimatedSeconds: json.estimatedSeconds, workers: json.workers }, { estimatedSeconds: expected, workers: 2 });
  assert.match(await stdoutOf(() => compare(f)), /\n {2}about \d+ (s|min|h \d\d min) with 2 workers on this machine/);
  // More workers than runs: as many workers as runs are counted.
  const many = JSON.parse(await stdoutOf(() => compare({ ...f, seeds: '3', workers: '8', json: true }))) as { workers: number };
  assert.equal(many.workers, 3);
});

test('sweep --dry-run: the same estimate in text and --json', async () => {
  const { file: path } = tempFile('s.yaml', SWEEP);
  const f = flags(path, { seeds: '2', workers: '1' });
  const json = JSON.parse(await stdoutOf(() => sweep({ ...f, json: true }))) as { estimatedSeconds: number; workers: number; total: number };
  assert.equal(json.total, 6);
  assert.equal(json.workers, 1);
  assert.ok(Number.isInteger(json.estimatedSeconds) && json.estimatedSeconds >= 0);
  assert.match(await stdoutOf(() => sweep(f)), /\n {2}about \d+ (s|min|h \d\d min) with 1 worker on this machine/);
});
