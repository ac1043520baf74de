// The attack axes (data/eval-axes/attack.ts): what the schema accepts and refuses, that an
// attacked point equals a run evaluated there alone, that its accuracy equals an independent
// computation with attackBatch on the trained parameters (same subsample, same seed), that PGD
// never leaves more right than FGSM where the ordering is guaranteed, that ε = 0 is the clean
// evaluation, and that on a regression set the attack raises the squared error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { attackBatch } from '../core/attacks.js';
import { Rng } from '../core/rng.js';
import type { LayerParams } from '../core/rules/rule.js';
import { attackSubsample } from '../data/eval-axes/attack.js';
import { evalPoints, isIdentity, pointId } from '../data/eval-axes/index.js';
import type { RawDataset } from '../data/types.js';
import { runExperiment } from './run.js';
import { configError } from './testing/config-errors.js';
import { squareImages } from './testing/images.js';

/** A config's evaluate when it is one product (a mapping). */
const ev = (c: { evaluate?: unknown }) => c.evaluate as Record<string, (string | number)[]>;

function config(overrides: Record<string, unknown> = {}) {
  return ExperimentSchema.parse({
    dataset: { name: 'mnist' }, hidden: [6], trainSize: 60, turns: 1, stepsPerTurn: 300, lr: 0.05, methods: ['dwm', 'sgd'], seed: 3, ...overrides,
  });
}

/** A second forward pass, written here: ReLU hidden layers, W row-major (out × in). */
function outputs(params: readonly LayerParams[], x: ArrayLike<number>): number[] {
  let a = Array.from(x);
  params.forEach((p, l) => {
    const nOut = p.b.length;
    const nIn = a.length;
    const z = new Array<number>(nOut);
    for (let j = 0; j < nOut; j++) {
      let s = p.b[j];
      for (let i = 0; i < nIn; i++) s += p.W[j * nIn + i] * a[i];
      z[j] = l < params.length - 1 ? Math.max(0, s) : s;
    }
    a = z;
  });
  return a;
}

test('evaluate: attack names with radii; one clear problem otherwise', () => {
  const c = config({ evaluate: { attack: ['fgsm', 'pgd-linf'], eps: [0, 0.1] } });
  assert.deepEqual(evalPoints(c).map(pointId), [
    'noise.sigma=0 mask.fraction=0 attack=fgsm', 'noise.sigma=0 mask.fraction=0 attack=fgsm eps=0.1',
    'noise.sigma=0 mask.fraction=0 attack=pgd-linf', 'noise.sigma=0 mask.fraction=0 attack=pgd-linf eps=0.1',
  ]);
  assert.deepEqual(evalPoints(c).map(isIdentity), [true, false, true, false], 'ε = 0 is the clean input');
  assert.deepEqual(ev(config({ evaluate: { attack: 'all', eps: [0.1] } })).attack, ['fgsm', 'pgd-linf', 'pgd-l2', 'apgd-ce']);
  assert.match(configError({ evaluate: { attack: ['pgd-lnf'], eps: [0.1] } }), /^evaluate\.attack: unknown attack 'pgd-lnf' \(did you mean pgd-linf\?\)/);
  assert.match(configError({ evaluate: { attack: ['fgsm'] } }), /^evaluate\.eps: list the radii/);
  assert.match(configError({ evaluate: { eps: [0.1] } }), /^evaluate\.attack: list the attacks/);
  assert.match(configError({ evaluate: { attack: ['fgsm'], eps: [0.1, 1.5] } }), /^evaluate\.eps: 1\.5 is out of range; pixels are in \[0, 1\], an L∞ radius ε ≤ 1/);
  assert.ok(ev(config({ evaluate: { attack: ['pgd-l2'], eps: [0, 2] } })).eps.includes(2), 'an L2 radius on an image may pass 1');
  assert.match(configError({ evaluate: { attack: ['fgsm'], eps: [-0.1] } }), /^evaluate\.eps\.0: expected a number ≥ 0/);
  assert.match(configError({ attack: { steps: 5 } }), /^attack: settings of attacks, but evaluate lists no attack/);
  assert.match(configError({ evaluate: { attack: ['fgsm'], eps: [0.1] }, attack: { step: 5 } }), /^attack: Unrecognized key.*step/);
  // A table's features are z-scored: larger radii are allowed there.
  assert.ok(ExperimentSchema.safeParse({ dataset: { name: 'wine-quality' }, trainSize: 10, evaluate: { attack: ['pgd-l2'], eps: [2] } }).success);
});

test('attack subsample: seeded, ascending, without repeats, drawn from the test list', () => {
  const list = Int32Array.from({ length: 50 }, (_, i) => 3 * i + 1);
  const a = attackSubsample(list, 12, 7);
  assert.equal(a.length, 12);
  assert.deepEqual(a, attackSubsample(list, 12, 7));
  assert.notDeepEqual(a, attackSubsample(list, 12, 8));
  assert.ok(a.every((v, k) => list.includes(v) && (k === 0 || v > a[k - 1])));
  assert.equal(attackSubsample(list, 80, 7), list, 'a subsample not smaller than the list is the list');
  assert.equal(attackSubsample(list, undefined, 7), list);
});

test('an attacked point: equal to a run evaluated there alone, to attackBatch on the trained parameters, PGD ≤ FGSM, ε = 0 clean', () => {
  const data = squareImages(200, 4);
  // α = ε and no random start: PGD's first iterate is FGSM's point (METHOD.md), so PGD ≤ FGSM.
  const attack = { steps: 4, stepFactor: 4, randomStart: false, subsample: 50 };
  const eps = [0, 0.15, 0.3];
  const swept = runExperiment(config({ evaluate: { attack: ['fgsm', 'pgd-linf', 'apgd-ce'], eps }, attack }), data, { keepParams: true });
  assert.equal(swept.attack!.testSize, 50);
  const sub = attackSubsample(swept.split.test, 50, 3);
  assert.deepEqual(swept.attack, { ...attack, testSize: 50, sha256: swept.attack!.sha256 });
  const at = (id: string, kind: string, e: number) => swept.methods[id].at[swept.points.findIndex((p) => p.attack === kind && p.eps === e)].value;
  for (const id of ['dwm', 'sgd']) {
    const m = swept.methods[id];
    for (const kind of ['fgsm', 'pgd-linf', 'apgd-ce']) assert.equal(at(id, kind, 0), m.clean, `${id} ${kind}: ε = 0 gives the clean score`);
    for (const e of eps.slice(1)) {
      assert.ok(at(id, 'pgd-linf', e) <= at(id, 'fgsm', e), `${id} ε=${e}: PGD ${at(id, 'pgd-linf', e)} ≤ FGSM ${at(id, 'fgsm', e)}`);
      assert.ok(at(id, 'apgd-ce', e) <= at(id, 'fgsm', e), `${id} ε=${e}: APGD ≤ FGSM`);
      // The independent computation: the subsample's inputs attacked with attackBatch, scored by a second forward pass.
      for (const kind of ['fgsm', 'pgd-linf'] as const) {
        const n = data.nInputs;
        const inputs = new Float32Array(sub.length * n);
        sub.forEach((i, k) => inputs.set(data.x.subarray(i * n, (i + 1) * n), k * n));
        const labels = Array.from(sub, (i) => data.y[i]);
        const { x } = attackBatch(m.final!, inputs, labels, {
          kind, eps: e, loss: 'softmax-ce', clip: [0, 1], seed: 3, steps: 4, stepSize: e, randomStart: false,
        }, sub);
        let right = 0;
        for (let k = 0; k < sub.length; k++) {
          const z = outputs(m.final!, x.subarray(k * n, (k + 1) * n));
          if (z.indexOf(Math.max(...z)) === labels[k]) right++;
        }
        assert.equal(at(id, kind, e), right / sub.length, `${id} ${kind} ε=${e}`);
      }
    }
    assert.ok(at(id, 'pgd-linf', 0.3) < m.clean, `${id}: the attack at ε = 0.3 costs accuracy`);
  }
  // A point equals a run evaluated at that point alone (the subsample and the attack do not depend on the other points).
  const alone = runExperiment(config({ evaluate: { attack: ['pgd-linf'], eps: [0.15] }, attack }), data);
  for (const id of ['dwm', 'sgd']) assert.equal(alone.methods[id].at[0].value, at(id, 'pgd-linf', 0.15));
  // The attacked models are the same as without any attack (evaluation only).
  const plain = runExperiment(config(), data);
  for (const id of ['dwm', 'sgd']) assert.equal(plain.methods[id].clean, swept.methods[id].clean);
  assert.equal(plain.attack, undefined, 'no attack settings in a record without attacked points');
});

test('on a regression set the attack maximises the squared error', () => {
  const rng = new Rng(2, 'reg');
  const size = 150;
  const x = new Float32Array(size * 4);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    for (let f = 0; f < 4; f++) x[i * 4 + f] = rng.normal();
    y[i] = x[i * 4] - 0.5 * x[i * 4 + 1] + 0.1 * rng.normal();
  }
  const raw: RawDataset = { name: 'lin', kind: 'tabular', task: 'regression', size, nInputs: 4, nOutputs: 1, x, y, origin: { kind: 'path', location: '(test)' }, description: 'linear' };
  const r = runExperiment(config({ dataset: { name: 'wine-quality' }, evaluate: { attack: ['fgsm', 'pgd-linf'], eps: [0, 0.5] }, attack: { steps: 3, stepFactor: 3, randomStart: false } }), raw);
  for (const id of ['dwm', 'sgd']) {
    const m = r.methods[id];
    const v = (kind: string) => m.at[r.points.findIndex((p) => p.attack === kind && p.eps === 0.5)].value;
    assert.ok(v('fgsm') > m.clean, `${id}: FGSM raises the MSE (${v('fgsm')} > ${m.clean})`);
    assert.ok(v('pgd-linf') >= v('fgsm'), `${id}: PGD's squared error is at least FGSM's`);
  }
});
