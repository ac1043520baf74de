// Aggregation on hand-made tables: differences chosen so the paired t statistic and p-value can
// be worked out by hand (df = 2 has a closed-form CDF); diverged runs; the authors' numbers only
// on the paper's protocol; claims with missing evidence.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { test } from 'node:test';
import { buildPlan, type Study } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/record.js';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints } from '../data/eval-axes/index.js';
import { tempFile } from '../experiment/testing/temp.js';
import { aggregate as aggregateInputs, authorsDatasetName, divergedRun, marginSpec, summaryCsv, type AuthorsRow } from './aggregate.js';
import { compareInputs } from './compare-report.js';
import { runViews, tableCsv } from './table.js';
import { conclusionLines, verdictRows } from './conclusions.js';
import { protocolDepartures } from './protocol.js';
import { checkClaims } from './report.js';

const close = (a: number, e: number, tol: number, what: string) => assert.ok(Math.abs(a - e) <= tol, `${what}: got ${a}, expected ${e}`);

type Values = Record<string, { clean: number; noisy: number; diverged?: boolean; collapsed?: boolean }>;

function record(values: Values, metric: 'accuracy' | 'mse' = 'accuracy', turns = 2): RunRecord {
  const methods: RunRecord['methods'] = {};
  for (const [m, v] of Object.entries(values)) {
    methods[m] = { perTurn: [...Array(turns - 1).fill(v.clean - 0.1), v.clean], clean: v.clean, at: [{ value: v.noisy }], trainLoss: Array(turns).fill(1) };
    if (v.diverged) methods[m].diverged = { turn: 2, reason: 'a weight beyond 1e6' };
    if (v.collapsed) methods[m].collapsed = { reason: 'one class for 100 % of test inputs' };
  }
  return {
    dataset: 'mnist', datasetDescription: '', metric, normalize: 'none', sizes: [12, 8, 4], poolSize: 300, trainSize: 50, distinctTrain: 46, testSize: 254,
    testSet: 'complement', points: [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }], methods,
  };
}

/** Aggregates the way the compare reporter does: records → table.csv → run views → experiments. */
function aggregate(plan: Study, records: Map<string, RunRecord>, authors: AuthorsRow[] = []) {
  const views = runViews(tableCsv(plan.runs, records), 'table.csv', { name: plan.name, points: evalPoints });
  return aggregateInputs(compareInputs(plan, views), authors);
}

function planOf(yaml: string, seeds: number) {
  return buildPlan([tempFile('hand.yaml', yaml).file], { seeds });
}

test('effects, paired t-test, TOST, Benjamini–Hochberg per dataset × evaluation and verdicts on a hand-worked table', () => {
  const plan = planOf('dataset: { name: mnist }\nhidden: [8]\ntrainSize: 50\nturns: 2\nstepsPerTurn: 100\nmethods: [dwm, sgd]\nseed: 5\n', 5);
  // Student's t with 4 degrees of freedom in closed form: F(t) = ½ + ⅜·u·(1 − v/12), u = t/√(1 + t²/4), v = t²/(1 + t²/4).
  const F4 = (t: number) => { const w = 1 + (t * t) / 4; return 0.5 + (3 / 8) * (t / Math.sqrt(w)) * (1 - (t * t) / w / 12); };
  // clean: dwm 0.79 … 0.83, sgd 0.80 → d = −0.01, 0, 0.01, 0.02, 0.03: mean 0.01, sd √(10⁻³/4), se = sd/√5 = 0.01/√2,
  //   t = √2: p = 2(1 − F(√2)) ≈ 0.23 → not significant; TOST at ±0.01: t₁ = 2√2, t₂ = 0, p = max(1 − F(2√2), ½) = ½ → not equivalent.
  // noisy: dwm 0.70 … 0.74, sgd 0.60 → d = 0.10 … 0.14: mean 0.12, same se, t = 12√2 → better.
  const table = [0, 1, 2, 3, 4].map((k) => ({ dwm: { clean: 0.79 + 0.01 * k, noisy: 0.7 + 0.01 * k }, sgd: { clean: 0.8, noisy: 0.6 } }));
  const records = new Map(plan.runs.map((r, i) => [r.id, record(table[i])]));
  const agg = aggregate(plan, records);
  assert.deepEqual(agg.families, [{ name: 'mnist clean', size: 1 }, { name: 'mnist noisy', size: 1 }]);
  const e = agg.experiments[0];
  const dwmClean = e.cells.find((c) => c.method === 'dwm' && c.eval === 'clean')!;
  close(dwmClean.spread.mean, 0.81, 1e-12, 'mean');
  close(dwmClean.spread.sd, Math.sqrt(1e-3 / 4), 1e-12, 'sd');
  const [clean, noisy] = e.comparisons;
  assert.equal(clean.eval, 'clean');
  close(clean.effect.meanDiff, 0.01, 1e-12, 'mean difference');
  close(clean.effect.relChange, 0.01 / 0.8, 1e-12, 'relative change: mean Δ / sgd mean');
  close(clean.effect.gain, 0.01 / 0.8, 1e-12, 'gain: the same sign for accuracy');
  assert.equal(clean.effect.wins, 3);
  close(clean.effect.t, Math.SQRT2, 1e-9, 't clean');
  close(clean.effect.p, 2 * (1 - F4(Math.SQRT2)), 1e-12, 'p clean');
  close(clean.judgement.pAdjusted, clean.effect.p, 1e-15, 'adjusted in a family of one');
  close(clean.effect.margin, 0.01, 1e-15, 'default margin: one accuracy point');
  close(clean.effect.pTost, 0.5, 1e-9, 'TOST p');
  assert.equal(clean.judgement.verdict, 'not significant');
  close(noisy.effect.p, 2 * (1 - F4(12 * Math.SQRT2)), 1e-12, 'p noisy');
  assert.equal(noisy.judgement.verdict, 'better');
  // Sign-flip: five positive differences → 2/32 = 0.0625, above α: it cannot reach, and says so as a resolution.
  close(noisy.effect.signFlip!.p, 0.0625, 1e-15, 'sign-flip p');
  assert.match(noisy.judgement.notes.join(' | '), /sign-flip check: cannot confirm at N = 5: its smallest attainable p is 0\.0625, above the corrected level 0\.05/);

  const rows = verdictRows(agg);
  assert.deepEqual(Object.keys(rows[0]).slice(0, 8), ['dataset', 'arch', 'trainSize', 'extra', 'eval', 'method', 'baseline', 'family']);
  assert.equal(rows[1].verdict, 'better');
  assert.equal(rows[1].authors, null);

  const csv = tableCsv(plan.runs, records).trim().split('\n');
  assert.equal(csv.length, 1 + 5 * 2 * 5, 'one row per run × method × (2 turns × (metric, train loss) + noisy)');
  const head0 = csv[0].split(',');
  const first = csv[1].split(',');
  assert.deepEqual([first[head0.indexOf('run')], first[head0.indexOf('method')], first[head0.indexOf('turn')], first[head0.indexOf('metric')], first[head0.indexOf('value')]],
    [plan.runs[0].id, 'dwm', '1', 'accuracy', String(0.79 - 0.1)]);
  const summary = parseCsv(summaryCsv(agg)) as string[][];
  assert.equal(summary.length, 1 + 4, 'dwm − sgd clean and noisy, and sgd\'s own rows');
  const head = summary[0];
  const row = summary[1];
  assert.equal(row[head.indexOf('mean_diff')], String(clean.effect.meanDiff));
  assert.equal(row[head.indexOf('verdict')], 'not significant');
  assert.equal(row[head.indexOf('p_tost')], String(clean.effect.pTost));
  assert.equal(row[head.indexOf('correction')], 'bh');
  for (const r of summary) assert.equal(r.length, head.length, 'every row has every column');
  assert.ok(head.indexOf('mean_diff') < head.indexOf('mean'), 'effects lead');
});

test('diverged runs are left out per method and counted; non-finite values count as diverged; too few left is inconclusive', () => {
  const plan = planOf('dataset: { name: mnist }\nhidden: [8]\ntrainSize: 50\nturns: 2\nstepsPerTurn: 100\nmethods: [dwm, sgd]\nseed: 5\n', 5);
  const table: Values[] = [
    { dwm: { clean: 0.8, noisy: 0.7, diverged: true }, sgd: { clean: 0.79, noisy: 0.6 } },
    { dwm: { clean: NaN, noisy: NaN }, sgd: { clean: 0.8, noisy: 0.6, collapsed: true } },
    { dwm: { clean: 0.84, noisy: 0.74 }, sgd: { clean: 0.8, noisy: 0.6 } },
    { dwm: { clean: 0.85, noisy: 0.75 }, sgd: { clean: 0.8, noisy: 0.6 } },
    { dwm: { clean: 0.83, noisy: 0.73 }, sgd: { clean: 0.8, noisy: 0.6 } },
  ];
  const agg = aggregate(plan, new Map(plan.runs.map((r, i) => [r.id, record(table[i])])));
  const e = agg.experiments[0];
  const dwm = e.cells.find((c) => c.method === 'dwm' && c.eval === 'clean')!;
  assert.equal(dwm.diverged.length, 2);
  assert.equal(dwm.spread.n, 3);
  close(dwm.spread.mean, 0.84, 1e-12, 'mean of the three usable seeds');
  assert.equal(e.cells.find((c) => c.method === 'sgd')!.collapsed.length, 1);
  for (const c of e.comparisons) {
    assert.equal(c.effect.excluded, 2);
    assert.equal(c.judgement.verdict, 'inconclusive');
  }
  const lines = conclusionLines(agg);
  assert.ok(lines.some((l) => /^Diverged: .* dwm in 2 of 5 seeds/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^Collapsed: .* sgd in 1 of 5 seeds/.test(l)));
  // The headline claims have no evidence: inconclusive, never "does not hold".
  const check = checkClaims(agg);
  for (const c of check.claims) assert.equal(c.verdict, 'inconclusive', `${c.id}: ${c.evidence}`);
  assert.ok(check.notChecked.some((c) => c.id === 'regression-dwm-stable'), 'regression claims are not checked on an MNIST grid');
});

test("the authors' numbers attach only on the paper's protocol; departures are named", () => {
  const paper = 'dataset: { name: mnist }\nhidden: [20]\ntrainSize: 100\nmethods: [sgd, weight-decay-0.01]\nseed: 5\n';
  const authors: AuthorsRow[] = [{ dataset: 'mnist', arch: '2-layer', trainSize: 100, method: 'sgd', metric: 'accuracy', perTurn: [0.7, 0.7, 0.7, 0.7, 0.7, 0.75], clean: 0.75, noisy: 0.5 }];
  const run = (yaml: string) => {
    const plan = planOf(yaml, 1);
    return aggregate(plan, new Map(plan.runs.map((r) => [r.id, record({ sgd: { clean: 0.8, noisy: 0.7 }, 'weight-decay-0.01': { clean: 0.8, noisy: 0.7 } }, 'accuracy', 6)])), authors);
  };
  const ok = run(paper).experiments[0];
  assert.deepEqual(ok.departures, []);
  assert.equal(ok.cells.find((c) => c.method === 'sgd' && c.eval === 'clean')!.authors, 0.75);
  assert.equal(ok.cells.find((c) => c.method === 'weight-decay-0.01')!.authors, null, 'not a paper method');
  assert.deepEqual(ok.curves.find((c) => c.method === 'sgd')!.authors, authors[0].perTurn);
  const wide = run(paper.replace('[20]', '[256]'));
  const e = wide.experiments[0];
  assert.deepEqual(e.departures.map((d) => d.key), ['hidden']);
  assert.ok(e.cells.every((c) => c.authors === null) && e.curves.every((c) => c.authors === null));
  assert.ok(conclusionLines(wide).some((l) => /^Departs from the paper's protocol: .* on hidden = \[256\] \(paper: \[20\] or \[64,32\]\)/.test(l)));
});

test('protocol departures: every key that changes the numbers, and only where it applies', () => {
  const cfg = (o: Record<string, unknown>) => ExperimentSchema.parse({ trainSize: 100, ...o });
  const keys = (o: Record<string, unknown>) => protocolDepartures(cfg(o)).map((d) => d.key);
  assert.deepEqual(keys({ dataset: { name: 'mnist' } }), [], 'image set: normalize does not apply');
  assert.deepEqual(keys({ dataset: { name: 'mnist' }, engine: 'reference' }), []);
  assert.deepEqual(keys({ dataset: { name: 'california-housing' } }), ['dataset.normalize'], 'tabular default normalize is train');
  assert.deepEqual(keys({ dataset: { name: 'california-housing', normalize: 'paper', targetScale: 1 } }), ['dataset.targetScale']);
  assert.deepEqual(keys({ dataset: { name: 'mnist', pool: 'train' }, hidden: [64, 32], trainSize: 200, lr: 0.01, turns: 1, stepsPerTurn: 500, noise: { sigma: 0.5 },
    labelNoise: { fraction: 0.4 }, imbalance: { profile: 'step', ratio: 0.1 }, engine: 'fast32' }),
  ['dataset.pool', 'trainSize', 'turns', 'stepsPerTurn', 'lr', 'noise.sigma', 'labelNoise', 'imbalance', 'engine']);
  assert.deepEqual(keys({ dataset: { name: 'wine-quality', variant: 'red', normalize: 'paper' } }), ['dataset.variant']);
  assert.deepEqual(keys({ dataset: { name: 'mnist' }, validation: {} }), ['validation'], 'a validation set shrinks the test set');
  assert.deepEqual(keys({ dataset: { name: 'mnist' }, validation: { size: 100 }, earlyStopping: { patience: 2 } }), ['validation', 'earlyStopping']);
});

test("the authors' white-wine rows are found for wine-quality (white is the default variant), none for red", () => {
  const cfg = (dataset: Record<string, unknown>) => ExperimentSchema.parse({ dataset, trainSize: 100 });
  const authors = JSON.parse(readFileSync(new URL('../../../configs/paper/authors-results.json', import.meta.url), 'utf8')) as { rows: { dataset: string }[] };
  const names = new Set(authors.rows.map((r) => r.dataset));
  for (const d of [{ name: 'wine-quality' }, { name: 'wine-quality', variant: 'white' }, { name: 'mnist' }, { name: 'cifar-10' }, { name: 'california-housing' }, { name: 'fashion-mnist' }]) {
    assert.ok(names.has(authorsDatasetName(cfg(d))), JSON.stringify(d));
  }
  assert.ok(!names.has(authorsDatasetName(cfg({ name: 'wine-quality', variant: 'red' }))));
});

test('the equivalence margin comes from the config (points, percent of the baseline) or the declared default', () => {
  assert.deepEqual(marginSpec({ equivalence: undefined }, 'accuracy'), { kind: 'absolute', value: 0.01 });
  assert.deepEqual(marginSpec({ equivalence: undefined }, 'mse'), { kind: 'relative', value: 0.05 });
  assert.deepEqual(marginSpec({ equivalence: { accuracyPoints: 0.5 } }, 'accuracy'), { kind: 'absolute', value: 0.005 });
  assert.deepEqual(marginSpec({ equivalence: { accuracyPoints: 0.5 } }, 'mse'), { kind: 'relative', value: 0.05 });
  assert.deepEqual(marginSpec({ equivalence: { msePercent: 2 } }, 'mse'), { kind: 'relative', value: 0.02 });
  // Through a plan: a one-point margin cannot call the hand-worked clean comparison of 0.01 ± 0.007 equivalent; a five-point one can.
  const yaml = 'dataset: { name: mnist }\nhidden: [8]\ntrainSize: 50\nturns: 2\nstepsPerTurn: 100\nmethods: [dwm, sgd]\nseed: 5\n';
  const verdict = (extra: string) => {
    const plan = planOf(yaml + extra, 5);
    const table = [0, 1, 2, 3, 4].map((k) => ({ dwm: { clean: 0.79 + 0.01 * k, noisy: 0.7 }, sgd: { clean: 0.8, noisy: 0.6 } }));
    return aggregate(plan, new Map(plan.runs.map((r, i) => [r.id, record(table[i])]))).experiments[0].comparisons[0].judgement.verdict;
  };
  assert.equal(verdict(''), 'not significant');
  assert.equal(verdict('equivalence: { accuracyPoints: 5 }\n'), 'equivalent');
});

test('divergedRun: NaN test scores a run did not measure (tested last | never) are no divergence; in an older record they are', () => {
  const nan = { perTurn: [NaN, NaN, 0.8], clean: 0.8, noisy: 0.7 };
  assert.deepEqual(divergedRun(nan), { turn: 1, reason: 'test metric NaN after turn 1' });
  assert.equal(divergedRun({ ...nan, tested: 'last' }), null);
  assert.deepEqual(divergedRun({ ...nan, perTurn: [NaN, 0.5, NaN], tested: 'last' }), { turn: 3, reason: 'test metric NaN after turn 3' });
  assert.equal(divergedRun({ perTurn: [NaN, NaN, NaN], clean: NaN, noisy: NaN, tested: 'never' }), null);
  assert.deepEqual(divergedRun({ perTurn: [NaN, NaN, NaN], clean: NaN, noisy: NaN, tested: 'never', diverged: { turn: 2, reason: 'training loss NaN' } }), { turn: 2, reason: 'training loss NaN' });
});
