// configs/robustness/mnist-suite.yaml, reduced (three corruptions × two severities, one seed, a
// short training), end to end through `dwgd sweep` on the real MNIST (the embedded package):
// the tidy table holds one row per method × corruption × severity, the numbers the run
// recorded; the sweep report plots severity with one plot per corruption; `dwgd runs --where`
// filters on the corruption list; the robustness report's CE agrees with the table.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { BIN, ROOT } from '../experiment/testing/paths.js';
import { tempFile } from '../experiment/testing/temp.js';

const REDUCED = [
  '--set', 'trainSize=100', '--set', 'turns=1', '--set', 'stepsPerTurn=400', '--set', 'methods=[dwm, sgd]',
  '--set', 'corruption=gaussian-noise,contrast,rotate', '--set', 'severity=1,5', '--seeds', '1',
];

test('the corruption suite, reduced, through dwgd sweep: one table row per method × corruption × severity', () => {
  const out = tempFile('unused').dir;
  const r = spawnSync(process.execPath, [BIN, 'sweep', '--config', join(ROOT, 'configs/robustness/mnist-suite.yaml'), ...REDUCED, '--out', out, '--quiet', '--workers', '1'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  const dir = join(out, 'sweeps', 'mnist-suite');
  const rows = parse(readFileSync(join(dir, 'table.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const header = Object.keys(rows[0]);
  assert.deepEqual(header.filter((h) => h.startsWith('eval.')), ['eval.corruption', 'eval.severity', 'eval.noise.sigma', 'eval.mask.fraction']);
  const scored = rows.filter((x) => x.metric === 'accuracy' && x.group === '' && x['eval.corruption'] !== 'none');
  assert.equal(scored.length, 2 * 3 * 2, 'methods × corruptions × severities');
  const cells = new Set(scored.map((x) => `${x.method} ${x['eval.corruption']} ${x['eval.severity']}`));
  assert.equal(cells.size, 12);
  for (const m of ['dwm', 'sgd']) for (const c of ['gaussian-noise', 'contrast', 'rotate']) for (const s of ['1', '5']) assert.ok(cells.has(`${m} ${c} ${s}`), `${m} ${c} ${s}`);
  // Clean rows carry the identity: no corruption, severity 0.
  assert.ok(rows.filter((x) => x.metric === 'accuracy' && x['eval.corruption'] === 'none').every((x) => x['eval.severity'] === '0'));
  // The table's numbers are the run's: the record's score at each point.
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);
  const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).record;
  record.points.forEach((p: Record<string, string | number>, k: number) => {
    for (const m of ['dwm', 'sgd']) {
      const row = scored.find((x) => x.method === m && x['eval.corruption'] === p.corruption && Number(x['eval.severity']) === p.severity)!;
      assert.equal(Number(row.value), record.methods[m].at[k].value, `${m} at ${p.corruption} ${p.severity}`);
    }
  });
  // Severity 5 costs accuracy against severity 1 for every corruption (contrast at 0.4 of MNIST-C's scale and below hardly; still not above).
  for (const m of ['dwm', 'sgd']) {
    for (const c of ['gaussian-noise', 'rotate']) {
      const at = (s: string) => Number(scored.find((x) => x.method === m && x['eval.corruption'] === c && x['eval.severity'] === s)!.value);
      assert.ok(at('5') < at('1'), `${m} ${c}: ${at('5')} < ${at('1')}`);
    }
  }
  // The sweep report: severity on x, one plot per corruption.
  const plots = readdirSync(join(dir, 'plots')).filter((f) => f.endsWith('.svg'));
  assert.equal(plots.length, 3, plots.join(', '));
  assert.match(readFileSync(join(dir, 'REPORT.md'), 'utf8'), /vs corruption severity \(test-input corruption = rotate\)/);
  // Its points are corruptions, not the paper's noisy test, and the report does not call them that.
  assert.match(readFileSync(join(dir, 'REPORT.md'), 'utf8'), /^## accuracy \(%\) at the evaluation points vs corruption severity/m);
  assert.doesNotMatch(readFileSync(join(dir, 'REPORT.md'), 'utf8'), /noisy test accuracy/);
  // The robustness report, from the table: CE of each corruption recomputed from the table's
  // rows (summed errors over the severities, dwm's over sgd's), the Lipschitz bound from run.json.
  const robust = parse(readFileSync(join(dir, 'robustness.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const err = (m: string, c: string, s: string) => 1 - Number(scored.find((x) => x.method === m && x['eval.corruption'] === c && x['eval.severity'] === s)!.value);
  for (const c of ['gaussian-noise', 'contrast', 'rotate']) {
    const ce = robust.find((x) => x.metric === 'CE' && x.method === 'dwm' && x.corruption === c)!;
    const expected = (err('dwm', c, '1') + err('dwm', c, '5')) / (err('sgd', c, '1') + err('sgd', c, '5'));
    assert.ok(Math.abs(Number(ce.mean) - expected) < 1e-12, `CE ${c}: ${ce.mean} vs ${expected}`);
    assert.equal(Number(robust.find((x) => x.metric === 'CE' && x.method === 'sgd' && x.corruption === c)!.mean), 1);
  }
  assert.equal(Number(robust.find((x) => x.metric === 'lipschitz' && x.method === 'dwm')!.mean), record.methods.dwm.diagnostics.lipschitz);
  assert.match(readFileSync(join(dir, 'ROBUSTNESS.md'), 'utf8'), /Baseline of CE and mCE: \*\*sgd\*\*/);
  assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /Robustness of/);
  // dwgd report with another baseline: the same runs, CE against dwm.
  const again = spawnSync(process.execPath, [BIN, 'report', dir, '--robust-baseline', 'dwm'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(again.status, 0, again.stderr);
  const swapped = parse(readFileSync(join(dir, 'robustness.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const ce = swapped.find((x) => x.metric === 'CE' && x.method === 'sgd' && x.corruption === 'rotate')!;
  assert.ok(Math.abs(Number(ce.mean) - (err('sgd', 'rotate', '1') + err('sgd', 'rotate', '5')) / (err('dwm', 'rotate', '1') + err('dwm', 'rotate', '5'))) < 1e-12);
  const bad = spawnSync(process.execPath, [BIN, 'report', dir, '--robust-baseline', 'adam'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--robust-baseline adam: not a method of this study/);
  // dwgd runs: the run's corruption list is a config key like any other (a list: compared as its JSON text, as evaluate.noise.sigma is).
  const runs = spawnSync(process.execPath, [BIN, 'runs', dir, '--where', `evaluate.corruption='["gaussian-noise","contrast","rotate"]' and method=dwm`, '--json'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(runs.status, 0, runs.stderr);
  const listed = (JSON.parse(runs.stdout) as { rows: { method: string; points: { at: Record<string, unknown>; value: number }[] }[] }).rows;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].method, 'dwm');
  assert.deepEqual(listed[0].points.map((p) => `${p.at.corruption} ${p.at.severity}`), ['gaussian-noise 1', 'gaussian-noise 5', 'contrast 1', 'contrast 5', 'rotate 1', 'rotate 5']);
  const none = spawnSync(process.execPath, [BIN, 'runs', dir, '--where', `evaluate.corruption='["contrast"]'`, '--json'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(none.status, 0, none.stderr);
  assert.equal((JSON.parse(none.stdout) as { rows: unknown[] }).rows.length, 0);
});
