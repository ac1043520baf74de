// Ctrl-C on `dwgd compare` and `dwgd sweep` (issues 12, 24): exit 130 with a line saying how
// many finished runs are kept and the exact command that continues (the same arguments with
// --resume, shell-quoted), and the runs finished before it are reused by --resume.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN } from '../experiment/testing/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-int-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The command the interrupted line names, split into words by a real shell. */
function resumeArgv(stderr: string): string[] {
  const command = /\n {2}(.+)\n$/.exec(stderr)![1];
  const r = spawnSync('bash', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

/** Start `args`, send SIGINT once a run is done; the exit code and stderr. */
async function interruptAfterFirstRun(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  await new Promise<void>((r) => child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (/\] .* done in/.test(stderr)) r();
  }));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { code, stderr };
}

test('Ctrl-C on compare: exit 130, says --resume continues, and --resume reuses the finished runs', async () => {
  const cfg = join(dir, 'tiny.yaml');
  writeFileSync(cfg, 'dataset: {name: mnist}\nhidden: [4]\ntrainSize: 50\nturns: 1\nstepsPerTurn: 100\nmethods: [sgd]\n');
  const out = join(dir, "out it's");
  const args = [BIN, 'compare', '--config', cfg, '--seeds', '40', '--workers', '1', '--out', out];
  const { code, stderr } = await interruptAfterFirstRun(args);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: \d+ finished runs? (is|are) kept; run the same command with --resume to continue where it stopped:\n {2}.+\n$/);
  const done = Number(/interrupted: (\d+)/.exec(stderr)![1]);
  assert.ok(done >= 1);
  assert.deepEqual(resumeArgv(stderr), [process.execPath, ...args, '--resume']);
  // Resume with a plan of one seed, which the interrupted run has finished: nothing is trained again.
  const again = spawnSync(process.execPath, [...args.slice(0, 4), '--seeds', '1', '--workers', '1', '--out', out, '--resume', '--json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  const outcome = JSON.parse(again.stdout) as { ran: number; reused: number };
  assert.deepEqual({ ran: outcome.ran, reused: outcome.reused }, { ran: 0, reused: 1 });
});

test('Ctrl-C on sweep: exit 130, the runs kept and the exact command with --resume once', async () => {
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, 'name: sw\nbase: {dataset: {name: mnist}, hidden: [4], trainSize: 50, turns: 1, stepsPerTurn: 100, methods: [sgd]}\ngrid:\n  lr: [0.01, 0.02, 0.03, 0.04]\n');
  // --resume already given: the command to continue holds it once.
  const args = [BIN, 'sweep', '--config', file, '--seeds', '10', '--workers', '1', '--out', join(dir, 'sweep-out'), '--resume'];
  const { code, stderr } = await interruptAfterFirstRun(args);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: \d+ finished runs? (is|are) kept; run the same command with --resume to continue where it stopped:\n/);
  assert.deepEqual(resumeArgv(stderr), [process.execPath, ...args]);
});
