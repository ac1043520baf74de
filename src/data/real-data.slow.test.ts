// The real files, through the normal source chain (DWGD_DATA_DIR → …): pool sizes, label
// counts and z-scored columns. Skipped, visibly, where the data are not on the machine.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { FASHION_PACKAGE_DIR } from './fashion-mnist.js';
import { loadDataset } from './index.js';
import { columnStats, normalize } from './prepare.js';
import { PROJECT_ROOT } from './sources.js';
import type { RawDataset } from './types.js';

const SHARED = resolve(PROJECT_ROOT, '..', 'shared', 'datasets');
const haveShared = existsSync(SHARED);
const skipShared = haveShared ? false : `no real data at ${SHARED}`;
if (haveShared) process.env.DWGD_DATA_DIR = SHARED;

function labelCounts(raw: RawDataset): number[] {
  const counts = new Array(raw.nOutputs).fill(0);
  for (let i = 0; i < raw.size; i++) counts[raw.y[i]]++;
  return counts;
}

/** After `normalize: paper`, every feature has mean 0 and sd 1 and the target sd 0.1. */
function assertZScored(raw: RawDataset): void {
  const data = normalize(raw, 'paper', null, 0.1);
  assert.equal(data.normalize, 'paper');
  for (let c = 0; c < data.nInputs; c++) {
    const { mean, sd } = columnStats((i) => data.x[i * data.nInputs + c], data.size, null);
    assert.ok(Math.abs(mean) < 1e-5, `${raw.columns?.[c]}: mean ${mean}`);
    assert.ok(Math.abs(sd - 1) < 1e-5, `${raw.columns?.[c]}: sd ${sd}`);
  }
  const t = columnStats((i) => data.y[i], data.size, null);
  assert.ok(Math.abs(t.mean) < 1e-6 && Math.abs(t.sd - 0.1) < 1e-6, `target mean ${t.mean}, sd ${t.sd}`);
  for (const v of data.x) assert.ok(Number.isFinite(v));
}

test('california-housing: 20,433 rows after dropping, 8 inputs, z-scored', { skip: skipShared }, () => {
  const raw = loadDataset({ name: 'california-housing' });
  assert.equal(raw.origin.kind, 'env');
  assert.equal(raw.size, 20_433);
  assert.equal(raw.nInputs, 8);
  assert.match(raw.description, /207 with a missing value dropped/);
  assertZScored(raw);
});

test('wine-quality: 4,898 white and 1,599 red wines, 11 inputs, z-scored', { skip: skipShared }, () => {
  const white = loadDataset({ name: 'wine-quality' });
  assert.equal(white.size, 4_898);
  assert.equal(white.nInputs, 11);
  // PROVENANCE.md: white quality counts 3:20, 4:163, 5:1457, 6:2198, 7:880, 8:175, 9:5.
  const q = new Map<number, number>();
  for (const v of white.y) q.set(v, (q.get(v) ?? 0) + 1);
  assert.deepEqual([...q.entries()].sort((a, b) => a[0] - b[0]), [[3, 20], [4, 163], [5, 1457], [6, 2198], [7, 880], [8, 175], [9, 5]]);
  assertZScored(white);
  const red = loadDataset({ name: 'wine-quality', variant: 'red' });
  assert.equal(red.size, 1_599);
  assertZScored(red);
});

test('cifar-10: data_batch_1 is 10,000 images with the published label counts', { skip: skipShared }, () => {
  const raw = loadDataset({ name: 'cifar-10' });
  assert.equal(raw.origin.kind, 'env');
  assert.equal(raw.size, 10_000);
  assert.equal(raw.nInputs, 3_072);
  assert.deepEqual(labelCounts(raw), [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]);
  let min = Infinity;
  let max = -Infinity;
  for (const v of raw.x) { if (v < min) min = v; if (v > max) max = v; }
  assert.ok(min >= 0 && max <= 1 && max > 0.99, `pixels in [0, 1]: ${min}…${max}`);
});

test('cifar-10: the first 1,000 test images, as a pool by batch name', { skip: skipShared }, () => {
  const raw = loadDataset({ name: 'cifar-10', pool: 'test_batch_first1000' });
  assert.deepEqual(labelCounts(raw), [103, 89, 100, 103, 90, 86, 112, 102, 106, 109]);
  // PROVENANCE.md: first labels 3, 8, 8, 0, 6 and first red pixels 158, 159, 165 (HWC: stride 3).
  assert.deepEqual(Array.from(raw.y.subarray(0, 5)), [3, 8, 8, 0, 6]);
  assert.deepEqual([0, 3, 6].map((k) => Math.round(raw.x[k] * 255)), [158, 159, 165]);
});

const haveFashion = existsSync(FASHION_PACKAGE_DIR);
test('fashion-mnist: 60,000 training images, 6,000 per class (Debian package)', { skip: haveFashion ? false : `no ${FASHION_PACKAGE_DIR} (apt-get install dataset-fashion-mnist)` }, () => {
  const raw = loadDataset({ name: 'fashion-mnist' });
  assert.equal(raw.size, 60_000);
  assert.equal(raw.nInputs, 784);
  assert.deepEqual(labelCounts(raw), new Array(10).fill(6_000));
});
