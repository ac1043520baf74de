// `dwgd runs`, `runs show`, `runs diff` and `--print-config` as a user meets them, on run
// folders made by real (tiny) train runs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN, ROOT } from '../experiment/testing/paths.js';


function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = `name: tiny
dataset: {name: mnist}
hidden: [6]
trainSize: 50
turns: 2
stepsPerTurn: 150
methods: [dwm, sgd]
`;

const { dir, file } = tempFile('tiny.yaml', CONFIG);
const results = join(dir, 'results');
for (const lr of ['0.001', '0.002']) {
  const r = dwgd(['train', '-c', file, '-o', results, '-q', '--set', `lr=${lr}`], dir);
  assert.equal(r.code, 0, r.stderr);
}
const trainIds = readdirSync(join(results, 'tiny')).sort();
// A compare/sweep run folder lives at <out>/compare/<name>/runs/<id>/: the index must find it there too.
cpSync(join(results, 'tiny', trainIds[0]), join(results, 'compare', 'grid', 'runs', trainIds[0]), { recursive: true });
const runJson = (id: string) => JSON.parse(readFileSync(join(results, 'tiny', id, 'run.json'), 'utf8')) as { config: { lr: number }; record: { methods: Record<string, { clean: number }> } };
const lrOf = (id: string) => runJson(id).config.lr;
const [idA, idB] = lrOf(trainIds[0]) === 0.001 ? trainIds : [trainIds[1], trainIds[0]];

test('runs --json: every run folder under the results folder, train and compare layouts, with time and clean metrics', () => {
  const r = dwgd(['runs', results, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const list = (JSON.parse(r.stdout) as { runs: { runId: string; dir: string; startedAt: string; name: string; dataset: string; arch: string; trainSize: number; methods: string[]; clean: Record<string, number> }[] }).runs;
  assert.equal(list.length, 3);
  assert.deepEqual(list.map((x) => x.runId).sort(), [trainIds[0], ...trainIds].sort());
  assert.ok(list.some((x) => x.dir.endsWith(join('compare', 'grid', 'runs', trainIds[0]))));
  for (const x of list) {
    assert.equal(x.dataset, 'mnist');
    assert.equal(x.arch, '2-layer');
    assert.equal(x.trainSize, 50);
    assert.deepEqual(x.methods, ['dwm', 'sgd']);
    assert.match(x.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const stored = runJson(x.runId).record.methods;
    assert.equal(x.clean.dwm, stored.dwm.clean);
    assert.equal(x.clean.sgd, stored.sgd.clean);
  }
  const text = dwgd(['runs', results], dir);
  assert.equal(text.code, 0);
  assert.match(text.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +tiny +mnist +2-layer +50 +5 +acc % +dwm \\d+\\.\\d\\d · sgd \\d+\\.\\d\\d +${idA}$`, 'm'));
  assert.match(text.stdout, /^3 runs under /m);
});

test('runs show: a unique start of the id prints that run; an ambiguous one names the matches, exit 2', () => {
  const r = dwgd(['runs', 'show', idB.slice(0, 7), '--dir', results], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^run ${idB}`));
  assert.match(r.stdout, /\| dwm \|/);
  assert.match(r.stdout, /lr: 0\.002/);
  const amb = dwgd(['runs', 'show', 's5-', '--dir', results], dir);
  assert.equal(amb.code, 2);
  assert.match(amb.stderr, /s5-: 3 runs match/);
  assert.equal(amb.stderr.trim().split('\n').length, 1);
  const json = dwgd(['runs', 'show', idA.slice(0, 8), '--dir', results, '--json'], dir);
  assert.equal(json.code, 2, 'the id of the copied run is in two folders: ambiguous');
  const byDir = dwgd(['runs', 'show', join(results, 'tiny', idA), '--json'], dir);
  assert.equal(byDir.code, 0, byDir.stderr);
  assert.equal((JSON.parse(byDir.stdout) as { run: { runId: string } }).run.runId, idA);
});

test('runs diff: only the keys that differ (lr) and the metrics that differ', () => {
  const r = dwgd(['runs', 'diff', join(results, 'tiny', idA), idB, '--dir', results, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as { config: { key: string; a: unknown; b: unknown }[]; identity: unknown[]; metrics: { key: string; a: unknown; b: unknown }[] };
  assert.deepEqual(d.config, [{ key: 'lr', a: 0.001, b: 0.002 }]);
  assert.deepEqual(d.identity, []);
  const storedA = runJson(idA).record.methods;
  const storedB = runJson(idB).record.methods;
  for (const m of ['dwm', 'sgd']) {
    const clean = d.metrics.find((x) => x.key === `clean.${m}`);
    if (storedA[m].clean === storedB[m].clean) assert.equal(clean, undefined);
    else assert.deepEqual(clean, { key: `clean.${m}`, a: storedA[m].clean, b: storedB[m].clean });
  }
  assert.ok(!d.metrics.some((x) => x.key.startsWith('status.')), 'both ok: no status line');
  const self = dwgd(['runs', 'diff', join(results, 'tiny', idA), join(results, 'tiny', idA), '--json'], dir);
  const none = JSON.parse(self.stdout) as { config: unknown[]; metrics: unknown[] };
  assert.deepEqual([none.config, none.metrics], [[], []]);
  const text = dwgd(['runs', 'diff', join(results, 'tiny', idA), idB, '--dir', results], dir);
  assert.match(text.stdout, /^lr +0\.001 +0\.002$/m);
});

test('runs: a folder that does not exist is one line, exit 2', () => {
  const r = dwgd(['runs', join(dir, 'nowhere')], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nowhere: no such folder/);
});

test('--print-config: train prints the resolved config (defaults, overrides) and writes nothing, even without the data', () => {
  const { dir: d2, file: cifar } = tempFile('c.yaml', 'dataset: {name: cifar-10, path: /nonexistent/cifar}\ntrainSize: 100\n');
  const r = dwgd(['train', '-c', cifar, '--set', 'lr=0.01', '--set', 'hidden=[64, 32]', '--print-config', '-o', join(d2, 'out')], d2);
  assert.equal(r.code, 0, r.stderr);
  const c = parseYaml(r.stdout) as Record<string, unknown>;
  assert.equal(c.lr, 0.01);
  assert.deepEqual(c.hidden, [64, 32]);
  assert.equal(c.turns, 6);
  assert.deepEqual(c.methods, ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1']);
  assert.equal(c.name, 'c');
  assert.ok(!existsSync(join(d2, 'out')));
  const j = dwgd(['train', '-c', cifar, '--print-config', '--json'], d2);
  assert.equal((JSON.parse(j.stdout) as { trainSize: number }).trainSize, 100);
  const bad = dwgd(['train', '-c', cifar, '--set', 'trainsize=5', '--print-config'], d2);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /trainsize: unknown key/);
});

test('--print-config: compare and sweep print one config per run of the plan', () => {
  const c = dwgd(['compare', '-c', join(ROOT, 'configs', 'paper', 'all.yaml'), '--only', 'dataset=wine-quality', '--seeds', '2', '--print-config', '--json'], dir);
  assert.equal(c.code, 0, c.stderr);
  const runs = (JSON.parse(c.stdout) as { runs: { config: { dataset: { name: string }; seed: number; trainSize: number } }[] }).runs;
  // wine-quality × 2 architectures × 3 training sizes × 2 seeds.
  assert.equal(runs.length, 12);
  assert.ok(runs.every((x) => x.config.dataset.name === 'wine-quality'));
  assert.deepEqual([...new Set(runs.map((x) => x.config.seed))].sort(), [5, 6]);
  const s = dwgd(['sweep', '-c', join(ROOT, 'configs', 'sweeps', 'mnist-test-noise.yaml'), '--set', 'trainSize=100', '--print-config'], dir);
  assert.equal(s.code, 0, s.stderr);
  const docs = s.stdout.split(/^---$/m);
  for (const doc of docs) assert.equal((parseYaml(doc) as { trainSize: number }).trainSize, 100);
});
