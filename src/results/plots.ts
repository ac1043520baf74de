// Every figure dwgd draws, from one stack: a Vega spec rendered to SVG in Node (vega's
// headless View) and to PNG with resvg. Sweep plots (a metric against the swept value, error
// bars) and learning curves (a metric per turn, a shaded band) share the axes, palette,
// legend and size. Methods differ by colour (Okabe–Ito, then four more), dash pattern and
// marker shape, so a figure reads in grey scale. Same data → same bytes (no clock, no random ids).

import { UserError } from '../errors.js';
import { createRequire } from 'node:module';
import type { Mark, Scale, Spec } from 'vega';
import type { Spread } from './stats.js';
import { PAPER_METHODS } from '../core/rules/index.js';

// vega and resvg are loaded on first use, so that commands and tests that draw
// nothing (e.g. `dwgd sweep --dry-run`) do not pay for loading them.

export interface PlotPoint {
  x: number;
  method: string;
  mean: number;
  /** The band (see bandOf); NaN with one seed (nothing drawn). */
  lo: number;
  hi: number;
}

export interface PlotInput {
  title: string;
  /** Says what the bars or band are. */
  subtitle: string;
  xTitle: string;
  yTitle: string;
  log: boolean;
  /** Log-scaled y axis (bars or band reaching 0 or below are drawn from the mean up). */
  logY?: boolean;
  /** 'bars': error bars at each x (sweeps); 'band': a shaded band along the line (curves). */
  style?: 'bars' | 'band';
  /** The methods in legend order. */
  methods: string[];
  points: PlotPoint[];
  /** The authors' values, drawn thin with open markers; only give them when they apply. */
  authors?: { x: number; method: string; value: number }[];
  /** Names for the x values (a categorical axis drawn on numbers, e.g. one x per method). */
  xLabels?: Record<number, string>;
  /** Join each method's points by a line (default true; false: a scatter). */
  connect?: boolean;
  /**
   * Methods whose points are drawn as markers only, never joined (e.g. the trials of a
   * multi-dimensional search: neighbours along x differ in other settings); their legend entry
   * is the marker without the stroke.
   */
  unjoined?: readonly string[];
  /** A reference line (e.g. a fitted line), drawn grey and dashed under everything else. */
  reference?: { x: number; y: number }[];
}

/** Every figure is this wide in SVG pixels (PNG: twice that); its height follows its layout. */
export const FIGURE_WIDTH = 760;
// The plot area; titles, axes and legend are laid out tightly around it (vega's autosize
// 'fit' misplaces the title), then fixedSize scales the whole to FIGURE_WIDTH.
const PLOT_WIDTH = 480;
const PLOT_HEIGHT = 290;

// The styles, one per index: colour, dash and marker move together. The paper's five methods
// hold the first five (their published figures keep their look); every style differs from
// every other in colour and in marker, and its dash is its own too, so a figure with up to
// STYLE_COUNT methods reads in grey scale and needs no colour to tell two methods apart.
// Okabe–Ito first, ordered so neighbours differ in lightness as well as hue; then four dark,
// well-separated colours (Tol's wine, indigo and olive, and a brown).
const COLOURS = ['#000000', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#999999', '#882255', '#332288', '#999933', '#7F4A10'];
const DASHES = [[1, 0], [7, 3], [2, 2], [9, 3, 2, 3], [4, 4], [12, 4], [1, 3], [6, 2, 1, 2], [9, 3, 2, 3, 2, 3], [14, 3, 3, 3], [5, 2, 5, 6], [3, 6]];

/** A closed path through points, as an SVG path (3 decimals: the same text on every machine). */
function polygon(points: [number, number][]): string {
  const n = (v: number) => String(Number(v.toFixed(3)) + 0);
  return `M${points.map(([x, y]) => `${n(x)},${n(y)}`).join('L')}Z`;
}
/** A star of `k` points, outer radius `r`, inner `r · inner`, a point up. */
function star(k: number, r: number, inner: number): string {
  return polygon(Array.from({ length: 2 * k }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / k, q = i % 2 ? r * inner : r;
    return [q * Math.cos(a), q * Math.sin(a)];
  }));
}
/** vega's cross (arms r long, r/2.5 wide) turned 45°: an ×. */
function saltire(r: number): string {
  const s = r / 2.5, c = Math.SQRT1_2;
  const plus: [number, number][] = [[-r, -s], [-r, s], [-s, s], [-s, r], [s, r], [s, s], [r, s], [r, -s], [s, -s], [s, -r], [-s, -r], [-s, -s]];
  return polygon(plus.map(([x, y]) => [c * (x - y), c * (x + y)]));
}
/** A regular polygon of `k` corners on a circle of radius `r`, a corner up. */
function regular(k: number, r: number): string {
  return polygon(Array.from({ length: k }, (_, i) => [r * Math.cos(-Math.PI / 2 + (2 * i * Math.PI) / k), r * Math.sin(-Math.PI / 2 + (2 * i * Math.PI) / k)]));
}
/** Two triangles meeting at the centre, points inward: a bow tie. */
function bowtie(r: number): string {
  return `${polygon([[-r, -r * 0.85], [0, 0], [-r, r * 0.85]])}${polygon([[r, -r * 0.85], [0, 0], [r, r * 0.85]])}`;
}

// Markers in the plot: vega's own shapes, or paths drawn in [-1, 1] (vega scales both by √size / 2).
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', star(5, 1.25, 0.45), saltire(1),
  'triangle-right', regular(6, 1), 'triangle-left', bowtie(1)];
// Legend symbols: a short stroke (carrying the method's dash) through the method's marker.
const LEGEND_MARKERS = [
  'M-0.5,0A0.5,0.5 0 1 1 0.5,0A0.5,0.5 0 1 1 -0.5,0Z',
  'M-0.45,-0.45H0.45V0.45H-0.45Z',
  'M0,-0.55L0.55,0.45H-0.55Z',
  'M0,-0.6L0.5,0L0,0.6L-0.5,0Z',
  'M-0.2,-0.6H0.2V-0.2H0.6V0.2H0.2V0.6H-0.2V0.2H-0.6V-0.2H-0.2Z',
  'M0,0.55L0.55,-0.45H-0.55Z',
  star(5, 0.7, 0.45),
  saltire(0.6),
  'M0.55,0L-0.45,0.55V-0.55Z',
  regular(6, 0.58),
  'M-0.55,0L0.45,0.55V-0.55Z',
  bowtie(0.58),
];
const LEGEND_MARKS = LEGEND_MARKERS.map((m) => `M-1.6,0H1.6${m}`);

/** How many methods one figure can show, each in a style of its own. */
export const STYLE_COUNT = COLOURS.length;

/** Style k: its colour, dash, plot marker and legend symbol. */
export function styleAt(k: number): { colour: string; dash: readonly number[]; shape: string; legend: string } {
  return { colour: COLOURS[k], dash: DASHES[k], shape: SHAPES[k], legend: LEGEND_MARKS[k] };
}

/**
 * The styles kept for the methods of the fair comparison (configs/fair/: a test checks that
 * every method there has one), so that they look the same in its tabular and image figures,
 * whichever of them a figure holds. `l2` takes the style of `l2-0.01` (the same rule), which the
 * fair studies do not train; beside `l2-0.01` it takes a free one.
 */
const RESERVED: Readonly<Record<string, number>> = {
  adam: 5, 'sgd-noise': 6, momentum: 7, 'label-smoothing': 8, dropout: 9, 'max-norm': 10, 'sgd-gated-decay': 11, l2: 3,
};

/**
 * Each method's style (colour, dash, marker) by its name, never by its place in a plot, so a
 * method looks the same in every figure: the paper's five methods take the first five styles
 * in the paper's order; the fair comparison's methods their reserved ones (RESERVED); any other
 * method the one its name hashes to among the styles after the paper's. Two methods of one plot
 * never share a style while one is free: a method whose style is taken takes the next free one
 * (the styles after the paper's first, then those of the paper's methods absent from the plot),
 * methods meeting there served in name order, so a method's style depends on which methods are
 * in the plot, never on their order.
 */
export function methodStyles(methods: readonly string[]): number[] {
  const n = COLOURS.length, fixed = PAPER_METHODS.length;
  const style = new Map<string, number>();
  const used = new Set<number>();
  for (const m of methods) {
    const k = PAPER_METHODS.indexOf(m);
    if (k >= 0) { style.set(m, k); used.add(k); }
  }
  const others = [...new Set(methods.filter((m) => !style.has(m)))].sort();
  const rest: string[] = [];
  for (const m of others) {
    const k = Object.hasOwn(RESERVED, m) ? RESERVED[m] : undefined;
    if (k !== undefined && !used.has(k)) { style.set(m, k); used.add(k); } else rest.push(m);
  }
  // The probe order from a start among the styles after the paper's: onwards through them, round
  // to the first of them, then the paper's.
  const probe = (start: number) => [
    ...Array.from({ length: n - fixed }, (_, t) => fixed + ((start - fixed + t) % (n - fixed))),
    ...Array.from({ length: fixed }, (_, t) => t),
  ];
  for (const m of rest) {
    let h = 0;
    for (const c of m) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const start = fixed + (h % (n - fixed));
    const j = probe(start).find((k) => !used.has(k)) ?? start;
    style.set(m, j);
    used.add(j);
  }
  return methods.map((m) => style.get(m)!);
}

/** ±1 SE below five seeds (a t-based CI from 2–4 seeds is too wide to read), the 95 % CI from five on. */
export type BandKind = 'se' | 'ci95';

export function bandKind(seeds: number): BandKind {
  return seeds >= 5 ? 'ci95' : 'se';
}

export function bandOf(s: Spread, kind: BandKind): [number, number] {
  if (!(s.n >= 2)) return [NaN, NaN];
  if (kind === 'ci95') return [s.ciLow, s.ciHigh];
  const se = s.sd / Math.sqrt(s.n);
  return [s.mean - se, s.mean + se];
}

/** The subtitle of a figure: what the line and the band or bars are. */
export function bandText(kind: BandKind, seeds: number, what: 'bars' | 'band'): string {
  if (seeds < 2) return 'one seed: no spread drawn';
  return `mean over ${seeds} seeds; ${what}: ${kind === 'ci95' ? '95 % CI of the mean (Student t)' : '±1 standard error of the mean'}`;
}

/** The unit a metric is shown in: accuracy in %, MSE in target units or ×10⁴ (as the paper prints it). */
export type MseScale = 1 | 10000;

/** How figures show their numbers (flags of compare, sweep and report; defaults: target units, linear y). */
export interface FigureOptions {
  logY?: boolean;
  mseScale?: MseScale;
}

/** `--mse-scale`: 1 (target units) or 10000 (×10⁴, as the paper prints MSE). */
export function parseMseScale(text: string | undefined): MseScale | undefined {
  if (text === undefined) return undefined;
  if (text === '1' || text === '10000' || text === '1e4') return text === '1' ? 1 : 10000;
  throw new UserError(`--mse-scale ${text}: expected 1 (target units) or 10000 (×10⁴, as the paper prints MSE)`);
}

export function metricUnit(metric: 'accuracy' | 'mse', mseScale: MseScale = 1): { factor: number; label: string } {
  if (metric === 'accuracy') return { factor: 100, label: 'accuracy (%)' };
  return mseScale === 1 ? { factor: 1, label: 'MSE (target units)' } : { factor: mseScale, label: 'MSE ×10⁴ (target units)' };
}

function round(v: number): number {
  return Number(v.toPrecision(10));
}

/** A title as lines of at most `width` characters, broken at spaces. */
export function wrapTitle(text: string, width = 70): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A string as a literal of Vega's expression language (JSON's escapes are valid there). */
function literal(text: string): string {
  return JSON.stringify(text);
}

/** At most this many round xs on a log axis are ticked where they are. */
const MAX_DATA_TICKS = 8;

/** A value with at most three significant digits (100, 500, 0.05, 0.125; not 0.0005179). */
function isRound(v: number): boolean {
  return v > 0 && Number(v.toPrecision(3)) === v;
}

/**
 * The ticks of a log x axis. A handful of round xs (n = 100, 500, 1000; σ values): the xs
 * themselves. Otherwise (e.g. learning rates drawn from a range) the powers of ten within
 * [lo, hi], the extent of what is drawn; over less than two of them 1, 2 and 5 times a power of
 * ten; failing that the xs after all.
 */
export function logTicks(xs: readonly number[], lo: number, hi: number): number[] {
  if (xs.length <= MAX_DATA_TICKS && xs.every(isRound)) return [...xs];
  if (!(lo > 0 && hi >= lo)) return [...xs];
  const within = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
      for (const m of mantissas) {
        const v = Number(`${m}e${e}`);
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  for (const mantissas of [[1], [1, 2, 5]]) {
    const ticks = within(mantissas);
    if (ticks.length >= 2) return ticks;
  }
  return [...xs];
}

/**
 * The figure as a Vega specification. The data are one table of rows (ours and the authors'),
 * from which three views are filtered: our rows, ours with a band, the authors'. Every layer
 * shares one set of method scales (colour, dash, marker), and one legend reads them all, so each
 * entry is the method's stroke (colour, dash) through its filled marker.
 */
export function plotSpec(p: PlotInput): Spec {
  const xs = [...new Set(p.points.map((q) => q.x))].sort((a, b) => a - b);
  const nm = p.methods.length;
  const bars = (p.style ?? 'bars') === 'bars';
  // Error bars: dodge methods sideways a little so their bars do not hide one another.
  const span = xs.length > 1 ? (p.log ? Math.log(xs[xs.length - 1] / xs[0]) : xs[xs.length - 1] - xs[0]) : 1;
  // Not in a scatter (x is data) nor on named x values (one method each).
  const dodge = (x: number, k: number) => {
    if (!bars || p.connect === false || p.xLabels) return x;
    const off = (k - (nm - 1) / 2) * 0.008 * span;
    return round(p.log ? x * Math.exp(off) : x + off);
  };
  const logY = p.logY === true;
  const rows = p.points.filter((q) => Number.isFinite(q.mean) && (!logY || q.mean > 0)).map((q) => {
    const k = p.methods.indexOf(q.method);
    const band = Number.isFinite(q.lo) && Number.isFinite(q.hi);
    // On a log axis a band reaching 0 or below is drawn from the mean up.
    const lo = band ? (logY && q.lo <= 0 ? q.mean : q.lo) : NaN;
    return { x: q.x, xd: dodge(q.x, k), method: q.method, source: 'ours', mean: round(q.mean), lo: band ? round(lo) : null, hi: band ? round(q.hi) : null };
  });
  const authors = (p.authors ?? []).filter((a) => Number.isFinite(a.value) && (!logY || a.value > 0))
    .map((a) => ({ x: a.x, xd: a.x, method: a.method, source: 'authors', mean: round(a.value), lo: null, hi: null }));
  const styles = methodStyles(p.methods);
  // One ordinal scale per channel, the method's style by its name (methodStyles).
  const methodScale = (name: string, range: (string | number[])[]): Scale => ({
    name, type: 'ordinal', domain: p.methods, range: nm ? styles.map((k) => range[k]) : range.slice(0, 1),
  });
  const unjoined = p.methods.filter((m) => p.unjoined?.includes(m));
  // The legend: a stroke through the marker, or the marker alone for a method never joined.
  const legendScale: Scale = unjoined.length
    ? { name: 'legend-shape', type: 'ordinal', domain: p.methods, range: p.methods.map((m, i) => (unjoined.includes(m) ? LEGEND_MARKERS : LEGEND_MARKS)[styles[i]]) }
    : methodScale('legend-shape', LEGEND_MARKS);
  const colour = { scale: 'colour', field: 'method' };
  const dash = { scale: 'dash', field: 'method' };
  const shape = { scale: 'shape', field: 'method' };
  const x = { scale: 'x', field: 'xd' };
  const y = { scale: 'y', field: 'mean' };
  // What a marker says to a screen reader (and in the SVG's aria-label).
  const describe = (extra: string) => ({
    signal: `${literal(`${p.xTitle}: `)} + format(datum.x, '~g') + ${literal(`; ${p.yTitle}: `)} + datum.mean + '; method: ' + datum.method${extra}`,
  });
  const bandOfPoint = { signal: `${literal(`${p.xTitle}: `)} + format(datum.x, '~g') + '; method: ' + datum.method + '; band from ' + datum.lo + ' to ' + datum.hi` };
  // A line per method, through its points in the order of x.
  const lines = (from: string, stroke: Record<string, unknown>): Mark => ({
    type: 'group',
    from: { facet: { name: `${from}-by-method`, data: from, groupby: ['method'] } },
    marks: [{
      type: 'line', from: { data: `${from}-by-method` }, sort: { field: 'datum.x' },
      encode: { update: { x, y, stroke: colour, strokeDash: dash, ...stroke } },
    }],
  });
  const spread: Mark[] = bars
    ? [
      { type: 'rule', from: { data: 'spread' }, encode: { update: { x, y: { scale: 'y', field: 'lo' }, y2: { scale: 'y', field: 'hi' }, stroke: colour, strokeWidth: { value: 1.2 }, description: bandOfPoint } } },
      // A short horizontal tick at each end of the bar.
      ...['lo', 'hi'].map((end): Mark => ({
        type: 'rect', from: { data: 'spread' },
        encode: { update: { xc: x, width: { value: 8 }, yc: { scale: 'y', field: end }, height: { value: 1.2 }, fill: colour, opacity: { value: 0.7 } } },
      })),
    ]
    : [{
      type: 'group',
      from: { facet: { name: 'spread-by-method', data: 'spread', groupby: ['method'] } },
      marks: [{
        type: 'area', from: { data: 'spread-by-method' }, sort: { field: 'datum.x' },
        encode: { update: { orient: { value: 'vertical' }, x, y: { scale: 'y', field: 'lo' }, y2: { scale: 'y', field: 'hi' }, fill: colour, opacity: { value: 0.16 }, description: { signal: "'the band of ' + datum.method" } } },
      }],
    }];
  const authorMarks: Mark[] = authors.length
    ? [
      lines('authors', { strokeWidth: { value: 0.9 }, opacity: { value: 0.8 } }),
      {
        type: 'symbol', from: { data: 'authors' },
        encode: { update: { x, y, shape, stroke: colour, fill: { value: 'transparent' }, size: { value: 40 }, strokeWidth: { value: 1 }, opacity: { value: 0.7 }, description: describe(" + ' (the authors)'") } },
      },
    ]
    : [];
  const tooltip = [['method', 'method'], [p.xTitle, 'x'], [p.yTitle, 'mean'], ['band low', 'lo'], ['band high', 'hi']]
    .map(([title, field]) => `${literal(title)}: datum.${field}`).join(', ');
  const reference = (p.reference ?? []).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y)).map((q) => ({ x: round(q.x), y: round(q.y) }));
  const referenceMarks: Mark[] = reference.length
    ? [{
      type: 'line', from: { data: 'reference' }, sort: { field: 'datum.x' },
      encode: { update: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { value: '#777777' }, strokeDash: { value: [6, 4] }, strokeWidth: { value: 1.4 } } },
    }]
    : [];
  const marks: Mark[] = [
    ...referenceMarks,
    ...spread,
    ...authorMarks,
    ...(p.connect === false || unjoined.length === nm ? [] : [lines(unjoined.length ? 'joined' : 'ours', { strokeWidth: { value: 1.8 } })]),
    {
      type: 'symbol', from: { data: 'ours' },
      encode: {
        update: {
          x, y, shape, fill: colour, stroke: { value: 'white' }, size: { value: 55 }, strokeWidth: { value: 0.6 }, opacity: { value: 1 },
          tooltip: { signal: `{${tooltip}}` },
          description: describe(" + (isValid(datum.lo) ? '; band low: ' + datum.lo + '; band high: ' + datum.hi : '')"),
        },
      },
    },
  ];
  const font = { font: 'DejaVu Sans, Arial, sans-serif' };
  // The ticks: at the xs (a log axis over many or unround xs, not named: at powers of ten); on a linear y
  // about one per 40 pixels.
  const extent = [...rows.map((r) => r.xd), ...authors.map((r) => r.xd), ...reference.map((r) => r.x)];
  const xTicks = p.connect === false ? undefined : p.log && !p.xLabels ? logTicks(xs, Math.min(...extent), Math.max(...extent)) : xs;
  const xAxis = { scale: 'x', orient: 'bottom', ...(xTicks ? { values: xTicks } : {}) } as const;
  const xLabels = p.xLabels
    ? { encode: { labels: { update: { text: { signal: `${JSON.stringify(p.xLabels)}[datum.value] || ''` } } } } }
    : {};
  const yAxis = { scale: 'y', orient: 'left', ...(logY ? {} : { tickCount: { signal: 'ceil(height / 40)' } }) } as const;
  const gridOnly = { domain: false, labels: false, ticks: false, aria: false, minExtent: 0, maxExtent: 0 };
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    background: 'white',
    padding: 8,
    autosize: { type: 'pad' },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    // The plot area's frame.
    style: 'cell',
    title: { text: wrapTitle(p.title), subtitle: wrapTitle(p.subtitle, 80), anchor: 'start', fontSize: 13, subtitleFontSize: 11 },
    data: [
      { name: 'points', values: [...rows, ...authors] },
      { name: 'ours', source: 'points', transform: [{ type: 'filter', expr: "datum.source === 'ours'" }] },
      { name: 'spread', source: 'ours', transform: [{ type: 'filter', expr: 'isValid(datum.lo) && isValid(datum.hi)' }] },
      { name: 'authors', source: 'points', transform: [{ type: 'filter', expr: "datum.source === 'authors'" }] },
      { name: 'reference', values: reference },
      ...(unjoined.length ? [{ name: 'joined', source: 'ours', transform: [{ type: 'filter' as const, expr: `indexof(${JSON.stringify(unjoined)}, datum.method) < 0` }] }] : []),
    ],
    scales: [
      {
        // The xs are the tick values; padding keeps the outermost markers off the frame.
        name: 'x', type: p.log ? 'log' : 'linear',
        domain: reference.length ? { fields: [{ data: 'points', field: 'xd' }, { data: 'reference', field: 'x' }] } : { data: 'points', field: 'xd' },
        range: 'width', nice: false, ...(p.log ? {} : { zero: false }), padding: 12,
      },
      {
        // From the data, bands and bars included: nothing is clipped.
        name: 'y', type: logY ? 'log' : 'linear',
        domain: { fields: [{ data: 'spread', field: 'lo' }, { data: 'spread', field: 'hi' }, { data: 'points', field: 'mean' }, ...(reference.length ? [{ data: 'reference', field: 'y' }] : [])] },
        range: 'height', nice: true, ...(logY ? {} : { zero: false }),
      },
      methodScale('colour', COLOURS),
      methodScale('dash', DASHES),
      methodScale('shape', SHAPES),
      legendScale,
    ],
    // The grid first, on its own, so that no grid line is drawn over an axis line; then the axes.
    // Axis titles wrap rather than outgrow the plot.
    axes: [
      { ...xAxis, grid: true, gridScale: 'y', ...gridOnly },
      { ...yAxis, grid: true, gridScale: 'x', ...gridOnly },
      { ...xAxis, format: '~g', labelFlush: false, ...xLabels, labelOverlap: p.log ? 'greedy' : true, title: wrapTitle(p.xTitle, 60) },
      { ...yAxis, labelOverlap: logY ? 'greedy' : true, title: wrapTitle(p.yTitle, 40) },
    ],
    // labelLimit: headless vega over-estimates text widths, so a lower limit cuts method names short.
    legends: [{
      title: 'method', fill: 'colour', stroke: 'colour', strokeDash: 'dash', shape: 'legend-shape',
      symbolType: 'circle', symbolSize: 150, symbolStrokeWidth: 1.4, labelFontSize: 11, labelLimit: 400, labelOffset: 10,
    }],
    marks,
    config: {
      axis: { labelFontSize: 11, titleFontSize: 12 },
      style: { 'guide-label': font, 'guide-title': font, 'group-title': font, 'group-subtitle': font },
    },
  };
}

export async function plotSvg(p: PlotInput): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(plotSpec(p)), { renderer: 'none' });
  const svg = fixedSize(cropToInk(await view.toSVG()));
  view.finalize();
  return svg.endsWith('\n') ? svg : svg + '\n';
}

/** The white margin kept around what is drawn, in SVG pixels. */
const MARGIN = 6;

/**
 * The figure's view box shrunk to what is drawn, MARGIN around it. Headless vega has no font
 * metrics and lays text out by an estimate wider than the real glyphs, so its own bounds leave
 * a blank band; resvg measures the real text (the fonts it renders the PNG with). Vega's
 * invisible background and foreground paths (no fill, no stroke) are left out of the measure.
 */
export function cropToInk(svg: string): string {
  const m = /^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)"><rect width="[\d.]+" height="[\d.]+" fill="white"\/>/.exec(svg);
  if (!m) throw new Error('plots: vega wrote an SVG without width, height, viewBox and background');
  const ink = svg.replace(m[0], `<svg${m[1]} width="${m[2]}" height="${m[3]}" viewBox="0 0 ${m[4]} ${m[5]}">`)
    .replace(/<path class="(?:background|foreground)"[^>]*\/>/g, (tag) => (/ (?:fill|stroke)="/.test(tag) ? tag : ''));
  const box = new (resvg().Resvg)(ink, RESVG_OPTIONS).getBBox();
  if (!box || !(box.width > 0 && box.height > 0)) return svg;
  const x = Math.floor(box.x) - MARGIN, y = Math.floor(box.y) - MARGIN;
  const w = Math.ceil(box.x + box.width) + MARGIN - x, h = Math.ceil(box.y + box.height) + MARGIN - y;
  return svg.replace(m[0], `<svg${m[1]} width="${w}" height="${h}" viewBox="${x} ${y} ${w} ${h}"><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white"/>`);
}

/**
 * The figure scaled to FIGURE_WIDTH wide, its height in proportion, so every figure has the
 * same width and no blank band is added below or beside it.
 */
export function fixedSize(svg: string): string {
  const m = /^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)" viewBox="(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!m) throw new Error('plots: an SVG without width, height and viewBox');
  const h = round((Number(m[7]) * FIGURE_WIDTH) / Number(m[6]));
  return svg.replace(m[0], `<svg${m[1]} width="${FIGURE_WIDTH}" height="${h}" viewBox="${m[4]} ${m[5]} ${m[6]} ${m[7]}"`);
}

function resvg(): typeof import('@resvg/resvg-js') {
  return createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
}

const RESVG_OPTIONS = {
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
};

export function svgToPng(svg: string): Uint8Array {
  const r = new (resvg().Resvg)(svg, { ...RESVG_OPTIONS, fitTo: { mode: 'zoom', value: 2 }, background: 'white' });
  return r.render().asPng();
}
