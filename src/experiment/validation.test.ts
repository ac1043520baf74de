// The validation split and early stopping (docs/METHOD.md, "Validation"): the three lists never
// overlap, for every registered dataset at its paper pool size; adding the keys changes no run id;
// early stopping keeps exactly the parameters of the best validation turn, on both engines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { DATASET_NAMES, ExperimentSchema } from '../config/schema.js';
import { authorsPoolProblem } from '../data/authors-split.js';
import { holdOutValidation } from '../data/prepare.js';
import type { RawDataset } from '../data/types.js';
import { loadExperiment } from './plan.js';
import { recordOf } from './pool.js';
import { RunRecordSchema } from './record.js';
import { drawRunSplit, improves, listHash, runExperiment } from './run.js';
import { checkSplit } from './testing/split-check.js';
import { loadDataset as synthetic } from './testing/synthetic.js';
import { ROOT } from './testing/paths.js';
import { join } from 'node:path';
import { parseOverride } from '../config/load.js';

/** The paper pool of each registered dataset (docs/METHOD.md §6), the benchmark sets' default pool (one test split, 10,000 images); csv: a pool of this test's choosing. */
const POOLS: Record<string, { size: number; task: 'classification' | 'regression' }> = {
  mnist: { size: 55_000, task: 'classification' },
  'fashion-mnist': { size: 60_000, task: 'classification' },
  'cifar-10': { size: 10_000, task: 'classification' },
  'california-housing': { size: 20_433, task: 'regression' },
  'wine-quality': { size: 4_898, task: 'regression' },
  csv: { size: 1_200, task: 'regression' },
  'mnist-c': { size: 10_000, task: 'classification' },
  'cifar-10-c': { size: 10_000, task: 'classification' },
};

/** A pool of the given size whose samples are only labels or targets (the split reads nothing else). */
function stubPool(name: string, size: number, task: 'classification' | 'regression'): RawDataset {
  const rng = new Rng(9, `stub-${name}`);
  const y = Float32Array.from({ length: size }, (_, i) => (task === 'classification' ? i % 10 : rng.normal()));
  return {
    name, kind: task === 'classification' ? 'image' : 'tabular', task, size, nInputs: 1, nOutputs: task === 'classification' ? 10 : 1,
    x: new Float32Array(size), y, origin: { kind: 'path', location: 'stub' }, description: 'stub',
  };
}

function parse(overrides: Record<string, unknown>) {
  return ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 1000, ...overrides });
}

test('holdOutValidation: a partition of the test list into two ascending lists of the asked sizes, the same for the same stream', () => {
  const testList = Int32Array.from({ length: 50 }, (_, k) => 3 * k + 1);
  const a = holdOutValidation(testList, 12, new Rng(4, 'validation'));
  const b = holdOutValidation(testList, 12, new Rng(4, 'validation'));
  assert.deepEqual(a, b);
  assert.equal(a.validation.length, 12);
  assert.equal(a.test.length, 38);
  assert.deepEqual([...a.validation, ...a.test].sort((p, q) => p - q), [...testList]);
  for (const l of [a.validation, a.test]) for (let k = 1; k < l.length; k++) assert.ok(l[k] > l[k - 1]);
  assert.notDeepEqual(holdOutValidation(testList, 12, new Rng(5, 'validation')).validation, a.validation);
  // Every sample can be held out: over many seeds each index is chosen about 12/50 of the time.
  const hits = new Map<number, number>();
  for (let s = 0; s < 2000; s++) for (const i of holdOutValidation(testList, 12, new Rng(s, 'validation')).validation) hits.set(i, (hits.get(i) ?? 0) + 1);
  for (const i of testList) assert.ok(Math.abs((hits.get(i) ?? 0) / 2000 - 0.24) < 0.05, `index ${i}: ${hits.get(i)}`);
  assert.throws(() => holdOutValidation(testList, 51, new Rng(1, 'validation')), RangeError);
});

test('every registered dataset: validation never overlaps the training list or the test set; sizes as documented', () => {
  assert.deepEqual(Object.keys(POOLS).sort(), [...DATASET_NAMES].sort(), 'a pool size for every registered dataset');
  for (const name of DATASET_NAMES) {
    const { size, task } = POOLS[name];
    const raw = stubPool(name, size, task);
    const dataset = name === 'csv' ? { name, path: 'x.csv', target: 't', task } : { name };
    const variants: [string, Record<string, unknown>][] = [
      ['default size', { validation: {} }],
      ['size 300', { validation: { size: 300 }, seed: 11 }],
      ['balanced imbalance', { validation: {}, imbalance: { profile: 'step', ratio: 0.2, test: 'balanced' } }],
    ];
    if (!authorsPoolProblem(dataset)) variants.push(['authors list', { validation: {}, split: 'authors' }]);
    for (const [label, extra] of variants) {
      const where = `${name}, ${label}`;
      const config = parse({ dataset, ...extra });
      const { split } = drawRunSplit(config, raw);
      const { split: without } = drawRunSplit(parse({ dataset, ...extra, validation: undefined }), raw);
      assert.ok(split.validation, where);
      checkSplit(size, split.train, split.validation!, split.test, where);
      // The training list is the one drawn without validation; the validation set comes out of its test set.
      assert.deepEqual(split.train, without.train, where);
      const expected = (extra.validation as { size?: number }).size ?? Math.min(5000, Math.floor(size / 10));
      assert.equal(split.validation!.length, expected, where);
      const distinct = new Set(split.train).size;
      if (extra.imbalance) {
        assert.ok(split.test.length < size - distinct - expected, `${where}: the balanced test set is a subset`);
      } else {
        assert.equal(split.test.length, size - distinct - expected, `${where}: test = complement of train ∪ validation`);
      }
    }
  }
});

test('a validation set the pool cannot spare is one clear UserError; earlyStopping needs validation', () => {
  const raw = stubPool('wine-quality', 4898, 'regression');
  assert.throws(() => drawRunSplit(parse({ dataset: { name: 'wine-quality' }, validation: { size: 4000 } }), raw),
    (e: Error) => e.name === 'UserError' && /^validation\.size: 4000 samples leave no test set/.test(e.message));
  const bad = ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, earlyStopping: { patience: 2 } });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0].path, ['earlyStopping']);
  assert.equal(ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, validation: {}, earlyStopping: { patience: 0 } }).success, false);
});

test('run ids of existing configs do not move (ids from the code before validation existed)', () => {
  const before: [string, string][] = [
    ['configs/quickstart.yaml', 's5-9c50566001'],
    ['configs/paper/mnist-2layer.yaml', 's5-59dc9cd5be'],
    ['configs/paper/wine-quality-3layer.yaml', 's5-ae4bc2e503'],
  ];
  for (const [file, id] of before) assert.equal(loadExperiment(join(ROOT, file), [], () => null).id, id, file);
  assert.notEqual(loadExperiment(join(ROOT, 'configs/quickstart.yaml'), [parseOverride('validation.size=500')], () => null).id, 's5-9c50566001');
});

test('improves: higher accuracy, lower MSE, strictly; non-finite values never win', () => {
  assert.equal(improves(0.5, 0.4, 'accuracy'), true);
  assert.equal(improves(0.4, 0.4, 'accuracy'), false);
  assert.equal(improves(0.3, 0.4, 'mse'), true);
  assert.equal(improves(0.5, 0.4, 'mse'), false);
  assert.equal(improves(NaN, 0.4, 'accuracy'), false);
  assert.equal(improves(0.1, NaN, 'mse'), true);
});

for (const engine of ['reference', 'fast'] as const) {
  test(`early stopping (${engine}): stops after patience turns without improvement and reports the best turn's own scores`, () => {
    const raw = synthetic({ name: 'mnist' });
    const base = {
      dataset: { name: 'mnist' }, hidden: [6], trainSize: 40, turns: 8, stepsPerTurn: 150, lr: 0.3,
      methods: ['dwm', 'sgd', 'l2-0.01'], seed: 2, engine, validation: { size: 60 }, evaluate: { 'noise.sigma': [0, 0.5] },
    };
    const full = runExperiment(ExperimentSchema.parse(base), raw);
    const stopped = runExperiment(ExperimentSchema.parse({ ...base, earlyStopping: { patience: 2 } }), raw);
    assert.equal(full.validation!.size, 60);
    assert.equal(full.testSize, 300 - full.distinctTrain - 60);
    let sawStop = false;
    let sawRestore = false;
    for (const m of base.methods) {
      const f = full.methods[m];
      const s = stopped.methods[m];
      assert.equal(f.val!.length, 8);
      // The best turn and stop turn computed here from the full run's validation curve.
      let best = 0;
      for (let t = 1; t < 8; t++) if (f.val![t] > f.val![best]) best = t;
      let stop = 8;
      for (let t = 0, b = 0; t < 8; t++) {
        if (f.val![t] > f.val![b]) b = t;
        if (t - b >= 2) { stop = t + 1; break; }
      }
      let bestBeforeStop = 0;
      for (let t = 1; t < stop; t++) if (f.val![t] > f.val![bestBeforeStop]) bestBeforeStop = t;
      assert.deepEqual(s.earlyStop, { bestTurn: bestBeforeStop + 1, turnsTrained: stop, stepsTrained: stop * 150 }, m);
      assert.deepEqual(s.val, f.val!.slice(0, stop), `${m}: the same training up to the stop`);
      // The reported test metric is the best turn's model's, as the full run measured it then.
      assert.equal(s.clean, f.perTurn[bestBeforeStop], m);
      assert.deepEqual(s.perTurn.slice(0, stop - 1), f.perTurn.slice(0, stop - 1), m);
      for (let t = stop - 1; t < 8; t++) assert.equal(s.perTurn[t], s.clean, `${m} turn ${t + 1}`);
      assert.deepEqual(s.trainLoss.slice(0, stop), f.trainLoss.slice(0, stop));
      for (let t = stop; t < 8; t++) assert.ok(Number.isNaN(s.trainLoss[t]));
      assert.equal(s.at[0].value, s.clean);
      if (stop < 8) sawStop = true;
      if (bestBeforeStop + 1 < stop) sawRestore = true;
    }
    assert.ok(sawStop && sawRestore, 'the config exercises a stop and a restore');
    // The kept parameters themselves: those of a run trained for exactly the best turn's turns.
    const kept = runExperiment(ExperimentSchema.parse({ ...base, earlyStopping: { patience: 2 } }), raw, { keepParams: true });
    for (const m of base.methods) {
      const turns = kept.methods[m].earlyStop!.bestTurn;
      const short = runExperiment(ExperimentSchema.parse({ ...base, methods: [m], turns }), raw, { keepParams: true });
      assert.deepEqual(kept.methods[m].final, short.methods[m].final, `${m}: parameters of turn ${turns}`);
    }
    // The record keeps the new fields and validates; one without them (an older record) validates too.
    const record = recordOf(ExperimentSchema.parse({ ...base, earlyStopping: { patience: 2 } }), stopped);
    assert.equal(RunRecordSchema.safeParse(record).success, true);
    assert.equal(record.validation!.sha256.validation, listHash(stopped.split.validation!));
    const old = recordOf(ExperimentSchema.parse({ ...base, validation: undefined }), runExperiment(ExperimentSchema.parse({ ...base, validation: undefined, turns: 1 }), raw));
    assert.equal(old.validation, undefined);
    assert.equal(RunRecordSchema.safeParse(old).success, true);
  });
}

test('early stopping chooses the same turns on both engines (they agree to ~1e-12 per weight)', () => {
  const raw = synthetic({ name: 'california-housing' });
  const base = {
    dataset: { name: 'california-housing' }, hidden: [5], trainSize: 60, turns: 6, stepsPerTurn: 200, lr: 0.05,
    methods: ['dwm', 'sgd'], seed: 4, validation: { size: 50 }, earlyStopping: { patience: 1 },
  };
  const ref = runExperiment(ExperimentSchema.parse({ ...base, engine: 'reference' }), raw);
  const fast = runExperiment(ExperimentSchema.parse({ ...base, engine: 'fast' }), raw);
  for (const m of base.methods) {
    assert.deepEqual(fast.methods[m].earlyStop, ref.methods[m].earlyStop, m);
    assert.ok(Math.abs(fast.methods[m].clean - ref.methods[m].clean) <= 1e-9 * Math.abs(ref.methods[m].clean), `${m}: ${fast.methods[m].clean} vs ${ref.methods[m].clean}`);
  }
});
