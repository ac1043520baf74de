// A loaded pool is shared by the runs whose dataset options the loaders read are equal
// (datasetKey: a worker's cache key and the key of a plan's data identities). Those options are
// derived from the schema: every dataset option but the ones marked as acting after loading.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetKey } from './identity.js';
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
