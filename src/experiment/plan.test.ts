// The plan: grid expansion, seeds, stable ids, and --only / --set as documented in plan.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { buildPlan, parseOnly } from './plan.js';
import { tempFile } from './testing/temp.js';

const GRID = `name: tiny
base:
  dataset: { name: mnist, normalize: paper }
  hidden: [8]
  trainSize: 50
  turns: 2
  stepsPerTurn: 200
  methods: [dwm, sgd]
  seed: 5
grid:
  dataset.name: [mnist, california-housing]
  hidden: [[8], [8, 4]]
  trainSize: [50, 80]
`;

function gridFile(text = GRID): string {
  return tempFile('grid.yaml', text).file;
}

const sets = (...s: string[]) => s.map(parseOverride);
const only = (...s: string[]) => s.map(parseOnly);

test('a grid expands to the cartesian product, first axis slowest, times seeds', () => {
  const plan = buildPlan([gridFile()], { seeds: 3 });
  assert.equal(plan.name, 'tiny');
  assert.equal(plan.runs.length, 2 * 2 * 2 * 3);
  assert.equal(plan.experiments.length, 8);
  assert.deepEqual(plan.runs.slice(0, 3).map((r) => r.config.seed), [5, 6, 7], 'seed s of N = base seed + s');
  assert.deepEqual(plan.runs.map((r) => r.dataset).slice(0, 12), Array(12).fill('mnist'));
  assert.deepEqual([...new Set(plan.runs.map((r) => r.label))], [
    'mnist 2-layer n=50', 'mnist 2-layer n=80', 'mnist 3-layer n=50', 'mnist 3-layer n=80',
    'california-housing 2-layer n=50', 'california-housing 2-layer n=80', 'california-housing 3-layer n=50', 'california-housing 3-layer n=80',
  ]);
  assert.equal(plan.runs[0].config.dataset.normalize, 'paper', 'the base section is kept under the axis');
  assert.equal(new Set(plan.runs.map((r) => r.id)).size, plan.runs.length, 'ids are unique');
  assert.equal(new Set(plan.runs.slice(0, 3).map((r) => r.experimentId)).size, 1, 'seeds share the experiment id');
});

test('ids are stable and depend only on what determines the numbers', () => {
  const a = buildPlan([gridFile()], { seeds: 2 });
  const b = buildPlan([gridFile(GRID.replace('name: tiny', 'name: other'))], { seeds: 2 });
  assert.deepEqual(a.runs.map((r) => r.id), b.runs.map((r) => r.id), 'the name does not change ids');
  const c = buildPlan([gridFile()], { seeds: 2, sets: sets('stepsPerTurn=300') });
  assert.ok(a.runs.every((r, i) => r.id !== c.runs[i].id), 'stepsPerTurn changes every id');
  const one = buildPlan([gridFile()], { seeds: 1 });
  assert.deepEqual(one.runs.map((r) => r.id), a.runs.filter((r) => r.seedIndex === 0).map((r) => r.id), 'more seeds only add runs');
});

test('--only selects by dataset, arch, trainSize and any key path; comma means any of', () => {
  const f = gridFile();
  const p = buildPlan([f], { only: only('dataset=mnist') });
  assert.ok(p.runs.length === 4 && p.runs.every((r) => r.dataset === 'mnist'));
  const q = buildPlan([f], { only: only('arch=3-layer', 'trainSize=50') });
  assert.deepEqual(q.runs.map((r) => r.label), ['mnist 3-layer n=50', 'california-housing 3-layer n=50']);
  const r = buildPlan([f], { only: only('hidden=[8, 4]', 'dataset.name=california-housing,mnist') });
  assert.equal(r.runs.length, 4);
  assert.ok(r.runs.every((x) => x.arch === '3-layer'));
  assert.throws(() => buildPlan([f], { only: only('colour=red') }), (e: Error) => e instanceof UserError && /--only colour=red: 'colour' is not a config key/.test(e.message));
  assert.throws(() => buildPlan([f], { only: only('dataset=cifar-10') }),
    (e: Error) => e instanceof UserError && /--only dataset=cifar-10: selects no runs \(dataset takes mnist, california-housing\)/.test(e.message));
});

test('--set changes the base, replaces an axis, or makes a comma list an axis', () => {
  const f = gridFile();
  const base = buildPlan([f], { sets: sets('stepsPerTurn=300', 'lr=0.01') });
  assert.ok(base.runs.every((r) => r.config.stepsPerTurn === 300 && r.config.lr === 0.01));
  const axis = buildPlan([f], { sets: sets('trainSize=70') });
  assert.deepEqual([...new Set(axis.runs.map((r) => r.trainSize))], [70]);
  assert.equal(axis.runs.length, 4);
  const hidden = buildPlan([f], { sets: sets('hidden=[6]') });
  assert.deepEqual([...new Set(hidden.runs.map((r) => JSON.stringify(r.config.hidden)))], ['[6]']);
  const sweep = buildPlan([f], { sets: sets('lr=0.001,0.01'), only: only('dataset=mnist', 'trainSize=50', 'arch=2-layer') });
  assert.deepEqual(sweep.runs.map((r) => r.config.lr), [0.001, 0.01]);
  assert.deepEqual(sweep.runs.map((r) => r.label), ['mnist 2-layer n=50 lr=0.001', 'mnist 2-layer n=50 lr=0.01']);
  assert.throws(() => buildPlan([f], { sets: sets('trainsize=5') }), (e: Error) => e instanceof UserError && /trainsize: unknown key/.test(e.message));
});

test('a plain experiment config is a grid of one point; bad grid files fail with one line', () => {
  const plain = gridFile('dataset: { name: mnist }\nhidden: [8]\ntrainSize: 50\nturns: 1\nstepsPerTurn: 100\nmethods: [sgd]\n');
  const p = buildPlan([plain], { seeds: 2 });
  assert.equal(p.runs.length, 2);
  assert.equal(p.name, 'grid');
  assert.throws(() => buildPlan([gridFile(GRID.replace('grid:', 'grid:\n  trainSize: []\n  x:'))]), UserError);
  assert.throws(() => buildPlan([gridFile(GRID + 'colour: red\n')]), (e: Error) => /colour: unknown key/.test(e.message));
  assert.throws(() => buildPlan([gridFile(GRID.replace('[50, 80]', '[50, -1]'))]),
    (e: Error) => e instanceof UserError && /trainSize=-1\): trainSize:/.test(e.message));
});
