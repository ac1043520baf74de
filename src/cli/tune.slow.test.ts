// `dwgd tune` end to end on the synthetic datasets, in process: the tuning stage's choice is
// recomputed from the run records (not from the table the pipeline read), the final stage
// retrains the defaults and the chosen settings on seeds tuning never used, resumes, runs in
// stages, and bad study files are one line each.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { ExperimentSchema } from '../config/schema.js';
import { runExperiment } from '../experiment/run.js';
import { loadDataset } from '../experiment/testing/synthetic.js';
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { Rng } from '../core/rng.js';
import { runTuneCommand } from '../results/tuning-study.js';
import { testFlags } from './testing/pipelines.js';
import { tuneOptions } from './tune.js';

const STUDY = `name: t
base:
  dataset: { name: mnist }
  hidden: [6]
  trainSize: 40
  turns: 2
  stepsPerTurn: 150
  lr: 0.05
  seed: 5
  validation: { size: 60 }
grid:
  trainSize: [40]
tune:
  trials: 3
  seeds: 2
  finalSeeds: 3
  methods:
    sgd: { rule: sgd, space: { lr: { log: [0.01, 0.5] } } }
    mom: { rule: momentum, defaults: { params: { beta: 0.5 } }, space: { lr: [0.005, 0.05, 0.2] } }
    dwm: { rule: dwm, space: { lr: { log: [0.01, 0.5] } } }
`;

function setup(text = STUDY): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-tune-'));
  const file = join(dir, 'study.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

const flags = (file: string, out: string, extra: Record<string, unknown> = {}) => tuneOptions({ ...testFlags(file, out, { workers: '0' }), ...extra });

interface RunJson { config: { seed: number; methods: ({ name: string; lr?: number } | string)[] }; record: { methods: Record<string, { val: number[] }> } }

function runJsons(stageDir: string): RunJson[] {
  return readdirSync(join(stageDir, 'runs')).map((id) => JSON.parse(readFileSync(join(stageDir, 'runs', id, 'run.json'), 'utf8')) as RunJson);
}

test('tune: the choice is the best mean validation score of each method\'s trials (recomputed from run.json), the final stage retrains defaults and choices on fresh seeds', async () => {
  const { dir, file } = setup();
  try {
    const out = join(dir, 'out');
    const o = await runTuneCommand(flags(file, out));
    assert.ok(o.tuning?.reported && o.final?.reported);
    const tuningDir = join(out, 'tune', 't', 'tuning');
    // Independently: every trial's validation accuracy after the last turn, per seed, from the records.
    const scores = new Map<string, number[]>();
    const tuningSeeds = new Set<number>();
    for (const r of runJsons(tuningDir)) {
      tuningSeeds.add(r.config.seed);
      for (const [id, m] of Object.entries(r.record.methods)) scores.set(id, [...(scores.get(id) ?? []), m.val[m.val.length - 1]]);
    }
    assert.deepEqual([...tuningSeeds].sort(), [5, 6]);
    assert.equal(scores.size, 9, 'three trials of each of three methods');
    const selection = JSON.parse(readFileSync(join(tuningDir, 'selection.json'), 'utf8'));
    for (const method of ['sgd', 'mom', 'dwm']) {
      const trials = [...scores.entries()].filter(([id]) => id.startsWith(`${method}-t`));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      let best = trials[0];
      for (const t of trials) if (mean(t[1]) > mean(best[1])) best = t;
      const chosen = selection.cells[0].methods.find((m: { method: string }) => m.method === method);
      assert.equal(chosen.chosen.trial, best[0], `${method}: chosen trial`);
    }
    // The final stage: fresh seeds, each method's default and its chosen setting.
    const finalDir = join(out, 'tune', 't', 'final');
    const finals = runJsons(finalDir);
    assert.deepEqual(finals.map((r) => r.config.seed).sort(), [1005, 1006, 1007]);
    const entries = finals[0].config.methods as { name: string; lr?: number }[];
    assert.deepEqual(entries.map((e) => e.name), ['sgd-default', 'mom-default', 'dwm-default', 'sgd-tuned', 'mom-tuned', 'dwm-tuned']);
    for (const m of selection.cells[0].methods) assert.equal(entries.find((e) => e.name === `${m.method}-tuned`)!.lr, m.chosen.entry.lr);
    assert.equal(entries.find((e) => e.name === 'sgd-default')!.lr, undefined, 'the default takes the config\'s lr');
    // Comparisons: dwm against the two others, per budget and evaluation (2 × 2 × 2).
    const csv = readFileSync(join(finalDir, 'comparisons.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length - 1, 8);
    assert.ok(csv.slice(1).every((l) => /^(default|tuned),/.test(l) && /,dwm-(default|tuned),(sgd|mom)-(default|tuned),/.test(l)));
    const report = readFileSync(join(finalDir, 'REPORT.md'), 'utf8');
    assert.match(report, /## Budget: one-shot defaults/);
    assert.match(report, /## Budget: tuned/);
    assert.doesNotMatch(report, /no difference/);
    // Resumed: nothing trains again; the final stage alone gives the same table.
    const table = readFileSync(join(finalDir, 'table.csv'), 'utf8');
    const again = await runTuneCommand(flags(file, out, { resume: true }));
    assert.equal(again.tuning!.ran + again.final!.ran, 0);
    const finalOnly = await runTuneCommand(flags(file, out, { resume: true, stage: 'final' }));
    assert.equal(finalOnly.tuning, null);
    assert.equal(finalOnly.final!.ran, 0);
    assert.equal(readFileSync(join(finalDir, 'table.csv'), 'utf8'), table);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tune --tuning: a final stage planned from another folder\'s tuning stage trains what that folder\'s own final stage trains (same run ids, same numbers) and scores its own evaluation points; a folder of another study is one line', async () => {
  const oneLine = (pattern: RegExp) => (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n');
  const a = setup();
  // The same study scored at two more noise levels: evaluation keys are not in a run id, so the
  // tuning runs are the same runs.
  const b = setup(STUDY + 'evaluate:\n  noise.sigma: [0, 0.5]\n');
  const other = setup(STUDY.replace('trials: 3', 'trials: 2'));
  try {
    const outA = join(a.dir, 'out');
    await runTuneCommand(flags(a.file, outA));
    const tuningA = join(outA, 'tune', 't', 'tuning');
    const outB = join(b.dir, 'out');
    const viaB = await runTuneCommand(flags(b.file, outB, { stage: 'final', tuning: tuningA }));
    assert.equal(viaB.tuning, null);
    assert.ok(viaB.final?.reported);
    assert.deepEqual(readdirSync(join(outB, 'tune', 't')), ['final'], 'no tuning folder of its own');
    const finalA = runJsons(join(outA, 'tune', 't', 'final'));
    const finalB = runJsons(join(outB, 'tune', 't', 'final'));
    assert.deepEqual(finalB.map((r) => JSON.stringify({ seed: r.config.seed, methods: r.config.methods })).sort(), finalA.map((r) => JSON.stringify({ seed: r.config.seed, methods: r.config.methods })).sort());
    type Scored = RunJson & { record: { points: Record<string, number>[]; methods: Record<string, { clean: number; perTurn: number[] }> } };
    for (const rb of finalB as Scored[]) {
      const ra = (finalA as Scored[]).find((r) => r.config.seed === rb.config.seed)!;
      assert.deepEqual(rb.record.points.map((p) => p['noise.sigma']), [0, 0.5]);
      assert.deepEqual(ra.record.points.map((p) => p['noise.sigma']), [0.3], 'the study without evaluate: scores the paper\'s noisy test');
      for (const [id, m] of Object.entries(rb.record.methods)) {
        assert.equal(m.clean, ra.record.methods[id].clean, `seed ${rb.config.seed} ${id}: clean`);
        assert.deepEqual(m.perTurn, ra.record.methods[id].perTurn, `seed ${rb.config.seed} ${id}: per turn`);
      }
    }
    // Bad uses, one line each.
    await assert.rejects(runTuneCommand(flags(other.file, join(other.dir, 'out'), { stage: 'final', tuning: tuningA })), oneLine(/--tuning .*: not the tuning stage of config .*: \d+ of its \d+ tuning runs are not there/));
    await assert.rejects(runTuneCommand(flags(b.file, outB, { stage: 'final', tuning: join(b.dir, 'nowhere') })), oneLine(/--tuning .*nowhere: no study\.json there/));
    assert.throws(() => flags(b.file, outB, { tuning: tuningA }), oneLine(/--tuning .*: only with --stage final/));
  } finally {
    for (const d of [a, b, other]) rmSync(d.dir, { recursive: true, force: true });
  }
});

test('tune: a study without validation, without tune:, or a final stage before its tuning stage is one line naming it', async () => {
  const oneLine = (pattern: RegExp) => (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n');
  const noVal = setup(STUDY.replace('  validation: { size: 60 }\n', ''));
  const noTune = setup(STUDY.slice(0, STUDY.indexOf('tune:')));
  const fresh = setup();
  try {
    await assert.rejects(runTuneCommand(flags(noVal.file, join(noVal.dir, 'out'))), oneLine(/base\.validation is not set; tuning selects on a validation split/));
    await assert.rejects(runTuneCommand(flags(noTune.file, join(noTune.dir, 'out'))), oneLine(/no tune: section/));
    await assert.rejects(runTuneCommand(flags(fresh.file, join(fresh.dir, 'out'), { stage: 'final' })), oneLine(/the tuning stage is not finished/));
    assert.throws(() => flags(fresh.file, join(fresh.dir, 'out'), { shard: '1/2' }), oneLine(/--shard: give --stage tuning or --stage final/));
    assert.throws(() => flags(fresh.file, join(fresh.dir, 'out'), { stage: 'both-ways' }), oneLine(/--stage both-ways: expected both, tuning or final/));
  } finally {
    for (const d of [noVal, noTune, fresh]) rmSync(d.dir, { recursive: true, force: true });
  }
});

test('tune: the tuning runs score no test set (testEvery: never) yet choose what runs scoring it every turn choose, on a regression set too; the final runs score it every turn', async () => {
  const { dir, file } = setup(STUDY.replace('dataset: { name: mnist }', 'dataset: { name: california-housing }').replace(/lr: \{ log: \[0\.01, 0\.5\] \}/g, 'lr: { log: [0.001, 0.1] }'));
  try {
    const out = join(dir, 'out');
    const o = await runTuneCommand(flags(file, out));
    assert.ok(o.tuning?.reported && o.final?.reported);
    const tuningDir = join(out, 'tune', 't', 'tuning');
    type Stored = RunJson & { config: Record<string, unknown>; record: { tested?: string; methods: Record<string, { val: number[]; perTurn: unknown[] }> } };
    // run.json keeps NaN and ±Infinity as strings: read them back as numbers.
    const numbers = (v: unknown): unknown => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Array.isArray(v) ? v.map(numbers) : v);
    const runs = (runJsons(tuningDir) as Stored[]).map((r) => ({ ...r, record: { ...r.record, methods: Object.fromEntries(Object.entries(r.record.methods).map(([id, m]) => [id, { ...m, val: numbers(m.val) as number[] }])) } }));
    // Each tuning run again with the test set scored every turn: the same validation numbers, bit for bit.
    const full = new Map<string, number[]>();
    for (const r of runs) {
      assert.equal(r.config.testEvery, 'never');
      assert.equal(r.record.tested, 'never');
      const { testEvery: _t, ...rest } = r.config;
      const again = runExperiment(ExperimentSchema.parse(rest), loadDataset({ name: 'california-housing' }));
      assert.equal(again.tested, undefined);
      for (const [id, m] of Object.entries(r.record.methods)) {
        assert.deepEqual(m.val, again.methods[id].val, `${r.config.seed} ${id}: validation`);
        full.set(id, [...(full.get(id) ?? []), again.methods[id].val![again.methods[id].val!.length - 1]]);
      }
    }
    // The choice from the full runs: the lowest mean validation MSE.
    const selection = JSON.parse(readFileSync(join(tuningDir, 'selection.json'), 'utf8'));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const method of ['sgd', 'mom', 'dwm']) {
      const trials = [...full.entries()].filter(([id]) => id.startsWith(`${method}-t`) && Number.isFinite(mean(full.get(id)!)));
      let best = trials[0];
      for (const t of trials) if (mean(t[1]) < mean(best[1])) best = t;
      const chosen = selection.cells[0].methods.find((m: { method: string }) => m.method === method);
      assert.equal(chosen.chosen.trial, best[0], `${method}: chosen trial`);
    }
    for (const r of runJsons(join(out, 'tune', 't', 'final')) as Stored[]) {
      assert.equal(r.config.testEvery, undefined, 'the final stage scores the test set every turn');
      assert.equal(r.record.tested, undefined);
      for (const m of Object.values(r.record.methods)) assert.ok(m.perTurn.every((v) => typeof v === 'number'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tune: the final report shows the floors beside the methods; nearest centroid and constant recomputed by hand on each run\'s training list', async () => {
  const { dir, file } = setup();
  try {
    const out = join(dir, 'out');
    await runTuneCommand(flags(file, out));
    const finalDir = join(out, 'tune', 't', 'final');
    const raw = loadDataset({ name: 'mnist' });
    const n = raw.nInputs;
    // Independently: each final run's training list and test set (the split as METHOD.md §7 draws it:
    // n draws with replacement from the 'split' stream, then the validation set from its own
    // stream), checked against the hashes run.json keeps, then nearest centroid by hand.
    const centroidAcc: number[] = [], constantAcc: number[] = [];
    type Run = { config: { seed: number; trainSize: number }; record: { validation: { size: number; sha256: { train: string; test: string } } } };
    for (const r of runJsons(finalDir) as unknown as Run[]) {
      const rng = new Rng(r.config.seed, 'split');
      const train = Int32Array.from({ length: r.config.trainSize }, () => rng.int(raw.size));
      const hash = (l: Int32Array) => { const b = Buffer.alloc(l.length * 4); l.forEach((v, k) => b.writeInt32LE(v, k * 4)); return createHash('sha256').update(b).digest('hex'); };
      assert.equal(hash(train), r.record.validation.sha256.train, 'the training list drawn again');
      const inTrain = new Set(train);
      const outside = Array.from({ length: raw.size }, (_, i) => i).filter((i) => !inTrain.has(i));
      // The validation set: a partial Fisher–Yates shuffle of the outside list from the 'validation' stream.
      const vrng = new Rng(r.config.seed, 'validation');
      const pool = outside.slice();
      const size = r.record.validation.size;
      for (let k = 0; k < size; k++) {
        const j = k + vrng.int(pool.length - k);
        [pool[k], pool[j]] = [pool[j], pool[k]];
      }
      const held = new Set(pool.slice(0, size));
      const test = Int32Array.from(outside.filter((i) => !held.has(i)));
      assert.equal(hash(test), r.record.validation.sha256.test, 'the test set drawn again');
      const classes = raw.nOutputs;
      const sums = Array.from({ length: classes }, () => new Float64Array(n));
      const counts = new Array<number>(classes).fill(0);
      for (const i of train) { const c = raw.y[i]; counts[c]++; for (let d = 0; d < n; d++) sums[c][d] += raw.x[i * n + d]; }
      const majority = counts.indexOf(Math.max(...counts));
      let right = 0, rightConst = 0;
      for (const i of test) {
        let best = -1, bestD = Infinity;
        for (let c = 0; c < classes; c++) {
          if (!counts[c]) continue;
          let d2 = 0;
          for (let d = 0; d < n; d++) d2 += (raw.x[i * n + d] - sums[c][d] / counts[c]) ** 2;
          if (d2 < bestD) { bestD = d2; best = c; }
        }
        if (best === raw.y[i]) right++;
        if (majority === raw.y[i]) rightConst++;
      }
      centroidAcc.push(right / test.length);
      constantAcc.push(rightConst / test.length);
    }
    assert.equal(centroidAcc.length, 3, 'every final run\'s test set drawn again');
    const rows = parse(readFileSync(join(finalDir, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const floor = (name: string, ev: string) => rows.find((x) => x.kind === 'floor' && x.name === name && x.eval === ev)!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(Number(floor('nearest-centroid', 'clean').mean) - mean(centroidAcc)) < 1e-12);
    assert.ok(Math.abs(Number(floor('constant', 'clean').mean) - mean(constantAcc)) < 1e-12);
    assert.equal(floor('knn', 'noisy').n, '3');
    assert.equal(rows.filter((x) => x.kind === 'method' && x.eval === 'clean').length, 6, 'the six methods beside them');
    assert.equal(rows.filter((x) => x.kind === 'floor').length, 4 * 2, 'four floors, clean and noisy');
    const report = readFileSync(join(finalDir, 'REPORT.md'), 'utf8');
    assert.match(report, /## Methods and floors/);
    for (const f of ['constant', 'nearest-centroid', 'ridge', 'knn']) assert.match(report, new RegExp(`\\| floor: ${f} \\| floor \\|`));
    // floors.json keeps every run's floors; a report written again reuses them (a planted value shows through).
    const floorsFile = join(finalDir, 'floors.json');
    const kept = JSON.parse(readFileSync(floorsFile, 'utf8'));
    assert.equal(Object.keys(kept.runs).length, 3);
    for (const r of Object.values(kept.runs) as { floors: { id: string; clean: number }[] }[]) r.floors.find((f) => f.id === 'nearest-centroid')!.clean = 0.25;
    writeFileSync(floorsFile, JSON.stringify(kept));
    await runTuneCommand(flags(file, out, { resume: true, stage: 'final' }));
    const again = parse(readFileSync(join(finalDir, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(again.find((x) => x.kind === 'floor' && x.name === 'nearest-centroid' && x.eval === 'clean')!.mean, '0.25');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
