// Hand-worked cases of each corruption's operation, and the identities at zero strength.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.js';
import { gaussianBlur, gaussianBlurInto, gaussianKernel, motionBlur, motionBlurInto } from './blur.js';
import { boxResizeWeights, brightnessInto, contrastInto, pixelate, pixelateInto, quantizeInto, roundHalfEven } from './digital.js';
import { aboutCentre, rotationMatrix, shearMatrix, translate, warpAffineInto } from './geometric.js';
import { corruptionRng } from './index.js';
import { addGaussianNoise, addImpulseNoise, addShotNoise, addSpeckleNoise } from './noise.js';
import { dottedLine, erasingRectangle, lineIntensity, randomErasing, stripe } from './occlusion.js';
import type { ImageShape } from './types.js';

const grey = (height: number, width: number): ImageShape => ({ height, width, channels: 1 });
const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}: [${i}] ${a[i]} vs ${b[i]}`);
};

test('noise at zero strength is the identity: σ = 0 (Gaussian, speckle), amount 0 (impulse); shot noise of 0 and 1 stays 0 and near 1', () => {
  const x = Float64Array.from({ length: 50 }, (_, i) => i / 49);
  const out = new Float64Array(50);
  addGaussianNoise(x, out, 0, new Rng(1, 'a'));
  assert.deepEqual(out, x);
  addSpeckleNoise(x, out, 0, new Rng(1, 'a'));
  assert.deepEqual(out, x);
  addImpulseNoise(x, out, 0, new Rng(1, 'a'));
  assert.deepEqual(out, x);
  // Speckle leaves black black whatever σ; shot noise of a black pixel is Poisson(0) = 0.
  const black = new Float64Array(10);
  addSpeckleNoise(black, out.subarray(0, 10), 5, new Rng(1, 'b'));
  assert.deepEqual(out.subarray(0, 10), black);
  addShotNoise(black, out.subarray(0, 10), 3, new Rng(1, 'b'));
  assert.deepEqual(out.subarray(0, 10), black);
  // Impulse noise at amount 1: every value 0 or 1, about half each.
  const all = new Float64Array(4000).fill(0.5);
  const o = new Float64Array(4000);
  addImpulseNoise(all, o, 1, new Rng(2, 'c'));
  const ones = o.filter((v) => v === 1).length;
  assert.equal(o.filter((v) => v === 0).length + ones, 4000);
  assert.ok(Math.abs(ones - 2000) < 4 * Math.sqrt(1000), `${ones} salt of 4000`);
});

test('shot noise of a mid-grey pixel: mean v and variance v/c (Poisson(v·c)/c), c = 60', () => {
  const n = 20000;
  const x = new Float64Array(n).fill(0.4);
  const out = new Float64Array(n);
  addShotNoise(x, out, 60, new Rng(3, 'shot'));
  const mean = out.reduce((a, b) => a + b, 0) / n;
  const variance = out.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean - 0.4) < 5 * Math.sqrt(0.4 / 60 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 0.4 / 60) < 0.05 * (0.4 / 60), `variance ${variance}`);
});

test('Gaussian kernel: σ = 1 has radius 4 and weights e^(−k²/2)/Σ; σ below 1/8 is the single weight 1 (identity)', () => {
  const k = gaussianKernel(1);
  assert.equal(k.length, 9);
  let sum = 0;
  for (let j = -4; j <= 4; j++) sum += Math.exp(-(j * j) / 2);
  for (let j = -4; j <= 4; j++) assert.ok(Math.abs(k[j + 4] - Math.exp(-(j * j) / 2) / sum) < 1e-15);
  assert.deepEqual([...gaussianKernel(0.1)], [1]);
  assert.equal(gaussianKernel(0.125).length, 3); // floor(4·0.125 + 0.5) = 1
  const x = Float64Array.from({ length: 20 }, (_, i) => (i * 7) % 11 / 10);
  const out = new Float64Array(20);
  gaussianBlurInto(x, out, grey(4, 5), 0.1);
  assert.deepEqual(out, x);
});

test('blur of a constant image is that constant (Gaussian, motion at every severity, pixelate), colour too', () => {
  const shape: ImageShape = { height: 32, width: 32, channels: 3 };
  const x = new Float64Array(32 * 32 * 3);
  for (let i = 0; i < x.length; i++) x[i] = [0.2, 0.55, 0.9][i % 3];
  const out = new Float64Array(x.length);
  for (let s = 1; s <= 5; s++) {
    for (const c of [gaussianBlur, motionBlur, pixelate]) {
      c.apply(x, out, shape, s, corruptionRng(5, c.id, s));
      near(out, x, 1e-14, `${c.id} severity ${s}`);
    }
  }
});

test('Gaussian blur of one bright pixel is the outer product of the kernel (separable), edges repeated', () => {
  const shape = grey(9, 9);
  const x = new Float64Array(81);
  x[4 * 9 + 4] = 1;
  const out = new Float64Array(81);
  gaussianBlurInto(x, out, shape, 0.6);
  const k = gaussianKernel(0.6); // radius 2
  for (let r = 0; r < 9; r++) {
    for (let c = 0; c < 9; c++) {
      const kr = Math.abs(r - 4) <= 2 ? k[r - 4 + 2] : 0;
      const kc = Math.abs(c - 4) <= 2 ? k[c - 4 + 2] : 0;
      assert.ok(Math.abs(out[r * 9 + c] - kr * kc) < 1e-15, `(${r}, ${c})`);
    }
  }
  // A bright top row: repeated outward, so the row just below gets 1·(k0 + k1 + k2 over the edge).
  const top = new Float64Array(81);
  for (let c = 0; c < 9; c++) top[c] = 1;
  gaussianBlurInto(top, out, shape, 0.6);
  assert.ok(Math.abs(out[4] - (k[0] + k[1] + k[2])) < 1e-15);
  assert.ok(Math.abs(out[9 + 4] - (k[0] + k[1])) < 1e-15);
});

test('motion blur by hand: radius 1 (3 taps), σ 1, angle 0: a bright pixel smears to the two pixels before it, weights 1 : e^−½ : e^−2', () => {
  const shape = grey(5, 9);
  const x = new Float64Array(45);
  x[2 * 9 + 5] = 1;
  const out = new Float64Array(45);
  motionBlurInto(x, out, shape, 1, 1, 0);
  const z = 1 + Math.exp(-0.5) + Math.exp(-2);
  const want = new Float64Array(45);
  want[2 * 9 + 5] = 1 / z;
  want[2 * 9 + 4] = Math.exp(-0.5) / z;
  want[2 * 9 + 3] = Math.exp(-2) / z;
  near(out, want, 1e-15, 'angle 0');
  // Angle 90°: the smear goes up the column instead (offsets down the rows).
  motionBlurInto(x, out, shape, 1, 1, 90);
  const up = new Float64Array(45);
  up[2 * 9 + 5] = 1 / z;
  up[1 * 9 + 5] = Math.exp(-0.5) / z;
  up[0 * 9 + 5] = Math.exp(-2) / z;
  near(out, up, 1e-15, 'angle 90');
  // σ tiny: all weight on the pixel itself, the identity.
  const img = Float64Array.from({ length: 45 }, (_, i) => (i % 10) / 9);
  motionBlurInto(img, out, shape, 6, 1e-3, 33);
  assert.deepEqual(out, img);
});

test('contrast by hand: [0, 0.2, 0.4, 0.6] about its mean 0.3, c = 0.5 → [0.15, 0.25, 0.35, 0.45]; c = 1 is the identity; colour per channel', () => {
  const out = new Float64Array(4);
  contrastInto(Float64Array.of(0, 0.2, 0.4, 0.6), out, grey(2, 2), 0.5);
  near(out, [0.15, 0.25, 0.35, 0.45], 1e-15, 'grey');
  const x = Float64Array.of(0.1, 0.9, 0.3, 0.7);
  contrastInto(x, out, grey(2, 2), 1);
  near(out, x, 1e-15, 'c = 1');
  // Two colour pixels: each channel about its own mean (R 0.5, G 0.2, B 0.6).
  const o6 = new Float64Array(6);
  contrastInto(Float64Array.of(0.4, 0, 1, 0.6, 0.4, 0.2), o6, { height: 1, width: 2, channels: 3 }, 0.5);
  near(o6, [0.45, 0.1, 0.8, 0.55, 0.3, 0.4], 1e-15, 'colour');
});

test('brightness by hand: grey v → min(v + c, 1); colour scales by min(V + c, 1)/V; black becomes grey c; c = 0 is the identity', () => {
  const out = new Float64Array(3);
  brightnessInto(Float64Array.of(0.2, 0.7, 1), out, grey(1, 3), 0.5);
  near(out, [0.7, 1, 1], 1e-15, 'grey');
  brightnessInto(Float64Array.of(0.2, 0.4, 0.1), out, { height: 1, width: 1, channels: 3 }, 0.1);
  near(out, [0.25, 0.5, 0.125], 1e-15, 'colour');
  brightnessInto(Float64Array.of(0, 0, 0), out, { height: 1, width: 1, channels: 3 }, 0.3);
  near(out, [0.3, 0.3, 0.3], 1e-15, 'black');
  const x = Float64Array.of(0.3, 0.6, 0.9);
  brightnessInto(x, out, { height: 1, width: 1, channels: 3 }, 0);
  near(out, x, 1e-15, 'c = 0');
});

test('pixelate by hand: 4×4 to 2×2 averages the 2×2 blocks, back to 4×4 repeats them; c = 1 is the identity', () => {
  const x = Float64Array.from({ length: 16 }, (_, i) => i / 15);
  const out = new Float64Array(16);
  pixelateInto(x, out, grey(4, 4), 0.5);
  const block = (r: number, c: number) => (x[r * 8 + c * 2] + x[r * 8 + c * 2 + 1] + x[r * 8 + c * 2 + 4] + x[r * 8 + c * 2 + 5]) / 4;
  const want = Array.from({ length: 16 }, (_, i) => block(Math.floor(i / 8), Math.floor((i % 4) / 2)));
  near(out, want, 1e-15, '4 → 2 → 4');
  pixelateInto(x, out, grey(4, 4), 1);
  near(out, x, 1e-15, 'c = 1');
  // Pillow's BOX weights from 28 to 16: scale 1.75, output j centred at (j + ½)·1.75, averaging
  // the inputs whose centres i + ½ lie in (centre − 0.875, centre + 0.875]: output 0 → inputs
  // 0, 1 (centre 0.875: 0.5 and 1.5 ≤ 1.75); output 1 → 2, 3 (centre 2.625: 2.5, 3.5 ≤ 3.5);
  // output 2 → 4 alone (centre 4.375: 4.5; 5.5 > 5.25); output 3 → 5, 6 (centre 6.125).
  const w = boxResizeWeights(28, 16);
  assert.deepEqual(
    w.slice(0, 4).map((e) => [e.first, ...e.weights]),
    [
      [0, 0.5, 0.5],
      [2, 0.5, 0.5],
      [4, 1],
      [5, 0.5, 0.5],
    ],
  );
});

test('quantize by hand: 1 bit rounds to 0 or 1 (0.5 → 0, half to even), 2 bits to thirds (0.5 → 2/3: 1.5 → 2)', () => {
  const out = new Float64Array(4);
  quantizeInto(Float64Array.of(0.2, 0.5, 0.6, 1), out, 1);
  assert.deepEqual([...out], [0, 0, 1, 1]);
  quantizeInto(Float64Array.of(0.1, 0.5, 0.7, 0.95), out, 2);
  near(out, [0, 2 / 3, 2 / 3, 1], 1e-15, '2 bits');
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
  // 8 bits leave values of the form k/255 unchanged.
  const x = Float64Array.from({ length: 256 }, (_, k) => k / 255);
  const o = new Float64Array(256);
  quantizeInto(x, o, 8);
  near(o, x, 1e-15, '8 bits');
});

test('rotation by 90° by hand: 3×3 [[1,2,3],[4,5,6],[7,8,9]] → [[3,6,9],[2,5,8],[1,4,7]]; 4×4 about (1.5, 1.5); 0° and 360° the identity', () => {
  const x = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9).map((v) => v / 10);
  const out = new Float64Array(9);
  warpAffineInto(x, out, grey(3, 3), rotationMatrix(grey(3, 3), Math.PI / 2));
  near(out, [3, 6, 9, 2, 5, 8, 1, 4, 7].map((v) => v / 10), 1e-12, '3×3');
  const y = Float64Array.from({ length: 16 }, (_, i) => i / 15);
  const o16 = new Float64Array(16);
  warpAffineInto(y, o16, grey(4, 4), rotationMatrix(grey(4, 4), Math.PI / 2));
  // out(r, c) = in(row c, column 3 − r)
  near(o16, Array.from({ length: 16 }, (_, i) => y[(i % 4) * 4 + (3 - Math.floor(i / 4))]), 1e-12, '4×4');
  warpAffineInto(y, o16, grey(4, 4), rotationMatrix(grey(4, 4), 0));
  assert.deepEqual(o16, y);
  warpAffineInto(y, o16, grey(4, 4), rotationMatrix(grey(4, 4), 2 * Math.PI));
  near(o16, y, 1e-12, '360°');
});

test('affine by hand: shear 0 and scale 1 are the identity; translation by (1, −2) shifts content left 1 and down 2 with black coming in; half-pixel shift averages', () => {
  const shape = grey(4, 5);
  const x = Float64Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
  const out = new Float64Array(20);
  warpAffineInto(x, out, shape, shearMatrix(shape, 0));
  assert.deepEqual(out, x);
  warpAffineInto(x, out, shape, aboutCentre(shape, 1, 0, 0, 1));
  assert.deepEqual(out, x);
  warpAffineInto(x, out, shape, [1, 0, 1, 0, 1, -2]);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 5; c++) {
      const want = r - 2 >= 0 && c + 1 < 5 ? x[(r - 2) * 5 + c + 1] : 0;
      assert.equal(out[r * 5 + c], want, `(${r}, ${c})`);
    }
  }
  warpAffineInto(x, out, shape, [1, 0, 0.5, 0, 1, 0]);
  assert.ok(Math.abs(out[0] - (x[0] + x[1]) / 2) < 1e-15);
  assert.ok(Math.abs(out[4] - x[4] / 2) < 1e-15, 'half of the last column and half of the black beyond');
  // The translate corruption moves by ±c along each axis: level 2 on a 28×28 image, the content moves 2 pixels per axis.
  const img = new Float64Array(784);
  img[14 * 28 + 14] = 1;
  const o = new Float64Array(784);
  translate.apply(img, o, grey(28, 28), 2, corruptionRng(5, 'translate', 0));
  const at = o.indexOf(1);
  assert.equal(o.filter((v) => v !== 0).length, 1);
  assert.equal(Math.abs(Math.floor(at / 28) - 14), 2);
  assert.equal(Math.abs((at % 28) - 14), 2);
});

test('stripe by hand: a 1×8 row, bands of 2 on each side inverted; colour channels alike', () => {
  const x = Float64Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1);
  const out = new Float64Array(8);
  stripe.apply(x, out, grey(1, 8), 1, new Rng(1, 's'));
  near(out, [1, 0.9, 0.2, 0.3, 0.4, 0.5, 0.4, 0], 1e-15, 'grey');
  // MNIST-C: columns 0–6 and 21–27 of 28.
  const o28 = new Float64Array(28);
  stripe.apply(new Float64Array(28), o28, grey(1, 28), 1, new Rng(1, 's'));
  assert.deepEqual([...o28].map((v, c) => (v === 1 ? c : -1)).filter((c) => c >= 0), [0, 1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25, 26, 27]);
});

test('dotted line by hand: the line profile log(1 − d/2.3) + 1 (1 on the line, 0.4295 one row off, 0 two rows off), last column 0, every other column pair', () => {
  const shape = grey(28, 28);
  assert.equal(lineIntensity(shape, 5, 5, 5, 10), 1);
  assert.ok(Math.abs(lineIntensity(shape, 5, 5, 4, 10) - (Math.log(1 - 1 / 2.3) + 1)) < 1e-15);
  assert.ok(Math.abs(lineIntensity(shape, 5, 5, 6, 10) - 0.429456) < 1e-6);
  assert.equal(lineIntensity(shape, 5, 5, 7, 10), 0);
  assert.equal(lineIntensity(shape, 5, 5, 5, 27), 0);
  // From row 0 at column 0 to row 27 at column 27: the diagonal.
  assert.equal(lineIntensity(shape, 0, 27, 13, 13), 1);
  const out = new Float64Array(784);
  for (let sample = 0; sample < 20; sample++) {
    dottedLine.apply(new Float64Array(784), out, shape, 1, corruptionRng(5, 'dotted-line', sample));
    for (let c = 0; c < 28; c++) {
      const column = Array.from({ length: 28 }, (_, r) => out[r * 28 + c]);
      const lit = column.some((v) => v > 0);
      if (Math.floor(c / 2) % 2 === 0 || c === 27) assert.ok(!lit, `sample ${sample}: column ${c} is dark`);
      else assert.ok(Math.max(...column) > 0.5, `sample ${sample}: column ${c} carries the line`);
    }
  }
  // Added to the image and clipped at 1.
  const bright = new Float64Array(784).fill(0.8);
  dottedLine.apply(bright, out, shape, 1, corruptionRng(5, 'dotted-line', 0));
  assert.ok(out.every((v) => v >= 0.8 && v <= 1) && out.some((v) => v === 1));
});

test('random erasing: a rectangle of the level\'s area (to rounding) inside the image, aspect within [0.3, 1/0.3], filled uniformly, nothing else changed', () => {
  const shape = grey(28, 28);
  const fractions = [0.05, 0.1, 0.2, 0.3, 0.4];
  for (let sample = 0; sample < 200; sample++) {
    const s = 1 + (sample % 5);
    const rect = erasingRectangle(shape, fractions[s - 1], corruptionRng(5, 'random-erasing', sample));
    assert.ok(rect.top >= 0 && rect.left >= 0 && rect.top + rect.height <= 28 && rect.left + rect.width <= 28, JSON.stringify(rect));
    const area = fractions[s - 1] * 784;
    // Rounding each side by at most ½ changes the area by at most (h + w)/2 + ¼.
    assert.ok(Math.abs(rect.height * rect.width - area) <= (rect.height + rect.width) / 2 + 0.25, `area ${rect.height}×${rect.width} vs ${area}`);
    const ratio = rect.height / rect.width;
    assert.ok(ratio > 0.3 * 0.8 && ratio < (1 / 0.3) * 1.25, `ratio ${ratio}`);
    // The corruption erases exactly that rectangle (the same stream draws it first).
    const x = Float64Array.from({ length: 784 }, (_, i) => (i % 3) / 2);
    const out = new Float64Array(784);
    randomErasing.apply(x, out, shape, s, corruptionRng(5, 'random-erasing', sample));
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const inside = r >= rect.top && r < rect.top + rect.height && c >= rect.left && c < rect.left + rect.width;
        if (!inside) assert.equal(out[r * 28 + c], x[r * 28 + c]);
      }
    }
  }
  // The fill is uniform on [0, 1): over many samples its mean is ½.
  let sum = 0;
  let n = 0;
  const blank = new Float64Array(784).fill(-1);
  const out = new Float64Array(784);
  for (let sample = 0; sample < 50; sample++) {
    const rect = erasingRectangle(shape, 0.4, corruptionRng(5, 'random-erasing', sample));
    randomErasing.apply(blank, out, shape, 5, corruptionRng(5, 'random-erasing', sample));
    for (let r = rect.top; r < rect.top + rect.height; r++) {
      for (let c = rect.left; c < rect.left + rect.width; c++) {
        sum += out[r * 28 + c];
        n++;
      }
    }
  }
  assert.ok(Math.abs(sum / n - 0.5) < 4 * Math.sqrt(1 / 12 / n), `fill mean ${sum / n}`);
});
