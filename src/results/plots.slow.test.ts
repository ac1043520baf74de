// The rendered figures have no blank band: a sweep plot (error bars, log x, six methods) and a
// learning curve (band, the authors' curves) are drawn to PNG the way reports draw them, the PNG
// is decoded here (node:zlib; 8-bit RGB or RGBA, filter types 0–4) and the bounding box of the
// pixels that are not the white background must reach within 3 % of every edge. Also: a
// method keeps its colour whatever its place in a plot, and the rendered SVG has the legend,
// axes and marks the spec promises.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { bandText, FIGURE_WIDTH, plotSpec, plotSvg, svgToPng, type PlotInput } from './plots.js';

interface Image { width: number; height: number; channels: number; pixels: Uint8Array }

/** A PNG's pixels: 8-bit truecolour (2) or truecolour with alpha (6), not interlaced. */
export function decodePng(png: Uint8Array): Image {
  const buf = Buffer.from(png);
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      assert.ok(data[9] === 2 || data[9] === 6, `colour type ${data[9]}`);
      assert.equal(data[12], 0, 'not interlaced');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[out + i - channels] : 0;
      const b = y > 0 ? pixels[out - stride + i] : 0;
      const c = y > 0 && i >= channels ? pixels[out - stride + i - channels] : 0;
      let v: number;
      if (filter === 0) v = 0;
      else if (filter === 1) v = a;
      else if (filter === 2) v = b;
      else if (filter === 3) v = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`PNG filter type ${filter}`);
      pixels[out + i] = (line[i] + v) & 255;
    }
  }
  return { width, height, channels, pixels };
}

/** The smallest box holding every pixel that is not (nearly) white. */
function inkBox(img: Image): { left: number; top: number; right: number; bottom: number } {
  let left = img.width, top = img.height, right = -1, bottom = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const o = (y * img.width + x) * img.channels;
      const ink = img.pixels[o] < 245 || img.pixels[o + 1] < 245 || img.pixels[o + 2] < 245;
      if (ink) { left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y); }
    }
  }
  return { left, top, right, bottom };
}

function assertTight(name: string, png: Uint8Array): void {
  const img = decodePng(png);
  assert.equal(img.width, 2 * FIGURE_WIDTH, `${name}: PNG twice the figure width`);
  const box = inkBox(img);
  const margins = { left: box.left / img.width, right: (img.width - 1 - box.right) / img.width, top: box.top / img.height, bottom: (img.height - 1 - box.bottom) / img.height };
  for (const [side, m] of Object.entries(margins)) assert.ok(m <= 0.03, `${name}: ${side} margin ${(m * 100).toFixed(1)} % of the figure (box ${JSON.stringify(box)}, ${img.width}×${img.height})`);
}

const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.001'];

const sweep: PlotInput = {
  title: 'mnist mlp-2: noisy test accuracy (%) at σ = 0.3 vs training-set size n (learning rate η = 0.01)',
  subtitle: bandText('se', 3, 'bars'),
  xTitle: 'training-set size n (samples drawn with replacement), log scale',
  yTitle: 'noisy test accuracy (%) at σ = 0.3',
  log: true, style: 'bars', methods: METHODS,
  points: [100, 300, 1000, 3000, 10000].flatMap((x, i) => METHODS.map((m, k) => {
    const mean = 60 + 6 * i + k;
    return { x, method: m, mean, lo: mean - 1.5, hi: mean + 1.5 };
  })),
};

const curve: PlotInput = {
  title: 'california-housing 2-layer n=100: clean test MSE (target units) after each turn',
  subtitle: `${bandText('ci95', 10, 'band')}; thin lines, open markers: the authors' curves`,
  xTitle: 'turn', yTitle: 'test MSE (target units)', log: false, style: 'band',
  methods: METHODS.slice(0, 5),
  points: [1, 2, 3, 4, 5, 6].flatMap((x) => METHODS.slice(0, 5).map((m, k) => {
    const mean = 0.01 / x + 0.001 * k;
    return { x, method: m, mean, lo: mean * 0.9, hi: mean * 1.1 };
  })),
  authors: [1, 2, 3, 4, 5, 6].map((x) => ({ x, method: 'sgd', value: 0.011 / x })),
};

test('a sweep plot and a learning curve fill their PNG: every margin at most 3 %', async () => {
  assertTight('sweep plot', svgToPng(await plotSvg(sweep)));
  assertTight('learning curve', svgToPng(await plotSvg(curve)));
});

test('a method keeps its colour, dash and marker whatever its place in the plot', () => {
  type Scale = { name: string; domain: string[]; range: unknown[] };
  const styleOf = (p: PlotInput, m: string) => {
    const scales = (plotSpec(p) as unknown as { scales: Scale[] }).scales;
    return ['colour', 'dash', 'shape', 'legend-shape'].map((k) => {
      const s = scales.find((x) => x.name === k)!;
      return s.range[s.domain.indexOf(m)];
    });
  };
  const reversed = { ...sweep, methods: [...METHODS].reverse() };
  const alone = { ...sweep, methods: ['weight-decay-0.001', 'sgd'] };
  for (const m of METHODS) assert.deepEqual(styleOf(reversed, m), styleOf(sweep, m), m);
  for (const m of ['weight-decay-0.001', 'sgd']) assert.deepEqual(styleOf(alone, m), styleOf(sweep, m), m);
  const colours = METHODS.map((m) => styleOf(sweep, m)[0]);
  assert.equal(new Set(colours).size, METHODS.length, 'one colour per method');
});

/** The legend entries of a rendered figure: label, fill, stroke, dash and the symbol's path. */
function legendEntries(svg: string): { label: string; fill: string; stroke: string; dash: string; d: string }[] {
  const re = /<g class="mark-symbol role-legend-symbol"[^>]*><path [^>]*d="([^"]*)" fill="([^"]*)" stroke="([^"]*)" stroke-width="[^"]*" stroke-dasharray="([^"]*)"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text [^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(re)].map((m) => ({ d: m[1], fill: m[2], stroke: m[3], dash: m[4], label: m[5] }));
}

test('the rendered legend: one entry per method in order, its colour and dash, a stroke through its marker', async () => {
  // The paper's methods in Okabe–Ito order (black, orange, blue, green, purple), solid, 7-3, 2-2,
  // 9-3-2-3 and 4-4 dashes; any other method a colour of its own.
  const want: Record<string, [string, string]> = {
    dwm: ['#000000', '1,0'], 'dwm-stable': ['#E69F00', '7,3'], sgd: ['#0072B2', '2,2'], 'l2-0.01': ['#009E73', '9,3,2,3'], 'l2-0.1': ['#CC79A7', '4,4'],
  };
  for (const p of [sweep, curve]) {
    const entries = legendEntries(await plotSvg(p));
    assert.deepEqual(entries.map((e) => e.label), p.methods);
    for (const e of entries) {
      assert.equal(e.fill, e.stroke, `${e.label}: filled marker in the stroke's colour`);
      if (want[e.label]) assert.deepEqual([e.fill, e.dash], want[e.label], e.label);
      // The symbol starts with a horizontal stroke (symbolSize 150: 1.6 × √150 / 2 = 9.798 each side).
      assert.match(e.d, /^M-9\.798,0L9\.798,0M/, e.label);
    }
    assert.equal(new Set(entries.map((e) => e.fill)).size, p.methods.length, 'one colour per method');
  }
});

test('the rendered figure: log or linear axes as asked, a marker per point, a band or bars per method, the authors\' open markers', async () => {
  const count = (svg: string, role: string) => (svg.match(new RegExp(`class="${role}"`, 'g')) ?? []).length;
  const s = await plotSvg(sweep);
  assert.match(s, /aria-label="X-axis titled 'training-set size n [^']*' for a log scale/);
  assert.match(s, /aria-label="Y-axis titled 'noisy test accuracy \(%\) at σ = 0\.3' for a linear scale/);
  // Our markers: 5 sizes × 6 methods, each described; bars: a rule and two ticks per point.
  assert.equal((s.match(/aria-label="training-set size n [^"]*: \d+; [^"]*method: [^"]*band low: [^"]*" role="graphics-symbol" aria-roledescription="symbol mark"/g) ?? []).length, 30);
  assert.equal((s.match(/<line [^>]*stroke-width="1\.2"/g) ?? []).length, 30, 'a rule per point');
  assert.equal((s.match(/aria-label="[^"]*; method: [^"]*; band from [^"]*" role="graphics-symbol" aria-roledescription="rule mark"/g) ?? []).length, 30, 'each rule described');
  const c = await plotSvg({ ...curve, logY: true, yTitle: 'a "quoted" title' });
  assert.match(c, /aria-label="Y-axis titled 'a &quot;quoted&quot; title' for a log scale/);
  assert.equal(count(c, 'mark-area role-mark'), 5, 'a band per method');
  for (const m of curve.methods) assert.ok(c.includes(`aria-label="the band of ${m}"`), m);
  assert.equal(count(c, 'mark-line role-mark'), 6, 'our 5 lines and the authors\' one');
  const open = c.match(/<path aria-label="[^"]*method: sgd \(the authors\)"[^>]*>/g) ?? [];
  assert.equal(open.length, 6, 'the authors\' 6 markers');
  // Open (no fill: the root group's fill="none" holds), in sgd's colour.
  for (const tag of open) assert.ok(!tag.includes(' fill=') && tag.includes(' stroke="#0072B2"'), tag);
});
