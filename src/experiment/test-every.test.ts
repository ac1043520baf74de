// testEvery (docs/METHOD.md, "Test passes"): a run that scores the test set only after the last
// turn, or never, trains the same models and measures the same validation numbers as the run
// that scores it after every turn; what it did not measure is NaN and the record says so; the
// run id moves only off the default; the planner's cost counts the passes it makes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runId } from '../config/identity.js';
import { ExperimentSchema } from '../config/schema.js';
import type { Trainable } from '../core/model.js';
import { recordProblem, turnTested } from './record.js';
import { runExperiment, type RunResult } from './run.js';
import { loadDataset } from './testing/synthetic.js';
import { runCost, type RunSpec } from './plan.js';

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 40, turns: 3, stepsPerTurn: 200, lr: 0.05,
    methods: ['dwm', 'sgd', 'l2-0.01'], seed: 4, validation: { size: 60 }, noise: { sigma: 0.3 }, ...overrides,
  });
}

/** The run, counting how many inputs each model was asked to score (every forward pass outside training). */
function counted(cfg: ReturnType<typeof config>): { run: RunResult; scored: number } {
  let scored = 0;
  const wrap = (m: Trainable): Trainable => new Proxy(m, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v !== 'function') return v;
      if (key !== 'score') return v.bind(target);
      return (...args: unknown[]) => {
        // score(x, indices, count, …): count the inputs it was handed.
        scored += args[2] as number;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const run = runExperiment(cfg, loadDataset({ name: cfg.dataset.name }), { wrapModel: wrap });
  return { run, scored };
}

const same = (a: number[], b: number[], what: string) => assert.deepEqual(a.map((v) => Object.is(v, -0) ? 0 : v), b.map((v) => Object.is(v, -0) ? 0 : v), what);

test('testEvery last and never: training losses and validation numbers bit-identical to testEvery turn; the unmeasured turns are NaN; the record says tested', () => {
  const full = runExperiment(config(), loadDataset({ name: 'mnist' }));
  const last = runExperiment(config({ testEvery: 'last' }), loadDataset({ name: 'mnist' }));
  const never = runExperiment(config({ testEvery: 'never' }), loadDataset({ name: 'mnist' }));
  assert.equal(full.tested, undefined);
  assert.equal(last.tested, 'last');
  assert.equal(never.tested, 'never');
  assert.deepEqual(full.points, [{ 'noise.sigma': 0.3, 'mask.fraction': 0 }], 'the noisy point (the clean score is perTurn\'s last)');
  for (const m of ['dwm', 'sgd', 'l2-0.01']) {
    const f = full.methods[m], l = last.methods[m], n = never.methods[m];
    for (const r of [l, n]) {
      same(r.trainLoss, f.trainLoss, `${m}: training loss`);
      same(r.val!, f.val!, `${m}: validation`);
      assert.deepEqual(r.diverged, f.diverged);
      assert.deepEqual(r.diagnostics, f.diagnostics, `${m}: the same trained model`);
    }
    // last: the last turn's score and every evaluation point as the full run's; the turns before NaN.
    assert.deepEqual(l.perTurn.slice(0, 2), [NaN, NaN]);
    assert.equal(l.perTurn[2], f.perTurn[2]);
    assert.equal(l.clean, f.clean);
    assert.deepEqual(l.at, f.at);
    // never: no test number at all.
    assert.deepEqual(n.perTurn, [NaN, NaN, NaN]);
    assert.ok(Number.isNaN(n.clean));
    assert.deepEqual(n.at.map((s) => s.value), [NaN]);
  }
  // The stored records are valid; turnTested says which turns were measured.
  for (const r of [full, last, never]) {
    const { origin: _o, split: _s, order: _r, ...record } = r;
    assert.equal(recordProblem(record), null);
  }
  assert.deepEqual([1, 2, 3].map((t) => turnTested(full, t, 3)), [true, true, true]);
  assert.deepEqual([1, 2, 3].map((t) => turnTested(last, t, 3)), [false, false, true]);
  assert.deepEqual([1, 2, 3].map((t) => turnTested(never, t, 3)), [false, false, false]);
});

test('testEvery: the inputs scored are the test set once per turn and per evaluation point (turn), once plus the points (last), none (never); validation every turn in all', () => {
  const cfg = config();
  const { run } = counted(cfg);
  const testN = run.split.test.length, valN = run.split.validation!.length;
  assert.equal(testN, 300 - new Set(run.split.train).size - 60);
  const turns = 3, methods = 3, noisyPoints = 1;
  const counts = (['turn', 'last', 'never'] as const).map((t) => counted(config({ testEvery: t })).scored);
  // Whatever else a run scores (collapse check, margins: the same in all three) cancels in the differences.
  assert.equal(counts[0] - counts[1], methods * (turns - 1) * testN);
  assert.equal(counts[1] - counts[2], methods * (1 + noisyPoints) * testN);
  assert.ok(counts[2] >= methods * turns * valN, 'the validation set is still scored every turn');
});

test('testEvery: last under early stopping scores the kept parameters (the full run\'s score at the end)', () => {
  const es = { earlyStopping: { patience: 1 }, turns: 5, lr: 0.3 };
  const full = runExperiment(config(es), loadDataset({ name: 'mnist' }));
  const last = runExperiment(config({ ...es, testEvery: 'last' }), loadDataset({ name: 'mnist' }));
  const stops = Object.values(full.methods).map((m) => m.earlyStop!);
  assert.ok(stops.some((s) => s.turnsTrained < 5), 'some method stops before the last turn');
  for (const m of Object.keys(full.methods)) {
    assert.deepEqual(last.methods[m].earlyStop, full.methods[m].earlyStop);
    assert.equal(last.methods[m].clean, full.methods[m].clean, m);
    assert.deepEqual(last.methods[m].at, full.methods[m].at, m);
  }
});

test('testEvery never on a regression set: divergence still found (from the validation metric and the loss), at the same turn', () => {
  const reg = { dataset: { name: 'california-housing' }, lr: 5, methods: ['sgd', 'dwm'] };
  const full = runExperiment(config(reg), loadDataset({ name: 'california-housing' }));
  const never = runExperiment(config({ ...reg, testEvery: 'never' }), loadDataset({ name: 'california-housing' }));
  assert.equal(full.metric, 'mse');
  assert.ok(full.methods.sgd.diverged, 'lr 5 diverges');
  for (const m of ['sgd', 'dwm']) {
    assert.equal(never.methods[m].diverged?.turn, full.methods[m].diverged?.turn, m);
    same(never.methods[m].val!, full.methods[m].val!, m);
  }
});

test('testEvery: part of the run id only off the default; never needs a validation set', () => {
  const base = config();
  assert.equal(runId(config({ testEvery: 'turn' }), null), runId(base, null));
  const ids = new Set([runId(base, null), runId(config({ testEvery: 'last' }), null), runId(config({ testEvery: 'never' }), null)]);
  assert.equal(ids.size, 3);
  const parsed = ExperimentSchema.safeParse({ ...base, validation: undefined, testEvery: 'never' });
  assert.ok(!parsed.success && parsed.error.issues[0].path.join('.') === 'testEvery');
  assert.ok(!ExperimentSchema.safeParse({ ...base, testEvery: 'sometimes' }).success);
});

test('runCost: the test passes follow testEvery, a third of a dense first-layer step per input scored (hand-worked)', () => {
  // 2 methods, 784-20-10, 4 turns × 1,000 steps, pool 10,000, n = 1,000, validation 500 → test 8,500; one evaluation point (the noisy test).
  const cfg = ExperimentSchema.parse({ dataset: { name: 'mnist' }, hidden: [20], trainSize: 1000, turns: 4, stepsPerTurn: 1000, methods: ['sgd', 'dwm'], validation: { size: 500 }, noise: { sigma: 0.3 } });
  const shape = () => ({ nInputs: 784, poolSize: 10000 });
  const cost = (t?: string) => runCost({ config: ExperimentSchema.parse({ ...cfg, testEvery: t }) } as RunSpec, shape);
  // An input scored: 3.5 units per first-layer weight, a third: 3.5 × 784 × 20 / 3.
  const perInput = (3.5 * 784 * 20) / 3;
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} against ${b}`);
  // Training and diagnostics are the same under every testEvery: the differences are the test passes,
  // (turns + 1) under turn, (1 + 1) under last, none under never, over 8,500 inputs, for both methods.
  near(cost() - cost('never'), 2 * (4 + 1) * 8500 * perInput);
  near(cost('last') - cost('never'), 2 * (1 + 1) * 8500 * perInput);
  // Without validation, as before this option: (turns + points) test passes over the complement of 9,000, and no validation passes.
  const plain = runCost({ config: ExperimentSchema.parse({ ...cfg, validation: undefined }) } as RunSpec, shape);
  // The diagnostics differ too: margins on 9,000 test inputs instead of 8,500 (784 × 0.1912 × 20 + 20 × 10
  // multiply-adds at 3 units each, 784 input features at 10).
  const macs = 784 * 0.1912 * 20 + 20 * 10;
  near(plain - cost(), 2 * ((4 + 1) * 500 - 4 * 500) * perInput + 2 * 500 * (macs * 3 + 784 * 10));
});
