// `dwgd runs --html FILE`: one self-contained page (no network: inline style, script and SVG,
// and a content security policy that forbids loading anything) holding a table of models, one
// row per run × method, with the columns `dwgd runs` shows. A click on a column heading sorts by
// it (again: the other way); the filter box takes the `--where` language (where.ts, the same
// code, inlined); ticked rows get their learning curves (the clean test metric, or the training
// loss, after every turn, against training steps) overlaid in one SVG figure per metric.

import { readFileSync } from 'node:fs';
import { esc as escapeHtml } from './html.js';
import { cellText, columnTitle, type RunListing } from './run-index.js';
import { whereLanguage, type WhereValue } from './where.js';

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** JSON that can sit inside a <script> element (no '</script>', no '<!--'), non-finite numbers kept as {"$number": "NaN"}. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}


export interface BrowserOptions {
  where?: string;
  tags?: string[];
}

export function runBrowserHtml(listing: RunListing, opts: BrowserOptions = {}): string {
  const { rows, columns } = listing;
  const data = {
    columns: columns.map((key) => ({ key, title: columnTitle(key, rows), numeric: rows.length > 0 && rows.every((r) => typeof r.values[key] === 'number' || r.values[key] === null) })),
    rows: rows.map((r, id) => ({
      id, run: r.run, method: r.method, metric: r.metric, stepsPerTurn: r.stepsPerTurn,
      params: Object.fromEntries(listing.differing.map((k) => [k, cellText(r, k)])),
      cells: columns.map((c) => cellText(r, c)), values: r.values as Record<string, WhereValue>, perTurn: r.perTurn, trainLoss: r.trainLoss,
    })),
  };
  const runs = new Set(rows.map((r) => r.dir)).size;
  const filters = [opts.where !== undefined ? `--where ${opts.where}` : '', ...(opts.tags ?? []).map((t) => `--tag ${t}`)].filter(Boolean).join(' ');
  const shared = listing.shared.length ? `Same in every row: ${listing.shared.map((s) => `${s.key} ${s.value === null ? '–' : String(s.value)}`).join(' · ')}.` : '';
  const title = `Runs under ${listing.root}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.2em 0 .4em; }
.meta { color: #555; margin: 0 0 1em; }
.controls { display: flex; flex-wrap: wrap; gap: .6em 1em; align-items: center; margin-bottom: .6em; }
#filter { width: 28em; max-width: 90vw; font: 13px ui-monospace, monospace; padding: .3em; }
#filter.bad { border-color: #c00; outline-color: #c00; }
.error { color: #b00; }
.table-wrap { overflow-x: auto; max-height: 60vh; overflow-y: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: .25em .6em; border-bottom: 1px solid #eee; white-space: nowrap; text-align: left; }
th { position: sticky; top: 0; background: #f6f6f6; cursor: pointer; user-select: none; }
th.tick { cursor: default; }
th.num { text-align: right; }
th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: .8em; }
th[aria-sort="descending"]::after { content: " \\25BC"; font-size: .8em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.ticked td { background: #eef5ff; }
.legend { list-style: none; padding: 0; margin: .3em 0 1em; font-size: 13px; }
.legend li { margin: .15em 0; }
.legend svg { vertical-align: middle; margin-right: .4em; }
.hint { color: #666; }
figure { margin: 0; }
figcaption { font-weight: 600; margin: .5em 0 .2em; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${rows.length} model${rows.length === 1 ? '' : 's'} of ${runs} run${runs === 1 ? '' : 's'}${filters ? ` (${escapeHtml(filters)})` : ''}; written by dwgd ${escapeHtml(version())}. ${escapeHtml(shared)}
Accuracy in %, MSE in target units. Click a column heading to sort; tick rows to overlay their learning curves.</p>
<div class="controls">
<label for="filter">Filter</label>
<input id="filter" type="text" spellcheck="false" autocomplete="off" placeholder="method=dwm and n&gt;=500" aria-describedby="filter-error">
<span id="count"></span>
<button type="button" id="tick-shown">tick shown</button>
<button type="button" id="clear">clear ticks</button>
<span id="filter-error" class="error" role="alert"></span>
</div>
<div class="table-wrap"><table id="runs"><thead><tr></tr></thead><tbody></tbody></table></div>
<h2>Learning curves</h2>
<div class="controls"><label for="y">y axis</label>
<select id="y"><option value="test">clean test metric</option><option value="loss">training loss</option></select></div>
<div id="curves"><p class="hint">Tick rows in the table to draw their curves.</p></div>
<script type="application/json" id="data">${scriptJson(data)}</script>
<script>
"use strict";
const WHERE = (${whereLanguage.toString()})();
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}

// The page's own code: plain browser JavaScript (it runs as written; tsc does not see it).
const PAGE_SCRIPT = `
const DATA = JSON.parse(document.getElementById('data').textContent, (k, v) => (v !== null && typeof v === 'object' && typeof v.$number === 'string' ? Number(v.$number) : v));
const SVG = 'http://www.w3.org/2000/svg';
// Okabe–Ito, as the report's figures; dash patterns once the colours are used up.
const COLOURS = ['#000000', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#999999'];
const DASHES = ['', '7 3', '2 2', '9 3 2 3', '4 4'];
const KEYS = [...new Set(DATA.rows.flatMap((r) => Object.keys(r.values)))];
const state = { sort: null, dir: 1, filter: null, ticked: [] };

const el = (tag, attrs = {}, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const svgEl = (tag, attrs = {}) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

// Numbers before text, text by code point; missing values and NaN last in either direction (as dwgd runs --sort).
function compare(a, b, dir) {
  const absent = (v) => v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));
  if (absent(a) || absent(b)) return absent(a) === absent(b) ? 0 : absent(a) ? 1 : -1;
  const ka = typeof a === 'number' ? [0, a] : [1, Array.isArray(a) ? a.join(',') : String(a)];
  const kb = typeof b === 'number' ? [0, b] : [1, Array.isArray(b) ? b.join(',') : String(b)];
  if (ka[0] !== kb[0]) return dir * (ka[0] - kb[0]);
  return ka[1] < kb[1] ? -dir : ka[1] > kb[1] ? dir : 0;
}

function shownRows() {
  let rows = DATA.rows;
  if (state.filter) rows = rows.filter((r) => WHERE.test(state.filter, (k) => r.values[k]));
  if (state.sort !== null) rows = [...rows].sort((a, b) => compare(a.values[state.sort], b.values[state.sort], state.dir) || a.id - b.id);
  return rows;
}

function renderHead() {
  const tr = document.querySelector('#runs thead tr');
  tr.replaceChildren(el('th', { class: 'tick', title: 'tick to draw the curves' }, ''));
  for (const c of DATA.columns) {
    const th = el('th', { 'data-key': c.key, scope: 'col', class: c.numeric ? 'num' : '' }, c.title);
    if (state.sort === c.key) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
    th.addEventListener('click', () => {
      if (state.sort === c.key) state.dir = -state.dir;
      else {
        state.sort = c.key;
        state.dir = 1;
      }
      renderHead();
      renderBody();
    });
    tr.appendChild(th);
  }
}

function renderBody() {
  const rows = shownRows();
  const body = document.querySelector('#runs tbody');
  body.replaceChildren();
  for (const r of rows) {
    const tr = el('tr', { 'data-id': r.id, 'data-run': r.run, 'data-method': r.method });
    if (state.ticked.includes(r.id)) tr.classList.add('ticked');
    const box = el('input', { type: 'checkbox', 'aria-label': 'tick ' + r.run + ' ' + r.method });
    box.checked = state.ticked.includes(r.id);
    box.addEventListener('change', () => tick(r.id, box.checked));
    const td = el('td');
    td.appendChild(box);
    tr.appendChild(td);
    r.cells.forEach((text, i) => {
      const v = r.values[DATA.columns[i].key];
      tr.appendChild(el('td', typeof v === 'number' ? { class: 'num' } : {}, text));
    });
    body.appendChild(tr);
  }
  document.getElementById('count').textContent = rows.length + ' of ' + DATA.rows.length + ' models shown, ' + state.ticked.length + ' ticked';
}

function tick(id, on) {
  state.ticked = on ? [...new Set([...state.ticked, id])] : state.ticked.filter((x) => x !== id);
  renderBody();
  renderCurves();
}

function applyFilter(text) {
  const input = document.getElementById('filter');
  const error = document.getElementById('filter-error');
  let tree = null;
  let problem = '';
  if (text.trim() !== '') {
    try {
      tree = WHERE.parse(text);
      const unknown = WHERE.comparisons(tree).find((c) => !KEYS.includes(c.key));
      if (unknown) problem = 'unknown key ' + JSON.stringify(unknown.key) + ' (the column headings and config keys are known)';
    } catch (e) {
      problem = e.message;
    }
  }
  state.filter = problem ? null : tree;
  error.textContent = problem;
  input.classList.toggle('bad', problem !== '');
  renderBody();
}

// Tick values: 1, 2 or 5 × a power of ten, about n of them over [lo, hi].
function ticks(lo, hi, n) {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / n;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  // The axis runs from the tick at or below the lowest value to the one at or above the highest.
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const out = [];
  for (let v = first; v <= last + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return { lo: first, hi: last, values: out, step };
}

function fmt(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Math.abs(v) >= 1e5 ? v.toExponential(1) : v.toFixed(Math.min(digits, 8));
}

function chart(title, yTitle, series) {
  const W = 680, H = 340, L = 64, R = 32, T = 12, B = 46;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => Number.isFinite(y));
  const fig = el('figure', { class: 'chart' });
  fig.appendChild(el('figcaption', {}, title));
  const svg = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title });
  const gx = ticks(0, Math.max(...xs), 6);
  const gy = ys.length ? ticks(Math.min(...ys), Math.max(...ys), 5) : ticks(0, 1, 5);
  const x = (v) => L + ((v - gx.lo) / (gx.hi - gx.lo)) * (W - L - R);
  const y = (v) => T + (1 - (v - gy.lo) / (gy.hi - gy.lo)) * (H - T - B);
  svg.appendChild(svgEl('rect', { x: L, y: T, width: W - L - R, height: H - T - B, fill: 'white', stroke: '#bbb' }));
  for (const v of gy.values) {
    svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#eee' }));
    const t = svgEl('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 });
    t.textContent = fmt(v, gy.step);
    svg.appendChild(t);
  }
  for (const v of gx.values) {
    svg.appendChild(svgEl('line', { x1: x(v), x2: x(v), y1: H - B, y2: H - B + 4, stroke: '#888' }));
    const t = svgEl('text', { x: x(v), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11 });
    t.textContent = v.toLocaleString('en-US');
    svg.appendChild(t);
  }
  const xt = svgEl('text', { x: L + (W - L - R) / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': 12 });
  xt.textContent = 'training steps';
  svg.appendChild(xt);
  const yt = svgEl('text', { transform: 'translate(14 ' + (T + (H - T - B) / 2) + ') rotate(-90)', 'text-anchor': 'middle', 'font-size': 12 });
  yt.textContent = yTitle;
  svg.appendChild(yt);
  const legend = el('ul', { class: 'legend' });
  for (const s of series) {
    // A non-finite value (a diverged model) breaks the line.
    let d = '';
    let pen = 'M';
    for (const [px, py] of s.points) {
      if (!Number.isFinite(py)) {
        pen = 'M';
        continue;
      }
      d += pen + x(px).toFixed(1) + ',' + y(py).toFixed(1);
      pen = 'L';
    }
    const g = svgEl('g', { class: 'series' });
    const path = svgEl('path', { class: 'curve', d, fill: 'none', stroke: s.colour, 'stroke-width': 2, 'stroke-dasharray': s.dash, 'data-run': s.run, 'data-method': s.method, 'data-points': s.points.filter((p) => Number.isFinite(p[1])).length });
    const tip = svgEl('title');
    tip.textContent = s.label;
    path.appendChild(tip);
    g.appendChild(path);
    for (const [px, py] of s.points) if (Number.isFinite(py)) g.appendChild(svgEl('circle', { cx: x(px).toFixed(1), cy: y(py).toFixed(1), r: 3, fill: s.colour }));
    svg.appendChild(g);
    const li = el('li');
    const key = svgEl('svg', { width: 28, height: 10 });
    key.appendChild(svgEl('line', { x1: 1, x2: 27, y1: 5, y2: 5, stroke: s.colour, 'stroke-width': 2, 'stroke-dasharray': s.dash }));
    li.appendChild(key);
    li.appendChild(document.createTextNode(s.label));
    legend.appendChild(li);
  }
  fig.appendChild(svg);
  fig.appendChild(legend);
  return fig;
}

function renderCurves() {
  const box = document.getElementById('curves');
  box.replaceChildren();
  const rows = state.ticked.map((id) => DATA.rows[id]);
  if (rows.length === 0) {
    box.appendChild(el('p', { class: 'hint' }, 'Tick rows in the table to draw their curves.'));
    return;
  }
  const loss = document.getElementById('y').value === 'loss';
  // One figure per metric: accuracy and MSE (and their training losses) are not on one scale.
  for (const metric of ['accuracy', 'mse']) {
    const group = rows.filter((r) => r.metric === metric);
    if (group.length === 0) continue;
    // Each curve is named by its run and method, and the parameters that differ between the curves of this figure.
    const keys = Object.keys(group[0].params).filter((key) => group.some((r) => r.params[key] !== group[0].params[key]));
    const series = group.map((r) => {
      const k = rows.indexOf(r);
      const label = [r.run + ' ' + r.method, ...keys.map((key) => key + '=' + r.params[key])].join(' · ');
      const values = loss ? r.trainLoss : r.perTurn.map((v) => (metric === 'accuracy' ? 100 * v : v));
      return { run: r.run, method: r.method, label, colour: COLOURS[k % COLOURS.length], dash: DASHES[Math.floor(k / COLOURS.length) % DASHES.length], points: values.map((v, t) => [(t + 1) * r.stepsPerTurn, v]) };
    });
    const title = loss ? 'mean training loss per turn (' + (metric === 'accuracy' ? 'classification' : 'regression') + ')' : metric === 'accuracy' ? 'clean test accuracy (%) after each turn' : 'clean test MSE (target units) after each turn';
    box.appendChild(chart(title, loss ? 'training loss' : metric === 'accuracy' ? 'accuracy (%)' : 'MSE', series));
  }
}

document.getElementById('filter').addEventListener('input', (e) => applyFilter(e.target.value));
document.getElementById('y').addEventListener('change', renderCurves);
document.getElementById('tick-shown').addEventListener('click', () => {
  state.ticked = [...new Set([...state.ticked, ...shownRows().map((r) => r.id)])];
  renderBody();
  renderCurves();
});
document.getElementById('clear').addEventListener('click', () => {
  state.ticked = [];
  renderBody();
  renderCurves();
});
renderHead();
renderBody();
`;
