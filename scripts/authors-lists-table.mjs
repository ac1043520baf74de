#!/usr/bin/env node
// The authors' published image numbers against dwgd's 10-seed means on two kinds of training
// list: dwgd's own (a fresh list per seed, docs/reproduction) and the authors' (numpy seed 5,
// one list per dataset and n, docs/reproduction/authors-lists). Prints Markdown; the tables in
// docs/reproduction/README.md are its output. Reads only the two summary.csv files.
//
//   node scripts/authors-lists-table.mjs [docs/reproduction] [docs/reproduction/authors-lists]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const [ownDir = 'docs/reproduction', listsDir = 'docs/reproduction/authors-lists'] = process.argv.slice(2);
const read = (dir) => parse(readFileSync(join(dir, 'summary.csv'), 'utf8'), { columns: true });

/** One cell per dataset × arch × n × test × method: dwgd's mean and sd, the authors' number. */
function cells(rows) {
  const out = new Map();
  for (const r of rows) {
    if (r.metric !== 'accuracy' || r.authors === '') continue;
    const key = [r.dataset, r.arch, r.trainSize, r.eval, r.method].join('|');
    if (!out.has(key)) out.set(key, { dataset: r.dataset, arch: r.arch, n: r.trainSize, kind: r.eval, method: r.method, mean: Number(r.mean), sd: Number(r.sd), authors: Number(r.authors) });
  }
  return out;
}

/** Two-sided exact sign test: P(a split at least as uneven as k of n under p = ½). */
function signTest(k, n) {
  const choose = (a, b) => { let c = 1; for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i; return c; };
  const far = Math.min(k, n - k);
  let tail = 0;
  for (let i = 0; i <= far; i++) tail += choose(n, i);
  return Math.min(1, (2 * tail) / 2 ** n);
}

const own = cells(read(ownDir));
const lists = cells(read(listsDir));
const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;

// Per experiment (dataset × arch × n) on the clean test: authors − dwgd mean, averaged over the five methods.
const experiments = new Map();
for (const [key, c] of lists) {
  const o = own.get(key);
  if (!o || c.kind !== 'clean') continue;
  const id = [c.dataset, c.arch, c.n].join(' ');
  const e = experiments.get(id) ?? { id, dataset: c.dataset, own: [], lists: [] };
  e.own.push(c.authors - o.mean);
  e.lists.push(c.authors - c.mean);
  experiments.set(id, e);
}
const avg = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

console.log('| experiment (clean test) | authors − dwgd, dwgd\'s lists | authors − dwgd, authors\' lists |');
console.log('|---|---:|---:|');
for (const e of experiments.values()) console.log(`| ${e.id} | ${signed(avg(e.own))} | ${signed(avg(e.lists))} |`);
console.log('');
console.log('Mean over the five methods, in points; positive: the authors\' number is above dwgd\'s 10-seed mean.');
console.log('');
console.log('| dataset | test | authors − dwgd, dwgd\'s lists | authors − dwgd, authors\' lists | cells above, dwgd\'s lists | cells above, authors\' lists |');
console.log('|---|---|---:|---:|---:|---:|');
for (const ds of ['mnist', 'fashion-mnist', 'cifar-10']) {
  for (const kind of ['clean', 'noisy']) {
    const keys = [...lists.keys()].filter((k) => k.startsWith(`${ds}|`) && k.split('|')[3] === kind && own.has(k));
    if (!keys.length) continue;
    const a = keys.map((k) => own.get(k).authors - own.get(k).mean);
    const b = keys.map((k) => lists.get(k).authors - lists.get(k).mean);
    console.log(`| ${ds} | ${kind} | ${signed(avg(a))} | ${signed(avg(b))} | ${a.filter((x) => x > 0).length} of ${a.length} | ${b.filter((x) => x > 0).length} of ${b.length} |`);
  }
}
console.log('');
const es = [...experiments.values()];
const aboveOwn = es.filter((e) => avg(e.own) > 0).length;
const aboveLists = es.filter((e) => avg(e.lists) > 0).length;
console.log(`Experiments (clean) where the authors' number is above dwgd's mean: ${aboveOwn} of ${es.length} on dwgd's lists ` +
  `(sign test p = ${signTest(aboveOwn, es.length).toPrecision(2)}), ${aboveLists} of ${es.length} on the authors' lists (p = ${signTest(aboveLists, es.length).toPrecision(2)}). ` +
  'The sign test treats the experiments as independent draws; they are not (each dataset\'s experiments share one list), so its p is too small on dwgd\'s side as a test of "the authors\' numbers are luckier".');
console.log('');
const shift = [...lists.keys()].filter((k) => own.has(k) && k.split('|')[3] === 'clean').map((k) => lists.get(k).mean - own.get(k).mean);
console.log(`dwgd on the authors' lists minus dwgd on its own lists (clean, every cell): mean ${signed(avg(shift))} points, up in ${shift.filter((x) => x > 0).length} of ${shift.length} cells.`);
for (const ds of ['mnist', 'fashion-mnist', 'cifar-10']) {
  const s = [...lists.keys()].filter((k) => k.startsWith(`${ds}|`) && own.has(k) && k.split('|')[3] === 'clean').map((k) => lists.get(k).mean - own.get(k).mean);
  if (s.length) console.log(`- ${ds}: ${signed(avg(s))} points (${s.filter((x) => x > 0).length} of ${s.length} cells up)`);
}
