// Scale-out of compare (issue 11) on synthetic data: cost-balanced shards worked by hand,
// shards merged by `dwgd report` give the bytes of a single-machine compare, study.json
// rebuilds the plan without the data, a finished folder re-renders byte for byte, temporary
// folders of live writers survive a resume, the Slurm scripts use absolute paths only.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { parseStudyJson } from '../experiment/plan.js';
import { assignShards, defaultTasks, estimatedCost, parseShard, shardRuns } from '../experiment/shard.js';
import { tempFile } from '../experiment/testing/temp.js';
import { tempWriter, THIS_HOST } from '../results/atomic.js';
import { runCompare, runReport, type RawStudyFlags } from './testing/pipelines.js';
import { LEFTOVER_MAX_AGE_HOURS, removeLeftovers } from '../results/run-record.js';
import { BIN, SYNTHETIC_LOADER as LOADER } from '../experiment/testing/paths.js';


const GRID = `name: small
base:
  dataset: { name: mnist, normalize: paper }
  hidden: [8]
  trainSize: 50
  turns: 2
  stepsPerTurn: 150
  methods: [dwm, dwm-stable, sgd]
  seed: 5
grid:
  dataset.name: [mnist, california-housing]
  hidden: [[8], [16]]
`;

function flags(grid: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config: [grid], seeds: '2', only: [], set: [], resume: false, out, workers: '0', loaderUrl: LOADER, ...extra };
}


/** Every file of a compare folder but the run folders' provenance.json (wall times): path → bytes. */
function allFiles(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of allFiles(dir, rel)) out.set(k, v);
    else if (name !== 'provenance.json') out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

function assertSameBytes(got: Map<string, Buffer>, want: Map<string, Buffer>, what: string): void {
  assert.deepEqual([...got.keys()], [...want.keys()], `${what}: the same files`);
  for (const [k, v] of want) assert.ok(got.get(k)!.equals(v), `${what}: ${k} differs`);
}

test('cost-balanced shards: longest first to the least-loaded shard (worked by hand); equal costs are round robin', () => {
  // Costs 5 1 4 2 3 3 over 2 shards: 5→A; 4→B; 3 (index 4)→B (4<5); 3 (index 5)→A (5<7);
  // 2→B (7<8); 1→A (8<9). Loads 9 and 9.
  assert.deepEqual(assignShards([5, 1, 4, 2, 3, 3], 2), [0, 0, 1, 1, 1, 0]);
  assert.deepEqual(assignShards([1, 1, 1, 1, 1, 1, 1], 3), [0, 1, 2, 0, 1, 2, 0]);
  assert.deepEqual(assignShards([7], 3), [0]);
  // A run 10× costlier than the others gets a shard of its own.
  assert.deepEqual(assignShards([1, 1, 10, 1, 1], 2), [1, 1, 0, 1, 1]);
  assert.equal(defaultTasks(12, 2), 2);
  assert.equal(defaultTasks(300, 2), 38);
  assert.equal(defaultTasks(1e6, 1), 1000);
});

test('compare shards partition the plan; merged by dwgd report they give the bytes of one unsharded compare', async () => {
  const { dir, file } = tempFile('small.yaml', GRID);
  const whole = await runCompare(flags(file, join(dir, 'whole'), { workers: '2' }));
  assert.equal(whole.study.runs.length, 8);
  assert.ok(whole.reported && existsSync(join(whole.dir, 'study.json')));
  const want = allFiles(whole.dir);

  const slices = [1, 2, 3].map((k) => shardRuns(whole.study.runs, parseShard(`${k}/3`)).map((r) => r.id));
  assert.deepEqual(slices.flat().sort(), whole.study.runs.map((r) => r.id).sort(), 'every run in exactly one shard');
  assert.equal(new Set(slices.flat()).size, 8);
  // The 16-unit hidden layer doubles an MNIST run's cost and the tabular runs cost next to
  // nothing: the shards share the cost, not the runs. Dealt round robin in plan order, the runs
  // would load one shard with both costliest kinds.
  const cost = new Map(whole.study.runs.map((r) => [r.id, estimatedCost(r)]));
  const load = (ids: string[]) => ids.reduce((a, id) => a + cost.get(id)!, 0);
  const roundRobin = [0, 1, 2].map((k) => whole.study.runs.filter((_, i) => i % 3 === k).map((r) => r.id));
  const maxLoad = (shards: string[][]) => Math.max(...shards.map(load));
  assert.ok(maxLoad(slices) < maxLoad(roundRobin), `cost-balanced ${maxLoad(slices)} against round robin ${maxLoad(roundRobin)}`);
  assert.ok(maxLoad(slices) <= 0.4 * load(slices.flat()), 'no shard carries much more than a third of the cost');

  const machines: string[] = [];
  for (const k of [1, 2, 3]) {
    const o = await runCompare(flags(file, join(dir, `machine${k}`), { shard: `${k}/3` }));
    assert.equal(o.reported, false);
    assert.deepEqual(o.runs.map((r) => r.id), slices[k - 1]);
    assert.ok(!existsSync(join(o.dir, 'REPORT.md')), 'a shard writes no report');
    assert.deepEqual(readdirSync(o.dir).sort(), ['runs', 'study.json']);
    machines.push(o.dir);
  }
  await assert.rejects(runReport({ dirs: machines.slice(0, 2) }), (e: Error) => e instanceof UserError && /^report: \d of 8 runs are missing/.test(e.message));
  const merged = await runReport({ dirs: machines, out: join(dir, 'merged', 'small') });
  assert.equal(merged.kind, 'compare');
  assert.equal(merged.copied, 8);
  assertSameBytes(allFiles(merged.outDir), want, 'merged shards');

  // study.json alone rebuilds the study: no config file, no data needed.
  rmSync(file);
  const st = parseStudyJson(readFileSync(join(merged.outDir, 'study.json'), 'utf8'), 'study.json');
  assert.deepEqual(st.runs.map((r) => r.id), whole.study.runs.map((r) => r.id));
});

test('dwgd report DIR re-renders a compare folder from its run records, byte for byte', async () => {
  const { dir, file } = tempFile('small.yaml', GRID);
  const o = await runCompare(flags(file, join(dir, 'out'), { seeds: '1' }));
  const want = allFiles(o.dir);
  for (const f of ['REPORT.md', 'index.html', 'table.csv', 'summary.csv', 'plan.json']) rmSync(join(o.dir, f));
  rmSync(join(o.dir, 'curves'), { recursive: true });
  const r = spawnSync(process.execPath, [BIN, 'report', o.dir, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).copied, 0);
  assertSameBytes(allFiles(o.dir), want, 're-rendered');
});

test('dwgd report mixes no two programs: runs of one code scope must share a fingerprint, runs of different scopes need not', async () => {
  const { dir, file } = tempFile('small.yaml', GRID);
  const o = await runCompare(flags(file, join(dir, 'out'), { seeds: '1' }));
  const mnist = o.study.runs.filter((r) => r.dataset === 'mnist');
  assert.equal(mnist.length, 2);
  const setFingerprint = (id: string, fingerprint: string) => {
    const path = join(o.dir, 'runs', id, 'run.json');
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    stored.code.fingerprint = fingerprint;
    writeFileSync(path, JSON.stringify(stored));
  };
  // Every MNIST run made by one other build (its MNIST code differed), the others by this one.
  for (const r of mnist) setFingerprint(r.id, 'aaaaaaaaaaaaaaaa');
  assert.equal((await runReport({ dirs: [o.dir] })).runs, 4);
  // Two MNIST runs of the same engine and methods by two builds: refused, naming both.
  setFingerprint(mnist[1].id, 'bbbbbbbbbbbbbbbb');
  await assert.rejects(runReport({ dirs: [o.dir] }), (e: Error) => e instanceof UserError &&
    /^report: the runs were made by different code: fingerprint (aaaa|bbbb)/.test(e.message) && e.message.includes('aaaaaaaaaaaaaaaa') && e.message.includes('bbbbbbbbbbbbbbbb'));
});

test('--dry-run lists the runs and writes nothing; --emit writes the scripts; bad combinations are one line', async () => {
  const { dir, file } = tempFile('small.yaml', GRID);
  const dry = await runCompare(flags(file, join(dir, 'out'), { dryRun: true, shard: '2/3' }));
  assert.ok(dry.runs.length > 0 && dry.runs.length < 8);
  assert.ok(!existsSync(join(dir, 'out')));
  await assert.rejects(runCompare(flags(file, join(dir, 'out'), { emit: 'slurm', shard: '1/2' })), /--emit slurm: give no --shard/);
  await assert.rejects(runCompare(flags(file, join(dir, 'out'), { setup: ['module load x'] })), /--setup: only with --emit slurm/);
  await assert.rejects(runCompare(flags(file, join(dir, 'out'), { emit: 'slurm', sbatch: ['array=1-3'] })), /--sbatch array=…: the array range comes from --shards/);
  assert.ok(!existsSync(join(dir, 'out')));
});

test('the emitted Slurm scripts: absolute paths, --sbatch on the array only, --setup in every job, the report killed on a failed dependency', () => {
  const { dir } = tempFile('small.yaml', GRID);
  const out = join(dir, 'deep', 'er');
  const r = spawnSync(process.execPath, [BIN, 'compare', '--config', 'small.yaml', '--seeds', '2', '--emit', 'slurm', '--out', 'deep/er',
    '--sbatch', 'time=00:10:00', '--sbatch', 'cpus-per-task=3', '--sbatch-report', 'mem=1G', '--setup', 'module load nodejs/20', '--set', 'lr=0.002', '--only', 'dataset=mnist'],
  { cwd: dir, encoding: 'utf8', env: { ...process.env, DWGD_DATA_DIR: 'data', NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const slurm = join(out, 'compare', 'small', 'slurm');
  assert.ok(r.stdout.includes(`submit: bash ${join(slurm, 'submit.sh')}`), r.stdout);
  const array = readFileSync(join(slurm, 'compare.sbatch'), 'utf8');
  const report = readFileSync(join(slurm, 'report.sbatch'), 'utf8');
  const submit = readFileSync(join(slurm, 'submit.sh'), 'utf8');
  for (const [name, text] of [['compare.sbatch', array], ['report.sbatch', report], ['submit.sh', submit]]) {
    const check = spawnSync('bash', ['-n', join(slurm, name)], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${name}: ${check.stderr}`);
    assert.doesNotMatch(text, /\.\.\/|cd "\$\(dirname/, `${name} walks no relative path`);
  }
  // 4 runs (MNIST only: the CLI finds the real data), 3 CPUs a task: 4 runs per CPU → one task.
  assert.match(array, /^#SBATCH --array=1-1$/m);
  assert.match(array, /^#SBATCH --cpus-per-task=3$/m);
  assert.equal(array.match(/cpus-per-task/g)!.length, 1);
  assert.match(array, /^#SBATCH --time=00:10:00$/m);
  assert.ok(array.includes(`#SBATCH --chdir=${dir}\n`) && report.includes(`#SBATCH --chdir=${dir}\n`));
  assert.ok(array.includes(`#SBATCH --output=${slurm}/%x-%A_%a.out`));
  assert.ok(array.includes('--config small.yaml ') && array.includes(`--out ${out} `) && array.includes('--set lr=0.002') && array.includes('--only dataset=mnist'), array);
  assert.ok(array.includes(`dwgd() { ${process.execPath} ${BIN} "$@"; }`), 'the default command is this node and this bin, absolute');
  assert.ok(array.includes(`export DWGD_DATA_DIR="\${DWGD_DATA_DIR:-${join(dir, 'data')}}"`), 'DWGD_DATA_DIR passed on, absolute');
  assert.match(array, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/1" --workers "\$\{SLURM_CPUS_PER_TASK:-1\}" --resume --quiet$/m);
  assert.match(report, /^#SBATCH --kill-on-invalid-dep=yes$/m);
  assert.match(report, /^#SBATCH --mem=1G$/m);
  assert.doesNotMatch(report, /time=|array=|cpus-per-task=3/);
  assert.doesNotMatch(array, /mem=1G/);
  for (const text of [array, report]) {
    const lines = text.split('\n');
    assert.ok(lines.indexOf('module load nodejs/20') > lines.map((l) => l.startsWith('#SBATCH')).lastIndexOf(true), '--setup after the #SBATCH lines');
    assert.ok(lines.indexOf('module load nodejs/20') < lines.findIndex((l) => l.startsWith('dwgd ')), '--setup before dwgd');
  }
  assert.ok(report.includes(`\ndwgd report ${join(out, 'compare', 'small')}\n`));
  assert.match(submit, /echo "watch: +squeue -j \$array,\$report"/);
  assert.match(submit, /echo "cancel: +scancel \$array \$report"/);
});

test('a resume removes only leftovers whose writer is gone: dead pid here, or old from another host', async () => {
  const { dir } = tempFile('x');
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const names = {
      deadHere: `.s0-aa.tmp-${THIS_HOST}-${deadPid}-0`,
      liveHere: `.s0-bb.tmp-${THIS_HOST}-${live.pid}-0`,
      otherRecent: '.s0-cc.tmp-node-07-123-0',
      otherOld: '.s0-dd.tmp-node-07-456-1',
      legacyDead: `.s0-ee.tmp-${deadPid}-3`,
      run: 's0-ff',
    };
    for (const n of Object.values(names)) mkdirSync(join(runs, n));
    const old = (Date.now() - (LEFTOVER_MAX_AGE_HOURS + 1) * 3600_000) / 1000;
    utimesSync(join(runs, names.otherOld), old, old);
    assert.deepEqual(tempWriter(names.otherRecent), { host: 'node-07', pid: 123 });
    assert.deepEqual(tempWriter(names.legacyDead), { host: null, pid: deadPid });
    assert.equal(tempWriter(names.run), null);
    assert.equal(removeLeftovers(dir), 3);
    assert.deepEqual(readdirSync(runs).sort(), [names.liveHere, names.otherRecent, names.run].sort());
  } finally {
    live.kill();
  }
});

test('a compare whose datasets are missing fails before training, naming each missing dataset and --out problems at once', () => {
  const { dir, file } = tempFile('grid.yaml', 'name: g\nbase: { dataset: { name: cifar-10 }, hidden: [8], trainSize: 50, turns: 1, stepsPerTurn: 10 }\ngrid: { dataset.name: [cifar-10, wine-quality, california-housing] }\n');
  writeFileSync(join(dir, 'afile'), '');
  const r = spawnSync(process.execPath, [BIN, 'compare', '--config', file, '--out', join(dir, 'afile', 'out')],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, DWGD_DATA_DIR: join(dir, 'empty'), NO_COLOR: '1' } });
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 4, r.stderr);
  assert.match(lines[0], /--out .*afile\/out: .*afile is a file, not a folder/);
  for (const name of ['cifar-10', 'wine-quality', 'california-housing']) assert.ok(lines.some((l) => l.includes(`${name}: data not found`) && l.includes(`node bin/dwgd.js datasets fetch ${name}`)), `${name} named with its fix: ${r.stderr}`);
  assert.ok(!existsSync(join(dir, 'results')));
});
