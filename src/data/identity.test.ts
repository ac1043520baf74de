// The data identity: sha-256 of each file (checked against node:crypto over the whole file), and a
// cache that is used while a file is unchanged and ignored once its size or mtime changes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgetHashCache, hashCacheFile, identifyFile, sha256File } from './identity.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('sha256File equals the hash of the whole file, across its 4 MiB pieces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-id-'));
  const big = Buffer.alloc((4 << 20) + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 255;
  writeFileSync(join(dir, 'big.bin'), big);
  assert.equal(sha256File(join(dir, 'big.bin')), sha(big));
  assert.equal(sha256File(join(dir, 'big.bin')), sha(readFileSync(join(dir, 'big.bin'))));
});

test('identifyFile caches by path, size and mtime, and hashes again when the file changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-id-'));
  const env = { DWGD_CACHE_DIR: join(dir, 'cache') };
  const file = join(dir, 'data.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const first = identifyFile(file, env);
  assert.deepEqual(first, { name: 'data.csv', size: 8, sha256: sha('a,b\n1,2\n') });
  assert.ok(existsSync(hashCacheFile(env)));
  // Poison the cached hash: an unchanged file is answered from the cache (so it is used) …
  const cacheText = readFileSync(hashCacheFile(env), 'utf8').replace(first.sha256, 'f'.repeat(64));
  writeFileSync(hashCacheFile(env), cacheText);
  forgetHashCache();
  assert.equal(identifyFile(file, env).sha256, 'f'.repeat(64), 'an unchanged file is not read again');
  // … and a changed file (same size, new mtime) is hashed afresh.
  writeFileSync(file, 'a,b\n1,3\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(identifyFile(file, env).sha256, sha('a,b\n1,3\n'));
});

// Issue 20: Node's recursive mkdir retries for ever under /proc (mkdir answers ENOENT there), so a
// hash cache folder under /proc hung `dwgd train` before it printed anything. Run in a child
// process, so that the old behaviour fails the test on its time limit instead of hanging it.
test('a hash cache folder under /proc costs a re-hash, not a hang', { skip: existsSync('/proc/self') ? false : 'no /proc here' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-id-'));
  const file = join(dir, 'data.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const identity = new URL('./identity.js', import.meta.url).href;
  const script = `import { identifyFile } from ${JSON.stringify(identity)};
    process.stdout.write(JSON.stringify(identifyFile(${JSON.stringify(file)})));`;
  for (const env of [{ DWGD_CACHE_DIR: '/proc/dwgd-cache' }, { XDG_CACHE_HOME: '/proc' }]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH, ...env } });
    assert.equal(r.status, 0, `${JSON.stringify(env)}: ${r.error ?? r.stderr}`);
    assert.equal(JSON.parse(r.stdout).sha256, sha('a,b\n1,2\n'));
  }
});
