// Divergence and collapse on hand-built models whose answers are known without running them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../data/types.js';
import { collapse, divergence, MAX_WEIGHT, maxAbsParam, spreadSample } from './health.js';

const f64 = (xs: number[]) => Float64Array.from(xs);

// A 2-input, 2-class table: class = whichever input is larger.
function table(task: 'classification' | 'regression'): Dataset {
  const rows = [[1, 0], [0, 1], [0.9, 0.1], [0.2, 0.8]];
  return {
    name: 't', kind: 'tabular', task, size: rows.length, nInputs: 2, nOutputs: task === 'classification' ? 2 : 1,
    x: Float32Array.from(rows.flat()), y: Float32Array.from(task === 'classification' ? [0, 1, 0, 1] : [1, -1, 0.8, -0.6]),
    origin: { kind: 'path', location: '-' }, description: '', normalize: 'none',
  };
}
const all = Int32Array.from([0, 1, 2, 3]);

test('maxAbsParam finds the largest magnitude in W, b, W1 and W2, and NaN beats any number', () => {
  assert.equal(maxAbsParam([{ W: f64([1, -3]), b: f64([2]), W1: f64([0.5]), W2: f64([-7]) }]), 7);
  assert.ok(Number.isNaN(maxAbsParam([{ W: f64([1, NaN, 5]), b: f64([0]) }])));
});

test('divergence: non-finite loss or metric, or a weight past MAX_WEIGHT; healthy otherwise', () => {
  const ok = [{ W: f64([1, 2]), b: f64([0]) }];
  assert.equal(divergence(0.5, 0.9, ok), null);
  assert.match(divergence(NaN, 0.9, ok)!, /training loss NaN/);
  assert.match(divergence(0.5, Infinity, ok)!, /test metric Infinity/);
  assert.match(divergence(0.5, 0.9, [{ W: f64([2 * MAX_WEIGHT]), b: f64([0]) }])!, /a weight reached 2\.00e\+6/);
  assert.equal(divergence(0.5, 0.9, [{ W: f64([MAX_WEIGHT]), b: f64([0]) }]), null, 'the bound itself is allowed');
  assert.equal(divergence(0.5, 0.9, [{ W: f64([1, NaN]), b: f64([0]) }]), 'a weight is NaN');
});

test('collapse: a classifier that answers class 1 for every input is collapsed; one that separates the classes is not', () => {
  const data = table('classification');
  // Output z = W x + b with W = 0 and b favouring class 1: every input → class 1.
  const constant = [{ W: f64([0, 0, 0, 0]), b: f64([0, 1]) }];
  assert.match(collapse(constant, [2, 2], data, all)!, /predicts class 1 for 100\.0 % of 4 test inputs/);
  // W = identity: class = larger input, two classes answered.
  const identity = [{ W: f64([1, 0, 0, 1]), b: f64([0, 0]) }];
  assert.equal(collapse(identity, [2, 2], data, all), null);
});

test('collapse: a regression model with a constant output is collapsed; a varying one is not', () => {
  const data = table('regression');
  assert.match(collapse([{ W: f64([0, 0]), b: f64([0.3]) }], [2, 1], data, all)!, /constant output/);
  assert.equal(collapse([{ W: f64([1, -1]), b: f64([0]) }], [2, 1], data, all), null);
});

test('spreadSample takes evenly spaced test indices, all of them when there are few', () => {
  assert.deepEqual(Array.from(spreadSample(Int32Array.from([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]), 5)), [5, 7, 9, 11, 13]);
  assert.deepEqual(Array.from(spreadSample(all, 10)), [0, 1, 2, 3]);
});
