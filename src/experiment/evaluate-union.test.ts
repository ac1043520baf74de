// `evaluate` as a list of products (data/eval-axes: evalPoints): the points are the union of the
// products' points in list order, each scored once; the schema checks every product at its place
// in the list; a point of the union has the value a run evaluated on that product alone gives.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseOverride, validateExperiment } from '../config/load.js';
import { ExperimentSchema } from '../config/schema.js';
import { EVAL_AXES, axesUsed, evalPoints, pointId } from '../data/eval-axes/index.js';
import { UserError } from '../errors.js';
import { buildPlan } from './plan.js';
import { runExperiment } from './run.js';
import { configError } from './testing/config-errors.js';
import { squareImages } from './testing/images.js';

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 60, turns: 1, stepsPerTurn: 40, lr: 0.02, methods: ['dwm', 'sgd'], seed: 3, ...overrides,
  });
}

const NOISY_AND_SUITE = [{ 'noise.sigma': [0, 0.3] }, { corruption: ['gaussian-noise', 'rotate'], severity: [1, 2] }];

test('evaluate as a list: the union of the products\' points, in list order, a repeated point once', () => {
  assert.deepEqual(evalPoints(config({ evaluate: NOISY_AND_SUITE })).map(pointId), [
    'noise.sigma=0 mask.fraction=0',
    'noise.sigma=0.3 mask.fraction=0',
    'corruption=gaussian-noise severity=1 noise.sigma=0 mask.fraction=0',
    'corruption=gaussian-noise severity=2 noise.sigma=0 mask.fraction=0',
    'corruption=rotate severity=1 noise.sigma=0 mask.fraction=0',
    'corruption=rotate severity=2 noise.sigma=0 mask.fraction=0',
  ]);
  // σ = 0.3 is in both products; the clean point of the second (severity 0) is the first's σ = 0.
  const repeated = config({ evaluate: [{ 'noise.sigma': [0, 0.3] }, { 'noise.sigma': [0.3, 0.5] }, { corruption: ['contrast'], severity: [0, 3] }] });
  assert.deepEqual(evalPoints(repeated).map(pointId), [
    'noise.sigma=0 mask.fraction=0', 'noise.sigma=0.3 mask.fraction=0', 'noise.sigma=0.5 mask.fraction=0',
    'corruption=contrast severity=3 noise.sigma=0 mask.fraction=0',
  ]);
  // A list of one product gives that product's points; the optional axes used are any product's.
  const one = { corruption: ['contrast'], severity: [1, 4] };
  assert.deepEqual(evalPoints(config({ evaluate: [one] })), evalPoints(config({ evaluate: one })));
  assert.deepEqual(axesUsed(config({ evaluate: NOISY_AND_SUITE })), ['corruption', 'severity', 'noise.sigma', 'mask.fraction']);
  assert.deepEqual(axesUsed(config({ evaluate: [{ 'noise.sigma': [0.3] }] })), EVAL_AXES.filter((a) => !a.optional).map((a) => a.key));
});

test('evaluate as a list: every product is checked at its place, `all` expanded in each, and a mapping stays a mapping', () => {
  const all = config({ evaluate: [{ 'noise.sigma': [0.3] }, { corruption: 'all', severity: [1] }] }).evaluate as Record<string, unknown[]>[];
  assert.ok(Array.isArray(all));
  assert.deepEqual(all[0], { 'noise.sigma': [0.3] });
  assert.ok(all[1].corruption.length >= 15 && !all[1].corruption.includes('all'), 'all: the image corruptions');
  assert.ok(!Array.isArray(config({ evaluate: { 'noise.sigma': [0.3] } }).evaluate), 'a mapping is kept as written');
  assert.match(configError({ evaluate: [{ 'noise.sigma': [0.3] }, { corruption: ['gausian-noise'], severity: [1] }] }), /^evaluate\.1\.corruption: unknown corruption 'gausian-noise' \(did you mean gaussian-noise\?\)/);
  assert.match(configError({ evaluate: [{ 'noise.sigma': [0.3] }, { corruption: ['rotate'] }] }), /^evaluate\.1\.severity: /);
  assert.match(configError({ evaluate: [{ 'noise.sigma': [0.3] }], corrupted: { subsample: 100 } }), /^corrupted: a subsample for corrupted points, but evaluate lists no corruption/);
  assert.ok(ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, evaluate: NOISY_AND_SUITE, corrupted: { subsample: 100 } }).success, 'a corruption in any product takes corrupted:');
  assert.match(configError({ evaluate: [] }), /^evaluate: /);
  // Through the loader (one line for the user): the value's type, or the problem inside a product.
  const refused = (evaluate: unknown) => {
    try {
      validateExperiment({ dataset: { name: 'mnist' }, trainSize: 10, evaluate }, 'config c.yaml');
    } catch (e) {
      assert.ok(e instanceof UserError);
      return e.message;
    }
    assert.fail('accepted');
  };
  assert.equal(refused('noisy'), 'config c.yaml: evaluate: expected record or array, got "noisy"');
  assert.equal(refused([{ 'noise.sigma': ['x'] }]), 'config c.yaml: evaluate[0].noise.sigma[0]: expected a number, got "x"');
});

test('a point of a list-form evaluate has the value of a run evaluated on its product alone', () => {
  const data = squareImages(400, 12);
  // Short training and strong shifts, so that the points' values differ and the check can fail.
  const products = [{ 'noise.sigma': [0, 0.8] }, { corruption: ['impulse-noise', 'rotate'], severity: [2, 5] }];
  const union = runExperiment(config({ evaluate: products }), data);
  assert.deepEqual(union.points.map(pointId), evalPoints(config({ evaluate: products })).map(pointId));
  const first = runExperiment(config({ evaluate: products[0] }), data);
  const second = runExperiment(config({ evaluate: products[1] }), data);
  const alone = [...first.points.map((p, k) => ({ p, run: first, k })), ...second.points.map((p, k) => ({ p, run: second, k }))];
  assert.equal(alone.length, union.points.length);
  for (const [k, p] of union.points.entries()) {
    const a = alone[k];
    assert.equal(pointId(a.p), pointId(p));
    for (const m of ['dwm', 'sgd']) assert.equal(union.methods[m].at[k].value, a.run.methods[m].at[a.k].value, `${m} at ${pointId(p)}`);
  }
  assert.ok(new Set(union.methods.sgd.at.map((s) => s.value)).size >= 5, 'the points score differently');
  // Per-class accuracies at the noisy point, not at the corrupted ones (a record of the suite stays small).
  assert.ok(Array.isArray(union.methods.sgd.at[1].perClass) && union.methods.sgd.at[1].balanced !== undefined);
  for (const s of union.methods.sgd.at.slice(2)) assert.deepEqual(Object.keys(s), ['value']);
  // The trained models are the same (evaluation does not touch training); the clean point is the clean test.
  for (const m of ['dwm', 'sgd']) {
    assert.equal(union.methods[m].clean, first.methods[m].clean);
    assert.equal(union.methods[m].at[0].value, union.methods[m].clean);
  }
});

test('a study file takes a list of products (top level or base), refuses it beside other points, and --set replaces an axis in every product that lists it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-union-'));
  try {
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const head = 'base: { dataset: { name: mnist }, trainSize: 10 }\ngrid: { trainSize: [10, 20] }\n';
    const list = 'evaluate:\n  - noise.sigma: [0.3]\n  - corruption: [rotate]\n    severity: [1, 5]\n';
    const pts = (study: ReturnType<typeof buildPlan>) => evalPoints(study.runs[0].config).map(pointId);
    const expected = ['noise.sigma=0.3 mask.fraction=0', 'corruption=rotate severity=1 noise.sigma=0 mask.fraction=0', 'corruption=rotate severity=5 noise.sigma=0 mask.fraction=0'];
    const top = buildPlan([file('top.yaml', head + list)]);
    assert.equal(top.runs.length, 2);
    assert.deepEqual(pts(top), expected);
    assert.deepEqual(pts(buildPlan([file('base.yaml', `base:\n  dataset: { name: mnist }\n  trainSize: 10\n  ${list.replace(/\n(?=.)/g, '\n  ')}grid: { trainSize: [10, 20] }\n`)])), expected);
    const refused = (text: string) => assert.throws(() => buildPlan([file('bad.yaml', text)]), UserError);
    refused(head.replace('grid: {', 'grid: { noise.sigma: [0, 0.5], ') + list);
    refused(head.replace('trainSize: 10 }', 'trainSize: 10, evaluate: { mask.fraction: [0.5] } }') + list);
    assert.throws(() => buildPlan([file('g.yaml', head.replace('grid: {', 'grid: { noise.sigma: [0, 0.5], ') + list)]), /grid\.noise\.sigma is an evaluation axis, which a list of products in evaluate cannot take/);
    // --set on an axis of the list: replaced where listed; on an axis no product lists: refused.
    const set = buildPlan([file('top.yaml', head + list)], { sets: [parseOverride('severity=2,3')] });
    assert.deepEqual(pts(set), ['noise.sigma=0.3 mask.fraction=0', 'corruption=rotate severity=2 noise.sigma=0 mask.fraction=0', 'corruption=rotate severity=3 noise.sigma=0 mask.fraction=0']);
    assert.throws(() => buildPlan([file('top.yaml', head + list)], { sets: [parseOverride('mask.fraction=0.5')] }), /no product of the config's evaluate list has mask\.fraction/);
    // The run ids are those of the same study without evaluate: (evaluation is not in an id).
    const plain = buildPlan([file('plain.yaml', head)]);
    assert.deepEqual(top.runs.map((r) => r.id), plain.runs.map((r) => r.id));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
