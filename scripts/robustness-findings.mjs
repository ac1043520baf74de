#!/usr/bin/env node
// Prints the counts a robustness conclusion is written from, for one study evaluated on the
// corruption suite (a sweep, or a fair comparison's final stage):
//   node scripts/robustness-findings.mjs docs/robustness/sweeps/robustness-images [--methods dwm,dwm-stable]
// Read from the study's robustness.csv (every metric of ROBUSTNESS.md, with each method's verdict
// against the baseline CE and mCE are normalised by) and its run records (the training point
// each experiment is). A verdict "better" is a lower error than the baseline's, paired by seed and
// corrected as ROBUSTNESS.md says. docs/robustness/README.md's conclusion is written from this;
// its slow test (src/results/robustness-findings.slow.test.ts) recomputes the published figures
// independently.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const [dir, ...rest] = process.argv.slice(2);
if (!dir || !existsSync(join(dir, 'robustness.csv'))) {
  process.stderr.write('usage: node scripts/robustness-findings.mjs <study folder with robustness.csv> [--methods a,b]\n');
  process.exit(2);
}
const rows = parse(readFileSync(join(dir, 'robustness.csv'), 'utf8'), { columns: true });

// The training point of each experiment: the label of its runs without the seed (the experiment
// id is computed as dwgd computes it, from a run's config and data identity).
const { experimentId } = await import(new URL('../dist/src/config/identity.js', import.meta.url).href);
const cellOf = new Map();
for (const d of readdirSync(join(dir, 'runs'))) {
  const f = join(dir, 'runs', d, 'run.json');
  if (!existsSync(f)) continue;
  const r = JSON.parse(readFileSync(f, 'utf8'));
  cellOf.set(experimentId(r.config, r.data), r.label.replace(/ seed \d+$/, ''));
}
const cell = (e) => cellOf.get(e) ?? e;

const baseline = rows.find((r) => r.baseline)?.baseline;
const all = [...new Set(rows.filter((r) => r.metric === 'mCE').map((r) => r.method))];
const at = rest.indexOf('--methods');
const methods = at >= 0 ? rest[at + 1].split(',') : all.filter((m) => /^dwm(-stable)?(-default|-tuned)?$/.test(m));
for (const m of methods) {
  if (!all.includes(m)) {
    process.stderr.write(`--methods: ${m} is not a method of ${dir} (its methods: ${all.join(', ')})\n`);
    process.exit(2);
  }
}
const experiments = [...new Set(rows.map((r) => r.experiment))];
console.log(`${dir}: ${experiments.length} training points, ${all.length} methods, baseline ${baseline}`);

const pick = (metric, method) => rows.filter((r) => r.metric === metric && r.method === method);
const tally = (xs) => {
  const by = {};
  for (const x of xs) by[x.verdict || '-'] = (by[x.verdict || '-'] ?? 0) + 1;
  return Object.entries(by).sort((a, b) => b[1] - a[1]).map(([v, n]) => `${v} ${n}`).join(', ');
};
const pct = (x) => (100 * Number(x)).toFixed(1);
/** How many of these rows the method is significantly lower (better) and higher (worse) than the baseline. */
const lowerHigher = (xs) => `lower ${xs.filter((x) => x.verdict === 'better').length}, higher ${xs.filter((x) => x.verdict === 'worse').length} (of ${xs.length})`;

for (const m of methods) {
  console.log(`\n== ${m} against ${baseline}`);
  for (const metric of ['mCE', 'relative mCE', 'effective robustness', 'norm-matched error']) {
    const xs = pick(metric, m);
    console.log(`${metric}: ${tally(xs)} (of ${xs.length})`);
    if (metric === 'mCE') {
      for (const x of xs) console.log(`  ${cell(x.experiment).padEnd(30)} ${pct(x.mean)} %  ${x.verdict}`);
    }
  }
  console.log('CE per corruption (lower / higher than the baseline at how many training points):');
  const ce = pick('CE', m);
  for (const c of [...new Set(ce.map((x) => x.corruption))]) {
    const xs = ce.filter((x) => x.corruption === c);
    console.log(`  ${c.padEnd(16)} ${lowerHigher(xs)}`);
  }
}

console.log('\n== mCE of every method: lower / higher than the baseline (training points)');
for (const m of all) {
  const xs = pick('mCE', m);
  console.log(`  ${m.padEnd(26)} ${lowerHigher(xs)}; mean mCE ${(xs.reduce((s, x) => s + 100 * Number(x.mean), 0) / xs.length).toFixed(1)} %`);
}

console.log('\n== Lipschitz bound (product of spectral norms) against the baseline');
const lip = new Map(pick('lipschitz', baseline).map((x) => [x.experiment, Number(x.mean)]));
for (const m of methods) {
  const ratios = pick('lipschitz', m).map((x) => lip.get(x.experiment) / Number(x.mean));
  const smaller = ratios.filter((r) => r > 1).length;
  console.log(`  ${m}: smaller than ${baseline}'s at ${smaller} of ${ratios.length} points; ${baseline}'s / ${m}'s from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`);
}
