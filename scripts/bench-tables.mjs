// Prints, from a bench.json that `npm run bench` wrote, the tables the README's performance
// section quotes: every method × shape of the default engine as a ratio to the float64 C loop
// (and to the same loop at 128 bits without FMA, and, when the run had it, to the same loop
// compiled to WebAssembly and run by Node), evaluation likewise, the targets met and not met, and
// the wall times; for runs that also timed the C loop with layer 0 in dwgd's arrangement
// (METHOD@dwgd, bench/anchor.c), what that arithmetic costs and how far dwgd is from it.
// Usage: node scripts/bench-tables.mjs [results/bench.json …]: several files (say the runs of
// --only cifar, mnist and tabular) are read as one run: their rows and targets together.

import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['results/bench.json'];
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const bench = runs[0];
for (const more of runs.slice(1)) {
  for (const key of ['train', 'eval', 'targets']) bench[key] = [...(bench[key] ?? []), ...(more[key] ?? [])];
  if (bench.anchor?.train && more.anchor?.train) bench.anchor.train = [...bench.anchor.train, ...more.anchor.train];
  if (bench.anchor?.eval && more.anchor?.eval) bench.anchor.eval = [...bench.anchor.eval, ...more.anchor.eval];
  if (bench.machine && more.machine) {
    for (const key of ['rows', 'rounds', 'extraRounds', 'disturbedRows']) bench.machine[key] += more.machine[key];
  }
  bench.loadAverage = [bench.loadAverage[0], more.loadAverage[1]];
  bench.date = `${bench.date} … ${more.date}`;
}
const engine = 'fast';
const x = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`);
const num = (v) => Math.round(v).toLocaleString('en-US');

const train = bench.train.filter((r) => r.engine === engine);
const archs = [...new Set(train.map((r) => r.arch))];
const methods = [...new Set(train.map((r) => r.method))];
// Runs from 5 Dec 2026 on time the C loop in WebAssembly too (anchor.wasm; vsC64wasm).
const wasm = bench.anchor?.wasm && !('skipped' in bench.anchor.wasm) ? bench.anchor.wasm : null;
// † marks a row no quiet round was found for (bench/quiet.ts; runs before the canary have none).
const cell = (r) => (r ? `${r.disturbed ? '† ' : ''}${x(r.vsC64)} (${x(r.vsC64x128)}${wasm ? `; ${x(r.vsC64wasm)}` : ''})` : '');

console.log(`bench of ${bench.date}, load average ${bench.loadAverage.map((v) => v.toFixed(1)).join(' → ')}, ${bench.node}`);
const m = bench.machine;
if (m) {
  console.log(`${m.pinnedCpu === null ? `not pinned (${m.notPinned})` : `pinned to CPU ${m.pinnedCpu}`}; ${m.rows} rows in ${m.rounds} rounds ` +
    `(${m.extraRounds} beyond the repeats); ${m.disturbedRows} row(s) with no quiet round (canary ≥ ${m.quietShare * 100} % of its fastest)`);
}
console.log(`\nTraining, dwgd ÷ float64 C loop (÷ the 128-bit C loop${wasm ? '; ÷ the C loop in WebAssembly' : ''}); default engine:\n`);
console.log(`| method | ${archs.join(' | ')} |`);
console.log(`|---|${archs.map(() => '---:').join('|')}|`);
for (const m of methods) console.log(`| ${m} | ${archs.map((a) => cell(train.find((r) => r.method === m && r.arch === a))).join(' | ')} |`);
const evals = bench.eval.filter((r) => r.engine === engine);
console.log(`| **evaluation** | ${archs.map((a) => cell(evals.find((r) => r.arch === a))).join(' | ')} |`);

console.log('\nSteps per second (dwgd / float64 C):\n');
console.log(`| method | ${archs.join(' | ')} |`);
console.log(`|---|${archs.map(() => '---:').join('|')}|`);
const anchor = bench.anchor?.train ? bench.anchor : null;
for (const m of methods) {
  console.log(`| ${m} | ${archs.map((a) => {
    const r = train.find((t) => t.method === m && t.arch === a);
    const c = anchor?.train.find((t) => t.method === m && t.arch === a);
    return r ? `${num(r.stepsPerSec)} / ${c ? num(c.float64) : '–'}` : '';
  }).join(' | ')} |`);
}

// Each unmet ratio against a C loop at WebAssembly's width (`key` the row's ratio to it): dwgd ÷
// native C (the target's ratio), that loop ÷ native C (what WebAssembly's two lanes without FMA
// leave a competent loop: the bound), dwgd ÷ that loop (how far dwgd is from the bound; at or
// above 1 it is at the bound); then the unmet ratios by that distance.
function unmetAgainst(key, heading, [bound, byDwgd], atOrAbove) {
  console.log(`\nEach unmet ratio target against ${heading}:\n`);
  console.log(`| unmet target | dwgd ÷ native C | ${bound} | ${byDwgd} |`);
  console.log('|---|---:|---:|---:|');
  for (const t of bench.targets.filter((t) => t.engine === engine && t.unit === 'ratio' && !t.met)) {
    const what = t.what.replace(' vs C float64', '').replace(/^eval (\S+)$/, '$1 evaluation');
    console.log(`| ${what} | ${x(t.value)} | ${x(t[key] ? t.value / t[key] : null)} | ${x(t[key])} |`);
  }
  const unmet = bench.targets.filter((t) => t.engine === engine && t.unit === 'ratio' && !t.met && t[key] != null);
  for (const [name, lo, hi] of [[atOrAbove, 1, Infinity], ['within 15 % of it', 0.85, 1], ['below 0.85 of it', 0, 0.85]]) {
    const rows = unmet.filter((t) => t[key] >= lo && t[key] < hi).map((t) => `${t.what.replace(' vs C float64', '')} ${x(t[key])}`);
    console.log(`\n${rows.length} of ${unmet.length} unmet ratios ${name}: ${rows.join('; ')}`);
  }
}
unmetAgainst('vsC64x128', 'the 128-bit C loop', ['128-bit C ÷ native C', 'dwgd ÷ 128-bit C'], 'at or above the 128-bit loop');
// The same against the C loop compiled to WebAssembly and run by the same Node: what this engine
// makes of a competent compiler's WebAssembly for the same algebra.
if (wasm) unmetAgainst('vsC64wasm', 'the C loop in WebAssembly', ['C in wasm ÷ native C', 'dwgd ÷ C in wasm'], 'at or above the C loop in WebAssembly');

// The C loop with layer 0 in dwgd's arrangement (METHOD@dwgd): the arithmetic that dwgd's
// reproduced numbers are defined by (scales, pending updates, input-major rows padded to 64-byte
// blocks, four-row sums), compiled by a C compiler. Its cost against the plain loop at the same
// width (both at 128 bits, no FMA) is what that arithmetic costs on this machine; dwgd ÷ it in
// WebAssembly is how far dwgd's code is from a compiler's code for the same arithmetic on this engine.
const arrangedRows = train.filter((r) => r.vsArrangedWasm != null || r.vsArranged128 != null);
if (arrangedRows.length) {
  const anchorRow = (r) => anchor?.train.find((t) => t.method === r.method && t.arch === r.arch && t.inputs === r.inputs);
  console.log('\nThe C loop with layer 0 in dwgd\'s arrangement (METHOD@dwgd):\n');
  console.log('| row | dwgd ÷ native C | arrangement ÷ plain loop, both 128-bit | arrangement ÷ plain loop, both in wasm | dwgd ÷ arrangement 128-bit | dwgd ÷ arrangement in wasm |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of arrangedRows) {
    const a = anchorRow(r);
    const cost128 = a?.arranged128 && a.float64x128 ? a.arranged128 / a.float64x128 : null;
    const costWasm = a?.arrangedWasm && a.float64wasm ? a.arrangedWasm / a.float64wasm : null;
    console.log(`| ${r.disturbed ? '† ' : ''}${r.method} ${r.arch} | ${x(r.vsC64)} | ${x(cost128)} | ${x(costWasm)} | ${x(r.vsArranged128)} | ${x(r.vsArrangedWasm)} |`);
  }
  const unmet = bench.targets.filter((t) => t.engine === engine && t.unit === 'ratio' && !t.met && t.vsArrangedWasm != null);
  for (const [name, lo, hi] of [['at or above the same arithmetic in WebAssembly', 1, Infinity], ['within 15 % of it', 0.85, 1], ['below 0.85 of it', 0, 0.85]]) {
    const rows = unmet.filter((t) => t.vsArrangedWasm >= lo && t.vsArrangedWasm < hi).map((t) => `${t.what.replace(' vs C float64', '')} ${x(t.vsArrangedWasm)}`);
    console.log(`\n${rows.length} of ${unmet.length} unmet ratios with the arrangement ${name}: ${rows.join('; ')}`);
  }
}

const targets = bench.targets.filter((t) => t.engine === engine);
const met = targets.filter((t) => t.met);
console.log(`\nTargets: ${met.length} of ${targets.length} met.`);
const gridRatios = targets.filter((t) => t.unit === 'ratio');
const ratioMet = gridRatios.filter((t) => t.met).length;
console.log(`Ratio targets: ${ratioMet} of ${gridRatios.length} met. Not met:`);
for (const t of gridRatios.filter((t) => !t.met)) console.log(`  ${t.what}: ${x(t.value)} (÷ 128-bit C ${x(t.vsC64x128)})`);
for (const t of targets.filter((t) => t.unit !== 'ratio')) console.log(`  ${t.met ? 'met' : 'not met'}: ${t.what}: ${num(t.value)} against ${num(t.target)}`);

const wall = bench.wallTime;
if (wall) {
  console.log(`\nWall time (${wall.workers} workers${wall.quick ? ', --quick' : ''}): the paper grid ${(wall.paperPerSeedSeconds / 60).toFixed(1)} min a seed`);
  for (const f of wall.fair ?? []) {
    console.log(`  ${f.study} ${f.stage}: ${f.runs} runs, ${f.seeds} seeds; ${(f.perSeedSeconds / 60).toFixed(1)} min a seed, ${(f.totalSeconds / 3600).toFixed(2)} h in all`);
  }
}
