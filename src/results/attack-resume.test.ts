// --resume and the attack settings (config `attack:`, not in the run id): projectRecord reuses a
// stored run's attacked points only when its record says they were made with the same settings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentSchema } from '../config/schema.js';
import { evalPoints } from '../data/eval-axes/index.js';
import type { RunRecord } from '../experiment/record.js';
import { projectRecord } from './run-record.js';

function config(evaluate: Record<string, unknown>, attack?: Record<string, unknown>) {
  return ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 10, methods: ['sgd'], evaluate, ...(attack ? { attack } : {}) });
}

test('--resume reuses a stored run\'s attacked points only when they were made with the same attack settings', () => {
  const settings = { steps: 2, randomStart: false, subsample: 20 };
  const made = config({ attack: ['fgsm'], eps: [0, 0.1] }, settings);
  const points = evalPoints(made);
  const record = {
    metric: 'accuracy', points, attack: { ...settings, testSize: 20, sha256: 'h' },
    methods: { sgd: { perTurn: [0.9], clean: 0.9, trainLoss: [0], at: points.map((_, k) => ({ value: 0.9 - 0.1 * k })) } },
  } as unknown as RunRecord;
  assert.deepEqual(projectRecord(record, config({ attack: ['fgsm'], eps: [0.1] }, { randomStart: false, subsample: 20, steps: 2 }))!.methods.sgd.at, [{ value: 0.8 }], 'the same settings, in any order: reused');
  assert.equal(projectRecord(record, config({ attack: ['fgsm'], eps: [0.1] }, { ...settings, subsample: 30 })), null, 'another subsample: trained again');
  assert.equal(projectRecord(record, config({ attack: ['fgsm'], eps: [0.1] })), null, 'no settings (the whole test set): trained again');
  // Only the clean point (ε = 0) asked: no attacked point, so the settings do not matter.
  assert.deepEqual(projectRecord(record, config({ attack: ['fgsm'], eps: [0] }, { steps: 9 }))!.methods.sgd.at, [{ value: 0.9 }]);
});
