// A loaded pool is shared by the runs whose dataset options the loaders read are equal
// (datasetKey: a worker's cache key and the key of a plan's data identities). Those options are
// derived from the schema: every dataset option but the ones marked as acting after loading.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configHash, datasetKey, runId } from './identity.js';
import { validateExperiment } from './load.js';
import { DATASET_LOAD_KEYS, DATASET_NAMES, DatasetSchema } from './schema.js';

/** Two values of each option the loaders read (name aside). */
const LOAD: Record<string, [unknown, unknown]> = {
  path: ['datasets/a', 'b/c.csv'],
  pool: ['train', ['data_batch_1', 'data_batch_2']],
  variant: ['white', 'red'],
  target: ['y', 'z'],
  features: [['a', 'b'], ['b', 'a']],
  task: ['regression', 'classification'],
  delimiter: [',', ';'],
};
/** Two values of each option that acts after loading. */
const AFTER: Record<string, [unknown, unknown]> = {
  normalize: ['paper', 'train'],
  targetScale: [0.1, 1],
  download: [false, true],
};

test('every dataset option of the schema is either read by the loaders or marked as acting after loading', () => {
  assert.deepEqual([...DATASET_LOAD_KEYS].sort(), ['name', ...Object.keys(LOAD)].sort());
  assert.deepEqual(Object.keys(DatasetSchema.shape).sort(), ['name', ...Object.keys(LOAD), ...Object.keys(AFTER)].sort());
});

test('datasetKey of every registered dataset changes with an option the loaders read, not with normalize, targetScale or download', () => {
  const keys = new Set<string>();
  for (const name of DATASET_NAMES) {
    const key = (extra: Record<string, unknown> = {}) => datasetKey({ dataset: { name, ...extra } as never });
    keys.add(key());
    for (const [option, [a, b]] of Object.entries(LOAD)) {
      assert.notEqual(key({ [option]: a }), key({ [option]: b }), `${name} ${option}`);
      assert.notEqual(key({ [option]: a }), key(), `${name} ${option}`);
    }
    for (const [option, [a, b]] of Object.entries(AFTER)) {
      assert.equal(key({ [option]: a }), key(), `${name} ${option}`);
      assert.equal(key({ [option]: b, pool: 'train' }), key({ pool: 'train' }), `${name} ${option}`);
    }
  }
  assert.equal(keys.size, DATASET_NAMES.length, 'the name is part of the key');
});

test('datasetKey keeps the text stored plans are keyed by (study.json)', () => {
  assert.equal(datasetKey({ dataset: { name: 'mnist', normalize: 'paper', targetScale: 0.1, download: false } }), '{"name":"mnist"}');
  assert.equal(datasetKey({ dataset: { name: 'csv', path: 'x.csv', target: 'y', task: 'regression', normalize: 'train', targetScale: 0.1, download: false } }),
    '{"name":"csv","path":"x.csv","target":"y","task":"regression"}');
});

/**
 * Three runs of docs/reproduction/runs/ as the code before `split` existed stored them: the
 * config as the paper grid (configs/paper/all.yaml) writes it, the data files, the run id and
 * the full config hash.
 */
const STORED = [
  { dataset: { name: 'mnist', normalize: 'paper' }, runId: 's5-91e0ca62bc', hash: '91e0ca62bcc9cfae44dfcd3df5ad020daf6b07e391433ff72f6fb1905c41168c',
    files: [['train-images-idx3-ubyte', 47040016, 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'],
      ['train-labels-idx1-ubyte', 60008, '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5']] },
  { dataset: { name: 'cifar-10', normalize: 'paper' }, runId: 's5-25c7c0489a', hash: '25c7c0489a8bc5b084b429c917638d5ee7dea1d16b126acba585f5eabced5aee',
    files: [['data_batch_1.bin', 30730000, 'cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5']] },
  { dataset: { name: 'california-housing', normalize: 'paper', targetScale: 0.1 }, runId: 's5-74d73792ac',
    hash: '74d73792ac2a91d17c53a2ff86df952c17a12bc83fa4f1505a8fecfc2b7655d2',
    files: [['housing.csv', 1423529, '8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e']] },
] as const;

test('a config without split keeps the run id and config hash it had before split existed; split: authors gets another', () => {
  for (const s of STORED) {
    const raw = { name: 'paper', dataset: s.dataset, hidden: [20], trainSize: 100, methods: ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'], seed: 5 };
    const data = { files: s.files.map(([name, size, sha256]) => ({ name, size, sha256 })) };
    const config = validateExperiment(raw, 'test');
    assert.equal(config.split, undefined);
    assert.equal(runId(config, data), s.runId, s.dataset.name);
    assert.equal(configHash(config, data), s.hash, s.dataset.name);
    const authors = validateExperiment({ ...raw, split: 'authors' }, 'test');
    assert.equal(authors.split, 'authors');
    assert.notEqual(runId(authors, data), s.runId, `${s.dataset.name}: split: authors`);
    assert.equal(runId({ ...authors, split: undefined }, data), s.runId, 'an unset split hashes as an absent one');
  }
});

test('equivalence margins are report-only: they leave the run id and config hash as they were', () => {
  for (const s of STORED) {
    const raw = { name: 'paper', dataset: s.dataset, hidden: [20], trainSize: 100, methods: ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'], seed: 5 };
    const data = { files: s.files.map(([name, size, sha256]) => ({ name, size, sha256 })) };
    const config = validateExperiment({ ...raw, equivalence: { accuracyPoints: 0.5, msePercent: 2 } }, 'test');
    assert.deepEqual(config.equivalence, { accuracyPoints: 0.5, msePercent: 2 });
    assert.equal(runId(config, data), s.runId, s.dataset.name);
    assert.equal(configHash(config, data), s.hash, s.dataset.name);
  }
  assert.throws(() => validateExperiment({ dataset: { name: 'mnist' }, trainSize: 100, equivalence: { accuracyPoints: 0 } }, 'bad.yaml'), /equivalence\.accuracyPoints/);
  assert.throws(() => validateExperiment({ dataset: { name: 'mnist' }, trainSize: 100, equivalence: { points: 1 } }, 'bad.yaml'), /equivalence/);
});
