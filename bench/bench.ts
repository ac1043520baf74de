// `npm run bench`: training steps per second per method and architecture (batch 1, one
// thread) and evaluation samples per second over a test pool, for every engine. Prints a
// table and writes results/bench.json:
//   { "train": [{ "method", "arch", "stepsPerSec", "engine", "inputs" }],
//     "eval":  [{ "arch", "samplesPerSec", "engine", "inputs" }], … }
// Each figure is the best of several timed repeats (the machine is shared; the best run is
// the least disturbed one). Usage: node dist/bench/bench.js [--quick] [--only mnist|tabular|cifar]
//   [--engine reference|fast] [--repeats N] [--seconds S]

import { cpus, loadavg } from 'node:os';
import { ENGINE_NAMES, createModel, type EngineName } from '../src/core/model-factory.js';
import type { Trainable } from '../src/core/model.js';
import { Network } from '../src/core/network.js';
import { Rng } from '../src/core/rng.js';
import { ruleFor } from '../src/core/rules/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { drawSplit } from '../src/data/prepare.js';
import { writeFileAtomic } from '../src/results/atomic.js';

const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001'];
const LR = 0.001;

interface Pool {
  /** What the inputs are: `mnist` or `synthetic-…`. */
  inputs: string;
  x: Float32Array;
  y: Float32Array;
  nInputs: number;
  nOutputs: number;
  loss: 'softmax-ce' | 'mse';
  metric: 'accuracy' | 'mse';
  train: Int32Array;
  test: Int32Array;
}

interface Options {
  repeats: number;
  seconds: number;
  only: string | null;
  engines: EngineName[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { repeats: 3, seconds: 0.4, only: null, engines: [...ENGINE_NAMES] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--quick') {
      opts.repeats = 1;
      opts.seconds = 0.15;
    } else if (a === '--repeats') opts.repeats = Math.max(1, Number(argv[++k]) | 0);
    else if (a === '--seconds') opts.seconds = Math.max(0.01, Number(argv[++k]));
    else if (a === '--only') opts.only = argv[++k];
    else if (a === '--engine') {
      const e = argv[++k] as EngineName;
      if (!ENGINE_NAMES.includes(e)) throw new Error(`--engine: one of ${ENGINE_NAMES.join(', ')}`);
      opts.engines = [e];
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function mnistPool(): Pool {
  const raw = loadMnist({ pool: 'paper' });
  // The paper's protocol: 1,000 draws with replacement, the rest of the pool is the test set.
  const split = drawSplit(raw.size, 1000, new Rng(5, 'split'));
  return {
    inputs: 'mnist', x: raw.x, y: raw.y, nInputs: raw.nInputs, nOutputs: 10,
    loss: 'softmax-ce', metric: 'accuracy', train: split.train, test: split.test,
  };
}

/**
 * Inputs of a dataset's shape when its files are not at hand: z-scored tabular features
 * (standard normal, target N(0, 0.1²)) or dense image pixels in [0, 1) with ten classes.
 */
function syntheticPool(inputs: string, nInputs: number, kind: 'tabular' | 'image', size: number): Pool {
  const rng = new Rng(5, 'bench-data');
  const x = new Float32Array(size * nInputs);
  const y = new Float32Array(size);
  for (let i = 0; i < x.length; i++) x[i] = kind === 'tabular' ? rng.normal() : rng.uniform();
  for (let i = 0; i < size; i++) y[i] = kind === 'tabular' ? 0.1 * rng.normal() : rng.int(10);
  const split = drawSplit(size, 1000, new Rng(5, 'split'));
  return {
    inputs, x, y, nInputs, nOutputs: kind === 'tabular' ? 1 : 10,
    loss: kind === 'tabular' ? 'mse' : 'softmax-ce', metric: kind === 'tabular' ? 'mse' : 'accuracy',
    train: split.train, test: split.test,
  };
}

function archOf(pool: Pool, hidden: number[]): number[] {
  return [pool.nInputs, ...hidden, pool.nOutputs];
}

function makeModel(method: string, sizes: number[], loss: Pool['loss'], engine: EngineName): Trainable {
  const initial = new Network(sizes, loss);
  initial.initHeNormal(new Rng(5, 'init'));
  const rule = ruleFor(method);
  if ('error' in rule) throw new Error(rule.error);
  return createModel(method, initial, rule, engine);
}

/** Runs `chunk(n)` in growing chunks until `seconds` have passed; returns work units per second. */
function timeRate(seconds: number, chunk: (n: number) => void): number {
  let n = 64;
  let done = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  for (;;) {
    chunk(n);
    done += n;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    if (elapsed >= seconds) break;
    if (elapsed < seconds / 8) n *= 2;
  }
  return done / elapsed;
}

function benchTrain(pool: Pool, sizes: number[], method: string, engine: EngineName, opts: Options): number {
  const model = makeModel(method, sizes, pool.loss, engine);
  const orderRng = new Rng(5, 'order');
  const order = new Int32Array(1 << 16);
  for (let s = 0; s < order.length; s++) order[s] = pool.train[orderRng.int(pool.train.length)];
  let s = 0;
  let sink = 0;
  const run = (n: number) => {
    for (let k = 0; k < n; k++) {
      const i = order[s++ & 0xffff];
      sink += model.step(pool.x, i, pool.y[i], LR);
    }
  };
  run(2000); // warm-up: let the JIT settle before timing
  let best = 0;
  for (let r = 0; r < opts.repeats; r++) best = Math.max(best, timeRate(opts.seconds, run));
  if (!Number.isFinite(sink)) process.stderr.write(`note: ${method} on ${sizes.join('-')} diverged (loss not finite)\n`);
  return best;
}

function benchEval(pool: Pool, sizes: number[], engine: EngineName, opts: Options): number {
  const model = makeModel('sgd', sizes, pool.loss, engine);
  for (let k = 0; k < 1000; k++) {
    const i = pool.train[k % pool.train.length];
    model.step(pool.x, i, pool.y[i], LR);
  }
  const test = pool.test;
  let sink = 0;
  model.score(pool.x, test, Math.min(test.length, 2000), pool.y, pool.metric); // warm-up
  let best = 0;
  for (let r = 0; r < opts.repeats; r++) {
    const t0 = process.hrtime.bigint();
    let samples = 0;
    let elapsed = 0;
    // Whole passes over the test pool until the time is up.
    do {
      sink += model.score(pool.x, test, test.length, pool.y, pool.metric);
      samples += test.length;
      elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    } while (elapsed < opts.seconds);
    best = Math.max(best, samples / elapsed);
  }
  if (!Number.isFinite(sink)) process.stderr.write('note: evaluation gave a non-finite score\n');
  return best;
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const groups: { name: string; pool: () => Pool; archs: number[][] }[] = [
    { name: 'mnist', pool: mnistPool, archs: [[20], [64, 32]] },
    { name: 'tabular', pool: () => syntheticPool('synthetic-california-housing', 8, 'tabular', 20433), archs: [[20], [64, 32]] },
    { name: 'tabular', pool: () => syntheticPool('synthetic-wine-quality', 11, 'tabular', 4898), archs: [[20], [64, 32]] },
    { name: 'cifar', pool: () => syntheticPool('synthetic-cifar-10', 3072, 'image', 10000), archs: [[20], [64, 32]] },
  ];
  const train: { method: string; arch: string; stepsPerSec: number; engine: EngineName; inputs: string }[] = [];
  const evals: { arch: string; samplesPerSec: number; engine: EngineName; inputs: string; testSize: number }[] = [];
  const load0 = loadavg()[0];

  for (const group of groups) {
    if (opts.only && opts.only !== group.name) continue;
    const pool = group.pool();
    for (const hidden of group.archs) {
      const sizes = archOf(pool, hidden);
      const arch = sizes.join('-');
      for (const engine of opts.engines) {
        const row: string[] = [];
        for (const method of METHODS) {
          const rate = benchTrain(pool, sizes, method, engine, opts);
          train.push({ method, arch, stepsPerSec: Math.round(rate), engine, inputs: pool.inputs });
          row.push(`${method} ${fmt(rate)}`);
        }
        const rate = benchEval(pool, sizes, engine, opts);
        evals.push({ arch, samplesPerSec: Math.round(rate), engine, inputs: pool.inputs, testSize: pool.test.length });
        process.stderr.write(`${pool.inputs} ${arch} ${engine}: ${row.join(', ')}; eval ${fmt(rate)}/s\n`);
      }
    }
  }

  // The table: one row per (inputs, arch, engine), steps/s per method, then eval samples/s.
  const keys = [...new Set(train.map((t) => `${t.inputs}|${t.arch}|${t.engine}`))];
  const header = ['inputs', 'arch', 'engine', ...METHODS, 'eval/s'];
  const lines = [header];
  for (const key of keys) {
    const [inputs, arch, engine] = key.split('|');
    const cells = METHODS.map((m) => {
      const t = train.find((e) => e.inputs === inputs && e.arch === arch && e.engine === engine && e.method === m);
      return t ? fmt(t.stepsPerSec) : '–';
    });
    const e = evals.find((v) => v.inputs === inputs && v.arch === arch && v.engine === engine);
    lines.push([inputs, arch, engine, ...cells, e ? fmt(e.samplesPerSec) : '–']);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const render = (l: string[]) => '| ' + l.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |';
  const out = [render(header), '|' + widths.map((w, c) => (c < 3 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|'];
  for (const l of lines.slice(1)) out.push(render(l));
  // The performance targets (README, Performance), on MNIST 784-64-32-10 (784-20-10: 2.5× the training ones).
  const targets: { what: string; engine: string; value: number; target: number }[] = [];
  for (const engine of opts.engines) {
    for (const [arch, factor] of [['784-64-32-10', 1], ['784-20-10', 2.5]] as const) {
      for (const t of train.filter((e) => e.inputs === 'mnist' && e.arch === arch && e.engine === engine)) {
        const target = (t.method.startsWith('dwm') ? 80000 : 100000) * factor;
        targets.push({ what: `${t.method} ${arch} steps/s`, engine, value: t.stepsPerSec, target });
      }
    }
    const e = evals.find((v) => v.inputs === 'mnist' && v.arch === '784-64-32-10' && v.engine === engine);
    if (e) targets.push({ what: 'eval 784-64-32-10 samples/s', engine, value: e.samplesPerSec, target: 300000 });
  }
  const load1 = loadavg()[0];
  process.stdout.write(out.join('\n') + '\n');
  if (targets.length > 0) {
    process.stdout.write('\nperformance targets (MNIST inputs):\n');
    for (const t of targets.filter((x) => x.engine !== 'reference')) {
      process.stdout.write(`  ${t.value >= t.target ? 'met    ' : 'not met'}  ${t.engine.padEnd(7)} ${t.what.padEnd(42)} ${fmt(t.value).padStart(9)} (target ${fmt(t.target)})\n`);
    }
  }
  process.stdout.write(
    `\ntraining: steps/s, batch 1, one thread, lr ${LR}; eval: clean test pool, samples/s. Best of ${opts.repeats} ` +
    `repeat(s) of ≥${opts.seconds}s each. Load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${cpus().length} cores.\n`,
  );

  const report = {
    train, eval: evals, targets,
    note: `best of ${opts.repeats} repeat(s) of ≥${opts.seconds}s; batch 1; one thread; synthetic-* inputs have the named dataset's shape`,
    node: process.version,
    loadAverage: [load0, load1],
    date: new Date().toISOString(),
  };
  writeFileAtomic('results/bench.json', JSON.stringify(report, null, 2) + '\n');
  process.stdout.write('wrote results/bench.json\n');
}

main();
