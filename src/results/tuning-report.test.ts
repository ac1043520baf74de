// The sensitivity figure's spec from a tuning stage's selections built by hand: which methods are
// lines and which unjoined markers (by the dimensions their trials searched), what the subtitle
// says of them, and where the learning-rate axis is ticked.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryWith, trialSettings, type Dim, type Selection, type Trial } from '../experiment/tuning.js';
import { plotSpec } from './plots.js';
import { atRangeEnds, searchedDimensions, sensitivityPlot, tuningMarkdown, type TunedCell } from './tuning-report.js';

/** A method's selection over a space: every trial scored at two seeds, by a made-up function of its values. */
function selection(method: string, rule: string, space: Record<string, Dim>, trials = 8): Selection {
  const scored = trialSettings(space, trials).map((values, i) => {
    const trial: Trial = { method, index: i + 1, values, entry: entryWith(`${method}-t${i + 1}`, { rule, space }, values) };
    const base = 0.8 - Math.abs(Math.log10(values.lr ?? 0.01) + 2) / 10 - (values['params.lambda'] ?? 0);
    const scores = [base - 0.01, base + 0.01];
    return { trial, mean: base, scores };
  });
  return { method, trials: scored, chosen: scored[0].trial, chosenMean: scored[0].mean };
}

const LR: Dim = { log: [0.0001, 0.3] };

function cell(selections: Selection[]): TunedCell {
  return {
    label: 'mnist 2-layer n=100', dataset: 'mnist', arch: '2-layer', trainSize: 100, metric: 'accuracy', seeds: [5, 6],
    selections, config: {} as TunedCell['config'],
  };
}

interface Spec {
  data: { name: string; source?: string; transform?: { type: string; expr: string }[] }[];
  axes: { scale: string; values?: number[] }[];
  marks: { type: string; from?: { facet?: { data: string } } }[];
  scales: { name: string; domain: string[]; range: string[] }[];
}

test('sensitivity: the dimensions a method searched are the keys of its trials\' values', () => {
  assert.deepEqual(searchedDimensions(selection('sgd', 'sgd', { lr: LR })), ['lr']);
  assert.deepEqual(searchedDimensions(selection('l2', 'l2', { lr: LR, 'params.lambda': { log: [0.0001, 0.1] } })), ['lr', 'params.lambda']);
});

test('sensitivity: learning rates from a Halton search are ticked at powers of ten, not at each trial', () => {
  // l2 samples lr × λ by Halton (lr: base 2, 1/2, 1/4, 3/4, …); sgd an even log grid from 0.0001 to 0.3.
  const input = sensitivityPlot(cell([selection('l2', 'l2', { lr: LR, 'params.lambda': { log: [0.0001, 0.1] } })]))!;
  const lrs = input.points.map((p) => p.x);
  assert.equal(new Set(lrs).size, 8);
  assert.ok(lrs.some((x) => Number(x.toPrecision(3)) !== x), 'unround learning rates');
  const spec = plotSpec(input) as unknown as Spec;
  const ticks = spec.axes.filter((a) => a.scale === 'x').map((a) => a.values);
  // Halton's u from 1/16 to 7/8: lr from 0.0001 · 3000^(1/16) = 0.000165 to 0.0001 · 3000^(7/8) = 0.11.
  for (const t of ticks) assert.deepEqual(t, [0.001, 0.01, 0.1]);
  const grid = plotSpec(sensitivityPlot(cell([selection('sgd', 'sgd', { lr: LR })]))!) as unknown as Spec;
  for (const a of grid.axes.filter((a) => a.scale === 'x')) assert.deepEqual(a.values, [0.0001, 0.001, 0.01, 0.1]);
});

test('sensitivity: learning rates chosen from a few round values are ticked where they are', () => {
  const input = sensitivityPlot(cell([selection('sgd', 'sgd', { lr: [0.001, 0.01, 0.1] }, 3)]))!;
  const spec = plotSpec(input) as unknown as Spec;
  for (const a of spec.axes.filter((a) => a.scale === 'x')) assert.deepEqual(a.values, [0.001, 0.01, 0.1]);
  // A sweep over n = 100, 500, 1000 keeps its ticks at the data as well.
  const sweep = plotSpec({ ...input, points: [100, 500, 1000].map((x) => ({ x, method: 'sgd', mean: 1, lo: NaN, hi: NaN })) }) as unknown as Spec;
  for (const a of sweep.axes.filter((a) => a.scale === 'x')) assert.deepEqual(a.values, [100, 500, 1000]);
});

test('sensitivity: a method that searched the learning rate alone is a line; one that searched more is unjoined markers, and the subtitle says so', () => {
  const sels = [
    selection('sgd', 'sgd', { lr: LR }),
    selection('l2', 'l2', { lr: LR, 'params.lambda': { log: [0.0001, 0.1] } }),
    selection('dropout', 'sgd', { lr: LR, 'train.dropout': [0.1, 0.2, 0.5] }),
    selection('dwm', 'dwm', { lr: LR }),
  ];
  const input = sensitivityPlot(cell(sels))!;
  assert.deepEqual(input.unjoined, ['l2', 'dropout']);
  assert.match(input.subtitle, /unconnected markers: trials of a multi-dimensional search \(each at its learning rate, other hyperparameters varying\)/);
  const spec = plotSpec(input) as unknown as Spec;
  // Our line is drawn from 'joined', which keeps every row but l2's and dropout's.
  const lineGroups = spec.marks.filter((m) => m.type === 'group' && m.from?.facet);
  assert.deepEqual(lineGroups.map((m) => m.from!.facet!.data), ['joined']);
  const joined = spec.data.find((d) => d.name === 'joined')!;
  assert.equal(joined.source, 'ours');
  assert.deepEqual(joined.transform, [{ type: 'filter', expr: 'indexof(["l2","dropout"], datum.method) < 0' }]);
  // In the legend l2 and dropout are their marker without the stroke; sgd and dwm a stroke through it.
  const legend = spec.scales.find((s) => s.name === 'legend-shape')!;
  const entry = (m: string) => legend.range[legend.domain.indexOf(m)];
  for (const m of ['sgd', 'dwm']) assert.match(entry(m), /^M-1\.6,0H1\.6M/, m);
  for (const m of ['l2', 'dropout']) assert.doesNotMatch(entry(m), /^M-1\.6,0H1\.6/, m);
  // Only 1-D methods: every method joined, nothing said of markers.
  const lines = sensitivityPlot(cell([sels[0], sels[3]]))!;
  assert.equal(lines.unjoined, undefined);
  assert.doesNotMatch(lines.subtitle, /unconnected/);
  const plain = plotSpec(lines) as unknown as Spec;
  assert.deepEqual(plain.marks.filter((m) => m.type === 'group' && m.from?.facet).map((m) => m.from!.facet!.data), ['ours']);
  assert.ok(!plain.data.some((d) => d.name === 'joined'));
});

test('range ends: a chosen value that is the lowest or highest its trials tried is marked, in the table and in the summary', () => {
  // sgd over 8 log-spaced learning rates: the first trial (lr 0.0001, the lowest) chosen.
  const low = selection('sgd', 'sgd', { lr: LR });
  assert.equal(low.chosen!.values.lr, 0.0001);
  assert.deepEqual(atRangeEnds(low), [{ key: 'lr', end: 'lowest' }]);
  // The same trials with the highest learning rate chosen, and with one inside the range.
  const byLr = [...low.trials].sort((a, b) => a.trial.values.lr - b.trial.values.lr);
  const high: Selection = { ...low, chosen: byLr[byLr.length - 1].trial };
  assert.deepEqual(atRangeEnds(high), [{ key: 'lr', end: 'highest' }]);
  const inside: Selection = { ...low, method: 'dwm', chosen: byLr[3].trial };
  assert.deepEqual(atRangeEnds(inside), []);
  // Two values tried are both ends of nothing: no mark.
  const two: Selection = { ...low, method: 'adam', trials: byLr.slice(0, 2), chosen: byLr[0].trial };
  assert.deepEqual(atRangeEnds(two), []);
  // Every trial diverged: nothing chosen, nothing marked.
  assert.deepEqual(atRangeEnds({ ...low, chosen: null }), []);

  const md = tuningMarkdown('t', [cell([low, inside, two])], 8);
  assert.match(md, /\| sgd \| lr 0\.0001 \(lowest tried\) \|/);
  assert.match(md, new RegExp(`\\| dwm \\| lr ${byLr[3].trial.values.lr} \\|`));
  const flat = md.replace(/\s+/g, ' ');
  assert.match(flat, /\*\*At the end of the range\.\*\* 1 of 3 chosen settings have a value at an end of the range its trials searched \(lowest lr;/);
  assert.match(flat, /outside the range: sgd on mnist 2-layer n=100\./);
  assert.doesNotMatch(tuningMarkdown('t', [cell([inside])], 8), /At the end of the range/);
});
