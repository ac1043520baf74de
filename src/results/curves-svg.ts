// Learning curves as hand-written SVG: test metric after each turn, one line per method
// (mean over seeds), a band for the 95 % CI when there are several seeds, and the authors'
// curve dashed in the same colour where aggregate.ts attached one (only on the paper's protocol). Numbers are printed with fixed decimals so the same
// data always give the same bytes.

import type { ExperimentSummary } from './aggregate.js';

const COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function curvesSvg(e: ExperimentSummary): string {
  const drawAuthors = (c: ExperimentSummary['curves'][number]) => c.authors !== null && c.authors.length === e.turns;
  const scale = e.metric === 'accuracy' ? 100 : 1;
  const W = 560, H = 340, left = 64, right = 130, top = 36, bottom = 44;
  const pw = W - left - right, ph = H - top - bottom;
  const ys: number[] = [];
  for (const c of e.curves) {
    for (const s of c.perTurn) for (const v of [s.mean, s.ciLow, s.ciHigh]) if (Number.isFinite(v)) ys.push(v * scale);
    for (const v of c.authors ?? []) if (Number.isFinite(v)) ys.push(v * scale);
  }
  let lo = ys.length ? Math.min(...ys) : 0, hi = ys.length ? Math.max(...ys) : 1;
  // Metrics live in [0, 100] % (accuracy) or [0, ∞) (MSE); a wide CI band must not stretch the axis past that.
  lo = Math.max(0, lo);
  if (e.metric === 'accuracy') hi = Math.min(100, hi);
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.5;
  lo = Math.max(0, lo - pad);
  hi += pad;
  const x = (turn: number) => left + (e.turns === 1 ? pw / 2 : ((turn - 1) / (e.turns - 1)) * pw);
  const y = (v: number) => top + (1 - (v * scale - lo) / (hi - lo)) * ph;
  const f = (v: number) => v.toFixed(2);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const seeds = e.seeds.length;
  out.push(`<text x="${left}" y="18" font-size="13">${esc(`${e.label}: test ${e.metric === 'accuracy' ? 'accuracy, %' : 'MSE'} per turn (${seeds} seed${seeds === 1 ? '' : 's'}${seeds > 1 ? ', band 95 % CI' : ''})`)}</text>`);
  const tks = ticks(lo, hi);
  const step = tks.length > 1 ? tks[1] - tks[0] : 1;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (const t of tks) {
    out.push(`<line x1="${left}" x2="${left + pw}" y1="${f(y(t / scale))}" y2="${f(y(t / scale))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${f(y(t / scale) + 4)}" text-anchor="end">${t.toFixed(decimals)}</text>`);
  }
  for (let t = 1; t <= e.turns; t++) out.push(`<text x="${f(x(t))}" y="${top + ph + 16}" text-anchor="middle">${t}</text>`);
  out.push(`<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">turn</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);

  e.curves.forEach((c, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const pts = c.perTurn.map((s, t) => ({ t: t + 1, s })).filter((p) => Number.isFinite(p.s.mean));
    const band = pts.filter((p) => Number.isFinite(p.s.ciLow) && Number.isFinite(p.s.ciHigh));
    if (band.length >= 2) {
      const upper = band.map((p) => `${f(x(p.t))},${f(y(Math.min(p.s.ciHigh, hi / scale)))}`);
      const lower = band.map((p) => `${f(x(p.t))},${f(y(Math.max(p.s.ciLow, lo / scale)))}`).reverse();
      out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (pts.length) out.push(`<polyline points="${pts.map((p) => `${f(x(p.t))},${f(y(p.s.mean))}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of pts) out.push(`<circle cx="${f(x(p.t))}" cy="${f(y(p.s.mean))}" r="2.5" fill="${colour}"/>`);
    if (drawAuthors(c)) {
      out.push(`<polyline points="${c.authors!.map((v, t) => `${f(x(t + 1))},${f(y(v))}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="1" stroke-dasharray="4 3"/>`);
    }
    const ly = top + 8 + k * 18;
    out.push(`<line x1="${left + pw + 12}" x2="${left + pw + 32}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${left + pw + 38}" y="${ly + 4}">${esc(c.method)}</text>`);
  });
  if (e.curves.some(drawAuthors)) {
    const ly = top + 8 + e.curves.length * 18 + 6;
    out.push(`<line x1="${left + pw + 12}" x2="${left + pw + 32}" y1="${ly}" y2="${ly}" stroke="#333" stroke-width="1" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${left + pw + 38}" y="${ly + 4}">authors</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
