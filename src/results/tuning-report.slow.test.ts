// A sensitivity figure of the tuning stage drawn to SVG the way `dwgd tune` draws it: methods
// that searched the learning rate alone are lines, those that searched more are markers with no
// line, the learning-rate axis is labelled at powers of ten, and the fair study's eleven methods
// each have a colour and a marker of their own in the legend.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryWith, trialSettings, type Dim, type Selection, type Trial } from '../experiment/tuning.js';
import { plotSvg } from './plots.js';
import { sensitivityPlot, type TunedCell } from './tuning-report.js';

const LR: Dim = { log: [0.0001, 0.3] };

function selection(method: string, space: Record<string, Dim>): Selection {
  const scored = trialSettings(space, 8).map((values, i) => {
    const trial: Trial = { method, index: i + 1, values, entry: entryWith(`${method}-t${i + 1}`, { rule: 'sgd', space }, values) };
    const mean = 0.8 - Math.abs(Math.log10(values.lr) + 2) / 10 - method.length / 100;
    return { trial, mean, scores: [mean - 0.01, mean + 0.01] };
  });
  return { method, trials: scored, chosen: scored[0].trial, chosenMean: scored[0].mean };
}

function cell(selections: Selection[]): TunedCell {
  return { label: 'wine-quality 3-layer n=100', dataset: 'wine-quality', arch: '3-layer', trainSize: 100, metric: 'accuracy', seeds: [5, 6], selections, config: {} as TunedCell['config'] };
}

/** The legend entries of a rendered figure: label, fill and the symbol's path. */
function legend(svg: string): { label: string; fill: string; d: string }[] {
  const re = /<g class="mark-symbol role-legend-symbol"[^>]*><path [^>]*d="([^"]*)" fill="([^"]*)"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text [^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(re)].map((m) => ({ d: m[1], fill: m[2], label: m[3] }));
}

test('the rendered sensitivity figure: lines for one-dimensional searches, bare markers for the rest, the learning rate labelled at powers of ten', async () => {
  const svg = await plotSvg(sensitivityPlot(cell([
    selection('sgd', { lr: LR }),
    selection('l2', { lr: LR, 'params.lambda': { log: [0.0001, 0.1] } }),
    selection('dwm', { lr: LR }),
  ]))!);
  assert.equal((svg.match(/class="mark-line role-mark"/g) ?? []).length, 2, 'sgd\'s and dwm\'s lines, none for l2');
  for (const m of ['sgd', 'l2', 'dwm']) {
    assert.equal((svg.match(new RegExp(`aria-label="learning rate: [^"]*; method: ${m}; band low: [^"]*" role="graphics-symbol"`, 'g')) ?? []).length, 8, `${m}'s 8 trials`);
  }
  const xLabels = [...(/role-axis-label"[^>]*>((?:<text [^>]*>[^<]*<\/text>)+)/.exec(svg)?.[1] ?? '').matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(xLabels, ['0.0001', '0.001', '0.01', '0.1']);
  const entries = legend(svg);
  assert.deepEqual(entries.map((e) => e.label), ['sgd', 'l2', 'dwm']);
  // A stroke (symbolSize 150: 1.6 × √150 / 2 = 9.798 each side) through sgd's and dwm's markers, l2's marker alone.
  assert.deepEqual(entries.map((e) => /^M-9\.798,0L9\.798,0M/.test(e.d)), [true, false, true]);
  assert.match(svg, /unconnected markers: trials of a/);
});

test('the fair study\'s eleven methods: eleven colours and eleven markers in the rendered legend', async () => {
  const names = ['sgd', 'momentum', 'adam', 'l2', 'sgd-noise', 'dropout', 'max-norm', 'label-smoothing', 'sgd-gated-decay', 'dwm', 'dwm-stable'];
  const svg = await plotSvg(sensitivityPlot(cell(names.map((m) => selection(m, { lr: LR }))))!);
  const entries = legend(svg);
  assert.deepEqual(entries.map((e) => e.label), names);
  assert.equal(new Set(entries.map((e) => e.fill)).size, 11, 'colours');
  // The marker: the legend path after its stroke.
  assert.equal(new Set(entries.map((e) => e.d.replace(/^M-9\.798,0L9\.798,0/, ''))).size, 11, 'markers');
});
