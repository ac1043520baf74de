// MNIST-C and CIFAR-10-C read from small archives in their published layouts, written by numpy,
// zipfile and tarfile (scripts/benchset-fixtures.py → src/data/testing/benchsets/): every pixel
// and label against the script's formula, severities sliced from the stacked file, the archive
// read in place and unpacked (fflate, tar) giving the same arrays, the same inputs as the clean
// sets' own decoders give for the same images (numpy wrote those files too), and one-line errors.

import assert from 'node:assert/strict';
import * as fsSync from 'node:fs';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { UserError } from '../errors.js';
import { BENCHMARK_SETS, benchmarkCorruptions, benchmarkFor, loadBenchmark } from './benchmark-sets.js';
import { decodeCifarBatch } from './formats/cifar.js';
import { extractOnce, extractTar, extractZip } from './formats/archives.js';
import { readIdxImagePool } from './idx-images.js';
import { cacheDir } from './sources.js';
import { datasetSpec, loadDataset } from './index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DIR = join(ROOT, 'src', 'data', 'testing', 'benchsets');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  mnist: { corruptions: string[]; train: number; test: number };
  cifar: { corruptions: string[]; perSeverity: number };
};
/** scripts/benchset-fixtures.py's pixel (image k of its file, flat index i) and label. */
const pixel = (k: number, i: number, c: number, s: number) => (k * 97 + i * 13 + c * 29 + s * 7) % 256;
const label = (k: number, c: number) => (k * 3 + c) % 10;

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-bench-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ZIP = join(DIR, 'mnist_c.zip');
const TAR = join(DIR, 'CIFAR-10-C.tar');

function expectMnist(got: ReturnType<typeof loadBenchmark>, name: string, split: 'train' | 'test'): void {
  const c = manifest.mnist.corruptions.indexOf(name);
  const s = split === 'train' ? 0 : 1;
  const n = manifest.mnist[split];
  assert.equal(got.size, n);
  assert.equal(got.nInputs, 784);
  assert.equal(got.x.length, n * 784);
  for (let k = 0; k < n; k++) {
    assert.equal(got.y[k], label(k, c));
    for (let i = 0; i < 784; i++) assert.equal(got.x[k * 784 + i], Math.fround(pixel(k, i, c, s) / 255), `${name} ${split} image ${k} pixel ${i}`);
  }
}

function expectCifar(got: ReturnType<typeof loadBenchmark>, name: string, severity: number): void {
  const c = manifest.cifar.corruptions.indexOf(name);
  const per = manifest.cifar.perSeverity;
  assert.equal(got.size, per);
  assert.equal(got.nInputs, 3072);
  for (let k = 0; k < per; k++) {
    const fileRow = (severity - 1) * per + k; // severities stacked in the file
    assert.equal(got.y[k], label(k, 0));
    for (let i = 0; i < 3072; i++) assert.equal(got.x[k * 3072 + i], Math.fround(pixel(fileRow, i, c, 0) / 255), `${name} severity ${severity} image ${k} input ${i}`);
  }
}

test('MNIST-C read from the zip in place: every pixel / 255 and label of each corruption, test and train split', () => {
  for (const name of manifest.mnist.corruptions) {
    expectMnist(loadBenchmark('mnist-c', name, 1, { path: ZIP }), name, 'test');
    expectMnist(loadBenchmark('mnist-c', name, 1, { path: ZIP, split: 'train' }), name, 'train');
  }
});

test('CIFAR-10-C read from the tar in place: each severity is its tenth… fifth of the stacked file, labels repeated per severity', () => {
  for (const name of manifest.cifar.corruptions) for (const sev of [1, 2, 3, 4, 5]) expectCifar(loadBenchmark('cifar-10-c', name, sev, { path: TAR }), name, sev);
});

test('unpacked with fflate and tar: the same arrays as in place; unpacked once, again when a member is gone', async () => {
  const dir = join(tmp, 'unpacked');
  fsSync.mkdirSync(dir);
  copyFileSync(ZIP, join(dir, 'mnist_c.zip'));
  copyFileSync(TAR, join(dir, 'CIFAR-10-C.tar'));
  assert.equal(await extractOnce(join(dir, 'mnist_c.zip'), extractZip), true);
  assert.equal(await extractOnce(join(dir, 'CIFAR-10-C.tar'), extractTar), true);
  assert.equal(await extractOnce(join(dir, 'mnist_c.zip'), extractZip), false, 'already unpacked');
  assert.ok(existsSync(join(dir, 'mnist_c', 'fog', 'train_labels.npy')));
  assert.ok(existsSync(join(dir, 'CIFAR-10-C', 'labels.npy')));
  rmSync(join(dir, 'mnist_c', 'fog', 'test_images.npy'));
  assert.equal(await extractOnce(join(dir, 'mnist_c.zip'), extractZip), true, 'a missing member: unpacked again');
  // Without the archives, the unpacked files are what is read.
  rmSync(join(dir, 'mnist_c.zip'));
  rmSync(join(dir, 'CIFAR-10-C.tar'));
  const m = loadBenchmark('mnist-c', 'canny_edges', 1, { path: dir });
  expectMnist(m, 'canny_edges', 'test');
  expectCifar(loadBenchmark('cifar-10-c', 'brightness', 4, { path: dir }), 'brightness', 4);
  // A folder that is mnist_c/ or CIFAR-10-C/ itself serves too.
  expectMnist(loadBenchmark('mnist-c', 'fog', 1, { path: join(dir, 'mnist_c') }), 'fog', 'test');
  expectCifar(loadBenchmark('cifar-10-c', 'fog', 2, { path: join(dir, 'CIFAR-10-C') }), 'fog', 2);
});

test('the same inputs as the clean sets give: MNIST-C fog vs the same images as idx files, CIFAR-10-C fog/3 vs a CIFAR-10 batch', () => {
  const m = loadBenchmark('mnist-c', 'fog', 1, { path: ZIP });
  const idx = readIdxImagePool('mnist', join(DIR, 'mnist-c-idx', 't10k-images-idx3-ubyte'), join(DIR, 'mnist-c-idx', 't10k-labels-idx1-ubyte'), 0, undefined);
  assert.deepEqual(m.x, idx.x);
  assert.deepEqual(m.y, idx.y);
  const c = loadBenchmark('cifar-10-c', 'fog', 3, { path: TAR });
  const x = new Float32Array(c.size * 3072);
  const y = new Float32Array(c.size);
  assert.equal(decodeCifarBatch(readFileSync(join(DIR, 'cifar-10-c-batch.bin')), 'batch', x, y, 0), c.size);
  assert.deepEqual(c.x, x);
  assert.deepEqual(c.y, y);
});

test('the API: sets, their clean datasets, corruption lists (16 and 19), severities', () => {
  assert.equal(benchmarkFor('mnist'), 'mnist-c');
  assert.equal(benchmarkFor('cifar-10'), 'cifar-10-c');
  assert.equal(benchmarkFor('wine-quality'), null);
  assert.equal(benchmarkCorruptions('mnist-c').length, 16);
  assert.equal(benchmarkCorruptions('cifar-10-c').length, 19);
  assert.equal(BENCHMARK_SETS['mnist-c'].benchmark.length, 15);
  assert.ok(!BENCHMARK_SETS['mnist-c'].benchmark.includes('identity'));
  assert.equal(BENCHMARK_SETS['cifar-10-c'].benchmark.length, 15);
  assert.deepEqual([...BENCHMARK_SETS['cifar-10-c'].severities], [1, 2, 3, 4, 5]);
  for (const name of [...manifest.mnist.corruptions]) assert.ok(benchmarkCorruptions('mnist-c').includes(name));
  for (const name of [...manifest.cifar.corruptions]) assert.ok(benchmarkCorruptions('cifar-10-c').includes(name));
});

test('as datasets: dataset.pool picks the corruption (and split or severity); bad pools are one line', () => {
  const m = loadDataset({ name: 'mnist-c', path: ZIP, pool: 'identity/train' });
  assert.equal(m.size, manifest.mnist.train);
  assert.equal(m.x[1], Math.fround(pixel(0, 1, 0, 0) / 255));
  const c = loadDataset({ name: 'cifar-10-c', path: TAR, pool: 'gaussian_noise/2' });
  assert.equal(c.x[0], Math.fround(pixel(manifest.cifar.perSeverity, 0, 0, 0) / 255));
  assert.throws(() => loadDataset({ name: 'cifar-10-c', path: TAR, pool: 'fog' }), /^UserError: dataset\.pool: cifar-10-c takes <corruption>\/<severity 1–5> \(e\.g\. fog\/3\), got "fog"$/);
  assert.throws(() => loadDataset({ name: 'mnist-c', path: ZIP, pool: 'rotation' }), /dataset\.pool: mnist-c has no corruption 'rotation' \(it has identity, shot_noise/);
  assert.equal(datasetSpec('mnist-c').licence, 'CC BY 4.0');
});

test('bad calls and damaged files: one line, the damaged file and the fetch command named', () => {
  assert.throws(() => loadBenchmark('mnist-c', 'fog', 2, { path: ZIP }), /^UserError: severity: mnist-c has one severity, 1; got 2$/);
  assert.throws(() => loadBenchmark('cifar-10-c', 'fog', 6, { path: TAR }), /severity: cifar-10-c has severities 1, 2, 3, 4, 5; got 6/);
  assert.throws(() => loadBenchmark('cifar-10-c', 'fog', 1, { path: TAR, split: 'train' }), /cifar-10-c holds test images only/);
  assert.throws(() => loadBenchmark('svhn-c', 'fog', 1), /unknown benchmark set 'svhn-c' \(known: mnist-c, cifar-10-c\)/);
  const dir = join(tmp, 'damaged');
  const { mkdirSync } = fsSync;
  mkdirSync(join(dir, 'CIFAR-10-C'), { recursive: true });
  writeFileSync(join(dir, 'CIFAR-10-C', 'labels.npy'), readFileSync(join(DIR, 'CIFAR-10-C.tar')).subarray(0, 10));
  const fogNpy = join(dir, 'CIFAR-10-C', 'fog.npy');
  writeFileSync(fogNpy, Buffer.alloc(200, 1));
  assert.throws(() => loadBenchmark('cifar-10-c', 'fog', 1, { path: dir }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message.split('\n').length, 1);
    assert.ok(err.message.startsWith(`${fogNpy}: `), err.message);
    assert.ok(err.message.endsWith('; fetch it again with `node bin/dwgd.js datasets fetch cifar-10-c`'), err.message);
    return true;
  });
  // A cut-short copy of a real member (numpy's header intact, data missing).
  const mdir = join(tmp, 'cut');
  mkdirSync(mdir);
  copyFileSync(ZIP, join(mdir, 'mnist_c.zip'));
  return extractOnce(join(mdir, 'mnist_c.zip'), extractZip).then(() => {
    rmSync(join(mdir, 'mnist_c.zip'));
    const images = join(mdir, 'mnist_c', 'fog', 'test_images.npy');
    truncateSync(images, 500);
    assert.throws(() => loadBenchmark('mnist-c', 'fog', 1, { path: mdir }), (err: unknown) => {
      assert.ok(err instanceof UserError && err.message.startsWith(`${images}: `) && err.message.includes('node bin/dwgd.js datasets fetch mnist-c'), String(err));
      return true;
    });
  });
});

test('a set that is nowhere: one line naming the fetch command', { skip: existsSync(cacheDir('mnist-c')) ? 'datasets/mnist-c exists here' : false }, () => {
  assert.throws(() => loadBenchmark('mnist-c', 'zigzag', 1, { env: { DWGD_DATA_DIR: join(tmp, 'nothing') } }),
    /^DataNotFoundError: mnist-c: data not found \(looked for mnist_c\/zigzag\/test_images\.npy, mnist_c\/zigzag\/test_labels\.npy or mnist_c\.zip in .*\); get it with `node bin\/dwgd.js datasets fetch mnist-c`$/);
});

test('a zip member named to land outside the folder is refused, nothing written', async () => {
  const dir = join(tmp, 'evil');
  fsSync.mkdirSync(join(dir, 'inner'), { recursive: true });
  const zip = join(dir, 'inner', 'mnist_c.zip');
  writeFileSync(zip, zipSync({ 'mnist_c/ok.npy': new Uint8Array([1, 2, 3]), '../escaped.npy': new Uint8Array([4]) }));
  await assert.rejects(extractZip(zip, join(dir, 'inner')), /member '\.\.\/escaped\.npy' would be written outside/);
  assert.ok(!existsSync(join(dir, 'escaped.npy')));
});


