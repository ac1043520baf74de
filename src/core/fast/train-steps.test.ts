// FastModel.trainSteps runs many steps of a run's sample order in one call into the instance
// (the rows, targets and order copied in once, noisy inputs and dropout masks pre-drawn from
// the same streams). It must train to the same bits as a loop over step(): every method, with
// and without the training-time options, in calls of uneven length, with a score in between.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { METHODS, rule, syntheticImages } from '../testing/engines.js';
import { TrainDraws, trainStream } from '../regularizers.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from '../train-options.js';
import { FastModel } from './fast-model.js';

const data = syntheticImages(200, 12, 5); // 144 inputs, about four in five 0
const nIn = data.nInputs;
// The training list: 60 pool rows, one repeated, not in pool order (as drawSplit's).
const list = Int32Array.from({ length: 60 }, (_, k) => (k * 37 + 11) % 200);
list[59] = list[3];
const STEPS = 700;
const rng = new Rng(5, 'entries');
const entries = Int32Array.from({ length: STEPS }, () => rng.int(list.length));
// Per-entry targets (run.ts's: the label of each entry, after any label noise).
const targets = Float32Array.from(list, (i) => data.y[i]);
targets[7] = (targets[7] + 3) % 10; // an entry whose target differs from its row's label

const OPTIONS: Record<string, TrainOptions> = {
  none: NO_TRAIN_OPTIONS,
  dropout: { ...NO_TRAIN_OPTIONS, dropout: 0.3 },
  noise: { ...NO_TRAIN_OPTIONS, inputNoise: 0.2 },
  all: { dropout: 0.2, maxNorm: 1.5, inputNoise: 0.1, labelSmoothing: 0.1 },
};
// Calls of uneven length: one step, a stretch, a call across the middle score, the rest.
const CUTS = [0, 1, 250, 333, STEPS];

for (const [name, train] of Object.entries(OPTIONS)) {
  test(`trainSteps trains every method to the bits of a step() loop (options: ${name})`, () => {
    for (const hidden of [[20], [16, 8]]) {
      const net = new Network([nIn, ...hidden, 10], 'softmax-ce');
      net.initHeNormal(new Rng(5, 'init'));
      for (const method of METHODS) {
        const lr = method === 'adam' ? 0.001 : 0.05;
        const a = new FastModel(method, net, rule(method), { train, seed: 9 });
        const b = new FastModel(method, net, rule(method), { train, seed: 9 });
        const what = `${method} ${nIn}-${hidden.join('-')}-10`;
        let sumA = 0;
        let sumB = 0;
        for (let c = 0; c + 1 < CUTS.length; c++) {
          for (let s = CUTS[c]; s < CUTS[c + 1]; s++) sumA += a.step(data.x, list[entries[s]], targets[entries[s]], lr);
          sumB = b.trainSteps(data.x, list, entries, targets, lr, CUTS[c], CUTS[c + 1], sumB);
          assert.ok(Object.is(sumB, sumA), `${what}: loss sum after step ${CUTS[c + 1]}: ${sumB} vs ${sumA}`);
          if (c === 2) {
            const all = Int32Array.from({ length: 200 }, (_, i) => i);
            assert.equal(b.score(data.x, all, 200, data.y, 'accuracy'), a.score(data.x, all, 200, data.y, 'accuracy'), `${what}: mid score`);
          }
        }
        assert.ok(Number.isFinite(sumA) && sumA > 0, `${what}: trained`);
        const pa = a.params();
        const pb = b.params();
        assert.notDeepEqual(pa[0].W, net.layers[0].W, `${what}: the weights moved`);
        pa.forEach((layer, l) => {
          for (const key of Object.keys(layer) as (keyof typeof layer)[]) {
            const va = layer[key]!;
            const vb = pb[l][key]!;
            for (let k = 0; k < va.length; k++) {
              if (!Object.is(va[k], vb[k])) assert.fail(`${what}: layer ${l} ${key}[${k}]: ${vb[k]} vs ${va[k]}`);
            }
          }
        });
      }
    }
  });
}

test('trainSteps copies the rows again when it is given another training list', () => {
  const net = new Network([nIn, 12, 10], 'softmax-ce');
  net.initHeNormal(new Rng(6, 'init'));
  const other = Int32Array.from(list, (i) => (i + 1) % 200);
  const a = new FastModel('sgd', net, rule('sgd'));
  const b = new FastModel('sgd', net, rule('sgd'));
  let sumA = 0;
  for (let s = 0; s < 300; s++) sumA += a.step(data.x, (s < 150 ? list : other)[entries[s]], targets[entries[s]], 0.05);
  let sumB = b.trainSteps(data.x, list, entries, targets, 0.05, 0, 150, 0);
  sumB = b.trainSteps(data.x, other, entries, targets, 0.05, 150, 300, sumB);
  assert.ok(Object.is(sumB, sumA));
  assert.deepEqual(b.params(), a.params());
});

test('the module draws the dropout masks from the model\'s own stream, as TrainDraws.fillMasks does', () => {
  const hidden = [20, 7];
  const net = new Network([nIn, ...hidden, 10], 'softmax-ce');
  net.initHeNormal(new Rng(7, 'init'));
  const train = { ...NO_TRAIN_OPTIONS, dropout: 0.35 };
  const model = new FastModel('dwm', net, rule('dwm'), { train, seed: 4 });
  const draws = new TrainDraws(train, 4, 'dwm'); // the same stream, drawn here
  const expected = hidden.map((n) => new Float64Array(n));
  const ex = (model as unknown as { ex: { dropState(k: number): number } }).ex;
  const masks = () => (model as unknown as { masks: Float64Array[] }).masks;
  let dropped = 0;
  for (let s = 0; s < 40; s++) {
    if (s < 20) model.step(data.x, list[entries[s]], targets[entries[s]], 0.01);
    else model.trainSteps(data.x, list, entries, targets, 0.01, s, s + 1, 0);
    draws.fillMasks(expected, hidden);
    hidden.forEach((n, l) => {
      for (let j = 0; j < n; j++) {
        assert.ok(Object.is(masks()[l][j], expected[l][j]), `step ${s} layer ${l} unit ${j}: ${masks()[l][j]} vs ${expected[l][j]}`);
        if (expected[l][j] === 0) dropped++;
      }
    });
  }
  // The stream is where 40 steps × 27 units × 2 words left it, and the masks drop about p of the units.
  const rng = new Rng(4, trainStream('dropout', 'dwm'));
  for (let k = 0; k < 40 * 27 * 2; k++) rng.nextU32();
  assert.deepEqual([0, 1, 2, 3].map((k) => ex.dropState(k) >>> 0), rng.state());
  assert.ok(dropped > 0.25 * 40 * 27 && dropped < 0.45 * 40 * 27, `${dropped} of ${40 * 27} dropped`);
  assert.equal(new Set(expected.flatMap((m) => [...m])).size, 2); // 0 and 1/(1 − p)
});
