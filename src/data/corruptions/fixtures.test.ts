// dwgd's plain implementations against the libraries the benchmarks call, on two small images
// (16×13 grey, 9×11 colour: not square, so a swapped index shows): scipy/skimage Gaussian blur,
// skimage's affine warp, skimage's HSV brightness, Pillow's BOX resize (pixelate), ImageMagick's
// motion blur, numpy's contrast. The expected values were made once by
// scripts/corruption-fixtures.py (versions in the file) and kept in src/data/testing/corruptions.json.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../core/rng.js';
import { gaussianBlurInto, motionBlurInto } from './blur.js';
import { boxResize, brightness, contrast } from './digital.js';
import { aboutCentre, rotationMatrix, shearMatrix, warpAffineInto } from './geometric.js';
import type { ImageShape } from './types.js';

interface Image {
  shape: [number, number, number];
  pixels: number[];
}
interface Fixture {
  versions: Record<string, string>;
  grey: Image;
  colour: Image;
  gaussianBlur: { image: 'grey' | 'colour'; sigma: number; out: number[] }[];
  motionBlur: { image: 'grey' | 'colour'; radius: number; sigma: number; angle: number; out: number[] }[];
  warp: { image: 'grey' | 'colour'; kind: string; value: number | number[]; matrix: number[]; out: number[] }[];
  brightness: { image: 'grey' | 'colour'; c: number; out: number[] }[];
  pixelate: { image: 'grey' | 'colour'; c: number; out: number[] }[];
  contrast: { image: 'grey' | 'colour'; c: number; out: number[] }[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const fx = JSON.parse(readFileSync(join(ROOT, 'src', 'data', 'testing', 'corruptions.json'), 'utf8')) as Fixture;

function image(name: 'grey' | 'colour'): { shape: ImageShape; x: Float64Array } {
  const [height, width, channels] = fx[name].shape;
  return { shape: { height, width, channels }, x: Float64Array.from(fx[name].pixels) };
}

function close(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: value ${at} is ${actual[at]}, expected ${expected[at]} (off by ${worst}, tolerance ${tol})`);
}

test('fixture made by the libraries the benchmarks call', () => {
  assert.match(fx.versions.skimage, /^0\.19\./);
  assert.match(fx.versions.imagemagick, /ImageMagick 6\./);
});

test('Gaussian blur equals scipy.ndimage.gaussian_filter (mode nearest, truncate 4; per channel) to 1e-9', () => {
  for (const c of fx.gaussianBlur) {
    const { shape, x } = image(c.image);
    const out = new Float64Array(x.length);
    gaussianBlurInto(x, out, shape, c.sigma);
    close(out, c.out, 1e-9, `${c.image} σ = ${c.sigma}`);
  }
});

test('motion blur equals ImageMagick 6 -motion-blur (16-bit files) to 2 levels in 65,535', () => {
  for (const c of fx.motionBlur) {
    const { shape, x } = image(c.image);
    const out = new Float64Array(x.length);
    motionBlurInto(x, out, shape, c.radius, c.sigma, c.angle);
    close(out, c.out, 2 / 65535, `${c.image} radius ${c.radius} σ ${c.sigma} angle ${c.angle}`);
  }
});

test('affine warps equal skimage.transform.warp (bilinear, 0 outside; rotation, shear, scale about the centre; translation), matrices skimage\'s AffineTransform', () => {
  for (const c of fx.warp) {
    const { shape, x } = image(c.image);
    const v = c.value as number;
    const m =
      c.kind === 'rotate'
        ? rotationMatrix(shape, v)
        : c.kind === 'shear'
          ? shearMatrix(shape, v)
          : c.kind === 'scale'
            ? aboutCentre(shape, v, 0, 0, v)
            : ([1, 0, (c.value as number[])[0], 0, 1, (c.value as number[])[1]] as [number, number, number, number, number, number]);
    close(m, c.matrix, 1e-9, `${c.image} ${c.kind} ${c.value}: matrix`);
    const out = new Float64Array(x.length);
    warpAffineInto(x, out, shape, m);
    // The fixture keeps 10 significant digits; the warp itself agrees to rounding.
    close(out, c.out, 1e-9, `${c.image} ${c.kind} ${c.value}`);
  }
});

test('brightness equals skimage rgb2hsv, V + c clipped, hsv2rgb (colour) and MNIST-C\'s grey round trip to 1e-9', () => {
  for (const c of fx.brightness) {
    const { shape, x } = image(c.image);
    const out = new Float64Array(x.length);
    // Call the corruption with its own table swapped for the fixture's constant.
    const table = brightness.constants[c.image === 'grey' ? 'mnist-c' : 'cifar-10-c'] as number[];
    const severity = table.indexOf(c.c) + 1;
    assert.ok(severity > 0, `c = ${c.c} is one of the benchmark's constants`);
    brightness.apply(x, out, shape, severity, new Rng(1, 'unused'));
    close(out, c.out, 1e-9, `${c.image} c = ${c.c}`);
  }
});

test('pixelate\'s resizes equal Pillow resize(BOX) down to int(side·c) and back (float images) to 1e-6', () => {
  for (const c of fx.pixelate) {
    const { shape, x } = image(c.image);
    const smallH = Math.trunc(shape.height * c.c);
    const smallW = Math.trunc(shape.width * c.c);
    const small = boxResize(x, shape, smallH, smallW);
    const back = boxResize(small, { height: smallH, width: smallW, channels: shape.channels }, shape.height, shape.width);
    close(back, c.out, 1e-6, `${c.image} c = ${c.c}`);
  }
});

test('contrast equals numpy\'s (x − mean over the image, per channel)·c + mean to 1e-9', () => {
  for (const c of fx.contrast) {
    const { shape, x } = image(c.image);
    const out = new Float64Array(x.length);
    const severity = (contrast.constants[c.image === 'grey' ? 'mnist-c' : 'cifar-10-c'] as number[]).indexOf(c.c) + 1;
    assert.ok(severity > 0);
    contrast.apply(x, out, shape, severity, new Rng(1, 'unused'));
    close(out, c.out, 1e-9, `${c.image} c = ${c.c}`);
  }
});
