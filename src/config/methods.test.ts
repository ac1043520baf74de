// Methods in configs: string ids and object entries resolved by methodSpecs, their errors, and
// the run identity (string entries keep the ids they had before object entries existed).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { runId } from './identity.js';
import { readConfigFile, validateExperiment } from './load.js';
import { methodIds, methodSpecs } from './methods.js';

/** The project root (this file runs from dist/src/config/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const BASE = { dataset: { name: 'mnist' }, trainSize: 40, lr: 0.002 };

function config(methods: unknown[]) {
  return validateExperiment({ ...BASE, methods }, 'test.yaml');
}

function loadError(methods: unknown[]): string {
  try {
    config(methods);
  } catch (e) {
    assert.ok(e instanceof UserError, `a UserError (exit code 2), got ${e}`);
    return (e as Error).message;
  }
  assert.fail('accepted');
}

test('string configs keep the run ids they had on main (9b8dbd9), data identity left out', () => {
  // Computed with main's code at 9b8dbd9 (runId(config, null)) before object entries existed.
  const expected: Record<string, string> = {
    'configs/quickstart.yaml': 's5-9c50566001',
    'configs/paper/mnist-2layer.yaml': 's5-59dc9cd5be',
    'configs/paper/wine-quality-3layer.yaml': 's5-ae4bc2e503',
  };
  for (const [file, id] of Object.entries(expected)) {
    assert.equal(runId(validateExperiment(readConfigFile(join(ROOT, file)), file), null), id, file);
  }
});

test('methodSpecs: a string id gives its rule, its λ, the config lr and no training options', () => {
  const c = config(['dwm', 'l2-0.01', 'adam', 'weight-decay-0.5']);
  assert.deepEqual(methodSpecs(c), [
    { id: 'dwm', rule: 'dwm', lr: 0.002, params: {}, train: { dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } },
    { id: 'l2-0.01', rule: 'l2', lr: 0.002, params: { lambda: 0.01 }, train: { dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } },
    { id: 'adam', rule: 'adam', lr: 0.002, params: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, train: { dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } },
    { id: 'weight-decay-0.5', rule: 'weight-decay', lr: 0.002, params: { lambda: 0.5 }, train: { dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } },
  ]);
});

test('methodSpecs: an object entry takes its own lr, params over the defaults and its training options', () => {
  const c = config(['dwm', { name: 'adam-3e-3', rule: 'adam', lr: 0.003, params: { beta1: 0.8 }, train: { dropout: 0.2 } }, { name: 'mom', rule: 'momentum' }]);
  assert.deepEqual(methodIds(c), ['dwm', 'adam-3e-3', 'mom']);
  const [, a, m] = methodSpecs(c);
  assert.deepEqual(a, { id: 'adam-3e-3', rule: 'adam', lr: 0.003, params: { beta1: 0.8, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, train: { dropout: 0.2, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } });
  assert.deepEqual(m, { id: 'mom', rule: 'momentum', lr: 0.002, params: { beta: 0.9, nesterov: 0 }, train: { dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 } });
});

test('object entries: bounds and names are refused in one line naming the entry and key', () => {
  assert.match(loadError(['dwm', 'sgd', { name: 'a', rule: 'adam', params: { beta1: 1.2 } }]), /methods\[2\]\.params\.beta1: 1\.2 is above 1$/);
  assert.match(loadError([{ name: 'a', rule: 'adam', params: { eps: 0 } }]), /methods\[0\]\.params\.eps: 0 must be above 0$/);
  assert.match(loadError([{ name: 'm', rule: 'momentum', params: { nesterov: 2 } }]), /methods\[0\]\.params\.nesterov: 2 is not 0 or 1$/);
  assert.match(loadError([{ name: 'm', rule: 'momentum', params: { beta1: 0.9 } }]), /methods\[0\]\.params\.beta1: not a parameter of momentum \(it has beta, nesterov\)$/);
  assert.match(loadError([{ name: 'x', rule: 'nadam' }]), /methods\[0\]\.rule: not a rule/);
  assert.match(loadError([{ name: 'a/b', rule: 'sgd' }]), /methods\[0\]\.name:/);
  assert.match(loadError([{ name: 'w', rule: 'l2', params: { lambda: -0.1 } }]), /methods\[0\]\.params\.lambda: -0\.1 is below 0$/);
  assert.match(loadError(['sgd', { name: 'sgd-2', rule: 'adam' }, { name: 'sgd-2', rule: 'momentum' }]), /methods\[2\]: methods must not repeat \('sgd-2' is also methods\[1\]\)/);
  // An object may not take a string method's id: reports would read it as that method.
  assert.match(loadError([{ name: 'l2-0.01', rule: 'l2', params: { lambda: 0.01 }, lr: 0.01 }]), /methods\[0\]\.name: 'l2-0\.01' is the id of a method of its own/);
  assert.match(loadError([{ name: 'd', rule: 'sgd', train: { dropout: 1 } }]), /methods\[0\]\.train\.dropout:/);
  assert.match(loadError([{ name: 'd', rule: 'sgd', colour: 'red' }]), /methods\[0\]\.colour: unknown key/);
  assert.match(loadError(['adamw']), /methods\[0\]: unknown method 'adamw'/);
});

test('run identity: an object entry counts as its resolved spec', () => {
  const id = (methods: unknown[], extra: Record<string, unknown> = {}) => runId(validateExperiment({ ...BASE, ...extra, methods }, 't.yaml'), null);
  const adam = { name: 'a', rule: 'adam' };
  // Defaults written out or left out: the same spec, the same run.
  assert.equal(id([adam]), id([{ ...adam, params: { beta1: 0.9, eps: 1e-8 }, lr: 0.002 }]));
  assert.equal(id([adam]), id([{ ...adam, train: { dropout: 0 } }]));
  // Anything that changes the numbers changes the id.
  for (const other of [{ ...adam, params: { beta2: 0.99 } }, { ...adam, lr: 0.003 }, { ...adam, train: { maxNorm: 3 } }, { ...adam, name: 'b' }, { name: 'a', rule: 'momentum' }]) {
    assert.notEqual(id([adam]), id([other]), JSON.stringify(other));
  }
  // The top-level lr reaches an entry without its own lr, not one with it.
  assert.notEqual(id([adam]), id([adam], { lr: 0.001 }));
  assert.equal(id([{ ...adam, lr: 0.01 }], { lr: 0.002 }), id([{ ...adam, lr: 0.01 }], { lr: 0.002 }));
});
