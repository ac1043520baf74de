// A run's own table (table.md) with testEvery last | never: a test score not measured shows as '–',
// not as NaN (which stays the mark of a divergence).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints } from '../data/eval-axes/index.js';
import type { RunRecord } from '../experiment/record.js';
import { runTable, type StoredRun } from './run-record.js';

function stored(tested: RunRecord['tested']): StoredRun {
  const config = ExperimentSchema.parse({ dataset: { name: 'mnist' }, hidden: [4], trainSize: 10, turns: 2, methods: ['sgd'], validation: { size: 5 }, testEvery: tested ?? 'turn' });
  const points = evalPoints(config);
  const record: RunRecord = {
    dataset: 'mnist', datasetDescription: '', metric: 'accuracy', normalize: 'none', sizes: [4, 4, 2], poolSize: 100, trainSize: 10, distinctTrain: 9, testSize: 80,
    testSet: 'complement', points, ...(tested ? { tested } : {}),
    methods: { sgd: { perTurn: tested === 'never' ? [NaN, NaN] : tested === 'last' ? [NaN, 0.5] : [NaN, 0.5], clean: tested === 'never' ? NaN : 0.5, trainLoss: [1, 0.9], at: points.map(() => ({ value: tested === 'never' ? NaN : 0.4 })), val: [0.3, 0.35] } },
  };
  return { format: 'x', runId: 'r', configHash: 'h', label: 'l', config, data: null, code: {} as StoredRun['code'], record };
}

const sgdRow = (s: StoredRun) => runTable(s).split('\n').find((l) => l.startsWith('| sgd '))!.split('|').slice(2, 6).map((c) => c.trim());

test('table.md: a test score testEvery did not measure is –; a NaN the run measured stays NaN', () => {
  assert.deepEqual(sgdRow(stored(undefined)), ['NaN', '50.00', '50.00', '40.00']);
  assert.deepEqual(sgdRow(stored('last')), ['–', '50.00', '50.00', '40.00']);
  assert.deepEqual(sgdRow(stored('never')), ['–', '–', '–', '–']);
});

test('dwgd runs: a run that scored no test set shows – for clean and noisy (not NaN), its validation score as measured', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { modelRows, cellText } = await import('./run-index.js');
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-tested-'));
  try {
    const cells = (s: StoredRun) => { const [row] = modelRows({ dir, stored: s, provenance: null }); return ['clean', 'noisy', 'val'].map((k) => cellText(row, k)); };
    assert.deepEqual(cells(stored('never')), ['–', '–', '35.00']);
    assert.deepEqual(cells(stored('last')), ['50.00', '40.00', '35.00']);
    const diverged = stored(undefined);
    diverged.record.methods.sgd.clean = NaN;
    assert.deepEqual(cells(diverged), ['NaN', '40.00', '35.00']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
