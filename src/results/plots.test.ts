// The figure helpers on hand-worked numbers: which band is drawn and its width, the units,
// title wrapping, the figure width, and the spec's promises (nothing clipped, one legend that
// carries dash and marker, the authors' curve only when given).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { bandKind, bandOf, bandText, FIGURE_WIDTH, fixedSize, metricUnit, parseMseScale, plotSpec, wrapTitle } from './plots.js';

test('the band is ±1 SE below five seeds and the 95 % CI from five on', () => {
  assert.equal(bandKind(2), 'se');
  assert.equal(bandKind(4), 'se');
  assert.equal(bandKind(5), 'ci95');
  // xs = 1, 2, 3, 4: mean 2.5, sd = √(5/3) = 1.290994…, SE = sd / 2 = 0.645497…
  const s = { n: 4, mean: 2.5, sd: Math.sqrt(5 / 3), ciLow: -1, ciHigh: 6 };
  const [lo, hi] = bandOf(s, 'se');
  assert.ok(Math.abs(lo - (2.5 - 0.6454972243679028)) < 1e-12 && Math.abs(hi - (2.5 + 0.6454972243679028)) < 1e-12);
  assert.deepEqual(bandOf(s, 'ci95'), [-1, 6]);
  assert.ok(bandOf({ n: 1, mean: 1, sd: NaN, ciLow: NaN, ciHigh: NaN }, 'se').every(Number.isNaN));
  assert.match(bandText('se', 3, 'band'), /3 seeds; band: ±1 standard error/);
  assert.match(bandText('ci95', 10, 'bars'), /bars: 95 % CI/);
  assert.match(bandText('se', 1, 'bars'), /one seed/);
});

test('units: accuracy in %, MSE in target units or ×10⁴, said on the axis', () => {
  assert.deepEqual(metricUnit('accuracy'), { factor: 100, label: 'accuracy (%)' });
  assert.deepEqual(metricUnit('mse'), { factor: 1, label: 'MSE (target units)' });
  assert.deepEqual(metricUnit('mse', 10000), { factor: 10000, label: 'MSE ×10⁴ (target units)' });
});

test('titles wrap at spaces, no line longer than asked unless one word is', () => {
  assert.deepEqual(wrapTitle('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
  assert.deepEqual(wrapTitle('short', 70), ['short']);
  assert.deepEqual(wrapTitle('abcdefghij x', 4), ['abcdefghij', 'x']);
});

test('every figure is scaled to the same width, its height in proportion (no blank band added)', () => {
  const small = fixedSize('<svg a="1" width="500" height="300" viewBox="0 0 500 300"><rect width="500" height="300" fill="white"/><g/></svg>');
  assert.match(small, new RegExp(`^<svg a="1" width="${FIGURE_WIDTH}" height="${(300 * FIGURE_WIDTH) / 500}" viewBox="0 0 500 300"><rect width="500" height="300" fill="white"/>`));
  // Twice as wide as the figure width: shown at half size, the view box unchanged.
  const wide = fixedSize(`<svg width="${2 * FIGURE_WIDTH}" height="10" viewBox="0 0 ${2 * FIGURE_WIDTH} 10"><rect width="1" height="1" fill="white"/></svg>`);
  assert.match(wide, new RegExp(`width="${FIGURE_WIDTH}" height="5" viewBox="0 0 ${2 * FIGURE_WIDTH} 10"`));
});

test('the spec: y from the data (no zero, no clipping), dash and shape per method, one legend, authors only when given', () => {
  const input = {
    title: 't', subtitle: 's', xTitle: 'turn', yTitle: 'test accuracy (%)', log: false, style: 'band' as const,
    methods: ['sgd', 'dwm'], points: [{ x: 1, method: 'sgd', mean: 1, lo: -0.5, hi: 2.5 }, { x: 1, method: 'dwm', mean: 2, lo: 1, hi: 3 }],
  };
  const text = JSON.stringify(plotSpec(input));
  assert.ok(!text.includes('"clip":true'));
  assert.match(text, /"zero":false/);
  // The band's lower end below 0 is kept as is (not clipped to 0).
  assert.match(text, /"lo":-0.5/);
  const spec = plotSpec(input) as unknown as { layer: { encoding?: Record<string, { legend?: unknown }> }[] };
  const withLegend = spec.layer.filter((l) => Object.values(l.encoding ?? {}).some((e) => e.legend !== undefined && e.legend !== null));
  assert.equal(withLegend.length, 1, 'one layer makes the legend');
  assert.deepEqual(Object.keys(withLegend[0].encoding!).filter((k) => withLegend[0].encoding![k].legend).sort(), ['fill', 'shape', 'stroke', 'strokeDash']);
  assert.ok(!text.includes('"authors"'));
  assert.match(JSON.stringify(plotSpec({ ...input, authors: [{ x: 1, method: 'sgd', value: 1.5 }] })), /"source":"authors"/);
});

test('--mse-scale reads 1 or 10000 (also 1e4) and refuses anything else in one line', () => {
  assert.equal(parseMseScale(undefined), undefined);
  assert.equal(parseMseScale('1'), 1);
  assert.equal(parseMseScale('10000'), 10000);
  assert.equal(parseMseScale('1e4'), 10000);
  assert.throws(() => parseMseScale('7'), (e: Error) => e instanceof UserError && /--mse-scale 7: expected 1 .* or 10000/.test(e.message));
});
