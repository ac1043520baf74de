// numpy's legacy generator and the authors' training lists against numpy's own output, stored
// once in testing/numpy-legacy.json by scripts/numpy-authors-lists.py (numpy 2.4.6 and 1.24.2
// gave the same file). Every index must be equal.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { AUTHORS_POOLS, AUTHORS_SEED, authorsPoolProblem, authorsTrainList } from './authors-split.js';
import { LegacyMT19937, legacyRandint } from './numpy-legacy.js';
import { splitFromList } from './prepare.js';

interface Fixture {
  authorsSeed: number;
  authors: { dataset: string; maxnum: number; n: number; indices: number[] }[];
  state: Record<string, number[]>;
  raw: Record<string, number[]>;
  cases: { seed: number; low: number; high: number; values: number[] }[];
  sequence: { seed: number; calls: { low: number; high: number; values: number[] }[] };
}

/** dist/src/data/ → the project root, then the fixture beside this file's source. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const numpy = JSON.parse(readFileSync(join(ROOT, 'src', 'data', 'testing', 'numpy-legacy.json'), 'utf8')) as Fixture;

test('np.random.seed(s) of an integer: the state words equal numpy\'s (init_genrand, not init_by_array)', () => {
  for (const seed of [5, 0, 4294967295]) {
    const words = new LegacyMT19937(seed).words();
    assert.deepEqual([...words.slice(0, 4), ...words.slice(-2)], numpy.state[String(seed)], `seed ${seed}`);
  }
  // numpy seeds a list [5] through init_by_array: a different state, which is not the authors'.
  assert.notDeepEqual([...new LegacyMT19937(5).words().slice(0, 4)], numpy.state['[5]']);
});

test('raw 32-bit outputs (randint(0, 2**32)) equal numpy\'s, seed 5489 giving MT19937\'s reference 3499211612 first', () => {
  for (const [seed, values] of Object.entries(numpy.raw)) {
    const gen = new LegacyMT19937(Number(seed));
    assert.deepEqual(values.map(() => gen.nextUint32()), values, `seed ${seed}`);
  }
  assert.equal(numpy.raw['5489'][0], 3499211612);
});

test('the authors\' lists: seed 5, randint(0, MAXNUM, n) for every dataset and n = 100, 500, 1000 equal numpy\'s', () => {
  assert.equal(numpy.authorsSeed, AUTHORS_SEED);
  assert.deepEqual(
    [...new Set(numpy.authors.map((a) => a.dataset))].sort(),
    Object.keys(AUTHORS_POOLS).sort(),
    'the fixture covers every dataset with an authors\' pool',
  );
  assert.equal(numpy.authors.length, 15);
  for (const { dataset, maxnum, n, indices } of numpy.authors) {
    assert.equal(AUTHORS_POOLS[dataset].maxnum, maxnum, `${dataset}: MAXNUM`);
    assert.equal(indices.length, n);
    assert.deepEqual([...authorsTrainList(dataset, maxnum, n)], indices, `${dataset} n=${n}`);
  }
  // Nested, as the authors' constructors reseed before every draw: n = 100 is the head of n = 1000.
  const mnist = (n: number) => numpy.authors.find((a) => a.dataset === 'mnist' && a.n === n)!.indices;
  assert.deepEqual(mnist(1000).slice(0, 100), mnist(100));
});

test('other seeds and bounds (powers of two and just above, above 2**32, low ≠ 0, size 0) equal numpy\'s', () => {
  assert.equal(numpy.cases.length, 70);
  for (const { seed, low, high, values } of numpy.cases) {
    assert.deepEqual(legacyRandint(new LegacyMT19937(seed), low, high, values.length), values, `seed ${seed}, randint(${low}, ${high})`);
  }
});

test('one stream through several calls: each call starts where the last one stopped, high − low = 1 draws nothing', () => {
  const gen = new LegacyMT19937(numpy.sequence.seed);
  for (const { low, high, values } of numpy.sequence.calls) {
    assert.deepEqual(legacyRandint(gen, low, high, values.length), values, `randint(${low}, ${high})`);
  }
});

test('what numpy refuses is refused: seeds outside [0, 2^32 − 1], high ≤ low', () => {
  assert.throws(() => new LegacyMT19937(-1), RangeError);
  assert.throws(() => new LegacyMT19937(2 ** 32), RangeError);
  assert.throws(() => new LegacyMT19937(1.5), RangeError);
  assert.throws(() => legacyRandint(new LegacyMT19937(5), 3, 3, 1), RangeError);
  assert.throws(() => legacyRandint(new LegacyMT19937(5), 0, 2 ** 60, 1), RangeError);
});

test('authors\' lists need the authors\' pool: its size, the paper pool, white wine; the split\'s test set is the complement', () => {
  assert.throws(() => authorsTrainList('mnist', 60_000, 100), (e: unknown) => e instanceof UserError
    && /^split: authors: the loaded mnist pool holds 60000 samples, the authors' \(MAXNUM in classification_mnist\.ipynb\) 55000$/.test(e.message));
  assert.throws(() => authorsTrainList('csv', 100, 10), /split: authors: the authors' training lists exist for .*, not for csv/);
  assert.equal(authorsPoolProblem({ name: 'mnist' }), null);
  assert.equal(authorsPoolProblem({ name: 'mnist', pool: 'paper' }), null);
  assert.match(authorsPoolProblem({ name: 'mnist', pool: 'train' })!, /dataset\.pool is "train"/);
  assert.match(authorsPoolProblem({ name: 'wine-quality', variant: 'red' })!, /dataset\.variant is red/);
  const train = authorsTrainList('cifar-10', 10_000, 1000);
  const { test: rest } = splitFromList(train, 10_000);
  const drawn = new Set(train);
  assert.equal(rest.length + drawn.size, 10_000);
  assert.ok(rest.every((i, k) => !drawn.has(i) && (k === 0 || rest[k - 1] < i)), 'every undrawn index, ascending');
});

test('the authors\' published accuracies are counts over exactly MAXNUM − (distinct entries of our list) test images, and no other size', () => {
  // Their test_step divides the correct answers by the number of pool indices not in the list
  // (NNforshow.py), so each published accuracy × the test-set size must be a whole number.
  const published = JSON.parse(readFileSync(join(ROOT, 'configs', 'paper', 'authors-results.json'), 'utf8')) as {
    rows: { dataset: string; trainSize: number; metric: string; perTurn: number[]; clean: number; noisy: number }[];
  };
  const whole = (values: number[], size: number) => values.every((v) => Math.abs(v * size - Math.round(v * size)) < 1e-6);
  let checked = 0;
  for (const row of published.rows.filter((r) => r.metric === 'accuracy')) {
    const { maxnum } = AUTHORS_POOLS[row.dataset];
    const testSize = maxnum - new Set(authorsTrainList(row.dataset, maxnum, row.trainSize)).size;
    const values = [...row.perTurn, row.clean, row.noisy];
    assert.ok(whole(values, testSize), `${row.dataset} n=${row.trainSize}: not counts over ${testSize}`);
    for (let other = maxnum - row.trainSize; other <= maxnum; other++) {
      if (other !== testSize) assert.ok(!whole(values, other), `${row.dataset} n=${row.trainSize}: also counts over ${other}`);
    }
    checked++;
  }
  assert.equal(checked, 90, '3 image sets × 2 architectures × 3 sizes × 5 methods');
});
