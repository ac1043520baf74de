// The .npy reader on files numpy wrote (scripts/npy-fixtures.py → src/data/testing/npy/): every
// element, dtype, shape and header version as numpy saved them; files it must refuse (Fortran
// order, big-endian, structured, bool, cut short, too long, not .npy) fail with one line naming
// the file.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError, UserError } from '../../errors.js';
import { parseNpy, readNpyFile } from './npy.js';

/** dist/src/data/formats/ → the project root, then the fixtures beside the sources. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DIR = join(ROOT, 'src', 'data', 'testing', 'npy');

interface Entry {
  file: string;
  dtype: string;
  shape: number[];
  version: [number, number];
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Entry[] };
const entry = (name: string): Entry => manifest.files.find((f) => f.file === name)!;

/** The value scripts/npy-fixtures.py stores at flat index i, before the cast to its dtype. */
const pattern = (i: number): number => (i * 37 + 11) % 256;

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-npy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function rejects(bytes: Uint8Array, name: string, message: RegExp): void {
  assert.throws(
    () => parseNpy(bytes, name),
    (err: unknown) => {
      assert.ok(err instanceof DataError && err instanceof UserError, `a DataError, got ${String(err)}`);
      assert.match(err.message, message);
      assert.ok(err.message.startsWith(`${name}: `), err.message);
      assert.ok(!err.message.includes('\n'), `one line: ${JSON.stringify(err.message)}`);
      return true;
    },
  );
}

const fixture = (name: string): Buffer => readFileSync(join(DIR, name));

test('MNIST-C and CIFAR-10-C layouts: uint8 images N×28×28×1 and N×32×32×3, int64 and uint8 labels, every element', () => {
  for (const name of ['mnist-c-images.npy', 'cifar-10-c-images.npy']) {
    const a = readNpyFile(join(DIR, name));
    assert.equal(a.dtype, 'uint8');
    assert.deepEqual(a.shape, entry(name).shape);
    assert.deepEqual(a.version, [1, 0]);
    assert.ok(a.data instanceof Uint8Array);
    assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== pattern(i)) assert.fail(`${name}[${i}] = ${a.data[i]}, numpy wrote ${pattern(i)}`);
  }
  // C order: element [n, r, c, ch] of N×32×32×3 is at ((n·32 + r)·32 + c)·3 + ch.
  const cifar = readNpyFile(join(DIR, 'cifar-10-c-images.npy'));
  assert.equal(cifar.data[((1 * 32 + 5) * 32 + 7) * 3 + 2], pattern(((1 * 32 + 5) * 32 + 7) * 3 + 2));

  const mnistLabels = readNpyFile(join(DIR, 'mnist-c-labels.npy'));
  assert.equal(mnistLabels.dtype, 'int64');
  assert.ok(mnistLabels.data instanceof Float64Array);
  assert.deepEqual([...mnistLabels.data], [7, 2, 1]);
  const cifarLabels = readNpyFile(join(DIR, 'cifar-10-c-labels.npy'));
  assert.equal(cifarLabels.dtype, 'uint8');
  assert.deepEqual([...cifarLabels.data], [3, 8]);
});

test('header versions 2.0 and 3.0 (4-byte header length) read like 1.0', () => {
  const v2 = readNpyFile(join(DIR, 'version-2.npy'));
  assert.deepEqual(v2.version, [2, 0]);
  assert.deepEqual(v2.shape, [2, 4, 4, 3]);
  assert.deepEqual([...v2.data], Array.from({ length: 96 }, (_, i) => pattern(i)));
  const v3 = readNpyFile(join(DIR, 'version-3.npy'));
  assert.deepEqual(v3.version, [3, 0]);
  assert.equal(v3.dtype, 'int32');
  assert.deepEqual([...v3.data], [0, 1, 2, 3, 4].map(pattern));
});

test('other plain dtypes keep their values; int64 up to ±(2^53 − 1); 0-d and empty arrays', () => {
  const int8 = readNpyFile(join(DIR, 'int8.npy'));
  assert.ok(int8.data instanceof Int8Array);
  assert.deepEqual([...int8.data], Array.from({ length: 12 }, (_, i) => (pattern(i) << 24) >> 24));
  const int32 = readNpyFile(join(DIR, 'int32.npy'));
  assert.deepEqual([...int32.data], Array.from({ length: 6 }, (_, i) => pattern(i)));
  const f32 = readNpyFile(join(DIR, 'float32.npy'));
  assert.ok(f32.data instanceof Float32Array);
  assert.deepEqual([...f32.data], Array.from({ length: 6 }, (_, i) => Math.fround(pattern(i) / 8)));
  const f64 = readNpyFile(join(DIR, 'float64.npy'));
  assert.deepEqual([...f64.data], [0, 1, 2].map((i) => pattern(i) / 3));
  assert.deepEqual([...readNpyFile(join(DIR, 'int64-extremes.npy')).data], [-(2 ** 53 - 1), 2 ** 53 - 1, 0, -1]);
  const scalar = readNpyFile(join(DIR, 'scalar.npy'));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual([...scalar.data], [42]);
  const empty = readNpyFile(join(DIR, 'empty.npy'));
  assert.deepEqual(empty.shape, [0, 28, 28, 1]);
  assert.equal(empty.data.length, 0);
});

test('refused with one line naming the file: Fortran order, big-endian, structured and bool dtypes, int64 beyond 2^53', () => {
  rejects(fixture('fortran.npy'), 'fortran.npy', /Fortran order.*only C order/);
  rejects(fixture('big-endian.npy'), 'big-endian.npy', /dtype '>i4': big-endian data are not supported; supported: uint8/);
  rejects(fixture('structured.npy'), 'structured.npy', /structured dtype/);
  rejects(fixture('bool.npy'), 'bool.npy', /dtype '\|b1': unsupported dtype/);
  rejects(fixture('int64-beyond.npy'), 'int64-beyond.npy', /element 1 of its int64 data, 9007199254740992, is beyond 2\^53/);
});

test('cut short or too long: in the magic, the length field, the header, the data; extra bytes', () => {
  const good = fixture('mnist-c-images.npy');
  const dataStart = good.length - 3 * 28 * 28;
  rejects(good.subarray(0, 5), 'f.npy', /too short for a \.npy header \(5 bytes\)/);
  rejects(good.subarray(0, 60), 'f.npy', /truncated inside the \.npy header \(60 bytes, the header ends at byte 128\)/);
  rejects(good.subarray(0, good.length - 1), 'f.npy', /is truncated: 2351 data bytes, shape \(3, 28, 28, 1\) of uint8 needs 2352/);
  rejects(good.subarray(0, dataStart), 'f.npy', /is truncated: 0 data bytes/);
  rejects(Buffer.concat([good, Buffer.from([0])]), 'f.npy', /longer than its header says: 2353 data bytes/);
  const v2 = fixture('version-2.npy');
  rejects(v2.subarray(0, 11), 'v2.npy', /truncated inside the \.npy header/);
  // A file cut short on disk, read through readNpyFile.
  const cut = join(tmp, 'cut.npy');
  writeFileSync(cut, good.subarray(0, 1000));
  assert.throws(() => readNpyFile(cut), (err: unknown) => err instanceof DataError && err.message.startsWith(`${cut}: is truncated:`));
});

test('not a .npy file: no magic, a zip (.npz), an unknown version, a missing file, a malformed header', () => {
  rejects(Buffer.from('P4\n28 28\n........'), 'x.npy', /not a \.npy file \(no \\x93NUMPY magic string\)/);
  rejects(Buffer.from('PK\x03\x04 and the rest of a zip'), 'x.npz', /zip archive \(\.npz\?\)/);
  const good = fixture('cifar-10-c-labels.npy');
  const v9 = Buffer.from(good);
  v9[6] = 9;
  rejects(v9, 'v9.npy', /format version 9\.0; this reader knows 1\.0, 2\.0 and 3\.0/);
  assert.throws(() => readNpyFile(join(tmp, 'absent.npy')), (err: unknown) => err instanceof DataError && /absent\.npy: cannot be read \(ENOENT\)/.test(err.message));
  // The header with its shape removed, same length (so only the parse can fail).
  const text = good.toString('latin1');
  const noShape = Buffer.from(text.replace("'shape': (2,), ", "'sha':    (2,), "), 'latin1');
  rejects(noShape, 'bad.npy', /malformed \.npy header \(no 'shape'\)/);
  const negative = Buffer.from(text.replace("'shape': (2,), ", "'shape': (-2,),"), 'latin1');
  rejects(negative, 'bad.npy', /malformed \.npy header \(shape entry '-2'\)/);
});

test('a file written by hand: keys in another order, double quotes, the header exactly as the format describes', () => {
  const header = '{"shape": (2, 2), "fortran_order": False, "descr": "<f8"}';
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(padded.length, 8);
  const data = Buffer.alloc(32);
  [0.5, -1, 2.25, 1e-300].forEach((v, i) => data.writeDoubleLE(v, 8 * i));
  const a = parseNpy(Buffer.concat([head, Buffer.from(padded, 'latin1'), data]), 'hand.npy');
  assert.equal(a.dtype, 'float64');
  assert.deepEqual(a.shape, [2, 2]);
  assert.deepEqual([...a.data], [0.5, -1, 2.25, 1e-300]);
  // Read from a Buffer that is a slice of a larger one at an odd offset: values still exact.
  const big = Buffer.concat([Buffer.from([1, 2, 3]), fixture('int32.npy')]);
  assert.deepEqual([...parseNpy(big.subarray(3), 'slice.npy').data], [0, 1, 2, 3, 4, 5].map(pattern));
  // The data are a copy: changing them leaves the file's bytes alone.
  const bytes = fixture('cifar-10-c-labels.npy');
  const labels = parseNpy(bytes, 'l.npy');
  labels.data[0] = 99;
  assert.deepEqual([...parseNpy(bytes, 'l.npy').data], [3, 8]);
});
