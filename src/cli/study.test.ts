// The study pipeline (issue 20) on synthetic data: one id for one training point under every
// command, a rerun that loses nothing, and a dry run that names missing data. The pipeline end
// to end, with its reports and figures (compare and sweep), is in study.slow.test.ts.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { planStudy, type Preset } from '../experiment/plan.js';
import { tempFile } from '../experiment/testing/temp.js';
import { runCompare, runTrain, inProcessFlags, SMALL_CONFIG } from './testing/pipelines.js';

const CONFIG = SMALL_CONFIG;
const flags = inProcessFlags;

test('the same training point has the same run id under train, compare and sweep (generated configs)', () => {
  const { dir } = tempFile('x');
  let k = 0;
  fc.assert(fc.property(
    fc.record({
      dataset: fc.constantFrom({ name: 'mnist' }, { name: 'california-housing', normalize: 'paper' }, { name: 'wine-quality', variant: 'red' }),
      hidden: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 3 }),
      trainSize: fc.integer({ min: 1, max: 5000 }),
      lr: fc.constantFrom(0.001, 0.01, 0.5),
      turns: fc.integer({ min: 1, max: 8 }),
      methods: fc.subarray(['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'weight-decay-0.001'], { minLength: 1 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      noise: fc.record({ sigma: fc.constantFrom(0, 0.3, 1) }),
    }, { requiredKeys: ['dataset', 'trainSize'] }),
    fc.constantFrom('0,0.5', '0.2'),
    (config, sigmas) => {
      const file = join(dir, `c${k++}.yaml`);
      writeFileSync(file, stringify(config));
      const id = (preset: Preset, sets: string[] = []) => planStudy({ preset, files: [file], sets: sets.map(parseOverride) }).runs[0].id;
      const train = id('train');
      assert.equal(id('compare'), train);
      assert.equal(id('sweep'), train);
      // Evaluation-only changes (test noise, evaluation axes), the name and saving weights do not change it.
      assert.equal(id('sweep', [`noise.sigma=${sigmas}`, 'mask.fraction=0,0.25']), train);
      assert.equal(id('train', ['name=other', 'saveWeights=true', `noise.sigma=${sigmas}`]), train);
      // A study file whose grid holds the point finds the same id.
      const grid = join(dir, `g${k++}.yaml`);
      const { seed: _s, ...base } = config;
      writeFileSync(grid, stringify({ base: { ...base, seed: config.seed ?? 5 }, grid: { trainSize: [config.trainSize, config.trainSize + 1] } }));
      assert.ok(planStudy({ preset: 'compare', files: [grid] }).runs.some((r) => r.id === train));
      // Something that changes the trained models changes it.
      assert.notEqual(id('train', [`trainSize=${config.trainSize + 1}`]), train);
    },
  ), { numRuns: 30, seed: 20 });
});

test('--set name=… renames the study under every command (it was ignored)', () => {
  const { file } = tempFile('small.yaml', CONFIG);
  for (const preset of ['train', 'compare', 'sweep'] as const) {
    const study = planStudy({ preset, files: [file], sets: [parseOverride('name=renamed')] });
    assert.equal(study.name, 'renamed', preset);
    assert.equal(study.runs[0].config.name, 'renamed', `${preset}: the resolved config (--print-config) shows it`);
  }
  assert.throws(() => planStudy({ preset: 'train', files: [file], sets: [parseOverride('name=a/b')] }), (e: Error) => e instanceof UserError && /--set name=a\/b/.test(e.message));
});

test('train: a rerun without --save-weights keeps the saved weights and any file the user put in the run folder', async () => {
  const { dir, file } = tempFile('small.yaml', CONFIG);
  const out = join(dir, 'out');
  const first = await runTrain(flags(file, out, { saveWeights: true }));
  const runDir = first.stored!.get(first.study.runs[0].id)!.dir;
  assert.ok(existsSync(join(runDir, 'weights', 'dwm.json')));
  const weights = readFileSync(join(runDir, 'weights', 'dwm.json'), 'utf8');
  writeFileSync(join(runDir, 'notes.md'), 'my notes\n');
  const second = await runTrain(flags(file, out));
  assert.equal(second.stored!.get(second.study.runs[0].id)!.dir, runDir, 'the same run id, the same folder');
  assert.equal(readFileSync(join(runDir, 'weights', 'dwm.json'), 'utf8'), weights, 'weights kept');
  assert.equal(readFileSync(join(runDir, 'notes.md'), 'utf8'), 'my notes\n', 'notes kept');
  assert.ok(existsSync(join(runDir, 'table.csv')));
  // Weights made by other code are not silently dropped: refused, naming them and the flag.
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  run.code.fingerprint = '0000000000000000';
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(run));
  await assert.rejects(runTrain(flags(file, out)), (e: Error) => e instanceof UserError && e.message.includes(join(runDir, 'weights')) && /--save-weights/.test(e.message));
  assert.equal(readFileSync(join(runDir, 'weights', 'dwm.json'), 'utf8'), weights);
});

test('compare --dry-run lists what would run and names what is missing instead of refusing', async () => {
  const { dir, file } = tempFile('g.yaml');
  writeFileSync(file, `name: g
base: { dataset: { name: mnist }, hidden: [4], trainSize: 20, turns: 1, stepsPerTurn: 10, methods: [sgd] }
grid:
  dataset: [{ name: wine-quality, path: ${join(dir, 'nowhere')} }, { name: california-housing, path: ${join(dir, 'nothing-here')} }]
`);
  const o = await runCompare({ config: [file], set: [], only: [], out: join(dir, 'out'), dryRun: true });
  assert.equal(o.runs.length, 2);
  assert.equal(o.missing.length, 2);
  assert.ok(o.missing.some((m) => m.includes('nowhere')) && o.missing.some((m) => m.includes('nothing-here')));
  assert.ok(!existsSync(join(dir, 'out')));
  await assert.rejects(runCompare({ config: [file], set: [], only: [], out: join(dir, 'out') }), (e: Error) => e instanceof UserError && /nowhere[\s\S]*nothing-here/.test(e.message));
});
