// The figure helpers on hand-worked numbers: which band is drawn and its width, the units,
// title wrapping, the figure width, and the Vega spec's promises (nothing clipped, one legend
// that carries colour, dash and marker, the palette by method, log axes when asked, the
// authors' curve only when given).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { bandKind, bandOf, bandText, FIGURE_WIDTH, fixedSize, metricUnit, parseMseScale, plotSpec, wrapTitle, type PlotInput } from './plots.js';

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
