// The time estimate of the progress bars and --dry-run, on made-up costs and clocks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationText, estimateWallSeconds, EtaEstimator } from './eta.js';

test('before any run starts, the estimate is the seeded rate times the work over the workers', () => {
  const eta = new EtaEstimator(1000, 2, 0.01);
  assert.equal(eta.rate(0), 0.01);
  assert.equal(eta.remainingSeconds(0), 5); // 1000 units × 0.01 s / 2 workers
});

test('the rate is learned from running runs (elapsed over the part done) and from finished ones', () => {
  const eta = new EtaEstimator(400, 1, 1);
  eta.start('a', 100, 0);
  assert.equal(eta.remainingSeconds(0), 400); // nothing done yet: the seed, 1 s/unit over 300 + 100 units
  eta.progress('a', 0.5); // 50 units done in 10 s: 0.2 s/unit
  assert.equal(eta.rate(10_000), 0.2);
  assert.equal(eta.remainingSeconds(10_000), (300 + 50) * 0.2);
  eta.done('a', 20); // 100 units in 20 s
  assert.equal(eta.rate(20_000), 0.2);
  eta.start('b', 300, 20_000);
  eta.progress('b', 0.1); // 30 units in 3 s more: (20 + 3) / (100 + 30)
  assert.ok(Math.abs(eta.rate(23_000) - 23 / 130) < 1e-12);
  assert.ok(Math.abs(eta.remainingSeconds(23_000) - 270 * (23 / 130)) < 1e-9);
});

test('a long running run bounds the estimate from below: it does not split over workers', () => {
  const eta = new EtaEstimator(0, 4, 1);
  eta.start('big', 100, 0);
  assert.equal(eta.remainingSeconds(0), 100); // not 100 / 4
  eta.progress('big', 0.75); // 75 units in 75 s
  assert.equal(eta.remainingSeconds(75_000), 25);
});

test('progress never goes back, and events of unknown runs are ignored', () => {
  const eta = new EtaEstimator(0, 1, 1);
  eta.start('a', 10, 0);
  eta.progress('a', 0.6);
  eta.progress('a', 0.2);
  eta.progress('zzz', 0.9);
  eta.done('zzz', 5);
  assert.equal(eta.remainingSeconds(6000), 4);
});

test('the dry-run wall time: the most loaded worker, costliest runs first', () => {
  assert.equal(estimateWallSeconds([], 2, 1), 0);
  assert.equal(estimateWallSeconds([4, 3, 3, 2], 2, 1), 6); // {4,2} and {3,3}
  assert.equal(estimateWallSeconds([4, 3, 3, 2], 1, 0.5), 6);
  assert.equal(estimateWallSeconds([5, 1], 8, 1), 5); // more workers than runs
});

test('durations read in seconds, minutes, or hours and minutes', () => {
  assert.equal(durationText(0), '0 s');
  assert.equal(durationText(40.4), '40 s');
  assert.equal(durationText(24 * 60 + 10), '24 min');
  assert.equal(durationText(2 * 3600 + 5 * 60), '2 h 05 min');
});
