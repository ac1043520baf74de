// The robustness metrics against hand-worked values (docs/METHOD.md, "Robustness metrics").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chooseBaseline, corruptionError, fitLine, fitPlane, hasCorruptions, logit, relativeCorruptionError, robustnessData, spearman } from './robustness.js';
import { robustnessCsv, robustnessMarkdown } from './robustness-report.js';
import type { RunView } from './table.js';
import type { ModelDiagnostics } from '../experiment/record.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

// Points: the clean test, then corruption a at severities 1, 2, then b at 1, 2.
const POINTS = [{ corruption: 'none', severity: 0 }, { corruption: 'a', severity: 1 }, { corruption: 'a', severity: 2 }, { corruption: 'b', severity: 1 }, { corruption: 'b', severity: 2 }];

/** A run view with these methods' clean score and scores at a1, a2, b1, b2. */
function view(seed: number, methods: Record<string, [number, number, number, number, number]>, metric: 'accuracy' | 'mse' = 'accuracy', experiment = 'e1'): RunView {
  const rec = Object.fromEntries(Object.entries(methods).map(([m, v]) => [m, { perTurn: [v[0]], clean: v[0], trainLoss: [0], at: v.map((value) => ({ value })) }]));
  return {
    run: `${experiment}-s${seed}`, experiment, seed,
    config: { name: 't', seed, methods: Object.keys(methods), dataset: { name: metric === 'accuracy' ? 'mnist' : 'wine-quality' } },
    record: { metric, testSize: 1e6, points: POINTS, methods: rec },
  } as unknown as RunView;
}

test('CE and relative CE of one corruption, by hand', () => {
  // errors 0.2, 0.4 against the baseline's 0.1, 0.3: 0.6 / 0.4
  close(corruptionError([0.2, 0.4], [0.1, 0.3]), 1.5);
  // degradations (0.1, 0.3) from a clean error 0.1 against (0.05, 0.25) from 0.05: 0.4 / 0.3
  close(relativeCorruptionError([0.2, 0.4], 0.1, [0.1, 0.3], 0.05), 4 / 3);
});

test('least-squares line and Spearman ρ, by hand', () => {
  // x̄ = 1.5, ȳ = 2.25, Sxy = 4.5, Sxx = 5: slope 0.9, intercept 2.25 − 1.35
  const f = fitLine([0, 1, 2, 3], [1, 2, 2, 4]);
  close(f.slope, 0.9);
  close(f.intercept, 0.9);
  assert.ok(Number.isNaN(fitLine([1, 1, 1], [0, 1, 2]).slope), 'no line when x does not vary');
  // ranks of y with a tie: 1, 2, 3.5, 5, 3.5; Σ(rx−3)(ry−3) = 8, Σ(rx−3)² = 10, Σ(ry−3)² = 9.5
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 8 / Math.sqrt(95));
  close(spearman([1, 2, 3], [3, 2, 1]), -1);
  close(logit(0.5, 0.01), 0);
  close(logit(1, 0.01), Math.log(0.99 / 0.01));
});

test('the baseline: declared, sgd by default, else the first method (said)', () => {
  assert.equal(chooseBaseline(['dwm', 'sgd'], undefined).used, 'sgd');
  assert.equal(chooseBaseline(['dwm', 'sgd'], 'dwm').used, 'dwm');
  assert.throws(() => chooseBaseline(['dwm', 'sgd'], 'adam'), /--robust-baseline adam: not a method of this study \(its methods: dwm, sgd\)/);
  const fallback = chooseBaseline(['dwm', 'l2-0.1'], undefined);
  assert.equal(fallback.used, 'dwm');
  assert.match(fallback.why, /sgd was not trained/);
});

// sgd on every seed: accuracy clean 0.9, a 0.8, 0.6, b 0.7, 0.5 (errors .1; .2, .4; .3, .5).
// dwm on seed k: clean 0.92, a 0.85, 0.70 + 0.01k, b 0.75, 0.55 (errors .08; .15, .30 − .01k; .25, .45).
const SEEDS = [0, 1, 2, 3, 4];
function suite(): RunView[] {
  return SEEDS.map((k) => view(k, { dwm: [0.92, 0.85, 0.7 + 0.01 * k, 0.75, 0.55], sgd: [0.9, 0.8, 0.6, 0.7, 0.5] }));
}

test('CE, mCE and relative mCE per seed, paired against sgd, with verdicts', () => {
  const views = suite();
  assert.ok(hasCorruptions(views));
  const d = robustnessData(views);
  const e = d.experiments[0];
  assert.deepEqual(e.corruptions, ['a', 'b']);
  assert.deepEqual(e.severities, [1, 2]);
  assert.equal(e.baseline, 'sgd');
  const cell = (metric: string, method: string, corruption = '') => e.cells.find((c) => c.metric === metric && c.method === method && c.corruption === corruption)!;
  // CE_a(k) = (0.15 + 0.30 − 0.01k) / 0.6; CE_b = 0.70 / 0.80
  SEEDS.forEach((k) => close(cell('CE', 'dwm', 'a').values[k], (0.45 - 0.01 * k) / 0.6, 1e-12));
  close(cell('CE', 'dwm', 'b').spread.mean, 0.875);
  close(cell('mCE', 'dwm').spread.mean, ((0.45 - 0.02) / 0.6 + 0.875) / 2);
  close(cell('mCE', 'sgd').spread.mean, 1);
  // relative: a (0.07 + 0.22 − 0.01k) / (0.1 + 0.3); b (0.17 + 0.37) / (0.2 + 0.4)
  SEEDS.forEach((k) => close(cell('relative CE', 'dwm', 'a').values[k], (0.29 - 0.01 * k) / 0.4, 1e-12));
  close(cell('relative mCE', 'dwm').spread.mean, ((0.29 - 0.02) / 0.4 + 0.54 / 0.6) / 2);
  // Lower CE on every seed, steadily: better, in a family of its own per metric.
  const m = cell('mCE', 'dwm');
  close(m.effect!.meanDiff, m.spread.mean - 1);
  assert.equal(m.effect!.wins, 5);
  assert.equal(m.judgement!.verdict, 'better');
  assert.equal(m.judgement!.family, 'mnist mCE');
  assert.equal(cell('mCE', 'sgd').judgement, undefined);
  assert.deepEqual(d.families.map((f) => [f.name, f.size]), [['mnist CE', 2], ['mnist mCE', 1], ['mnist relative CE', 2], ['mnist relative mCE', 1]]);
  // Error per point: dwm's error at a2 over the seeds 0.30 … 0.26.
  const a2 = e.errors.find((x) => x.method === 'dwm' && x.corruption === 'a' && x.severity === 2)!;
  close(a2.spread.mean, 0.28, 1e-12);
  close(a2.accuracy!.mean, 0.72, 1e-12);
  // The line: sgd's clean accuracy never varies, so none is fitted, and the report says why.
  assert.match(e.line!.why!, /do not vary/);
});

test('corruption points with another axis away from its identity are not the suite\'s', () => {
  const views = suite().map((v) => {
    const record = { ...v.record, points: [...v.record.points, { corruption: 'a', severity: 1, 'noise.sigma': 0.3 }] };
    record.methods = Object.fromEntries(Object.entries(v.record.methods).map(([m, x]) => [m, { ...x, at: [...x.at, { value: 0.01 }] }]));
    return { ...v, record };
  });
  const e = robustnessData(views).experiments[0];
  close(e.cells.find((c) => c.metric === 'CE' && c.method === 'dwm' && c.corruption === 'b')!.spread.mean, 0.875);
  assert.equal(e.errors.filter((x) => x.method === 'dwm').length, 5);
});

test('too few seeds, and a diverged seed is left out of the pairs', () => {
  const views = suite().slice(0, 3);
  const d = robustnessData(views);
  const m = d.experiments[0].cells.find((c) => c.metric === 'mCE' && c.method === 'dwm')!;
  assert.equal(m.judgement!.verdict, 'too few seeds');
  const broken = suite();
  (broken[1].record.methods.dwm as { diverged?: { turn: number; reason: string } }).diverged = { turn: 1, reason: 'NaN loss' };
  const m2 = robustnessData(broken).experiments[0].cells.find((c) => c.metric === 'mCE' && c.method === 'dwm')!;
  assert.equal(m2.effect!.n, 4);
  assert.equal(m2.effect!.excluded, 1);
  assert.ok(Number.isNaN(m2.values[1]));
});

test('testEvery last: the turns it did not test (NaN) are no divergence; a NaN it did test still is', () => {
  // The fair study's final runs score the test set after the last turn only (record.tested = last),
  // so every earlier turn reads back NaN.
  const lastOnly = suite().map((v) => {
    const methods = Object.fromEntries(Object.entries(v.record.methods).map(([m, x]) => [m, { ...x, perTurn: [NaN, NaN, x.clean], trainLoss: [0, 0, 0] }]));
    return { ...v, record: { ...v.record, tested: 'last' as const, methods } };
  });
  const cell = (views: RunView[]) => robustnessData(views).experiments[0].cells.find((c) => c.metric === 'mCE' && c.method === 'dwm')!;
  const want = cell(suite());
  const got = cell(lastOnly);
  assert.equal(got.effect!.n, 5);
  assert.deepEqual(got.values, want.values);
  assert.equal(got.judgement!.verdict, want.judgement!.verdict);
  // Without tested, the same NaNs are read as a divergence at turn 1: no usable seed.
  const untested = lastOnly.map((v) => ({ ...v, record: { ...v.record, tested: undefined } }));
  assert.ok(cell(untested).values.every((x) => Number.isNaN(x)));
  // A NaN at the last turn, which it did test, still leaves the seed out.
  const broken = lastOnly.map((v, i) => (i !== 2 ? v : { ...v, record: { ...v.record, methods: { ...v.record.methods, dwm: { ...v.record.methods.dwm, perTurn: [NaN, NaN, NaN] } } } }));
  assert.equal(cell(broken).effect!.n, 4);
});

test('effective robustness: the distance above the line through the non-dual methods, in logit units', () => {
  // sgd on seed k: logit(clean) = 0.5k − 1, every corruption point at logit 0.5 + 0.5·x (on the
  // line y = 0.5 + 0.5x); dwm: logit(clean) 0, every point 0.3 above the line; l2-0.1 on seed k
  // on the line too, at logit(clean) = 0.25k.
  const views = SEEDS.map((k) => {
    const onLine = (x: number): [number, number, number, number, number] => [sigmoid(x), ...Array(4).fill(sigmoid(0.5 + 0.5 * x))] as [number, number, number, number, number];
    const dwmY = sigmoid(0.5 + 0.3);
    return view(k, { dwm: [0.5, dwmY, dwmY, dwmY, dwmY], sgd: onLine(0.5 * k - 1), 'l2-0.1': onLine(0.25 * k) });
  });
  const e = robustnessData(views).experiments[0];
  const l = e.line!;
  assert.deepEqual(l.methods, ['sgd', 'l2-0.1']);
  assert.equal(l.n, 2 * 5 * 4);
  close(l.slope, 0.5, 1e-9);
  close(l.intercept, 0.5, 1e-9);
  // sgd's clean logits −1 … 1, l2-0.1's 0 … 1
  close(l.xRange[0], -1, 1e-9);
  close(l.xRange[1], 1, 1e-9);
  const er = e.cells.find((c) => c.metric === 'effective robustness' && c.method === 'dwm')!;
  er.values.forEach((v) => close(v, 0.3, 1e-9));
  assert.equal(e.cells.find((c) => c.metric === 'effective robustness' && c.method === 'sgd')!.judgement, undefined, 'no verdict for a method the line is fitted to');
});


test('effective robustness of a fair study: its dual entries (known by id alone, as the tidy table gives them) are named by the reporter and kept off the line', () => {
  // The same points as above under a fair final stage's ids: dwm-tuned is of rule dwm, but its id
  // names no rule, so without dualMethods the line would be fitted through it too.
  const views = SEEDS.map((k) => {
    const onLine = (x: number): [number, number, number, number, number] => [sigmoid(x), ...Array(4).fill(sigmoid(0.5 + 0.5 * x))] as [number, number, number, number, number];
    const dwmY = sigmoid(0.5 + 0.3);
    return view(k, { 'dwm-tuned': [0.5, dwmY, dwmY, dwmY, dwmY], 'sgd-tuned': onLine(0.5 * k - 1), 'l2-tuned': onLine(0.25 * k) });
  });
  assert.deepEqual(robustnessData(views, { baseline: 'sgd-tuned' }).experiments[0].line!.methods, ['dwm-tuned', 'sgd-tuned', 'l2-tuned'], 'by id alone, not known as dual');
  const e = robustnessData(views, { baseline: 'sgd-tuned', dualMethods: new Set(['dwm-tuned']) }).experiments[0];
  assert.deepEqual(e.line!.methods, ['sgd-tuned', 'l2-tuned']);
  close(e.line!.slope, 0.5, 1e-9);
  const er = e.cells.find((c) => c.metric === 'effective robustness' && c.method === 'dwm-tuned')!;
  er.values.forEach((v) => close(v, 0.3, 1e-9));
  assert.ok(er.judgement, 'a verdict against the line');
});
test('regression: CE as a ratio of summed MSEs, no effective robustness', () => {
  const views = SEEDS.map((k) => view(k, { dwm: [1, 2, 3, 4, 5 + 0.1 * k], sgd: [1, 2, 4, 4, 6] }, 'mse'));
  const e = robustnessData(views).experiments[0];
  assert.equal(e.line, null);
  const ce = (c: string) => e.cells.find((x) => x.metric === 'CE' && x.method === 'dwm' && x.corruption === c)!;
  close(ce('a').spread.mean, 5 / 6);
  close(ce('b').values[2], 9.2 / 10, 1e-12);
  // relative: a (1 + 2) / (1 + 3); b (3 + 4 + 0.1k) / (3 + 5)
  close(e.cells.find((x) => x.metric === 'relative CE' && x.method === 'dwm' && x.corruption === 'a')!.spread.mean, 3 / 4);
});

test('diagnostics: means over seeds and Spearman ρ of mCE against the Lipschitz bound, n said', () => {
  const views = suite().map((v) => view(v.seed, { dwm: [0.92, 0.85, 0.7 + 0.01 * v.seed, 0.75, 0.55], sgd: [0.9, 0.8, 0.6, 0.7, 0.5], 'l2-0.1': [0.9, 0.8, 0.55, 0.7, 0.5] }));
  const diag = (lipschitz: number, dead: number): ModelDiagnostics => ({ layers: [{ frobenius: 2, spectral: Math.sqrt(lipschitz) }, { frobenius: 2, spectral: Math.sqrt(lipschitz) }], lipschitz, dead, margin: { min: 0, q05: 0, q25: 0, median: lipschitz / 10, q75: 0, q95: 0, max: 0, mean: 0, negative: 0 } });
  const diagnostics = new Map(views.map((v) => [v.run, { dwm: diag(2 + v.seed, 0.1), sgd: diag(4, 0.2), 'l2-0.1': diag(9, 0.3) }]));
  const d = robustnessData(views, { diagnostics });
  const g = d.experiments[0].diagnostics.find((x) => x.method === 'dwm')!;
  close(g.lipschitz, 4);
  close(g.spectral[0], (Math.sqrt(2) + Math.sqrt(3) + 2 + Math.sqrt(5) + Math.sqrt(6)) / 5);
  close(g.dead, 0.1);
  // mCE: dwm < 1 = sgd < l2-0.1 (more error at a2); Lipschitz bounds 4 = 4 < 9: ranks (1,2,3) and (1.5,1.5,3)
  assert.equal(d.ranking!.n, 3);
  close(d.ranking!.rho, 1.5 / Math.sqrt(2 * 1.5));
  const csv = robustnessCsv(d);
  assert.match(csv, /^experiment,dataset,metric,method,corruption,severity,baseline/);
  assert.match(csv, /\ne1,mnist,lipschitz,dwm,,,sgd,5,4,/);
});

test('the reporter writes its files only for a study with corruptions', async () => {
  const { robustnessReporter } = await import('./robustness-reporter.js');
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-robust-'));
  try {
    const study = { name: 'suite', seeds: 5 } as never;
    const clean = suite().map((v) => ({ ...v, record: { ...v.record, points: [POINTS[0]] } }));
    const none = await robustnessReporter.write({ dir, study, views: clean, options: { figures: {} } });
    assert.deepEqual(none.files, []);
    assert.ok(!existsSync(join(dir, 'ROBUSTNESS.md')));
    const out = await robustnessReporter.write({ dir, study, views: suite(), options: { figures: {}, robustBaseline: 'dwm' } });
    assert.deepEqual(out.files, ['ROBUSTNESS.md', 'robustness.csv', 'robustness/']);
    const md = readFileSync(join(dir, 'ROBUSTNESS.md'), 'utf8');
    assert.match(md, /Baseline of CE and mCE: \*\*dwm\*\* \(declared/);
    // sgd against dwm: CE_a = 0.6 / ((0.45 − 0.01k)) on average over k, i.e. worse.
    assert.match(md, /\| \(all\) \| sgd \| [\d.]+ \| \+[\d.]+ \|.*\*\*worse\*\*/);
    for (const f of ['severity-a', 'severity-b', 'mce', 'relative-mce']) assert.ok(existsSync(join(dir, 'robustness', `${f}.png`)), f);
    assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /Robustness of/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('accuracy under attack vs ε: per method × attack × ε from the points, verdicts against the baseline paired by seed', async () => {
  const { hasAttacks } = await import('./robustness.js');
  // Points: the clean test, pgd-linf at ε 0 (the clean test again), 0.1, 0.2; no corruption.
  const points = [{ attack: 'none', eps: 0 }, { attack: 'pgd-linf', eps: 0 }, { attack: 'pgd-linf', eps: 0.1 }, { attack: 'pgd-linf', eps: 0.2 }];
  const mk = (seed: number, dwm: number[], sgd: number[]) => ({
    run: `r${seed}`, experiment: 'e', seed,
    config: { name: 't', seed, methods: ['dwm', 'sgd'], dataset: { name: 'mnist' } },
    record: {
      metric: 'accuracy', testSize: 1000, points, attack: { testSize: 200, sha256: 'x' },
      methods: Object.fromEntries([['dwm', dwm], ['sgd', sgd]].map(([m, v]) => [m, { perTurn: [(v as number[])[0]], clean: (v as number[])[0], trainLoss: [0], at: (v as number[]).map((value) => ({ value })) }])),
    },
  }) as unknown as RunView;
  // dwm is ahead of sgd at ε = 0.1 by 0.05 + 0.01k on seed k (mean 0.07), behind at 0.2 by 0.01 on every seed but one.
  const views = SEEDS.map((k) => mk(k, [0.9, 0.9, 0.45 + 0.01 * k, 0.1 + (k === 0 ? 0.02 : -0.01)], [0.9, 0.9, 0.4, 0.1]));
  assert.ok(hasAttacks(views) && !hasCorruptions(views));
  const d = robustnessData(views);
  const e = d.experiments[0];
  assert.deepEqual(e.attacks, ['pgd-linf']);
  assert.deepEqual(e.epsilons, [0, 0.1, 0.2]);
  assert.equal(e.attackTestSize, 200);
  assert.deepEqual(e.corruptions, []);
  const cell = (m: string, eps: number) => e.attackCells.find((c) => c.method === m && c.eps === eps)!;
  close(cell('dwm', 0.1).spread.mean, 0.47);
  assert.deepEqual(cell('dwm', 0.1).values, SEEDS.map((k) => 0.45 + 0.01 * k));
  close(cell('dwm', 0.1).effect!.meanDiff, 0.07, 1e-12);
  assert.equal(cell('dwm', 0.1).effect!.wins, 5);
  assert.equal(cell('dwm', 0.1).judgement!.verdict, 'better');
  assert.equal(cell('dwm', 0.2).effect!.wins, 1);
  assert.equal(cell('dwm', 0).effect, undefined, 'no verdict at ε = 0 (the clean test)');
  assert.equal(cell('sgd', 0.1).effect, undefined, 'the baseline has no verdict');
  assert.deepEqual(d.families, [{ name: 'mnist accuracy under attack', size: 2 }]);
  const csv = robustnessCsv(d).split('\n');
  assert.ok(csv.some((l) => l.startsWith('e,mnist,accuracy under attack,dwm,pgd-linf,0.1,sgd,5,0.47')), csv.join('\n'));
});

test('published benchmark points (evaluate.benchmark) count as corruptions in CE and mCE', () => {
  const asBenchmark = suite().map((v) => ({ ...v, record: { ...v.record, points: POINTS.map((p) => (p.corruption === 'none' ? p : { benchmark: p.corruption, severity: p.severity })) } }) as unknown as RunView);
  assert.ok(hasCorruptions(asBenchmark));
  const e = robustnessData(asBenchmark).experiments[0];
  assert.deepEqual(e.corruptions, ['a', 'b']);
  const mce = e.cells.find((c) => c.metric === 'mCE' && c.method === 'dwm')!;
  close(mce.spread.mean, ((0.45 - 0.02) / 0.6 + 0.875) / 2);
});

test('fitPlane: recovers a plane through exact points; collinear or too few points give NaN', () => {
  const x1 = [0, 1, 2, 0, 1, 3], x2 = [1, 0, 2, 3, 5, 1];
  const f = fitPlane(x1, x2, x1.map((a, i) => 0.3 - 2 * a + 0.5 * x2[i]));
  close(f.a, 0.3, 1e-12);
  close(f.b1, -2, 1e-12);
  close(f.b2, 0.5, 1e-12);
  assert.ok(Number.isNaN(fitPlane([0, 1, 2, 3], [0, 2, 4, 6], [1, 2, 3, 4]).a), 'x2 = 2·x1');
  assert.ok(Number.isNaN(fitPlane([0, 1, 2], [1, 0, 2], [1, 2, 3]).a), 'three points');
});

test('norm-matched error: the distance below the plane through the non-dual models over ln(Lipschitz) and clean error; within-run ρ', () => {
  // The non-dual models lie on mean corruption error = 0.1 + 0.05·ln L + 0.5·clean error; dwm
  // lies 2 points (± 0.1·(k − 2) points) below it at its own L and clean error.
  const plane = (lnL: number, c: number) => 0.1 + 0.05 * lnL + 0.5 * c;
  const model = (lnL: number, c: number, below = 0) => ({ lnL, scores: [1 - c, ...Array(4).fill(1 - (plane(lnL, c) - below))] as [number, number, number, number, number] });
  const per = SEEDS.map((k) => ({
    k,
    sgd: model(1 + 0.1 * k, 0.1 + 0.01 * k),
    'l2-0.1': model(0.5 - 0.05 * k, 0.15 + 0.02 * k * k / 4),
    dwm: model(0.8, 0.12, 0.02 + 0.001 * (k - 2)),
  }));
  const views = per.map((p) => view(p.k, { dwm: p.dwm.scores, sgd: p.sgd.scores, 'l2-0.1': p['l2-0.1'].scores }));
  const diag = (lnL: number): ModelDiagnostics => ({ layers: [{ frobenius: 1, spectral: Math.exp(lnL) }], lipschitz: Math.exp(lnL), dead: 0, margin: { min: 0, q05: 0, q25: 0, median: 0, q75: 0, q95: 0, max: 0, mean: 0, negative: 0 } });
  const diagnostics = new Map(views.map((v, i) => [v.run, { dwm: diag(per[i].dwm.lnL), sgd: diag(per[i].sgd.lnL), 'l2-0.1': diag(per[i]['l2-0.1'].lnL) }]));
  const d = robustnessData(views, { diagnostics });
  const e = d.experiments[0];
  const f = e.normFit!;
  assert.equal(f.why, undefined);
  assert.deepEqual(f.methods, ['sgd', 'l2-0.1']);
  assert.equal(f.n, 10);
  close(f.a, 0.1, 1e-9);
  close(f.bLogL, 0.05, 1e-9);
  close(f.bClean, 0.5, 1e-9);
  const dwm = e.cells.find((c) => c.metric === 'norm-matched error' && c.method === 'dwm')!;
  dwm.values.forEach((v, k) => close(v, -(0.02 + 0.001 * (k - 2)), 1e-9));
  assert.equal(dwm.judgement!.verdict, 'better');
  assert.equal(e.cells.find((c) => c.metric === 'norm-matched error' && c.method === 'sgd')!.judgement, undefined, 'no verdict for a fitted method');
  // Within each run, ranks of L against ranks of the mean corruption error, by hand.
  const rank = (xs: number[]) => xs.map((x) => xs.filter((y) => y < x).length + 1);
  const pearson = (a: number[], b: number[]) => {
    const ma = a.reduce((s, x) => s + x, 0) / a.length, mb = b.reduce((s, x) => s + x, 0) / b.length;
    const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0);
    return cov / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
  };
  const rhos = per.map((p) => {
    const ms = [p.dwm, p.sgd, p['l2-0.1']];
    return pearson(rank(ms.map((m) => m.lnL)), rank(ms.map((m) => 1 - m.scores[1])));
  });
  assert.equal(d.withinRun!.n, 5);
  close(d.withinRun!.rho, rhos.reduce((s, x) => s + x, 0) / rhos.length, 1e-12);
  const md = robustnessMarkdown('t', d, []);
  assert.match(md, /### Norm-matched corruption error/);
  assert.match(md, /\| dwm \| -2\.00 \| .* \| 5\/5 \| .* \| \*\*more robust than its norms predict\*\* \|/);
  assert.match(robustnessCsv(d), /\ne1,mnist,norm-matched error,dwm,,,sgd,5,-0\.0(2|1999)/);
});

test('norm-matched error: without diagnostics there is none; with one fitted method of constant norm, no plane, said', () => {
  assert.equal(robustnessData(suite()).experiments[0].normFit, null);
  const views = suite();
  const diag: ModelDiagnostics = { layers: [{ frobenius: 1, spectral: 2 }], lipschitz: 2, dead: 0 };
  const d = robustnessData(views, { diagnostics: new Map(views.map((v) => [v.run, { dwm: diag, sgd: diag }])) });
  assert.match(d.experiments[0].normFit!.why!, /do not determine a plane/);
  assert.equal(d.experiments[0].cells.find((c) => c.metric === 'norm-matched error' && c.method === 'dwm')!.judgement, undefined);
});
