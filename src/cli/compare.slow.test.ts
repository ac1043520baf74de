// `dwgd compare` end to end on a small synthetic grid (the dataset loader is injected):
// serial and parallel runs give the same bytes, an interrupted grid resumed gives the same
// bytes, each dataset loads once, failures in a run are reported cleanly, bad flags
// fail with one line and exit code 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { RunFailure } from '../experiment/pool.js';
import { compare } from './compare.js';
import { VERDICTS } from '../results/verdicts.js';
import { runCompare, type RawStudyFlags } from './testing/pipelines.js';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN, SYNTHETIC_LOADER as LOADER } from '../experiment/testing/paths.js';


const GRID = `name: small
base:
  dataset: { name: mnist, normalize: paper }
  hidden: [8]
  trainSize: 50
  turns: 2
  stepsPerTurn: 200
  methods: [dwm, dwm-stable, sgd, l2-0.01, l2-0.1]
  seed: 5
grid:
  dataset.name: [mnist, california-housing]
  trainSize: [50, 80]
`;

function workspace(text = GRID): { dir: string; grid: string } {
  const { dir, file } = tempFile('small.yaml', text);
  return { dir, grid: file };
}

function flags(grid: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config: [grid], seeds: '2', only: [], set: [], resume: false, json: false, quiet: true, out, loaderUrl: LOADER, ...extra };
}

/** The study's final files (not the run folders, which hold wall times), path → bytes. */
const FINAL = ['study.json', 'table.csv', 'summary.csv', 'REPORT.md', 'index.html', 'plan.json'];

/** Every final file of a comparison (not the run folders, which hold wall times), path → bytes. */
function finalFiles(outDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of FINAL) files.set(name, readFileSync(join(outDir, name), 'utf8'));
  for (const name of readdirSync(join(outDir, 'curves')).sort()) files.set(`curves/${name}`, readFileSync(join(outDir, 'curves', name), 'utf8'));
  return files;
}

test('serial and parallel runs of a small grid give byte-identical files', async () => {
  const { dir, grid } = workspace();
  const serial = await runCompare(flags(grid, join(dir, 'serial'), { workers: '0' }));
  const parallel = await runCompare(flags(grid, join(dir, 'parallel'), { workers: '2' }));
  assert.equal(serial.study.runs.length, 8);
  assert.deepEqual(readdirSync(serial.dir).sort(), ['REPORT.md', 'curves', 'index.html', 'plan.json', 'runs', 'study.json', 'summary.csv', 'table.csv']);
  const a = finalFiles(serial.dir);
  const b = finalFiles(parallel.dir);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.equal(b.get(k), v, `${k} differs`);
  const rows = a.get('table.csv')!.trim().split('\n');
  // Per run × method: 2 turns × (metric, train_loss), then the noisy point; the 4 synthetic MNIST
  // classes add, at the clean and at the noisy point, a balanced row and one row per class.
  assert.equal(rows.length, 1 + 4 * 5 * (2 * 2 + 1) + 4 * 5 * (2 * 2 + 1 + 2 * (1 + 4)), 'one row per run × method × observation');
  const header = rows[0].split(',');
  const value = header.indexOf('value');
  assert.ok(value > 0 && header.includes('eval.noise.sigma') && header.includes('dataset.name'));
  assert.ok(rows.slice(1).every((r) => /^-?\d/.test(r.split(',')[value])), 'every row has a number');
  assert.equal(a.get('curves/mnist-2-layer-n50.svg')!.startsWith('<svg'), true);
  assert.match(a.get('REPORT.md')!, /## The paper's claims/);
  // The run folders hold the numbers of the same runs.
  const ids = readdirSync(join(serial.dir, 'runs')).sort();
  assert.deepEqual(ids, serial.study.runs.map((r) => r.id).sort());
  for (const id of ids) {
    const x = JSON.parse(readFileSync(join(serial.dir, 'runs', id, 'run.json'), 'utf8'));
    const y = JSON.parse(readFileSync(join(parallel.dir, 'runs', id, 'run.json'), 'utf8'));
    assert.deepEqual(x, y);
  }
});

test('--resume refuses finished runs made by other code (another fingerprint), naming both', async () => {
  const { dir, grid } = workspace();
  const out = join(dir, 'mixed');
  const first = await runCompare(flags(grid, out, { workers: '0', seeds: '1' }));
  const file = join(first.dir, 'runs', first.study.runs[1].id, 'run.json');
  const stored = JSON.parse(readFileSync(file, 'utf8'));
  const ours = stored.code.fingerprint;
  stored.code.fingerprint = 'deadbeefdeadbeef';
  writeFileSync(file, JSON.stringify(stored));
  await assert.rejects(runCompare(flags(grid, out, { workers: '0', seeds: '1', resume: true })), (e: Error) =>
    e instanceof UserError && e.message.includes('deadbeefdeadbeef') && e.message.includes(ours) && !e.message.includes('\n'));
  // Without --resume the run is made again by this code and replaces the foreign one.
  await runCompare(flags(grid, out, { workers: '0', seeds: '1' }));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).code.fingerprint, ours);
});

test('train and compare resolve the same --set to the same config and the same run id', () => {
  const { dir, file } = tempFile('one.yaml', 'dataset: { name: mnist }\nhidden: [6]\ntrainSize: 40\nturns: 1\nstepsPerTurn: 100\nmethods: [sgd]\n');
  const sets = ['--set', 'dataset={name: mnist, pool: train}', '--set', 'lr=0.01', '--set', 'noise={sigma: 0.5}'];
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--out', join(dir, 'results'), '--quiet', ...sets], { cwd: dir, encoding: 'utf8' });
  const t = run(['train', '--config', file, '--json']);
  assert.equal(t.status, 0, t.stderr);
  const trained = JSON.parse(t.stdout);
  const c = run(['compare', '--config', file, '--seeds', '1', '--workers', '0']);
  assert.equal(c.status, 0, c.stderr);
  const runs = readdirSync(join(dir, 'results', 'compare', 'one', 'runs'));
  assert.deepEqual(runs, [trained.runId]);
  const a = JSON.parse(readFileSync(join(trained.runDir, 'run.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'results', 'compare', 'one', 'runs', runs[0], 'run.json'), 'utf8'));
  assert.deepEqual(a.config, b.config);
  assert.equal(a.config.dataset.pool, 'train');
  assert.equal(a.config.dataset.normalize, 'train', 'a mapping merges into the defaults, under both commands');
  assert.equal(a.config.noise.sigma, 0.5);
  assert.deepEqual(a.record, b.record, 'and the same numbers');
});

test('a grid interrupted after some runs and resumed gives byte-identical files', async () => {
  const { dir, grid } = workspace();
  const full = await runCompare(flags(grid, join(dir, 'full'), { workers: '2' }));
  const expected = finalFiles(full.dir);

  const out = join(dir, 'cut');
  const first = await runCompare(flags(grid, out, { workers: '2' }));
  // The state a kill leaves: no final files, 3 of 8 runs missing, a half-written temporary
  // folder, and one run folder whose config hash does not match (it must be run again).
  for (const f of FINAL.filter((f) => f !== 'study.json')) rmSync(join(first.dir, f));
  rmSync(join(first.dir, 'curves'), { recursive: true });
  const ids = first.study.runs.map((r) => r.id);
  for (const id of ids.slice(2, 5)) rmSync(join(first.dir, 'runs', id), { recursive: true });
  mkdirSync(join(first.dir, 'runs', `.${ids[2]}.tmp-99999-0`));
  writeFileSync(join(first.dir, 'runs', `.${ids[2]}.tmp-99999-0`, 'run.json'), '{"trunc');
  const tampered = join(first.dir, 'runs', ids[6], 'run.json');
  writeFileSync(tampered, readFileSync(tampered, 'utf8').replace(/"configHash": "[0-9a-f]+"/, '"configHash": "0000"'));

  const resumed = await runCompare(flags(grid, out, { workers: '2', resume: true }));
  assert.equal(resumed.reused, 4, 'four verified runs are reused');
  assert.equal(resumed.ran, 4, 'three missing and one unverified run are trained');
  assert.ok(!readdirSync(join(out, 'compare', 'small', 'runs')).some((n) => n.startsWith('.')), 'leftover temporary folders are removed');
  const got = finalFiles(resumed.dir);
  for (const [k, v] of expected) assert.equal(got.get(k), v, `${k} differs after resume`);
});

test('each dataset is loaded exactly once, however many workers use it', async () => {
  const { dir, grid } = workspace();
  const log = join(dir, 'loads.txt');
  process.env.DWGD_TEST_LOAD_LOG = log;
  try {
    await runCompare(flags(grid, join(dir, 'out'), { workers: '2', seeds: '3' }));
  } finally {
    delete process.env.DWGD_TEST_LOAD_LOG;
  }
  // Lines are `<threadId> <dataset>`: the pool hands a loaded dataset to the other worker.
  const loads = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(loads.map((l) => l.split(' ')[1]).sort(), ['california-housing', 'mnist'], loads.join(' | '));
});

test('a UserError in a run is one clean UserError; nothing final is written', async () => {
  const { dir, grid } = workspace(GRID.replace('normalize: paper', 'normalize: paper, path: user-error'));
  const out = join(dir, 'out');
  await assert.rejects(runCompare(flags(grid, out, { workers: '2' })),
    (e: Error) => e instanceof UserError && /^run s\d+-[0-9a-f]+ \((mnist|california-housing) 2-layer n=(50|80), seed \d\): dataset.path: user-error: no such file$/.test(e.message));
  await assert.rejects(runCompare(flags(grid, join(dir, 'serial'), { workers: '0' })), UserError);
  assert.ok(!existsSync(join(out, 'compare', 'small', 'REPORT.md')));
});

test('a crashed worker is reported with the run it was on', async () => {
  const { dir, grid } = workspace(GRID.replace('normalize: paper', 'normalize: paper, path: crash'));
  await assert.rejects(runCompare(flags(grid, join(dir, 'out'), { workers: '2' })),
    (e: Error) => e instanceof RunFailure && !e.userError && /\((mnist|california-housing) 2-layer n=(50|80), seed \d\): worker exited unexpectedly with code 7/.test(e.message));
  const { grid: bugGrid } = workspace(GRID.replace('normalize: paper', 'normalize: paper, path: bug'));
  await assert.rejects(runCompare(flags(bugGrid, join(dir, 'bug'), { workers: '1' })),
    (e: Error) => e instanceof RunFailure && !e.userError && /synthetic bug/.test(e.message));
});

test('--json: one object with the verdict contract, the protocol departures and no authors\' numbers off the paper\'s protocol', async () => {
  const { dir, grid } = workspace();
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => { if (typeof chunk === 'string') chunks.push(chunk); return true; }) as typeof process.stdout.write;
  try {
    assert.equal(await compare(flags(grid, join(dir, 'out'), { workers: '0', json: true })), 0);
  } finally {
    process.stdout.write = write;
  }
  // The test runner's own (binary) report shares stdout; compare writes text.
  const ours = chunks.filter((c) => c.startsWith('{"outDir"'));
  assert.equal(ours.length, 1, 'one object');
  assert.ok(ours[0].endsWith('}\n') && !ours[0].slice(0, -1).includes('\n'), 'on one line');
  const out = JSON.parse(ours[0]);
  const keys = ['dataset', 'arch', 'trainSize', 'extra', 'eval', 'method', 'baseline', 'family', 'n', 'meanDiff', 'ciLow', 'ciHigh', 'relChange', 'gain', 'wins',
    'p', 'pAdjusted', 'pSignFlip', 'pSignFlipAdjusted', 'margin', 'pTost', 'pTostAdjusted', 'correction', 'verdict', 'authors', 'diverged', 'notes'];
  for (const v of out.verdicts) {
    assert.deepEqual(Object.keys(v), keys);
    assert.ok((VERDICTS as readonly string[]).includes(v.verdict), v.verdict);
    assert.equal(v.authors, null);
    assert.equal(v.correction, 'bh');
  }
  assert.equal(out.correction, 'bh');
  // 4 experiments × 2 evaluations × 10 pairs (every pair of the five paper methods), each judged once.
  assert.equal(out.verdicts.length, 80);
  // Each claim lists the table rows it counts, with the same verdict (mirrored when the row runs the other way).
  const mirror: Record<string, string> = { better: 'worse', worse: 'better' };
  for (const c of out.claims) {
    for (const m of c.comparisons) {
      const flipped = m.table.method !== m.method;
      assert.equal(m.verdict, flipped ? mirror[m.table.verdict] ?? m.table.verdict : m.table.verdict);
    }
  }
  assert.deepEqual(out.families.map((f: { name: string }) => f.name), ['mnist clean', 'mnist noisy', 'california-housing clean', 'california-housing noisy']);
  // trainSize 50 and 80 depart with different values: two lines, each naming the same keys.
  assert.equal(out.protocol.length, 2);
  for (const g of out.protocol) assert.deepEqual(g.departures.map((d: { key: string }) => d.key), ['hidden', 'trainSize', 'turns', 'stepsPerTurn']);
  assert.equal(out.warnings.filter((w: string) => w.startsWith("Departs from the paper's protocol: mnist 2-layer n=50, california-housing 2-layer n=50 on hidden = [8]")).length, 1);
  for (const c of out.claims) assert.deepEqual(Object.keys(c), ['id', 'claim', 'verdict', 'evidence', 'comparisons']);
  assert.deepEqual(out.notChecked.map((c: { id: string }) => c.id), ['wine-exception', 'imbalance']);
  const report = readFileSync(join(out.outDir, 'REPORT.md'), 'utf8');
  assert.ok(!/paper \d/.test(report) && !/dashed/.test(report), 'no authors\' number or curve in the report');
  for (const w of out.warnings) assert.ok(report.includes(w), `REPORT.md lacks: ${w}`);
  assert.ok(!/no difference/.test(report), 'REPORT.md never says "no difference"');
});

function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bad: [string, string[], RegExp][] = [
  ['bad --seeds', ['--seeds', '0'], /--seeds 0: expected a whole number ≥ 1/],
  ['bad --workers', ['--workers', 'many'], /--workers many: expected a whole number ≥ 0/],
  ['unknown --only key', ['--only', 'colour=red'], /--only colour=red: 'colour' is not a config key/],
  ['--only selecting nothing', ['--only', 'dataset=cifar-10'], /--only dataset=cifar-10: selects no runs/],
  ['bad --set', ['--set', 'trainsize=5'], /trainsize: unknown key/],
  ['bad grid value', ['--set', 'trainSize=-3'], /trainSize=-3\): trainSize:/],
];

for (const [name, extra, message] of bad) {
  test(`dwgd compare with ${name}: one line on stderr, exit code 2, nothing written`, () => {
    const { dir, grid } = workspace();
    const r = dwgd(['compare', '--config', grid, '--out', join(dir, 'results'), '--quiet', ...extra], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, got: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(join(dir, 'results')));
  });
}

test('--correction bh, by and holm: each family corrected the chosen way, said in REPORT.md and --json; the same runs serve all three', async () => {
  const { dir, grid } = workspace();
  const out = join(dir, 'out');
  const adjusted = new Map<string, number[]>();
  for (const correction of ['bh', 'by', 'holm']) {
    await runCompare(flags(grid, out, { workers: '0', seeds: '5', resume: correction !== 'bh', correction }));
    const folder = join(out, 'compare', readdirSync(join(out, 'compare'))[0]);
    const report = readFileSync(join(folder, 'REPORT.md'), 'utf8');
    const name = { bh: 'Benjamini–Hochberg', by: 'Benjamini–Yekutieli', holm: 'Holm' }[correction]!;
    assert.match(report, new RegExp(`each corrected with ${name} at α = 0\\.05 within the family`));
    assert.match(report, new RegExp(`mnist clean \\(\\d+ comparisons, ${name}\\)`));
    const rows = parseCsv(readFileSync(join(folder, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const mine = rows.filter((r) => r.baseline !== '');
    assert.ok(mine.length > 0 && mine.every((r) => r.correction === correction), correction);
    adjusted.set(correction, mine.map((r) => Number(r.p_adjusted)));
  }
  // BY and Holm never adjust below BH on the same p-values.
  const bh = adjusted.get('bh')!;
  for (const c of ['by', 'holm']) adjusted.get(c)!.forEach((p, i) => assert.ok(p >= bh[i] - 1e-15, `${c} row ${i}`));
  assert.ok(adjusted.get('by')!.some((p, i) => p > bh[i]), 'BY moves some adjusted p');
});
