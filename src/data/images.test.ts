// Image readers on fixture files the test writes: idx and idx.gz (MNIST, Fashion-MNIST),
// CIFAR-10 records, loose and inside a tar.gz; broken files fail with one clear line.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { create as tarCreate } from 'tar';
import { DataError, UserError } from '../errors.js';
import { loadCifar10 } from './cifar-10.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { parseIdx } from './formats/idx.js';
import { loadMnist, locateMnist } from './mnist.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-images-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function freshDir(name: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  return p;
}

/** An idx file of unsigned bytes: 0, 0, 8, rank, sizes (big-endian), data. */
function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

// Three 2×2 images with known pixels and labels 7, 0, 9.
const PIXELS = [0, 255, 51, 102, 10, 20, 30, 40, 255, 255, 0, 0];
const LABELS = [7, 0, 9];

test('idx: plain and gzip-compressed files give the same exact values', () => {
  const plain = idx([3, 2, 2], PIXELS);
  for (const bytes of [plain, gzipSync(plain)]) {
    const parsed = parseIdx(bytes, 'f', 3);
    assert.deepEqual(parsed.dims, [3, 2, 2]);
    assert.deepEqual(Array.from(parsed.data), PIXELS);
  }
});

test('fashion-mnist and mnist: idx.gz files → pixel / 255 and labels', () => {
  const sub = freshDir('fashion');
  writeFileSync(join(sub, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 2, 2], PIXELS)));
  writeFileSync(join(sub, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([3], LABELS)));
  const data = loadFashionMnist({ path: sub });
  assert.equal(data.size, 3);
  assert.equal(data.nInputs, 4);
  assert.equal(data.kind, 'image');
  assert.deepEqual(Array.from(data.x), PIXELS.map((p) => Math.fround(p / 255)));
  assert.deepEqual(Array.from(data.y), LABELS);
  // MNIST finds the canonical .gz names too (its pools are fixed row ranges, so only locate here).
  writeFileSync(join(sub, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([3, 2, 2], PIXELS)));
  writeFileSync(join(sub, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([3], LABELS)));
  const found = locateMnist({ path: sub, pool: 'test' });
  assert.deepEqual(found.paths, [join(sub, 't10k-images-idx3-ubyte.gz'), join(sub, 't10k-labels-idx1-ubyte.gz')]);
  assert.throws(() => loadMnist({ path: sub, pool: 'test' }), /mnist: pool 0…9999 is outside the 3 images/);
});

test('idx: truncated, wrong magic, wrong record count, bad gzip → one line naming the file', () => {
  const good = idx([3, 2, 2], PIXELS);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, good.length - 1), /img: is truncated: 27 bytes, the header \[3 × 2 × 2\] needs 28/],
    [Buffer.concat([good, Buffer.from([1])]), /img: is longer than its header says/],
    [idx([3, 4], PIXELS), /img: wrong idx magic number 0x00000802/],
    [Buffer.from([0, 0, 8]), /img: is too short/],
    [gzipSync(good).subarray(0, 20), /img: is not a valid gzip file/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => parseIdx(bytes, 'img', 3), (e: unknown) => e instanceof DataError && message.test(e.message) && !e.message.includes('\n'));
  }
  const sub = freshDir('fashion-bad');
  writeFileSync(join(sub, 'train-images-idx3-ubyte.gz'), gzipSync(idx([3, 2, 2], PIXELS)));
  writeFileSync(join(sub, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([2], [1, 2])));
  assert.throws(() => loadFashionMnist({ path: sub }), /train-labels-idx1-ubyte\.gz: has 2 labels but .* has 3 images/);
});

/** One CIFAR record: label, then R, G, B planes of 32×32; pixel (r, c) of channel ch = f(r, c, ch). */
function cifarRecord(label: number, f: (r: number, c: number, ch: number) => number): Buffer {
  const rec = Buffer.alloc(3073);
  rec[0] = label;
  for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) rec[1 + ch * 1024 + r * 32 + c] = f(r, c, ch);
  return rec;
}

const pix = (k: number) => (r: number, c: number, ch: number) => (r * 7 + c * 3 + ch * 50 + k * 11) % 256;

test('cifar-10: records laid out height × width × channel, pixel / 255, exact values', () => {
  const sub = freshDir('cifar-loose');
  writeFileSync(join(sub, 'data_batch_1.bin'), Buffer.concat([cifarRecord(3, pix(0)), cifarRecord(9, pix(1))]));
  const data = loadCifar10({ path: sub });
  assert.equal(data.size, 2);
  assert.equal(data.nInputs, 3072);
  assert.deepEqual(Array.from(data.y), [3, 9]);
  for (const [i, r, c, ch] of [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 2], [0, 0, 1, 0], [0, 5, 17, 2], [1, 31, 31, 1], [1, 1, 0, 0]]) {
    assert.equal(data.x[i * 3072 + (r * 32 + c) * 3 + ch], Math.fround(pix(i)(r, c, ch) / 255), `image ${i} (${r}, ${c}, ${ch})`);
  }
});

test('cifar-10: batches from the official tar.gz layout; the pool is a config value', async () => {
  const sub = freshDir('cifar-tar');
  const inner = join(sub, 'cifar-10-batches-bin');
  mkdirSync(inner);
  writeFileSync(join(inner, 'data_batch_1.bin'), Buffer.concat([cifarRecord(1, pix(2)), cifarRecord(2, pix(3))]));
  writeFileSync(join(inner, 'data_batch_2.bin'), cifarRecord(5, pix(4)));
  writeFileSync(join(inner, 'test_batch.bin'), cifarRecord(8, pix(5)));
  writeFileSync(join(inner, 'batches.meta.txt'), 'airplane\n');
  const archiveDir = freshDir('cifar-archive');
  await tarCreate({ gzip: true, file: join(archiveDir, 'cifar-10-binary.tar.gz'), cwd: sub }, ['cifar-10-batches-bin']);

  const paper = loadCifar10({ path: archiveDir });
  assert.deepEqual(Array.from(paper.y), [1, 2]);
  assert.equal(paper.x[1 * 3072 + (4 * 32 + 9) * 3 + 2], Math.fround(pix(3)(4, 9, 2) / 255));
  assert.match(paper.description, /cifar-10-binary\.tar\.gz/);

  const two = loadCifar10({ path: join(archiveDir, 'cifar-10-binary.tar.gz'), pool: ['data_batch_2', 'data_batch_1'] });
  assert.deepEqual(Array.from(two.y), [5, 1, 2]);
  assert.equal(loadCifar10({ path: archiveDir, pool: 'test' }).y[0], 8);
  // Loose files in the unpacked folder serve as well.
  assert.deepEqual(Array.from(loadCifar10({ path: sub, pool: 'data_batch_2.bin' }).y), [5]);
  assert.throws(() => loadCifar10({ path: archiveDir, pool: 'data_batch_3' }), /cifar-10-binary\.tar\.gz: holds no data_batch_3\.bin/);
});

test('cifar-10: wrong record size, bad label, truncated archive → one line naming the file', () => {
  const sub = freshDir('cifar-bad');
  const p = join(sub, 'data_batch_1.bin');
  writeFileSync(p, Buffer.concat([cifarRecord(3, pix(0)), Buffer.alloc(100)]));
  assert.throws(() => loadCifar10({ path: sub }), (e: unknown) => e instanceof DataError && e.message.startsWith(`${p}: is not a whole number of CIFAR-10 records: 3173 bytes`));
  writeFileSync(p, cifarRecord(12, pix(0)));
  assert.throws(() => loadCifar10({ path: sub }), /data_batch_1\.bin: record 0: label byte 12 is not a class 0–9/);
  writeFileSync(p, Buffer.alloc(0));
  assert.throws(() => loadCifar10({ path: sub }), /data_batch_1\.bin: is empty/);

  const tarDir = freshDir('cifar-trunc');
  const gz = gzipSync(Buffer.concat([Buffer.alloc(512, 1), cifarRecord(1, pix(0))]));
  writeFileSync(join(tarDir, 'cifar-10-binary.tar.gz'), gz.subarray(0, gz.length / 2));
  assert.throws(() => loadCifar10({ path: tarDir }), (e: unknown) => e instanceof DataError && /cifar-10-binary\.tar\.gz: /.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => loadCifar10({ path: tarDir, pool: ['../x'] }), (e: unknown) => e instanceof UserError && /not a CIFAR-10 batch name/.test(e.message));
});
