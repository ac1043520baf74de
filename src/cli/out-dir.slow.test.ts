// The results folder (issue 12): --out at a file, under a file, where nothing can be written or
// on a disk too small is refused before any training, in one line and with exit code 2; a write
// that fails after training anyway puts the results in a rescue folder and says so.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../errors.js';
import { writeDirAtomic } from '../results/atomic.js';
import { checkOutDir, saveWithRescue } from '../results/out-dir.js';
import { BIN } from '../experiment/testing/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-out-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// /sys refuses new entries even to root (EPERM): a folder nobody can write in, on Linux.
const UNWRITABLE = existsSync('/sys/kernel') ? '/sys/dwgd-results' : null;

test('checkOutDir: a file in the way, at the path or above it, is named', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  assert.throws(() => checkOutDir(file), (e: unknown) => e instanceof UserError && e.message === `--out ${file}: ${file} is a file, not a folder`);
  assert.throws(() => checkOutDir(join(file, 'sub', 'deeper')), new RegExp(`${file} is a file, not a folder`));
  assert.deepEqual(readdirSync(dir), ['a-file'], 'nothing left behind');
});

test('checkOutDir: a folder that exists or can be created passes and nothing is left behind', () => {
  const base = mkdtempSync(join(dir, 'ok-'));
  checkOutDir(base);
  checkOutDir(join(base, 'not', 'yet'));
  assert.deepEqual(readdirSync(base), []);
});

test('checkOutDir: a folder nothing can be written in is refused', { skip: UNWRITABLE ? false : 'no /sys here' }, () => {
  assert.throws(() => checkOutDir(UNWRITABLE!), /--out \/sys\/dwgd-results: cannot write in \/sys: operation not permitted \(EPERM\)/);
});

test('checkOutDir: too little free space for what the run will write is refused', () => {
  assert.throws(() => checkOutDir(dir, 1e18), /the results need about 1000000000000\.0 MB, .* free/);
});

test('saveWithRescue: a write that fails on the file system goes to the rescue folder, and says so', () => {
  const blocked = join(dir, 'blocker');
  writeFileSync(blocked, 'x');
  const rescueRoot = join(dir, 'rescue');
  const write = (d: string) => {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'summary.json'), '{}');
  };
  const saved = saveWithRescue(join(blocked, 'quickstart', 's5-abc'), write, rescueRoot);
  assert.equal(saved.dir, join(rescueRoot, 'quickstart', 's5-abc'));
  assert.equal(readFileSync(join(saved.dir, 'summary.json'), 'utf8'), '{}');
  assert.match(saved.problem!, /^cannot write .*blocker.*: a part of the path is a file, not a folder \(ENOTDIR\); the results were written to .*rescue\/quickstart\/s5-abc instead$/);
  assert.equal(saveWithRescue(join(dir, 'fine'), write, rescueRoot).problem, undefined);
});

function dwgd(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --out at a file or an unwritable folder: one line, exit 2, before any training', () => {
  const cfg = join(dir, 'long.yaml');
  // A million steps per turn would take minutes: a quick answer proves nothing was trained.
  writeFileSync(cfg, 'dataset: {name: mnist}\ntrainSize: 100\nstepsPerTurn: 1000000\nmethods: [sgd]\n');
  writeFileSync(join(dir, 'results-file'), 'x');
  const targets = [join(dir, 'results-file'), ...(UNWRITABLE ? [UNWRITABLE] : [])];
  for (const out of targets) {
    const t0 = Date.now();
    const r = dwgd(['train', '--config', cfg, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: --out /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(Date.now() - t0 < 20_000);
  }
  for (const cmd of ['compare', 'sweep']) {
    const r = dwgd([cmd, '--config', cfg, '--out', join(dir, 'results-file')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: --out .*results-file is a file, not a folder\n$/);
  }
});

// Issue 20: a write that fails where asked and in the rescue folder leaves no empty folder in either.
test('saveWithRescue: when both writes fail, no empty run or rescue folder is left', () => {
  const base = mkdtempSync(join(dir, 'lost-'));
  const write = (d: string) => writeDirAtomic(d, (t) => {
    writeFileSync(join(t, 'run.json'), '{}');
    throw Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG', syscall: 'write' });
  });
  assert.throws(() => saveWithRescue(join(base, 'out', 'quickstart', 's5-abc'), write, join(base, 'rescue')), (e: unknown) =>
    e instanceof UserError && /the results are lost/.test(e.message));
  assert.deepEqual(readdirSync(base), [], 'out/quickstart and rescue/quickstart are gone');
  // A writer that makes its folders itself (not atomically) is tidied up after as well.
  const plain = (d: string) => {
    mkdirSync(d, { recursive: true });
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  };
  assert.throws(() => saveWithRescue(join(base, 'out', 'quickstart', 's5-abc'), plain, join(base, 'rescue')), /the results are lost/);
  assert.deepEqual(readdirSync(base), []);
});

test('saveWithRescue: a rescue root nobody may write in is named, and leaves nothing where asked', { skip: process.getuid?.() === 0 ? 'root writes in any folder' : false }, () => {
  const base = mkdtempSync(join(dir, 'ro-'));
  const locked = join(base, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  const write = (d: string) => writeDirAtomic(d, (t) => {
    writeFileSync(join(t, 'run.json'), '{}');
    if (!d.startsWith(locked)) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', syscall: 'write' });
  });
  assert.throws(() => saveWithRescue(join(base, 'out', 'q', 's5-abc'), write, join(locked, 'rescue')), /permission denied \(EACCES\)/);
  assert.deepEqual(readdirSync(base), ['locked']);
  assert.deepEqual(readdirSync(locked), []);
});

// Issue 20: --out must be a folder or a new path. An empty one used to mean the current folder;
// a device, a FIFO or a socket is named for what it is.
test('checkOutDir: an empty path, a device, a FIFO and a socket are refused, each named', async () => {
  assert.throws(() => checkOutDir(''), (e: unknown) => e instanceof UserError && e.message === "--out '': an empty path; give a folder (e.g. --out results)");
  if (existsSync('/dev/null')) assert.throws(() => checkOutDir('/dev/null'), { message: '--out /dev/null: /dev/null is a character device, not a folder' });
  const fifo = join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    assert.throws(() => checkOutDir(fifo), { message: `--out ${fifo}: ${fifo} is a named pipe (FIFO), not a folder` });
    assert.throws(() => checkOutDir(join(fifo, 'sub')), { message: `--out ${join(fifo, 'sub')}: ${fifo} is a named pipe (FIFO), not a folder` });
  }
  const sock = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    assert.throws(() => checkOutDir(sock), { message: `--out ${sock}: ${sock} is a socket, not a folder` });
  } finally {
    server.close();
  }
});

test("train, compare, sweep and report --out '': one line naming --out, exit 2, nothing written in the current folder", () => {
  const cwd = mkdtempSync(join(dir, 'empty-out-'));
  const cfg = join(dir, 'long-empty.yaml');
  writeFileSync(cfg, 'dataset: {name: mnist}\ntrainSize: 100\nstepsPerTurn: 1000000\nmethods: [sgd]\n');
  for (const args of [['train', '--config', cfg], ['compare', '--config', cfg], ['sweep', '--config', cfg], ['report', join(dir, 'no-such-folder')]]) {
    const r = spawnSync(process.execPath, [BIN, ...args, '--out', ''], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
    assert.equal(r.status, 2, `${args[0]}: ${r.error ?? r.stderr}`);
    assert.equal(r.stderr, "error: --out '': an empty path; give a folder (e.g. --out results)\n", args[0]);
  }
  assert.deepEqual(readdirSync(cwd), []);
});
