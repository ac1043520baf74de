// The corruption part of `npm run bench`: how many samples per second each corruption generates
// (one thread, severity 3, each sample with its own stream as the evaluation draws it) on
// MNIST's shape and CIFAR-10's, and the whole suite for one trained MNIST model — every
// five-level corruption × severities 1–5 on 10,000 MNIST test images, generated and scored by
// evaluateAt exactly as a run does — beside the time to train that model at n = 1000 (the
// paper's protocol: 6 turns of 10,000 steps, a clean evaluation of the test set after each turn).
// Also the standard normal draws behind the noisy test, the Gaussian and speckle corruptions and
// noise-augmented training: rng.normal() one at a time against src/core/fast/normals.ts in rows.

import { performance } from 'node:perf_hooks';
import { ExperimentSchema } from '../src/config/schema.js';
import { createModel } from '../src/core/model-factory.js';
import { ruleFor } from '../src/core/rules/index.js';
import { IMAGE_CORRUPTIONS, corruptionRng, type ImageShape } from '../src/data/corruptions/index.js';
import { evalPoints, evaluateProducts } from '../src/data/eval-axes/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { normalize } from '../src/data/prepare.js';
import { evaluate, evaluateAt } from '../src/experiment/evaluate.js';
import { clearTestSetCache } from '../src/experiment/test-set-cache.js';
import { Rng } from '../src/core/rng.js';
import { fillNormals } from '../src/core/fast/normals.js';
import { initialNetwork } from './pools.js';

export interface CorruptionRate {
  corruption: string;
  inputs: 'mnist' | 'cifar';
  samplesPerSec: number;
}

export interface SuiteTiming {
  corruptions: number;
  severities: number;
  testSize: number;
  /** Seconds to generate the whole suite (every corrupted test set) and score one model on it. */
  suiteSeconds: number;
  /** Of which, seconds generating (the rest is scoring). */
  generateSeconds: number;
  /** Seconds to train one model (dwm) at n = 1000 with the paper's protocol, clean evaluation after each turn included. */
  trainSeconds: number;
  met: boolean;
}

export interface DrawTiming {
  /** Draws per timed pass. */
  count: number;
  /** ns per draw, rng.normal() called once per draw. */
  rngNormalNs: number;
  /** ns per draw, fillNormals in rows of ROW_DRAWS (the noisy test's pattern, one row of CIFAR-10 inputs a call). */
  rowsNs: number;
  /** Whether both gave the same numbers, bit for bit. */
  same: boolean;
}

const ROW_DRAWS = 3072;

/** ns per standard normal draw, one at a time and in rows through WebAssembly, best of `repeats` passes of `rows` rows. */
export function normalDraws(repeats: number, rows: number): DrawTiming {
  const count = rows * ROW_DRAWS;
  const one = new Float64Array(count);
  const many = new Float64Array(count);
  let rngNormalNs = Infinity;
  let rowsNs = Infinity;
  for (let r = 0; r < repeats; r++) {
    let rng = new Rng(r, 'noise');
    let t0 = performance.now();
    for (let i = 0; i < count; i++) one[i] = rng.normal();
    rngNormalNs = Math.min(rngNormalNs, ((performance.now() - t0) * 1e6) / count);
    rng = new Rng(r, 'noise');
    t0 = performance.now();
    for (let k = 0; k < rows; k++) fillNormals(rng, many, k * ROW_DRAWS, ROW_DRAWS);
    rowsNs = Math.min(rowsNs, ((performance.now() - t0) * 1e6) / count);
  }
  let same = true;
  for (let i = 0; i < count; i++) if (!Object.is(one[i], many[i])) same = false;
  return { count, rngNormalNs, rowsNs, same };
}

/** Samples/s of each image corruption at severity 3 on `count` inputs of the shape (best of `repeats`). */
export function corruptionRates(x: Float32Array, shape: ImageShape, count: number, inputs: 'mnist' | 'cifar', repeats: number): CorruptionRate[] {
  const n = shape.height * shape.width * shape.channels;
  const row = new Float64Array(n);
  return IMAGE_CORRUPTIONS.map((c) => {
    let best = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        for (let f = 0; f < n; f++) row[f] = x[i * n + f];
        c.apply(row, row, shape, Math.min(3, c.levels), corruptionRng(5, c.id, i));
      }
      best = Math.max(best, count / ((performance.now() - t0) / 1000));
    }
    return { corruption: c.id, inputs, samplesPerSec: Math.round(best) };
  });
}

/** The whole suite on MNIST's 10,000 test images for one model trained at n = 1000, and that training. */
export function suiteTiming(): SuiteTiming {
  const trainPool = loadMnist({ pool: 'paper' });
  const testPool = loadMnist({ pool: 'test' });
  const config = ExperimentSchema.parse({ dataset: { name: 'mnist' }, trainSize: 1000, methods: ['dwm'], evaluate: { corruption: 'all', severity: [1, 2, 3, 4, 5] } });
  // Training: the protocol of run.ts for one method (one sample order, a clean evaluation of
  // the rest of the paper pool after each turn).
  const rng = new Rng(5, 'split');
  const train = Int32Array.from({ length: 1000 }, () => rng.int(trainPool.size));
  const inTrain = new Uint8Array(trainPool.size);
  for (const i of train) inTrain[i] = 1;
  const rest = Int32Array.from({ length: trainPool.size }, (_, i) => i).filter((i) => !inTrain[i]);
  const data = normalize(trainPool, 'train', train, 1);
  const initial = initialNetwork([784, 20, 10], 'softmax-ce');
  const model = createModel('dwm', initial, ruleFor('dwm') as Exclude<ReturnType<typeof ruleFor>, { error: string }>, config.engine);
  const orderRng = new Rng(5, 'order');
  const t0 = performance.now();
  for (let turn = 0; turn < config.turns; turn++) {
    for (let s = 0; s < config.stepsPerTurn; s++) {
      const i = train[orderRng.int(train.length)];
      model.step(data.x, i, data.y[i], config.lr);
    }
    evaluate(model, data, rest, 'accuracy');
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  // The suite: every point generated (the cache emptied first) and scored, as run.ts does.
  const test = Int32Array.from({ length: testPool.size }, (_, i) => i);
  const testData = normalize(testPool, 'train', train, 1);
  const points = evalPoints(config);
  clearTestSetCache();
  const t1 = performance.now();
  for (const p of points) evaluateAt([model], testData, test, 'accuracy', p, 5);
  const suiteSeconds = (performance.now() - t1) / 1000;
  // Scoring alone: the same points again, every corrupted set now in the cache (those that fit).
  const t2 = performance.now();
  let cached = 0;
  for (const p of points.slice(0, 16)) {
    evaluateAt([model], testData, test, 'accuracy', p, 5);
    cached++;
  }
  const scoreSeconds = ((performance.now() - t2) / 1000) * (points.length / cached);
  clearTestSetCache();
  return {
    corruptions: evaluateProducts(config.evaluate)[0].corruption.length, severities: 5, testSize: test.length,
    suiteSeconds, generateSeconds: Math.max(0, suiteSeconds - scoreSeconds), trainSeconds, met: suiteSeconds < trainSeconds,
  };
}
