// docs/fair-comparison/README.md states the tabular half's findings as counts over its 24 entries
// (12 cells × clean and noisy) and as cited means. This test recomputes every one of them from
// the published final stage: summary.csv (each method's and floor's test mean per entry) and
// comparisons.csv (each dual-weight method against each other method, with its verdict).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ROOT } from '../experiment/testing/paths.js';

const DOCS = join(ROOT, 'docs', 'fair-comparison');
const FINAL = join(DOCS, 'tune', 'fair-tabular', 'final');

type Row = Record<string, string>;
const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Row[];

test('docs/fair-comparison/README.md: the tabular findings are what its final stage gives', { skip: !existsSync(FINAL) && 'no docs/fair-comparison' }, () => {
  const text = readFileSync(join(DOCS, 'README.md'), 'utf8');
  const tabular = text.slice(text.indexOf('## Tabular datasets'), text.indexOf('## Rerun')).replace(/\s+/g, ' ');
  const says = (re: RegExp) => assert.match(tabular, re);
  const summary = csv(join(FINAL, 'summary.csv'));
  const comparisons = csv(join(FINAL, 'comparisons.csv'));
  const entries = [...new Set(summary.map((r) => `${r.cell}|${r.eval}`))];
  assert.equal(entries.length, 24);
  const mean = (entry: string, name: string) => Number(summary.find((r) => `${r.cell}|${r.eval}` === entry && r.name === name)!.mean);
  const verdict = (budget: string, entry: string, method: string, baseline: string) =>
    comparisons.find((r) => r.budget === budget && `${r.cell}|${r.eval}` === entry && r.method === method && r.baseline === baseline)!.verdict;
  const tuned = [...new Set(summary.filter((r) => r.kind === 'method' && r.name.endsWith('-tuned')).map((r) => r.name))];
  const baselines = tuned.filter((m) => m !== 'dwm-tuned' && m !== 'dwm-stable-tuned');
  assert.equal(baselines.length, 8);
  // The best tuned baseline of an entry: the non-DWM tuned method with the lowest test mean.
  const best = (entry: string) => baselines.reduce((a, b) => (mean(entry, b) < mean(entry, a) ? b : a));
  const count = (xs: string[], v: string) => xs.filter((x) => x === v).length;
  const five = (x: number) => x.toFixed(5);

  // 1. dwm-stable-tuned against the best tuned baseline.
  const st = entries.map((e) => ({ e, v: verdict('tuned', e, 'dwm-stable-tuned', best(e)) }));
  const wineBig = st.filter((x) => x.e.startsWith('wine-quality') && !/n=100\|/.test(x.e));
  assert.equal(wineBig.length, 8);
  assert.ok(wineBig.every((x) => x.v === 'better'), 'better in all 8 wine entries with n ≥ 500');
  assert.equal(count(st.map((x) => x.v), 'better'), 8, 'and nowhere else');
  says(new RegExp(`It is \\*worse\\* in ${count(st.map((x) => x.v), 'worse')} entries`));
  assert.deepEqual(st.filter((x) => x.v === 'worse').map((x) => x.e).sort(), [
    'california-housing 2-layer n=100|noisy', 'california-housing 2-layer n=1000|clean', 'california-housing 3-layer n=100|noisy',
    'california-housing 3-layer n=1000|clean', 'wine-quality 3-layer n=100|clean', 'wine-quality 3-layer n=100|noisy'].sort());
  says(new RegExp(`The other ${count(st.map((x) => x.v), 'not significant')} entries are not significant`));
  const gains = wineBig.map((x) => mean(x.e, best(x.e)) - mean(x.e, 'dwm-stable-tuned'));
  says(new RegExp(`by ${Math.min(...gains).toFixed(4)}–${Math.max(...gains).toFixed(4)}`));
  const cite = (entry: string, method: string, baseline: string) => {
    assert.equal(best(entry), baseline, `${entry}: the best tuned baseline`);
    return `${five(mean(entry, method))} against ${baseline} ${five(mean(entry, baseline))}`;
  };
  says(new RegExp(`wine 2-layer n = 1000 clean ${cite('wine-quality 2-layer n=1000|clean', 'dwm-stable-tuned', 'max-norm-tuned')}`));
  says(new RegExp(`wine 3-layer n = 500 noisy ${five(mean('wine-quality 3-layer n=500|noisy', 'dwm-stable-tuned'))} against sgd-gated-decay-tuned ${five(mean('wine-quality 3-layer n=500|noisy', 'sgd-gated-decay-tuned'))}`));
  assert.equal(best('wine-quality 3-layer n=500|noisy'), 'sgd-gated-decay-tuned');
  says(new RegExp(`\\(${five(mean('wine-quality 3-layer n=100|clean', 'dwm-stable-tuned'))} against sgd-gated-decay-tuned ${five(mean('wine-quality 3-layer n=100|clean', 'sgd-gated-decay-tuned'))} clean\\)`));
  const ch = (arch: string, n: string, ev: string, m: string) => five(mean(`california-housing ${arch} n=${n}|${ev}`, m));
  says(new RegExp(`\\(${ch('2-layer', '1000', 'clean', 'dwm-stable-tuned')} and ${ch('3-layer', '1000', 'clean', 'dwm-stable-tuned')} against max-norm-tuned ${ch('2-layer', '1000', 'clean', 'max-norm-tuned')} and ${ch('3-layer', '1000', 'clean', 'max-norm-tuned')}\\)`));
  says(new RegExp(`\\(${ch('2-layer', '100', 'noisy', 'dwm-stable-tuned')} and ${ch('3-layer', '100', 'noisy', 'dwm-stable-tuned')} against sgd-gated-decay-tuned ${ch('2-layer', '100', 'noisy', 'sgd-gated-decay-tuned')} and ${ch('3-layer', '100', 'noisy', 'sgd-gated-decay-tuned')}\\)`));

  // dwm-tuned against the best tuned baseline.
  const plain = entries.map((e) => verdict('tuned', e, 'dwm-tuned', best(e)));
  says(new RegExp(`dwm-tuned is better than the best tuned baseline in ${count(plain, 'better')} of 24 entries`));
  says(new RegExp(`noisy, ${five(mean('wine-quality 2-layer n=1000|noisy', 'dwm-tuned'))} against sgd-gated-decay-tuned ${five(mean('wine-quality 2-layer n=1000|noisy', 'sgd-gated-decay-tuned'))}\\), worse in ${count(plain, 'worse')}, and not significant or equivalent in ${count(plain, 'not significant') + count(plain, 'equivalent')}`));

  // 2. The ablation.
  const against = (budget: string, method: string, baseline: string) => entries.map((e) => verdict(budget, e, method, baseline));
  const t = against('tuned', 'dwm-tuned', 'sgd-gated-decay-tuned');
  says(new RegExp(`tuned, dwm is better than it in ${count(t, 'better')} of 24 entries, worse in ${count(t, 'worse')}, equivalent or not significant in ${count(t, 'equivalent') + count(t, 'not significant')}`));
  const d = against('default', 'dwm-default', 'sgd-gated-decay-default');
  says(new RegExp(`at the one-shot defaults, better in ${count(d, 'better')}, worse in ${count(d, 'worse')}, equivalent or not significant in ${count(d, 'equivalent') + count(d, 'not significant')}`));
  const s2 = entries.map((e) => ({ e, v: verdict('tuned', e, 'dwm-stable-tuned', 'sgd-gated-decay-tuned') }));
  says(new RegExp(`tuned, better in ${count(s2.map((x) => x.v), 'better')} of 24 entries \\(${s2.filter((x) => x.v === 'better' && x.e.startsWith('wine')).length} of them on wine\\), worse in ${count(s2.map((x) => x.v), 'worse')}, not significant in ${count(s2.map((x) => x.v), 'not significant')}`));

  // 3. Noise-trained SGD.
  const n1 = against('tuned', 'dwm-stable-tuned', 'sgd-noise-tuned');
  says(new RegExp(`loses to dwm-stable-tuned in ${count(n1, 'better')} of 24 entries \\(not significant in ${count(n1, 'not significant')}\\)`));
  const n2 = entries.map((e) => ({ e, v: verdict('tuned', e, 'dwm-tuned', 'sgd-noise-tuned') }));
  says(new RegExp(`to dwm-tuned in ${count(n2.map((x) => x.v), 'better')} of 24 \\(worse for dwm in ${count(n2.map((x) => x.v), 'worse')}: wine 3-layer n = 100\\)`));
  assert.ok(n2.filter((x) => x.v === 'worse').every((x) => x.e.startsWith('wine-quality 3-layer n=100|')));

  // 4. The one-shot defaults.
  assert.ok(against('default', 'dwm-stable-default', 'sgd-default').every((v) => v === 'better'), 'dwm-stable beats sgd at the defaults in all 24');
  const cellsOf = (ev: string) => entries.filter((e) => e.endsWith(`|${ev}`));
  const beatsAll = (ev: string) => cellsOf(ev).filter((e) => comparisons.filter((r) => r.budget === 'default' && `${r.cell}|${r.eval}` === e && r.method === 'dwm-stable-default').every((r) => r.verdict === 'better')).length;
  says(new RegExp(`better than every other default method in ${beatsAll('clean')} of 12 cells on the clean test \\(${beatsAll('noisy')} of 12 noisy\\)`));
  assert.ok(entries.every((e) => mean(e, 'max-norm-default') === mean(e, 'sgd-default')), 'max-norm-default equals sgd-default in all 24');
  says(/max-norm-default equals sgd-default to the last digit in all 24 entries/);

  // 5. Tuned worse than the default.
  const worseTuned = (m: string) => entries.filter((e) => mean(e, `${m}-tuned`) > mean(e, `${m}-default`)).length;
  says(new RegExp(`higher test mean than the default in ${worseTuned('dwm-stable')} of 24 entries for dwm-stable \\(whose default is already near its best\\) and ${worseTuned('sgd')} of 24 for sgd`));

  // 6. The ridge floor at n = 100 (clean).
  const floor = (dataset: string, arch: string, n: string) => five(Number(summary.find((r) => r.cell === `${dataset} ${arch} n=${n}` && r.eval === 'clean' && r.kind === 'floor' && r.name === 'ridge')!.mean));
  says(new RegExp(`scores ${floor('california-housing', '2-layer', '100')} on California housing \\(best tuned network: dwm-stable ${five(mean('california-housing 2-layer n=100|clean', 'dwm-stable-tuned'))} 2-layer, ${five(mean('california-housing 3-layer n=100|clean', 'dwm-stable-tuned'))} 3-layer\\)`));
  const wineNets = ['2-layer', '3-layer'].flatMap((a) => tuned.map((m) => ({ m, v: mean(`wine-quality ${a} n=100|clean`, m) })));
  const bestWine = wineNets.reduce((a, b) => (b.v < a.v ? b : a));
  says(new RegExp(`${floor('wine-quality', '2-layer', '100')} on wine, below every tuned network \\(best ${five(bestWine.v)}, ${bestWine.m.replace(/-tuned$/, '')}\\)`));
  assert.ok(Number(floor('wine-quality', '2-layer', '100')) < bestWine.v);
  says(new RegExp(`wine 2-layer n = 1000: dwm-stable ${five(mean('wine-quality 2-layer n=1000|clean', 'dwm-stable-tuned'))}, ridge ${floor('wine-quality', '2-layer', '1000')}`));

  // 7. Chosen values at an end of the values tried, from selection.json's trials.
  type Sel = { cells: { label: string; methods: { method: string; chosen: { values: Record<string, number> } | null; trials: { values: Record<string, number> }[] }[] }[] };
  const sel = JSON.parse(readFileSync(join(DOCS, 'tune', 'fair-tabular', 'tuning', 'selection.json'), 'utf8')) as Sel;
  const ends: { cell: string; method: string; key: string; end: string; value: number }[] = [];
  let chosen = 0;
  for (const c of sel.cells) {
    for (const m of c.methods) {
      if (!m.chosen) continue;
      chosen++;
      for (const [key, v] of Object.entries(m.chosen.values)) {
        const tried = [...new Set(m.trials.map((t) => t.values[key]))].sort((a, b) => a - b);
        if (tried.length >= 3 && (v === tried[0] || v === tried[tried.length - 1])) ends.push({ cell: c.label, method: m.method, key, end: v === tried[0] ? 'lowest' : 'highest', value: v });
      }
    }
  }
  const endSettings = new Set(ends.map((x) => `${x.cell}|${x.method}`));
  says(new RegExp(`${endSettings.size} of the ${chosen} chosen settings are the lowest or highest value`));
  const cNorm = ends.filter((x) => x.method === 'max-norm' && x.key === 'train.maxNorm' && x.end === 'lowest');
  assert.deepEqual(cNorm.map((x) => x.cell).sort(), sel.cells.map((c) => c.label).filter((l) => l.startsWith('california-housing')).sort());
  assert.equal(new Set(cNorm.map((x) => x.value)).size, 1);
  says(new RegExp(`max-norm's c in all ${cNorm.length} California-housing cells \\(${cNorm[0].value}, the smallest c tried\\)`));
  const adamHigh = ends.filter((x) => x.method === 'adam' && x.key === 'lr' && x.end === 'highest');
  assert.deepEqual(adamHigh.map((x) => x.cell), ['wine-quality 2-layer n=100', 'wine-quality 2-layer n=500']);
  says(new RegExp(`adam's learning rate on wine 2-layer n = 100 and n = 500 \\(${adamHigh[0].value}, the largest\\), and ${endSettings.size - cNorm.length - adamHigh.length} others`));
  assert.ok(ends.every((x) => !x.method.startsWith('dwm')), 'no dual-weight setting at an end');
  says(/No dual-weight setting is at an end of its range/);
  const bests = entries.map((e) => best(e));
  const mn = entries.filter((_, i) => bests[i] === 'max-norm-tuned');
  says(new RegExp(`max-norm-tuned, the best tuned baseline in ${mn.length} of the 24 entries \\(${mn.filter((e) => e.startsWith('california')).length} of them California housing\\)`));
});
