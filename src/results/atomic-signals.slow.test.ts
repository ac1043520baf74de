// Atomic writes under a signal (a process killed mid-write): the temporary folder is removed
// and the process ends as the signal would. These start processes, so they are in the slow suite.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = mkdtempSync(join(tmpdir(), 'dwgd-atomic-sig-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ATOMIC = fileURLToPath(new URL('./atomic.js', import.meta.url));

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} while a folder is being written: no temporary folder left, exit ${code}`, async () => {
    const dir = mkdtempSync(join(root, 'sig-'));
    // The fill announces itself, then stays busy for a second: the signal lands mid-write.
    const script = `import { writeDirAtomic } from ${JSON.stringify(ATOMIC)};
      import { writeFileSync } from 'node:fs';
      writeDirAtomic(${JSON.stringify(join(dir, 'run'))}, (d) => {
        writeFileSync(d + '/a.json', 'first');
        process.stdout.write('filling\\n');
        const end = Date.now() + 1000;
        while (Date.now() < end) {}
        writeFileSync(d + '/b.json', 'second');
      });
      setTimeout(() => {}, 5000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.kill(signal);
    const exit = await new Promise<{ code: number | null; sig: string | null }>((r) => child.on('exit', (c, s) => r({ code: c, sig: s })));
    assert.deepEqual(exit, { code, sig: null });
    assert.deepEqual(readdirSync(dir), ['run'], 'only the finished folder');
    assert.equal(readFileSync(join(dir, 'run', 'b.json'), 'utf8'), 'second');
  });
}

