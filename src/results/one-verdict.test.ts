// One comparison, one label (issue 21): a report judges each comparison once, in its table
// family, and every claim counts those same verdicts. A synthetic grid of two datasets with the
// paper's five methods and effects of every size is rendered the way `dwgd compare` renders it;
// the test reads the labels back from the --json rows, the claims' comparisons and REPORT.md's
// tables, and fails if any comparison carries two.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { evalPoints } from '../data/eval-axes/index.js';
import { buildPlan, type Study } from '../experiment/plan.js';
import type { RunRecord } from '../experiment/record.js';
import { tempFile } from '../experiment/testing/temp.js';
import { aggregate, type Aggregate } from './aggregate.js';
import { compareInputs } from './compare-report.js';
import { verdictRows } from './conclusions.js';
import { buildReport, c1Rule, c4Rule, checkClaims, everyBaselineRule, headlineRule, type Member } from './report.js';
import { runViews, tableCsv } from './table.js';
import { VERDICTS, verdictText, type ComparisonVerdict } from './verdicts.js';

const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'];

/** A grid of mnist and california-housing, 2 sizes, 6 seeds, with method effects from none to large. */
function synthetic(seed: number): { plan: Study; agg: Aggregate } {
  const yaml = `name: synth\nseeds: 6\nbase:\n  dataset: { name: mnist, normalize: paper, targetScale: 0.1 }\n  hidden: [8]\n  trainSize: 50\n  turns: 2\n  stepsPerTurn: 100\n` +
    `  methods: [${METHODS.join(', ')}]\n  seed: 5\ngrid:\n  dataset.name: [mnist, california-housing]\n  trainSize: [50, 80]\n`;
  const plan = buildPlan([tempFile('synth.yaml', yaml).file], {});
  const rng = new Rng(seed, 'one-verdict');
  // Per experiment and method a true offset; per seed a shared level and noise.
  const offsets = new Map<string, number>();
  const records = new Map<string, RunRecord>();
  for (const r of plan.runs) {
    const mse = r.config.dataset.name === 'california-housing';
    const level = mse ? 0.02 + 0.002 * rng.normal() : 0.8 + 0.01 * rng.normal();
    const methods: RunRecord['methods'] = {};
    for (const m of METHODS) {
      const key = `${r.experimentId}|${m}`;
      if (!offsets.has(key)) offsets.set(key, (mse ? 0.001 : 0.01) * [0, 0.2, 1, 3][Math.floor(rng.uniform() * 4)] * (rng.uniform() < 0.5 ? -1 : 1));
      const noise = (mse ? 0.0005 : 0.005) * rng.normal();
      const clean = level + offsets.get(key)! + noise;
      methods[m] = { perTurn: [clean - 0.01, clean], clean, at: [{ value: clean - (mse ? -0.005 : 0.1) + noise }], trainLoss: [1, 1] };
    }
    records.set(r.id, {
      dataset: r.config.dataset.name, datasetDescription: '', metric: mse ? 'mse' : 'accuracy', normalize: 'none', sizes: [4, 8, 2], poolSize: 300,
      trainSize: r.config.trainSize, distinctTrain: 46, testSize: 254, testSet: 'complement', points: [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }], methods,
    });
  }
  const views = runViews(tableCsv(plan.runs, records), 'table.csv', { name: plan.name, points: evalPoints });
  return { plan, agg: aggregate(compareInputs(plan, views)) };
}

const MIRROR: Record<string, string> = { better: 'worse', worse: 'better' };

/** A label keyed by the unordered pair, from the side of its alphabetically first method. */
function normalised(cell: string, a: string, b: string, verdict: string): [string, string] {
  return a < b ? [`${cell}|${a}|${b}`, verdict] : [`${cell}|${b}|${a}`, MIRROR[verdict] ?? verdict];
}

test('every comparison carries one label in a report: the --json rows, the claims and REPORT.md agree', () => {
  for (const seed of [1, 2, 3]) {
    const { plan, agg } = synthetic(seed);
    const check = checkClaims(agg);
    const labels = new Map<string, string>();
    const ids = new Map(agg.experiments.map((e) => [e.experimentId, e]));
    for (const row of verdictRows(agg)) {
      const e = agg.experiments.find((x) => x.dataset === row.dataset && x.trainSize === row.trainSize)!;
      const [key, v] = normalised(`${e.experimentId}|${row.eval}`, row.method, row.baseline, row.verdict);
      assert.ok(!labels.has(key), `${key} is a table comparison twice`);
      labels.set(key, v);
    }
    // Ten pairs per cell: every pair of the five methods, once.
    assert.equal(labels.size, agg.experiments.length * 2 * 10);
    let members = 0;
    for (const [id, ms] of check.families) {
      for (const m of ms as Member[]) {
        members++;
        const [key, v] = normalised(`${m.e.experimentId}|${m.kind}`, m.method, m.baseline, m.verdict);
        assert.equal(labels.get(key), v, `claim ${id}: ${key} is ${v} there and ${labels.get(key)} in the table`);
        assert.ok(ids.has(m.e.experimentId));
      }
    }
    assert.ok(members > 50, 'the claims rest on many comparisons');
    // REPORT.md: each effects row once, with the table's verdict.
    const report = buildReport({ plan, agg, check, authorsSource: 'none' });
    assert.ok(!/no difference/.test(report), 'the words "no difference" never appear');
    const seen = new Map<string, string>();
    let dataset = '';
    for (const line of report.split('\n')) {
      const h = /^## (\S+) \(/.exec(line);
      if (h) dataset = h[1];
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length < 14 || !/ − /.test(cells[4])) continue;
      const [arch, n, kind, comparison] = cells.slice(1, 5);
      const verdict = cells[13].replace(/\*\*/g, '').replace(' ⚠', '');
      const row = `${dataset}|${arch}|${n}|${kind}|${comparison}`;
      assert.ok(!seen.has(row), `REPORT.md shows ${row} twice`);
      seen.set(row, verdict);
      const e = agg.experiments.find((x) => x.dataset === dataset && x.arch === arch && String(x.trainSize) === n)!;
      const [method, baseline] = comparison.split(' − ');
      const c = e.comparisons.find((x) => x.eval === kind && x.method === method && x.baseline === baseline)!;
      assert.equal(verdict, verdictText(c.judgement.verdict, c.effect.margin, e.metric), row);
    }
    assert.equal(seen.size, labels.size, 'REPORT.md shows every comparison');
    const used = new Set([...labels.values()]);
    assert.ok(used.has('better') || used.has('worse'), `seed ${seed}: some verdicts are decided`);
  }
});

test('the claim rules are the ones docs/METHOD.md §11 states, at their boundaries', () => {
  const m = (verdict: ComparisonVerdict) => ({ verdict }) as Member;
  // C5–C7 per baseline: "holds when better outnumbers worse and makes up at least half of the
  // tested comparisons; does not hold when worse is at least as frequent as better and not zero;
  // inconclusive otherwise, or when fewer than half the comparisons could be tested".
  assert.equal(headlineRule([m('better'), m('not significant')]), 'holds', 'half better');
  assert.equal(headlineRule([m('better'), m('not significant'), m('equivalent')]), 'inconclusive', 'better a third');
  assert.equal(headlineRule([m('better'), m('worse')]), 'does not hold', 'worse as frequent');
  assert.equal(headlineRule([m('not significant'), m('equivalent')]), 'inconclusive', 'nothing decided');
  assert.equal(headlineRule([m('better'), m('too few seeds'), m('too few seeds')]), 'inconclusive', 'a third tested');
  assert.equal(headlineRule([m('better'), m('better'), m('too few seeds'), m('inconclusive')]), 'holds', 'half tested, all better');
  // C6 and C7: every baseline.
  assert.equal(everyBaselineRule(['holds', 'holds']), 'holds');
  assert.equal(everyBaselineRule(['holds', 'inconclusive']), 'inconclusive');
  assert.equal(everyBaselineRule(['holds', 'does not hold']), 'does not hold');
  // C1: "holds when at most ⌈cells/24⌉ cells are not won; does not hold when more than that many are lost".
  assert.equal(c1Rule(24, 23, 0), 'holds');
  assert.equal(c1Rule(24, 22, 1), 'inconclusive');
  assert.equal(c1Rule(24, 20, 2), 'does not hold');
  assert.equal(c1Rule(25, 23, 2), 'holds', '⌈25/24⌉ = 2 cells may go unwon');
  // C4: "holds when within ≥ 80 % of cells and the best mean is held by at least two methods, none
  // in more than 80 % of cells; does not hold when some pair's CI lies wholly beyond 3 points in
  // more than 20 % of cells, or one method is best in every cell (of four or more)".
  const w = (...n: number[]) => new Map(n.map((k, i) => [`m${i}`, k]));
  assert.equal(c4Rule(10, 8, 0, w(8, 2)), 'holds');
  assert.equal(c4Rule(10, 8, 0, w(9, 1)), 'inconclusive', 'one method best in 90 %');
  assert.equal(c4Rule(10, 7, 0, w(5, 5)), 'inconclusive', 'within 70 %');
  assert.equal(c4Rule(10, 8, 3, w(5, 5)), 'does not hold', 'beyond 30 %');
  assert.equal(c4Rule(10, 8, 2, w(5, 5)), 'holds', 'beyond exactly 20 % is not "more than"');
  assert.equal(c4Rule(4, 4, 0, w(4)), 'does not hold', 'one best everywhere, within or not');
  assert.equal(c4Rule(4, 1, 0, w(4)), 'does not hold', 'one best everywhere, even when the CIs are wide');
  assert.equal(c4Rule(2, 2, 0, w(2)), 'inconclusive', 'too few cells to call "best everywhere"');
  for (const v of VERDICTS) assert.notEqual(v as string, 'no difference');
});
