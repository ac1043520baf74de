// `dwgd export --out` (issue 20): outputs are written only to a regular file or a new path. A
// device, a FIFO, a socket or a folder given as --out is refused in one line naming --out, and
// is still what it was afterwards (renaming a file over /dev/null as root replaced the device).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN } from '../experiment/testing/paths.js';
import { WEIGHTS_FORMAT } from '../results/run-record.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run folder with saved weights of one method, as --save-weights leaves it (only what export reads). */
const runDir = join(dir, 's5-0123456789');
mkdirSync(join(runDir, 'weights'), { recursive: true });
writeFileSync(join(runDir, 'run.json'), JSON.stringify({ runId: 's5-0123456789', config: { methods: ['sgd'] } }));
writeFileSync(join(runDir, 'weights', 'order.json'), '{}');
writeFileSync(join(runDir, 'weights', 'sgd.json'), JSON.stringify({ format: WEIGHTS_FORMAT, method: 'sgd', sizes: [2, 1], final: [{ W: [0.5, -0.25], b: [0.125] }] }));

function dwgd(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'export', runDir, '--format', 'npz', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
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
