// The generator against independent computations. The pinned numbers below were computed by a
// separate Python implementation written from the published algorithms (xoshiro128** of
// Blackman & Vigna, splitmix32, FNV-1a) and the seeding rule in rng.ts's header; the BigInt
// implementation in this file is a second, arbitrary-precision one, compared over many draws.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from './rng.js';

const M = 0xffffffffn;

/** xoshiro128** seeded by splitmix32 from (seed, stream), in BigInt arithmetic masked to 32 bits. */
function* bigintReference(seed: number, stream: string): Generator<number> {
  let h = 0x811c9dc5n;
  for (const ch of stream) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x01000193n) & M;
  const s64 = BigInt(seed);
  const lo = ((s64 % 2n ** 32n) + 2n ** 32n) % 2n ** 32n;
  let hi = s64 >= 0n ? s64 / 2n ** 32n : -((-s64 + 2n ** 32n - 1n) / 2n ** 32n); // floor division
  hi = ((hi % 2n ** 32n) + 2n ** 32n) % 2n ** 32n;
  let st = lo ^ ((hi * 0x27d4eb2dn) & M) ^ h;
  const splitmix = (): bigint => {
    st = (st + 0x9e3779b9n) & M;
    let z = st;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return (z ^ (z >> 16n)) & M;
  };
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  for (;;) {
    const result = (rotl((s[1] * 5n) & M, 7n) * 9n) & M;
    const t = (s[1] << 9n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    yield Number(result);
  }
}

const draw = (r: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(r));

test('nextU32: the first outputs of several (seed, stream) pairs, computed independently', () => {
  const cases: [number, string, number[]][] = [
    [5, 'init', [976339542, 970730908, 1730906694, 3514299470, 3498799596, 4154980848]],
    [0, 'order', [3262570967, 1129273999, 664962087, 3109668322, 371303854, 1170475802]],
    // A negative seed and one above 2^32 exercise both halves of the seed.
    [-3, 'noise', [4034812470, 423597924, 2519875471, 567800793, 2275248296, 3759197944]],
    [2 ** 40 + 7, 'split', [1853905195, 3257586994, 2478044524, 972996143, 2346540083, 2632397386]],
  ];
  for (const [seed, stream, expected] of cases) {
    assert.deepEqual(draw(new Rng(seed, stream), 6, (r) => r.nextU32()), expected, `seed ${seed} stream ${stream}`);
  }
});

test('nextU32 equals a BigInt implementation over 10,000 draws', () => {
  for (const [seed, stream] of [[5, 'init'], [-123456789, 'labels'], [2 ** 52 + 1, 'order']] as const) {
    const ref = bigintReference(seed, stream);
    const r = new Rng(seed, stream);
    for (let i = 0; i < 10000; i++) {
      const want = ref.next().value;
      const got = r.nextU32();
      if (got !== want) assert.fail(`seed ${seed} stream ${stream}, draw ${i}: ${got} vs ${want}`);
    }
  }
});

test('uniform, int and normal: first values computed independently', () => {
  // uniform = ((u32 >>> 5)·2^26 + (u32 >>> 6)) / 2^53, exact in double arithmetic.
  assert.deepEqual(draw(new Rng(9, 'noise'), 3, (r) => r.uniform()), [0.13308798339583572, 0.014242273871060807, 0.3880242787805446]);
  // int(10) by rejection below 2^32 − (2^32 mod 10), then mod 10.
  assert.deepEqual(draw(new Rng(1, 'labels'), 10, (r) => r.int(10)), [7, 6, 7, 9, 2, 9, 3, 7, 0, 7]);
  // Box–Muller on two uniforms (cos first, then the cached sin); libm may differ in the last bit.
  const [z0, z1] = draw(new Rng(2, 'normal'), 2, (r) => r.normal());
  assert.ok(Math.abs(z0 - -0.38425600151829264) < 1e-15, `${z0}`);
  assert.ok(Math.abs(z1 - 1.0797116419113582) < 1e-15, `${z1}`);
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
  let s = 0;
  let ss = 0;
  for (let i = 0; i < N; i++) {
    const z = r.normal();
    s += z;
    ss += z * z;
  }
  assert.ok(Math.abs(s / N) < 5 / Math.sqrt(N));
  assert.ok(Math.abs(ss / N - 1) < 5 * Math.sqrt(2 / N));
});
