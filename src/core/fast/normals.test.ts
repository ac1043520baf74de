// Rng.normal's draws in WebAssembly (normals.as) against Rng.normal itself, and the module's
// fdlibm ln, sin and cos against V8's Math.log, Math.sin and Math.cos (the functions Rng.normal
// calls): the same bits (Object.is, so −0 against +0 fails) on random arguments, on the
// arguments next to every threshold where fdlibm changes formula, and through both the
// two-lane path the draws use and the one-at-a-time path it leaves rare pairs to. (The places
// that draw through the module: src/data/normal-draws.test.ts.)

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { nextNormals, fillNormals, fillNoisy, fdlibm } from './normals.js';
import { Rng } from '../rng.js';

const bits = new Float64Array(1);
const word = new BigUint64Array(bits.buffer);

/**
 * Doubles in [2^-60, 2) whose high word's mantissa bits are next to fdlibm ln's thresholds
 * (its two final formulas at 0x6147A and 0x6B851, the x or x/2 normalisation at √2, |f| < 2^-20
 * near 1), each with a few low words.
 */
function logEdges(rng: Rng): number[] {
  const out: number[] = [];
  const mantissas: number[] = [];
  for (const m of [0x6147a, 0x6b851, 0x6a09e, 0x95f64, 0xfffff, 0]) for (let d = -3; d <= 3; d++) mantissas.push((m + d) & 0xfffff);
  for (let e = -60; e <= 0; e++) {
    for (const m of mantissas) {
      for (const low of [0, 1, 0xffffffff, rng.nextU32()]) {
        word[0] = (BigInt(((e + 1023) << 20) | m) << 32n) | BigInt(low);
        out.push(bits[0]);
      }
    }
  }
  return out;
}

/** The k doubles either side of x (and x), each ≥ 0 when `nonNegative`. */
function around(x: number, k: number, nonNegative = true): number[] {
  bits[0] = x;
  const b = word[0];
  const out: number[] = [];
  for (let d = -k; d <= k; d++) {
    word[0] = b + BigInt(d);
    if (!nonNegative || bits[0] >= 0) out.push(bits[0]);
  }
  return out;
}

function sameBits(got: number, want: number, what: string): void {
  if (!Object.is(got, want)) assert.fail(`${what}: got ${got}, Math gives ${want}`);
}

test('draws equal rng.normal() for any count, from any state, and leave the same state behind', () => {
  // Counts around the module's two-pairs-at-a-time loop, its one-pair tail and one call's room (8,184 draws).
  for (const count of [1, 2, 3, 4, 5, 6, 7, 8, 9, 8183, 8184, 8185, 16371, 50001]) {
    for (const spare of [false, true]) {
      const a = new Rng(count, 'noise');
      const b = new Rng(count, 'noise');
      if (spare) { a.normal(); b.normal(); } // one normal kept back for the next call
      const want = Float64Array.from({ length: count }, () => a.normal());
      const got = fillNormals(b, new Float64Array(count + 2), 1, count);
      for (let i = 0; i < count; i++) sameBits(got[i + 1], want[i], `draw ${i} of ${count}${spare ? ' after one' : ''}`);
      assert.equal(got[0], 0);
      assert.equal(got[count + 1], 0, 'nothing written past the count');
      assert.deepEqual(b.normalState(), a.normalState(), `state after ${count}`);
      assert.equal(b.normal(), a.normal());
      assert.equal(b.uniform(), a.uniform());
    }
  }
  // nextNormals: the same, through its reused scratch array.
  const a = new Rng(9, 'x');
  const b = new Rng(9, 'x');
  for (const count of [784, 3, 3072, 1]) {
    const want = Float64Array.from({ length: count }, () => a.normal());
    assert.deepEqual(nextNormals(b, count).subarray(0, count), want);
  }
});

test('noisy rows in the module: x + σ·z per value with rng.normal()\'s draws, clamped to [0, 1] for images, rounded once to float32', () => {
  // Inputs with the values the clamp and the float32 rounding decide on: 0, −0, 1, just inside and
  // outside [0, 1], negative and large table values, a NaN; counts around the four-value loop, its
  // tail and one call's room (2,048), with and without a normal kept back.
  const edges = [0, -0, 1, 0.5, -1e-9, 1 + 2 ** -20, -3.25, 7.5, 1e30, -1e-45, Math.fround(0.1), NaN];
  for (const count of [1, 2, 3, 4, 5, 7, 8, 784, 2047, 2048, 2049, 3072, 4100]) {
    for (const image of [true, false]) {
      for (const sigma of [0.3, 0, 2.5]) {
        for (const spare of [false, true]) {
          const g = new Rng(count, 'inputs');
          const src = Float32Array.from({ length: count + 3 }, (_, i) => (i % 5 === 0 ? edges[(i / 5) % edges.length] : g.uniform() * 1.4 - 0.2));
          const a = new Rng(count + 1, 'noise');
          const b = new Rng(count + 1, 'noise');
          if (spare) { a.normal(); b.normal(); }
          // The formula one value at a time, in plain JavaScript, from the same stream.
          const want = new Float32Array(count + 2);
          for (let i = 0; i < count; i++) {
            let v = src[i + 2] + sigma * a.normal();
            if (image) v = v < 0 ? 0 : v > 1 ? 1 : v;
            want[i + 1] = v;
          }
          const got = new Float32Array(count + 2);
          fillNoisy(b, src, 2, got, 1, count, sigma, image);
          for (let i = 0; i < count + 2; i++) {
            if (!Object.is(got[i], want[i])) assert.fail(`count ${count}, image ${image}, σ ${sigma}${spare ? ', after one draw' : ''}: value ${i - 1} is ${got[i]}, the formula gives ${want[i]}`);
          }
          assert.deepEqual(b.normalState(), a.normalState(), `state after ${count}`);
        }
      }
    }
  }
  // Every lane of the four-value loop on −0 (σ = 0 keeps it −0 where the draw is negative, which
  // a clamp by min and max would turn into +0), +0, 1 and NaN.
  for (const value of [-0, 0, 1, NaN]) {
    for (const sigma of [0, 0.3]) {
      const src = new Float32Array(16).fill(value);
      const a = new Rng(7, 'noise');
      const want = Float32Array.from(src, (x) => { const v = x + sigma * a.normal(); return v < 0 ? 0 : v > 1 ? 1 : v; });
      const got = new Float32Array(16);
      fillNoisy(new Rng(7, 'noise'), src, 0, got, 0, 16, sigma, true);
      const show = (v: number) => (Object.is(v, -0) ? '−0' : String(v));
      for (let i = 0; i < 16; i++) if (!Object.is(got[i], want[i])) assert.fail(`all ${show(value)}, σ ${sigma}: value ${i} is ${show(got[i])}, the formula gives ${show(want[i])}`);
    }
  }
});

test('the one-at-a-time ln, sin and cos equal Math.log, Math.sin and Math.cos', () => {
  const r = new Rng(1, 'args');
  for (let k = 0; k < 200_000; k++) {
    const u = r.uniform();
    sameBits(fdlibm.log(u), Math.log(u), `log ${u}`);
    const x = (r.uniform() * 4.5 - 2.25) * Math.PI; // (−9π/4, 9π/4)
    sameBits(fdlibm.sin(x), Math.sin(x), `sin ${x}`);
    sameBits(fdlibm.cos(x), Math.cos(x), `cos ${x}`);
  }
  // Next to every multiple of π/4 (reduction, quadrant, the near-π/2 rounds), both signs.
  for (let m = -8; m <= 8; m++) {
    for (const x of around((m * Math.PI) / 4, 400, false)) {
      if (Math.abs(x) >= 2.25 * Math.PI) continue;
      sameBits(fdlibm.sin(x), Math.sin(x), `sin ${x}`);
      sameBits(fdlibm.cos(x), Math.cos(x), `cos ${x}`);
    }
  }
  for (const t of [0.3, 0.78125, 2 ** -27, 1e-300, 5e-324, 0]) {
    for (const x of around(t, 200, false)) {
      sameBits(fdlibm.sin(x), Math.sin(x), `sin ${x}`);
      sameBits(fdlibm.cos(x), Math.cos(x), `cos ${x}`);
    }
  }
  for (let e = -1074; e <= 3; e++) {
    for (const x of [2 ** e, 2 ** e * Math.SQRT2, 2 ** e * Math.SQRT1_2, 2 ** e * 1.5]) sameBits(fdlibm.log(x), Math.log(x), `log ${x}`);
  }
  for (const x of [...around(1, 300), ...logEdges(r), 0, -0, -1, Infinity, -Infinity, NaN, 2 ** -53]) sameBits(fdlibm.log(x), Math.log(x), `log ${x}`);
  for (let k = 0; k < 20_000; k++) { // |f| < 2^-20, the short formula
    const x = 1 - r.uniform() * 2 ** -21;
    sameBits(fdlibm.log(x), Math.log(x), `log ${x}`);
  }
});

test('the two-lane ln and sin/cos of the draws equal Math, and leave rare pairs to the one-at-a-time functions', () => {
  const r = new Rng(2, 'args');
  let logPairs = 0;
  let logLeft = 0;
  const log2 = (u0: number, u1: number) => {
    const got = fdlibm.log2(u0, u1);
    if (got === null) { logLeft++; return; }
    logPairs++;
    sameBits(got[0], Math.log(u0), `log ${u0} (lane 0)`);
    sameBits(got[1], Math.log(u1), `log ${u1} (lane 1)`);
  };
  let trigPairs = 0;
  let trigLeft = 0;
  const trig2 = (x0: number, x1: number) => {
    const got = fdlibm.sinCos2(x0, x1);
    if (got === null) { trigLeft++; return; }
    trigPairs++;
    sameBits(got[0], Math.sin(x0), `sin ${x0} (lane 0)`);
    sameBits(got[1], Math.sin(x1), `sin ${x1} (lane 1)`);
    sameBits(got[2], Math.cos(x0), `cos ${x0} (lane 0)`);
    sameBits(got[3], Math.cos(x1), `cos ${x1} (lane 1)`);
  };
  const angle = () => 2 * Math.PI * r.uniform();
  for (let k = 0; k < 200_000; k++) {
    log2(r.uniform(), r.uniform());
    trig2(angle(), angle());
  }
  // Both lanes at every threshold: each quadrant and multiple of π/4, the kernels' 0.3, 0.78125
  // and 2^-27 after reduction, the near-n·π/2 rounds; x ≥ 0 as the draws' angles.
  const edges: number[] = [];
  for (let m = 0; m <= 8; m++) edges.push(...around((m * Math.PI) / 4, 300));
  for (let m = 0; m <= 4; m++) {
    for (const t of [0.3, 0.78125, 2 ** -27, 1e-9]) {
      edges.push(...around((m * Math.PI) / 2 + t, 100), ...around((m * Math.PI) / 2 - t, 100));
    }
  }
  edges.push(...around(0.3, 100), ...around(0.78125, 100), ...around(2 ** -27, 100), 0, 5e-324);
  for (const x of edges) { trig2(x, angle()); trig2(angle(), x); }
  for (let k = 0; k < 20_000; k++) log2(1 - r.uniform() * 2 ** -18, r.uniform()); // near 1: both formulas, and |f| < 2^-20
  for (let e = -1074; e <= 1; e++) log2(2 ** e, 2 ** e * Math.SQRT1_2);
  const edgesLog = logEdges(r);
  for (let k = 0; k + 1 < edgesLog.length; k++) log2(edgesLog[k], edgesLog[k + 1]);
  for (const x of [0, -0, 1, -1, Infinity, NaN, 2 ** -53, 0.5]) { log2(x, r.uniform()); log2(r.uniform(), x); }
  // Both paths ran: most pairs on two lanes, and the rare ones left to the scalar functions.
  assert.ok(logPairs > 200_000 && logLeft > 100, `log pairs ${logPairs}, left ${logLeft}`);
  assert.ok(trigPairs > 200_000 && trigLeft > 100, `trig pairs ${trigPairs}, left ${trigLeft}`);
});

test('the embedded module was built from the current normals.as', () => {
  // dist/src/core/fast/normals.test.js → src/core/fast/normals.as
  const sha = createHash('sha256').update(readFileSync(new URL('../../../../src/core/fast/normals.as', import.meta.url))).digest('hex');
  const recorded = readFileSync(new URL('../../../../src/core/fast/normals.as.sha256', import.meta.url), 'utf8').split(' ')[0];
  assert.equal(recorded, sha, 'normals.as changed since the last `npm run build:wasm`');
});
