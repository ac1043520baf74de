// Ctrl-C on `dwgd compare` (issue 12): exit 130 with a line saying that --resume continues,
// and the runs finished before it are reused by --resume.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN } from '../experiment/testing/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-int-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('Ctrl-C on compare: exit 130, says --resume continues, and --resume reuses the finished runs', async () => {
  const cfg = join(dir, 'tiny.yaml');
  writeFileSync(cfg, 'dataset: {name: mnist}\nhidden: [4]\ntrainSize: 50\nturns: 1\nstepsPerTurn: 100\nmethods: [sgd]\n');
  const args = [BIN, 'compare', '--config', cfg, '--seeds', '40', '--workers', '1', '--out', join(dir, 'out')];
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  await new Promise<void>((r) => child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (/\] .* done in/.test(stderr)) r();
  }));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: \d+ finished runs? (is|are) kept; run the same command with --resume to continue where it stopped\n$/);
  const done = Number(/interrupted: (\d+)/.exec(stderr)![1]);
  assert.ok(done >= 1);
  // Resume with a plan of one seed, which the interrupted run has finished: nothing is trained again.
  const again = spawnSync(process.execPath, [...args.slice(0, 4), '--seeds', '1', '--workers', '1', '--out', join(dir, 'out'), '--resume', '--json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  const outcome = JSON.parse(again.stdout) as { ran: number; reused: number };
  assert.deepEqual({ ran: outcome.ran, reused: outcome.reused }, { ran: 0, reused: 1 });
});
