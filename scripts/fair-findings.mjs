#!/usr/bin/env node
// Prints the counts a fair-comparison conclusion is written from, for one finished final stage:
//   node scripts/fair-findings.mjs docs/fair-comparison/tune/fair-tabular/final [--eval clean,noisy]
// An entry is a cell (dataset × architecture × n) at one evaluation point (clean, noisy). Read
// from the stage's summary.csv (every method's and floor's test mean per entry) and
// comparisons.csv (each dual-weight method against each other method at the same budget, with its
// verdict). "The best tuned baseline" of an entry is the non-DWM tuned method with the best test
// mean there: a choice made after seeing the test set, which favours the baseline.
// docs/fair-comparison/README.md's findings are written from this; its slow test
// (src/results/fair-findings.slow.test.ts) recomputes the published figures independently.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const [dir, ...rest] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node scripts/fair-findings.mjs <final stage folder> [--eval clean,noisy]\n');
  process.exit(2);
}
const evalAt = rest.indexOf('--eval');
const evals = evalAt >= 0 ? new Set(rest[evalAt + 1].split(',')) : null;
const csv = (name) => parse(readFileSync(join(dir, name), 'utf8'), { columns: true });
const summary = csv('summary.csv').filter((r) => !evals || evals.has(r.eval));
const comparisons = csv('comparisons.csv').filter((r) => !evals || evals.has(r.eval));

const key = (r) => `${r.cell}|${r.eval}`;
const entries = [...new Set(summary.map(key))];
// Each entry has its own metric: accuracy (higher is better) on the clean and noisy tests of a
// classification study, MSE or the mean corruption error (lower is better) elsewhere.
const metricOf = new Map(summary.map((r) => [key(r), r.metric]));
const metrics = [...new Set(metricOf.values())];
const higherIs = (metric) => metric === 'accuracy';
const inPercent = (metric) => metric !== 'mse';
const betterAt = (entry) => (a, b) => (higherIs(metricOf.get(entry)) ? a > b : a < b);
const means = new Map(summary.map((r) => [`${key(r)}|${r.name}`, Number(r.mean)]));
const mean = (entry, name) => means.get(`${entry}|${name}`);
const verdicts = new Map(comparisons.map((r) => [`${r.budget}|${key(r)}|${r.method}|${r.baseline}`, r.verdict]));
const verdict = (budget, entry, method, baseline) => verdicts.get(`${budget}|${entry}|${method}|${baseline}`);
const methodsAt = (suffix) => [...new Set(summary.filter((r) => r.kind === 'method' && r.name.endsWith(suffix)).map((r) => r.name))];
const dual = (m) => m.startsWith('dwm-stable-') || /^dwm-(default|tuned)$/.test(m);
const floors = [...new Set(summary.filter((r) => r.kind !== 'method').map((r) => r.name))];
const fmtAt = (entry) => (x) => (inPercent(metricOf.get(entry)) ? (100 * x).toFixed(2) : x.toFixed(5));

function bestOf(entry, names) {
  const scored = names.filter((m) => Number.isFinite(mean(entry, m)));
  const better = betterAt(entry);
  return scored.reduce((a, b) => (better(mean(entry, b), mean(entry, a)) ? b : a));
}

function tally(rows) {
  const by = {};
  for (const r of rows) {
    if (!by[r.v]) by[r.v] = [];
    by[r.v].push(r);
  }
  return by;
}

function show(title, rows) {
  const by = tally(rows);
  const parts = Object.entries(by).sort((a, b) => b[1].length - a[1].length).map(([v, xs]) => `${v} ${xs.length}`);
  console.log(`\n${title}: ${parts.join(', ')} (of ${rows.length})`);
  for (const v of ['better', 'worse']) {
    for (const r of by[v] ?? []) console.log(`  ${v.padEnd(6)} ${r.e.padEnd(40)} ${r.note ?? ''}`);
  }
}

const describe = (m) => `${m} (${higherIs(m) ? 'higher' : 'lower'} is better, ${inPercent(m) ? '%' : 'target units'})`;
console.log(`${dir}: ${entries.length} entries, metric ${metrics.map(describe).join('; ')}`);
for (const budget of ['tuned', 'default']) {
  const suffix = `-${budget}`;
  const all = methodsAt(suffix);
  const baselines = all.filter((m) => !dual(m));
  for (const d of all.filter(dual)) {
    show(`${d} against the best ${budget} baseline`, entries.map((e) => {
      const b = bestOf(e, baselines);
      const fmt = fmtAt(e);
      return { e, v: verdict(budget, e, d, b), note: `${fmt(mean(e, d))} vs ${b} ${fmt(mean(e, b))}` };
    }));
    for (const other of [`sgd${suffix}`, `sgd-gated-decay${suffix}`, `sgd-noise${suffix}`, `l2${suffix}`]) {
      if (!all.includes(other)) continue;
      show(`${d} against ${other}`, entries.map((e) => {
        const fmt = fmtAt(e);
        return { e, v: verdict(budget, e, d, other), note: `${fmt(mean(e, d))} vs ${fmt(mean(e, other))}` };
      }));
    }
  }
  const top = entries.map((e) => ({ e, m: bestOf(e, all) }));
  const wins = tally(top.map((x) => ({ e: x.e, v: x.m })));
  console.log(`\nbest ${budget} method by test mean (no test): ${Object.entries(wins).sort((a, b) => b[1].length - a[1].length).map(([m, xs]) => `${m} ${xs.length}`).join(', ')}`);
}

if (floors.length) {
  console.log('\nfloors against the best tuned network:');
  for (const e of entries) {
    if (!floors.some((f) => Number.isFinite(mean(e, f)))) continue; // no floor at this test (e.g. the corruption suite)
    const f = bestOf(e, floors);
    const m = bestOf(e, methodsAt('-tuned'));
    const fmt = fmtAt(e);
    const better = betterAt(e);
    console.log(`  ${e.padEnd(40)} ${f} ${fmt(mean(e, f))}  ${m} ${fmt(mean(e, m))}${better(mean(e, f), mean(e, m)) ? '  (floor ahead)' : ''}`);
  }
}
