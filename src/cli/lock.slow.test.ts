// One dwgd at a time on an output folder (issue 20): a second lock on a folder in use is refused
// at once, in one line naming the folder and the holder (pid, host, command); the lock outlives
// nothing: a holder killed with -9 is found dead and its lock taken over. Parts (shards of one
// plan) share a folder; the whole folder excludes every part. The pipelines take the lock:
// compare and sweep (store.ts runPlan), report (merge.ts), train (its run, in results/<name>/).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { SYNTHETIC_LOADER } from '../experiment/testing/paths.js';
import { runCompare, runReport, runTrain, type RawStudyFlags } from './testing/pipelines.js';
import { LOCK_FILE, lockFolder, lockHolder } from '../results/lock.js';
import { indexRuns } from '../results/run-index.js';

const root = mkdtempSync(join(tmpdir(), 'dwgd-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
const LOCK = fileURLToPath(new URL('../results/lock.js', import.meta.url));
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A child process that locks `dir` (or a part of it) and holds it until killed. */
async function holder(dir: string, part?: string): Promise<ChildProcess> {
  const script = join(root, 'holder.mjs');
  writeFileSync(script, `import { lockFolder } from ${JSON.stringify(LOCK)};
    lockFolder(process.argv[2], 'holding for a test', process.argv[3]);
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);\n`);
  const child = spawn(process.execPath, [script, dir, ...(part ? [part] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await exited;
}

test('a second lock in the same process is refused, naming the folder and this process; released, it can be taken again', () => {
  const dir = join(root, 'same', 'results');
  const release = lockFolder(dir, 'first');
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  assert.deepEqual({ ...lockHolder(dir), started: '' }, { pid: process.pid, host: hostname(), started: '', command: lockHolder(dir)!.command, what: 'first' });
  assert.throws(() => lockFolder(dir, 'second'), (e: unknown) => e instanceof UserError &&
    new RegExp(`^${reEscape(dir)} is in use by this process: pid ${process.pid} on ${reEscape(hostname())} since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(.+\\); wait for it to end, or use another --out$`).test(e.message));
  release();
  release(); // twice: nothing more
  assert.ok(!existsSync(join(root, 'same')), 'the folders made for the lock are removed with it');
  lockFolder(dir, 'again')();
});

test('a folder locked by another process is refused at once with its pid, host and command; killed with -9, its lock is taken over', async () => {
  const dir = join(root, 'other');
  const child = await holder(dir);
  try {
    const t0 = Date.now();
    assert.throws(() => lockFolder(dir, 'parent'), (e: unknown) => e instanceof UserError && !e.message.includes('\n') &&
      e.message.startsWith(`${dir} is in use by another dwgd: pid ${child.pid} on ${hostname()} since `) && /\(holder\.mjs \/.+\)/.test(e.message));
    assert.ok(Date.now() - t0 < 1000, 'at once');
  } finally {
    await kill(child, 'SIGKILL');
  }
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, child.pid, 'kill -9 leaves the lock file behind');
  assert.equal(lockHolder(dir), null, 'its holder is gone');
  const release = lockFolder(dir, 'parent');
  assert.equal(lockHolder(dir)!.pid, process.pid, 'taken over');
  release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
  assert.deepEqual(readdirSync(dir), [], 'no temporary name left from the take-over');
});

test('a holder ended by SIGTERM or SIGHUP removes its lock and still ends by that signal', async () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    const dir = join(root, `ends-${signal}`);
    const child = await holder(dir);
    const exit = new Promise<string | null>((r) => child.once('exit', (_code, sig) => r(sig)));
    child.kill(signal);
    assert.equal(await exit, signal);
    assert.deepEqual(readdirSync(dir), [], 'no lock file left');
  }
});

test('parts: two parts share the folder, the same part twice is refused, and the whole folder excludes every part', async () => {
  const dir = join(root, 'parts');
  const child = await holder(dir, 'shard-a');
  try {
    const b = lockFolder(dir, 'shard b', 'shard-b');
    assert.throws(() => lockFolder(dir, 'shard a again', 'shard-a'), new RegExp(`in use by another dwgd: pid ${child.pid} `));
    assert.throws(() => lockFolder(dir, 'all of it'), new RegExp(`in use by another dwgd: pid ${child.pid} `));
    b();
  } finally {
    await kill(child, 'SIGKILL');
  }
  const whole = lockFolder(dir, 'all of it'); // the dead part's lock is no obstacle
  assert.throws(() => lockFolder(dir, 'a shard', 'shard-c'), /in use by this process/);
  whole();
  // A long part name (a list of run ids) becomes a short file name.
  const many = lockFolder(dir, 'many runs', Array.from({ length: 50 }, (_, i) => `s${i}-0123456789`).join(','));
  assert.deepEqual(indexRuns(dir), { runs: [], damaged: [] }, 'a lock file is not taken for a run');
  many();
});

test('a lock from another host is honoured and names the file to delete; an unreadable one only while fresh', () => {
  const dir = join(root, 'elsewhere');
  mkdirSync(dir);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4242, host: 'node17.cluster', started: '2025-11-26T09:30:00.000Z', command: 'dwgd compare --config a.yaml', what: 'compare a' }));
  assert.throws(() => lockFolder(dir, 'here'), {
    message: `${dir} is in use by another dwgd: pid 4242 on node17.cluster since 2025-11-26 09:30:00 UTC (dwgd compare --config a.yaml); ` +
      `wait for it to end, or use another --out; if that process is gone, delete ${join(dir, LOCK_FILE)}`,
  });
  writeFileSync(join(dir, LOCK_FILE), '{"pid": 4');
  assert.throws(() => lockFolder(dir, 'here'), /cannot be read/);
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, LOCK_FILE), old, old);
  lockFolder(dir, 'here')();
});

// The pipelines. A child holds the lock the pipeline would take; the pipeline must refuse.

const GRID = `name: small
base:
  dataset: { name: mnist }
  hidden: [4]
  trainSize: 30
  turns: 1
  stepsPerTurn: 40
  methods: [sgd]
grid:
  hidden: [[4], [6]]
`;

function compareFlags(grid: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config: [grid], seeds: '1', only: [], set: [], resume: false, out, workers: '0', loaderUrl: SYNTHETIC_LOADER, ...extra };
}

test('compare refuses a folder another process is using, runs beside another shard, and report refuses it too', async () => {
  const grid = join(root, 'small.yaml');
  writeFileSync(grid, GRID);
  const out = join(root, 'cmp');
  const outDir = join(out, 'compare', 'small');
  const child = await holder(outDir);
  try {
    await assert.rejects(runCompare(compareFlags(grid, out)), (e: Error) => e instanceof UserError && e.message.startsWith(`${outDir} is in use by another dwgd: pid ${child.pid} `));
  } finally {
    await kill(child, 'SIGKILL');
  }
  const done = await runCompare(compareFlags(grid, out));
  assert.equal(done.ran, 2);
  assert.ok(!existsSync(join(outDir, LOCK_FILE)), 'released at the end');
  // A shard runs while another part is held; the whole compare does not.
  const shard = await holder(outDir, 'some-other-shard');
  try {
    assert.equal((await runCompare(compareFlags(grid, out, { shard: '1/2' }))).ran, 1);
    await assert.rejects(runCompare(compareFlags(grid, out, { resume: true })), new RegExp(`in use by another dwgd: pid ${shard.pid} `));
    await assert.rejects(runReport({ dirs: [outDir] }), new RegExp(`in use by another dwgd: pid ${shard.pid} `));
  } finally {
    await kill(shard, 'SIGKILL');
  }
  assert.equal((await runReport({ dirs: [outDir] })).runs, 2);
});

test('train refuses while another process trains the same run in the folder, and runs another seed beside it', async () => {
  const csv = join(root, 'data.csv');
  writeFileSync(csv, 'a,b,y\n' + Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i % 7) + 0.5 * ((i * 3) % 5)}`).join('\n') + '\n');
  const cfg = join(root, 'tiny.yaml');
  writeFileSync(cfg, `name: tiny\ndataset: { name: csv, path: ${csv}, target: y, task: regression }\nhidden: [3]\ntrainSize: 20\nturns: 1\nstepsPerTurn: 20\nmethods: [sgd]\nseed: 5\n`);
  const out = join(root, 'train');
  const flags = { config: cfg, set: [] as string[], out, saveWeights: false, download: false };
  const first = await runTrain(flags);
  const child = await holder(join(out, 'tiny'), first.study.runs[0].id);
  try {
    await assert.rejects(runTrain(flags), (e: Error) => e instanceof UserError && e.message.startsWith(`${join(out, 'tiny')} is in use by another dwgd: pid ${child.pid} `));
    const other = await runTrain({ ...flags, set: ['seed=6'] });
    assert.notEqual(other.study.runs[0].id, first.study.runs[0].id);
  } finally {
    await kill(child, 'SIGKILL');
  }
  assert.ok(existsSync(join(out, 'tiny', `${LOCK_FILE}.${first.study.runs[0].id}`)), 'the killed holder\'s lock');
  await runTrain(flags);
  assert.deepEqual(readdirSync(join(out, 'tiny')).filter((n) => n.startsWith('.')), [], 'taken over, then released');
});
