// CSV readers on fixture files the test writes: quotes, `;` separators, a missing value,
// and broken inputs that must fail with one line naming the file.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../errors.js';
import { loadCaliforniaHousing } from './california-housing.js';
import { parseNumericTable } from './formats/csv.js';
import { normalize } from './prepare.js';
import { loadWineQuality } from './wine-quality.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A new empty folder under the test's temporary folder. */
function freshDir(name: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  return p;
}

const HOUSING_HEADER = 'longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity';

test('california-housing: drops ocean_proximity and the row with a missing value; exact raw values', () => {
  const sub = freshDir('housing-ok');
  const p = join(sub, 'housing.csv');
  writeFileSync(p, [
    HOUSING_HEADER,
    '-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0,NEAR BAY',
    '-122.22,37.86,21.0,7099.0,,2401.0,1138.0,8.3014,358500.0,NEAR BAY',
    '-118.5,34.2,"15.0",100.0,20.0,50.0,25.0,2.5,150000.0,"<1H OCEAN"',
    '',
  ].join('\n'));
  const raw = loadCaliforniaHousing({ path: sub });
  assert.equal(raw.kind, 'tabular');
  assert.equal(raw.task, 'regression');
  assert.equal(raw.size, 2);
  assert.equal(raw.nInputs, 8);
  assert.equal(raw.nOutputs, 1);
  assert.deepEqual(raw.columns, ['longitude', 'latitude', 'housing_median_age', 'total_rooms', 'total_bedrooms', 'population', 'households', 'median_income']);
  assert.equal(raw.targetColumn, 'median_house_value');
  const want = [[-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252], [-118.5, 34.2, 15, 100, 20, 50, 25, 2.5]];
  want.forEach((row, i) => row.forEach((v, c) => assert.equal(raw.x[i * 8 + c], Math.fround(v))));
  assert.deepEqual(Array.from(raw.y), [452600, 150000]);
  assert.match(raw.description, /1 with a missing value dropped/);
  assert.equal(raw.origin.kind, 'path');
});

test('wine-quality: `;` separators and a quoted header; white and red variants', () => {
  const sub = freshDir('wine');
  const header = '"fixed acidity";"volatile acidity";"citric acid";"residual sugar";"chlorides";"free sulfur dioxide";"total sulfur dioxide";"density";"pH";"sulphates";"alcohol";"quality"';
  writeFileSync(join(sub, 'winequality-white.csv'), [header, '7;0.27;0.36;20.7;0.045;45;170;1.001;3;0.45;8.8;6', '6.3;0.3;0.34;1.6;0.049;14;132;0.994;3.3;0.49;9.5;5', ''].join('\n'));
  writeFileSync(join(sub, 'winequality-red.csv'), [header, '7.4;0.7;0;1.9;0.076;11;34;0.9978;3.51;0.56;9.4;5', ''].join('\n'));
  const white = loadWineQuality({ path: sub });
  assert.equal(white.size, 2);
  assert.equal(white.nInputs, 11);
  assert.deepEqual(Array.from(white.x.subarray(0, 11)), [7, 0.27, 0.36, 20.7, 0.045, 45, 170, 1.001, 3, 0.45, 8.8].map(Math.fround));
  assert.deepEqual(Array.from(white.y), [6, 5]);
  assert.equal(white.columns?.[8], 'pH');
  const red = loadWineQuality({ path: sub, variant: 'red' });
  assert.equal(red.size, 1);
  assert.equal(red.y[0], 5);
  assert.match(red.description, /red wine/);
});

test('normalize paper: z-scores features and target with whole-table stats (n − 1), target × scale', () => {
  const sub = freshDir('wine-z');
  const cols = ['fixed acidity', 'volatile acidity', 'citric acid', 'residual sugar', 'chlorides', 'free sulfur dioxide', 'total sulfur dioxide', 'density', 'pH', 'sulphates', 'alcohol', 'quality'];
  // Column 0 is 1, 2, 3 (mean 2, sd 1); quality is 4, 6, 8 (mean 6, sd 2); the rest constant.
  const rows = [1, 2, 3].map((v, i) => [v, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4 + 2 * i].join(';'));
  writeFileSync(join(sub, 'winequality-white.csv'), [cols.map((c) => `"${c}"`).join(';'), ...rows].join('\n'));
  const data = normalize(loadWineQuality({ path: sub }), 'paper', null, 0.1);
  assert.equal(data.normalize, 'paper');
  assert.deepEqual([0, 1, 2].map((i) => data.x[i * 11]), [-1, 0, 1]);
  assert.deepEqual(Array.from(data.y).map((v) => Math.round(v * 1e6) / 1e6), [-0.1, 0, 0.1]);
});

test('normalize train: statistics of the training list only (with its repeats), applied to every row', () => {
  const sub = freshDir('wine-z-train');
  const cols = ['fixed acidity', 'volatile acidity', 'citric acid', 'residual sugar', 'chlorides', 'free sulfur dioxide', 'total sulfur dioxide', 'density', 'pH', 'sulphates', 'alcohol', 'quality'];
  // Column 0 is 1, 2, 3, 10 and quality 4, 6, 8, 20; the training list is rows 0, 1, 2, 1.
  // Its column 0 values 1, 2, 3, 2: mean 2, sd √((1 + 0 + 1 + 0)/3) = √(2/3); row 3 (not in
  // the list) becomes (10 − 2)/√(2/3) = 8√1.5. Quality 4, 6, 8, 6: mean 6, sd 2√(2/3); row 3:
  // 0.1·(20 − 6)/(2√(2/3)) = 0.7√1.5. With whole-table stats row 0 would be (1 − 4)/√14 instead.
  const rows = [[1, 4], [2, 6], [3, 8], [10, 20]].map(([v, q]) => [v, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, q].join(';'));
  writeFileSync(join(sub, 'winequality-white.csv'), [cols.map((c) => `"${c}"`).join(';'), ...rows].join('\n'));
  const data = normalize(loadWineQuality({ path: sub }), 'train', Int32Array.from([0, 1, 2, 1]), 0.1);
  assert.equal(data.normalize, 'train');
  const sd = Math.sqrt(2 / 3);
  const expectX = [-1 / sd, 0, 1 / sd, 8 * Math.sqrt(1.5)];
  const expectY = [-0.1 * 2 / (2 * sd), 0, 0.1 * 2 / (2 * sd), 0.7 * Math.sqrt(1.5)];
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(data.x[i * 11] - expectX[i]) < 1e-6, `x[${i}] ${data.x[i * 11]} vs ${expectX[i]}`);
    assert.ok(Math.abs(data.y[i] - expectY[i]) < 1e-6, `y[${i}] ${data.y[i]} vs ${expectY[i]}`);
    // A constant column has sd 0 and becomes 0.
    assert.equal(data.x[i * 11 + 1], 0);
  }
});

test('broken CSV files: one clear error naming the file and what is wrong', () => {
  const spec = { delimiter: ',', columns: ['a', 'b'], onMissing: 'error' as const };
  const cases: [string, RegExp][] = [
    ['a,c\n1,2\n', /bad\.csv: lacks column 'b'/],
    ['a,b\n1,x2\n', /bad\.csv: row 2: column 'b' holds 'x2', not a number/],
    ['a,b\n1,NaN\n', /bad\.csv: row 2: column 'b' holds 'NaN', not a number/],
    ['a,b\n1,\n', /bad\.csv: row 2: missing value in column 'b'/],
    ['a,b\n1,2\n3\n', /bad\.csv: is not valid CSV with ',' separators/],
    ['a,b\n"1,2\n', /bad\.csv: is not valid CSV/],
    ['', /bad\.csv: is empty/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseNumericTable(text, 'bad.csv', spec), (e: unknown) => {
      assert.ok(e instanceof DataError, `DataError for ${JSON.stringify(text)}`);
      assert.match(e.message, message);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
  }
  // A comma-separated wine file is named as such.
  assert.throws(() => parseNumericTable('a,b\n1,2\n', 'w.csv', { ...spec, delimiter: ';' }), /w\.csv: has one column only: expected ';'/);
});

test('wine-quality: a missing cell is an error, never NaN', () => {
  const sub = freshDir('wine-missing');
  const header = ['fixed acidity', 'volatile acidity', 'citric acid', 'residual sugar', 'chlorides', 'free sulfur dioxide', 'total sulfur dioxide', 'density', 'pH', 'sulphates', 'alcohol', 'quality'].map((c) => `"${c}"`).join(';');
  const p = join(sub, 'winequality-white.csv');
  writeFileSync(p, [header, '7;0.27;0.36;20.7;0.045;45;170;1.001;;0.45;8.8;6'].join('\n'));
  assert.throws(() => loadWineQuality({ path: sub }), (e: unknown) => e instanceof DataError && e.message === `${p}: row 2: missing value in column 'pH'`);
});

test('a cell beyond float32 (1e39, 1e300) is rejected with row, column and value; the largest float32 passes', () => {
  const spec = { delimiter: ',', columns: ['a', 'b'], onMissing: 'error' as const };
  for (const big of ['1e39', '-1e300']) {
    assert.throws(() => parseNumericTable(`a,b\n1,2\n3,${big}\n`, 'f.csv', spec),
      (e: unknown) => e instanceof DataError && e.message === `f.csv: row 3: column 'b' holds ${big}, beyond the ±3.4e38 a 32-bit float can hold`);
  }
  const t = parseNumericTable('a,b\n3.4028234663852886e38,-3.4e38\n', 'f.csv', spec);
  assert.equal(Math.fround(t.values[0]), 3.4028234663852886e38);
});
