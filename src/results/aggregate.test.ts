// Aggregation on a hand-made table: three seeds of dwm and sgd with differences chosen so the
// paired t statistic and p-value can be worked out by hand (df = 2 has a closed-form CDF).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPlan } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/pool.js';
import { ExperimentSchema } from '../config/schema.js';
import { aggregate, authorsDatasetName, resultsCsv, summaryCsv } from './aggregate.js';

const close = (a: number, e: number, tol: number, what: string) => assert.ok(Math.abs(a - e) <= tol, `${what}: got ${a}, expected ${e}`);

function record(values: Record<string, { clean: number; noisy: number }>): RunRecord {
  const methods: RunRecord['methods'] = {};
  for (const [m, v] of Object.entries(values)) methods[m] = { perTurn: [v.clean - 0.1, v.clean], clean: v.clean, noisy: v.noisy, trainLoss: [1, 0.5] };
  return { dataset: 'mnist', datasetDescription: '', metric: 'accuracy', normalize: 'none', sizes: [12, 8, 4], poolSize: 300, trainSize: 50, distinctTrain: 46, testSize: 254, methods };
}

test('mean, sd, CI, paired t-test, Holm and verdicts on a hand-worked table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-agg-'));
  const f = join(dir, 'hand.yaml');
  writeFileSync(f, 'dataset: { name: mnist }\nhidden: [8]\ntrainSize: 50\nturns: 2\nstepsPerTurn: 100\nmethods: [dwm, sgd]\nseed: 5\n');
  const plan = buildPlan([f], { seeds: 3 });
  // clean: dwm 0.80 0.82 0.84, sgd 0.79 0.80 0.80 → d = 0.01, 0.02, 0.04.
  //   mean d = 7/300; sd² = ((−4)² + (−1)² + 5²)/9/2 · 10⁻⁴ = 7/3 · 10⁻⁴; t = (7/3)/(√(7/3)/√3) = √7;
  //   df 2: p = 1 − t/√(t² + 2) = 1 − √7/3.
  // noisy: dwm 0.70 0.72 0.74, sgd 0.60 0.60 0.60 → d = 0.10, 0.12, 0.14: mean 0.12, sd 0.02,
  //   t = 0.12/(0.02/√3) = 6√3, p = 1 − 6√3/√110.
  // Holm over the two tests: noisy p·2 ≈ 0.0183 < 0.05 → better; clean max(0.0183, 0.118) → no detectable difference.
  const table = [
    { dwm: { clean: 0.8, noisy: 0.7 }, sgd: { clean: 0.79, noisy: 0.6 } },
    { dwm: { clean: 0.82, noisy: 0.72 }, sgd: { clean: 0.8, noisy: 0.6 } },
    { dwm: { clean: 0.84, noisy: 0.74 }, sgd: { clean: 0.8, noisy: 0.6 } },
  ];
  const records = new Map(plan.runs.map((r, i) => [r.id, record(table[i])]));
  const agg = aggregate(plan, records, [{ dataset: 'mnist', arch: '2-layer', trainSize: 50, method: 'sgd', metric: 'accuracy', perTurn: [0.7, 0.75], clean: 0.75, noisy: 0.5 }]);
  assert.equal(agg.tests, 2);
  const e = agg.experiments[0];
  const cell = (m: string, k: string) => e.cells.find((c) => c.method === m && c.eval === k)!;

  const dwmClean = cell('dwm', 'clean');
  close(dwmClean.spread.mean, 0.82, 1e-12, 'mean');
  close(dwmClean.spread.sd, 0.02, 1e-12, 'sd');
  close(dwmClean.spread.ciHigh - 0.82, 4.30265272975 * 0.02 / Math.sqrt(3), 1e-9, 'CI half-width t(0.975,2)·sd/√3');
  const c = dwmClean.vsBaseline!;
  close(c.meanDiff, 7 / 300, 1e-12, 'mean difference');
  close(c.statistic, Math.sqrt(7), 1e-9, 't clean');
  close(c.p, 1 - Math.sqrt(7) / 3, 1e-9, 'p clean');
  const pNoisy = 1 - (6 * Math.sqrt(3)) / Math.sqrt(110);
  const n = cell('dwm', 'noisy').vsBaseline!;
  close(n.statistic, 6 * Math.sqrt(3), 1e-8, 't noisy');
  close(n.p, pNoisy, 1e-9, 'p noisy');
  close(n.pHolm, 2 * pNoisy, 1e-9, 'Holm noisy');
  close(c.pHolm, 1 - Math.sqrt(7) / 3, 1e-9, 'Holm clean');
  assert.equal(n.verdict, 'better');
  assert.equal(c.verdict, 'no detectable difference');
  assert.equal(cell('sgd', 'clean').vsBaseline, undefined);
  assert.equal(cell('sgd', 'clean').authors, 0.75);

  const csv = resultsCsv(plan, records).trim().split('\n');
  assert.equal(csv.length, 1 + 3 * 2 * 3, 'one row per run × method × (2 turns + noisy)');
  assert.equal(csv[0], 'experiment,extra,dataset,arch,trainSize,method,seed,eval,turn,metric,value');
  assert.equal(csv[1], `${e.experimentId},,mnist,2-layer,50,dwm,5,clean,1,accuracy,${0.8 - 0.1}`);
  assert.equal(csv[3], `${e.experimentId},,mnist,2-layer,50,dwm,5,noisy,2,accuracy,0.7`);
  const summary = summaryCsv(agg).trim().split('\n');
  assert.equal(summary.length, 1 + 4);
  assert.match(summary[3], /,sgd,clean,accuracy,3,0\.79666666666666\d*,.*,0\.75,0\.0466666666666\d*,+$/);
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
