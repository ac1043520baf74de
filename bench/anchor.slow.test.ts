// The C anchor computes what dwgd computes: from the same initial network and sample order,
// 300 steps of every benchmarked method (momentum, adam and sgd-gated-decay included, and every option row: dropout, input noise, max-norm, label smoothing, the masks and the noise drawn alike) in the float64 build end within 1e-9 of the reference
// engine (src/core/model.ts, plain TypeScript) in every weight, relative to the largest weight
// of its matrix, with the same loss sum and the same test score. Without this the anchor's
// speed would be the speed of some other computation. The float32 build is held to 1e-4; the
// float64 build at 128 bits (no AVX, no FMA: WebAssembly's width) to 1e-9, and objdump must
// find no instruction wider than 128 bits in it; the float64 build in WebAssembly (clang, run by
// this Node under WASI) to 1e-9, and it answers sessions and bad input as the native build does.
// With layer 0 in dwgd's arrangement (METHOD@dwgd) every float64 build is held to 1e-9 likewise,
// also on the rare paths and across LIFE restarts.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, test } from 'node:test';
import { join } from 'node:path';
import { createModel } from '../src/core/model-factory.js';
import { ruleFor } from '../src/core/rules/index.js';
import { ANCHOR_FLAGS, AnchorSession, buildAnchor, buildNarrow, checkedParams, compileAnchor, buildWasmAnchor, DWGD_ARRANGED, inspectNarrow, runAnchor, writeNetFile, writePoolFile } from './anchor.js';
import { benchModel, benchStepper, initialNetwork, LR, mnistPool, sampleOrder, syntheticPool, trainRows, type Pool } from './pools.js';

const build = buildAnchor();
after(() => {
  if ('dir' in build) rmSync(build.dir, { recursive: true, force: true });
});

const STEPS = 300;

/** The pool with a test list cut to its first 2,000 entries (the reference engine is slow). */
function shorterTest(pool: Pool): Pool {
  return { ...pool, test: pool.test.slice(0, 2000) };
}

/** max |c − r| over a matrix divided by its largest |r|. */
function relativeError(c: Float64Array, r: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < r.length; i++) {
    err = Math.max(err, Math.abs(c[i] - r[i]));
    scale = Math.max(scale, Math.abs(r[i]));
  }
  return scale > 0 ? err / scale : err;
}

/**
 * The sample order and initial network of `pool` with hidden layers `hidden`, written as the
 * anchor's input files `<tag>pool.bin` and `<tag>net.bin` in the build folder.
 */
function anchorInputs(dir: string, pool: Pool, hidden: number[], tag = '') {
  const order = sampleOrder(pool);
  const initial = initialNetwork([pool.nInputs, ...hidden, pool.nOutputs], pool.loss);
  const poolFile = join(dir, `${tag}pool.bin`);
  const netFile = join(dir, `${tag}net.bin`);
  writePoolFile(poolFile, pool, order);
  writeNetFile(netFile, initial);
  return { order, initial, poolFile, netFile };
}

/** The float64 numbers the anchor's check wrote to `file`. */
function readFloat64s(file: string): Float64Array {
  const bytes = readFileSync(file);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

const cases: { name: string; pool: () => Pool; hidden: number[] }[] = [
  { name: 'MNIST 784-20-10 (sparse inputs)', pool: mnistPool, hidden: [20] },
  { name: 'tabular 8-64-32-1 (mse)', pool: () => syntheticPool('synthetic-california-housing', 8, 'tabular', 3000), hidden: [64, 32] },
  { name: 'CIFAR-10 shape 3072-64-32-10 (dense)', pool: () => syntheticPool('synthetic-cifar-10', 3072, 'image', 2000), hidden: [64, 32] },
];

for (const c of cases) {
  test(`C anchor matches the reference engine over ${STEPS} steps: ${c.name}`, { skip: 'skipped' in build ? build.skipped : false }, (t) => {
    if (!('dir' in build)) return;
    const pool = shorterTest(c.pool());
    const { order, initial, poolFile, netFile } = anchorInputs(build.dir, pool, c.hidden);
    for (const method of trainRows(pool.loss)) {
      const ref = benchModel(method, initial, 'reference');
      let lossSum = 0;
      for (let s = 0; s < STEPS; s++) {
        const i = order[s];
        lossSum += ref.step(pool.x, i, pool.y[i], LR);
      }
      const refScore = ref.score(pool.x, pool.test, pool.test.length, pool.y, pool.metric);
      const params = ref.params();
      const worst: string[] = [];
      const bins: [string, number, string][] = [[build.bin64, 1e-9, ''], [build.bin32, 1e-4, '']];
      if ('bin' in build.narrow) bins.push([build.narrow.bin, 1e-9, ' at 128 bits']);
      if ('bin' in build.wasm) bins.push([build.wasm.bin, 1e-9, ' in WebAssembly']);
      for (const [bin, tol, width] of bins) {
        const out = join(build.dir, 'out.bin');
        const r = runAnchor(bin, ['check', poolFile, netFile, method, LR, STEPS, out]);
        const what = `${method} ${r.precision}${width}`;
        let worstHere = 0;
        const got = readFloat64s(out);
        const expected = params.flatMap((p, l) =>
          Object.entries({ W: p.W, b: p.b, W1: p.W1, W2: p.W2 }).flatMap(([name, v]) => (v ? [{ name: `layer ${l} ${name}`, v }] : [])));
        const count = expected.reduce((n, e) => n + e.v.length, 0);
        assert.equal(got.length, count, `${what}: the anchor wrote ${got.length} numbers, expected ${count}`);
        let at = 0;
        for (const e of expected) {
          const err = relativeError(got.subarray(at, at + e.v.length), e.v);
          at += e.v.length;
          worstHere = Math.max(worstHere, err);
          assert.ok(err <= tol, `${what}: ${e.name} differs by ${err.toExponential(2)} relative (limit ${tol})`);
        }
        worst.push(`${r.precision}${width} ${worstHere.toExponential(1)}`);
        const loss = r.lossSum as number;
        assert.ok(Math.abs(loss - lossSum) <= tol * Math.abs(lossSum), `${what}: loss sum ${loss} vs ${lossSum}`);
        // Test score: the same count of correct answers in float64 (at most 5 of 2,000 apart in
        // float32, where a near-tie may fall the other way); the squared-error sum to tol.
        const score = r.score as number;
        const scoreTol = pool.metric === 'accuracy' ? (tol === 1e-9 ? 0 : 5) : tol * Math.abs(refScore);
        assert.ok(Math.abs(score - refScore) <= scoreTol, `${what}: test score ${score} vs ${refScore}`);
      }
      t.diagnostic(`${method}: largest relative weight difference ${worst.join(', ')}`);
    }
  });
}

/** The float64 builds of the anchor, with how the messages name them. */
function float64Builds(): [string, string][] {
  if (!('dir' in build)) return [];
  return [[build.bin64, 'native'], ...('bin' in build.narrow ? [[build.narrow.bin, 'at 128 bits'] as [string, string]] : []),
    ...('bin' in build.wasm ? [[build.wasm.bin, 'in WebAssembly'] as [string, string]] : [])];
}

/** The reference engine's parameters after `steps` steps (wrapping the order) at `lr`, and its loss sum. */
function referenceRun(pool: Pool, order: Int32Array, initial: ReturnType<typeof initialNetwork>, method: string, lr: number, steps: number) {
  const ref = benchModel(method, initial, 'reference');
  let lossSum = 0;
  for (let s = 0; s < steps; s++) {
    const i = order[s % order.length];
    lossSum += ref.step(pool.x, i, pool.y[i], lr);
  }
  return { lossSum, params: ref.params().flatMap((p) => [p.W, p.b, ...(p.W1 ? [p.W1, p.W2!] : [])]) };
}

/** Worst relative difference, matrix by matrix, of the anchor's output file from `expected`. */
function worstDifference(file: string, expected: Float64Array[], what: string): number {
  const got = readFloat64s(file);
  assert.equal(got.length, expected.reduce((n, v) => n + v.length, 0), `${what}: parameter count`);
  let at = 0;
  let worst = 0;
  for (const v of expected) {
    worst = Math.max(worst, relativeError(got.subarray(at, at + v.length), v));
    at += v.length;
  }
  return worst;
}

// METHOD@dwgd holds layer 0 as dwgd's fast engine does (scales, pending updates, four-row sums):
// the same algebra in another order, so it must end where the reference engine ends, in every
// float64 build. The second part sends it down the rare paths (counted by the anchor): dwm's
// overshoot at η = 0.7 (fewer steps for dwm-stable, whose training at that rate amplifies
// rounding differences by about ten a step: 4.5e-11 after 150 steps, 1e-5 after 250, growing
// smoothly), weight decay and l2 folding σ back into U, and l2's recount of ‖U‖² at step 4,096.
for (const c of cases) {
  test(`C anchor in dwgd's arrangement (METHOD@dwgd) matches the reference engine over ${STEPS} steps: ${c.name}`, { skip: 'skipped' in build ? build.skipped : false }, (t) => {
    if (!('dir' in build)) return;
    const pool = shorterTest(c.pool());
    const { order, initial, poolFile, netFile } = anchorInputs(build.dir, pool, c.hidden, 'dwgd-');
    for (const method of DWGD_ARRANGED) {
      const ref = referenceRun(pool, order, initial, method, LR, STEPS);
      const said: string[] = [];
      for (const [bin, name] of float64Builds()) {
        const out = join(build.dir, 'out-dwgd.bin');
        const r = runAnchor(bin, ['check', poolFile, netFile, `${method}@dwgd`, LR, STEPS, out]);
        const worst = worstDifference(out, ref.params, `${method}@dwgd ${name}`);
        assert.ok(worst <= 1e-9, `${method}@dwgd ${name}: weights differ by ${worst.toExponential(2)} relative`);
        assert.ok(Math.abs((r.lossSum as number) - ref.lossSum) <= 1e-9 * Math.abs(ref.lossSum), `${method}@dwgd ${name}: loss sum ${r.lossSum} vs ${ref.lossSum}`);
        said.push(`${name} ${worst.toExponential(1)}${r.signalAtExit ? ` (Node died of ${r.signalAtExit} at exit, after the output)` : ''}`);
      }
      t.diagnostic(`${method}@dwgd: ${said.join(', ')}`);
    }
  });
}

test('C anchor in dwgd\'s arrangement takes the rare paths as the reference engine does: overshoot, σ folded, ‖U‖² recounted', { skip: 'skipped' in build ? build.skipped : false }, (t) => {
  if (!('dir' in build)) return;
  const mnist = shorterTest(mnistPool());
  const tabular = shorterTest(syntheticPool('synthetic-california-housing', 8, 'tabular', 3000));
  const runs: { pool: Pool; hidden: number[]; method: string; lr: number; steps: number; path: 'overshoots' | 'folds' | 'recounts' }[] = [
    { pool: mnist, hidden: [64, 32], method: 'dwm', lr: 0.7, steps: 300, path: 'overshoots' },
    { pool: mnist, hidden: [64, 32], method: 'dwm-stable', lr: 0.7, steps: 150, path: 'overshoots' },
    { pool: mnist, hidden: [64, 32], method: 'weight-decay-50', lr: LR, steps: 300, path: 'folds' },
    { pool: mnist, hidden: [64, 32], method: 'l2-20', lr: LR, steps: 300, path: 'folds' },
    { pool: tabular, hidden: [20], method: 'l2-0.1', lr: LR, steps: 4200, path: 'recounts' },
  ];
  for (const run of runs) {
    const { order, initial, poolFile, netFile } = anchorInputs(build.dir, run.pool, run.hidden, 'rare-');
    const ref = referenceRun(run.pool, order, initial, run.method, run.lr, run.steps);
    const out = join(build.dir, 'out-rare.bin');
    const r = runAnchor(build.bin64, ['check', poolFile, netFile, `${run.method}@dwgd`, run.lr, run.steps, out]);
    const worst = worstDifference(out, ref.params, `${run.method}@dwgd`);
    assert.ok((r[run.path] as number) > 0, `${run.method}@dwgd at η = ${run.lr}: no ${run.path} in ${run.steps} steps`);
    assert.ok(worst <= 1e-9, `${run.method}@dwgd at η = ${run.lr}: weights differ by ${worst.toExponential(2)} relative`);
    t.diagnostic(`${run.method}@dwgd η ${run.lr}, ${run.steps} steps: ${r[run.path]} ${run.path}, ${worst.toExponential(1)}`);
  }
  // A bad combination is one line and exit 2, like any bad method.
  const bad = spawnSync(build.bin64, ['train', 'pool.bin', 'net.bin', 'rmsprop@dwgd', '0.001'], { encoding: 'utf8', input: '' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^anchor: unknown method 'rmsprop' \(.*any of them @dwgd\)\n$/);
  const withOption = spawnSync(build.bin64, ['train', 'pool.bin', 'net.bin', 'dwm+dropout-0.2@dwgd', '0.001'], { encoding: 'utf8', input: '' });
  assert.equal(withOption.status, 2);
  assert.match(withOption.stderr, /^anchor: method 'dwm\+dropout-0\.2@dwgd': @dwgd takes no \+ options\n$/);
});

// `npm run bench -- --only padding` times dwgd's arrangement with rows rounded up to 32 bytes
// beside the 64 bytes of dwgd's kernels and says the rounding changes no number: the two builds'
// parameters must be the same bytes, on the 20-unit shapes where the rounding differs (24 lanes or
// 20), with sparse and with dense inputs; and the comparison must see a
// difference where there is one (dwgd's arrangement against the plain loop's order of sums).
test('C anchor in dwgd\'s arrangement: rows rounded up to 32 bytes give the same parameters, bit for bit, as 64-byte rows', { skip: 'skipped' in build ? build.skipped : false }, (t) => {
  if (!('dir' in build)) return;
  if (!('bin' in build.narrow)) return t.skip(build.narrow.skipped);
  const defines = ['-DDWGD_BLOCK_BYTES=32'];
  const narrow32 = buildNarrow(build.cc, build.dir, defines, 'anchor64-128-b32');
  assert.ok('bin' in narrow32, `the 32-byte build at 128 bits: ${'skipped' in narrow32 ? narrow32.skipped : ''}`);
  const pairs: [string, string, string][] = [[build.bin64, join(build.dir, 'anchor64-b32'), 'native'], [build.narrow.bin, narrow32.bin, '128-bit']];
  assert.equal(compileAnchor(build.cc, [...ANCHOR_FLAGS, ...defines], pairs[0][1]), null, 'the native 32-byte build');
  const wasm32 = 'bin' in build.wasm ? buildWasmAnchor(build.dir, defines, 'anchor64-b32') : null;
  if ('bin' in build.wasm && wasm32 && 'bin' in wasm32) pairs.push([build.wasm.bin, wasm32.bin, 'wasm']);
  const shapes: { pool: Pool; hidden: number[] }[] = [
    { pool: shorterTest(mnistPool()), hidden: [20] },
    { pool: shorterTest(syntheticPool('synthetic-cifar-10', 3072, 'image', 600)), hidden: [20] },
  ];
  const steps = 400;
  for (const shape of shapes) {
    const { poolFile, netFile } = anchorInputs(build.dir, shape.pool, shape.hidden, 'pad-');
    const arch = [shape.pool.nInputs, ...shape.hidden, shape.pool.nOutputs].join('-');
    const dir = build.dir;
    const run = (bin: string, method: string, k: number): { line: string; bytes: Buffer } => checkedParams(bin, poolFile, netFile, method, LR, steps, 150, join(dir, `out-pad-${k}.bin`));
    for (const method of ['dwm', 'dwm-stable', 'sgd', 'l2-0.1']) {
      for (const [b64, b32, name] of pairs) {
        const a = run(b64, `${method}@dwgd`, 0);
        const b = run(b32, `${method}@dwgd`, 1);
        assert.equal(b.line, a.line, `${arch} ${method}@dwgd ${name}: loss sum, test score or path counts differ`);
        assert.ok(a.bytes.equals(b.bytes), `${arch} ${method}@dwgd ${name}: the parameters differ`);
      }
      // The control: the plain loop sums in another order, so its parameters are other bytes.
      const plain = run(build.bin64, method, 2);
      const arranged = run(build.bin64, `${method}@dwgd`, 0);
      assert.ok(!plain.bytes.equals(arranged.bytes), `${arch} ${method}: the plain loop's parameters equal the arrangement's, so the comparison would see nothing`);
    }
    t.diagnostic(`${arch}: the same bytes at 32- and 64-byte rows in ${pairs.map((p) => p[2]).join(', ')}`);
  }
});

test('C anchor with LIFE starts over from the initial network and streams as the bench model does', { skip: 'skipped' in build ? build.skipped : false }, (t) => {
  if (!('dir' in build)) return;
  const pool = shorterTest(syntheticPool('synthetic-california-housing', 8, 'tabular', 3000));
  const { order, initial, poolFile, netFile } = anchorInputs(build.dir, pool, [20], 'life-');
  const life = 120;
  for (const method of trainRows(pool.loss)) {
    // The reference engine over lives [0, 120), [120, 240), [240, 300): the last one's weights.
    const ref = benchStepper(pool, order, initial, method, 'reference', life);
    ref.run(STEPS);
    const expected = ref.model().params().flatMap((p) => [p.W, p.b, ...(p.W1 ? [p.W1, p.W2!] : [])]);
    const out = join(build.dir, 'out-life.bin');
    const r = runAnchor(build.bin64, ['check', poolFile, netFile, method, LR, STEPS, out, life]);
    const worst = worstDifference(out, expected, method);
    assert.ok(worst <= 1e-9, `${method}: weights differ by ${worst.toExponential(2)} relative from the reference's third life`);
    const loss = r.lossSum as number;
    assert.ok(Math.abs(loss - ref.sink()) <= 1e-9 * Math.abs(ref.sink()), `${method}: loss sum over the three lives ${loss} vs ${ref.sink()}`);
    if (DWGD_ARRANGED.includes(method)) { // dwgd's arrangement of layer 0 starts over too
      runAnchor(build.bin64, ['check', poolFile, netFile, `${method}@dwgd`, LR, STEPS, out, life]);
      const arranged = worstDifference(out, expected, `${method}@dwgd`);
      assert.ok(arranged <= 1e-9, `${method}@dwgd: weights differ by ${arranged.toExponential(2)} relative from the reference's third life`);
    }
    // Without LIFE the anchor trains one model through all 300 steps: other weights.
    runAnchor(build.bin64, ['check', poolFile, netFile, method, LR, STEPS, out]);
    const endless = readFloat64s(out);
    assert.ok(relativeError(endless.subarray(0, expected[0].length), expected[0]) > 1e-6, `${method}: one long life ends elsewhere`);
    t.diagnostic(`${method}: largest relative weight difference ${worst.toExponential(1)}`);
  }
});

test('C anchor at 128 bits: objdump finds no ymm/zmm, VEX or FMA in it, and finds them in the native build on an AVX2 machine', { skip: 'skipped' in build ? build.skipped : false }, (t) => {
  if (!('dir' in build)) return;
  if (!('bin' in build.narrow)) return t.skip(build.narrow.skipped);
  const narrow = inspectNarrow(build.narrow.bin);
  if (narrow === null) return t.skip('no objdump');
  assert.equal(narrow.wide, false, narrow.text);
  assert.match(narrow.text, /[1-9]\d* packed-double/, 'the 128-bit loops are vectorised');
  const cpu = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  if (/\bavx2\b/.test(cpu) && /\bfma\b/.test(cpu)) {
    const native = inspectNarrow(build.bin64)!;
    assert.equal(native.wide, true, `-march=native on an AVX2/FMA machine: ${native.text}`);
  }
  t.diagnostic(`128-bit: ${narrow.text}`);
});

test('C anchor sessions: eval scores the test list as the reference engine does, and both commands answer timed runs', { skip: 'skipped' in build ? build.skipped : false }, async () => {
  if (!('dir' in build)) return;
  const pool = shorterTest(syntheticPool('synthetic-wine-quality', 11, 'tabular', 1500));
  const { initial, poolFile, netFile } = anchorInputs(build.dir, pool, [20], 'session-');
  // The bench's evaluation model: 1,000 sgd steps on train[k mod n], then one pass over the test list.
  const rule = ruleFor('sgd');
  if ('error' in rule) throw new Error(rule.error);
  const ref = createModel('sgd', initial, rule, 'reference');
  for (let k = 0; k < 1000; k++) {
    const i = pool.train[k % pool.train.length];
    ref.step(pool.x, i, pool.y[i], LR);
  }
  const refScore = ref.score(pool.x, pool.test, pool.test.length, pool.y, pool.metric);
  const evalSession = await AnchorSession.start(build.bin64, ['eval', poolFile, netFile, LR]);
  const score = evalSession.ready.score as number;
  assert.ok(Math.abs(score - refScore) <= 1e-9 * refScore, `eval score ${score} vs ${refScore}`);
  assert.ok((await evalSession.time(0.01)) > 0);
  assert.equal((await evalSession.end()).finite, true);
  if ('bin' in build.wasm) {
    const wasmSession = await AnchorSession.start(build.wasm.bin, ['eval', poolFile, netFile, LR]);
    const wasmScore = wasmSession.ready.score as number;
    assert.ok(Math.abs(wasmScore - refScore) <= 1e-9 * refScore, `eval score in WebAssembly ${wasmScore} vs ${refScore}`);
    assert.ok((await wasmSession.time(0.01)) > 0);
    assert.equal((await wasmSession.end()).finite, true);
  }
  const trainSession = await AnchorSession.start(build.bin32, ['train', poolFile, netFile, 'dwm', LR, 1000]);
  assert.ok((await trainSession.time(0.01)) > 0);
  const last = await trainSession.end();
  assert.equal(last.finite, true);
  assert.ok((last.steps as number) > 2000, `${last.steps} steps: the warm-up and at least one timed chunk`);
});

test('C anchor: bad input is one line on stderr and exit code 2', { skip: 'skipped' in build ? build.skipped : false }, () => {
  if (!('dir' in build)) return;
  const cases: [string[], RegExp][] = [
    [['train', '/nonexistent/pool.bin', 'net.bin', 'dwm', '0.001'], /^anchor: \/nonexistent\/pool\.bin: No such file/],
    [['train', 'pool.bin', 'net.bin', 'sgd-9', '0.001'], /^anchor: unknown method 'sgd-9'/],
    [['eval', 'pool.bin', 'net.bin', 'fast'], /^anchor: LR must be a number/],
    [['train', 'pool.bin'], /^anchor: usage:/],
    [['train', 'pool.bin', 'net.bin', 'dwm', '0.001', '-5'], /^anchor: LIFE must be a number ≥ 0, got '-5'/],
    [['eval', 'pool.bin', 'net.bin', '0.001', '60000'], /^anchor: usage:/],
  ];
  const bins = [build.bin64, ...('bin' in build.wasm ? [build.wasm.bin] : [])];
  for (const [args, message] of cases) for (const bin of bins) {
    const r: SpawnSyncReturns<string> = spawnSync(bin, args, { encoding: 'utf8', input: '' });
    assert.equal(r.status, 2, `${bin} ${args.join(' ')}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('C anchor: without a C compiler the build is skipped, saying why', () => {
  const saved = { PATH: process.env.PATH, CC: process.env.CC };
  try {
    process.env.PATH = '/nonexistent';
    delete process.env.CC;
    assert.deepEqual(buildAnchor(), { skipped: 'no C compiler found (tried cc, gcc)' });
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.CC !== undefined) process.env.CC = saved.CC;
  }
});

test('C anchor in WebAssembly: without clang the build is skipped, saying why and what to install', () => {
  const saved = { PATH: process.env.PATH, WASM_CC: process.env.WASM_CC };
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-anchor-wasm-'));
  try {
    process.env.PATH = '/nonexistent';
    delete process.env.WASM_CC;
    const r = buildWasmAnchor(dir);
    assert.ok('skipped' in r);
    assert.match(r.skipped, /^no clang found for the WebAssembly build \(tried clang, clang-19, .*clang-14; on Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32\)$/);
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.WASM_CC !== undefined) process.env.WASM_CC = saved.WASM_CC;
    rmSync(dir, { recursive: true, force: true });
  }
});
