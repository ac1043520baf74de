// The bench's stepper (pools.ts benchStepper): a timed model lives LIFETIME steps, as a model of
// the paper's grid does, then starts over from the initial network. Checked against fresh
// models stepped by hand over the same stretches of the sample order: the parameters and the
// loss sum to the bit, on both engines, for rules with state (adam's moments, l2's norm,
// dwm-stable's running mean) and with a dropout stream, which must start over too.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trainable } from '../src/core/model.js';
import { benchModel, benchStepper, initialNetwork, LIFETIME, LR, sampleOrder, syntheticPool } from './pools.js';

const pool = syntheticPool('synthetic-california-housing', 8, 'tabular', 400);
const order = sampleOrder(pool);
const initial = initialNetwork([8, 12, 1], pool.loss);

/** Every parameter of a model, flattened in a fixed order. */
function flat(m: Trainable): number[] {
  return m.params().flatMap((p) => [...p.W, ...p.b, ...(p.W1 ?? []), ...(p.W2 ?? [])]);
}

/** Fresh models of `row` stepped one step at a time over the lives [0, life), [life, 2·life), … up to `steps`. */
function byHand(row: string, engine: 'fast' | 'reference', life: number, steps: number): { params: number[]; sink: number } {
  let sink = 0;
  let model = benchModel(row, initial, engine);
  for (let s = 0; s < steps; s++) {
    if (s > 0 && s % life === 0) model = benchModel(row, initial, engine);
    const i = order[s];
    sink += model.step(pool.x, i, pool.y[i], LR);
  }
  return { params: flat(model), sink };
}

function sameBits(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, k) => Object.is(v, b[k]));
}

test('the lifetime is the length of one model of the paper grid: six turns of 10,000 steps', () => {
  assert.equal(LIFETIME, 6 * 10_000);
});

for (const engine of ['fast', 'reference'] as const) {
  for (const row of ['l2-0.1', 'dwm-stable', 'adam', 'sgd+dropout-0.2']) {
    test(`a ${engine} bench model of ${row} starts over every 50 steps, to the bit`, () => {
      const stepper = benchStepper(pool, order, initial, row, engine, 50);
      assert.equal(stepper.run(37), 0, 'no fresh model before step 50');
      const paused = stepper.run(37) + stepper.run(40); // steps 37–113: fresh models before 50 and 100
      assert.ok(paused > 0, 'making the fresh models took time, handed back to the timer');
      assert.equal(stepper.steps(), 114);
      const want = byHand(row, engine, 50, 114);
      assert.ok(sameBits(flat(stepper.model()), want.params), 'parameters: those of a fresh model trained on steps 100–113');
      assert.ok(Object.is(stepper.sink(), want.sink), `loss sum ${stepper.sink()} vs ${want.sink}`);
      // The check can fail: one model trained through all 114 steps ends elsewhere.
      const endless = benchStepper(pool, order, initial, row, engine, 0);
      assert.equal(endless.run(114), 0);
      assert.ok(!sameBits(flat(endless.model()), want.params), 'a model that never starts over ends with other weights');
    });
  }
}
