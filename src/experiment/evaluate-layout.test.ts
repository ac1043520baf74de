// How evaluate() and evaluateAt() hand a model its rows: the clean test list laid out once in
// scoring order (each group's rows next to each other, every pass after the first reading the
// layout), and the noisy test's chunks grouped by class; what a model sees is the same rows and
// targets in the same order as the pool's listed rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListedRows, Trainable } from '../core/model.js';
import { Rng } from '../core/rng.js';
import { noisySample, normalize } from '../data/prepare.js';
import type { Dataset } from '../data/types.js';
import { evaluate, evaluateAt, forgetLayouts, splitByClass } from './evaluate.js';
import { squareImages } from './testing/images.js';

/** A model that keeps, call by call, the rows and targets it is handed (and whether their positions are consecutive). */
function recorder(nInputs: number) {
  const calls: { rows: number[][]; targets: number[]; consecutive: boolean; buffer: ArrayBufferLike; listed: number[][][] | null }[] = [];
  const model = {
    id: 'recorder', engine: 'reference', step: () => 0, params: () => [],
    score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, _metric: string, listed?: ListedRows) {
      const rows: number[][] = [];
      const targets: number[] = [];
      let consecutive = true;
      for (let k = 0; k < count; k++) {
        rows.push(Array.from(x.subarray(indices[k] * nInputs, indices[k] * nInputs + nInputs)));
        targets.push(y[indices[k]]);
        if (k > 0 && indices[k] !== indices[0] + k) consecutive = false;
      }
      // The lists handed with the rows: each row's non-zero inputs as [input, value] pairs.
      const lists = listed ? Array.from(indices.subarray(0, count), (i) => {
        const pairs: number[][] = [];
        for (let e = listed.offsets[i]; e < listed.offsets[i + 1]; e++) pairs.push([listed.index[e], listed.value[e]]);
        return pairs;
      }) : null;
      calls.push({ rows, targets, consecutive, buffer: x.buffer, listed: lists });
      return count;
    },
  } as unknown as Trainable;
  return { model, calls };
}

const rowOf = (d: Dataset, i: number) => Array.from(d.x.subarray(i * d.nInputs, (i + 1) * d.nInputs));

test('evaluate: each group in its listed order, as one block of rows, on every pass; another dataset with the same lists gets its own rows', () => {
  const data = normalize(squareImages(400, 2), 'paper', null, 1);
  const test = Int32Array.from({ length: 300 }, (_, k) => 399 - k); // descending pool order
  const byClass = splitByClass(test, data.y, data.nOutputs);
  for (let pass = 0; pass < 2; pass++) {
    const { model, calls } = recorder(data.nInputs);
    const scores = evaluate(model, data, test, 'accuracy', byClass);
    assert.equal(calls.length, data.nOutputs);
    calls.forEach((call, c) => {
      assert.ok(call.consecutive, `pass ${pass}, class ${c}: one block`);
      assert.deepEqual(call.rows, Array.from(byClass[c], (i) => rowOf(data, i)), `pass ${pass}, class ${c}: its rows in order`);
      assert.deepEqual(call.targets, Array.from(byClass[c], () => c));
    });
    assert.equal(scores.value, 1, 'every row counted once');
  }
  // The same list objects with another dataset (its own rows): the layout follows the data.
  const other = normalize(squareImages(400, 9), 'paper', null, 1);
  const { model, calls } = recorder(other.nInputs);
  evaluate(model, other, test, 'accuracy', byClass);
  calls.forEach((call, c) => assert.deepEqual(call.rows, Array.from(byClass[c], (i) => rowOf(other, i)), `class ${c} of the other dataset`));
  // No groups: the list in its order, one block.
  const plain = recorder(data.nInputs);
  evaluate(plain.model, data, test, 'mse');
  assert.equal(plain.calls.length, 1);
  assert.ok(plain.calls[0].consecutive);
  assert.deepEqual(plain.calls[0].rows, Array.from(test, (i) => rowOf(data, i)));
  assert.deepEqual(plain.calls[0].targets, Array.from(test, (i) => data.y[i]));
});

test("layouts: a run's lists go into the memory the last run's used (forgetLayouts), sized for the pool; lists still held keep theirs", () => {
  const data = normalize(squareImages(500, 3), 'paper', null, 1);
  const list = (from: number, count: number) => Int32Array.from({ length: count }, (_, k) => from + ((k * 7) % count));
  const check = (l: Int32Array, calls: ReturnType<typeof recorder>['calls']) => {
    assert.equal(calls.length, 1);
    assert.ok(calls[0].consecutive);
    assert.deepEqual(calls[0].rows, Array.from(l, (i) => rowOf(data, i)));
    assert.deepEqual(calls[0].targets, Array.from(l, (i) => data.y[i]));
    return calls[0].buffer;
  };
  const score = (l: Int32Array) => {
    const r = recorder(data.nInputs);
    evaluate(r.model, data, l, 'mse');
    return check(l, r.calls);
  };
  forgetLayouts();
  const a = list(0, 410);
  const first = score(a);
  assert.notEqual(first, data.x.buffer, 'laid out, not read where it lies');
  // A second list while the first is held: memory of its own; the first's layout is intact.
  const b = list(410, 20);
  const second = score(b);
  assert.notEqual(second, first);
  assert.equal(score(a), first);
  // The next run: a longer list of the same pool goes where the first one was (the roomiest slot,
  // made for every row of the pool), and reads right although the memory held other rows.
  forgetLayouts();
  const c = list(20, 480);
  const third = score(c);
  assert.equal(third, first, 'the released slot is reused');
  assert.equal(score(c), third, 'and kept for the passes after');
  // A pool of narrow rows, more of them than the slots hold targets: the targets get room too.
  forgetLayouts();
  const size = 5000;
  const narrow: Dataset = { ...data, nInputs: 1, size, x: Float32Array.from({ length: size }, (_, i) => i), y: Float32Array.from({ length: size }, (_, i) => (i * 3) % 11) };
  const long = Int32Array.from({ length: 4000 }, (_, k) => (k * 7) % size);
  const r = recorder(1);
  evaluate(r.model, narrow, long, 'mse');
  assert.deepEqual(r.calls[0].rows, Array.from(long, (i) => [i]));
  assert.deepEqual(r.calls[0].targets, Array.from(long, (i) => narrow.y[i]));
});

test('layouts: wide sparse rows are also handed by their non-zero inputs (not ±0; NaN is), in the rows\' order; narrow or denser rows are not', () => {
  const make = (n: number, every: number): Dataset => {
    const size = 300;
    const x = new Float32Array(size * n);
    for (let i = 0; i < x.length; i++) if (i % every === 0) x[i] = 1 + (i % 13) / 7;
    x[150 * n + 2] = NaN;
    x[151 * n + 1] = -0;
    return { ...normalize(squareImages(size, 4), 'paper', null, 1), nInputs: n, x };
  };
  const test = Int32Array.from({ length: 200 }, (_, k) => 299 - k);
  for (const [n, every, listed] of [[100, 5, true], [100, 3, false], [32, 5, false]] as const) {
    const data = make(n, every);
    const byClass = splitByClass(test, data.y, data.nOutputs);
    forgetLayouts();
    const { model, calls } = recorder(n);
    evaluate(model, data, test, 'accuracy', byClass);
    calls.forEach((call, c) => {
      if (!listed) return assert.equal(call.listed, null, `n = ${n}, one input in ${every}`);
      // Independently: each row's inputs that are neither +0 nor −0.
      const want = Array.from(byClass[c], (i) => rowOf(data, i).flatMap((v, f) => (v < 0 || v > 0 || Number.isNaN(v) ? [[f, v]] : [])));
      assert.deepEqual(call.listed, want, `class ${c}`);
    });
  }
});

for (const image of [true, false]) test(`the noisy test by class: each chunk of 256 inputs scored class by class, each class's inputs together and in test order, with the noise of a fresh stream in test order (${image ? 'images, clamped' : 'a table'})`, () => {
  const raw = squareImages(700, 4);
  const data: Dataset = { ...normalize(raw, 'paper', null, 1), kind: image ? 'image' : 'tabular' };
  const test = Int32Array.from({ length: 600 }, (_, k) => (k * 3) % 700); // a scrambled pool order (distinct: 3 and 700 are coprime), 3 chunks
  const sigma = 0.35;
  const { model, calls } = recorder(data.nInputs);
  evaluateAt([model], data, test, 'accuracy', { 'noise.sigma': sigma }, 13, data.y, data.nOutputs);
  // Independently: the noise of each input, drawn in test order from the axis's stream.
  const rng = new Rng(13, 'noise');
  const noisy = new Map<number, number[]>();
  const out = new Float64Array(data.nInputs);
  for (const i of test) {
    noisySample(data.x, i, data.nInputs, sigma, image, rng, out);
    noisy.set(i, Array.from(Float32Array.from(out)));
  }
  // The order the inputs should reach the model in: chunk by chunk, class by class, test order within.
  const want: { rows: number[][]; targets: number[] }[] = [];
  for (let start = 0; start < test.length; start += 256) {
    const chunk = Array.from(test.subarray(start, Math.min(test.length, start + 256)));
    for (let c = 0; c < data.nOutputs; c++) {
      const members = chunk.filter((i) => data.y[i] === c);
      if (members.length) want.push({ rows: members.map((i) => noisy.get(i)!), targets: members.map(() => c) });
    }
  }
  assert.equal(calls.length, want.length);
  calls.forEach((call, k) => {
    assert.ok(call.consecutive, `call ${k}: one block`);
    assert.deepEqual(call.rows, want[k].rows, `call ${k}: rows`);
    assert.deepEqual(call.targets, want[k].targets, `call ${k}: targets`);
  });
  assert.ok(calls.some((call) => call.rows.some((r) => r.some((v) => v !== 0 && v !== 1))), 'noise added');
});
