// Atomic folders after kills and failed writes (issue 12): the next write removes temporary
// folders whose writer (on this host) is dead, and no other; a failed write leaves nothing.
// Signals during a write: atomic-signals.slow.test.ts.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeDirAtomic } from './atomic.js';

const root = mkdtempSync(join(tmpdir(), 'dwgd-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ATOMIC = fileURLToPath(new URL('./atomic.js', import.meta.url));

test('the next write removes temporary folders of dead writers on this host, and keeps the others', () => {
  const dir = mkdtempSync(join(root, 'stale-'));
  const host = hostname().replace(/[^A-Za-z0-9]/g, '_') || 'host';
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    const names = {
      deadHere: `.run.tmp-${host}-${dead}-0`,
      deadOld: `.run.tmp-${dead}-3`, // the name format before hosts were recorded
      alive: `.run.tmp-${host}-${sleeper.pid}-0`,
      otherHost: `.run.tmp-elsewhere-${dead}-0`,
      notTemp: '.hidden',
    };
    for (const n of Object.values(names)) mkdirSync(join(dir, n));
    writeDirAtomic(join(dir, 'run'), () => {});
    assert.deepEqual(readdirSync(dir).sort(), [names.alive, names.otherHost, names.notTemp, 'run'].sort());
    assert.ok(!existsSync(join(dir, names.deadHere)));
  } finally {
    sleeper.kill();
  }
});

// Issue 20: a failed write leaves no empty folders, neither the temporary one nor the parents it made.
test('a fill that throws after writing files leaves nothing: no temporary folder, no parent folder made for it', () => {
  const base = mkdtempSync(join(root, 'fail-'));
  const target = join(base, 'results', 'quickstart', 's5-abc');
  assert.throws(() => writeDirAtomic(target, (d) => {
    writeFileSync(join(d, 'run.json'), '{}');
    mkdirSync(join(d, 'weights'));
    writeFileSync(join(d, 'weights', 'sgd.json'), '{}');
    throw new Error('injected');
  }), /injected/);
  assert.deepEqual(readdirSync(base), [], 'results/ and results/quickstart/ were made for the write and are gone');
});

test('a fill that throws leaves an earlier folder where it was, and parents that hold other things', () => {
  const base = mkdtempSync(join(root, 'keep-'));
  const target = join(base, 'quickstart', 's5-abc');
  writeDirAtomic(target, (d) => writeFileSync(join(d, 'run.json'), 'first'));
  assert.throws(() => writeDirAtomic(target, () => { throw new Error('injected'); }), /injected/);
  assert.deepEqual(readdirSync(join(base, 'quickstart')), ['s5-abc']);
  assert.equal(readFileSync(join(target, 'run.json'), 'utf8'), 'first');
  assert.throws(() => writeDirAtomic(join(base, 'quickstart', 'new', 's5-def'), () => { throw new Error('injected'); }), /injected/);
  assert.deepEqual(readdirSync(join(base, 'quickstart')), ['s5-abc'], 'quickstart/new/ removed, quickstart/ kept');
});

test('under a file size limit (ulimit -f 0) both atomic writers fail with EFBIG and leave no folder', { skip: process.platform === 'win32' ? 'no ulimit' : false }, () => {
  const base = mkdtempSync(join(root, 'efbig-'));
  const script = `import { writeDirAtomic, writeFileAtomic } from ${JSON.stringify(ATOMIC)};
    import { writeFileSync } from 'node:fs';
    const codes = [];
    try { writeFileAtomic(${JSON.stringify(join(base, 'a', 'b', 'REPORT.md'))}, 'x'.repeat(100)); } catch (e) { codes.push(e.code); }
    try { writeDirAtomic(${JSON.stringify(join(base, 'c', 'd', 'run'))}, (t) => writeFileSync(t + '/run.json', 'x'.repeat(100))); } catch (e) { codes.push(e.code); }
    process.stdout.write(JSON.stringify(codes));`;
  const r = spawnSync('sh', ['-c', `ulimit -f 0 && exec "${process.execPath}" --input-type=module -e '${script.replace(/'/g, `'\\''`)}'`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['EFBIG', 'EFBIG']);
  assert.deepEqual(readdirSync(base), []);
});
