// The README quotes three published whole `npm run bench` runs: "The whole bench beside the C
// loop in WebAssembly" (docs/performance/bench-2026-12-05-wasm.json, which also times the anchor
// compiled to WebAssembly), "The whole bench in quiet rounds"
// (docs/performance/bench-2026-12-04-quiet.json, the rows timed between canary runs on one
// pinned core) and, before it, "The first whole bench" (docs/performance/bench-2026-12-04.json).
// This test reads each one's figures back: the tables are the ones scripts/bench-tables.mjs
// prints from the file, every ratio in them is dwgd's rate over the C loop's rate of the same
// run, and the counts of the text are recounted here. "The same arithmetic in C" quotes three
// part runs (docs/performance/bench-2026-12-05-arranged-*.json) that also time the C loop with
// layer 0 in dwgd's arrangement; its table, ratios and counts are checked the same way.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../core/rng.js';
import { drawSplit } from '../data/prepare.js';
import { ROOT } from '../experiment/testing/paths.js';

const FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-04.json');
const QUIET_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-04-quiet.json');
const WASM_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-wasm.json');
const LIVES_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-lives.json');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The second --only cifar run (after adam's change) and the wall time right after it. */
const ADAM_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-adam-cifar.json');
const WALL_ADAM_FILE = join(ROOT, 'docs', 'performance', 'walltime-2026-12-05-adam.json');
/** The three runs with the C loop in dwgd's arrangement: --only cifar, mnist and tabular. */
const ARRANGED_FILES = ['cifar', 'mnist', 'tabular'].map((g) => join(ROOT, 'docs', 'performance', `bench-2026-12-05-arranged-${g}.json`));

interface Bench {
  train: {
    method: string; arch: string; inputs: string; engine: string; stepsPerSec: number; vsC64: number | null; vsC64x128: number | null; vsC64wasm?: number | null;
    vsArranged128?: number | null; vsArrangedWasm?: number | null; disturbed?: true;
  }[];
  eval: { arch: string; engine: string; samplesPerSec: number; vsC64: number | null; vsC64x128: number | null; vsC64wasm?: number | null }[];
  anchor: {
    wasm?: { compiler: string } | { skipped: string };
    train: { method: string; arch: string; inputs: string; float64: number; float64x128: number | null; float64wasm?: number | null; arranged128?: number | null; arrangedWasm?: number | null }[];
    eval: { arch: string; float64: number; float64x128: number | null; float64wasm?: number | null }[];
  };
  targets: { what: string; engine: string; value: number; target: number; unit: string; met: boolean; vsC64x128?: number | null; vsC64wasm?: number | null; vsArrangedWasm?: number | null }[];
  corruptions: { suiteSeconds?: number } & Record<string, unknown>;
  machine?: { pinnedCpu: number | null; rows: number; disturbedRows: number; rounds: number; extraRounds: number };
}

/** The README's text from the paragraph starting `head` to `end`. */
const between = (head: string, end: string) => {
  const from = README.indexOf(head);
  assert.ok(from >= 0, `the README has '${head}'`);
  const to = README.indexOf(end, from);
  assert.ok(to > from, `'${end}' follows '${head}'`);
  return README.slice(from, to);
};
const section = () => between('**The first whole bench', 'Earlier runs, kept for the record');
const quietSection = () => between('**The whole bench in quiet rounds', '**The first whole bench');
const wasmSection = () => between('**The whole bench beside the C loop in WebAssembly', '**The whole bench in quiet rounds');
const arrangedSection = () => between('**The same arithmetic in C: how far dwgd is from it', '**Grid-length lives: the whole bench again');
const livesSection = () => between('**Grid-length lives: the whole bench again', '**The whole bench beside the C loop in WebAssembly');

/** How many of `ratios` are at or above 1, within 15 % below it, and below 0.85. */
const bands = (ratios: number[]) => [ratios.filter((v) => v >= 1).length, ratios.filter((v) => v >= 0.85 && v < 1).length, ratios.filter((v) => v < 0.85).length];

/** The checks both published runs share: the tables, every ratio, the counts and the other targets. */
function checkRun(file: string, text: string): Bench {
  const bench = JSON.parse(readFileSync(file, 'utf8')) as Bench;
  const printed = execFileSync(process.execPath, [join(ROOT, 'scripts', 'bench-tables.mjs'), file], { encoding: 'utf8' });
  const table = (head: string) => {
    const start = printed.indexOf(head);
    assert.ok(start >= 0, head);
    return printed.slice(start, printed.indexOf('\n\n', start));
  };
  assert.ok(text.includes(table('| method | 784-20-10')), 'the training table');
  assert.ok(text.includes(table('| unmet target |')), 'the unmet-target table');

  // Every ratio is dwgd's rate over the C loop's, both from this run (the file rounds to 3 places).
  const fast = bench.train.filter((r) => r.engine === 'fast');
  assert.ok(fast.length >= 100);
  for (const r of fast) {
    const c = bench.anchor.train.find((a) => a.method === r.method && a.arch === r.arch)!;
    assert.ok(Math.abs(r.vsC64! - r.stepsPerSec / c.float64) < 6e-4, `${r.method} ${r.arch}`);
    if (c.float64x128) assert.ok(Math.abs(r.vsC64x128! - r.stepsPerSec / c.float64x128) < 6e-4, `${r.method} ${r.arch} (128-bit)`);
  }

  // The counts: ratio targets met, and the unmet ones by their distance to the 128-bit loop.
  const ratios = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio');
  assert.equal(ratios.length, 80);
  for (const t of ratios) assert.equal(t.met, t.value >= t.target, t.what);
  const met = ratios.filter((t) => t.met).length;
  assert.ok(text.includes(`**${met} of 80 met**`), `${met} of 80`);
  const unmet = ratios.filter((t) => !t.met);
  const [atBound, near, gap] = bands(unmet.map((t) => t.vsC64x128!));
  assert.ok(text.includes(`**${atBound} of the ${unmet.length} are at the bound**`), `${atBound} at the bound`);
  assert.ok(text.includes(`**${near} are within 15 % of the bound**`), `${near} near`);
  assert.ok(text.includes(`**${gap} are gaps in dwgd**`), `${gap} gaps`);

  // Runs that timed the C loop in WebAssembly: its ratios, its table and its counts likewise.
  if (bench.anchor.wasm && 'compiler' in bench.anchor.wasm) {
    for (const r of fast) {
      const c = bench.anchor.train.find((a) => a.method === r.method && a.arch === r.arch)!;
      assert.ok(c.float64wasm && Math.abs(r.vsC64wasm! - r.stepsPerSec / c.float64wasm) < 6e-4, `${r.method} ${r.arch} (wasm)`);
    }
    assert.ok(text.includes(table('| unmet target | dwgd ÷ native C | C in wasm')), 'the unmet-target table against the C loop in WebAssembly');
    const [above, close, below] = bands(unmet.map((t) => t.vsC64wasm!));
    assert.ok(text.includes(`**${above} of the ${unmet.length} are at or above the C loop in WebAssembly**`), `${above} at or above it`);
    assert.ok(text.includes(`**${close} are within 15 % of it**`), `${close} within 15 %`);
    assert.ok(text.includes(`**${below} are below 0.85 of it**`), `${below} below 0.85`);
  }

  // The other targets' figures.
  const rate = (method: string, arch: string) => rateOf(bench, 'fast', method, arch);
  assert.ok(text.includes(`on 784-64-32-10 ${rate('dwm', '784-64-32-10')} against ${rate('dwm-stable', '784-64-32-10')}`));
  assert.ok(text.includes(`dwm training ${rate('dwm', '3072-64-32-10')} of 10,000`));
  const cifarEval = bench.eval.find((e) => e.engine === 'fast' && e.arch === '3072-64-32-10')!;
  assert.ok(text.includes(`evaluation ${cifarEval.samplesPerSec.toLocaleString('en-US')} of 75,000 samples/s`));
  return bench;
}

test('README: the bench with grid-length lives: its tables and counts are what docs/performance/bench-2026-12-05-lives.json gives', { skip: !existsSync(LIVES_FILE) && 'no published bench' }, () => {
  const text = livesSection();
  const bench = checkRun(LIVES_FILE, text);
  const m = bench.machine!;
  assert.ok(text.includes(`${m.rows} rows in ${m.rounds.toLocaleString('en-US')} rounds`), `${m.rows} rows in ${m.rounds} rounds`);
  assert.ok(text.includes(`${m.disturbedRows} rows found no quiet round`), `${m.disturbedRows} disturbed`);
  // The flips against the run before, recounted from both files.
  const before = JSON.parse(readFileSync(WASM_FILE, 'utf8')) as Bench;
  const ratio = (b: Bench) => new Map(b.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio').map((t) => [t.what, t.met]));
  const [was, now] = [ratio(before), ratio(bench)];
  const flipped = [...now].filter(([what, met]) => met && was.get(what) === false).length;
  const lost = [...now].filter(([what, met]) => !met && was.get(what) === true).length;
  assert.equal(flipped, 13, 'Thirteen flip to met');
  assert.equal(lost, 0, 'none flips the other way');
  assert.ok(text.includes('Thirteen flip to met') && text.includes('none flips the other way'));
  const all = bench.targets.filter((t) => t.engine === 'fast');
  assert.ok(text.includes(`${all.filter((t) => t.met).length} of the ${all.length} targets are met`));
});

test('README: the bench beside the C loop in WebAssembly: its tables and counts are what docs/performance/bench-2026-12-05-wasm.json gives', { skip: !existsSync(WASM_FILE) && 'no published bench' }, () => {
  const text = wasmSection();
  const bench = checkRun(WASM_FILE, text);
  assert.ok(bench.anchor.wasm && 'compiler' in bench.anchor.wasm, 'a run with the C loop in WebAssembly');
  const m = bench.machine!;
  assert.ok(text.includes(`${m.rows} rows in ${m.rounds.toLocaleString('en-US')} rounds`), `${m.rows} rows in ${m.rounds} rounds`);
  assert.ok(text.includes(`${m.disturbedRows} rows found no quiet round`), `${m.disturbedRows} disturbed`);
});

test('README: the quiet-rounds bench\'s tables and counts are what docs/performance/bench-2026-12-04-quiet.json gives', { skip: !existsSync(QUIET_FILE) && 'no published bench' }, () => {
  const text = quietSection();
  const bench = checkRun(QUIET_FILE, text);
  // How the rounds went, as the text says it.
  const m = bench.machine!;
  assert.ok(m && m.pinnedCpu !== null, 'a pinned run');
  assert.ok(text.includes(`${m.rows} rows in ${m.rounds.toLocaleString('en-US')} rounds`), `${m.rows} rows in ${m.rounds} rounds`);
  assert.ok(text.includes(`${m.disturbedRows} rows found no quiet round`), `${m.disturbedRows} disturbed`);
  assert.equal(bench.train.filter((r) => r.disturbed).length + bench.eval.filter((r) => 'disturbed' in r).length <= m.disturbedRows, true);
});

test('README: the first whole bench\'s tables and counts are what docs/performance/bench-2026-12-04.json gives', { skip: !existsSync(FILE) && 'no published bench' }, () => {
  const text = section();
  const bench = checkRun(FILE, text);
  // The 784-64-32-10 table at the head of the performance section, built from the same run.
  const n = (v: number) => v.toLocaleString('en-US');
  const anchorOf = (m: string) => bench.anchor.train.find((a) => a.method === m && a.arch === '784-64-32-10')!;
  const evalC = bench.anchor.eval.find((a) => a.arch === '784-64-32-10')!;
  assert.ok(README.includes(`| C anchor, float64 (gcc -O3 -march=native: AVX-512 and FMA) | ${n(anchorOf('dwm').float64)} | ${n(anchorOf('sgd').float64)} | ${n(evalC.float64)} |`));
  for (const engine of ['reference', 'fast32']) {
    const row = [rateOf(bench, engine, 'dwm', '784-64-32-10'), rateOf(bench, engine, 'sgd', '784-64-32-10'), n(bench.eval.find((e) => e.engine === engine && e.arch === '784-64-32-10')!.samplesPerSec)];
    assert.ok(README.includes(`| ${row.join(' | ')} |`), `${engine}: ${row.join(', ')}`);
  }
});

/** Training steps/s of `method` on `arch` with `engine`, as the README writes it. */
function rateOf(bench: Bench, engine: string, method: string, arch: string): string {
  return bench.train.find((r) => r.engine === engine && r.method === method && r.arch === arch)!.stepsPerSec.toLocaleString('en-US');
}

for (const file of ['walltime-2026-12-04.json', 'walltime-2026-12-05.json']) test(`README: the wall-time table is what docs/performance/${file} gives`, { skip: !existsSync(FILE) && 'no published bench' }, () => {
  const w = (JSON.parse(readFileSync(join(ROOT, 'docs', 'performance', file), 'utf8')) as {
    wallTime: { paperPerSeedSeconds: number; fair: { study: string; stage: string; runs: number; seeds: number; totalSeconds: number }[] };
  }).wallTime;
  const text = section();
  const stage = (study: string, name: string) => w.fair.find((f) => f.study === study && f.stage === name)!;
  const row = (label: string, value: string) => assert.ok(text.includes(`| ${label} | ≈ ${value} |`), `${label}: ≈ ${value}`);
  row('paper grid, one seed (30 cells, 150 models)', `${(w.paperPerSeedSeconds / 60).toFixed(1)} min`);
  const tune = stage('fair-images', 'tuning');
  const final = stage('fair-images', 'final');
  row(`fair-images, tuning stage (${tune.runs} runs, ${tune.seeds} seeds)`, `${Math.round(tune.totalSeconds / 60)} min`);
  row(`fair-images, final stage (${final.runs} runs, ${final.seeds} seeds; without the corruption suite)`, `${(final.totalSeconds / 3600).toFixed(1)} h`);
  const tabTune = stage('fair-tabular', 'tuning');
  const tabFinal = stage('fair-tabular', 'final');
  row(`fair-tabular, tuning + final stage (${tabTune.runs} + ${tabFinal.runs} runs)`, `${Math.round(tabTune.totalSeconds)} s + ${Math.round(tabFinal.totalSeconds)} s`);
  const all = w.fair.reduce((a, f) => a + f.totalSeconds, 0);
  assert.equal(w.fair.length, 4);
  row('the fair study in all', `${(all / 3600).toFixed(1)} h`);
});

test('README: the grid at the 128-bit C loop\'s rate is what scripts/grid-at-c-rate.mjs gives from the published files', { skip: !existsSync(QUIET_FILE) && 'no published bench' }, () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'grid-at-c-rate.mjs'), QUIET_FILE, join(ROOT, 'docs', 'performance', 'walltime-2026-12-05.json')], { encoding: 'utf8' });
  const m = /work (\d+) s instead of (\d+); ≈ (\d+) s \(([\d.]+) min\)/.exec(out);
  assert.ok(m, out);
  const [, bound, work, perSeed, minutes] = m!;
  const text = README.replace(/\s+/g, ' ');
  assert.ok(text.includes(`a seed's work would be ${bound} s instead of ${work}`), `README: ${bound} instead of ${work}`);
  assert.ok(text.includes(`the estimate ≈ ${perSeed} s, ${minutes} min`), `README: ≈ ${perSeed} s, ${minutes} min`);
});

test('README: the C loop in dwgd\'s arrangement: its table and counts are what the three docs/performance/bench-2026-12-05-arranged-*.json give', { skip: !ARRANGED_FILES.every((f) => existsSync(f)) && 'no published bench' }, () => {
  const text = arrangedSection();
  const printed = execFileSync(process.execPath, [join(ROOT, 'scripts', 'bench-tables.mjs'), ...ARRANGED_FILES], { encoding: 'utf8' });
  const start = printed.indexOf('| row | dwgd ÷ native C | arrangement');
  assert.ok(start >= 0, 'bench-tables prints the arrangement table');
  assert.ok(text.includes(printed.slice(start, printed.indexOf('\n\n', start))), 'the arrangement table');
  const runs = ARRANGED_FILES.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Bench);
  const train = runs.flatMap((b) => b.train).filter((r) => r.vsArrangedWasm != null);
  const anchor = runs.flatMap((b) => b.anchor.train);
  assert.equal(train.length, 48, 'six rules on the eight shapes of the grid');
  // Every ratio to the arrangement is dwgd's rate over the arranged C loop's rate of the same run.
  for (const r of train) {
    const a = anchor.find((x) => x.method === r.method && x.arch === r.arch && x.inputs === r.inputs)!;
    assert.ok(Math.abs(r.vsArrangedWasm! - r.stepsPerSec / a.arrangedWasm!) < 6e-4, `${r.method} ${r.arch} (arranged, wasm)`);
    assert.ok(Math.abs(r.vsArranged128! - r.stepsPerSec / a.arranged128!) < 6e-4, `${r.method} ${r.arch} (arranged, 128-bit)`);
  }
  // The unmet ratio targets of these rows, by their distance to the same arithmetic in WebAssembly.
  const unmet = runs.flatMap((b) => b.targets).filter((t) => t.engine === 'fast' && t.unit === 'ratio' && !t.met && t.vsArrangedWasm != null)
    .map((t) => t.vsArrangedWasm!);
  const [above, close, below] = bands(unmet);
  assert.ok(text.includes(`**${above} of the ${unmet.length} are at or above the same arithmetic in WebAssembly**`), `${above} at or above`);
  const are = (n: number) => (n === 1 ? 'is' : 'are');
  assert.ok(text.includes(`**${close} ${are(close)} within 15 % of it**`), `${close} within 15 %`);
  assert.ok(text.includes(`**${below} ${are(below)} below 0.85 of it**`), `${below} below 0.85`);
});

test('README: the second CIFAR-10 run and the wall time after adam\'s change are what their files give', { skip: !(existsSync(ADAM_FILE) && existsSync(WALL_ADAM_FILE)) && 'no published bench' }, () => {
  const text = arrangedSection();
  const bench = JSON.parse(readFileSync(ADAM_FILE, 'utf8')) as Bench;
  const row = (method: string, arch: string) => bench.train.find((r) => r.engine === 'fast' && r.method === method && r.arch === arch)!;
  const [a20, a64] = [row('adam', '3072-20-10'), row('adam', '3072-64-32-10')];
  assert.ok(text.includes(`adam runs ${a20.stepsPerSec.toLocaleString('en-US')} steps/s on 3072-20-10 and ${a64.stepsPerSec.toLocaleString('en-US')} on`), 'adam rates');
  assert.ok(text.includes(`${a20.vsC64wasm!.toFixed(2)}× and ${a64.vsC64wasm!.toFixed(2)}× the C loop in`), 'adam ÷ C in wasm');
  assert.ok(text.includes(`adam is at ${a20.vsC64!.toFixed(2)}× and ${a64.vsC64!.toFixed(2)}×`), 'adam ÷ native C');
  const unmet = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio' && !t.met && t.vsArrangedWasm != null).map((t) => t.vsArrangedWasm!);
  const counts = bands(unmet);
  assert.ok(text.includes(`${counts[0]} of its ${unmet.length} unmet ratios is at or above\nthe arrangement, ${counts[1]} within 15 % of it, ${counts[2]} below 0.85`), `counts ${counts.join('/')}`);
  const wall = (JSON.parse(readFileSync(WALL_ADAM_FILE, 'utf8')) as { wallTime: { paperPerSeedSeconds: number; fair: { study: string; stage: string; totalSeconds: number }[] } }).wallTime;
  assert.ok(text.includes(`the paper grid ≈ ${(wall.paperPerSeedSeconds / 60).toFixed(1)} min a seed`), 'grid per seed');
  const images = (stage: string) => (wall.fair.find((f) => f.study === 'fair-images' && f.stage === stage)!.totalSeconds / 60).toFixed(1);
  assert.ok(text.includes(`tuning ${images('tuning')} min, final ${images('final')} min`), 'fair-images stages');
});

/** The --only cifar run with the comparators in dwgd's arrangement, and the wall time with the corruption suite counted. */
const COMPARATORS_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-comparators-cifar.json');
const WALL_CORRUPTIONS_FILE = join(ROOT, 'docs', 'performance', 'walltime-2026-12-05-corruptions.json');

test('README: the comparators in dwgd\'s arrangement and the wall time with the corruption suite are what their files give', { skip: !(existsSync(COMPARATORS_FILE) && existsSync(WALL_CORRUPTIONS_FILE)) && 'no published bench' }, () => {
  const text = between('**The comparators in dwgd\'s arrangement', '**Grid-length lives');
  const flat = text.replace(/\s+/g, ' ');
  const printed = execFileSync(process.execPath, [join(ROOT, 'scripts', 'bench-tables.mjs'), COMPARATORS_FILE], { encoding: 'utf8' });
  const start = printed.indexOf('| row | dwgd ÷ native C | arrangement');
  assert.ok(start >= 0, 'bench-tables prints the arrangement table');
  assert.ok(text.includes(printed.slice(start, printed.indexOf('\n\n', start))), 'the arrangement table');
  const bench = JSON.parse(readFileSync(COMPARATORS_FILE, 'utf8')) as Bench;
  assert.equal(bench.train.filter((r) => r.vsArrangedWasm != null).length, 18, 'nine rules on the two CIFAR-10 shapes');
  const unmet = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio' && !t.met && t.vsArrangedWasm != null).map((t) => t.vsArrangedWasm!);
  const [above, close, below] = bands(unmet);
  assert.ok(flat.includes(`Of its ${unmet.length} unmet ratio targets that have the arrangement beside them, **${above} are at or above`), `${above} at or above`);
  assert.ok(flat.includes(`**${close} are within 15 % of it**`), `${close} within 15 %`);
  assert.ok(flat.includes(below === 0 ? '**none is below 0.85 of it**' : `**${below} below 0.85 of it**`), `${below} below 0.85`);
  const all = bench.train.filter((r) => r.vsArrangedWasm != null).map((r) => r.vsArrangedWasm!);
  assert.ok(flat.includes(`(${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}×)`), 'the range of dwgd ÷ the arrangement in wasm');
  const anchorRow = (method: string, arch: string) => bench.anchor.train.find((r) => r.method === method && r.arch === arch)!;
  const plain = (method: string, arch: string) => (anchorRow(method, arch).arrangedWasm! / anchorRow(method, arch).float64wasm!).toFixed(2);
  assert.ok(flat.includes(`arrangement runs at ${plain('momentum', '3072-20-10')}× (3072-20-10) and ${plain('momentum', '3072-64-32-10')}× (3072-64-32-10) of the plain loop`), 'momentum: arrangement ÷ plain loop');
  const row = (method: string, arch: string) => bench.train.find((r) => r.engine === 'fast' && r.method === method && r.arch === arch)!;
  const wasm = (method: string) => `${row(method, '3072-20-10').vsC64wasm!.toFixed(2)}× and ${row(method, '3072-64-32-10').vsC64wasm!.toFixed(2)}×`;
  assert.ok(flat.includes(`The gated decay at ${wasm('sgd-gated-decay')} the C loop in WebAssembly`), 'gated ÷ C in wasm');
  assert.ok(flat.includes(`adam at ${wasm('adam')} are at the WebAssembly yardstick`), 'adam ÷ C in wasm');
  const wall = (JSON.parse(readFileSync(WALL_CORRUPTIONS_FILE, 'utf8')) as {
    wallTime: {
      paperPerSeedSeconds: number; fair: { study: string; stage: string; totalSeconds: number }[];
      methodTimes: { cell: string; perSample: number; extraPoints: number; extraSamples: number; extraGeneration: number }[];
    };
  }).wallTime;
  assert.ok(flat.includes(`the paper grid ≈ ${(wall.paperPerSeedSeconds / 60).toFixed(1)} min a seed`), 'grid per seed');
  const stage = (study: string, s: string) => wall.fair.find((f) => f.study === study && f.stage === s)!.totalSeconds;
  assert.ok(flat.includes(`images tuning ${(stage('fair-images', 'tuning') / 60).toFixed(1)} min, final ${(stage('fair-images', 'final') / 60).toFixed(1)} min`), 'fair-images stages');
  assert.ok(flat.includes(`tabular ${stage('fair-tabular', 'tuning').toFixed(0)} s + ${stage('fair-tabular', 'final').toFixed(0)} s`), 'fair-tabular stages');
  const total = wall.fair.reduce((a, f) => a + f.totalSeconds, 0) / 3600;
  assert.ok(flat.includes(`the fair study ≈ ${total.toFixed(1)} h`), `fair study ${total.toFixed(1)} h`);
  // What the corruption suite adds: each final run makes its points' inputs and scores them for 22
  // models, 10 seeds × 3 training sizes of each image cell, over two workers.
  const extra = wall.methodTimes.filter((m) => m.extraPoints > 0).reduce((a, m) => a + 30 * (m.extraGeneration + 22 * m.extraSamples * m.perSample), 0);
  assert.ok(flat.includes(`the corruption suite adds about ${Math.round(extra / 2 / 60 / 5) * 5} min`), `corruption suite ${(extra / 120).toFixed(1)} min`);
  const cifar = wall.methodTimes.filter((m) => m.cell.startsWith('cifar-10') && m.extraPoints > 0);
  assert.ok(flat.includes(`CIFAR-10 ${cifar[0].extraGeneration.toFixed(1)} s for the first, ${cifar[1].extraGeneration.toFixed(1)} s for the second`), 'CIFAR-10 inputs');
});

const COMPARATORS_MNIST_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-comparators-mnist.json');

test('README: the comparators on MNIST\'s shapes are what docs/performance/bench-2026-12-05-comparators-mnist.json gives', { skip: !existsSync(COMPARATORS_MNIST_FILE) && 'no published bench' }, () => {
  const flat = between('On MNIST\'s shapes, `npm run bench', '**Wall time with these kernels').replace(/\s+/g, ' ');
  const bench = JSON.parse(readFileSync(COMPARATORS_MNIST_FILE, 'utf8')) as Bench;
  const fast = bench.train.filter((r) => r.engine === 'fast');
  const range = (v: number[]) => `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}×`;
  const paper = fast.filter((r) => ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001'].includes(r.method));
  assert.ok(flat.includes(`above the native C loop as before (${range(paper.map((r) => r.vsC64!))})`), 'the paper\'s rules ÷ native C');
  const comp = fast.filter((r) => ['momentum', 'adam', 'sgd-gated-decay'].includes(r.method));
  assert.equal(comp.length, 6);
  assert.ok(flat.includes(`(${range(comp.map((r) => r.vsC64!))}), run at ${range(comp.map((r) => r.vsC64x128!))} of the C loop at 128 bits and ${range(comp.map((r) => r.vsC64wasm!))} of the C loop in WebAssembly`), 'comparators ÷ the C loops');
  const rate = (m: string) => comp.filter((r) => r.method === m).map((r) => r.stepsPerSec.toLocaleString('en-US'));
  assert.ok(flat.includes(`momentum ${rate('momentum').join(' and ')} steps/s`) && flat.includes(`adam ${rate('adam').join(' and ')}`) && flat.includes(`the gated decay ${rate('sgd-gated-decay').join(' and ')}`), 'rates');
  const unmet = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio' && !t.met && t.vsArrangedWasm != null).map((t) => t.vsArrangedWasm!);
  const [above, close, below] = bands(unmet);
  assert.equal(below, 0, 'none below 0.85 of the arrangement');
  assert.ok(flat.includes(`**${above} of the ${unmet.length} are at or above it and ${close} within 15 % of it**`), `${above}/${close} of ${unmet.length}`);
  const ev = bench.eval.find((e) => e.engine === 'fast' && e.arch === '784-20-10')!;
  assert.ok(flat.includes(`Evaluation on 784-20-10 is ${ev.vsC64!.toFixed(2)}× the native loop and ${ev.vsC64x128!.toFixed(2)}× the 128-bit one`), 'evaluation');
});

const WHOLE_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-whole.json');

test('README: the whole bench with all nine rules arranged is what docs/performance/bench-2026-12-05-whole.json gives', { skip: !existsSync(WHOLE_FILE) && 'no published bench' }, () => {
  const text = between('**The whole bench with all nine rules in dwgd\'s arrangement', '**Gaussian draws');
  const flat = text.replace(/\s+/g, ' ');
  const bench = JSON.parse(readFileSync(WHOLE_FILE, 'utf8')) as Bench & { wallTime: { paperPerSeedSeconds: number } };
  const printed = execFileSync(process.execPath, [join(ROOT, 'scripts', 'bench-tables.mjs'), WHOLE_FILE], { encoding: 'utf8' });
  const start = printed.indexOf('| method | 784-20-10');
  assert.ok(text.includes(printed.slice(start, printed.indexOf('\n\n', start))), 'the training table');
  const m = bench.machine!;
  assert.ok(flat.includes(`${m.rows} rows in ${m.rounds} rounds (${m.extraRounds} beyond the repeats), ${m.disturbedRows} rows found no quiet round`), 'rounds');
  // Every rule on every shape of the grid, each with the arranged C loop beside it.
  const fast = bench.train.filter((r) => r.engine === 'fast');
  const rules = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001', 'momentum', 'adam', 'sgd-gated-decay'];
  const shapes = ['784-20-10', '784-64-32-10', '8-20-1', '8-64-32-1', '11-20-1', '11-64-32-1', '3072-20-10', '3072-64-32-10'];
  for (const rule of rules) for (const arch of shapes) {
    const row = fast.find((r) => r.method === rule && r.arch === arch);
    assert.ok(row && row.vsC64wasm != null && row.vsArrangedWasm != null, `${rule} ${arch}: timed beside the plain and the arranged C loop`);
  }
  const ratios = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio');
  assert.equal(ratios.length, 80);
  const met = ratios.filter((t) => t.met).length;
  assert.ok(flat.includes(`**${met} of the 80 ratio targets are met**`), `${met} met`);
  const unmet = ratios.filter((t) => !t.met);
  const [a128, n128, b128] = bands(unmet.map((t) => t.vsC64x128!));
  assert.ok(flat.includes(`Of the ${unmet.length} unmet, against the C loop at 128 bits **${a128} are at or above it, ${n128} within 15 % of it and ${b128} below 0.85 of it**`), '128-bit bands');
  const [aw, nw, bw] = bands(unmet.map((t) => t.vsC64wasm!));
  assert.ok(flat.includes(`against the C loop in WebAssembly **${aw} at or above, ${nw} within 15 %, ${bw} below 0.85**`), 'wasm bands');
  const low = unmet.filter((t) => t.vsC64x128! < 0.85 || t.vsC64wasm! < 0.85);
  assert.ok(low.every((t) => t.what.includes(' 3072-') && t.what.includes('training')), 'all CIFAR-10 training rows');
  const lowOf = (pick: (t: (typeof unmet)[number]) => number) => unmet.filter((t) => pick(t) < 0.85).map((t) => t.what.split(' training')[0]).sort();
  const both = ['dwm', 'dwm-stable', 'sgd', 'momentum'].flatMap((r) => [`${r} 3072-20-10`, `${r} 3072-64-32-10`]).concat('adam 3072-20-10');
  assert.deepEqual(lowOf((t) => t.vsC64x128!), [...both, 'l2-0.01 3072-20-10'].sort(), 'below 0.85 of the 128-bit loop');
  assert.deepEqual(lowOf((t) => t.vsC64wasm!), [...both, 'weight-decay-0.0001 3072-20-10'].sort(), 'below 0.85 of the loop in WebAssembly');
  assert.ok(flat.includes('Below 0.85 of either loop are CIFAR-10 training rows only'));
  const evals = unmet.filter((t) => t.what.startsWith('eval'));
  assert.ok(flat.includes(`The ${evals.length} unmet evaluation ratios`) && flat.includes(`(${evals.map((t) => `${t.vsC64wasm!.toFixed(2)}×`).join(', ')})`), 'evaluation ratios ÷ C in wasm');
  assert.ok(evals.every((t) => t.vsC64wasm! >= 1));
  const arranged = unmet.filter((t) => t.vsArrangedWasm != null);
  const [aa, na, ba] = bands(arranged.map((t) => t.vsArrangedWasm!));
  assert.ok(flat.includes(`the ${arranged.length} unmet training ratios are **${aa} at or above it, ${na} within 15 % of it and ${ba} below 0.85 of it**`), 'arrangement bands');
  const below = arranged.filter((t) => t.vsArrangedWasm! < 0.85);
  assert.ok(below.length === 1 && flat.includes(`dwm on 3072-64-32-10 at ${below[0].vsArrangedWasm!.toFixed(2)}×`) && below[0].what.startsWith('dwm 3072-64-32-10'), 'the one below 0.85');
  // The arrangement ÷ the plain loop, both in WebAssembly, for dwm, dwm-stable, sgd and momentum on CIFAR-10.
  const plain = bench.anchor.train.filter((a) => ['dwm', 'dwm-stable', 'sgd', 'momentum'].includes(a.method) && a.arch.startsWith('3072-')).map((a) => a.arrangedWasm! / a.float64wasm!);
  assert.equal(plain.length, 8);
  assert.ok(flat.includes(`${Math.min(...plain).toFixed(2)}–${Math.max(...plain).toFixed(2)}× of the plain loop in WebAssembly for dwm, dwm-stable, sgd and momentum`), 'arrangement ÷ plain');
  const speed = bench.targets.filter((t) => t.engine === 'fast' && t.what.includes('≥ dwm-stable'));
  assert.ok(flat.includes(`dwm at least as fast as dwm-stable on ${speed.filter((t) => t.met).length} of the ${speed.length} shapes`), 'dwm ≥ dwm-stable');
  const rate = (method: string, arch: string) => rateOf(bench, 'fast', method, arch);
  assert.ok(flat.includes(`on 784-64-32-10 ${rate('dwm', '784-64-32-10')} against ${rate('dwm-stable', '784-64-32-10')} steps/s`));
  assert.ok(flat.includes(`on 3072-64-32-10 ${rate('dwm', '3072-64-32-10')} of 10,000 steps/s`));
  const ev = bench.eval.find((e) => e.engine === 'fast' && e.arch === '3072-64-32-10')!;
  assert.ok(flat.includes(`evaluation ${ev.samplesPerSec.toLocaleString('en-US')} of 75,000 samples/s there (${ev.vsC64!.toFixed(2)}× the native C loop)`));
  assert.ok(flat.includes(`${(bench.wallTime.paperPerSeedSeconds / 60).toFixed(1)} min a seed for the grid`), 'the run\'s wall-time part');
});

const DRAWS_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-draws.json');
const WALL_NORMALS_FILE = join(ROOT, 'docs', 'performance', 'walltime-2026-12-05-normals.json');

interface WallFile {
  wallTime: {
    paperPerSeedSeconds: number;
    fair: { study: string; stage: string; totalSeconds: number }[];
    cells: { cell: string; train: number; evaluation: number; rest: number; shortTurns: number; shortStepsPerTurn: number }[];
    methodTimes: { cell: string; perStep: Record<string, number> }[];
  };
}
type Wall = WallFile['wallTime'];

/** The fair study's estimate in hours, both halves, one decimal (as the README quotes it). */
const fairHours = (w: Wall) => (w.fair.reduce((a, f) => a + f.totalSeconds, 0) / 3600).toFixed(1);
/** One stage's estimated seconds, all its seeds. */
const stageSeconds = (w: Wall, study: string, stage: string) => w.fair.find((f) => f.study === study && f.stage === stage)!.totalSeconds;
/** The stages as the README lists them: images tuning and final in minutes, tabular tuning + final in seconds. */
const stagesText = (w: Wall) => `images tuning ${(stageSeconds(w, 'fair-images', 'tuning') / 60).toFixed(1)} min, final ${(stageSeconds(w, 'fair-images', 'final') / 60).toFixed(1)} min, tabular ${stageSeconds(w, 'fair-tabular', 'tuning').toFixed(0)} s + ${stageSeconds(w, 'fair-tabular', 'final').toFixed(0)} s`;
/** A grid seed's CPU-seconds: each cell's training scaled to 6 × 10,000 steps, its clean evaluation to 6 turns, the rest once. */
function gridParts(w: Wall): { train: number; evaluation: number; rest: number; all: number } {
  const train = w.cells.reduce((a, c) => a + c.train * (60000 / (c.shortTurns * c.shortStepsPerTurn)), 0);
  const evaluation = w.cells.reduce((a, c) => a + c.evaluation * (6 / c.shortTurns), 0);
  const rest = w.cells.reduce((a, c) => a + c.rest, 0);
  return { train, evaluation, rest, all: train + evaluation + rest };
}

test('README: the draws in WebAssembly and the wall time after them are what their files give; the cost model\'s noisy input is that run\'s', { skip: !(existsSync(DRAWS_FILE) && existsSync(WALL_NORMALS_FILE)) && 'no published bench' }, async () => {
  const flat = between('**Gaussian draws in WebAssembly', '**Grid-length lives').replace(/\s+/g, ' ');
  const draws = (JSON.parse(readFileSync(DRAWS_FILE, 'utf8')) as { corruptions: { draws: { rngNormalNs: number; rowsNs: number; same: boolean } } }).corruptions.draws;
  assert.equal(draws.same, true);
  assert.ok(flat.includes(`a draw took ${draws.rngNormalNs.toFixed(1)} ns by \`rng.normal()\` and ${draws.rowsNs.toFixed(1)} ns in rows of 3,072 through the module (${(draws.rngNormalNs / draws.rowsNs).toFixed(2)}×; the same numbers: yes)`), 'draws');
  const [now, before] = [WALL_NORMALS_FILE, WALL_CORRUPTIONS_FILE].map((f) => (JSON.parse(readFileSync(f, 'utf8')) as WallFile).wallTime);
  assert.ok(flat.includes(`**the paper grid ≈ ${(now.paperPerSeedSeconds / 60).toFixed(1)} min a seed** (${Math.round(now.paperPerSeedSeconds)} s, against ${Math.round(before.paperPerSeedSeconds)} s in the run before)`), 'grid per seed');
  assert.ok(flat.includes(`**the fair study ≈ ${fairHours(now)} h** (${fairHours(before)} h)`), 'fair study');
  assert.ok(flat.includes(stagesText(now)), 'stages');
  const step = (w: WallFile['wallTime'], cell: string) => Math.round(w.methodTimes.find((m) => m.cell === cell)!.perStep['sgd-noise-default'] * 1e6);
  assert.ok(flat.includes(`${step(now, 'mnist 20 n=100')} µs instead of ${step(before, 'mnist 20 n=100')} on MNIST 784-20-10 and ${step(now, 'cifar-10 20 n=100')} µs instead of ${step(before, 'cifar-10 20 n=100')} on CIFAR-10 3072-20-10`), 'noise-trained SGD steps');
  const p = gridParts(now);
  assert.ok(flat.includes(`training ${Math.round(p.train)}, clean evaluation ${Math.round(p.evaluation)}`), 'training and evaluation CPU-seconds');
  assert.ok(flat.includes(`the rest ${Math.round(p.rest)} (was ${Math.round(gridParts(before).rest)}:`), 'the rest');
  assert.ok(flat.includes(`about 240 of these ${Math.round(p.all)} CPU-seconds`), 'total');
  // The cost model's noisy input value: the median over the six image cells of noise-trained SGD's step less SGD's, per input.
  const perInput = now.methodTimes.filter((m) => /^(mnist|fashion-mnist|cifar-10) /.test(m.cell))
    .map((m) => ((m.perStep['sgd-noise-default'] - m.perStep['sgd-default']) * 1e9) / (m.cell.startsWith('cifar-10') ? 3072 : 784)).sort((a, b) => a - b);
  assert.equal(perInput.length, 6);
  const median = (perInput[2] + perInput[3]) / 2;
  const { NOISE_PER_INPUT, UNIT_NS } = await import('../experiment/step-cost.js');
  assert.equal(NOISE_PER_INPUT, Math.round(Math.round(median) / UNIT_NS), `median ${median.toFixed(1)} ns`);
  assert.ok(flat.includes(`about ${Math.round(median)} ns instead of 50`));
});

const WALL_BLOCKS_FILE = join(ROOT, 'docs', 'performance', 'walltime-2026-12-05-blocks.json');
const WALL_BLOCKS_BEFORE_FILE = join(ROOT, 'docs', 'performance', 'walltime-2026-12-05-blocks-before.json');

test('README: the wall time with the test rows in blocks, and before, are what their files give', { skip: !(existsSync(WALL_BLOCKS_FILE) && existsSync(WALL_BLOCKS_BEFORE_FILE)) && 'no published bench' }, () => {
  const flat = between('**The test rows in blocks', '**Grid-length lives').replace(/\s+/g, ' ');
  const [now, before] = [WALL_BLOCKS_FILE, WALL_BLOCKS_BEFORE_FILE].map((f) => (JSON.parse(readFileSync(f, 'utf8')) as WallFile).wallTime);
  // Both timed by the same bench: two short turns of 1,000 steps.
  for (const w of [now, before]) assert.ok(w.cells.every((c) => c.shortTurns === 2 && c.shortStepsPerTurn === 1000));
  assert.ok(flat.includes(`**the paper grid ≈ ${(now.paperPerSeedSeconds / 60).toFixed(1)} min a seed** (${Math.round(now.paperPerSeedSeconds)} s, against ${Math.round(before.paperPerSeedSeconds)} s)`), 'grid per seed');
  assert.ok(flat.includes(`**the fair study ≈ ${fairHours(now)} h** (${fairHours(before)} h)`), 'fair study');
  assert.ok(flat.includes(stagesText(now)), 'stages');
  const [p, q] = [gridParts(now), gridParts(before)];
  assert.ok(flat.includes(`training ${Math.round(p.train)} (${Math.round(q.train)}), clean evaluation ${Math.round(p.evaluation)} (${Math.round(q.evaluation)}), the rest ${Math.round(p.rest)} (${Math.round(q.rest)}:`), 'the parts');
  assert.ok(flat.includes(`${Math.round(p.all)} in all (${Math.round(q.all)})`), 'the total');
  const cell = (w: WallFile['wallTime']) => w.cells.find((c) => c.cell === 'mnist 20 n=1000')!.evaluation.toFixed(2);
  assert.ok(flat.includes(`took ${cell(now)} s instead of ${cell(before)}`), 'the MNIST cell');
  // What is left to cut: the CPU-seconds above 240, as a share of the evaluation and the rest.
  const over = Math.round(p.all) - 240;
  assert.ok(flat.includes(`about 240 of the ${Math.round(p.all)} CPU-seconds`) && flat.includes(`another ${over} CPU-seconds cut, ${Math.round((100 * over) / (p.evaluation + p.rest))} % of their ${Math.round(p.evaluation + p.rest)}`), 'what is left');
});

test('README: where speed stands quotes the newest whole bench and wall time, as their sections and files give them', { skip: !(existsSync(WHOLE_FILE) && existsSync(WALL_BLOCKS_FILE)) && 'no published bench' }, () => {
  const flat = between('**Where speed stands', '```').replace(/\s+/g, ' ');
  const bench = JSON.parse(readFileSync(WHOLE_FILE, 'utf8')) as Bench;
  const ratios = bench.targets.filter((t) => t.engine === 'fast' && t.unit === 'ratio');
  const met = ratios.filter((t) => t.met).length;
  assert.ok(flat.includes(`**${met} of the ${ratios.length} ratio targets**`), 'ratios met');
  const arranged = ratios.filter((t) => !t.met && t.vsArrangedWasm != null);
  const below = arranged.filter((t) => t.vsArrangedWasm! < 0.85);
  assert.ok(flat.includes(`the ${arranged.length} unmet training ratios are within 15 % of, or above,`) && below.length === 1
    && flat.includes(`but one (dwm on 3072-64-32-10 at ${below[0].vsArrangedWasm!.toFixed(2)}×)`), 'the unmet ones against the arrangement');
  const wall = (JSON.parse(readFileSync(WALL_BLOCKS_FILE, 'utf8')) as WallFile).wallTime;
  assert.ok(flat.includes(`**the paper grid ≈ ${(wall.paperPerSeedSeconds / 60).toFixed(1)} min a seed** (target: 2), **the fair study ≈ ${fairHours(wall)} h** (target: 3)`), 'wall time');
  // The sections it points to say the same.
  assert.ok(between('**The test rows in blocks', '**Grid-length lives').replace(/\s+/g, ' ').includes(`**the paper grid ≈ ${(wall.paperPerSeedSeconds / 60).toFixed(1)} min a seed**`));
  assert.ok(between('**The whole bench with all nine rules in dwgd\'s arrangement', '**Gaussian draws').replace(/\s+/g, ' ').includes(`**${met} of the 80 ratio targets are met**`));
});

const EVALUATION_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-evaluation.json');

test('README: sparse test lists by their non-zero inputs: the evaluation figures and the estimate for a seed are what docs/performance/bench-2026-12-05-evaluation.json gives', { skip: !existsSync(EVALUATION_FILE) && 'no published bench' }, () => {
  const flat = between('**Sparse test lists by their non-zero inputs', '**Grid-length lives').replace(/\s+/g, ' ');
  const rows = (JSON.parse(readFileSync(EVALUATION_FILE, 'utf8')) as { evaluation: { arch: string; listed: boolean; same: boolean; rowsPerSec: number; blockPerSec: number; runPerSec: number }[] }).evaluation;
  assert.deepEqual(rows.map((e) => e.arch), ['784-20-10', '784-64-32-10']);
  // The rows a seed of the grid scores on MNIST per architecture: its three runs (n = 100, 500,
  // 1000, seed 5, MNIST's pool of 55,000), five models × six turns each over the test list.
  const testRows = [100, 500, 1000].reduce((s, n) => s + drawSplit(55000, n, new Rng(5, 'split')).test.length, 0) * 30;
  let saved = 0;
  for (const e of rows) {
    assert.ok(e.listed && e.same, `${e.arch}: listed, the same counts`);
    const n = (v: number) => v.toLocaleString('en-US');
    assert.ok(flat.includes(`${e.arch}: ${n(e.rowsPerSec)} samples/s where the rows lie, ${n(e.blockPerSec)} laid out in a block, ${n(e.runPerSec)} as a run scores them (${(e.runPerSec / e.blockPerSec).toFixed(2)}× the block)`), e.arch);
    saved += testRows * (1 / e.blockPerSec - 1 / e.runPerSec);
  }
  assert.ok(flat.includes(`${(testRows / 1e6).toFixed(1)} million test rows`) && flat.includes(`about ${saved.toFixed(1)} CPU-seconds a seed`), `saved ${saved.toFixed(2)}`);
});

const PADDING_FILES = ['1', '2'].map((k) => join(ROOT, 'docs', 'performance', `bench-2026-12-05-padding-${k}.json`));

test('README: what layer 0\'s padding costs is what the two padding runs give; the estimate for a seed and the grid at the C loop\'s rate are recomputed', { skip: !PADDING_FILES.every((f) => existsSync(f)) && 'no published bench' }, () => {
  const flat = between('**What layer 0\'s padding costs', '**Grid-length lives').replace(/\s+/g, ' ');
  type PaddingRow = { arch: string; method: string; build: string; ratio: number; same: boolean; disturbed?: true };
  const runs = PADDING_FILES.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { padding: PaddingRow[] }).padding);
  const range = (rows: PaddingRow[], arch: string, build: string) => {
    const r = rows.filter((p) => p.arch === arch && p.build === build).map((p) => p.ratio);
    assert.equal(r.length, 5, `${arch} ${build}: the five rules`);
    return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}×`;
  };
  for (const rows of runs) {
    assert.equal(rows.length, 20);
    assert.ok(rows.every((p) => p.same), 'every pair the same parameters');
  }
  assert.ok(flat.includes(`12 and 2 of their 20 rows found no quiet round`) && runs[0].filter((p) => p.disturbed).length === 12 && runs[1].filter((p) => p.disturbed).length === 2, 'disturbed rows');
  const [a, b] = runs;
  assert.ok(flat.includes(`On 3072-20-10 the 32-byte rows ran at ${range(a, '3072-20-10', 'native128')} the 64-byte rows natively at 128 bits and ${range(a, '3072-20-10', 'wasm')} in WebAssembly in the first run, ${range(b, '3072-20-10', 'native128')} and ${range(b, '3072-20-10', 'wasm')} in the second; on 784-20-10 at ${range(a, '784-20-10', 'native128')} and ${range(a, '784-20-10', 'wasm')}, then ${range(b, '784-20-10', 'native128')} and ${range(b, '784-20-10', 'wasm')}`), 'the ranges');
  // A seed's 20-unit training: the wall-time bench's cost per step of each rule on each 20-unit
  // image cell (n = 100; the cost per step does not depend on n), 60,000 steps, three sizes; the
  // saving at each run's WebAssembly ratio of that rule on that shape.
  const wall = (JSON.parse(readFileSync(WALL_BLOCKS_FILE, 'utf8')) as WallFile).wallTime;
  const rule: Record<string, string> = { dwm: 'dwm-default', 'dwm-stable': 'dwm-stable-default', sgd: 'sgd-default', 'l2-0.01': 'l2-default', 'l2-0.1': 'l2-default' };
  let base = 0;
  const saved = [0, 0];
  for (const cell of wall.methodTimes.filter((c) => /^(mnist|fashion-mnist|cifar-10) 20 /.test(c.cell))) {
    const arch = cell.cell.startsWith('cifar-10') ? '3072-20-10' : '784-20-10';
    for (const [method, key] of Object.entries(rule)) {
      const seconds = cell.perStep[key] * 60000 * 3;
      base += seconds;
      runs.forEach((rows, k) => { saved[k] += seconds * (1 - 1 / rows.find((p) => p.arch === arch && p.method === method && p.build === 'wasm')!.ratio); });
    }
  }
  assert.ok(flat.includes(`about ${base.toFixed(1)} CPU-seconds a seed`) && flat.includes(`about ${saved[0].toFixed(1)} and ${saved[1].toFixed(1)} CPU-seconds a seed less`), `base ${base.toFixed(2)}, saved ${saved.map((v) => v.toFixed(2))}`);
  assert.ok(flat.includes(`| layer-0 rows rounded to 32 bytes | ≈ ${saved[0].toFixed(1)}–${saved[1].toFixed(1)} |`), 'the table');
  const seed = gridParts(wall).all;
  assert.ok(flat.includes(`of the seed's ${seed.toFixed(0)}`) && flat.includes(`25 less than the ${seed.toFixed(0)}`) && Math.round(seed) - 240 === 25, `a seed ${seed.toFixed(1)}`);
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'grid-at-c-rate.mjs'), WHOLE_FILE, WALL_BLOCKS_FILE], { encoding: 'utf8' });
  const m = /work (\d+) s instead of (\d+); ≈ (\d+) s/.exec(out);
  assert.ok(m, out);
  assert.ok(flat.includes(`**${m![3]} s a seed**`) && flat.includes(`a seed's work ${m![1]} s instead of ${m![2]}`), out);
  // "Where speed stands" says the same.
  assert.ok(between('**Where speed stands', '```').replace(/\s+/g, ' ').includes(`the grid would take ${m![3]} s a seed`));
});

const NOISY_ROWS_FILE = join(ROOT, 'docs', 'performance', 'bench-2026-12-05-noisy-rows.json');
const WALL_NOISY_FILES = ['', '-before', '-again'].map((k) => join(ROOT, 'docs', 'performance', `walltime-2026-12-05-noisy${k}.json`));

test('README: the noisy rows in WebAssembly: the rows\' timing, the values of a seed and the paired wall time are what their files give', { skip: !(existsSync(NOISY_ROWS_FILE) && WALL_NOISY_FILES.every((f) => existsSync(f))) && 'no published bench' }, () => {
  const flat = between('**The noisy rows in WebAssembly', '**Grid-length lives').replace(/\s+/g, ' ');
  const rows = (JSON.parse(readFileSync(NOISY_ROWS_FILE, 'utf8')) as { noisyRows: { inputs: string; jsNs: number; wasmNs: number; same: boolean }[] }).noisyRows;
  const [mnist, cifar] = rows;
  assert.deepEqual(rows.map((r) => r.inputs), ['mnist', 'synthetic-cifar-10']);
  assert.ok(rows.every((r) => r.same), 'the same bits');
  const pair = (r: (typeof rows)[number]) => `${r.jsNs.toFixed(2)} ns a value in JavaScript, ${r.wasmNs.toFixed(2)} in WebAssembly (${(r.jsNs / r.wasmNs).toFixed(2)}×)`;
  assert.ok(flat.includes(`on MNIST's images ${pair(mnist)}`), 'MNIST');
  assert.ok(flat.includes(`on CIFAR-10's shape ${cifar.jsNs.toFixed(2)} and ${cifar.wasmNs.toFixed(2)} (${(cifar.jsNs / cifar.wasmNs).toFixed(2)}×)`), 'CIFAR-10');
  // A seed's noisy values (seed 5): every run's test list (the pool less its training list) times
  // the inputs, both architectures, the three sizes; MNIST's and Fashion-MNIST's at MNIST's saving.
  const values = (pool: number, n: number) => [100, 500, 1000].reduce((s, t) => s + drawSplit(pool, t, new Rng(5, 'split')).test.length, 0) * 2 * n;
  const images = values(55000, 784) + values(60000, 784);
  const cifarValues = values(10000, 3072);
  const saved = (images * (mnist.jsNs - mnist.wasmNs) + cifarValues * (cifar.jsNs - cifar.wasmNs)) / 1e9;
  assert.ok(flat.includes(`about ${(images / 1e6).toFixed(0)} million values of MNIST's and Fashion-MNIST's images and ${(cifarValues / 1e6).toFixed(0)} million of CIFAR-10's`), `values ${images} ${cifarValues}`);
  assert.ok(flat.includes(`about ${saved.toFixed(1)} CPU-seconds`), `saved ${saved.toFixed(2)}`);
  const [now, before, again] = WALL_NOISY_FILES.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as WallFile).wallTime);
  const [a, b, c] = [now, before, again].map(gridParts);
  assert.ok(flat.includes(`the grid's training ${a.train.toFixed(1)} and ${b.train.toFixed(1)} CPU-seconds and its clean evaluation ${a.evaluation.toFixed(1)} and ${b.evaluation.toFixed(1)}`), 'training and evaluation');
  assert.ok(flat.includes(`the rest ${a.rest.toFixed(1)} against ${b.rest.toFixed(1)}: **the paper grid ≈ ${now.paperPerSeedSeconds.toFixed(1)} s a seed against ${before.paperPerSeedSeconds.toFixed(1)}** (${(now.paperPerSeedSeconds / 60).toFixed(1)} min against ${(before.paperPerSeedSeconds / 60).toFixed(1)})`), 'per seed');
  assert.ok(flat.includes(`${fairHours(before)} h by the one before, ${fairHours(now)} h by this one`) && flat.includes(`(training of the same code ${c.train.toFixed(1)} CPU-seconds) and gave ${fairHours(again)} h`), 'the fair parts');
  assert.ok(between('**Where speed stands', '```').replace(/\s+/g, ' ').includes(`≈ ${now.paperPerSeedSeconds.toFixed(1)} s a seed against ${before.paperPerSeedSeconds.toFixed(1)} in a paired run`), 'where speed stands');
});
