// The listing behind `dwgd runs` (run-index.ts listModels) and the tags and notes beside a run
// (annotations.ts), on run folders written here with made-up numbers (no training): which rows
// pass a filter, their order, the columns that differ, the CSV, and the annotations file.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { Provenance } from '../experiment/provenance.js';
import type { RunRecord } from '../experiment/record.js';
import { ANNOTATIONS_FILE, noteRun, readAnnotations, tagRun } from './annotations.js';
import { RUN_FORMAT, writeRunFolder } from './run-record.js';
import { cellText, listingCsv, listModels, runByRef } from './run-index.js';

interface MadeMethod {
  perTurn: number[];
  noisy: number;
  diverged?: number;
}

/** A whole run folder at root/<name>/<id>/ with these numbers (the metric after each turn, the noisy score). */
function makeRun(root: string, id: string, config: Record<string, unknown>, methods: Record<string, MadeMethod>, startedAt: string, metric: 'accuracy' | 'mse' = 'accuracy'): string {
  const c = ExperimentSchema.parse({ name: 'toy', dataset: { name: metric === 'accuracy' ? 'mnist' : 'wine-quality' }, trainSize: 100, turns: 2, stepsPerTurn: 50, methods: Object.keys(methods), ...config });
  const record: RunRecord = {
    dataset: c.dataset.name, datasetDescription: 'made up', metric, normalize: 'none', sizes: [4, 3, metric === 'accuracy' ? 2 : 1],
    poolSize: 1000, trainSize: c.trainSize, distinctTrain: c.trainSize, testSize: 900, testSet: 'complement',
    points: [{ 'noise.sigma': c.noise.sigma, 'mask.fraction': 0 }],
    methods: Object.fromEntries(Object.entries(methods).map(([m, x]) => [m, {
      perTurn: x.perTurn, clean: x.perTurn[x.perTurn.length - 1], trainLoss: x.perTurn.map((v) => 1 - v), at: [{ value: x.noisy }],
      ...(x.diverged ? { diverged: { turn: x.diverged, reason: 'loss not finite' } } : {}),
    }])),
  };
  const dir = join(root, c.name ?? 'toy', id);
  const prov: Provenance = {
    dwgdVersion: '0.1.0', git: null, node: 'v20', platform: 'linux-x64', cpu: { model: 'test', cores: 1 }, startedAt, endedAt: startedAt,
    wallSeconds: 1, command: ['train'], dataPaths: [], dataOrigin: null,
  };
  writeRunFolder(dir, { format: RUN_FORMAT, runId: id, configHash: `${id}-hash`, label: id, config: c, data: null, code: { version: '0.1.0', fingerprint: 'f00d' }, record }, prov);
  return dir;
}

const root = mkdtempSync(join(tmpdir(), 'dwgd-runs-'));
const dirA = makeRun(root, 's5-aaaa000001', { lr: 0.001 }, { dwm: { perTurn: [0.8, 0.9], noisy: 0.85 }, sgd: { perTurn: [0.7, 0.88], noisy: 0.8 } }, '2025-11-26T09:00:00.000Z');
const dirB = makeRun(root, 's5-bbbb000002', { lr: 0.01 }, { dwm: { perTurn: [0.6, 0.95], noisy: 0.7 }, sgd: { perTurn: [0.5, Number.NaN], noisy: Number.NaN, diverged: 2 } }, '2025-11-26T10:00:00.000Z');
const dirC = makeRun(root, 's6-cccc000003', { lr: 0.001, seed: 6, trainSize: 500 }, { dwm: { perTurn: [0.7, 0.92], noisy: 0.9 }, sgd: { perTurn: [0.6, 0.91], noisy: 0.86 } }, '2025-11-26T08:00:00.000Z');

const ids = (rows: { run: string; method: string }[]) => rows.map((r) => `${r.run.slice(0, 7)} ${r.method}`);

test('listModels: one row per run × method, oldest run first, the config\'s method order; what differs and what is shared', () => {
  const l = listModels(root);
  assert.deepEqual([l.runCount, l.modelCount], [3, 6]);
  assert.deepEqual(ids(l.rows), ['s6-cccc dwm', 's6-cccc sgd', 's5-aaaa dwm', 's5-aaaa sgd', 's5-bbbb dwm', 's5-bbbb sgd']);
  // n (trainSize), seed and lr differ; name, dataset, hidden, turns and stepsPerTurn do not.
  assert.deepEqual(l.differing, ['n', 'seed', 'lr']);
  assert.deepEqual(l.shared, [{ key: 'name', value: 'toy' }, { key: 'dataset', value: 'mnist' }, { key: 'hidden', value: '[20]' }, { key: 'turns', value: 2 }, { key: 'stepsPerTurn', value: 50 }]);
  // The diverged sgd of run b brings the status column; nobody has tags or a note.
  assert.deepEqual(l.columns, ['started', 'run', 'method', 'n', 'seed', 'lr', 'clean', 'noisy', 'status']);
  const b = l.rows.find((r) => r.run === 's5-bbbb000002' && r.method === 'sgd')!;
  assert.equal(b.status, 'diverged');
  assert.equal(b.statusReason, 'diverged at turn 2: loss not finite');
  assert.deepEqual([cellText(b, 'clean'), cellText(b, 'noisy'), cellText(l.rows[0], 'clean'), cellText(l.rows[0], 'started')], ['NaN', 'NaN', '92.00', '2025-11-26 08:00']);
});

test('listModels: --where and --tag select rows; what differs is computed among the rows shown', () => {
  const l = listModels(root, { where: 'method=dwm and n<500' });
  assert.deepEqual(ids(l.rows), ['s5-aaaa dwm', 's5-bbbb dwm']);
  assert.deepEqual(l.differing, ['lr']);
  assert.deepEqual(ids(listModels(root, { where: 'clean>=0.91 or lr=1e-2' }).rows), ['s6-cccc dwm', 's6-cccc sgd', 's5-bbbb dwm', 's5-bbbb sgd']);
  assert.deepEqual(ids(listModels(root, { where: 'status=diverged' }).rows), ['s5-bbbb sgd']);
  assert.deepEqual(listModels(root, { where: 'method=adam' }).rows, []);
});

test('listModels: --sort by keys, -KEY or --desc descending, NaN last either way, ties in listing order', () => {
  assert.deepEqual(ids(listModels(root, { sort: ['clean'] }).rows), ['s5-aaaa sgd', 's5-aaaa dwm', 's6-cccc sgd', 's6-cccc dwm', 's5-bbbb dwm', 's5-bbbb sgd']);
  assert.deepEqual(ids(listModels(root, { sort: ['-clean'] }).rows), ['s5-bbbb dwm', 's6-cccc dwm', 's6-cccc sgd', 's5-aaaa dwm', 's5-aaaa sgd', 's5-bbbb sgd']);
  assert.deepEqual(ids(listModels(root, { sort: ['clean'], desc: true }).rows), ids(listModels(root, { sort: ['-clean'] }).rows));
  // lr ascending, then noisy descending within one lr.
  assert.deepEqual(ids(listModels(root, { sort: ['lr', '-noisy'] }).rows), ['s6-cccc dwm', 's6-cccc sgd', 's5-aaaa dwm', 's5-aaaa sgd', 's5-bbbb dwm', 's5-bbbb sgd']);
  assert.deepEqual(ids(listModels(root, { sort: ['method', '-run'] }).rows), ['s6-cccc dwm', 's5-bbbb dwm', 's5-aaaa dwm', 's6-cccc sgd', 's5-bbbb sgd', 's5-aaaa sgd']);
});

test('listModels: a bad filter, sort key or column is one line naming it (did you mean …)', () => {
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof UserError);
      return e.message;
    }
    return null;
  };
  assert.equal(message(() => listModels(root, { where: 'lrr=0.1' })), "--where 'lrr=0.1': unknown key 'lrr' (did you mean lr?)");
  assert.equal(message(() => listModels(root, { where: 'lr>small' })), "--where 'lr>small': lr > 'small': lr is a number, 'small' is not");
  assert.equal(message(() => listModels(root, { where: 'clean>90' })), "--where 'clean>90': clean > 90: accuracy is a fraction here, from 0 to 1 (clean>0.9 for 90 %)");
  assert.equal(message(() => listModels(root, { where: 'method=dwm and' })), "--where 'method=dwm and': expected a key (a parameter or metric name) at the end, found nothing");
  assert.equal(message(() => listModels(root, { sort: ['-clen'] })), "--sort '-clen': unknown key 'clen' (did you mean clean?)");
  assert.equal(message(() => listModels(root, { columns: ['run', 'stepsperturn'] })), "--columns 'stepsperturn': unknown key 'stepsperturn' (did you mean stepsPerTurn?)");
  assert.equal(message(() => listModels(root, { tags: ['a b'] })), "--tag 'a b': not a tag (a letter or digit, then letters, digits and . _ - : + /)");
});

test('tags and notes: beside the run in annotations.json, written whole; filterable; a damaged file is one line', () => {
  assert.deepEqual(tagRun(dirA, ['good', 'baseline']), ['good', 'baseline']);
  assert.deepEqual(tagRun(dirA, ['good', 'v2']), ['good', 'baseline', 'v2'], 'a tag already there is not doubled');
  assert.deepEqual(tagRun(dirA, ['baseline'], true), ['good', 'v2']);
  tagRun(dirC, ['good']);
  noteRun(dirB, 'lr too high?\nsecond line');
  assert.deepEqual(JSON.parse(readFileSync(join(dirA, ANNOTATIONS_FILE), 'utf8')), { format: 'dwgd-annotations/1', tags: ['good', 'v2'], note: '' });
  assert.ok(!readFileSync(join(dirA, 'run.json'), 'utf8').includes('good'), 'run.json untouched');
  assert.deepEqual(readAnnotations(dirB), { tags: [], note: 'lr too high?\nsecond line' });

  assert.deepEqual(ids(listModels(root, { tags: ['good'] }).rows), ['s6-cccc dwm', 's6-cccc sgd', 's5-aaaa dwm', 's5-aaaa sgd']);
  assert.deepEqual(ids(listModels(root, { tags: ['good', 'v2'] }).rows), ['s5-aaaa dwm', 's5-aaaa sgd']);
  assert.deepEqual(ids(listModels(root, { where: 'tag=good and method=sgd' }).rows), ['s6-cccc sgd', 's5-aaaa sgd']);
  const l = listModels(root);
  assert.deepEqual(l.columns.slice(-2), ['tags', 'note']);
  const b = l.rows.find((r) => r.run.startsWith('s5-bbbb'))!;
  assert.equal(cellText(b, 'note'), 'lr too high?…');
  assert.equal(cellText(l.rows[2], 'tags'), 'good,v2');

  assert.throws(() => tagRun(dirA, ['ok', 'not ok']), /^UserError: tag 'not ok': a tag is a letter or digit/);
  assert.deepEqual(readAnnotations(dirA).tags, ['good', 'v2'], 'a bad tag writes nothing');
  writeFileSync(join(dirC, ANNOTATIONS_FILE), '{"format": "dwgd-annotations/1", "tags": [');
  const damaged = listModels(root);
  assert.deepEqual(damaged.warnings, [`${join(dirC, ANNOTATIONS_FILE)}: not valid JSON (edit it, or delete it to drop the run's tags and note); the run is listed without tags and note`]);
  assert.deepEqual(damaged.rows.filter((r) => r.dir === dirC).map((r) => r.tags), [[], []]);
  assert.throws(() => tagRun(dirC, ['more']), { message: `${join(dirC, ANNOTATIONS_FILE)}: not valid JSON (edit it, or delete it to drop the run's tags and note)` });
  writeFileSync(join(dirC, ANNOTATIONS_FILE), '{"format": "dwgd-annotations/1", "tags": ["good"], "note": ""}\n');
});

test('runByRef: a unique start of an id, a folder; none, several, or a folder without a run is one line', () => {
  assert.equal(runByRef('s5-a', root, 'runs tag').dir, dirA);
  assert.equal(runByRef(dirB, root, 'runs tag').stored.runId, 's5-bbbb000002');
  assert.throws(() => runByRef('s5-', root, 'runs tag'), /^UserError: s5-: 2 runs match/);
  assert.throws(() => runByRef('s9', root, 'runs tag'), /^UserError: s9: no run under .* has an id starting so/);
  assert.throws(() => runByRef(root, root, 'runs tag'), /^UserError: .*: not a run folder \(it holds no run.json\)$/);
  assert.throws(() => runByRef('', root, 'runs note'), { message: 'runs note: give a run folder, a run id or a unique start of one' });
});

test('listingCsv: RFC 4180 quoting, the curves as JSON lists, every config key; or just the columns asked for', () => {
  const l = listModels(root, { where: 'run=s5-bbbb000002' });
  const lines = listingCsv(l).trimEnd().split('\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(0, 15), ['run', 'method', 'started', 'name', 'tags', 'note', 'metric', 'status', 'status_reason', 'clean', 'noisy', 'loss', 'per_turn', 'train_loss', 'dir']);
  for (const k of ['lr', 'hidden', 'trainSize', 'noise.sigma', 'dataset.name', 'methods']) assert.ok(header.includes(k), k);
  // The note holds a newline: the cell is quoted; the curves are JSON (NaN as null).
  assert.ok(lines[1].startsWith(`s5-bbbb000002,dwm,2025-11-26T10:00:00.000Z,toy,,"lr too high?`));
  const csv = listingCsv(l);
  assert.match(csv, /,"\[0\.6,0\.95\]","\[0\.4,0\.050000000000000044\]",/);
  assert.match(csv, /,diverged,diverged at turn 2: loss not finite,NaN,NaN,NaN,"\[0\.5,null\]",/);
  assert.match(csv, /,"\[""dwm"",""sgd""\]",/, 'a list with quotes inside, doubled');
  assert.equal(listingCsv(l, ['run', 'method', 'clean']), 'run,method,clean\ns5-bbbb000002,dwm,0.95\ns5-bbbb000002,sgd,NaN\n');
});
