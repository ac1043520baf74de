// The fast kernels set optimiser state that has decayed into the subnormals to 0 (kernels.as,
// flushSubnormal): a dead unit's adam first moment or momentum velocity shrinks by β every step
// and turns subnormal after some 7,000 steps, where each multiply costs a microcode assist. The
// step such a state gives is below half an ulp of any weight of normal size, so the weights must
// be the same bits as the module from before the flush (testing/kernels-subnormal-baseline-wasm.ts)
// over runs long enough for that to happen: every loss sum, every parameter, the final score.
// The runs are checked to have units dead on the whole training list from early on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Network } from '../network.js';
import { Rng } from '../rng.js';
import { makeRule } from '../rules/index.js';
import type { LayerParams, LearningRule } from '../rules/rule.js';
import { syntheticImages } from '../testing/engines.js';
import { SUBNORMAL_BASELINE_KERNELS32_WASM_BASE64, SUBNORMAL_BASELINE_KERNELS_WASM_BASE64 } from '../testing/kernels-subnormal-baseline-wasm.js';
import { NO_TRAIN_OPTIONS } from '../train-options.js';
import { FastModel, type Layer0Precision } from './fast-model.js';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const OLD: Record<Layer0Precision, Uint8Array> = { 64: bytes(SUBNORMAL_BASELINE_KERNELS_WASM_BASE64), 32: bytes(SUBNORMAL_BASELINE_KERNELS32_WASM_BASE64) };

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: new ${a[i]} old ${b[i]}`);
}

function sameParams(a: LayerParams[], b: LayerParams[], what: string): void {
  a.forEach((layer, l) => {
    for (const key of ['W', 'b'] as const) sameBits(layer[key]!, b[l][key]!, `${what} layer ${l} ${key}`);
  });
}

/** Hidden units of layer 0 whose pre-activation is ≤ 0 on every listed row, for these parameters. */
function deadUnits(params: LayerParams[], sizes: number[], x: Float32Array, rows: Int32Array): number {
  const nIn = sizes[0];
  const nOut = sizes[1];
  const alive = new Uint8Array(nOut);
  for (const i of rows) {
    for (let j = 0; j < nOut; j++) {
      let z = params[0].b[j];
      for (let k = 0; k < nIn; k++) z += params[0].W[j * nIn + k] * x[i * nIn + k];
      if (z > 0) alive[j] = 1;
    }
  }
  return alive.reduce((n, a) => n + (a ? 0 : 1), 0);
}

const RULES: Record<string, LearningRule<any>> = {
  momentum: makeRule('momentum', {}) as LearningRule<any>,
  'momentum-nesterov': makeRule('momentum', { nesterov: 1 }) as LearningRule<any>,
  adam: makeRule('adam', {}) as LearningRule<any>,
};

test('momentum and adam over 20,000 steps with dead units: the same bits as the module without the flush', () => {
  const data = syntheticImages(300, 12, 7);
  const nIn = data.nInputs;
  const steps = 20000;
  const list = Int32Array.from({ length: 200 }, (_, k) => k);
  const rng = new Rng(3, 'entries');
  const entries = Int32Array.from({ length: steps }, () => rng.int(list.length));
  const targets = Float32Array.from(list, (i) => data.y[i]);
  const all = Int32Array.from({ length: 300 }, (_, i) => i);
  const cuts = [0, 2000, 7001, 13000, steps];
  for (const precision of [64, 32] as Layer0Precision[]) {
    for (const [method, lr] of [['momentum', 0.05], ['momentum-nesterov', 0.05], ['adam', 0.01]] as const) {
      const sizes = [nIn, 40, 10];
      const what = `${method} ${sizes.join('-')} f${precision}`;
      const net = new Network(sizes, 'softmax-ce');
      net.initHeNormal(new Rng(5, 'init'));
      const fresh = new FastModel(method, net, RULES[method], { train: NO_TRAIN_OPTIONS, seed: 11, precision });
      const old = new FastModel(method, net, RULES[method], { train: NO_TRAIN_OPTIONS, seed: 11, precision, wasm: OLD[precision] });
      let a = 0;
      let b = 0;
      const dead: number[] = [];
      for (let k = 0; k + 1 < cuts.length; k++) {
        a = fresh.trainSteps(data.x, list, entries, targets, lr, cuts[k], cuts[k + 1], a);
        b = old.trainSteps(data.x, list, entries, targets, lr, cuts[k], cuts[k + 1], b);
        if (!Object.is(a, b)) assert.fail(`${what}: loss sum after step ${cuts[k + 1]}: new ${a} old ${b}`);
        dead.push(deadUnits(fresh.params(), sizes, data.x, list));
      }
      assert.ok(Number.isFinite(a), `${what}: the loss sum is finite`);
      sameParams(fresh.params(), old.params(), what);
      assert.ok(Object.is(fresh.score(data.x, all, 300, data.y, 'accuracy'), old.score(data.x, all, 300, data.y, 'accuracy')), `${what}: final score`);
      // Units dead on the training list after 2,000 steps and still at the end: their state has
      // had some 18,000 steps to decay, far past the ~7,000 it takes to turn subnormal.
      assert.ok(dead[0] > 0 && dead[dead.length - 1] > 0, `${what}: dead units after each stretch ${dead.join(', ')} (none: the check proves nothing)`);
      // The flush did its work: the module without it holds subnormal state by now, this one none.
      const subnormal = (model: FastModel) => model.optimizerState().reduce((n, lanes, l) => {
        const smallest = l === 0 && precision === 32 ? 2 ** -126 : 2 ** -1022;
        return n + lanes.filter((v) => v !== 0 && Math.abs(v) < smallest).length;
      }, 0);
      assert.ok(subnormal(old) > 0, `${what}: the module without the flush holds no subnormal state (the check proves nothing)`);
      assert.equal(subnormal(fresh), 0, `${what}: subnormal optimiser state left`);
    }
  }
});
