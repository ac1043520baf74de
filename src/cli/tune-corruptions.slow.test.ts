// `dwgd tune` with the corruption suite (a study file's evaluate: of 2 corruptions × 2
// severities), end to end on the real MNIST test pool with tiny training: the evaluation axes
// reach the final runs and not the tuning runs; the tuning stage is the same runs as that of the
// study without evaluate: (same ids, same configs, reused by --resume); the final folder's
// ROBUSTNESS.md (mCE against sgd-default) and the mean-corruption-error comparisons of
// comparisons.csv agree with a recomputation from the runs' run.json; --robust-baseline.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { BIN, ROOT } from '../experiment/testing/paths.js';
import { tempFile } from '../experiment/testing/temp.js';
import { runTuneCommand } from '../results/tuning-study.js';
import { testFlags } from './testing/pipelines.js';
import { tuneOptions } from './tune.js';

const WITHOUT = `name: fr
base:
  dataset: { name: mnist, pool: test }
  hidden: [8]
  trainSize: 60
  turns: 2           # two turns, so that testEvery: last leaves turn 1 untested
  stepsPerTurn: 60
  validation: { size: 300 }
  testEvery: last     # as configs/fair/images.yaml: earlier turns read back NaN, which is no divergence
grid:
  trainSize: [60]
tune:
  trials: 2
  seeds: 2
  finalSeeds: 3
  methods:
    sgd: { rule: sgd, space: { lr: { log: [0.01, 0.1] } } }
    dwm: { rule: dwm, space: { lr: { log: [0.01, 0.1] } } }
`;
const WITH = WITHOUT.replace('  validation: { size: 300 }\n', '  validation: { size: 300 }\n  corrupted: { subsample: 150 }\n') +
  'evaluate:\n  corruption: [gaussian-noise, contrast]\n  severity: [1, 4]\n';

type Point = Record<string, string | number>;
interface RunJson {
  runId: string;
  config: Record<string, unknown> & { seed: number };
  record: { points: Point[]; methods: Record<string, { clean: number; at: { value: number }[] }> };
}

function runJsons(stageDir: string): RunJson[] {
  return readdirSync(join(stageDir, 'runs')).sort().map((id) => JSON.parse(readFileSync(join(stageDir, 'runs', id, 'run.json'), 'utf8')) as RunJson);
}

const flags = (file: string, out: string, extra: Record<string, unknown> = {}) => tuneOptions({ ...testFlags(file, out, { workers: '0', loaderUrl: undefined }), ...extra });
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('tune with evaluate: the final runs score the corruptions, the tuning runs are those of the study without them; ROBUSTNESS.md and the corruption comparisons agree with run.json', async () => {
  const { dir } = tempFile('unused');
  try {
    const withFile = join(dir, 'with.yaml');
    const withoutFile = join(dir, 'without.yaml');
    writeFileSync(withFile, WITH);
    writeFileSync(withoutFile, WITHOUT);
    const out = join(dir, 'out');
    const o = await runTuneCommand(flags(withFile, out));
    assert.ok(o.tuning?.reported && o.final?.reported);
    const tuningDir = join(out, 'tune', 'fr', 'tuning');
    const finalDir = join(out, 'tune', 'fr', 'final');

    // The tuning runs: no evaluation axes, no corrupted subsample, one (inert) point; the final runs: the 4 corruption points.
    const tuning = runJsons(tuningDir);
    assert.equal(tuning.length, 4, '2 methods × 2 tuning seeds');
    for (const r of tuning) {
      assert.equal(r.config.evaluate, undefined);
      assert.equal(r.config.corrupted, undefined);
      assert.ok(r.record.points.every((p) => p.corruption === undefined), JSON.stringify(r.record.points));
    }
    const finals = runJsons(finalDir);
    assert.equal(finals.length, 3);
    for (const r of finals) {
      assert.deepEqual(r.record.points.map((p) => `${p.corruption} ${p.severity}`), ['gaussian-noise 1', 'gaussian-noise 4', 'contrast 1', 'contrast 4']);
      assert.deepEqual(r.config.corrupted, { subsample: 150 });
    }

    // The same study without evaluate: plans the same tuning runs, ids and configs, and reuses every one.
    const other = join(dir, 'other');
    const plain = await runTuneCommand(flags(withoutFile, other, { stage: 'tuning' }));
    const plainRuns = runJsons(join(other, 'tune', 'fr', 'tuning'));
    assert.deepEqual(plainRuns.map((r) => r.runId), tuning.map((r) => r.runId));
    assert.deepEqual(plainRuns.map((r) => r.config), tuning.map((r) => r.config));
    assert.equal(plain.tuning!.ran, 4);
    const reused = await runTuneCommand(flags(withoutFile, out, { stage: 'tuning', resume: true }));
    assert.equal(reused.tuning!.ran, 0);
    assert.equal(reused.tuning!.reused, 4);
    // And a final stage with the corruptions planned from that other folder's tuning stage
    // (--tuning; real data, so the run ids carry the data's identity) trains the same final runs.
    const via = join(dir, 'via');
    const viaOut = await runTuneCommand(flags(withFile, via, { stage: 'final', tuning: join(other, 'tune', 'fr', 'tuning') }));
    assert.ok(viaOut.final?.reported);
    assert.deepEqual(runJsons(join(via, 'tune', 'fr', 'final')).map((r) => [r.runId, r.record.methods['dwm-tuned'].clean]), finals.map((r) => [r.runId, r.record.methods['dwm-tuned'].clean]));
    const tiny = join(dir, 'tiny.yaml');
    writeFileSync(tiny, WITH.replace('trials: 2', 'trials: 1'));
    const refused = spawnSync(process.execPath, [BIN, 'tune', '--config', tiny, '--stage', 'final', '--tuning', join(other, 'tune', 'fr', 'tuning'), '--out', via, '--quiet'], { encoding: 'utf8', cwd: ROOT });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^error: --tuning .*: not the tuning stage of config .*tiny\.yaml: 4 of its 4 tuning runs are not there/);

    // Independently, from run.json: each run's error (1 − accuracy) per corruption and severity.
    const err = (r: RunJson, m: string, c: string, s: number) => 1 - r.record.methods[m].at[r.record.points.findIndex((p) => p.corruption === c && p.severity === s)].value;
    const corruptions = ['gaussian-noise', 'contrast'];
    const severities = [1, 4];
    const methods = ['sgd-default', 'dwm-default', 'sgd-tuned', 'dwm-tuned'];

    // ROBUSTNESS.md, mCE against sgd-default: per seed, the mean over corruptions of Σ_s E / Σ_s E_base.
    assert.ok(existsSync(join(finalDir, 'ROBUSTNESS.md')));
    const md = readFileSync(join(finalDir, 'ROBUSTNESS.md'), 'utf8');
    assert.match(md, /Baseline of CE and mCE: \*\*sgd-default\*\* \(the default, sgd-default\)/);
    const robust = parse(readFileSync(join(finalDir, 'robustness.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const mceRow = md.split('\n').find((l) => l.startsWith('| **mCE** |'))!;
    const shown = mceRow.split('|').slice(2, -1).map((x) => x.trim());
    methods.forEach((m, j) => {
      const perSeed = finals.map((r) => mean(corruptions.map((c) => severities.reduce((a, s) => a + err(r, m, c, s), 0) / severities.reduce((a, s) => a + err(r, 'sgd-default', c, s), 0))));
      close(Number(robust.find((x) => x.metric === 'mCE' && x.method === m)!.mean), mean(perSeed), `mCE of ${m}`);
      assert.ok(shown[j].startsWith((100 * mean(perSeed)).toFixed(1)), `ROBUSTNESS.md mCE of ${m}: ${shown[j]} vs ${(100 * mean(perSeed)).toFixed(1)}`);
    });

    // Effective robustness and the norm-matched plane are fitted to the methods that are not
    // dual-weight: here sgd-default and sgd-tuned, never dwm-default or dwm-tuned (rule dwm,
    // which the tidy table's views know by their ids alone), which are measured against them.
    assert.match(md, /to every \(clean, corrupted\) accuracy pair of the methods that are not dual-weight \(sgd-default, sgd-tuned\)/);
    assert.match(md, /fitted to the models of the methods that are not dual-weight \(sgd-default, sgd-tuned; n = 6 models\)/);
    for (const m of ['dwm-default', 'dwm-tuned']) {
      for (const metric of ['effective robustness', 'norm-matched error']) {
        const row = robust.find((x) => x.metric === metric && x.method === m)!;
        assert.ok(row.mean_diff !== '' && row.verdict !== '', `${metric} of ${m} is measured against the fit: ${JSON.stringify(row)}`);
      }
    }

    // comparisons.csv: the mean corruption error family, each dual-weight method against the other at its budget.
    const rows = parse(readFileSync(join(finalDir, 'comparisons.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const corrupted = rows.filter((x) => x.eval === 'corruptions');
    assert.deepEqual(corrupted.map((x) => `${x.budget} ${x.method} ${x.baseline} ${x.metric} ${x.n}`), ['default dwm-default sgd-default corruption_error 3', 'tuned dwm-tuned sgd-tuned corruption_error 3']);
    const meanError = (r: RunJson, m: string) => mean(corruptions.flatMap((c) => severities.map((s) => err(r, m, c, s))));
    for (const x of corrupted) close(Number(x.mean_diff), mean(finals.map((r) => meanError(r, x.method) - meanError(r, x.baseline))), `mean Δ corruption error ${x.method}`);
    assert.equal(corrupted[0].verdict, 'too few seeds', 'three seeds: below the t-test\'s five');
    // No noisy test among the points: no noisy comparisons, and REPORT.md says so.
    assert.deepEqual([...new Set(rows.map((x) => x.eval))], ['clean', 'corruptions']);
    const report = readFileSync(join(finalDir, 'REPORT.md'), 'utf8');
    assert.match(report, /\*\*No noisy test\.\*\*/);
    assert.match(report, /### Under corruptions \(mean corruption error\)/);

    // --robust-baseline: another method of the final stage; one that is not, one line and exit 2 before anything runs.
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'tune', '--config', withFile, '--out', out, '--quiet', '--workers', '1', ...args], { encoding: 'utf8', cwd: ROOT });
    const swapped = cli('--stage', 'final', '--resume', '--robust-baseline', 'dwm-default');
    assert.equal(swapped.status, 0, swapped.stderr);
    assert.match(readFileSync(join(finalDir, 'ROBUSTNESS.md'), 'utf8'), /Baseline of CE and mCE: \*\*dwm-default\*\* \(declared/);
    const bad = cli('--stage', 'final', '--resume', '--robust-baseline', 'sgd');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: --robust-baseline sgd: not a method of the final stage \(its methods: sgd-default, sgd-tuned, dwm-default, dwm-tuned\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
