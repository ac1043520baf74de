// An object-form method trained end to end by the train command (in process, synthetic MNIST):
// its id names its numbers, and it trains with its own lr and hyperparameters.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempFile } from '../experiment/testing/temp.js';
import { inProcessFlags, runTrain } from './testing/pipelines.js';

const CONFIG = `name: objects
dataset: { name: mnist }
hidden: [6]
trainSize: 40
turns: 2
stepsPerTurn: 150
lr: 0.05
methods:
  - sgd
  - name: adam-3e-3
    rule: adam
    lr: 0.003
    params: { beta1: 0.8 }
  - name: mom-nesterov
    rule: momentum
    params: { beta: 0.5, nesterov: 1 }
  - sgd-gated-decay
seed: 5
`;

test('train: object-form methods run end to end under their names, each with its own lr and hyperparameters', async () => {
  const { dir, file } = tempFile('objects.yaml', CONFIG);
  const o = await runTrain(inProcessFlags(file, join(dir, 'out')));
  const run = o.stored!.get(o.study.runs[0].id)!;
  const stored = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
  assert.deepEqual(Object.keys(stored.record.methods).sort(), ['adam-3e-3', 'mom-nesterov', 'sgd', 'sgd-gated-decay']);
  for (const [m, x] of Object.entries(stored.record.methods) as [string, { perTurn: number[]; trainLoss: number[] }][]) {
    assert.equal(x.perTurn.length, 2, m);
    assert.ok(x.trainLoss.every(Number.isFinite), `${m}: finite losses`);
    // Separable synthetic classes: the gradient methods learn something within 300 steps (the
    // ablation's decay η|δ_j| at this lr is not asked to).
    if (m !== 'sgd-gated-decay') assert.ok(x.perTurn[1] > 0.5, `${m}: accuracy ${x.perTurn[1]}`);
  }
  assert.deepEqual(stored.config.methods[1], { name: 'adam-3e-3', rule: 'adam', lr: 0.003, params: { beta1: 0.8 } });
  // Another lr for the adam entry is another run; the string methods' numbers are unchanged by it.
  const { file: file2 } = tempFile('objects.yaml', CONFIG.replace('lr: 0.003', 'lr: 0.001'));
  const o2 = await runTrain(inProcessFlags(file2, join(dir, 'out')));
  assert.notEqual(o2.study.runs[0].id, o.study.runs[0].id);
  const run2 = JSON.parse(readFileSync(join(o2.stored!.get(o2.study.runs[0].id)!.dir, 'run.json'), 'utf8'));
  assert.deepEqual(run2.record.methods.sgd, stored.record.methods.sgd);
  assert.notDeepEqual(run2.record.methods['adam-3e-3'], stored.record.methods['adam-3e-3']);
});
