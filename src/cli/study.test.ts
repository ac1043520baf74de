// The study pipeline (issue 20) on synthetic data: one id for one training point under every
// command, a rerun that loses nothing, saved weights under every command, the store that never
// reuses a damaged record, folders of another study refused, a dry run that names missing data,
// and a sweep over two evaluation-only axes.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { planStudy, type Preset } from '../experiment/plan.js';
import { tempFile } from '../experiment/testing/temp.js';
import { runCompare, runReport, runSweep, runTrain, testFlags, type RawStudyFlags } from './testing/pipelines.js';

const CONFIG = `name: small
dataset: { name: mnist }
hidden: [6]
trainSize: 40
turns: 2
stepsPerTurn: 150
lr: 0.05
methods: [dwm, sgd]
seed: 5
`;

function flags(config: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return testFlags(config, out, { workers: '0', ...extra });
}

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

test('compare and sweep save weights with saveWeights; --resume keeps them', async () => {
  const { dir, file } = tempFile('small.yaml', CONFIG);
  for (const [run, sub] of [[runCompare, 'compare'], [runSweep, 'sweeps']] as const) {
    const out = join(dir, `out-${sub}`);
    const o = await run(flags(file, out, { set: ['saveWeights=true'], seeds: '2' }));
    for (const spec of o.study.runs) assert.ok(existsSync(join(out, sub, 'small', 'runs', spec.id, 'weights', 'sgd.json')), `${sub} ${spec.id}`);
    const resumed = await run(flags(file, out, { seeds: '2', resume: true }));
    assert.equal(resumed.ran, 0);
    assert.equal(resumed.reused, 2);
    for (const spec of o.study.runs) assert.ok(existsSync(join(out, sub, 'small', 'runs', spec.id, 'weights', 'sgd.json')));
  }
});

test('--resume never reuses a damaged record: a metric that is a string, a missing metrics.csv; each is named and trained again', async () => {
  const { dir, file } = tempFile('small.yaml', CONFIG);
  const out = join(dir, 'out');
  const first = await runCompare(flags(file, out, { seeds: '3' }));
  const runs = first.study.runs.map((r) => join(first.dir, 'runs', r.id));
  const table = readFileSync(join(first.dir, 'table.csv'), 'utf8');
  const stored = JSON.parse(readFileSync(join(runs[0], 'run.json'), 'utf8'));
  stored.record.methods.dwm.clean = 'high';
  writeFileSync(join(runs[0], 'run.json'), JSON.stringify(stored));
  rmSync(join(runs[1], 'metrics.csv'));
  const lines: string[] = [];
  const again = await runCompare(flags(file, out, { seeds: '3', resume: true }), { log: (l) => lines.push(l) });
  assert.equal(again.ran, 2);
  assert.equal(again.reused, 1);
  assert.ok(lines.some((l) => l.includes(first.study.runs[0].id) && /record\.methods\.dwm\.clean/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes(first.study.runs[1].id) && /metrics\.csv missing/.test(l)), lines.join('\n'));
  assert.equal(readFileSync(join(first.dir, 'table.csv'), 'utf8'), table, 'retrained: the same numbers');
});

test('a study folder of another study is refused, not overwritten; so is report --out onto one', async () => {
  const { dir, file } = tempFile('small.yaml', CONFIG);
  const out = join(dir, 'out');
  const a = await runCompare(flags(file, out, { seeds: '2' }));
  const report = readFileSync(join(a.dir, 'REPORT.md'), 'utf8');
  await assert.rejects(runCompare(flags(file, out, { seeds: '2', set: ['lr=0.01'] })),
    (e: Error) => e instanceof UserError && e.message.includes(a.dir) && /holds the report of another study/.test(e.message) && /--name/.test(e.message));
  assert.equal(readFileSync(join(a.dir, 'REPORT.md'), 'utf8'), report);
  // More seeds only add runs: the same study, grown, is allowed.
  const grown = await runCompare(flags(file, out, { seeds: '3', resume: true }));
  assert.equal(grown.reused, 2);
  // report --out B, B holding another study: refused.
  const b = await runCompare(flags(file, out, { seeds: '1', set: ['lr=0.01'], name: 'other' }));
  await assert.rejects(runReport({ dirs: [a.dir], out: b.dir }), (e: Error) => e instanceof UserError && /holds another study/.test(e.message));
  assert.ok(existsSync(join(b.dir, 'REPORT.md')));
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

test('a sweep over two evaluation-only axes (test noise σ × features zeroed) trains once per seed and reports every point', async () => {
  const { dir, file } = tempFile('two.yaml', `name: two
seeds: 3
base: { dataset: { name: mnist }, hidden: [6], trainSize: 60, turns: 2, stepsPerTurn: 200, lr: 0.05, methods: [dwm, sgd] }
evaluate:
  noise.sigma: [0, 0.5]
  mask.fraction: [0, 0.25, 0.5]
metrics: [noisy]
`);
  const o = await runSweep(flags(file, join(dir, 'out')));
  assert.equal(o.ran, 3, 'one training point × three seeds');
  const files = readdirSync(o.dir);
  for (const f of ['study.json', 'table.csv', 'REPORT.md', 'index.html', 'summary.csv', 'plots']) assert.ok(files.includes(f), f);
  const table = readFileSync(join(o.dir, 'table.csv'), 'utf8').trim().split('\n');
  const head = table[0].split(',');
  const points = new Set(table.slice(1).map((l) => l.split(',')).filter((r) => r[head.indexOf('turn')] === '2' && r[head.indexOf('metric')] === 'accuracy')
    .map((r) => `${r[head.indexOf('eval.noise.sigma')]}/${r[head.indexOf('eval.mask.fraction')]}`));
  assert.deepEqual([...points].sort(), ['0.5/0', '0.5/0.25', '0.5/0.5', '0/0', '0/0.25', '0/0.5']);
  const report = readFileSync(join(o.dir, 'REPORT.md'), 'utf8');
  assert.match(report, /`noise\.sigma` ∈ \{0, 0\.5\} \(evaluation only\); `mask\.fraction` ∈ \{0, 0\.25, 0\.5\} \(evaluation only\)/);
  assert.match(report, /giving 6 sweep points/);
  const plots = readdirSync(join(o.dir, 'plots')).filter((f) => f.endsWith('.svg'));
  assert.equal(plots.length, 2, 'one plot against mask.fraction per σ');
  // The report re-renders from its folder alone, byte for byte.
  rmSync(join(o.dir, 'REPORT.md'));
  const again = await runReport({ dirs: [o.dir] });
  assert.equal(again.runs, 3);
  assert.equal(readFileSync(join(o.dir, 'REPORT.md'), 'utf8'), report);
});
