// What the bench trains on: sample pools of each benchmarked shape, the sample order and the
// initial network. Shared by bench.ts and the C anchor's equivalence test, so both use the
// same inputs.

import { createModel, type EngineName } from '../src/core/model-factory.js';
import type { Trainable } from '../src/core/model.js';
import { Network } from '../src/core/network.js';
import { Rng } from '../src/core/rng.js';
import { ruleFor } from '../src/core/rules/index.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from '../src/core/train-options.js';
import { loadMnist } from '../src/data/mnist.js';
import { drawSplit } from '../src/data/prepare.js';

/** The methods the bench times (every rule of the registry), and the learning rate of every step. */
export const METHODS = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001', 'momentum', 'adam', 'sgd-gated-decay'];
export const LR = 0.001;

/**
 * Timed beside the methods: the training-time options of docs/METHOD.md §7, each on a rule the
 * fair study pairs it with (dropout also on dwm), at the study's defaults (max-norm at c = 1, below the He-initialised rows' norm of about √2, so it clips). The C anchor runs the
 * same loops with the same masks and noise (bench/anchor.c, `+<option>-<value>`). Label
 * smoothing is for classification only. These rows have no target.
 */
export const OPTION_ROWS = ['dwm+dropout-0.2', 'sgd+dropout-0.2', 'sgd+noise-0.3', 'sgd+maxnorm-1', 'sgd+smooth-0.1'];
/** Every training row of the bench: the methods, then the option rows. */
export const TRAIN_ROWS = [...METHODS, ...OPTION_ROWS];

/** The training rows a net trained with `loss` has (label smoothing only with softmax-ce). */
export function trainRows(loss: Pool['loss']): string[] {
  return TRAIN_ROWS.filter((row) => loss === 'softmax-ce' || !row.includes('+smooth-'));
}

/** The option keys of a bench row's `+<name>-<value>` parts. */
const OPTION_KEYS: Record<string, keyof TrainOptions> = { dropout: 'dropout', noise: 'inputNoise', maxnorm: 'maxNorm', smooth: 'labelSmoothing' };

/** A model for a bench row, `method` or `method+<option>-<value>…` (those options, seed 0), on `engine`. */
export function benchModel(row: string, initial: Network, engine: EngineName): Trainable {
  const [method, ...options] = row.split('+');
  const rule = ruleFor(method);
  if ('error' in rule) throw new Error(rule.error);
  const train: TrainOptions = { ...NO_TRAIN_OPTIONS };
  for (const o of options) {
    const cut = o.lastIndexOf('-');
    const key = OPTION_KEYS[o.slice(0, cut)];
    if (!key) throw new Error(`bench row '${row}': unknown option '${o}'`);
    train[key] = Number(o.slice(cut + 1));
  }
  return createModel(row, initial, rule, engine, train, 0);
}

export interface Pool {
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

export function mnistPool(): Pool {
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
export function syntheticPool(inputs: string, nInputs: number, kind: 'tabular' | 'image', size: number): Pool {
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

/** Length of the sample order; a power of two, so the bench's loop wraps with a mask. */
export const ORDER_LENGTH = 1 << 16;

/** The training sample order: ORDER_LENGTH uniform draws from the training list. */
export function sampleOrder(pool: Pool): Int32Array {
  const rng = new Rng(5, 'order');
  const order = new Int32Array(ORDER_LENGTH);
  for (let s = 0; s < order.length; s++) order[s] = pool.train[rng.int(pool.train.length)];
  return order;
}

/**
 * Steps a bench model lives before it starts over from the initial network: as long as a model
 * of the paper's grid trains (six turns of 10,000 steps, docs/METHOD.md §7). Timing a model for
 * millions of steps measures states no run reaches: the norm penalty of l2, for one, drives a
 * tabular net's first layer toward norm 0 after a few hundred thousand steps, where the fast
 * engine folds its scale back at every step. The C anchor restarts at the same steps.
 */
export const LIFETIME = 60_000;

/**
 * A bench model of `row` trained along `order` from step 0 on, starting over from `initial`
 * before every step s that is a positive multiple of `lifetime` (0: never), as a fresh model.
 * run(n) trains the next n steps and returns the seconds it spent making fresh models, which a
 * timer leaves out; sink() is the sum of the losses so far.
 */
export function benchStepper(pool: Pool, order: Int32Array, initial: Network, row: string, engine: EngineName, lifetime = LIFETIME): {
  run(n: number): number;
  model(): Trainable;
  steps(): number;
  sink(): number;
} {
  let model = benchModel(row, initial, engine);
  let s = 0;
  let sink = 0;
  // Engines with trainSteps run a stretch of the order in one call, as a run's turn does
  // (experiment/run.ts): the order as entries of the training list, targets per entry.
  const list = pool.train;
  const entryOf = new Map<number, number>();
  list.forEach((i, k) => { if (!entryOf.has(i)) entryOf.set(i, k); });
  const entries = Int32Array.from(order, (i) => entryOf.get(i)!);
  const targets = Float32Array.from(list, (i) => pool.y[i]);
  /** Starts over if step s is due to; returns the seconds it took. */
  const startOver = (): number => {
    if (lifetime <= 0 || s === 0 || s % lifetime !== 0) return 0;
    const t0 = process.hrtime.bigint();
    // The fast engines start over in their own instance (FastModel.restart: a new instance every
    // few milliseconds on the small nets would leave the garbage collector thousands of
    // WebAssembly memories to free); the reference engine is built anew.
    const restartable = model as Trainable & { restart?: () => void };
    if (typeof restartable.restart === 'function') restartable.restart();
    else model = benchModel(row, initial, engine);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const run = (n: number): number => {
    let paused = 0;
    for (let left = n; left > 0;) {
      paused += startOver();
      const from = s & (ORDER_LENGTH - 1);
      const untilRestart = lifetime > 0 ? lifetime - (s % lifetime) : left;
      const to = Math.min(ORDER_LENGTH, from + left, from + untilRestart);
      if (model.trainSteps) sink = model.trainSteps(pool.x, list, entries, targets, LR, from, to, sink);
      else {
        for (let k = from; k < to; k++) {
          const i = order[k];
          sink += model.step(pool.x, i, pool.y[i], LR);
        }
      }
      left -= to - from;
      s += to - from;
    }
    return paused;
  };
  return { run, model: () => model, steps: () => s, sink: () => sink };
}

/** The He-normal initial network every method starts from. */
export function initialNetwork(sizes: number[], loss: Pool['loss']): Network {
  const net = new Network(sizes, loss);
  net.initHeNormal(new Rng(5, 'init'));
  return net;
}
