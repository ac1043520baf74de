// Readers of runs name a damaged one (issue 20): validateStoredRun finds the first problem of a
// run.json in one line; `dwgd runs` lists damaged run folders beside the whole ones and
// `runs show` of one exits 2 with its line; --resume never reuses a damaged run (a metric
// that is a string, a folder without metrics.csv), it trains it again.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { BIN, SYNTHETIC_LOADER } from '../experiment/testing/paths.js';
import { tempFile } from '../experiment/testing/temp.js';
import { runCompare, type RawStudyFlags } from './testing/pipelines.js';
import { decodeRun, runsDir } from '../results/run-record.js';
import { checkRunFolder, validateStoredRun } from '../results/validate-run.js';

const GRID = `name: small
base:
  dataset: { name: mnist }
  hidden: [4]
  trainSize: 30
  turns: 2
  stepsPerTurn: 40
  methods: [dwm, sgd]
grid:
  hidden: [[4], [6]]
`;

function flags(grid: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config: [grid], seeds: '1', only: [], set: [], resume: false, out, workers: '0', loaderUrl: SYNTHETIC_LOADER, ...extra };
}

/** A compare folder of two whole runs: its run folders, by id. */
async function twoRuns(): Promise<{ dir: string; outDir: string; runs: string[]; grid: string }> {
  const { dir, file } = tempFile('small.yaml', GRID);
  const o = await runCompare(flags(file, join(dir, 'out')));
  return { dir, outDir: o.dir, runs: o.study.runs.map((r) => join(runsDir(o.dir), r.id)), grid: file };
}

/** Rewrites a run folder's run.json through `edit` (on the JSON as stored: non-finite numbers are strings). */
function damage(runDir: string, edit: (run: Record<string, any>) => void): void {
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  edit(run);
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(run, null, 1));
}

test('validateStoredRun: a whole record passes, decoded or not; each damage is one line naming the key', async () => {
  const { runs } = await twoRuns();
  const text = readFileSync(join(runs[0], 'run.json'), 'utf8');
  assert.equal(validateStoredRun(JSON.parse(text)), null);
  assert.equal(validateStoredRun(decodeRun(text)), null);
  const check = (edit: (run: Record<string, any>) => void) => {
    const run = JSON.parse(text);
    edit(run);
    return validateStoredRun(run);
  };
  assert.equal(validateStoredRun([]), 'is [], expected a JSON object');
  assert.equal(validateStoredRun(null), 'is null, expected a JSON object');
  assert.equal(check((r) => { r.format = 'dwgd-run/1'; }), 'format dwgd-run/1; this dwgd reads dwgd-run/3');
  assert.equal(check((r) => { delete r.runId; }), 'runId missing');
  assert.equal(check((r) => { r.config.trainSize = -3; }), 'config: trainSize: expected a number > 0, got -3');
  assert.equal(check((r) => { delete r.config.dataset; }), 'config: dataset: missing (expected object)');
  assert.equal(check((r) => { r.data = { files: [{ name: 'x' }] }; }), 'data.files[0] is {"name":"x"}, expected {name, size, sha256}');
  assert.equal(check((r) => { delete r.code.fingerprint; }), 'code.fingerprint missing');
  assert.equal(check((r) => { r.record = {}; }), 'record is empty');
  assert.equal(check((r) => { delete r.record; }), 'record missing');
  assert.equal(check((r) => { delete r.record.methods; }), 'record.methods missing');
  assert.equal(check((r) => { r.record.metric = 'rmse'; }), "record.metric is \"rmse\", expected 'accuracy' or 'mse'");
  assert.equal(check((r) => { delete r.record.methods.sgd; }), 'record.methods.sgd missing');
  assert.equal(check((r) => { r.record.methods.sgd.perTurn[1] = '0.93'; }), 'record.methods.sgd.perTurn[1] is "0.93", expected a number');
  assert.equal(check((r) => { r.record.methods.sgd.perTurn.pop(); }), 'record.methods.sgd.perTurn has 1 value, expected 2');
  assert.equal(check((r) => { r.record.methods.dwm.clean = 'oops'; }), 'record.methods.dwm.clean is "oops", expected a number');
  assert.equal(check((r) => { delete r.record.methods.dwm.at; }), 'record.methods.dwm.at missing');
  assert.equal(check((r) => { r.record.methods.dwm.at[0].value = 'x'; }), 'record.methods.dwm.at[0].value is "x", expected a number');
  assert.equal(check((r) => { r.record.points = []; }), 'record.points: Too small: expected array to have >=1 items');
  // run.json's own spelling of non-finite numbers is a number.
  assert.equal(check((r) => { r.record.methods.dwm.clean = 'NaN'; r.record.methods.dwm.perTurn[0] = '-Infinity'; }), null);
});

test('checkRunFolder: a file a finished run holds is missing, or run.json is cut short: the line names it; the views may be missing', async () => {
  const { runs } = await twoRuns();
  assert.equal(checkRunFolder(runs[0]).ok, true);
  for (const view of ['metrics.csv', 'metrics.jsonl', 'table.md']) rmSync(join(runs[0], view));
  assert.equal(checkRunFolder(runs[0]).ok, true, 'the views of run.json are not the run');
  rmSync(join(runs[0], 'config.yaml'));
  const c = checkRunFolder(runs[0]);
  assert.equal(c.ok, false);
  assert.ok(!c.ok && c.problem.endsWith(`${runs[0].split('/').pop()}: config.yaml missing (a finished run holds run.json, provenance.json, config.yaml)`));
  writeFileSync(join(runs[1], 'run.json'), readFileSync(join(runs[1], 'run.json'), 'utf8').slice(0, 200));
  const d = checkRunFolder(runs[1]);
  assert.ok(!d.ok && d.problem.endsWith(`${runs[1].split('/').pop()}/run.json: not valid JSON (cut short?)`));
});

function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('dwgd runs lists a damaged run folder beside the whole ones, one line each; runs show of it: that line, exit 2', async () => {
  const { dir, outDir, runs } = await twoRuns();
  const [good, bad] = runs;
  damage(bad, (r) => { r.record = {}; });
  const list = dwgd(['runs', outDir], dir);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stderr, '');
  const badLine = `${relative(dir, join(bad, 'run.json'))}: record is empty`;
  assert.ok(list.stdout.includes(`\ndamaged: ${badLine}\n`), list.stdout);
  assert.ok(list.stdout.includes(good.split('/').pop()!), 'the whole run is listed');
  assert.match(list.stdout, /1 run under .*; 1 damaged run folder \(listed above\)\n$/);
  const show = dwgd(['runs', 'show', bad.split('/').pop()!, '--dir', outDir], dir);
  assert.deepEqual([show.code, show.stderr, show.stdout], [2, `error: ${badLine}\n`, '']);
  const byFolder = dwgd(['runs', 'show', bad], dir);
  assert.deepEqual([byFolder.code, byFolder.stderr], [2, `error: ${badLine}\n`]);
  const diff = dwgd(['runs', 'diff', good, bad], dir);
  assert.deepEqual([diff.code, diff.stderr], [2, `error: ${badLine}\n`]);
  // Nothing whole left: still named, not "no runs".
  rmSync(join(good, 'provenance.json'));
  const none = dwgd(['runs', outDir, '--json'], dir);
  const j = JSON.parse(none.stdout) as { rows: unknown[]; damaged: { runId: string; problem: string }[] };
  assert.equal(j.rows.length, 0);
  assert.deepEqual(j.damaged.map((d) => d.problem).sort(), [badLine, `${relative(dir, good)}: provenance.json missing (a finished run holds run.json, provenance.json, config.yaml)`].sort());
  assert.match(dwgd(['runs', outDir], dir).stdout, /^damaged: .*\ndamaged: .*\n0 runs under .*; 2 damaged run folders \(listed above\)\n$/);
});

test('--resume trains again a run whose record has a metric that is a string, and one whose folder lacks config.yaml; it reuses one that lacks its views and writes them again, the same bytes', async () => {
  const { dir, runs, grid } = await twoRuns();
  const [stringMetric, noYaml] = runs;
  damage(stringMetric, (r) => {
    r.record.methods.sgd.perTurn[0] = 'oops';
    r.record.methods.sgd.clean = 'oops';
  });
  rmSync(join(noYaml, 'config.yaml'));
  const again = await runCompare(flags(grid, join(dir, 'out'), { resume: true }));
  assert.deepEqual({ ran: again.ran, reused: again.reused }, { ran: 2, reused: 0 });
  const views = ['metrics.csv', 'metrics.jsonl', 'table.md'];
  const before = views.map((v) => readFileSync(join(noYaml, v), 'utf8'));
  for (const v of views) rmSync(join(noYaml, v));
  const third = await runCompare(flags(grid, join(dir, 'out'), { resume: true }));
  assert.deepEqual({ ran: third.ran, reused: third.reused }, { ran: 0, reused: 2 });
  assert.deepEqual(views.map((v) => readFileSync(join(noYaml, v), 'utf8')), before);
  for (const r of runs) assert.equal(checkRunFolder(r).ok, true, `${r} is whole again`);
  assert.equal(typeof again.reports.compare, 'object');
});
