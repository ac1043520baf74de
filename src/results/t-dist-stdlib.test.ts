// Temporary, while replacing @stdlib's Student t: t-dist.ts agrees with it to 1e-12 relative over
// a grid of (t, df), in the CDF and both tails, and in the quantile. Removed with the packages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import tCdfLib from '@stdlib/stats-base-dists-t-cdf';
import tQuantileLib from '@stdlib/stats-base-dists-t-quantile';
import { studentTCdf, studentTQuantile } from './t-dist.js';

const DFS = [...Array.from({ length: 40 }, (_, i) => i + 1), 0.5, 1.5, 2.5, 7.3, 49, 50, 99, 100, 199, 499, 999, 1999, 4999, 9999];
const TS = [0, 1e-10, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.8, 1, 1.3, 1.7, 2, 2.5, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100, 300, 1e3, 1e4, 1e5, 1e7];
const PS = [1e-300, 1e-100, 1e-30, 1e-12, 1e-8, 1e-6, 1e-4, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9999, 1 - 1e-8];

function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

test('studentTCdf agrees with @stdlib to 1e-12 relative, both tails', () => {
  let worst = { r: 0, at: '' };
  for (const df of DFS) {
    for (const t of TS) {
      for (const x of [t, -t]) {
        const lib = tCdfLib(x, df);
        if (lib === 0) continue; // beyond double range: stdlib's underflow, ours too below
        if (df === 1 && Math.abs(x) < 1e-5) {
          // stdlib is off here (0.5 at t = ±1e-10, 3e-11 relative); the Cauchy closed form decides.
          assert.ok(rel(studentTCdf(x, df), 0.5 + Math.atan(x) / Math.PI) < 1e-15);
          continue;
        }
        const r = rel(studentTCdf(x, df), lib);
        if (r > worst.r) worst = { r, at: `t=${x} df=${df}: ours ${studentTCdf(x, df)} stdlib ${lib}` };
      }
    }
  }
  console.log('cdf worst', worst);
  assert.ok(worst.r < 1e-12, worst.at);
});

test('studentTQuantile agrees with @stdlib to 1e-12 relative', () => {
  let worst = { r: 0, at: '' };
  for (const df of DFS) {
    for (const p of PS) {
      const lib = tQuantileLib(p, df);
      if (!Number.isFinite(lib)) continue;
      const r = rel(studentTQuantile(p, df), lib);
      if (r > worst.r) worst = { r, at: `p=${p} df=${df}: ours ${studentTQuantile(p, df)} stdlib ${lib}` };
    }
  }
  console.log('quantile worst', worst);
  assert.ok(worst.r < 1e-12, worst.at);
});
