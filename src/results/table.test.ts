// table.csv holds everything a report needs: written from run records and read back, every run
// gives back the same config and the same record, number for number (NaN and ±Infinity
// included), with classes, several evaluation points, divergence and collapse.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints, isIdentity } from '../data/eval-axes/index.js';
import type { RunSpec } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/record.js';
import { runViews, tableCsv } from './table.js';
import { methodIds } from '../config/methods.js';

function spec(id: string, overrides: Record<string, unknown>): RunSpec {
  const config = ExperimentSchema.parse({ dataset: { name: 'mnist' }, hidden: [8, 4], trainSize: 50, turns: 3, methods: ['dwm', 'sgd'], seed: 7, ...overrides });
  config.name = 'study';
  return { id, experimentId: `e-${id}`, configHash: 'h', config, data: null, seedIndex: 0, dataset: config.dataset.name, arch: '3-layer', trainSize: 50, extra: {}, label: id };
}

/** A record for `s`: numbers that differ everywhere, so a misplaced one shows. */
function record(s: RunSpec, classes: number): RunRecord {
  const points = evalPoints(s.config);
  let k = 0;
  const next = () => 0.1 + (k++ % 997) / 1000 + 1e-13 * k;
  const per = () => (classes ? Array.from({ length: classes }, next) : undefined);
  const methods: RunRecord['methods'] = {};
  for (const m of methodIds(s.config)) {
    const perTurn = Array.from({ length: s.config.turns }, next);
    methods[m] = {
      perTurn, clean: perTurn[perTurn.length - 1], trainLoss: Array.from({ length: s.config.turns }, next),
      at: points.map(() => (classes ? { value: next(), balanced: next(), perClass: per()! } : { value: next() })),
    };
    if (classes) {
      methods[m].perClass = per();
      methods[m].balanced = next();
      // The clean point, where there is one, holds the clean numbers.
      points.forEach((p, i) => {
        if (isIdentity(p)) methods[m].at[i] = { value: methods[m].clean, balanced: methods[m].balanced, perClass: methods[m].perClass };
      });
    } else {
      points.forEach((p, i) => {
        if (isIdentity(p)) methods[m].at[i] = { value: methods[m].clean };
      });
    }
  }
  const r: RunRecord = {
    dataset: s.config.dataset.name, datasetDescription: 'a description, with "quotes", commas', metric: classes ? 'accuracy' : 'mse', normalize: 'none',
    sizes: [12, 8, 4, classes || 1], poolSize: 300, trainSize: 50, distinctTrain: 46, testSize: 254, testSet: 'complement', points, methods,
  };
  if (classes) {
    r.trainClassCounts = Array.from({ length: classes }, (_, c) => 10 + c);
    r.testClassCounts = Array.from({ length: classes }, (_, c) => 60 + c);
  }
  return r;
}

test('table.csv read back gives every run its config and record exactly', () => {
  const runs = [
    spec('a', {}),
    spec('b', { evaluate: { 'noise.sigma': [0, 0.25], 'mask.fraction': [0, 0.5] }, labelNoise: { fraction: 0.2 }, dataset: { name: 'mnist', pool: 'train' } }),
    spec('c', { dataset: { name: 'california-housing', normalize: 'paper', targetScale: 0.1 }, methods: ['sgd', 'l2-0.1'], evaluate: { 'mask.fraction': [0.1] } }),
  ];
  const records = new Map(runs.map((s, i) => [s.id, record(s, i === 2 ? 0 : 4)]));
  // Breakdowns are results: NaN and ±Infinity after divergence, a collapse, label noise counts.
  const b = records.get('b')!;
  b.methods.dwm.diverged = { turn: 2, reason: 'training loss NaN, "quoted", with a comma' };
  b.methods.dwm.perTurn[1] = NaN;
  b.methods.dwm.perTurn[2] = NaN;
  b.methods.dwm.clean = NaN;
  b.methods.dwm.at[0].value = NaN; // the clean point holds the clean number
  b.methods.dwm.trainLoss[2] = Infinity;
  b.methods.dwm.at[1].value = -Infinity;
  b.corruptedLabels = 9;
  records.get('c')!.methods['l2-0.1'].collapsed = { reason: 'outputs spread 1e-5 of the targets' };
  const text = tableCsv(runs, records);
  const views = runViews(text, 'table.csv', { name: 'study', points: evalPoints });
  assert.deepEqual(views.map((v) => v.run), ['a', 'b', 'c']);
  for (const v of views) {
    const s = runs.find((r) => r.id === v.run)!;
    assert.equal(v.experiment, s.experimentId);
    assert.deepEqual(v.config, s.config, `${v.run}: config`);
    assert.deepEqual(v.record, records.get(v.run), `${v.run}: record`);
  }
  // One row per observation, every resolved key a column.
  const rows = parse(text) as string[][];
  const head = rows[0];
  for (const c of ['eval.noise.sigma', 'eval.mask.fraction', 'dataset.name', 'dataset.pool', 'hidden', 'lr', 'noise.sigma', 'evaluate', 'labelNoise.fraction', 'engine']) assert.ok(head.includes(c), c);
  assert.ok(!head.includes('name') && !head.includes('methods'));
  const ofRun = (id: string) => rows.slice(1).filter((r) => r[0] === id);
  // Run a: 2 methods × (3 turns × (metric, loss) + clean groups (balanced + 4 classes) + the σ = 0.3 point (1 + 5)).
  assert.equal(ofRun('a').length, 2 * (6 + 5 + 6));
  // Run b: 4 points, one of them clean: 2 × (6 + 5 + 3 × 6).
  assert.equal(ofRun('b').length, 2 * (6 + 5 + 18));
  // Run c (regression, no groups): 2 × (6 + 1).
  assert.equal(ofRun('c').length, 2 * 7);
});

test('a malformed table is one line naming the file and the row', () => {
  const s = spec('a', {});
  const text = tableCsv([s], new Map([['a', record(s, 4)]]));
  const lines = text.split('\n');
  const head = lines[0].split(',');
  const bad = lines[3].split(',');
  bad[head.indexOf('value')] = 'high';
  assert.throws(() => runViews([lines[0], lines[1], lines[2], bad.join(','), ...lines.slice(4)].join('\n'), 'x/table.csv', { name: 'study', points: evalPoints }),
    /^Error: x\/table\.csv: row 4: value 'high' is not a number$|x\/table\.csv: row 4: value 'high' is not a number/);
  assert.throws(() => runViews('run,seed\n', 'x/table.csv', { name: 'study', points: evalPoints }), /x\/table\.csv: no column 'experiment'/);
});

test('validation metrics and early stopping go through table.csv and back; their rows are counted', () => {
  const runs = [spec('v', { validation: {}, earlyStopping: { patience: 1 }, methods: ['dwm', 'sgd'] }), spec('w', { validation: { size: 40 } })];
  const records = new Map(runs.map((s) => [s.id, record(s, 0)]));
  const v = records.get('v')!;
  // dwm stopped after turn 2 keeping turn 1; sgd trained all 3 turns and kept turn 3.
  v.methods.dwm.val = [0.5, 0.25];
  v.methods.dwm.trainLoss[2] = NaN;
  v.methods.dwm.earlyStop = { bestTurn: 1, turnsTrained: 2, stepsTrained: 20000 };
  v.methods.sgd.val = [0.75, 0.625, 0.875];
  v.methods.sgd.earlyStop = { bestTurn: 3, turnsTrained: 3, stepsTrained: 30000 };
  records.get('w')!.methods.dwm.val = [0.1, 0.2, 0.3];
  records.get('w')!.methods.sgd.val = [0.3, 0.2, 0.1];
  const text = tableCsv(runs, records);
  const views = runViews(text, 'table.csv', { name: 'study', points: evalPoints });
  for (const view of views) {
    const s = runs.find((r) => r.id === view.run)!;
    assert.deepEqual(view.config, s.config, `${view.run}: config`);
    assert.deepEqual(view.record, records.get(view.run), `${view.run}: record`);
  }
  const rows = (parse(text) as string[][]).slice(1);
  const head = (parse(text) as string[][])[0];
  const metricCol = head.indexOf('metric');
  const count = (id: string, metric: string) => rows.filter((r) => r[0] === id && r[metricCol] === metric).length;
  assert.equal(count('v', 'val_accuracy'), 0);
  assert.equal(count('v', 'val_mse'), 2 + 3);
  assert.equal(count('v', 'best_turn'), 2);
  assert.equal(count('w', 'best_turn'), 0);
  assert.equal(head.includes('validation'), true, 'validation kept whole, so validation: {} survives');
});

test('a named axis in table.csv: corruption and severity columns only when a run lists them, read back exactly', () => {
  const plain = [spec('a', {})];
  const plainHead = (parse(tableCsv(plain, new Map([['a', record(plain[0], 4)]]))) as string[][])[0];
  assert.deepEqual(plainHead.filter((h) => h.startsWith('eval.')), ['eval.noise.sigma', 'eval.mask.fraction'], 'a study without corruptions keeps its columns');
  const runs = [
    spec('a', {}),
    // Severity 0 is the clean test: that point holds the clean numbers, as run.ts gives them.
    spec('d', { evaluate: { corruption: ['gaussian-noise', 'contrast'], severity: [0, 3], 'noise.sigma': [0, 0.5] } }),
  ];
  const records = new Map(runs.map((s) => [s.id, record(s, 4)]));
  const text = tableCsv(runs, records);
  const rows = parse(text) as string[][];
  assert.deepEqual(rows[0].filter((h) => h.startsWith('eval.')), ['eval.corruption', 'eval.severity', 'eval.noise.sigma', 'eval.mask.fraction']);
  const views = runViews(text, 'table.csv', { name: 'study', points: evalPoints });
  for (const v of views) assert.deepEqual(v.record, records.get(v.run), `${v.run}: record`);
  // Run d: 8 points, 2 of them clean (severity 0, σ 0): 2 methods × (6 + 5 + 6 × 6) rows; run a keeps 'none' and 0.
  const ofRun = (id: string) => rows.slice(1).filter((r) => r[0] === id);
  assert.equal(ofRun('d').length, 2 * (6 + 5 + 36));
  assert.ok(ofRun('a').every((r) => r[4] === 'none' && r[5] === '0'));
  assert.equal(ofRun('d').filter((r) => r[4] === 'contrast' && r[5] === '3' && r[6] === '0.5' && r[10] === '').length, 2);
});

test('table: a run with testEvery last or never writes no row for the test scores it did not measure, and reads back NaN there with tested set (the metric from its validation rows)', () => {
  for (const [testEvery, classes] of [['last', 3], ['never', 0], ['never', 3]] as const) {
    const s = spec(`r-${testEvery}-${classes}`, { testEvery, validation: { size: 20 }, noise: { sigma: 0.2 } });
    const r = record(s, classes);
    r.tested = testEvery;
    for (const x of Object.values(r.methods)) {
      x.val = [0.31, 0.32, 0.33];
      x.perTurn = x.perTurn.map((v, t) => (testEvery === 'last' && t === 2 ? v : NaN));
      x.clean = x.perTurn[2];
      if (testEvery === 'never') {
        x.at = x.at.map(() => ({ value: NaN }));
        delete x.perClass;
        delete x.balanced;
      }
    }
    const csv = tableCsv([s], new Map([[s.id, r]]));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const metric = classes ? 'accuracy' : 'mse';
    // Rows of the test metric: last → the last turn's (clean, classes, balanced) and the noisy point's; never → none.
    const testRows = rows.filter((row) => row.metric === metric);
    if (testEvery === 'never') assert.equal(testRows.length, 0);
    else {
      assert.ok(testRows.length > 0);
      assert.ok(testRows.every((row) => row.turn === '3'));
    }
    assert.equal(rows.filter((row) => row.metric === 'train_loss').length, 2 * 3);
    assert.equal(rows.filter((row) => row.metric === `val_${metric}`).length, 2 * 3);
    const [view] = runViews(csv, 'table.csv', { name: 'study', points: evalPoints });
    assert.equal(view.record.tested, testEvery);
    assert.equal(view.record.metric, metric);
    for (const m of ['dwm', 'sgd']) {
      assert.deepEqual(view.record.methods[m].perTurn, r.methods[m].perTurn, `${testEvery} ${m}: perTurn`);
      assert.deepEqual(view.record.methods[m].val, [0.31, 0.32, 0.33]);
      if (testEvery === 'never') assert.ok(Number.isNaN(view.record.methods[m].clean) && view.record.methods[m].at.every((a) => Number.isNaN(a.value)));
      else assert.deepEqual(view.record.methods[m].at, r.methods[m].at);
    }
  }
});

test('attack and benchmark axes in table.csv: their columns only when a run lists them, read back exactly', () => {
  const runs = [
    spec('a', {}),
    spec('e', { evaluate: { attack: ['fgsm', 'pgd-linf'], eps: [0, 0.1] } }),
    spec('b', { evaluate: { benchmark: ['fog'], severity: [0, 1] } }),
  ];
  const records = new Map(runs.map((s) => [s.id, record(s, 4)]));
  const text = tableCsv(runs, records);
  const rows = parse(text) as string[][];
  assert.deepEqual(rows[0].filter((h) => h.startsWith('eval.')), ['eval.benchmark', 'eval.severity', 'eval.noise.sigma', 'eval.mask.fraction', 'eval.attack', 'eval.eps']);
  const views = runViews(text, 'table.csv', { name: 'study', points: evalPoints });
  for (const v of views) assert.deepEqual(v.record, records.get(v.run), `${v.run}: record`);
  const col = (h: string) => rows[0].indexOf(h);
  const ofRun = (id: string) => rows.slice(1).filter((r) => r[0] === id);
  assert.ok(ofRun('a').every((r) => r[col('eval.attack')] === 'none' && r[col('eval.eps')] === '0' && r[col('eval.benchmark')] === 'none'));
  assert.ok(ofRun('e').some((r) => r[col('eval.attack')] === 'pgd-linf' && r[col('eval.eps')] === '0.1'));
  assert.ok(ofRun('b').some((r) => r[col('eval.benchmark')] === 'fog' && r[col('eval.severity')] === '1'));
});
