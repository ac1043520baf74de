// `dwgd export --out` (issue 20): outputs are written only to a regular file or a new path. A
// device, a FIFO, a socket or a folder given as --out is refused in one line naming --out, and
// is still what it was afterwards (renaming a file over /dev/null as root replaced the device).
// A damaged run folder or weights file is named in one line, not a stack trace.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { BIN } from '../experiment/testing/paths.js';
import { runTrain } from './testing/pipelines.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run folder with saved weights, as `train --save-weights` writes it (a tiny CSV regression). */
const csv = join(dir, 'data.csv');
writeFileSync(csv, 'a,b,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i % 7) - 0.5 * ((i * 3) % 5)}`).join('\n') + '\n');
writeFileSync(join(dir, 'tiny.yaml'), `name: tiny\ndataset: { name: csv, path: ${csv}, target: y, task: regression }\nhidden: [3]\ntrainSize: 20\nturns: 1\nstepsPerTurn: 20\nmethods: [sgd]\n`);
const trained = await runTrain({ config: join(dir, 'tiny.yaml'), set: [], out: join(dir, 'results'), saveWeights: true, download: false });
const runDir = trained.stored!.get(trained.study.runs[0].id)!.dir;
spawnSync(process.execPath, [BIN, 'export', runDir, '--method', 'sgd', '--format', 'npz', '--out', join(dir, 'by-folder.npz')], { cwd: dir });

function dwgd(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'export', runDir, '--method', 'sgd', '--format', 'npz', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function refused(out: string, problem: RegExp): void {
  const r = dwgd(['--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error: --out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${problem.source}`));
  assert.doesNotMatch(r.stderr, /\.tmp-/, 'no temporary name');
}

test('export --out at a FIFO, a socket or a folder: refused, naming --out, and left as it was', async () => {
  const fifo = join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    refused(fifo, /is a named pipe \(FIFO\), not a file; outputs go only to a regular file or a new path/);
    assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
  }
  const folder = join(dir, 'exports');
  mkdirSync(folder);
  refused(folder, /is a folder, not a file; give a file name/);
  assert.deepEqual(readdirSync(folder), []);
  const sock = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    refused(sock, /is a socket, not a file/);
    assert.ok(statSync(sock).isSocket());
  } finally {
    server.close();
  }
  const empty = dwgd(['--out', '']);
  assert.deepEqual([empty.code, empty.stderr], [2, "error: --out '': an empty path; give a file name\n"]);
});

// A character device of our own (the numbers of /dev/null), so the old behaviour breaks nothing of the machine's.
test('export --out at a device node: refused, the device is still a device', { skip: process.getuid?.() === 0 ? false : 'mknod needs root' }, () => {
  const dev = join(dir, 'null-device');
  if (spawnSync('mknod', [dev, 'c', '1', '3']).status !== 0) return;
  refused(dev, /is a character device, not a file/);
  assert.ok(statSync(dev).isCharacterDevice(), 'still a device');
});

test('export --out at a new path or a regular file writes it; a file in the way above it is named', () => {
  const fresh = join(dir, 'new', 'sgd.npz');
  assert.equal(dwgd(['--out', fresh]).code, 0);
  assert.ok(statSync(fresh).isFile());
  assert.equal(dwgd(['--out', fresh]).code, 0, 'a regular file is replaced');
  refused(join(fresh, 'x.npz'), new RegExp(`${fresh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file, not a folder`));
  assert.ok(!existsSync(join(dir, 'new', '.sgd.npz.tmp')));
});

test('export of a damaged run folder: one line naming the file and what is wrong, exit 2', () => {
  const file = join(runDir, 'run.json');
  const before = readFileSync(file, 'utf8');
  try {
    const run = JSON.parse(before);
    run.record = {};
    writeFileSync(file, JSON.stringify(run));
    const r = dwgd(['--out', join(dir, 'damaged.npz')]);
    assert.deepEqual([r.code, r.stderr], [2, `error: ${relative(dir, file)}: record is empty\n`], 'the path as seen from the working folder');
    writeFileSync(file, before.slice(0, 100));
    assert.match(dwgd([]).stderr, /^error: .*run\.json: not valid JSON \(cut short\?\)\n$/);
  } finally {
    writeFileSync(file, before);
  }
  const weights = join(runDir, 'weights', 'sgd.json');
  const w = readFileSync(weights, 'utf8');
  try {
    writeFileSync(weights, w.slice(0, 50));
    assert.deepEqual(dwgd(['--out', join(dir, 'damaged.npz')]).stderr, `error: ${weights}: not valid JSON (cut short?)\n`);
  } finally {
    writeFileSync(weights, w);
  }
  assert.ok(!existsSync(join(dir, 'damaged.npz')));
});

test('export takes a run id or a unique start of one, found under --dir as runs show finds it; none or several: one line', async () => {
  const results = join(dir, 'results');
  const id = trained.study.runs[0].id;
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  for (const ref of [id, id.slice(0, 6)]) {
    const out = join(dir, `by-id-${ref}.npz`);
    const r = run(['export', ref, '--dir', results, '--method', 'sgd', '--format', 'npz', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(out), readFileSync(join(dir, 'by-folder.npz')), 'the same bytes as exporting the folder');
  }
  // The default --dir is ./results, as for runs show.
  assert.equal(run(['export', id.slice(0, 6), '--method', 'sgd', '--format', 'npz', '--out', join(dir, 'default-dir.npz')]).status, 0);
  const none = run(['export', 'zz9', '--dir', results, '--format', 'npz']);
  assert.deepEqual([none.status, none.stderr], [2, `error: zz9: no run under ${results} has an id starting so (\`node bin/dwgd.js runs ${results}\` lists them)\n`]);
  // A second run (another seed): the prefix 's' now names both, and the error lists them.
  const other = await runTrain({ config: join(dir, 'tiny.yaml'), set: ['seed=6'], out: results, saveWeights: true, download: false });
  const otherDir = other.stored!.get(other.study.runs[0].id)!.dir;
  const both = run(['export', 's', '--dir', results, '--format', 'npz']);
  assert.equal(both.status, 2);
  assert.equal(both.stderr.split('\n').length, 2, both.stderr);
  assert.match(both.stderr, /^error: s: 2 runs match \(.*\); give more of the id or the run folder\n$/);
  assert.ok(both.stderr.includes(relative(dir, runDir)) && both.stderr.includes(relative(dir, otherDir)), both.stderr);
  // runs show takes the same unique start.
  const shown = run(['runs', 'show', id.slice(0, 6), '--dir', results, '--json']);
  assert.equal(shown.status, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).run.runId, id);
});
