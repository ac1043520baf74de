// `dwgd export`: the files are read back by readers written here from the formats'
// specifications (and by NumPy when python3 has it), compared with the run's saved weights,
// and the exported weights, run forward on the run's test set, give the run's clean accuracy.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { loadDataset } from '../data/index.js';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN } from '../experiment/testing/paths.js';


function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Read {
  dtype: string;
  shape: number[];
  values: number[];
}

/** safetensors, from its specification: u64 LE header size, JSON header, byte buffer. */
function readSafetensors(buf: Buffer): { tensors: Record<string, Read>; metadata: Record<string, string> } {
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + n;
  const tensors: Record<string, Read> = {};
  let covered = 0;
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [from, to] = t.data_offsets;
    const width = t.dtype === 'F64' ? 8 : 4;
    const values: number[] = [];
    for (let p = base + from; p < base + to; p += width) values.push(width === 8 ? buf.readDoubleLE(p) : buf.readFloatLE(p));
    tensors[name] = { dtype: t.dtype, shape: t.shape, values };
    covered += to - from;
  }
  assert.equal(covered, buf.length - base, 'the byte buffer is covered exactly, no holes');
  return { tensors, metadata: (header as unknown as { __metadata__: Record<string, string> }).__metadata__ };
}

/** npz: walk the zip's local headers (stored entries), then each .npy (magic, version, header dict, data). */
function readNpz(buf: Buffer): Record<string, Read> {
  const out: Record<string, Read> = {};
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    const method = buf.readUInt16LE(p + 8);
    const crc = buf.readUInt32LE(p + 14);
    const size = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extraLen = buf.readUInt16LE(p + 28);
    const name = buf.subarray(p + 30, p + 30 + nameLen).toString('utf8');
    const data = buf.subarray(p + 30 + nameLen + extraLen, p + 30 + nameLen + extraLen + size);
    assert.equal(method, 0);
    const z = zlib as unknown as { crc32?: (d: Uint8Array) => number };
    if (z.crc32) assert.equal(crc, z.crc32(data), `${name}: CRC-32 (checked with node:zlib)`);
    assert.equal(data.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    const headerLen = data.readUInt16LE(8);
    assert.equal((10 + headerLen) % 64, 0, 'npy header aligned to 64');
    const dict = data.subarray(10, 10 + headerLen).toString('latin1');
    const descr = /'descr': '([^']+)'/.exec(dict)![1];
    assert.match(dict, /'fortran_order': False/);
    const shape = /'shape': \(([^)]*)\)/.exec(dict)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    const width = descr === '<f8' ? 8 : 4;
    const values: number[] = [];
    for (let q = 10 + headerLen; q < data.length; q += width) values.push(width === 8 ? data.readDoubleLE(q) : data.readFloatLE(q));
    out[name.replace(/\.npy$/, '')] = { dtype: descr, shape, values };
    p += 30 + nameLen + extraLen + size;
  }
  assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory follows the entries');
  return out;
}

const haveNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

/** NumPy's reading of both files: names, shapes, dtypes and values (repr round-trips doubles exactly). */
function numpyRead(npzFile: string, stFile: string): { npz: Record<string, Read>; st: Record<string, Read> } {
  const script = `
import json, struct, sys, numpy as np
z = np.load(sys.argv[1])
npz = {k: {'dtype': z[k].dtype.str, 'shape': list(z[k].shape), 'values': z[k].ravel().tolist()} for k in z.files}
b = open(sys.argv[2], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
st = {}
for k, t in h.items():
    if k == '__metadata__': continue
    a = np.frombuffer(b[8 + n + t['data_offsets'][0]: 8 + n + t['data_offsets'][1]], dtype={'F64': '<f8', 'F32': '<f4'}[t['dtype']]).reshape(t['shape'])
    st[k] = {'dtype': t['dtype'], 'shape': list(a.shape), 'values': a.ravel().tolist()}
print(json.dumps({'npz': npz, 'st': st}))
`;
  const r = spawnSync('python3', ['-c', script, npzFile, stFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { npz: Record<string, Read>; st: Record<string, Read> };
}

const CONFIG = 'name: ex\ndataset: {name: mnist}\nhidden: [8]\ntrainSize: 100\nturns: 2\nstepsPerTurn: 1000\nmethods: [dwm, sgd]\n';
const { dir, file } = tempFile('ex.yaml', CONFIG);
const made = dwgd(['train', '-c', file, '-o', join(dir, 'results'), '-q', '--save-weights'], dir);
assert.equal(made.code, 0, made.stderr);
const runId = readdirSync(join(dir, 'results', 'ex'))[0];
const runDir = join(dir, 'results', 'ex', runId);

interface Saved {
  sizes: number[];
  final: Record<string, number[]>[];
}
const saved = (m: string) => JSON.parse(readFileSync(join(runDir, 'weights', `${m}.json`), 'utf8')) as Saved;

/** Forward pass z = W a + b, ReLU between layers; the first largest output is the class. */
function accuracy(W: Float64Array[], b: Float64Array[], sizes: number[], x: Float32Array, y: Float32Array, test: number[]): number {
  let correct = 0;
  for (const i of test) {
    let a = Float64Array.from(x.subarray(i * sizes[0], (i + 1) * sizes[0]));
    for (let l = 0; l < W.length; l++) {
      const z = new Float64Array(sizes[l + 1]);
      for (let j = 0; j < sizes[l + 1]; j++) {
        let s = b[l][j];
        for (let k = 0; k < sizes[l]; k++) s += W[l][j * sizes[l] + k] * a[k];
        z[j] = l < W.length - 1 ? Math.max(0, s) : s;
      }
      a = z;
    }
    let best = 0;
    for (let j = 1; j < a.length; j++) if (a[j] > a[best]) best = j;
    if (best === y[i]) correct++;
  }
  return correct / test.length;
}

test('export: safetensors and npz hold every layer\'s W, b (and W1, W2 for dwm) with the saved values, shapes and dtype', () => {
  for (const m of ['dwm', 'sgd']) {
    const st = dwgd(['export', runDir, '--method', m, '--format', 'safetensors', '--out', join(dir, `${m}.safetensors`)], dir);
    assert.equal(st.code, 0, st.stderr);
    const nz = dwgd(['export', runDir, '--method', m, '--format', 'npz', '--out', join(dir, `${m}.npz`)], dir);
    assert.equal(nz.code, 0, nz.stderr);
    const w = saved(m);
    const expected: Record<string, { shape: number[]; values: number[] }> = {};
    w.final.forEach((layer, l) => {
      for (const key of ['W', 'b', 'W1', 'W2']) {
        if (layer[key]) expected[`layers.${l}.${key}`] = { shape: key === 'b' ? [w.sizes[l + 1]] : [w.sizes[l + 1], w.sizes[l]], values: layer[key] };
      }
    });
    assert.deepEqual(Object.keys(expected).sort(), (m === 'dwm'
      ? ['layers.0.W', 'layers.0.W1', 'layers.0.W2', 'layers.0.b', 'layers.1.W', 'layers.1.W1', 'layers.1.W2', 'layers.1.b']
      : ['layers.0.W', 'layers.0.b', 'layers.1.W', 'layers.1.b']));
    const a = readSafetensors(readFileSync(join(dir, `${m}.safetensors`)));
    const b = readNpz(readFileSync(join(dir, `${m}.npz`)));
    assert.equal(a.metadata.method, m);
    assert.equal(a.metadata.runId, runId);
    assert.equal(a.metadata.sizes, '[784,8,10]');
    assert.deepEqual(Object.keys(a.tensors).sort(), Object.keys(expected).sort());
    assert.deepEqual(Object.keys(b).sort(), Object.keys(expected).sort());
    for (const [name, e] of Object.entries(expected)) {
      assert.deepEqual({ dtype: a.tensors[name].dtype, shape: a.tensors[name].shape }, { dtype: 'F64', shape: e.shape }, name);
      assert.deepEqual(a.tensors[name].values, e.values, name);
      assert.deepEqual({ dtype: b[name].dtype, shape: b[name].shape }, { dtype: '<f8', shape: e.shape }, name);
      assert.deepEqual(b[name].values, e.values, name);
    }
    if (haveNumpy) {
      const np = numpyRead(join(dir, `${m}.npz`), join(dir, `${m}.safetensors`));
      for (const [name, e] of Object.entries(expected)) {
        assert.deepEqual(np.npz[name], { dtype: '<f8', shape: e.shape, values: e.values }, `numpy npz ${name}`);
        assert.deepEqual(np.st[name], { dtype: 'F64', shape: e.shape, values: e.values }, `numpy safetensors ${name}`);
      }
    }
  }
});

test('export --dtype float32: every value is the float64 one rounded to float32', () => {
  const r = dwgd(['export', runDir, '--method', 'sgd', '--format', 'npz', '--dtype', 'float32', '--out', join(dir, 'sgd32.npz')], dir);
  assert.equal(r.code, 0, r.stderr);
  const b = readNpz(readFileSync(join(dir, 'sgd32.npz')));
  const w = saved('sgd');
  assert.equal(b['layers.0.W'].dtype, '<f4');
  assert.deepEqual(b['layers.0.W'].values, w.final[0].W.map(Math.fround));
});

test('the exported effective weights, run forward on the run\'s test set, give exactly the run\'s clean accuracy', () => {
  const order = JSON.parse(readFileSync(join(runDir, 'weights', 'order.json'), 'utf8')) as { trainList: number[]; testCount: number };
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { record: { methods: Record<string, { clean: number }> } };
  const raw = loadDataset({ name: 'mnist' });
  const inTrain = new Set(order.trainList);
  const testIdx: number[] = [];
  for (let i = 0; i < raw.size; i++) if (!inTrain.has(i)) testIdx.push(i);
  assert.equal(testIdx.length, order.testCount);
  for (const m of ['dwm', 'sgd']) {
    const t = readSafetensors(readFileSync(join(dir, `${m}.safetensors`))).tensors;
    const sizes = [784, 8, 10];
    const W = [0, 1].map((l) => Float64Array.from(t[`layers.${l}.W`].values));
    const b = [0, 1].map((l) => Float64Array.from(t[`layers.${l}.b`].values));
    const acc = accuracy(W, b, sizes, raw.x, raw.y, testIdx);
    assert.equal(acc, run.record.methods[m].clean, m);
    assert.ok(acc > 0.2, `${m}: ${acc} is better than chance, so the check means something`);
  }
});

test('export of a run made without --save-weights: one line, exit 2, no file', () => {
  // The same run folder as a run without --save-weights writes it: no weights/.
  const { dir: d2 } = tempFile('x');
  const noWeights = join(d2, 'results', 'nw', runId);
  cpSync(runDir, noWeights, { recursive: true });
  rmSync(join(noWeights, 'weights'), { recursive: true });
  const r = dwgd(['export', noWeights, '--format', 'npz'], d2);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no saved weights; the run was made without --save-weights/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.deepEqual(readdirSync(d2), ['results'], 'no file written');
  const bad = dwgd(['export', runDir, '--method', 'adam', '--format', 'npz'], d2);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--method adam: .* has weights for dwm, sgd/);
});
