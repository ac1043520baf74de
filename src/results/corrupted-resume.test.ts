// --resume and the corrupted points' subsample (config `corrupted:`, not in the run id):
// projectRecord reuses a stored run's corrupted points only when its record says they were
// scored on a subsample of the same size; points without a corruption do not care.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints } from '../data/eval-axes/index.js';
import type { RunRecord } from '../experiment/record.js';
import { projectRecord } from './run-record.js';

function config(evaluate: Record<string, unknown>, corrupted?: Record<string, unknown>) {
  return ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 10, methods: ['sgd'], evaluate, ...(corrupted ? { corrupted } : {}) });
}

test('--resume reuses a stored run\'s corrupted points only when they were scored on a subsample of the same size', () => {
  const made = config({ corruption: ['contrast'], severity: [0, 3], 'noise.sigma': [0, 0.3] }, { subsample: 50 });
  const points = evalPoints(made);
  const record = {
    metric: 'accuracy', points, corrupted: { subsample: 50, testSize: 50, sha256: 'h' },
    methods: { sgd: { perTurn: [0.9], clean: 0.9, trainLoss: [0], at: points.map((_, k) => ({ value: 0.9 - 0.1 * k })) } },
  } as unknown as RunRecord;
  // Points: (severity 0, σ 0), (0, 0.3), (3, 0), (3, 0.3).
  assert.deepEqual(projectRecord(record, config({ corruption: ['contrast'], severity: [3], 'noise.sigma': [0] }, { subsample: 50 }))!.methods.sgd.at, [{ value: 0.7 }], 'the same subsample: reused');
  assert.equal(projectRecord(record, config({ corruption: ['contrast'], severity: [3] }, { subsample: 60 })), null, 'another size: scored again');
  assert.equal(projectRecord(record, config({ corruption: ['contrast'], severity: [3] })), null, 'the whole test set asked: scored again');
  // No corrupted point asked (severity 0 is the clean input): the subsample does not matter.
  assert.deepEqual(projectRecord(record, config({ corruption: ['contrast'], severity: [0], 'noise.sigma': [0.3] }))!.methods.sgd.at, [{ value: 0.8 }]);
});
