// The figure helpers on hand-worked numbers: which band is drawn and its width, the units,
// title wrapping, the figure width, and the Vega spec's promises (nothing clipped, one legend
// that carries colour, dash and marker, the palette by method, log axes when asked, the
// authors' curve only when given).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { Rng } from '../core/rng.js';
import { PAPER_METHODS } from '../core/rules/index.js';
import { bandKind, bandOf, bandText, FIGURE_WIDTH, fixedSize, logTicks, methodStyles, metricUnit, parseMseScale, plotSpec, STYLE_COUNT, styleAt, wrapTitle, type PlotInput } from './plots.js';

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

// The parts of the Vega spec the tests read.
interface Enc { scale?: string; field?: string; value?: unknown; signal?: string }
interface SpecMark { type: string; from?: { data?: string; facet?: { name: string; data: string; groupby: string[] } }; encode?: { update: Record<string, Enc> }; marks?: SpecMark[] }
interface SpecScale { name: string; type: string; domain: unknown; range: unknown; zero?: boolean; nice?: boolean; padding?: number }
interface SpecView {
  $schema: string;
  background: string;
  title: { text: string[]; subtitle: string[] };
  data: { name: string; values?: Record<string, unknown>[]; source?: string; transform?: { expr: string }[] }[];
  scales: SpecScale[];
  axes: { scale: string; values?: number[]; title?: string[]; labels?: boolean; grid?: boolean }[];
  legends: Record<string, unknown>[];
  marks: SpecMark[];
}

const view = (p: PlotInput) => plotSpec(p) as unknown as SpecView;
const scale = (v: SpecView, name: string) => v.scales.find((s) => s.name === name)!;
/** Every mark, those inside groups included. */
const allMarks = (ms: SpecMark[]): SpecMark[] => ms.flatMap((m) => [m, ...allMarks(m.marks ?? [])]);

const BAND: PlotInput = {
  title: 't', subtitle: 's', xTitle: 'turn', yTitle: 'test accuracy (%)', log: false, style: 'band',
  methods: ['sgd', 'dwm'], points: [{ x: 1, method: 'sgd', mean: 1, lo: -0.5, hi: 2.5 }, { x: 1, method: 'dwm', mean: 2, lo: 1, hi: 3 }],
};

test('the spec is Vega v5 itself, on white, its titles wrapped', () => {
  const v = view({ ...BAND, title: 'aaa '.repeat(30).trim() });
  assert.equal(v.$schema, 'https://vega.github.io/schema/vega/v5.json');
  assert.equal(v.background, 'white');
  // 30 words of 3 letters: 17 fit in 70 characters (17 × 4 − 1 = 67), the other 13 on a second line.
  assert.deepEqual(v.title.text.map((l) => l.split(' ').length), [17, 13]);
  assert.deepEqual(v.title.subtitle, ['s']);
});

test('the spec: y from the data (bands included, no zero, no clipping), one legend carrying colour, dash and marker', () => {
  const v = view(BAND);
  const text = JSON.stringify(v);
  assert.ok(!text.includes('"clip":true'));
  const y = scale(v, 'y');
  assert.equal(y.type, 'linear');
  assert.equal(y.zero, false);
  // The domain reads the band's ends as well as the means.
  assert.deepEqual(y.domain, { fields: [{ data: 'spread', field: 'lo' }, { data: 'spread', field: 'hi' }, { data: 'points', field: 'mean' }] });
  // The band's lower end below 0 is kept as is (not clipped to 0).
  assert.equal(v.data[0].values!.find((r) => r.method === 'sgd')!.lo, -0.5);
  assert.equal(v.legends.length, 1, 'one legend');
  const legend = v.legends[0];
  assert.deepEqual([legend.fill, legend.stroke, legend.strokeDash, legend.shape], ['colour', 'colour', 'dash', 'legend-shape']);
  // Each legend symbol is a horizontal stroke (which carries the dash) and then the method's marker.
  const shapes = scale(v, 'legend-shape').range as string[];
  assert.equal(shapes.length, 2);
  for (const s of shapes) assert.match(s, /^M-1\.6,0H1\.6M/);
  // Every scale a mark or the legend names exists, and every data set a mark reads.
  const scales = new Set(v.scales.map((s) => s.name));
  const data = new Set([...v.data.map((d) => d.name), ...allMarks(v.marks).flatMap((m) => (m.from?.facet ? [m.from.facet.name] : []))]);
  for (const m of allMarks(v.marks)) {
    for (const e of Object.values(m.encode?.update ?? {})) if (e.scale) assert.ok(scales.has(e.scale), `scale ${e.scale}`);
    if (m.from?.data) assert.ok(data.has(m.from.data), `data ${m.from.data}`);
    if (m.from?.facet) assert.ok(data.has(m.from.facet.data), `data ${m.from.facet.data}`);
  }
  for (const k of ['fill', 'stroke', 'strokeDash', 'shape']) assert.ok(scales.has(legend[k] as string), k);
});

test('the palette, dashes and markers follow the method, the paper\'s five first in Okabe–Ito order', () => {
  // Legend order as given; dwm is black, sgd blue (#0072B2), solid and dotted, circle and triangle.
  const v = view(BAND);
  for (const name of ['colour', 'dash', 'shape', 'legend-shape']) assert.deepEqual(scale(v, name).domain, ['sgd', 'dwm']);
  assert.deepEqual(scale(v, 'colour').range, ['#0072B2', '#000000']);
  assert.deepEqual(scale(v, 'dash').range, [[2, 2], [1, 0]]);
  assert.deepEqual(scale(v, 'shape').range, ['triangle-up', 'circle']);
  const five = view({ ...BAND, methods: ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'] });
  assert.deepEqual(scale(five, 'colour').range, ['#000000', '#E69F00', '#0072B2', '#009E73', '#CC79A7']);
  // The marks draw from these scales: lines and bands by colour, lines dashed, our markers filled.
  const marks = allMarks(v.marks);
  const line = marks.find((m) => m.type === 'line')!;
  assert.deepEqual([line.encode!.update.stroke.scale, line.encode!.update.strokeDash.scale], ['colour', 'dash']);
  const ours = marks.find((m) => m.type === 'symbol' && m.from?.data === 'ours')!;
  assert.deepEqual([ours.encode!.update.fill.scale, ours.encode!.update.shape.scale], ['colour', 'shape']);
  assert.equal(marks.find((m) => m.type === 'area')!.encode!.update.fill.scale, 'colour');
});

test('axes: the xs are the tick values, log x and log y when asked, linear and not from zero otherwise', () => {
  const sweep: PlotInput = {
    ...BAND, log: true, logY: true, style: 'bars', xTitle: 'training-set size n',
    points: [1000, 100, 10].flatMap((x) => [{ x, method: 'sgd', mean: 50, lo: -1, hi: 60 }, { x, method: 'dwm', mean: 40, lo: 35, hi: 45 }]),
  };
  const v = view(sweep);
  assert.equal(scale(v, 'x').type, 'log');
  assert.equal(scale(v, 'y').type, 'log');
  assert.equal(scale(v, 'x').zero, undefined, 'no zero on a log scale');
  for (const a of v.axes.filter((a) => a.scale === 'x')) assert.deepEqual(a.values, [10, 100, 1000]);
  assert.deepEqual(v.axes.filter((a) => a.title).map((a) => a.title), [['training-set size n'], ['test accuracy (%)']]);
  // A bar reaching below 0 on a log axis is drawn from the mean up.
  assert.ok(v.data[0].values!.filter((r) => r.method === 'sgd').every((r) => r.lo === 50 && r.hi === 60));
  // Bars are dodged: two methods at ±0.004 × ln(1000/10) in ln x, sgd (listed first) to the left.
  const at10 = v.data[0].values!.filter((r) => r.x === 10);
  const off = 0.004 * Math.log(100);
  assert.ok(Math.abs((at10[0].xd as number) - 10 * Math.exp(-off)) < 1e-8 && Math.abs((at10[1].xd as number) - 10 * Math.exp(off)) < 1e-8);
  // Error bars: a rule from lo to hi and a tick at each end; no band.
  const types = allMarks(v.marks).filter((m) => m.from?.data === 'spread').map((m) => m.type);
  assert.deepEqual(types, ['rule', 'rect', 'rect']);
  const lin = view(BAND);
  assert.deepEqual([scale(lin, 'x').type, scale(lin, 'x').zero, scale(lin, 'y').type], ['linear', false, 'linear']);
  // Grid lines come from axes of their own, drawn before the axes with labels.
  assert.deepEqual(lin.axes.map((a) => [a.scale, a.grid === true, a.labels !== false]), [['x', true, false], ['y', true, false], ['x', false, true], ['y', false, true]]);
});

test('the authors\' curves: thin lines with open markers, only when given; our markers carry a tooltip', () => {
  const without = view(BAND);
  assert.ok(!without.data[0].values!.some((r) => r.source === 'authors'));
  assert.ok(!allMarks(without.marks).some((m) => m.from?.data === 'authors' || m.from?.facet?.data === 'authors'), 'no authors\' marks');
  const v = view({ ...BAND, authors: [{ x: 1, method: 'sgd', value: 1.5 }] });
  assert.deepEqual(v.data[0].values!.filter((r) => r.source === 'authors').map((r) => [r.method, r.mean]), [['sgd', 1.5]]);
  const marks = allMarks(v.marks);
  const lineOf = (data: string) => marks.find((m) => m.type === 'group' && m.from?.facet?.data === data)!.marks![0].encode!.update;
  assert.ok((lineOf('authors').strokeWidth.value as number) < (lineOf('ours').strokeWidth.value as number), 'thinner');
  const open = marks.find((m) => m.type === 'symbol' && m.from?.data === 'authors')!.encode!.update;
  assert.deepEqual([open.fill.value, open.stroke.scale], ['transparent', 'colour']);
  const ours = marks.find((m) => m.type === 'symbol' && m.from?.data === 'ours')!.encode!.update;
  for (const t of ['method', 'turn', 'test accuracy (%)', 'band low', 'band high']) assert.ok(ours.tooltip.signal!.includes(JSON.stringify(t)), t);
});

test('--mse-scale reads 1 or 10000 (also 1e4) and refuses anything else in one line', () => {
  assert.equal(parseMseScale(undefined), undefined);
  assert.equal(parseMseScale('1'), 1);
  assert.equal(parseMseScale('10000'), 10000);
  assert.equal(parseMseScale('1e4'), 10000);
  assert.throws(() => parseMseScale('7'), (e: Error) => e instanceof UserError && /--mse-scale 7: expected 1 .* or 10000/.test(e.message));
});

test('a scatter draws no lines and no dodge; named x values label the axis; a reference line widens the scales', () => {
  const base: PlotInput = {
    title: 't', subtitle: 's', xTitle: 'x', yTitle: 'y', log: false, style: 'bars', methods: ['dwm', 'sgd'],
    points: [{ x: 1, method: 'dwm', mean: 2, lo: 1, hi: 3 }, { x: 2, method: 'sgd', mean: 4, lo: NaN, hi: NaN }],
  };
  const lineMarks = (spec: ReturnType<typeof plotSpec>) => JSON.stringify(spec.marks).match(/"type":"line"/g)?.length ?? 0;
  const plain = plotSpec(base);
  const scatter = plotSpec({ ...base, connect: false, reference: [{ x: 0, y: -1 }, { x: 3, y: 5 }] });
  // plain: our lines; scatter: the reference line only
  assert.equal(lineMarks(plain), 1);
  assert.equal(lineMarks(scatter), 1);
  assert.match(JSON.stringify(scatter.marks![0]), /"data":"reference"/);
  const rows = (spec: ReturnType<typeof plotSpec>) => (spec.data![0] as { values: { xd: number }[] }).values.map((r) => r.xd);
  // Two methods dodge by ±0.008 × the x span (1) when joined; not in a scatter or on named xs.
  assert.deepEqual(rows(plain), [1 - 0.004, 2 + 0.004]);
  assert.deepEqual(rows(scatter), [1, 2]);
  assert.deepEqual(rows(plotSpec({ ...base, xLabels: { 1: 'dwm', 2: 'sgd' } })), [1, 2]);
  assert.deepEqual((scatter.data!.find((d) => d.name === 'reference') as { values: unknown[] }).values, [{ x: 0, y: -1 }, { x: 3, y: 5 }]);
  const yDomain = JSON.stringify(scatter.scales!.find((s) => s.name === 'y')!.domain);
  assert.match(yDomain, /"data":"reference","field":"y"/);
  const labelled = JSON.stringify(plotSpec({ ...base, xLabels: { 1: 'dwm', 2: 'sgd' } }).axes);
  assert.match(labelled, /\{\\"1\\":\\"dwm\\",\\"2\\":\\"sgd\\"\}\[datum.value\]/);
});

// The methods of the fair study (configs/fair/), in its order.
const FAIR = ['sgd', 'momentum', 'adam', 'l2', 'sgd-noise', 'dropout', 'max-norm', 'label-smoothing', 'sgd-gated-decay', 'dwm', 'dwm-stable'];

test('styles: at least 12; every two differ in at least two of colour, marker and dash; the paper\'s five as published', () => {
  assert.ok(STYLE_COUNT >= 12, `${STYLE_COUNT} styles`);
  const all = Array.from({ length: STYLE_COUNT }, (_, k) => styleAt(k));
  for (let a = 0; a < STYLE_COUNT; a++) {
    for (let b = a + 1; b < STYLE_COUNT; b++) {
      const differ = [all[a].colour !== all[b].colour, all[a].shape !== all[b].shape, all[a].dash.join() !== all[b].dash.join()].filter(Boolean).length;
      assert.ok(differ >= 2, `styles ${a} and ${b} differ in ${differ} of colour, marker, dash`);
      assert.notEqual(all[a].legend, all[b].legend, `legend symbols ${a}, ${b}`);
    }
  }
  // What docs/reproduction's figures were drawn with (their bytes are checked by reproduction.slow.test).
  assert.deepEqual(all.slice(0, 5).map((s) => [s.colour, s.dash.join(','), s.shape]), [
    ['#000000', '1,0', 'circle'], ['#E69F00', '7,3', 'square'], ['#0072B2', '2,2', 'triangle-up'], ['#009E73', '9,3,2,3', 'diamond'], ['#CC79A7', '4,4', 'cross'],
  ]);
  assert.equal(all[4].legend, 'M-1.6,0H1.6M-0.2,-0.6H0.2V-0.2H0.6V0.2H0.2V0.6H-0.2V0.2H-0.6V-0.2H-0.2Z');
  assert.deepEqual(methodStyles(PAPER_METHODS), [0, 1, 2, 3, 4]);
});

test('styles: the fair study\'s 11 methods each have a style of their own, the same in every order', () => {
  const styles = methodStyles(FAIR);
  assert.equal(new Set(styles).size, FAIR.length, `styles ${styles.join(', ')}`);
  assert.deepEqual([styles[FAIR.indexOf('dwm')], styles[FAIR.indexOf('dwm-stable')], styles[FAIR.indexOf('sgd')]], [0, 1, 2]);
  const reversed = [...FAIR].reverse();
  assert.deepEqual(methodStyles(reversed), [...styles].reverse());
  // The spec's scales carry them: 11 colours, 11 markers.
  const v = view({ ...BAND, methods: FAIR, points: FAIR.map((m, i) => ({ x: 1, method: m, mean: i, lo: NaN, hi: NaN })) });
  assert.equal(new Set(scale(v, 'colour').range as string[]).size, 11);
  assert.equal(new Set(scale(v, 'shape').range as string[]).size, 11);
});

test('styles: in random sets of methods no two share a style while one is free; a method\'s style does not depend on the order', () => {
  const rng = new Rng(7, 'styles');
  const pool = [...PAPER_METHODS, ...FAIR, 'weight-decay-0.001', 'lion', 'rmsprop', 'l2-t3', 'x', 'sgd-noise-0.1', 'adagrad', 'nesterov', 'dwm-t1'];
  const names = [...new Set(pool)];
  for (let round = 0; round < 300; round++) {
    const size = 1 + rng.int(names.length);
    const set = names.filter(() => rng.uniform() < size / names.length);
    if (!set.length) continue;
    const styles = methodStyles(set);
    assert.equal(new Set(styles).size, Math.min(set.length, STYLE_COUNT), `${set.join(' ')} → ${styles.join(' ')}`);
    assert.ok(styles.every((k) => Number.isInteger(k) && k >= 0 && k < STYLE_COUNT));
    set.forEach((m, i) => { if (PAPER_METHODS.includes(m)) assert.equal(styles[i], PAPER_METHODS.indexOf(m), m); });
    // Shuffled: every method keeps its style.
    const order = set.map((m) => ({ m, r: rng.uniform() })).sort((a, b) => a.r - b.r).map((o) => o.m);
    const again = methodStyles(order);
    order.forEach((m, i) => assert.equal(again[i], styles[set.indexOf(m)], m));
  }
});

test('log x ticks: the xs when they are a few round values; powers of ten for many or unround ones; 1-2-5 within one decade', () => {
  assert.deepEqual(logTicks([100, 500, 1000], 95, 1050), [100, 500, 1000]);
  assert.deepEqual(logTicks([0.1, 0.2, 0.3, 0.5], 0.09, 0.55), [0.1, 0.2, 0.3, 0.5]);
  // Learning rates from a log range (four significant digits): the decades inside what is drawn.
  assert.deepEqual(logTicks([0.00007197, 0.0005179, 0.003092, 0.03045], 0.00007, 0.031), [0.0001, 0.001, 0.01]);
  assert.deepEqual(logTicks([0.00001, 0.00003139, 0.00009851, 0.0003091, 0.0009703], 0.0000098, 0.00099), [0.00001, 0.0001]);
  // Nine round values are too many to tick each.
  const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => k * 100);
  assert.deepEqual(logTicks(nine, 100, 900), [100, 200, 500]);
  // Within one 1-2-5 step: the xs after all.
  assert.deepEqual(logTicks([0.002317, 0.004481, 0.007], 0.0023, 0.0071), [0.002317, 0.004481, 0.007]);
});

test('styles: every method of the fair studies (configs/fair/) looks the same in each of them, alone or with all the others', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const seen = new Map<string, number>();
  for (const file of ['tabular.yaml', 'images.yaml', 'smoke.yaml']) {
    const names = Object.keys((parse(readFileSync(join(root, 'configs', 'fair', file), 'utf8')) as { tune: { methods: Record<string, unknown> } }).tune.methods);
    assert.ok(names.length >= 2, file);
    const styles = methodStyles(names);
    assert.equal(new Set(styles).size, names.length, `${file}: ${styles.join(' ')}`);
    names.forEach((m, i) => {
      assert.equal(styles[i], methodStyles([m])[0], `${file}: ${m} as alone`);
      assert.equal(styles[i], seen.get(m) ?? styles[i], `${file}: ${m} as in the other fair studies`);
      seen.set(m, styles[i]);
    });
  }
  assert.ok(seen.size >= 11, [...seen.keys()].join(' '));
});
