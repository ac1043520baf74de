// The generic csv dataset on files written here: classes numbered in sorted order, training end
// to end, config errors in one line. (csv-dataset.slow.test.ts: the real wine-quality file gives
// the same pool, preparation and numbers as the built-in adapter.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateExperiment } from '../config/load.js';
import { DataError, UserError } from '../errors.js';
import { runExperiment } from './run.js';
import { tempFile } from './testing/temp.js';
import { sortedClasses } from '../data/csv-dataset.js';
import { loadDataset } from '../data/index.js';

const IRIS_LIKE = 'a,b,species,c\n1,2,virginica,3\n4,5,setosa,6\n7,8,versicolor,9\n1,1,setosa,1\n2,2,Setosa,2\n';

test('classification: distinct target values become classes 0…K−1 in sorted order; features in file order', () => {
  const { file } = tempFile('iris.csv', IRIS_LIKE);
  const raw = loadDataset({ name: 'csv', path: file, target: 'species', task: 'classification' });
  assert.equal(raw.task, 'classification');
  assert.equal(raw.kind, 'tabular');
  // Code-unit order: "Setosa" < "setosa" < "versicolor" < "virginica".
  assert.equal(raw.nOutputs, 4);
  assert.deepEqual(Array.from(raw.y), [3, 1, 2, 1, 0]);
  assert.deepEqual(raw.columns, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(raw.x.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
  const picked = loadDataset({ name: 'csv', path: file, target: 'species', task: 'classification', features: ['c', 'a'] });
  assert.deepEqual(Array.from(picked.x.subarray(0, 4)), [3, 1, 6, 4]);
  // Numeric labels sort as numbers: 10 after 9.
  assert.deepEqual(sortedClasses(['10', '9', '2', '9']), ['2', '9', '10']);
});

test('a classification csv trains end to end, features z-scored, accuracy in [0, 1]', () => {
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 7},${(i * 13) % 11},${i % 7 < 3 ? 'low' : 'high'}`);
  const { file } = tempFile('toy.csv', rows.join('\n') + '\n');
  const config = validateExperiment({ dataset: { name: 'csv', path: file, target: 'label', task: 'classification' }, hidden: [4], trainSize: 30, turns: 1, stepsPerTurn: 300, methods: ['sgd', 'dwm'] }, 'toy');
  const r = runExperiment(config, loadDataset({ ...config.dataset }));
  assert.equal(r.metric, 'accuracy');
  assert.deepEqual(r.sizes, [2, 4, 2]);
  for (const m of Object.values(r.methods)) assert.ok(m.clean >= 0 && m.clean <= 1);
});

test('csv errors: one line naming the file or the key', () => {
  const { file } = tempFile('bad.csv', 'a,b,y\n1,2,3\n4,,6\n');
  assert.throws(() => loadDataset({ name: 'csv', path: file, target: 'z', task: 'regression' }), (e: Error) => e instanceof DataError && /has no column 'z'/.test(e.message));
  assert.throws(() => loadDataset({ name: 'csv', path: file, target: 'y', task: 'regression' }), (e: Error) => e instanceof DataError && /row 3: missing value in column 'b'/.test(e.message));
  const { dir } = tempFile('x');
  assert.throws(() => loadDataset({ name: 'csv', path: dir, target: 'y', task: 'regression' }), (e: Error) => e instanceof UserError && /is a folder/.test(e.message));
  const oneClass = tempFile('one.csv', 'a,y\n1,k\n2,k\n').file;
  assert.throws(() => loadDataset({ name: 'csv', path: oneClass, target: 'y', task: 'classification' }), /holds one class only/);
});

test('schema: csv keys only for name: csv, and name: csv needs path, target and task', () => {
  const base = { trainSize: 10 };
  const bad: [unknown, RegExp][] = [
    [{ name: 'wine-quality', target: 'quality' }, /^cfg: dataset\.target: only for name: csv \(this dataset is wine-quality\)$/],
    [{ name: 'mnist', delimiter: ';' }, /^cfg: dataset\.delimiter: only for name: csv/],
    [{ name: 'csv', path: 'x.csv', target: 'y' }, /^cfg: dataset\.task: name: csv needs task$/],
    [{ name: 'csv', path: 'x.csv', task: 'regression' }, /^cfg: dataset\.target: name: csv needs target$/],
    [{ name: 'csv', path: 'x.csv', target: 'y', task: 'regression', variant: 'red' }, /^cfg: dataset\.variant: not for name: csv$/],
    [{ name: 'csv', path: 'x.csv', target: 'y', task: 'ranking' }, /^cfg: dataset\.task: expected one of "regression", "classification"/],
  ];
  for (const [dataset, message] of bad) {
    assert.throws(() => validateExperiment({ ...base, dataset }, 'cfg'), (e: Error) => e instanceof UserError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(dataset));
  }
  assert.doesNotThrow(() => validateExperiment({ ...base, dataset: { name: 'csv', path: 'x.csv', target: 'y', task: 'regression' } }, 'cfg'));
});

