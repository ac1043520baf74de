#!/usr/bin/env node
// The floors that need no network (src/experiment/floors/) on the training lists and test sets of
// published runs, beside those runs' MLPs: how much does a network add? For each seed it draws
// the run's split exactly as experiment/run.ts does (the `split` stream of the seed; the
// training list's distinct count and the test-set size are checked against the run's row of
// the table), prepares the data the same way, fits every floor on the training list (ridge's λ
// and knn's k chosen by leave-one-out on that list alone) and scores it on the clean test set
// and on the noisy one (σ = 0.3, the very inputs the run's networks saw: evaluateAt with the
// run's seed). Prints Markdown on stdout, progress on stderr. Build first (`npm run build`).
//
//   node scripts/floors.mjs [--dataset mnist] [--n 100] [--seeds 5-14] [--normalize paper]
//                           [--table docs/reproduction/table.csv]
//
// Defaults: MNIST, n = 100, the ten seeds and the preparation of docs/reproduction.

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Rng } from '../dist/src/core/rng.js';
import { loadDataset } from '../dist/src/data/index.js';
import { drawSplit, normalize } from '../dist/src/data/prepare.js';
import { evaluateAt } from '../dist/src/experiment/evaluate.js';
import { asTrainable, fitFloor, floorIds } from '../dist/src/experiment/floors/index.js';

function option(name, fallback) {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 && k + 1 < process.argv.length ? process.argv[k + 1] : fallback;
}

const dataset = option('dataset', 'mnist');
const n = Number(option('n', '100'));
const [lo, hi] = option('seeds', '5-14').split('-').map(Number);
const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, k) => lo + k);
const mode = option('normalize', 'paper');
const tablePath = option('table', 'docs/reproduction/table.csv');
const SIGMA = 0.3;

// The published runs of this dataset and n: final-turn metric per seed, hidden, method, test.
let rows = [];
try {
  rows = parse(readFileSync(tablePath, 'utf8'), { columns: true }).filter(
    (r) => r['dataset.name'] === dataset && Number(r.trainSize) === n && r.group === '' && r.metric !== 'train_loss' && Number(r.turn) === Number(r.turns),
  );
} catch (e) {
  console.error(`(no published runs read from ${tablePath}: ${e.message})`);
}

const raw = loadDataset({ name: dataset });
const metricName = raw.task === 'classification' ? 'accuracy' : 'mse';
const ids = floorIds(raw.task);
const fmt = (v) => (metricName === 'accuracy' ? (100 * v).toFixed(2) : (1e4 * v).toFixed(1));
const unit = metricName === 'accuracy' ? 'accuracy, %' : 'MSE ×10⁴';

const perSeed = [];
for (const seed of seeds) {
  const t0 = Date.now();
  const split = drawSplit(raw.size, n, new Rng(seed, 'split'));
  const data = normalize(raw, mode, split.train, 0.1);
  const distinct = new Set(split.train).size;
  const run = rows.find((r) => Number(r.seed) === seed);
  if (run && (Number(run.test_size) !== split.test.length || Number(run.distinct_train) !== distinct)) {
    throw new Error(`seed ${seed}: this split (test ${split.test.length}, distinct ${distinct}) is not the published run's (${run.test_size}, ${run.distinct_train})`);
  }
  const result = { seed, distinct, test: split.test.length, checked: Boolean(run), floors: {} };
  for (const id of ids) {
    const floor = fitFloor(id, data, split.train);
    const [clean, noisy] = [0, SIGMA].map((sigma) => evaluateAt([asTrainable(floor)], data, split.test, metricName, { 'noise.sigma': sigma }, seed)[0].value);
    result.floors[id] = { clean, noisy, settings: floor.settings };
  }
  perSeed.push(result);
  console.error(`seed ${seed}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const setting = (s) => Object.entries(s).map(([k, v]) => `${k === 'lambda' ? 'λ' : k} ${v}`).join(', ');

console.log(`## Floors on ${dataset}, n = ${n}, seeds ${seeds.join(', ')} (${unit}; clean / noisy σ = ${SIGMA})\n`);
console.log(`| seed | distinct | test | ${ids.join(' | ')} |`);
console.log(`|---:|---:|---:|${ids.map(() => '---:').join('|')}|`);
for (const r of perSeed) {
  const cells = ids.map((id) => {
    const f = r.floors[id];
    const s = setting(f.settings);
    return `${fmt(f.clean)} / ${fmt(f.noisy)}${s ? ` (${s})` : ''}`;
  });
  console.log(`| ${r.seed}${r.checked ? '' : ' (unchecked)'} | ${r.distinct} | ${r.test} | ${cells.join(' | ')} |`);
}
console.log(`| **mean** | | | ${ids.map((id) => `**${fmt(mean(perSeed.map((r) => r.floors[id].clean)))} / ${fmt(mean(perSeed.map((r) => r.floors[id].noisy)))}**`).join(' | ')} |`);

if (rows.length > 0) {
  // The networks on the same seeds, and each against the best floor (best mean on the clean test), seed by seed.
  const better = metricName === 'accuracy' ? (a, b) => a > b : (a, b) => a < b;
  let best = ids[0];
  for (const id of ids) if (better(mean(perSeed.map((r) => r.floors[id].clean)), mean(perSeed.map((r) => r.floors[best].clean)))) best = id;
  console.log(`\n## The published MLPs on the same splits, against the best floor (${best}), paired by seed\n`);
  console.log('| hidden | method | clean | noisy | clean − floor [min, max] | noisy − floor [min, max] |');
  console.log('|---|---|---:|---:|---:|---:|');
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.hidden}|${r.method}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  for (const [key, rs] of groups) {
    const [hidden, method] = key.split('|');
    const at = (seed, sigma) => rs.find((r) => Number(r.seed) === seed && Number(r['eval.noise.sigma']) === sigma && r.status === 'ok');
    const cell = (sigma, which) => {
      const pairs = perSeed.map((p) => [at(p.seed, sigma), p.floors[best][which]]).filter(([r]) => r);
      if (pairs.length === 0) return ['–', '–'];
      const d = pairs.map(([r, f]) => Number(r.value) - f);
      return [`${fmt(mean(pairs.map(([r]) => Number(r.value))))}`, `${fmt(mean(d))} [${fmt(Math.min(...d))}, ${fmt(Math.max(...d))}] (${pairs.length} seeds)`];
    };
    const [c, cd] = cell(0, 'clean');
    const [z, zd] = cell(SIGMA, 'noisy');
    console.log(`| ${hidden} | ${method} | ${c} | ${z} | ${cd} | ${zd} |`);
  }
}
