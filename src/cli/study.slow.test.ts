// The study pipeline (issue 20) end to end on synthetic data, reports and figures included:
// saved weights under compare and sweep, the store that never reuses a damaged record, folders
// of another study refused, and a sweep over two evaluation-only axes. (study.test.ts has the
// parts that need no report: run ids, a train rerun, a dry run.)

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { tempFile } from '../experiment/testing/temp.js';
import { runCompare, runReport, runSweep, inProcessFlags, SMALL_CONFIG } from './testing/pipelines.js';

const CONFIG = SMALL_CONFIG;
const flags = inProcessFlags;

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

test('--resume never reuses a damaged record: a metric that is a string, a missing provenance.json; each is named and trained again', async () => {
  const { dir, file } = tempFile('small.yaml', CONFIG);
  const out = join(dir, 'out');
  const first = await runCompare(flags(file, out, { seeds: '3' }));
  const runs = first.study.runs.map((r) => join(first.dir, 'runs', r.id));
  const table = readFileSync(join(first.dir, 'table.csv'), 'utf8');
  const stored = JSON.parse(readFileSync(join(runs[0], 'run.json'), 'utf8'));
  stored.record.methods.dwm.clean = 'high';
  writeFileSync(join(runs[0], 'run.json'), JSON.stringify(stored));
  rmSync(join(runs[1], 'provenance.json'));
  const lines: string[] = [];
  const again = await runCompare(flags(file, out, { seeds: '3', resume: true }), { log: (l) => lines.push(l) });
  assert.equal(again.ran, 2);
  assert.equal(again.reused, 1);
  assert.ok(lines.some((l) => l.includes(first.study.runs[0].id) && /record\.methods\.dwm\.clean/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes(first.study.runs[1].id) && /provenance\.json missing/.test(l)), lines.join('\n'));
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
  // A report that fails while rendering (a malformed authors' file, read for the comparison
  // table) after gathering the runs leaves no new --out folder behind, nor the folders made for it.
  const bad = join(dir, 'bad-authors.json');
  writeFileSync(bad, '{ not json');
  const fresh = join(dir, 'merged', 'fresh');
  await assert.rejects(runReport({ dirs: [a.dir], out: fresh, authorsFile: bad }), (e: Error) => e instanceof UserError && /malformed JSON/.test(e.message));
  assert.ok(!existsSync(join(dir, 'merged')), 'the failed report left its folder');
  // The same report into the same new folder, with the authors' file fixed, gathers every run.
  const ok = await runReport({ dirs: [a.dir], out: fresh });
  assert.equal(ok.copied, grown.study.runs.length);
  assert.equal(readFileSync(join(fresh, 'REPORT.md'), 'utf8'), readFileSync(join(a.dir, 'REPORT.md'), 'utf8'));
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
