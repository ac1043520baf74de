// The train command as a user meets it: bad configs fail with one line and exit code 2 and
// leave nothing behind; a good config writes a run folder and, with --json, one JSON object.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN, ROOT } from '../experiment/testing/paths.js';


function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `dataset:
  name: mnist
hidden: [8]
trainSize: 60
turns: 2
stepsPerTurn: 200
methods: [dwm, sgd]
`;

function workspace(configText?: string): { dir: string; config: string } {
  const { dir, file } = tempFile('exp.yaml', configText);
  return { dir, config: file };
}

const bad: [string, string | undefined, RegExp, string[]?][] = [
  ['unknown key', GOOD + 'learningRate: 0.1\n', /learningRate: unknown key/],
  ['unknown nested key', GOOD.replace('name: mnist', 'name: mnist\n  colour: red'), /dataset\.colour: unknown key/],
  ['wrong type', GOOD.replace('trainSize: 60', 'trainSize: many'), /trainSize: expected number, got "many"/],
  ['impossible value', GOOD.replace('trainSize: 60', 'trainSize: -5'), /trainSize: expected a number > 0, got -5/],
  ['unknown method', GOOD.replace('[dwm, sgd]', '[dwm, adamw]'), /methods\[1\]: unknown method 'adamw'/],
  ['unknown dataset', GOOD.replace('name: mnist', 'name: imagenet'), /dataset\.name: expected one of/],
  ['malformed YAML', 'dataset: [mnist\nhidden: 3\n', /malformed YAML/],
  ['missing file', undefined, /no such file/],
  ['bad --set', GOOD, /--set trainSize: expected key=value/, ['--set', 'trainSize']],
  ['--set of an unknown key', GOOD, /trainsize: unknown key/, ['--set', 'trainsize=5']],
  ['trainSize beyond the pool', GOOD.replace('trainSize: 60', 'trainSize: 60000'), /trainSize: 60000 is larger than the 55000 samples/],
];

for (const [name, text, message, extra] of bad) {
  test(`bad input (${name}): one line on stderr, exit code 2, no run folder`, () => {
    const { dir, config } = workspace(text);
    const r = dwgd(['train', '--config', config, '--out', join(dir, 'results'), '--quiet', ...(extra ?? [])], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, got: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(join(dir, 'results', 'exp')) || readdirSync(join(dir, 'results', 'exp')).length === 0);
  });
}

test('a good config: --json prints exactly one JSON object; the run folder holds every file', () => {
  const { dir, config } = workspace(GOOD);
  const r = dwgd(['train', '--config', config, '--out', join(dir, 'results'), '--json', '--save-weights'], dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]);
  assert.equal(out.dataset, 'mnist');
  assert.equal(out.metric, 'accuracy');
  assert.deepEqual(Object.keys(out.methods), ['dwm', 'sgd']);
  for (const m of Object.values(out.methods) as { perTurn: number[]; clean: number; noisy: number }[]) {
    assert.equal(m.perTurn.length, 2);
    assert.ok(m.clean > 0.1 && m.clean <= 1, 'accuracy as a fraction, above chance');
    assert.ok(m.noisy >= 0 && m.noisy <= 1);
  }
  const files = readdirSync(out.runDir).sort();
  assert.deepEqual(files, ['config.yaml', 'metrics.csv', 'metrics.jsonl', 'provenance.json', 'run.json', 'table.csv', 'table.md', 'weights']);
  const run = JSON.parse(readFileSync(join(out.runDir, 'run.json'), 'utf8'));
  assert.equal(run.format, 'dwgd-run/3');
  assert.equal(run.record.methods.dwm.clean, out.methods.dwm.clean);
  // The paper's noisy test is the evaluation point at the config's σ (0.3 by default).
  assert.deepEqual(run.record.points, [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }]);
  assert.equal(run.record.methods.dwm.at[0].value, out.methods.dwm.noisy);
  // table.csv, the study's tidy table: per method 2 turns × (accuracy, train_loss), then the
  // balanced and 10 class rows after the last turn, then σ = 0.3: accuracy, balanced, 10 classes.
  const table = readFileSync(join(out.runDir, 'table.csv'), 'utf8').trim().split('\n');
  assert.equal(table.length, 1 + 2 * (2 * 2 + (1 + 10) + (1 + 1 + 10)));
  const header = table[0].split(',');
  const row = table.find((l) => l.startsWith(`${out.runId},`) && l.split(',')[header.indexOf('eval.noise.sigma')] === '0.3' && l.split(',')[header.indexOf('group')] === '' && l.split(',')[header.indexOf('method')] === 'dwm');
  assert.ok(row, 'the noisy row of dwm');
  assert.equal(Number(row.split(',')[header.indexOf('value')]), out.methods.dwm.noisy);
  assert.match(run.code.fingerprint, /^[0-9a-f]{16}$/);
  assert.equal(run.code.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  // Provenance: the data files by content, checked against an independent hash of the files read.
  const prov = JSON.parse(readFileSync(join(out.runDir, 'provenance.json'), 'utf8'));
  assert.equal(prov.dataPaths.length, 2);
  assert.deepEqual(run.data.files.map((f: { sha256: string }) => f.sha256),
    prov.dataPaths.map((p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')));
  assert.equal(run.data.files[0].size, statSync(prov.dataPaths[0]).size);
  assert.equal(prov.node, process.version);
  assert.ok(prov.cpu.cores >= 1 && prov.cpu.model.length > 0);
  assert.ok(Date.parse(prov.startedAt) <= Date.parse(prov.endedAt));
  assert.ok(prov.command.includes('train') && prov.command.includes('--save-weights'));
  assert.doesNotMatch(readFileSync(join(out.runDir, 'run.json'), 'utf8'), /startedAt|wallSeconds/, 'no clock in run.json');
  const csv = readFileSync(join(out.runDir, 'metrics.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + 2 * (2 + 1), 'header + per method 2 turns and the noisy row');
  const weights = JSON.parse(readFileSync(join(out.runDir, 'weights', 'dwm.json'), 'utf8'));
  assert.deepEqual(weights.sizes, [784, 8, 10]);
  const last = weights.final[1];
  last.W.forEach((w: number, i: number) => assert.ok(Math.abs(w - (last.W1[i] - last.W2[i])) < 1e-12));
  const order = JSON.parse(readFileSync(join(out.runDir, 'weights', 'order.json'), 'utf8'));
  assert.equal(order.order.length, 400);
  assert.equal(order.trainList.length, 60);
  // Nothing temporary left beside the run folder.
  assert.deepEqual(readdirSync(dirname(out.runDir)).filter((f) => f.startsWith('.')), []);
});

test('a run that diverges is reported as diverged, exit 0; a collapsed one as collapsed', () => {
  const { dir, config } = workspace(GOOD);
  // lr 10: dwm's weights blow up within the first turn, sgd
  // ends predicting one class for every input.
  const r = dwgd(['train', '--config', config, '--out', join(dir, 'results'), '--json', '--quiet', '--set', 'lr=10'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.methods.dwm.status, 'diverged', JSON.stringify(out.methods.dwm));
  assert.equal(out.methods.sgd.status, 'collapsed', JSON.stringify(out.methods.sgd));
  const run = JSON.parse(readFileSync(join(out.runDir, 'run.json'), 'utf8'));
  assert.equal(run.record.methods.dwm.diverged.turn, 1);
  assert.match(run.record.methods.dwm.diverged.reason, /a weight (is NaN|reached \S+, beyond 1e\+6)|training loss|test metric/);
  assert.match(readFileSync(join(out.runDir, 'metrics.csv'), 'utf8'), /^dwm,clean,1,accuracy,[^,]*,[^,]*,yes$/m);
  assert.match(run.record.methods.sgd.collapsed.reason, /predicts class \d for (99\.\d|100\.0) %/);
  const table = readFileSync(join(out.runDir, 'table.md'), 'utf8');
  assert.match(table, /\| dwm \|.*\| diverged at turn 1/);
  assert.match(table, /\| sgd \|.*\| collapsed/);
});

test('--help explains the train command', () => {
  const r = dwgd(['train', '--help'], ROOT);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--config <file>/);
  assert.match(r.stdout, /--set <key=value>/);
});

test('--version prints the package version', () => {
  const r = dwgd(['--version'], ROOT);
  assert.equal(r.code, 0);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout.trim(), pkg.version);
});
