// The source chain: explicit path → DWGD_DATA_DIR → datasets/ cache → package folders,
// alternative file sets per folder, and the one-line "not found" with the fetch command.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataNotFoundError, locate } from './sources.js';

const root = mkdtempSync(join(tmpdir(), 'dwgd-src-'));
after(() => rmSync(root, { recursive: true, force: true }));
// A name no project cache folder has.
const NAME = 'dwgd-sources-test-set';

function folder(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'x');
  }
  return dir;
}

test('order: explicit path, then DWGD_DATA_DIR/<name>, then package folders', () => {
  const explicit = folder('explicit', ['a.bin']);
  const envRoot = join(root, 'env');
  folder(join('env', NAME), ['a.bin.gz']);
  const pkg = folder('pkg', ['a.bin']);
  const req = { dataset: NAME, files: [['a.bin', 'a.bin.gz']], packageDirs: [pkg] };
  assert.deepEqual(locate({ ...req, explicitPath: explicit }, { DWGD_DATA_DIR: envRoot }).origin, { kind: 'path', location: explicit });
  const fromEnv = locate(req, { DWGD_DATA_DIR: envRoot });
  assert.equal(fromEnv.origin.kind, 'env');
  assert.deepEqual(fromEnv.paths, [join(envRoot, NAME, 'a.bin.gz')]);
  assert.deepEqual(locate(req, {}).origin, { kind: 'package', location: pkg });
});

test('alternative file sets are tried in the same folder before the next folder', () => {
  const envRoot = join(root, 'env-alt');
  folder(join('env-alt', NAME), ['archive.tar.gz']);
  const pkg = folder('pkg-alt', ['one.bin', 'two.bin']);
  const req = { dataset: NAME, files: [['one.bin'], ['two.bin']], altFiles: [[['archive.tar.gz']]], packageDirs: [pkg] };
  const found = locate(req, { DWGD_DATA_DIR: envRoot });
  assert.equal(found.set, 1);
  assert.equal(found.origin.kind, 'env');
  const fromPkg = locate(req, {});
  assert.equal(fromPkg.set, 0);
  assert.equal(fromPkg.paths.length, 2);
});

test('not found: one line listing where it looked and the command that gets it', () => {
  assert.throws(
    () => locate({ dataset: NAME, files: [['a.bin']], fetchHint: `dwgd datasets fetch ${NAME}` }, { DWGD_DATA_DIR: join(root, 'nowhere') }),
    (e: unknown) => e instanceof DataNotFoundError && !e.message.includes('\n') &&
      e.message.includes(join(root, 'nowhere', NAME)) && e.message.endsWith(`get it with \`dwgd datasets fetch ${NAME}\``),
  );
  assert.throws(() => locate({ dataset: NAME, files: [['a.bin']], explicitPath: join(root, 'nope') }, {}), /dataset\.path: .*nope does not exist/);
});
