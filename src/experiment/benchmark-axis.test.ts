// The benchmark-set axis (data/eval-axes/benchmark.ts) on the fixtures of src/data/testing/benchsets/:
// what the schema accepts and refuses (the leakage rule, names, severities), that a benchmark
// point is each model's accuracy on the published images (checked by a forward pass written
// here), that severity 0 is the clean test, and that a missing set names its fetch command.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { Rng } from '../core/rng.js';
import type { LayerParams } from '../core/rules/rule.js';
import { benchmarkFor, loadBenchmark } from '../data/benchmark-sets.js';
import { evalPoints, isIdentity, pointId } from '../data/eval-axes/index.js';
import type { RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { runExperiment } from './run.js';
import { configError } from './testing/config-errors.js';

/** A config's evaluate when it is one product (a mapping). */
const ev = (c: { evaluate?: unknown }) => c.evaluate as Record<string, (string | number)[]>;

const FIXTURES = 'src/data/testing/benchsets';

/** 784-pixel images of ten classes: class c brightens pixels 78c … 78c + 77. */
function digits(size: number): RawDataset {
  const rng = new Rng(1, 'digits');
  const x = new Float32Array(size * 784);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const c = rng.int(10);
    y[i] = c;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = Math.floor(p / 78) === c ? 0.5 + 0.5 * rng.uniform() : 0.3 * rng.uniform();
  }
  return { name: 'mnist', kind: 'image', task: 'classification', size, nInputs: 784, nOutputs: 10, x, y, origin: { kind: 'path', location: '(test)' }, description: 'digits' };
}

function outputs(params: readonly LayerParams[], x: ArrayLike<number>): number[] {
  let a = Array.from(x);
  params.forEach((p, l) => {
    const nIn = a.length;
    a = Array.from(p.b, (b, j) => {
      let s = b;
      for (let i = 0; i < nIn; i++) s += p.W[j * nIn + i] * a[i];
      return l < params.length - 1 ? Math.max(0, s) : s;
    });
  });
  return a;
}

test('evaluate.benchmark: names of the set for the dataset, its severities, the leakage rule, one line each', () => {
  const c = ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 10, evaluate: { benchmark: ['fog', 'canny_edges'], severity: [0, 1] } });
  assert.deepEqual(evalPoints(c).map(pointId), [
    'benchmark=fog noise.sigma=0 mask.fraction=0', 'benchmark=fog severity=1 noise.sigma=0 mask.fraction=0',
    'benchmark=canny_edges noise.sigma=0 mask.fraction=0', 'benchmark=canny_edges severity=1 noise.sigma=0 mask.fraction=0',
  ]);
  assert.deepEqual(evalPoints(c).map(isIdentity), [true, false, true, false], 'severity 0 is the clean test');
  const all = ev(ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 10, evaluate: { benchmark: 'all', severity: [1] } })).benchmark;
  assert.equal(all.length, 15);
  assert.ok(!all.includes('identity') && all.includes('fog'));
  assert.ok(ev(ExperimentSchema.parse({ dataset: { name: 'cifar-10' }, trainSize: 10, evaluate: { benchmark: 'all', severity: [1, 5] } })).benchmark.includes('gaussian_noise'));
  // The leakage rule: MNIST-C's images are MNIST's test images.
  assert.match(configError({ dataset: { name: 'mnist', pool: 'test' }, evaluate: { benchmark: ['fog'], severity: [1] } }),
    /^evaluate\.benchmark: mnist-c's images are mnist's official test images, which this run's pool \(dataset\.pool: "test"\) holds/);
  assert.match(configError({ dataset: { name: 'cifar-10', pool: ['data_batch_2', 'test_batch'] }, trainSize: 10, evaluate: { benchmark: ['fog'], severity: [1] } }), /^evaluate\.benchmark: cifar-10-c's images are cifar-10's official test images/);
  for (const pool of ['paper', 'train']) assert.ok(ExperimentSchema.safeParse({ dataset: { name: 'mnist', pool }, trainSize: 10, evaluate: { benchmark: ['fog'], severity: [1] } }).success, pool);
  assert.match(configError({ evaluate: { benchmark: ['fog'], severity: [2] } }), /^evaluate\.benchmark: mnist-c has one severity, 1 \(0: the clean test\); evaluate\.severity asks for 2/);
  assert.match(configError({ evaluate: { benchmark: ['gaussian_noise'], severity: [1] } }), /^evaluate\.benchmark: gaussian_noise is not mnist-c corruption; mnist-c has identity/);
  assert.match(configError({ evaluate: { benchmark: ['fgo'], severity: [1] } }), /^evaluate\.benchmark: unknown benchmark 'fgo' \(did you mean fog\?\)/);
  assert.match(configError({ evaluate: { benchmark: ['fog'] } }), /^evaluate\.severity: list the severities to score evaluate\.benchmark at/);
  assert.match(configError({ evaluate: { benchmark: ['fog'], corruption: ['contrast'], severity: [1] } }), /evaluate\.benchmark: not in one study with evaluate\.corruption/);
  assert.match(configError({ dataset: { name: 'fashion-mnist' }, evaluate: { benchmark: ['fog'], severity: [1] } }), /^evaluate\.benchmark: the published benchmarks test models trained on mnist \(mnist-c\) or cifar-10 \(cifar-10-c\); this dataset is fashion-mnist/);
});

test('a benchmark point: each model\'s accuracy on the published images, the same as a forward pass over them', () => {
  const config = ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [8], trainSize: 80, turns: 1, stepsPerTurn: 200, lr: 0.05, methods: ['dwm', 'sgd'], seed: 4,
    evaluate: { benchmark: ['fog', 'canny_edges'], severity: [0, 1] },
  });
  const r = runExperiment(config, digits(200), { keepParams: true, loadBenchmark: (dataset, c, s) => loadBenchmark(benchmarkFor(dataset)!, c, s, { path: FIXTURES }) });
  for (const id of ['dwm', 'sgd']) {
    const m = r.methods[id];
    for (const name of ['fog', 'canny_edges']) {
      const b = loadBenchmark('mnist-c', name, 1, { path: FIXTURES });
      let right = 0;
      for (let k = 0; k < b.size; k++) {
        const z = outputs(m.final!, b.x.subarray(k * 784, (k + 1) * 784));
        if (z.indexOf(Math.max(...z)) === b.y[k]) right++;
      }
      const at = (s: number) => m.at[r.points.findIndex((p) => p.benchmark === name && p.severity === s)];
      assert.equal(at(1).value, right / b.size, `${id} ${name}`);
      assert.equal(at(1).perClass, undefined, 'a corrupted point records its value only');
      assert.equal(at(0).perClass!.length, 10, 'the clean point keeps the per-class accuracies');
      assert.equal(at(0).value, m.clean, `${id} ${name} severity 0: the clean test`);
    }
  }
});

test('a missing benchmark set: one line naming its fetch command', () => {
  const config = ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [4], trainSize: 20, turns: 1, stepsPerTurn: 10, methods: ['sgd'], evaluate: { benchmark: ['fog'], severity: [1] },
  });
  const empty = mkdtempSync(join(tmpdir(), 'dwgd-bench-'));
  assert.throws(() => runExperiment(config, digits(40), { loadBenchmark: (dataset, c, s) => loadBenchmark(benchmarkFor(dataset)!, c, s, { env: { DWGD_DATA_DIR: empty } }) }),
    (e: unknown) => e instanceof UserError && /datasets fetch mnist-c/.test(e.message) && !e.message.includes('\n'));
});
