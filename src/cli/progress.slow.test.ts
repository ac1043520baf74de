// `dwgd train` and `dwgd compare` on a real pseudo-terminal (util-linux `script`): the bars must move while the
// run computes, not appear full at the end. The output stream is read as it arrives; the dwm
// bar must show several distinct percentages between 0 and 100, arriving over time.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT } from '../experiment/testing/paths.js';

const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('train on a terminal: the bars advance during the run (percent, steps/s, ETA), and the noisy evaluation shows as a phase', { skip: haveScript ? false : 'no `script` (util-linux) here' }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'dwgd-pty-'));
  try {
    const cmd = [process.execPath, BIN, 'train', '--config', join(ROOT, 'configs', 'quickstart.yaml'),
      // Turns of 120,000 steps: the bar follows a turn by reading its progress cell every 100 ms
      // (src/experiment/pool.ts), so a turn must last several reads (dwm here: about 0.4 s).
      '--set', 'methods=[dwm, sgd]', '--set', 'stepsPerTurn=120000', '--out', out].map(quote).join(' ');
    const child = spawn('script', ['-qfec', `stty cols 200 2>/dev/null; ${cmd}`, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    const t0 = Date.now();
    /** Each dwm percentage seen, with when it first arrived (ms after start). */
    const firstSeen = new Map<number, number>();
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const now = Date.now() - t0;
      text += chunk.toString('utf8');
      for (const m of chunk.toString('utf8').matchAll(/dwm +\|[█░]+\| (\d+)% \| turn \d\/3 \| [\d,–]+ steps\/s \| ETA [^|]+\|/g)) {
        const p = Number(m[1]);
        if (!firstSeen.has(p)) firstSeen.set(p, now);
      }
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0, text.slice(-2000));
    const intermediate = [...firstSeen.entries()].filter(([p]) => p > 0 && p < 100).sort((a, b) => a[0] - b[0]);
    assert.ok(intermediate.length >= 3, `distinct intermediate dwm percentages: ${JSON.stringify(intermediate)}`);
    const times = intermediate.map(([, t]) => t);
    assert.ok(Math.max(...times) - Math.min(...times) >= 150, `they arrived over time, not in one burst: ${JSON.stringify(intermediate)}`);
    // Later percentages arrive later: the bar moves forward.
    for (let k = 1; k < intermediate.length; k++) assert.ok(intermediate[k][1] >= intermediate[k - 1][1], JSON.stringify(intermediate));
    assert.match(text, /evaluating turn 1…/);
    assert.match(text, /test \d+\.\d\d%/);
    assert.match(text, /noisy eval +\|[█░]+\| evaluation of 2 methods at 1 point \(σ=0\.3\)… ?(\d+\.\d s)?/);
    assert.match(text, /done in \d+\.\d s/);
    assert.match(text, /\| dwm \| [\d.]+ \|/, 'the table at the end');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('compare on a terminal: the overall ETA is an estimate from the first frame, and a worker line says it is evaluating', { skip: haveScript ? false : 'no `script` (util-linux) here' }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'dwgd-pty-'));
  try {
    const cmd = [process.execPath, BIN, 'compare', '--config', join(ROOT, 'configs', 'quickstart.yaml'),
      '--set', 'methods=[dwm, sgd]', '--set', 'stepsPerTurn=2000', '--seeds', '2', '--workers', '1', '--out', out].map(quote).join(' ');
    const child = spawn('script', ['-qfec', `stty cols 200 2>/dev/null; ${cmd}`, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 0, text.slice(-2000));
    text = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), ''); // cursor moves and line clears
    const first = /all runs +\|[█░]+\| 0\/2 runs \| ETA ([^\r\n|]+)/.exec(text);
    assert.ok(first, text.slice(0, 2000));
    assert.match(first[1].trim(), /^\d+ (s|min)$|^\d+ h \d\d min$/);
    assert.notEqual(first[1].trim(), '0 s', 'an estimate before any run has finished');
    assert.match(text, /worker 1 +\|[█░]+\| mnist 2-layer n=1000 seed \d evaluating 1 point… \d+ s/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
