// docs/fair-comparison/README.md states each half's findings as counts over its entries (tabular:
// 12 cells × clean and noisy; images: 18 cells × clean, noisy and the corruption suite) and as
// cited means, and an overall conclusion from both. These tests recompute every one of them from
// the published final stages: summary.csv (each method's and floor's test mean per entry) and
// comparisons.csv (each dual-weight method against each other method, with its verdict).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  const tabular = text.slice(text.indexOf('## Tabular datasets'), text.indexOf('## Image datasets')).replace(/\s+/g, ' ');
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

const IMAGES = join(DOCS, 'tune', 'fair-images', 'final');

test('docs/fair-comparison/README.md: the image findings and the overall conclusion are what the final stages give', { skip: !existsSync(join(IMAGES, 'summary.csv')) && 'no image final stage' }, () => {
  const text = readFileSync(join(DOCS, 'README.md'), 'utf8');
  const images = text.slice(text.indexOf('## Image datasets'), text.indexOf('## Overall conclusion')).replace(/\s+/g, ' ');
  const overall = text.slice(text.indexOf('## Overall conclusion'), text.indexOf('## Rerun')).replace(/\s+/g, ' ');
  const says = (re: RegExp, where = images) => assert.match(where, re);
  const summary = csv(join(IMAGES, 'summary.csv'));
  const comparisons = csv(join(IMAGES, 'comparisons.csv'));
  const key = (r: Row) => `${r.cell}|${r.eval}`;
  const entries = [...new Set(summary.map(key))];
  assert.equal(entries.length, 54);
  const means = new Map(summary.map((r) => [`${key(r)}|${r.name}`, Number(r.mean)]));
  const mean = (entry: string, name: string) => means.get(`${entry}|${name}`)!;
  const lowerIsBetter = (entry: string) => entry.endsWith('|corruptions');
  const better = (entry: string, a: number, b: number) => (lowerIsBetter(entry) ? a < b : a > b);
  const verdicts = new Map(comparisons.map((r) => [`${r.budget}|${key(r)}|${r.method}|${r.baseline}`, r.verdict]));
  const verdict = (budget: string, entry: string, method: string, baseline: string) => verdicts.get(`${budget}|${entry}|${method}|${baseline}`)!;
  const methods = (suffix: string) => [...new Set(summary.filter((r) => r.kind === 'method' && r.name.endsWith(suffix)).map((r) => r.name))];
  const dual = (m: string) => /^dwm(-stable)?-(default|tuned)$/.test(m);
  const bestOf = (entry: string, names: string[]) => names.filter((m) => Number.isFinite(mean(entry, m))).reduce((a, b) => (better(entry, mean(entry, b), mean(entry, a)) ? b : a));
  const tunedBase = methods('-tuned').filter((m) => !dual(m));
  const defaultBase = methods('-default').filter((m) => !dual(m));
  assert.equal(tunedBase.length, 9);
  const pct = (x: number) => (100 * x).toFixed(2);
  const count = (xs: string[], v: string | string[]) => xs.filter((x) => (Array.isArray(v) ? v.includes(x) : x === v)).length;
  const n = (e: string) => Number(/n=(\d+)\|/.exec(e)![1]);
  const vs = (budget: string, m: string, other: (e: string) => string) => entries.map((e) => ({ e, v: verdict(budget, e, m, other(e)) }));
  const of = (rows: { e: string; v: string }[], v: string, pred: (e: string) => boolean = () => true) => rows.filter((x) => x.v === v && pred(x.e)).length;
  const ns = (rows: { e: string; v: string }[]) => of(rows, 'not significant') + of(rows, 'equivalent');

  // 1. Against the best tuned baseline.
  const bestT = (e: string) => bestOf(e, tunedBase);
  const d1 = vs('tuned', 'dwm-tuned', bestT);
  assert.deepEqual(d1.filter((x) => x.v === 'better').map((x) => x.e).sort(), ['cifar-10 2-layer n=500|clean', 'cifar-10 2-layer n=500|noisy', 'cifar-10 3-layer n=500|corruptions',
    'cifar-10 3-layer n=500|noisy', 'fashion-mnist 2-layer n=1000|noisy'].sort());
  says(new RegExp(`dwm-tuned is better in ${of(d1, 'better')} of 54 entries`));
  says(new RegExp(`n = 1000 noisy, ${pct(mean('fashion-mnist 2-layer n=1000|noisy', 'dwm-tuned'))} against dropout-tuned ${pct(mean('fashion-mnist 2-layer n=1000|noisy', 'dropout-tuned'))}`));
  assert.equal(bestT('fashion-mnist 2-layer n=1000|noisy'), 'dropout-tuned');
  assert.equal(bestT('cifar-10 2-layer n=500|clean'), 'max-norm-tuned');
  says(new RegExp(`n = 500 clean, ${pct(mean('cifar-10 2-layer n=500|clean', 'dwm-tuned'))} against max-norm-tuned ${pct(mean('cifar-10 2-layer n=500|clean', 'max-norm-tuned'))}`));
  says(new RegExp(`worse in ${of(d1, 'worse')}, and not significant or equivalent in ${ns(d1)}`));
  const winners = d1.filter((x) => x.v === 'worse').map((x) => bestT(x.e));
  says(new RegExp(`noise-trained SGD in ${count(winners, 'sgd-noise-tuned')} of the ${of(d1, 'worse')} and dropout in ${count(winners, 'dropout-tuned')}`));
  assert.equal(bestT('mnist 3-layer n=100|clean'), 'sgd-noise-tuned');
  says(new RegExp(`MNIST 3-layer n = 100 clean ${pct(mean('mnist 3-layer n=100|clean', 'dwm-tuned'))} against sgd-noise-tuned ${pct(mean('mnist 3-layer n=100|clean', 'sgd-noise-tuned'))}`));
  assert.equal(bestT('fashion-mnist 2-layer n=1000|clean'), 'dropout-tuned');
  says(new RegExp(`n = 1000 clean ${pct(mean('fashion-mnist 2-layer n=1000|clean', 'dwm-tuned'))} against dropout-tuned ${pct(mean('fashion-mnist 2-layer n=1000|clean', 'dropout-tuned'))}`));
  const s1 = vs('tuned', 'dwm-stable-tuned', bestT);
  says(new RegExp(`dwm-stable-tuned is better in ${of(s1, 'better')}, worse in ${of(s1, 'worse')}`));
  const top = entries.map((e) => bestOf(e, methods('-tuned')));
  says(new RegExp(`dwm-tuned is the best tuned method in ${count(top, 'dwm-tuned')} of the 54 entries, more often than any other \\(sgd-noise-tuned ${count(top, 'sgd-noise-tuned')}, dwm-stable-tuned ${count(top, 'dwm-stable-tuned')}\\)`));
  assert.ok(methods('-tuned').every((m) => m === 'dwm-tuned' || count(top, m) < count(top, 'dwm-tuned')));

  // 2. Against sgd-tuned.
  const d2 = vs('tuned', 'dwm-tuned', () => 'sgd-tuned');
  const atEval = (ev: string) => (e: string) => e.endsWith(`|${ev}`);
  says(new RegExp(`better than sgd-tuned in ${of(d2, 'better')} of 54 entries \\(${of(d2, 'better', atEval('noisy'))} of the 18 noisy ones, ${of(d2, 'better', atEval('clean'))} clean, ${of(d2, 'better', atEval('corruptions'))} under corruption\\) and worse in ${of(d2, 'worse')}`));
  assert.deepEqual(d2.filter((x) => x.v === 'worse').map((x) => x.e).sort(), ['fashion-mnist 2-layer n=1000|clean', 'fashion-mnist 2-layer n=500|clean', 'mnist 3-layer n=100|corruptions', 'mnist 3-layer n=500|corruptions']);
  const s2 = vs('tuned', 'dwm-stable-tuned', () => 'sgd-tuned');
  says(new RegExp(`dwm-stable-tuned: better in ${of(s2, 'better')}, worse in ${of(s2, 'worse')}`));

  // 3. The ablation.
  const big = (e: string) => n(e) >= 500;
  const small = (e: string) => n(e) === 100;
  const d3 = vs('tuned', 'dwm-tuned', () => 'sgd-gated-decay-tuned');
  assert.equal(of(d3, 'better'), of(d3, 'better', big));
  assert.equal(of(d3, 'worse'), of(d3, 'worse', small));
  says(new RegExp(`tuned, dwm is better than sgd-gated-decay in ${of(d3, 'better')} of 54 entries, every one of them at n ≥ 500 \\(${of(d3, 'better')} of the ${entries.filter(big).length} entries there\\), and worse in ${of(d3, 'worse')}, all at n = 100`));
  const s3 = vs('tuned', 'dwm-stable-tuned', () => 'sgd-gated-decay-tuned');
  assert.equal(of(s3, 'better'), of(s3, 'better', big));
  assert.equal(of(s3, 'worse'), of(s3, 'worse', small));
  says(new RegExp(`dwm-stable: better in ${of(s3, 'better')}, all at n ≥ 500; worse in ${of(s3, 'worse')}, all at n = 100`));
  const dd3 = vs('default', 'dwm-default', () => 'sgd-gated-decay-default');
  assert.equal(of(dd3, 'better'), of(dd3, 'better', big));
  assert.equal(of(dd3, 'worse'), of(dd3, 'worse', small));
  says(new RegExp(`dwm-default is better in ${of(dd3, 'better')}, all at n ≥ 500, and worse in ${of(dd3, 'worse')}, all at n = 100`));

  // 4. Noise-trained SGD.
  const d4 = vs('tuned', 'dwm-tuned', () => 'sgd-noise-tuned');
  says(new RegExp(`sgd-noise-tuned: better in ${of(d4, 'better')} of 54 \\(${of(d4, 'better', atEval('noisy'))} of them on the noisy test\\), worse in ${of(d4, 'worse')} \\(${of(d4, 'worse', atEval('clean'))} of them clean\\), not significant or equivalent in ${ns(d4)}`));
  const s4 = vs('tuned', 'dwm-stable-tuned', () => 'sgd-noise-tuned');
  says(new RegExp(`dwm-stable-tuned: better in ${of(s4, 'better')} \\(${of(s4, 'better', atEval('noisy'))} noisy\\), worse in ${of(s4, 'worse')} \\(${of(s4, 'worse', atEval('clean'))} clean\\)`));

  // 5. Settings at the edge: the chosen trials, their neighbours, and the fresh seeds' clean accuracy.
  type Trial = { trial: string; values: Record<string, number>; mean: number | null; scores: (number | null)[] };
  type Sel = { cells: { label: string; methods: { method: string; chosen: { trial: string } | null; trials: Trial[] }[] }[] };
  const sel = JSON.parse(readFileSync(join(DOCS, 'tune', 'fair-images', 'tuning', 'selection.json'), 'utf8')) as Sel;
  const method = (cell: string, m: string) => sel.cells.find((c) => c.label === cell)!.methods.find((x) => x.method === m)!;
  const chosenTrial = (cell: string, m: string) => { const x = method(cell, m); return x.trials.find((t) => t.trial === x.chosen!.trial)!; };
  const next = (cell: string, m: string) => { const x = method(cell, m); const lrs = x.trials.map((t) => t.values.lr).sort((a, b) => a - b); const c = chosenTrial(cell, m).values.lr; return x.trials.find((t) => t.values.lr === lrs[lrs.indexOf(c) + 1])!; };
  const dm = chosenTrial('mnist 2-layer n=100', 'dwm');
  says(new RegExp(`chose lr ${dm.values.lr}, the best of its trials on validation \\(${pct(dm.mean!)} %\\) and next to one that diverged \\(lr ${next('mnist 2-layer n=100', 'dwm').values.lr}\\)`));
  assert.ok(method('mnist 2-layer n=100', 'dwm').trials.every((t) => t.mean === null || t.mean <= dm.mean!));
  const ds = chosenTrial('cifar-10 2-layer n=100', 'dwm-stable');
  const dsNext = next('cifar-10 2-layer n=100', 'dwm-stable');
  says(new RegExp(`chose lr ${ds.values.lr} \\(validation ${pct(ds.mean!)} %; lr ${dsNext.values.lr} gave ${pct(dsNext.mean!)} %\\)`));
  const fresh = (cell: string, m: string) => readdirSync(join(IMAGES, 'runs')).map((d) => JSON.parse(readFileSync(join(IMAGES, 'runs', d, 'run.json'), 'utf8')))
    .filter((r) => r.label.replace(/ seed \d+$/, '') === cell).map((r) => Number(r.record.methods[m].clean) as number);
  const f1 = fresh('mnist 2-layer n=100', 'dwm-tuned');
  assert.equal(f1.length, 10);
  const low1 = f1.filter((v) => v < 0.5).sort((a, b) => a - b);
  says(new RegExp(`reaches only ${(100 * low1[0]).toFixed(1)} % and ${(100 * low1[1]).toFixed(1)} % clean on ${low1.length === 2 ? 'two' : low1.length} of them`));
  says(new RegExp(`noisy mean there is ${pct(mean('mnist 2-layer n=100|noisy', 'dwm-tuned'))} % against ${pct(mean('mnist 2-layer n=100|noisy', 'dwm-default'))} % for dwm-default`));
  const f2 = fresh('cifar-10 2-layer n=100', 'dwm-stable-tuned');
  const low2 = f2.filter((v) => v < 0.15).sort((a, b) => a - b);
  says(new RegExp(`${low2.length} of its 10 fresh seeds stay at ${(100 * low2[0]).toFixed(1)}–${(100 * low2[low2.length - 1]).toFixed(1)} % clean`));
  assert.ok(f2.filter((v) => v >= 0.15).every((v) => v > 0.19), 'the other seeds are well clear of chance');
  says(new RegExp(`its mean is ${pct(mean('cifar-10 2-layer n=100|clean', 'dwm-stable-tuned'))} % against ${pct(mean('cifar-10 2-layer n=100|clean', 'dwm-stable-default'))} % at its default`));
  const diverged = new Map<string, number>();
  for (const c of sel.cells) for (const m of c.methods) for (const t of m.trials) if (t.mean === null || t.scores.some((v) => v === null || !Number.isFinite(v))) diverged.set(m.method, (diverged.get(m.method) ?? 0) + 1);
  const trials = sel.cells.reduce((k, c) => k + c.methods.find((m) => m.method === 'dwm')!.trials.length, 0);
  says(new RegExp(`dwm also diverged in more tuning trials than any other method \\(${diverged.get('dwm')} of its ${trials}; dropout ${diverged.get('dropout')}, sgd-gated-decay ${diverged.get('sgd-gated-decay')}, sgd ${diverged.get('sgd')}, l2 ${diverged.get('l2')}, the others none\\)`));
  assert.equal(diverged.size, 5);

  // 6. Out of the box.
  const d6 = vs('default', 'dwm-default', () => 'sgd-default');
  const s6 = vs('default', 'dwm-stable-default', () => 'sgd-default');
  assert.equal(of(d6, 'better', atEval('noisy')), 18);
  assert.equal(of(d6, 'worse'), of(s6, 'worse'));
  says(new RegExp(`dwm beats plain SGD in ${of(d6, 'better')} of 54 entries \\(all 18 noisy ones\\) and dwm-stable in ${of(s6, 'better')}, each worse in ${of(d6, 'worse')}`));
  const bestD = (e: string) => bestOf(e, defaultBase);
  const d6b = vs('default', 'dwm-default', bestD);
  const s6b = vs('default', 'dwm-stable-default', bestD);
  says(new RegExp(`dwm-default is better in ${of(d6b, 'better')} and worse in ${of(d6b, 'worse')}, dwm-stable-default better in ${of(s6b, 'better')} and worse in ${of(s6b, 'worse')}`));

  // 7. Floors.
  const floors = [...new Set(summary.filter((r) => r.kind !== 'method').map((r) => r.name))];
  const nets = methods('-tuned');
  const gaps = entries.filter((e) => small(e) && !e.endsWith('|corruptions')).map((e) => mean(e, bestOf(e, nets)) - mean(e, bestOf(e, floors)));
  says(new RegExp(`within ${(100 * Math.min(...gaps)).toFixed(1)}–${(100 * Math.max(...gaps)).toFixed(1)} points of the best tuned network`));
  assert.equal(bestOf('mnist 2-layer n=100|clean', floors), 'nearest-centroid');
  says(new RegExp(`nearest centroid ${pct(mean('mnist 2-layer n=100|clean', 'nearest-centroid'))} against sgd-gated-decay-tuned ${pct(mean('mnist 2-layer n=100|clean', 'sgd-gated-decay-tuned'))}`));
  assert.equal(bestOf('mnist 2-layer n=100|clean', nets), 'sgd-gated-decay-tuned');
  assert.equal(bestOf('cifar-10 2-layer n=100|clean', nets), 'sgd-gated-decay-tuned');
  says(new RegExp(`CIFAR-10 2-layer clean: ${pct(mean('cifar-10 2-layer n=100|clean', 'nearest-centroid'))} against ${pct(mean('cifar-10 2-layer n=100|clean', 'sgd-gated-decay-tuned'))}`));
  const noisyMnist = entries.filter((e) => e.startsWith('mnist') && big(e) && e.endsWith('|noisy'));
  assert.equal(noisyMnist.length, 4);
  assert.ok(noisyMnist.every((e) => mean(e, 'knn') > mean(e, bestOf(e, nets))), 'kNN ahead of every tuned network on noisy MNIST from n = 500');
  says(new RegExp(`2-layer n = 1000: kNN ${pct(mean('mnist 2-layer n=1000|noisy', 'knn'))} against dwm-tuned ${pct(mean('mnist 2-layer n=1000|noisy', 'dwm-tuned'))}`));
  assert.equal(bestOf('mnist 2-layer n=1000|noisy', nets), 'dwm-tuned');
  const c10 = 'cifar-10 2-layer n=1000|clean';
  assert.equal(bestOf(c10, nets), 'dwm-stable-tuned');
  assert.ok(mean(c10, 'ridge') > mean(c10, 'dwm-stable-tuned'));
  says(new RegExp(`CIFAR-10 2-layer n = 1000 clean ridge \\(${pct(mean(c10, 'ridge'))}\\) is ahead of the best network \\(dwm-stable-tuned ${pct(mean(c10, 'dwm-stable-tuned'))}\\)`));

  // 8. Chosen values at an end of the values tried.
  const ends: { cell: string; method: string; key: string; end: string }[] = [];
  let chosen = 0;
  for (const c of sel.cells) {
    for (const m of c.methods) {
      if (!m.chosen) continue;
      chosen++;
      const values = m.trials.find((t) => t.trial === m.chosen!.trial)!.values;
      for (const [k, v] of Object.entries(values)) {
        const tried = [...new Set(m.trials.map((t) => t.values[k]))].sort((a, b) => a - b);
        if (tried.length >= 3 && (v === tried[0] || v === tried[tried.length - 1])) ends.push({ cell: c.label, method: m.method, key: k, end: v === tried[0] ? 'lowest' : 'highest' });
      }
    }
  }
  const settings = new Set(ends.map((x) => `${x.cell}|${x.method}`));
  says(new RegExp(`${settings.size} of the ${chosen} chosen settings are the lowest or highest value`));
  const cifarLr = ends.filter((x) => x.cell.startsWith('cifar-10') && x.key === 'lr');
  assert.ok(cifarLr.every((x) => x.end === 'lowest'));
  const dualLr = cifarLr.filter((x) => x.method.startsWith('dwm'));
  assert.deepEqual(dualLr.map((x) => `${x.cell}|${x.method}`).sort(), ['cifar-10 3-layer n=100|dwm', 'cifar-10 3-layer n=100|dwm-stable']);
  says(new RegExp(`${cifarLr.length} of them are a CIFAR-10 learning rate at the lowest value tried, ${cifarLr.length - dualLr.length} of them baselines' and two dual`));
  const rest = [...settings].filter((k) => !cifarLr.some((x) => `${x.cell}|${x.method}` === k));
  assert.ok(rest.every((k) => k.startsWith('mnist') && /\|(l2|label-smoothing)$/.test(k)));
  assert.ok(ends.filter((x) => rest.includes(`${x.cell}|${x.method}`)).every((x) => x.end === 'lowest' && x.key !== 'lr'));
  says(new RegExp(`The other ${rest.length} are l2's λ and label smoothing's ε on MNIST, at the lowest value tried`));

  // The overall conclusion's figures.
  says(new RegExp(`the two dual methods beat it in ${of(d1, 'better')} of 54 entries each and lose in ${of(d1, 'worse')} \\(dwm\\) and ${of(s1, 'worse')} \\(dwm-stable\\)`), overall);
  assert.equal(of(d1, 'better'), of(s1, 'better'));
  says(new RegExp(`highest test mean more often than any other method on images \\(${count(top, 'dwm-tuned')} of 54\\)`), overall);
  says(new RegExp(`dwm better in ${of(d2, 'better')} of 54 entries, ${of(d2, 'better', atEval('noisy'))} of them noisy; worse in ${of(d2, 'worse')}`), overall);
  const tab = csv(join(FINAL, 'comparisons.csv')).filter((r) => r.budget === 'tuned' && r.baseline === 'sgd-tuned');
  const tabOf = (m: string, v: string) => tab.filter((r) => r.method === m && r.verdict === v).length;
  assert.equal(tabOf('dwm-tuned', 'worse') + tabOf('dwm-stable-tuned', 'worse'), 0, 'never worse than sgd-tuned on the tabular sets');
  says(new RegExp(`dwm-tuned is better than sgd-tuned in ${tabOf('dwm-tuned', 'better')} of 24 entries and dwm-stable-tuned in ${tabOf('dwm-stable-tuned', 'better')}, never worse`), overall);
  says(new RegExp(`plain DWM beats that ablation in ${of(d3, 'better', big)} of ${entries.filter(big).length} entries`), overall);
  says(new RegExp(`\\(dwm in ${of(d3, 'worse', small)} entries, dwm-stable in ${of(s3, 'worse', small)}\\)`), overall);
  assert.equal(diverged.get('adam'), undefined);

  // The project README's overview cites the same counts.
  const overview = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  says(new RegExp(`neither dual method beats the best tuned baseline \\(each better in ${of(d1, 'better')} entries, worse in ${of(d1, 'worse')} and ${of(s1, 'worse')}\\), tuned dwm beats tuned SGD in ${of(d2, 'better')} \\(${of(d2, 'better', atEval('noisy'))} of the 18 noisy ones\\) and loses in ${of(d2, 'worse')}`), overview);
  says(new RegExp(`dwm better in ${of(d3, 'better', big)} of those ${entries.filter(big).length} entries`), overview);
});
