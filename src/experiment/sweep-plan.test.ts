// Sweep plans: axes × seeds with stable ids, an evaluation-only axis that adds no training
// runs (and whose values equal separate runs at each σ), shards that partition the runs.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseOverride, validateExperiment } from '../config/load.js';
import { runId } from '../config/identity.js';
import { UserError } from '../errors.js';
import { buildPlan } from './plan.js';
import { runExperiment } from './run.js';
import { buildSweepPlan, parseSweepJson, sweepJson } from './sweep-plan.js';
import { parseShard, shardRuns } from './shard.js';
import { loadDataset } from './testing/synthetic.js';

const BASE = {
  dataset: { name: 'mnist' }, hidden: [8], trainSize: 50, turns: 2, stepsPerTurn: 100, seed: 5,
  labelNoise: { fraction: 0.1 },
};

const SWEEP = `name: probe
base:
  dataset: { name: mnist }
  hidden: [8]
  trainSize: 50
  turns: 2
  stepsPerTurn: 100
  seed: 5
  labelNoise: { fraction: 0.1 }
grid:
  trainSize: [50, 80]
  labelNoise.fraction: [0, 0.2, 0.4]
`;

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-sweep-plan-'));
  const f = join(dir, 'probe.yaml');
  writeFileSync(f, text);
  return f;
}

test('axes × seeds: the product in order (first axis slowest, seeds innermost) with the ids of the resolved configs', () => {
  const sp = buildSweepPlan(file(SWEEP), { seeds: 2 });
  assert.equal(sp.plan.runs.length, 2 * 3 * 2);
  const expected: string[] = [];
  for (const n of [50, 80]) {
    for (const fr of [0, 0.2, 0.4]) {
      for (const seed of [5, 6]) {
        expected.push(runId(validateExperiment({ ...BASE, trainSize: n, labelNoise: { fraction: fr }, seed }, 'test'), null));
      }
    }
  }
  assert.deepEqual(sp.plan.runs.map((r) => r.id), expected);
  // Stable: the same file gives the same ids again; the ids are those `compare` gives the same grid.
  assert.deepEqual(buildSweepPlan(file(SWEEP), { seeds: 2 }).plan.runs.map((r) => r.id), expected);
  assert.deepEqual(buildPlan([file(SWEEP)], { seeds: 2 }).runs.map((r) => r.id), expected);
  // No evaluation axis: the run configs carry no noise.sigmas (the key is optional and unset).
  assert.ok(sp.plan.runs.every((r) => r.config.noise.sigmas === undefined));
  // --set with a comma list makes (or replaces) an axis.
  const more = buildSweepPlan(file(SWEEP), { seeds: 1, sets: [parseOverride('trainSize=50,80,120')] });
  assert.deepEqual([...new Set(more.plan.runs.map((r) => r.trainSize))], [50, 80, 120]);
  assert.equal(more.plan.runs.length, 9);
});

test('an evaluation-only axis trains once: one run per training point and seed, every σ evaluated in it', () => {
  const text = SWEEP.replace('  labelNoise.fraction: [0, 0.2, 0.4]\n', '') + 'evaluate:\n  noise.sigma: [0, 0.3, 1]\n';
  const sp = buildSweepPlan(file(text), { seeds: 3 });
  assert.equal(sp.plan.runs.length, 2 * 3, '2 training points × 3 seeds, not × 3 σ');
  assert.deepEqual(sp.evalAxis, { key: 'noise.sigma', values: [0, 0.3, 1] });
  assert.deepEqual(sp.metrics, ['noisy']);
  assert.ok(sp.plan.runs.every((r) => JSON.stringify(r.config.noise.sigmas) === '[0,0.3,1]' && r.config.noise.sigma === 0.3));
  // --set on noise.sigma with a list makes it evaluation-only too.
  const viaSet = buildSweepPlan(file(SWEEP), { seeds: 1, sets: [parseOverride('noise.sigma=0,0.5')] });
  assert.equal(viaSet.plan.runs.length, 6);
  assert.deepEqual(viaSet.evalAxis?.values, [0, 0.5]);
  // Not every key can be evaluation-only.
  assert.throws(() => buildSweepPlan(file(SWEEP + 'evaluate:\n  lr: [0.1]\n')), (e: Error) => e instanceof UserError && /evaluate: only noise.sigma can be evaluation-only/.test(e.message));
});

test('the value at each evaluation-only σ equals a separate run at that σ; the default path is unchanged', () => {
  const raw = loadDataset({ name: 'mnist' });
  const config = validateExperiment({ ...BASE, engine: 'reference' }, 'test');
  const plain = runExperiment(config, raw);
  const swept = runExperiment({ ...config, noise: { sigma: 0.3, sigmas: [0.1, 0.3, 0.8] } }, raw);
  for (const m of config.methods) {
    assert.deepEqual(swept.methods[m].perTurn, plain.methods[m].perTurn);
    assert.equal(swept.methods[m].noisy, plain.methods[m].noisy);
    assert.deepEqual(swept.methods[m].perClass, plain.methods[m].perClass);
    assert.equal(plain.methods[m].noisyAt, undefined);
  }
  for (const [k, sigma] of [0.1, 0.3, 0.8].entries()) {
    const alone = runExperiment({ ...config, noise: { sigma } }, raw);
    for (const m of config.methods) {
      const at = swept.methods[m].noisyAt![k];
      assert.equal(at.sigma, sigma);
      assert.equal(at.value, alone.methods[m].noisy, `${m} at σ=${sigma}`);
      assert.equal(at.balanced, alone.methods[m].balanced!.noisy);
      assert.deepEqual(at.perClass, alone.methods[m].perClass!.noisy);
    }
  }
});

test('shards K/N partition the runs into fixed slices; bad shards fail with one line', () => {
  const sp = buildSweepPlan(file(SWEEP), { seeds: 2 });
  const runs = sp.plan.runs;
  const shards = [1, 2, 3].map((k) => shardRuns(runs, parseShard(`${k}/3`)));
  assert.deepEqual(shards.map((s) => s.length), [4, 4, 4]);
  assert.deepEqual(shards[1].map((r) => r.id), [1, 4, 7, 10].map((i) => runs[i].id));
  const union = shards.flat().map((r) => r.id).sort();
  assert.deepEqual(union, runs.map((r) => r.id).sort());
  assert.equal(new Set(union).size, runs.length);
  assert.deepEqual(shardRuns(runs, parseShard('1/1')), runs);
  for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) assert.throws(() => parseShard(bad), (e: Error) => e instanceof UserError && e.message.startsWith(`--shard ${bad}: expected K/N`));
});

test('sweep.json rebuilds the same plan; a plan that no longer matches is refused', () => {
  const sp = buildSweepPlan(file(SWEEP + 'evaluate:\n  noise.sigma: [0, 0.5]\n'), { seeds: 2, sets: [parseOverride('lr=0.01')] });
  const text = sweepJson(sp);
  const back = parseSweepJson(text, 'sweep.json');
  assert.deepEqual(back.plan.runs.map((r) => r.id), sp.plan.runs.map((r) => r.id));
  assert.deepEqual(back.evalAxis, sp.evalAxis);
  assert.equal(sweepJson(back), text);
  const tampered = text.replace(/"configHash": "[0-9a-f]{6}/, '"configHash": "000000');
  assert.throws(() => parseSweepJson(tampered, 'x/sweep.json'), (e: Error) => e instanceof UserError && /^x\/sweep.json: its runs do not match/.test(e.message));
  assert.throws(() => parseSweepJson('{', 'y/sweep.json'), (e: Error) => e instanceof UserError && /^y\/sweep.json: malformed JSON/.test(e.message));
});

test('one override applier: compare and sweep plans resolve the same --set to the same configs', () => {
  for (const set of ['dataset={name: california-housing}', 'lr=0.01', 'noise={sigma: 0.5}', 'hidden=[4]', 'labelNoise={fraction: 0.2, sigma: 0.1}']) {
    const sets = [parseOverride(set)];
    const viaCompare = buildPlan([file(SWEEP)], { seeds: 1, sets }).runs.map((r) => r.config);
    const viaSweep = buildSweepPlan(file(SWEEP), { seeds: 1, sets }).plan.runs.map((r) => r.config);
    assert.deepEqual(viaSweep, viaCompare, set);
  }
});
