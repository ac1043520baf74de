import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from './rng.js';

test('same seed and stream give the same sequence; another seed or stream another one', () => {
  const draw = (seed: number, s: string) => { const r = new Rng(seed, s); return Array.from({ length: 8 }, () => r.nextU32()); };
  assert.deepEqual(draw(5, 'init'), draw(5, 'init'));
  assert.notDeepEqual(draw(5, 'init'), draw(6, 'init'));
  assert.notDeepEqual(draw(5, 'init'), draw(5, 'order'));
});

test('streams are independent: drawing from one does not shift another', () => {
  const a = new Rng(9, 'noise');
  const expected = Array.from({ length: 5 }, () => a.uniform());
  const order = new Rng(9, 'order');
  for (let i = 0; i < 1000; i++) order.int(10);
  const b = new Rng(9, 'noise');
  assert.deepEqual(Array.from({ length: 5 }, () => b.uniform()), expected);
});

test('int(n) is uniform and normal() has mean 0 and variance 1 (within sampling error)', () => {
  const r = new Rng(1, 'test');
  const counts = new Array(7).fill(0);
  const N = 70000;
  for (let i = 0; i < N; i++) counts[r.int(7)]++;
  // Each count is Binomial(N, 1/7): sd ≈ 92; allow 5 sd.
  for (const c of counts) assert.ok(Math.abs(c - N / 7) < 5 * Math.sqrt(N * (1 / 7) * (6 / 7)), `count ${c}`);
  let s = 0, ss = 0;
  for (let i = 0; i < N; i++) { const z = r.normal(); s += z; ss += z * z; }
  assert.ok(Math.abs(s / N) < 5 / Math.sqrt(N));
  assert.ok(Math.abs(ss / N - 1) < 5 * Math.sqrt(2 / N));
});
