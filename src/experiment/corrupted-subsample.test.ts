// Corrupted points on a seeded subsample (config `corrupted.subsample`, eval-axes/subsample.ts):
// what the schema accepts, the draw itself, that exactly the corrupted points are scored on it
// (clean and noisy points keep the whole test list), what run.json records, and that a 2-layer
// and a 3-layer run of one seed and n share the corrupted test sets through the per-process store.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trainable } from '../core/model.js';
import { ExperimentSchema } from '../config/schema.js';
import { numbersConfig } from '../config/identity.js';
import { attackSubsample } from '../data/eval-axes/attack.js';
import { corruptedSubsample } from '../data/eval-axes/corruption.js';
import { seededSubsample } from '../data/eval-axes/subsample.js';
import { evaluateAt } from './evaluate.js';
import { recordOf } from './pool.js';
import { listHash, runExperiment } from './run.js';
import { syntheticImages } from './testing/images.js';
import { clearTestSetCache, testSetCacheStats } from './test-set-cache.js';

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 60, turns: 1, stepsPerTurn: 200, lr: 0.05, methods: ['dwm', 'sgd'], seed: 3, ...overrides,
  });
}

function problems(overrides: Record<string, unknown>): string {
  const r = ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, ...overrides });
  assert.ok(!r.success, 'the config should be refused');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

test('corrupted.subsample: a whole number ≥ 1, only with corruption or benchmark points, not in the run id', () => {
  const evaluate = { corruption: ['contrast'], severity: [1] };
  assert.match(problems({ evaluate, corrupted: { subsample: 0 } }), /^corrupted\.subsample: /);
  assert.match(problems({ evaluate, corrupted: { subsample: 2.5 } }), /^corrupted\.subsample: /);
  assert.match(problems({ evaluate, corrupted: { subsample: 10, size: 10 } }), /^corrupted: .*size/);
  assert.match(problems({ evaluate: { 'noise.sigma': [0.3] }, corrupted: { subsample: 10 } }), /^corrupted: .*evaluate lists no corruption or benchmark/);
  const c = config({ evaluate, corrupted: { subsample: 10 } });
  assert.deepEqual(c.corrupted, { subsample: 10 });
  assert.deepEqual(numbersConfig(c), numbersConfig(config({ evaluate })), 'evaluation only: the same trained models');
});

test('the subsample: size distinct members of the list, ascending, one per (seed, stream, list, size), each member equally likely', () => {
  const list = Int32Array.from({ length: 40 }, (_, i) => 3 * i + 7);
  const members = new Set(list);
  const a = seededSubsample(list, 12, 5, 'corrupted-subsample');
  assert.equal(a.length, 12);
  assert.equal(new Set(a).size, 12);
  assert.ok(a.every((v) => members.has(v)));
  assert.ok(a.every((v, k) => k === 0 || a[k - 1] < v), 'ascending');
  assert.deepEqual(seededSubsample(list, 12, 5, 'corrupted-subsample'), a, 'the same draw again');
  assert.deepEqual(corruptedSubsample(list, 12, 5), a);
  assert.deepEqual(attackSubsample(list, 12, 5), seededSubsample(list, 12, 5, 'attack-subsample'));
  assert.notDeepEqual(attackSubsample(list, 12, 5), a, 'the attack draws from a stream of its own');
  assert.notDeepEqual(seededSubsample(list, 12, 6, 'corrupted-subsample'), a, 'another seed, another subsample');
  assert.equal(corruptedSubsample(list, 40, 5), list, 'not smaller: the whole list');
  assert.equal(corruptedSubsample(list, undefined, 5), list);
  // Over 2,000 seeds each member is drawn with probability 12/40 = 0.3: its count is
  // Binomial(2000, 0.3), mean 600, sd 20.5; every one of the 40 lies within 5 sd.
  const counts = new Map<number, number>();
  for (let seed = 0; seed < 2000; seed++) for (const v of corruptedSubsample(list, 12, seed)) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const v of list) assert.ok(Math.abs((counts.get(v) ?? 0) - 600) < 5 * 20.5, `member ${v} drawn ${counts.get(v)} times`);
});

test('corrupted points are scored on the subsample, clean and noisy points on the whole test list; run.json records it', () => {
  const raw = syntheticImages(500, 4);
  const models: Trainable[] = [];
  const c = config({ evaluate: { corruption: ['impulse-noise'], severity: [0, 5], 'noise.sigma': [0, 0.3] }, corrupted: { subsample: 50 } });
  const r = runExperiment(c, raw, { wrapModel: (m) => { models.push(m); return m; } });
  const expected = corruptedSubsample(r.split.test, 50, c.seed);
  assert.ok(r.split.test.length > 300);
  assert.deepEqual(r.corrupted, { subsample: 50, testSize: 50, sha256: listHash(expected) });
  assert.deepEqual(recordOf(c, r).corrupted, r.corrupted, 'kept in the record run.json holds');
  const data = { ...raw, normalize: 'none' as const };
  assert.equal(models.length, 2);
  for (const [k, p] of r.points.entries()) {
    const list = p.severity === 5 ? expected : r.split.test;
    const want = evaluateAt(models, data, list, 'accuracy', p, c.seed);
    models.forEach((m, j) => assert.equal(r.methods[m.id].at[k].value, want[j].value, `${m.id} at ${JSON.stringify(p)}`));
    // Accuracies are counts over the list's size: correct / 50 at the corrupted points.
    if (p.severity === 5) for (const m of models) assert.equal(Math.round(r.methods[m.id].at[k].value * 50) / 50, r.methods[m.id].at[k].value);
  }
  // Without corrupted points nothing is recorded (--resume: src/results/corrupted-resume.test.ts).
  assert.equal(runExperiment(config({ evaluate: { 'noise.sigma': [0.3] } }), raw).corrupted, undefined);
});

test('a 2-layer and a 3-layer run of one seed and n draw one subsample, and the second generates no corrupted set', () => {
  const raw = syntheticImages(600, 9);
  clearTestSetCache();
  const evaluate = { corruption: ['gaussian-blur', 'rotate', 'shot-noise'], severity: [1, 4], 'noise.sigma': [0, 0.3] };
  const two = runExperiment(config({ hidden: [8], evaluate, corrupted: { subsample: 80 } }), raw);
  const first = testSetCacheStats();
  assert.equal(first.builds, 6 + 6, 'three corruptions × two severities × two noise σ');
  const three = runExperiment(config({ hidden: [8, 6], evaluate, corrupted: { subsample: 80 } }), raw);
  const second = testSetCacheStats();
  assert.deepEqual(three.corrupted, two.corrupted);
  assert.equal(second.builds, first.builds, 'the 3-layer run generated no corrupted set');
  assert.equal(second.hits - first.hits, 12, 'every corrupted point a hit');
  clearTestSetCache();
});
