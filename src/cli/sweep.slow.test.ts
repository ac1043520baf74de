// `dwgd sweep` / `dwgd report` end to end on synthetic data (the loader is injected): three
// shards run into three folders (three "machines") and merged give the same bytes as the
// unsharded sweep; an evaluation-only axis trains each point once; the Slurm script passes
// `bash -n` and names the right array range; bad input is one line and exit code 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import { runReport, runSweep, type RawStudyFlags } from './testing/pipelines.js';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN, SYNTHETIC_LOADER as LOADER } from '../experiment/testing/paths.js';


const SWEEP = `name: tiny
description: label noise on synthetic blobs, evaluated at two test-noise levels
seeds: 2
base:
  dataset: { name: mnist }
  hidden: [8]
  trainSize: 60
  turns: 2
  stepsPerTurn: 150
  methods: [dwm, dwm-stable, sgd]
  seed: 5
  labelNoise: { fraction: 0 }
grid:
  labelNoise.fraction: [0, 0.2, 0.4]
evaluate:
  noise.sigma: [0, 0.5]
metrics: [clean, noisy, balanced]
`;

function workspace(text = SWEEP): { dir: string; file: string } {
  return tempFile('tiny.yaml', text);
}

function flags(file: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config: file, set: [], sbatch: [], dryRun: false, resume: false, json: false, quiet: true, out, workers: '0', loaderUrl: LOADER, ...extra };
}

/** Every derived file of a sweep folder (not runs/, whose provenance.json holds wall times): path → bytes. */
function finalFiles(outDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(outDir).sort()) {
    if (name === 'runs' || name === 'plots') continue;
    files.set(name, readFileSync(join(outDir, name)));
  }
  for (const name of readdirSync(join(outDir, 'plots')).sort()) files.set(`plots/${name}`, readFileSync(join(outDir, 'plots', name)));
  return files;
}

test('shards 1/3, 2/3, 3/3 on three machines merged by dwgd report are byte-identical to the unsharded sweep', async () => {
  const { dir, file } = workspace();
  const whole = await runSweep(flags(file, join(dir, 'whole'), { workers: '2' }));
  assert.ok(whole.reported);
  assert.equal(whole.study.runs.length, 3 * 2, '3 training points × 2 seeds; the 2 σ values add no runs');
  const expected = finalFiles(whole.dir);
  for (const f of ['REPORT.md', 'index.html', 'table.csv', 'summary.csv', 'summary-balanced.csv', 'per-class.csv', 'plan.json', 'study.json']) assert.ok(expected.has(f), f);
  // Three metrics (clean, noisy, balanced) against the last swept axis (σ), one plot per label-noise level.
  const svgs = [...expected.keys()].filter((k) => k.endsWith('.svg'));
  assert.equal(svgs.length, 3 * 3);
  for (const k of svgs) assert.ok(expected.has(k.replace(/\.svg$/, '.png')), `${k} has a PNG`);
  // And its Vega spec (Vega v5 itself, no other grammar), which the report links to.
  for (const k of svgs) assert.equal(JSON.parse(expected.get(k.replace(/\.svg$/, '.vg.json'))!.toString()).$schema, 'https://vega.github.io/schema/vega/v5.json', k);
  assert.match(expected.get('REPORT.md')!.toString(), /\[Vega spec\]\(plots\/[A-Za-z0-9_-]+\.vg\.json\)/);
  // File names of letters, digits, '-' and '_' (the label-noise levels 0.2, 0.4 carry no dot).
  for (const k of svgs) assert.match(k, /^plots\/[A-Za-z0-9_-]+\.svg$/, k);
  // Titles and headings name the swept keys in words.
  assert.match(expected.get('REPORT.md')!.toString(), /^## noisy test accuracy \(%\) vs test input noise σ \(fraction of training labels corrupted = 0\.2\)$/m);
  assert.deepEqual([...expected.get(svgs[0].replace(/\.svg$/, '.png'))!.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  const shardDirs: string[] = [];
  for (const k of [1, 2, 3]) {
    const o = await runSweep(flags(file, join(dir, `machine${k}`), { shard: `${k}/3` }));
    assert.equal(o.reported, false, 'a shard writes no report');
    assert.equal(o.runs.length, 2);
    assert.ok(!existsSync(join(o.dir, 'REPORT.md')));
    shardDirs.push(o.dir);
  }
  // Run folders are self-contained: each shard's runs are byte-identical to the whole sweep's.
  for (const d of shardDirs) {
    for (const id of readdirSync(join(d, 'runs'))) {
      assert.equal(readFileSync(join(d, 'runs', id, 'run.json'), 'utf8'), readFileSync(join(whole.dir, 'runs', id, 'run.json'), 'utf8'));
    }
  }
  const merged = await runReport({ dirs: shardDirs, out: join(dir, 'merged', 'tiny') });
  assert.equal(merged.runs, 6);
  assert.equal(merged.copied, 6);
  const got = finalFiles(merged.outDir);
  assert.deepEqual([...got.keys()], [...expected.keys()]);
  for (const [k, v] of expected) assert.ok(got.get(k)!.equals(v), `${k} differs after merging shards`);

  // Merging into the first shard's own folder works too, and a missing shard is named.
  await assert.rejects(runReport({ dirs: shardDirs.slice(0, 2) }),
    (e: Error) => e instanceof UserError && /^report: 2 of 6 runs are missing from .*\(first: s\d+-[0-9a-f]+, mnist 2-layer n=60 labelNoise\.fraction=[0-9.]+ seed \d\)/.test(e.message));
  assert.ok(!existsSync(join(shardDirs[0], 'REPORT.md')), 'nothing written when runs are missing');
});

test('the records keep per-class and balanced accuracy; the report shows the realised label-noise rate', async () => {
  const { dir, file } = workspace();
  const o = await runSweep(flags(file, join(dir, 'out')));
  const run = JSON.parse(readFileSync(join(o.dir, 'runs', o.study.runs[2].id, 'run.json'), 'utf8'));
  const m = run.record.methods.dwm;
  assert.equal(m.perClass.length, 4);
  // One score per evaluation point (σ = 0, the clean point, and 0.5), each with its classes.
  assert.deepEqual(run.record.points, [{ 'noise.sigma': 0, 'mask.fraction': 0 }, { 'noise.sigma': 0.5, 'mask.fraction': 0 }]);
  assert.equal(m.at.length, 2);
  assert.equal(m.at[0].value, m.clean);
  assert.deepEqual(m.at[0].perClass, m.perClass);
  assert.equal(m.at[1].perClass.length, 4);
  assert.equal(typeof run.record.corruptedLabels, 'number');
  assert.deepEqual(run.record.trainClassCounts.reduce((a: number, b: number) => a + b, 0), 60);
  // The balanced accuracy is the mean of the per-class accuracies (all classes present here).
  const mean = m.perClass.reduce((a: number, b: number) => a + b, 0) / 4;
  assert.ok(Math.abs(m.balanced - mean) < 1e-12);
  // table.csv: per run × method, 2 turns × (accuracy, train_loss), the clean balanced and 4 class
  // rows, and at σ = 0.5 the accuracy, balanced and 4 class rows.
  const rows = readFileSync(join(o.dir, 'table.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 1 + 6 * 3 * (2 * 2 + (1 + 4) + (1 + 1 + 4)));
  const report = readFileSync(join(o.dir, 'REPORT.md'), 'utf8');
  assert.match(report, /each run evaluates its trained models at all 2 evaluation points \(`noise.sigma`, no retraining\)/);
  // Balanced accuracy is aggregated over the same seeds as accuracy: none diverged, so none is left out.
  const balanced = readFileSync(join(o.dir, 'summary-balanced.csv'), 'utf8');
  assert.match(balanced, /mnist balanced noisy/);
  assert.doesNotMatch(balanced, /inconclusive|left out: diverged/);
  // The protocol is a key | value table, not JSON: lists as "a, b", the label-noise object as code.
  assert.match(report, /\n\| key \| value \|\n\| --- \| --- \|\n\| dataset \| [a-z-]+ \|\n\| hidden layers \| \d+(, \d+)* \|\n/);
  assert.match(report, /\n\| label noise \| `\{[^`|]+\}`( \/ `\{[^`|]+\}`)* \|\n/);
  assert.ok(!report.includes('Protocol: dataset'));
  // The realised rate per point is the corrupted entries of both seeds' training lists over
  // their 2 × 60 entries, as the records count them; fraction 0 corrupts nothing.
  for (const fraction of [0, 0.2, 0.4]) {
    const runs = o.study.runs.filter((r) => r.config.labelNoise?.fraction === fraction);
    assert.equal(runs.length, 2);
    const corrupted = runs.map((r) => JSON.parse(readFileSync(join(o.dir, 'runs', r.id, 'run.json'), 'utf8')).record.corruptedLabels as number);
    const rate = (100 * (corrupted[0] + corrupted[1])) / 120;
    if (fraction === 0) assert.equal(rate, 0);
    // Binomial(120, fraction): within 4 standard deviations of the requested rate.
    else assert.ok(Math.abs(rate / 100 - fraction) < 4 * Math.sqrt((fraction * (1 - fraction)) / 120), `realised ${rate} % for ${fraction}`);
    const row = report.split('\n').find((l) => l.startsWith(`| mnist 2-layer n=60 labelNoise.fraction=${fraction} |`));
    assert.ok(row, `no data row for fraction ${fraction}`);
    assert.equal(row.split('|')[5].trim(), `${rate.toFixed(1)} %`, row);
  }
});

test('--dry-run lists the runs and writes nothing; --resume reuses every finished run', async () => {
  const { dir, file } = workspace();
  const dry = await runSweep(flags(file, join(dir, 'out'), { dryRun: true, shard: '2/4' }));
  assert.equal(dry.runs.length, 2);
  assert.ok(!existsSync(join(dir, 'out')));
  const first = await runSweep(flags(file, join(dir, 'out')));
  const again = await runSweep(flags(file, join(dir, 'out'), { resume: true }));
  assert.equal(again.ran, 0);
  assert.equal(again.reused, 6);
  assert.equal(first.dir, again.dir);
});

function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--emit slurm writes a job array whose scripts pass bash -n and name the right array range', () => {
  const { dir, file } = workspace();
  const r = dwgd(['sweep', '--config', file, '--emit', 'slurm', '--shards', '4', '--sbatch', 'time=00:30:00', '--set', 'lr=0.002', '--out', 'res'], dir);
  assert.equal(r.code, 0, r.stderr);
  const slurm = join(dir, 'res', 'sweeps', 'tiny', 'slurm');
  for (const f of ['sweep.sbatch', 'report.sbatch', 'submit.sh']) {
    const check = spawnSync('bash', ['-n', join(slurm, f)], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${f}: ${check.stderr}`);
  }
  const array = readFileSync(join(slurm, 'sweep.sbatch'), 'utf8');
  assert.match(array, /^#SBATCH --array=1-4$/m);
  assert.match(array, /^#SBATCH --time=00:30:00$/m);
  assert.match(array, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/4"/);
  assert.match(array, /--set lr=0\.002/);
  // Every path absolute (the scripts run from anywhere), the report job cancelled when a task fails.
  const report = readFileSync(join(slurm, 'report.sbatch'), 'utf8');
  assert.ok(report.includes(`\ndwgd report ${join(dir, 'res', 'sweeps', 'tiny')}\n`), report);
  assert.match(report, /^#SBATCH --kill-on-invalid-dep=yes$/m);
  assert.doesNotMatch(report, /time=00:30:00/, '--sbatch is for the array job only');
  assert.ok(array.includes(`--config ${file} `) && array.includes(`--out ${join(dir, 'res')} `), 'the config as given (it resolves from --chdir), --out absolute');
  assert.match(readFileSync(join(slurm, 'submit.sh'), 'utf8'), /sbatch --parsable --dependency=afterok:"\$array"/);
  // Default: about 4 runs per CPU of a task (2 CPUs): the 6 runs in one task.
  assert.equal(dwgd(['sweep', '--config', file, '--emit', 'slurm', '--out', 'res2'], dir).code, 0);
  assert.match(readFileSync(join(dir, 'res2', 'sweeps', 'tiny', 'slurm', 'sweep.sbatch'), 'utf8'), /^#SBATCH --array=1-1$/m);
});

test('dwgd sweep --dry-run --json lists ids; shards of the listing cover it', () => {
  const { dir, file } = workspace();
  const all = JSON.parse(dwgd(['sweep', '--config', file, '--dry-run', '--json'], dir).stdout);
  assert.equal(all.total, 6);
  assert.deepEqual(all.axes.map((a: { key: string; evaluationOnly: boolean }) => [a.key, a.evaluationOnly]), [['labelNoise.fraction', false], ['noise.sigma', true]]);
  const parts = [1, 2].flatMap((k) => JSON.parse(dwgd(['sweep', '--config', file, '--dry-run', '--json', '--shard', `${k}/2`], dir).stdout).runs.map((x: { id: string }) => x.id));
  assert.deepEqual(parts.sort(), all.runs.map((x: { id: string }) => x.id).sort());
  assert.ok(!existsSync(join(dir, 'results')));
});

test('dwgd sweep --dry-run loads no plotting library (vega and its parts, resvg)', () => {
  // A module-resolution hook in the child process logs every module it resolves.
  const { dir, file } = workspace();
  const log = join(dir, 'resolved.txt');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}
`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, 'sweep', '--config', file, '--dry-run'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const resolved = readFileSync(log, 'utf8').trim().split('\n');
  assert.ok(resolved.some((u) => u.endsWith('/cli/sweep.js')), 'the hook saw the sweep command load');
  assert.deepEqual(resolved.filter((u) => /\/node_modules\/(vega[a-z-]*|d3-[a-z-]+|@resvg)\//.test(u)), []);
});

const bad: [string, string[], RegExp][] = [
  ['a bad --shard', ['--shard', '4/3'], /--shard 4\/3: expected K\/N with 1 ≤ K ≤ N/],
  ['an unknown --emit', ['--emit', 'pbs'], /--emit pbs: the only target is slurm/],
  ['too many --shards', ['--emit', 'slurm', '--shards', '7'], /--shards 7: more tasks than the 6 runs/],
  ['a bad --set', ['--set', 'noise.sigma=0,-1'], /evaluate\.noise\.sigma\[1\]: expected a number ≥ 0, got -1/],
  ['a bad axis value', ['--set', 'labelNoise.fraction=0,2'], /labelNoise.fraction=2\): labelNoise.fraction:/],
];

for (const [name, extra, message] of bad) {
  test(`dwgd sweep with ${name}: one line on stderr, exit code 2, nothing written`, () => {
    const { dir, file } = workspace();
    const r = dwgd(['sweep', '--config', file, '--out', join(dir, 'results'), '--quiet', ...extra], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, got: ${r.stderr}`);
    assert.ok(!existsSync(join(dir, 'results')));
  });
}

test('dwgd report on a folder that is not a sweep: one line, exit code 2', () => {
  const { dir } = workspace();
  const r = dwgd(['report', join(dir, 'nowhere')], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /report .*nowhere: no study.json here/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('a sweep file with an evaluation-only key that cannot be one fails with one line', () => {
  const { dir, file } = workspace(SWEEP.replace('  noise.sigma: [0, 0.5]', '  trainSize: [10]'));
  const r = dwgd(['sweep', '--config', file, '--dry-run'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tiny.yaml: evaluate.trainSize: not an evaluation axis/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
