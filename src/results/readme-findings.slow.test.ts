// Every finding the README states about the published reproduction cites the cells that support
// it (`<!-- cells: … -->`: dataset, arch, n, test, comparison, verdict and mean Δ in points or
// MSE ×10⁴) and the claim verdicts it reports (`<!-- claims: id=verdict … -->`). This test
// reads each citation back from docs/reproduction: the verdicts and differences from its
// summary.csv, the claims recomputed from its table.csv by the claim rules.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { checkClaims } from './report.js';
import { readStudyAggregate } from './seed-plan.js';
import { DEFAULT_STATS } from './verdicts.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PUBLISHED = join(ROOT, 'docs', 'reproduction');
const section = README.slice(README.indexOf('## What we found'), README.indexOf('## Training one experiment'));

type Row = Record<string, string>;
const summary = parse(readFileSync(join(PUBLISHED, 'summary.csv'), 'utf8'), { columns: true }) as Row[];

/** "fashion-mnist 2-layer n=1000 clean dwm-stable-sgd worse -2.06" → its parts. */
function citation(text: string) {
  const m = /^(\S+) (\d-layer) n=(\d+) (clean|noisy) (\S+)-(sgd|dwm|l2-0\.01|l2-0\.1) (better|worse|equivalent|not significant|too few seeds|inconclusive) ([+-]\d+\.\d+)$/.exec(text.trim());
  assert.ok(m, `README citation not understood: "${text}"`);
  return { dataset: m[1], arch: m[2], n: m[3], kind: m[4], method: m[5], baseline: m[6], verdict: m[7], value: m[8] };
}

test('each README finding cites cells, and each cited cell has that verdict and difference in docs/reproduction', () => {
  const blocks = [...section.matchAll(/<!-- cells: ([^>]*) -->/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 3, 'the headline table and the findings cite their cells');
  // Every finding bullet but the one that points at a claim carries a citation.
  const bullets = section.split('\n- ').slice(1).map((b) => b.split('\n\n')[0]);
  for (const b of bullets) assert.ok(/<!-- cells:/.test(b) || /claim C\d/.test(b) || /docs\/reproduction\/README\.md/.test(b), `a finding without its cells: ${b.slice(0, 80)}`);
  // The counts against l2-0.1 on the image sets' noisy test, on both kinds of list.
  const count = (rows: Row[]) => {
    const r = rows.filter((x) => x.baseline === 'l2-0.1' && (x.method === 'dwm' || x.method === 'dwm-stable') && x.eval === 'noisy' && x.metric === 'accuracy');
    return (v: string) => r.filter((x) => x.verdict === v).length;
  };
  const own = count(summary);
  const lists = count(parse(readFileSync(join(PUBLISHED, 'authors-lists', 'summary.csv'), 'utf8'), { columns: true }) as Row[]);
  assert.match(section, new RegExp(`better in ${own('better')} and worse in ${own('worse')} of 36 comparisons \\(${own('equivalent')} equivalent, ${own('not significant')} not significant\\)`));
  assert.match(section, new RegExp(`they are worse in ${lists('worse')} of 36 and\\s+better in ${lists('better')}`));
  let cited = 0;
  for (const block of blocks) {
    for (const text of block.split(';')) {
      const c = citation(text);
      const row = summary.find((r) => r.dataset === c.dataset && r.arch === c.arch && r.trainSize === c.n && r.eval === c.kind && r.method === c.method && r.baseline === c.baseline);
      assert.ok(row, `no comparison ${text} in docs/reproduction/summary.csv`);
      assert.equal(row.verdict, c.verdict, `${text}: the reproduction says ${row.verdict}`);
      const scale = row.metric === 'accuracy' ? 100 : 1e4;
      assert.equal((scale * Number(row.mean_diff)).toFixed(2), Number(c.value).toFixed(2), `${text}: mean Δ is ${scale * Number(row.mean_diff)}`);
      cited++;
    }
  }
  assert.ok(cited >= 20);
  // "the largest advantage in the grid is that last cell": the largest dual − sgd difference in points on any image cell.
  const image = summary.filter((r) => r.metric === 'accuracy' && r.baseline === 'sgd' && (r.method === 'dwm' || r.method === 'dwm-stable'));
  const top = image.reduce((a, b) => (Number(b.mean_diff) > Number(a.mean_diff) ? b : a));
  assert.deepEqual([top.dataset, top.arch, top.trainSize, top.eval, top.method], ['mnist', '2-layer', '1000', 'noisy', 'dwm']);
});

test('the claim verdicts the README reports are the ones the claim rules give on docs/reproduction', () => {
  const m = /<!-- claims: ([^>]*) -->/.exec(section);
  assert.ok(m, 'the claims table cites its verdicts');
  const { agg } = readStudyAggregate(PUBLISHED, DEFAULT_STATS);
  const check = checkClaims(agg);
  const pairs = m[1].trim().split(/ (?=[a-z0-9-]+=)/).map((p) => p.split('='));
  assert.equal(pairs.length, check.claims.length, 'every checked claim is in the README');
  for (const [id, verdict] of pairs) assert.equal(check.claims.find((c) => c.id === id)?.verdict, verdict, id);
  // The table's rows show the same verdicts in the same order.
  const rows = section.split('\n').filter((l) => /^\| C\d:/.test(l)).map((l) => l.split('|')[2].trim());
  assert.deepEqual(rows, pairs.map(([, v]) => v));
  // The authors' own count in C1 (22 of 24) is the one the evidence computes.
  const c1 = check.claims.find((c) => c.id === 'regression-dwm-stable')!;
  assert.match(c1.evidence, /in the authors' own numbers \(one seed\) lowest in 22 of 24/);
  assert.match(section, /in the authors' own published numbers it is lowest in 22 of 24/);
});
