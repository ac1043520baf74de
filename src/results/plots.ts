// Sweep plots: a metric against the swept value, one line per method with 95 % CI error bars
// over seeds, as a Vega-Lite spec rendered to SVG in Node (vega's headless View) and to PNG
// with resvg. Methods differ by marker shape and dash pattern as well as colour, so the plot
// reads in grey scale. Same data → same bytes (no clock, no random ids).

import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';

// vega, vega-lite and resvg are loaded on first use, so that commands and tests that draw
// nothing (e.g. `dwgd sweep --dry-run`) do not pay for loading them.

export interface PlotPoint {
  x: number;
  method: string;
  mean: number;
  /** 95 % CI; NaN with one seed (no bar drawn). */
  lo: number;
  hi: number;
}

export interface PlotInput {
  title: string;
  subtitle: string;
  xTitle: string;
  yTitle: string;
  log: boolean;
  /** The methods in legend order. */
  methods: string[];
  points: PlotPoint[];
  /** Clip error bars to this range (e.g. [0, 100] for accuracy in %). */
  yClip?: [number, number];
}

const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left'];
const DASHES = [[1, 0], [7, 3], [2, 2], [9, 3, 2, 3], [4, 4], [12, 4], [1, 3], [6, 2, 1, 2]];
// Colour-blind safe (Okabe–Ito), with different lightness so grey scale still separates.
const COLOURS = ['#000000', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#999999'];

function round(v: number): number {
  return Number(v.toPrecision(10));
}

export function plotSpec(p: PlotInput): TopLevelSpec {
  const xs = [...new Set(p.points.map((q) => q.x))].sort((a, b) => a - b);
  const nm = p.methods.length;
  // Dodge methods sideways a little so their error bars do not hide one another.
  const span = xs.length > 1 ? (p.log ? Math.log(xs[xs.length - 1] / xs[0]) : xs[xs.length - 1] - xs[0]) : 1;
  const dodge = (x: number, k: number) => {
    const off = (k - (nm - 1) / 2) * 0.008 * span;
    return round(p.log ? x * Math.exp(off) : x + off);
  };
  const clip = (v: number) => (p.yClip ? Math.min(p.yClip[1], Math.max(p.yClip[0], v)) : v);
  const rows = p.points.filter((q) => Number.isFinite(q.mean)).map((q) => {
    const k = p.methods.indexOf(q.method);
    const bar = Number.isFinite(q.lo) && Number.isFinite(q.hi);
    return { x: q.x, xd: dodge(q.x, k), method: q.method, mean: round(q.mean), lo: bar ? round(clip(q.lo)) : null, hi: bar ? round(clip(q.hi)) : null };
  });
  const legend = { title: 'method', symbolStrokeWidth: 1.5, symbolSize: 120, labelFontSize: 11 };
  const methodScale = (range: unknown[]) => ({ domain: p.methods, range: range.slice(0, Math.max(1, nm)) });
  const x = {
    field: 'xd', type: 'quantitative' as const, title: p.xTitle,
    scale: p.log ? { type: 'log' as const, nice: false, padding: 12 } : { zero: false, nice: false, padding: 12 },
    axis: { values: xs, labelFlush: false, grid: true, format: '~g' },
  };
  const y = { field: 'mean', type: 'quantitative' as const, title: p.yTitle, scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: p.title, subtitle: p.subtitle, anchor: 'start', fontSize: 13, subtitleFontSize: 11 },
    width: 460,
    height: 300,
    background: 'white',
    config: { font: 'DejaVu Sans, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } },
    data: { values: rows },
    encoding: { x },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: { y: { field: 'lo', type: 'quantitative', title: p.yTitle }, y2: { field: 'hi' }, color: { field: 'method', type: 'nominal', scale: methodScale(COLOURS), legend } },
      },
      {
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'tick', orient: 'horizontal', size: 8, thickness: 1.2 },
        encoding: { y: { field: 'lo', type: 'quantitative' }, color: { field: 'method', type: 'nominal', scale: methodScale(COLOURS), legend } },
      },
      {
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'tick', orient: 'horizontal', size: 8, thickness: 1.2 },
        encoding: { y: { field: 'hi', type: 'quantitative' }, color: { field: 'method', type: 'nominal', scale: methodScale(COLOURS), legend } },
      },
      {
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          y,
          color: { field: 'method', type: 'nominal', scale: methodScale(COLOURS), legend },
          strokeDash: { field: 'method', type: 'nominal', scale: methodScale(DASHES), legend },
          order: { field: 'x', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 55, opacity: 1, stroke: 'white', strokeWidth: 0.6 },
        encoding: {
          y,
          color: { field: 'method', type: 'nominal', scale: methodScale(COLOURS), legend },
          shape: { field: 'method', type: 'nominal', scale: methodScale(SHAPES), legend },
          tooltip: [{ field: 'method' }, { field: 'x', title: p.xTitle }, { field: 'mean', title: p.yTitle }, { field: 'lo', title: '95 % CI low' }, { field: 'hi', title: '95 % CI high' }],
        },
      },
    ],
  } as TopLevelSpec;
}

export async function plotSvg(p: PlotInput): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(plotSpec(p)).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg.endsWith('\n') ? svg : svg + '\n';
}

export function svgToPng(svg: string): Uint8Array {
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
