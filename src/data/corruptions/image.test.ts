// Properties every image corruption must have, on MNIST's shape (28×28×1, MNIST-C's constants)
// and CIFAR-10's (32×32×3, CIFAR-10-C's): outputs in [0, 1]; the same (seed, sample) gives the
// same output, in place or not, whatever other samples were corrupted before; different samples
// get independent draws; the mean perturbation grows with the severity; bad calls are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { corruptionRng, IMAGE_CORRUPTIONS, type ImageShape } from './index.js';
import { pixelateInto } from './digital.js';
import type { Benchmark, ImageCorruption } from './types.js';

const SHAPES: [Benchmark, ImageShape][] = [
  ['mnist-c', { height: 28, width: 28, channels: 1 }],
  ['cifar-10-c', { height: 32, width: 32, channels: 3 }],
];

/**
 * A test image with structure at several scales: a few soft blobs and a bright stroke on a dark
 * background (like a digit), colour channels differing; values in [0, 1], quantised to /255.
 */
function testImage(shape: ImageShape, seed: number): Float64Array {
  const { height: h, width: w, channels: ch } = shape;
  const rng = new Rng(seed, 'test-image');
  const x = new Float64Array(h * w * ch);
  const blobs = Array.from({ length: 4 }, () => ({ r: rng.uniform() * h, c: rng.uniform() * w, s: 1.5 + 3 * rng.uniform(), a: 0.3 + 0.7 * rng.uniform() }));
  const r0 = 4 + Math.floor(rng.uniform() * (h - 8));
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let k = 0; k < ch; k++) {
        let v = 0;
        for (const b of blobs) v += b.a * (1 - 0.25 * k) * Math.exp(-((r - b.r) ** 2 + (c - b.c) ** 2) / (2 * b.s * b.s));
        if (Math.abs(r - r0 - (c - w / 2) * 0.3) < 1.2 && c > 5 && c < w - 5) v = 1;
        x[(r * w + c) * ch + k] = Math.round(Math.min(1, v) * 255) / 255;
      }
    }
  }
  return x;
}

function corrupt(c: ImageCorruption, x: Float64Array, shape: ImageShape, severity: number, benchmark: Benchmark, seed: number, sample: number): Float64Array {
  const out = new Float64Array(x.length);
  c.apply(x, out, shape, severity, corruptionRng(seed, c.id, sample), benchmark);
  return out;
}

const l2 = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

test('every corruption: output in [0, 1], finite, the input left alone, every level and both benchmarks', () => {
  for (const [benchmark, shape] of SHAPES) {
    const x = testImage(shape, 1);
    // An input slightly outside [0, 1] too: the output must still be inside.
    const wild = x.map((v, i) => (i % 7 === 0 ? v * 1.2 - 0.1 : v));
    for (const c of IMAGE_CORRUPTIONS) {
      for (let s = 1; s <= c.levels; s++) {
        for (const input of [x, wild]) {
          const before = Float64Array.from(input);
          const out = corrupt(c, input, shape, s, benchmark, 5, 3);
          assert.deepEqual(input, before, `${c.id}: the input is not changed`);
          for (let i = 0; i < out.length; i++) {
            if (!(out[i] >= 0 && out[i] <= 1)) assert.fail(`${c.id} severity ${s} ${benchmark}: value ${i} is ${out[i]}`);
          }
        }
      }
    }
  }
});

test('determinism: the same (seed, sample) gives the same bits, in place or into another array, in Float32Array too, whatever came before', () => {
  for (const [benchmark, shape] of SHAPES) {
    const x = testImage(shape, 2);
    for (const c of IMAGE_CORRUPTIONS) {
      const s = c.levels;
      const a = corrupt(c, x, shape, s, benchmark, 5, 42);
      // Other samples corrupted in between (as another method or run would) change nothing.
      corrupt(c, testImage(shape, 9), shape, s, benchmark, 5, 41);
      const b = corrupt(c, x, shape, s, benchmark, 5, 42);
      assert.deepEqual(a, b, `${c.id}: same seed and sample`);
      const inPlace = Float64Array.from(x);
      c.apply(inPlace, inPlace, shape, s, corruptionRng(5, c.id, 42), benchmark);
      assert.deepEqual(inPlace, a, `${c.id}: in place`);
      const x32 = Float32Array.from(x);
      const out32 = new Float32Array(x.length);
      c.apply(x32, out32, shape, s, corruptionRng(5, c.id, 42), benchmark);
      const x32as64 = Float64Array.from(x32);
      const want32 = Float32Array.from(corrupt(c, x32as64, shape, s, benchmark, 5, 42));
      assert.deepEqual(out32, want32, `${c.id}: Float32Array input and output`);
    }
  }
});

test('independence: random corruptions differ between samples and seeds, and the noise of two samples is uncorrelated', () => {
  const deterministic = new Set(['gaussian-blur', 'contrast', 'brightness', 'pixelate', 'quantize', 'scale', 'stripe']);
  for (const [benchmark, shape] of SHAPES) {
    const x = testImage(shape, 3);
    for (const c of IMAGE_CORRUPTIONS) {
      const a = corrupt(c, x, shape, c.levels, benchmark, 5, 0);
      const seen = new Set<string>();
      for (let sample = 0; sample < 8; sample++) seen.add(corrupt(c, x, shape, c.levels, benchmark, 5, sample).join(','));
      const otherSeed = corrupt(c, x, shape, c.levels, benchmark, 6, 0);
      if (deterministic.has(c.id)) {
        assert.equal(seen.size, 1, `${c.id} draws nothing: the same for every sample`);
        assert.deepEqual(otherSeed, a);
      } else {
        // Rotation and shear draw only a sign, translation two: a few samples may coincide.
        assert.ok(seen.size >= (['rotate', 'shear', 'translate'].includes(c.id) ? 2 : 8), `${c.id}: ${seen.size} distinct outputs of 8 samples`);
      }
    }
  }
  // The Gaussian noise added to two samples of the same image: correlation near 0.
  const shape = SHAPES[1][1];
  const grey = new Float64Array(32 * 32 * 3).fill(0.5);
  const gauss = IMAGE_CORRUPTIONS.find((c) => c.id === 'gaussian-noise')!;
  const d0 = corrupt(gauss, grey, shape, 5, 'cifar-10-c', 5, 0).map((v) => v - 0.5);
  const d1 = corrupt(gauss, grey, shape, 5, 'cifar-10-c', 5, 1).map((v) => v - 0.5);
  let s01 = 0;
  let s00 = 0;
  let s11 = 0;
  for (let i = 0; i < d0.length; i++) {
    s01 += d0[i] * d1[i];
    s00 += d0[i] * d0[i];
    s11 += d1[i] * d1[i];
  }
  const corr = s01 / Math.sqrt(s00 * s11);
  assert.ok(Math.abs(corr) < 4 / Math.sqrt(d0.length), `correlation ${corr}`);
});

/**
 * Where the published constants themselves are not monotone. MNIST-C's pixelate shrinks 28 pixels
 * to int(28·c) = 16, 14, 11, 8, 7: 14 and 7 divide 28, so Pillow's BOX filter averages whole
 * 2×2 and 4×4 blocks and brings them back exactly, while 16 and 8 mix pixels unevenly; levels 2
 * and 5 then change an image less than levels 1 and 4.
 */
const NOT_MONOTONE: Record<string, number[]> = { 'pixelate mnist-c': [2, 5] };

test('severity: the mean perturbation ‖corrupted − clean‖ over 24 images grows strictly from level 1 to 5, each benchmark (one documented exception)', () => {
  const problems: string[] = [];
  for (const [benchmark, shape] of SHAPES) {
    const images = Array.from({ length: 24 }, (_, i) => testImage(shape, 100 + i));
    for (const c of IMAGE_CORRUPTIONS.filter((k) => k.levels === 5)) {
      const means = [1, 2, 3, 4, 5].map((s) => images.reduce((acc, x, i) => acc + l2(corrupt(c, x, shape, s, benchmark, 5, i), x), 0) / images.length);
      const drops = [2, 3, 4, 5].filter((s) => !(means[s - 1] > means[s - 2]));
      const expected = NOT_MONOTONE[`${c.id} ${benchmark}`] ?? [];
      if (drops.join() !== expected.join() || !(means[0] > 0)) {
        problems.push(`${c.id} (${benchmark}): ${means.map((m) => m.toFixed(3)).join(', ')}; drops at ${drops.join(', ') || 'none'}, expected ${expected.join(', ') || 'none'}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('pixelate on MNIST-C is monotone in the size of the small image: it is the sizes that divide 28 that break the order', () => {
  const shape = SHAPES[0][1];
  const images = Array.from({ length: 24 }, (_, i) => testImage(shape, 100 + i));
  const sizes = [16, 14, 11, 8, 7].map((n) => n / 28);
  const mean = (c: number) =>
    images.reduce((acc, x) => {
      const out = new Float64Array(x.length);
      pixelateInto(x, out, shape, c);
      return acc + l2(out, x);
    }, 0) / images.length;
  // Among the sizes that do not divide 28 (16, 11, 8) and those that do (14, 7), smaller is worse.
  assert.ok(mean(sizes[0]) < mean(sizes[2]) && mean(sizes[2]) < mean(sizes[3]));
  assert.ok(mean(sizes[1]) < mean(sizes[4]));
});

test('common random numbers across severities: impulse noise hits a superset, Gaussian noise scales with σ', () => {
  const shape = SHAPES[0][1];
  const x = new Float64Array(784).fill(0.5);
  const impulse = IMAGE_CORRUPTIONS.find((c) => c.id === 'impulse-noise')!;
  const hit = (s: number) => corrupt(impulse, x, shape, s, 'mnist-c', 5, 7).map((v) => (v !== 0.5 ? 1 : 0));
  for (let s = 2; s <= 5; s++) {
    const lo = hit(s - 1);
    const hi = hit(s);
    for (let i = 0; i < 784; i++) assert.ok(lo[i] <= hi[i], `severity ${s} keeps a pixel severity ${s - 1} hit`);
  }
  const gauss = IMAGE_CORRUPTIONS.find((c) => c.id === 'gaussian-noise')!;
  const n1 = corrupt(gauss, x, shape, 1, 'mnist-c', 5, 7).map((v) => v - 0.5);
  const n2 = corrupt(gauss, x, shape, 2, 'mnist-c', 5, 7).map((v) => v - 0.5);
  for (let i = 0; i < 784; i++) {
    // σ 0.08 → 0.12: the same normal draws scaled by 1.5 where nothing was clipped.
    if (Math.abs(n2[i]) < 0.49) assert.ok(Math.abs(n2[i] - 1.5 * n1[i]) < 1e-12, `pixel ${i}: ${n1[i]} → ${n2[i]}`);
  }
});

test('bad calls are refused: severity 0, 6, 2.5 (and 2 for one-level corruptions), a wrong length, a bad shape', () => {
  const shape = SHAPES[0][1];
  const x = testImage(shape, 4);
  const out = new Float64Array(784);
  for (const c of IMAGE_CORRUPTIONS) {
    for (const s of [0, c.levels + 1, 2.5, Number.NaN]) {
      assert.throws(() => c.apply(x, out, shape, s, corruptionRng(5, c.id, 0)), /severity must be a whole number from 1 to/, `${c.id} severity ${s}`);
    }
    assert.throws(() => c.apply(x, new Float64Array(783), shape, 1, corruptionRng(5, c.id, 0)), /has 784 values/);
    assert.throws(() => c.apply(x, out, { height: 28, width: 28, channels: 0 }, 1, corruptionRng(5, c.id, 0)), /image shape/);
  }
});

test('the list: unique kebab-case ids, five levels or one, a source named, constants for both benchmarks at each level', () => {
  const ids = IMAGE_CORRUPTIONS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of IMAGE_CORRUPTIONS) {
    assert.match(c.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(c.levels === 5 || c.levels === 1, c.id);
    assert.ok(c.source.length > 10, c.id);
    for (const b of ['mnist-c', 'cifar-10-c'] as const) assert.equal(c.constants[b].length, c.levels, `${c.id} ${b}`);
  }
  assert.deepEqual(ids, [
    'gaussian-noise',
    'shot-noise',
    'impulse-noise',
    'speckle-noise',
    'gaussian-blur',
    'motion-blur',
    'contrast',
    'brightness',
    'pixelate',
    'quantize',
    'rotate',
    'shear',
    'scale',
    'translate',
    'random-erasing',
    'stripe',
    'dotted-line',
  ]);
});
