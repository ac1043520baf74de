// The scaling table of `npm run bench` (`--only scaling`): training steps/s of one dwgd engine
// (the fast engine unless --engine names another) beside the float64 C loop (bench/anchor.c),
// for inputs {8, 784, 3072} × hidden width h ∈ {20, 64, 256, 1024} × depth {2, 3}. Depth 2 is
// one hidden layer [h]; depth 3 is two hidden layers [h, h/2] (the paper's 64-32 is h = 64).
// Synthetic inputs of each shape (scalingPool): 8 dense standard-normal features with a
// regression target (one output, squared error), 784 sparse pixels like MNIST's (about 19 % of
// them non-zero, uniform in (0, 1]; ten classes), 3072 dense pixels uniform in [0, 1) (ten classes).
// The working set of a step is the parameters it reads and writes: W and b for sgd (8 bytes
// each), and W1, W2 besides W for dwm (float64 in both engines).

import { Rng } from '../src/core/rng.js';
import { drawSplit } from '../src/data/prepare.js';
import type { EngineName } from '../src/core/model-factory.js';
import type { Pool } from './pools.js';

export const SCALING_INPUTS = [8, 784, 3072];
export const SCALING_WIDTHS = [20, 64, 256, 1024];
export const SCALING_DEPTHS = [2, 3];
export const SCALING_METHODS = ['sgd', 'dwm'];

/** The hidden layers of depth `depth` (2 or 3) at width `h`: [h] or [h, h/2]. */
export function scalingHidden(h: number, depth: number): number[] {
  return depth === 2 ? [h] : [h, Math.max(1, Math.floor(h / 2))];
}

/** Rows in each scaling pool: the 1,000 training rows drawn from it, the rest unused. */
const POOL_ROWS = 2000;
/** Share of non-zero pixels in the MNIST-like pool (MNIST's training images: about 19 %). */
export const MNIST_LIKE_DENSITY = 0.19;

/** The synthetic pool of `nInputs` inputs described at the top of this file. */
export function scalingPool(nInputs: number): Pool {
  const rng = new Rng(5, `bench-scaling-${nInputs}`);
  const x = new Float32Array(POOL_ROWS * nInputs);
  const y = new Float32Array(POOL_ROWS);
  const tabular = nInputs === 8;
  for (let i = 0; i < x.length; i++) {
    if (tabular) x[i] = rng.normal();
    else if (nInputs === 784) x[i] = rng.uniform() < MNIST_LIKE_DENSITY ? 1 - rng.uniform() : 0;
    else x[i] = rng.uniform();
  }
  for (let i = 0; i < POOL_ROWS; i++) y[i] = tabular ? 0.1 * rng.normal() : rng.int(10);
  const split = drawSplit(POOL_ROWS, 1000, new Rng(5, 'split'));
  const inputs = tabular ? 'synthetic-dense-8' : nInputs === 784 ? 'synthetic-sparse-784' : `synthetic-dense-${nInputs}`;
  return {
    inputs, x, y, nInputs, nOutputs: tabular ? 1 : 10,
    loss: tabular ? 'mse' : 'softmax-ce', metric: tabular ? 'mse' : 'accuracy',
    train: split.train, test: split.test,
  };
}

/** Weights and biases of a network of these layer sizes. */
export function parameterCount(sizes: number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

/** Bytes of parameter state a training step reads and writes: 8 per parameter, 24 per weight for dwm (W, W1, W2). */
export function workingSetBytes(sizes: number[], method: string): number {
  const params = parameterCount(sizes);
  if (!method.startsWith('dwm')) return 8 * params;
  let weights = 0;
  for (let l = 0; l + 1 < sizes.length; l++) weights += sizes[l] * sizes[l + 1];
  return 8 * params + 16 * weights;
}

export interface ScalingRow {
  inputs: number;
  data: string;
  depth: number;
  arch: string;
  method: string;
  engine: EngineName;
  stepsPerSec: number;
  /** The float64 C loop's steps/s on the same work (null without the anchor). */
  cStepsPerSec: number | null;
  vsC64: number | null;
  workingSetBytes: number;
  /** Present (true) when no round of the row was quiet (bench/quiet.ts). */
  disturbed?: true;
}

function mb(bytes: number): string {
  const v = bytes / 2 ** 20;
  return v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(0);
}

function cell(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** One table: a line per shape, for each method dwgd's steps/s, C's and the ratio, and dwm's working set. */
export function renderScaling(rows: ScalingRow[]): string {
  const methods = [...new Set(rows.map((r) => r.method))];
  const header = ['inputs', 'depth', 'arch', ...methods.flatMap((m) => [`${m} dwgd/s`, `${m} C/s`, `${m} ÷C`]), 'dwm state MB'];
  const shapes = [...new Set(rows.map((r) => r.arch))];
  const lines = shapes.map((arch) => {
    const of = rows.filter((r) => r.arch === arch);
    const first = of[0];
    const cells = methods.flatMap((m) => {
      const r = of.find((x) => x.method === m);
      if (!r) return ['–', '–', '–'];
      return [cell(r.stepsPerSec), r.cStepsPerSec === null ? '–' : cell(r.cStepsPerSec), r.vsC64 === null ? '–' : `${r.vsC64.toFixed(2)}×`];
    });
    const dwm = of.find((x) => x.method.startsWith('dwm')) ?? first;
    return [String(first.inputs), String(first.depth), arch, ...cells, mb(dwm.workingSetBytes)];
  });
  const widths = header.map((_, c) => Math.max(header[c].length, ...lines.map((l) => l[c].length)));
  const render = (l: string[]) => '| ' + l.map((c, k) => (k < 3 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, k) => (k < 3 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [render(header), rule, ...lines.map(render)].join('\n') + '\n';
}
