// Folders made level by level (dirs.ts): what was made is reported and can be unmade, a file in
// the way is ENOTDIR, and a parent that refuses new entries (/proc) is an error, not a hang.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeDirs, removeMadeDirs } from './dirs.js';

const root = mkdtempSync(join(tmpdir(), 'dwgd-dirs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('makeDirs returns the folders it made, outermost first; removeMadeDirs removes those still empty', () => {
  const made = makeDirs(join(root, 'a', 'b', 'c'));
  assert.deepEqual(made, [join(root, 'a'), join(root, 'a', 'b'), join(root, 'a', 'b', 'c')]);
  assert.deepEqual(makeDirs(join(root, 'a', 'b')), [], 'an existing folder is made by nobody');
  writeFileSync(join(root, 'a', 'keep'), 'x');
  removeMadeDirs(made);
  assert.deepEqual(readdirSync(join(root, 'a')), ['keep'], 'b and c removed, a (no longer empty) kept');
  removeMadeDirs(makeDirs(join(root, 'x', 'y')));
  assert.ok(!existsSync(join(root, 'x')));
});

test('makeDirs: a file in the way is ENOTDIR, and nothing is made', () => {
  mkdirSync(join(root, 'f'));
  writeFileSync(join(root, 'f', 'file'), 'x');
  assert.throws(() => makeDirs(join(root, 'f', 'file', 'sub', 'deeper')), { code: 'ENOTDIR', syscall: 'mkdir', path: join(root, 'f', 'file') });
  assert.deepEqual(readdirSync(join(root, 'f')), ['file']);
});

test('makeDirs under /proc throws at once (Node\'s recursive mkdir loops there)', { skip: existsSync('/proc/self') ? false : 'no /proc here' }, () => {
  const t0 = Date.now();
  assert.throws(() => makeDirs('/proc/dwgd-test/cache'), { code: 'ENOENT' });
  assert.ok(Date.now() - t0 < 1000);
});
