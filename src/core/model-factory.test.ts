// The model factory: which engine a rule runs on, read from the rule registry.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KERNEL_METHOD } from './fast/kernel-methods.js';
import { createModel, ENGINE_NAMES, engineFor } from './model-factory.js';
import { Model } from './model.js';
import { Network } from './network.js';
import { Rng } from './rng.js';
import { METHOD_FORMS, ruleFor, type LearningRule } from './rules/index.js';
import { sgd } from './rules/sgd.js';

function rule(id: string): LearningRule<any> {
  const r = ruleFor(id);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function initial(): Network {
  const net = new Network([6, 5, 3], 'softmax-ce');
  net.initHeNormal(new Rng(1, 'init'));
  return net;
}

test('every registered rule names its fast kernel, with λ from its id', () => {
  // The kernels expected for each id are written out here, from kernels.as's method list.
  const expected: [string, number, number][] = [
    ['sgd', KERNEL_METHOD.sgd, 0],
    ['dwm', KERNEL_METHOD.dwm, 0],
    ['dwm-stable', KERNEL_METHOD.dwmStable, 0],
    ['l2-0.25', KERNEL_METHOD.l2, 0.25],
    ['weight-decay-0.001', KERNEL_METHOD.weightDecay, 0.001],
    ['momentum', KERNEL_METHOD.momentum, 0],
    ['adam', KERNEL_METHOD.adam, 0],
    ['sgd-gated-decay', KERNEL_METHOD.sgdGatedDecay, 0],
  ];
  // The kernel hyperparameters of the stateful rules, at their defaults (kernels.as setParams order).
  const params: Record<string, readonly number[]> = { momentum: [0.9, 0, 0, 0], adam: [0.9, 0.999, 1e-8, 0] };
  assert.equal(expected.length, METHOD_FORMS.length, 'one case per registered rule');
  for (const [id, method, lambda] of expected) {
    assert.deepEqual(rule(id).kernel, params[id] ? { method, lambda, params: params[id] } : { method, lambda }, id);
  }
});

test('a rule with a kernel runs on the engine asked for', () => {
  for (const engine of ENGINE_NAMES) {
    assert.equal(engineFor(sgd, engine), engine);
    assert.equal(createModel('sgd', initial(), sgd, engine).engine, engine);
  }
});

test('a rule without a kernel falls back to the reference engine and says so', () => {
  const { kernel: _dropped, ...plain } = sgd;
  const noKernel: LearningRule<null> = { ...plain, id: 'sgd-without-kernel' };
  for (const engine of ENGINE_NAMES) {
    assert.equal(engineFor(noKernel, engine), 'reference', engine);
    const model = createModel('x', initial(), noKernel, engine);
    assert.equal(model.engine, 'reference');
    assert.ok(model instanceof Model);
  }
});
