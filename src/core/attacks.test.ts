// The attacks: the exact input gradient against central finite differences, FGSM and one-step
// PGD against hand-worked linear models, PGD never below FGSM where that is guaranteed, the
// ball and the clip range, ε = 0, determinism per (seed, sample), and the option checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax, type LossName } from './loss.js';
import { apgdCheckpoints, attackBatch, attackOne, attackWorkspace, inputGradient, lossAt, networkOf, resolveAttack, type AttackOptions } from './attacks.js';
import type { Network } from './network.js';
import { Rng } from './rng.js';
import type { LayerParams } from './rules/rule.js';

function randomParams(sizes: number[], seed: number, scale = 0.8): LayerParams[] {
  const rng = new Rng(seed, 'attack-test');
  return sizes.slice(1).map((nOut, l) => ({
    W: Float64Array.from({ length: nOut * sizes[l] }, () => scale * rng.normal()),
    b: Float64Array.from({ length: nOut }, () => 0.3 * rng.normal()),
  }));
}

function randomInputs(rows: number, n: number, seed: number, image: boolean): Float32Array {
  const rng = new Rng(seed, 'attack-inputs');
  return Float32Array.from({ length: rows * n }, () => (image ? rng.uniform() : rng.normal()));
}

/** Whether any hidden pre-activation of the last forward pass is within `tol` of the ReLU kink. */
function nearKink(net: Network, tol: number): boolean {
  for (let l = 0; l + 1 < net.layers.length; l++) for (const z of net.zs[l]) if (Math.abs(z) < tol) return true;
  return false;
}

for (const [loss, sizes] of [['softmax-ce', [6, 5, 4, 3]], ['mse', [5, 7, 1]], ['softmax-ce', [4, 3]]] as [LossName, number[]][]) {
  test(`input gradient of ${loss} ${sizes.join('-')} equals central finite differences to 1e-6 relative`, () => {
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const net = networkOf(randomParams(sizes, seed), loss);
      const rng = new Rng(seed, 'x');
      const x = Float64Array.from({ length: sizes[0] }, () => rng.normal());
      const target = loss === 'mse' ? rng.normal() : rng.int(sizes[sizes.length - 1]);
      const grad = new Float64Array(sizes[0]);
      inputGradient(net, x, target, grad);
      if (nearKink(net, 1e-3)) continue;
      const scratch = new Float64Array(net.nOutputs);
      const h = 1e-5;
      for (let i = 0; i < x.length; i++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[i] += h;
        xm[i] -= h;
        const fd = (lossAt(net, xp, target, scratch) - lossAt(net, xm, target, scratch)) / (2 * h);
        const err = Math.abs(fd - grad[i]) / Math.max(1e-3, Math.abs(fd), Math.abs(grad[i]));
        assert.ok(err < 1e-6, `seed ${seed}, feature ${i}: ${grad[i]} vs finite difference ${fd} (relative ${err})`);
        checked++;
      }
    }
    assert.ok(checked >= 3 * sizes[0], `only ${checked} components checked`);
  });
}

test('FGSM on a linear regression model moves the output by ε·‖W‖₁ away from the target (worked by hand)', () => {
  // y = x·W + b = 0.25 − 1 + 0.375 + 0.1 = −0.275; target 1: error −1.275; ∂L/∂x = 2·e·W has signs
  // (−, +, −), so with ε = 1/8 x' = (0.125, 0.625, 0.625), y' = 0.125 − 1.25 + 0.3125 + 0.1 = −0.7125
  // = y − ε‖W‖₁, L = 1.7125² = 2.93265625. (Dyadic inputs: float32 holds them exactly.)
  const params = [{ W: Float64Array.of(1, -2, 0.5), b: Float64Array.of(0.1) }];
  const r = attackBatch(params, Float32Array.of(0.25, 0.5, 0.75), [1], { kind: 'fgsm', eps: 0.125, loss: 'mse', clip: null, seed: 1 });
  assert.deepEqual(Array.from(r.x), [0.125, 0.625, 0.625]);
  assert.ok(Math.abs(r.loss[0] - 2.93265625) < 1e-12, `loss ${r.loss[0]}`);
});

test('one PGD-L2 step of size ε without random start reaches the best L2 perturbation of a linear model: |e| + ε‖W‖₂', () => {
  const W = Float64Array.of(3, -4); // ‖W‖₂ = 5
  const params = [{ W, b: Float64Array.of(0) }];
  const x = Float32Array.of(0.5, 0.25); // y = 1.5 − 1 = 0.5
  for (const [t, eps] of [[2, 0.1], [-1, 0.3]]) {
    const e = 0.5 - t;
    const r = attackBatch(params, x, [t], { kind: 'pgd-l2', eps, steps: 1, stepSize: eps, randomStart: false, loss: 'mse', clip: null, seed: 1 });
    const want = (Math.abs(e) + eps * 5) ** 2;
    assert.ok(Math.abs(r.loss[0] - want) < 1e-12, `target ${t}: loss ${r.loss[0]}, expected ${want}`);
    // The perturbation points along ±W/‖W‖.
    const d0 = r.x[0] - x[0];
    const d1 = r.x[1] - x[1];
    assert.ok(Math.abs(d0 / d1 - 3 / -4) < 1e-5);
  }
});

test('FGSM in the clip range: a feature at the range\'s edge stays there (hand-worked, softmax)', () => {
  // One layer, two classes: z = (x0 − x1, 0). Label 0: ∂L/∂x = (p0 − 1)·(1, −1), signs (−, +).
  const params = [{ W: Float64Array.of(1, -1, 0, 0), b: Float64Array.of(0, 0) }];
  const r = attackBatch(params, Float32Array.of(0.05, 0.95), [0], { kind: 'fgsm', eps: 0.1, loss: 'softmax-ce', clip: [0, 1], seed: 1 });
  assert.deepEqual(Array.from(r.x), [0, 1]);
  // z = (−1, 0): L = log(1 + e) for label 0.
  assert.ok(Math.abs(r.loss[0] - Math.log(1 + Math.E)) < 1e-12);
});

/**
 * PGD-L∞ with no random start and step size α = ε: its first iterate is
 * clip(Π_ball(x + ε·sign ∇)) = clip(x + ε·sign ∇), FGSM's point exactly, and PGD keeps the
 * iterate of highest loss, so its loss can never be below FGSM's. That is what is tested, per
 * sample, exactly (no tolerance), on images (clipped) and tables (not clipped).
 */
test('PGD-L∞ (no random start, α = ε) is never below FGSM at the same ε, per sample; one step is FGSM exactly', () => {
  let above = 0;
  let total = 0;
  for (const [loss, sizes, clip] of [
    ['softmax-ce', [12, 8, 6, 4], [0, 1]], ['softmax-ce', [10, 7, 3], null], ['mse', [9, 6, 1], null], ['mse', [8, 5, 4, 1], [0, 1]],
  ] as [LossName, number[], [number, number] | null][]) {
    for (let seed = 1; seed <= 4; seed++) {
      const params = randomParams(sizes, seed);
      const rows = 40;
      const x = randomInputs(rows, sizes[0], seed, clip !== null);
      const rng = new Rng(seed, 'targets');
      const y = Array.from({ length: rows }, () => (loss === 'mse' ? rng.normal() : rng.int(sizes[sizes.length - 1])));
      for (const eps of [0.01, 0.1, 0.3]) {
        const base: AttackOptions = { kind: 'fgsm', eps, loss, clip, seed };
        const fgsm = attackBatch(params, x, y, base);
        const pgd = attackBatch(params, x, y, { ...base, kind: 'pgd-linf', steps: 10, stepSize: eps, randomStart: false, restarts: 1, select: 'loss' });
        const one = attackBatch(params, x, y, { ...base, kind: 'pgd-linf', steps: 1, stepSize: eps, randomStart: false });
        assert.deepEqual(one.x, fgsm.x, 'one PGD step of size ε is FGSM');
        assert.deepEqual(one.loss, fgsm.loss);
        for (let r = 0; r < rows; r++) {
          assert.ok(pgd.loss[r] >= fgsm.loss[r], `${sizes.join('-')} seed ${seed} ε ${eps} row ${r}: PGD ${pgd.loss[r]} < FGSM ${fgsm.loss[r]}`);
          if (pgd.loss[r] > fgsm.loss[r]) above++;
          total++;
        }
      }
    }
  }
  // It is not the same attack: more steps find a higher loss for a good share of the samples.
  assert.ok(above > total / 8, `PGD above FGSM on only ${above} of ${total}`);
});

test('perturbations stay within ε (L∞ and L2) and within the clip range, with random starts and restarts', () => {
  const sizes = [20, 10, 5];
  const params = randomParams(sizes, 3);
  const rows = 30;
  for (const clip of [[0, 1], null] as ([number, number] | null)[]) {
    const x = randomInputs(rows, sizes[0], 4, clip !== null);
    const y = Array.from({ length: rows }, (_, r) => r % 5);
    for (const kind of ['fgsm', 'pgd-linf', 'pgd-l2', 'apgd-ce'] as const) {
      for (const eps of [0.05, 0.5, 2]) {
        const opts: AttackOptions = { kind, eps, loss: 'softmax-ce', clip, seed: 9, steps: 7, stepSize: eps / 2, restarts: 3 };
        const a = resolveAttack(opts);
        const net = networkOf(params, 'softmax-ce');
        const ws = attackWorkspace(net);
        const out = new Float64Array(sizes[0]);
        const batch = attackBatch(params, x, y, opts);
        for (let r = 0; r < rows; r++) {
          const clean = x.subarray(r * sizes[0], (r + 1) * sizes[0]);
          attackOne(net, a, clean, y[r], r, out, ws);
          let linf = 0;
          let l2 = 0;
          for (let i = 0; i < sizes[0]; i++) {
            const d = out[i] - clean[i];
            linf = Math.max(linf, Math.abs(d));
            l2 += d * d;
            if (clip) assert.ok(out[i] >= 0 && out[i] <= 1, `${kind} left the range: ${out[i]}`);
            // The float32 output is the float64 point rounded.
            assert.equal(batch.x[r * sizes[0] + i], Math.fround(out[i]));
            if (clip) assert.ok(batch.x[r * sizes[0] + i] >= 0 && batch.x[r * sizes[0] + i] <= 1);
          }
          if (kind === 'pgd-l2') assert.ok(Math.sqrt(l2) <= eps * (1 + 1e-12), `${kind} ε ${eps}: ‖δ‖₂ = ${Math.sqrt(l2)}`);
          else assert.ok(linf <= eps * (1 + 1e-15) + 1e-16, `${kind} ε ${eps}: ‖δ‖∞ = ${linf}`);
          // And the attack moved something (the gradient is not zero here).
          assert.ok(linf > 0);
        }
      }
    }
  }
});

test('ε = 0 leaves every input and so the accuracy unchanged', () => {
  const sizes = [15, 8, 4];
  const params = randomParams(sizes, 5);
  const rows = 50;
  const x = randomInputs(rows, sizes[0], 6, true);
  const y = Array.from({ length: rows }, (_, r) => (r * 7) % 4);
  const net = networkOf(params, 'softmax-ce');
  const accuracy = (xs: Float32Array) => {
    let ok = 0;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < sizes[0]; i++) net.acts[0][i] = xs[r * sizes[0] + i];
      net.forward();
      if (argmax(net.output, net.nOutputs) === y[r]) ok++;
    }
    return ok / rows;
  };
  for (const kind of ['fgsm', 'pgd-linf', 'pgd-l2', 'apgd-ce'] as const) {
    for (const clip of [[0, 1], null] as ([number, number] | null)[]) {
      // Even with a step size of its own, PGD is projected back onto the clean input.
      const r = attackBatch(params, x, y, { kind, eps: 0, loss: 'softmax-ce', clip, seed: 2, stepSize: 0.1, steps: 3, restarts: 2 });
      assert.deepEqual(r.x, x, `${kind}: ε = 0 changed an input`);
      assert.equal(accuracy(r.x), accuracy(x));
    }
  }
  // …while ε = 0.3 lowers it (the attacks do something).
  const strong = attackBatch(params, x, y, { kind: 'pgd-linf', eps: 0.3, loss: 'softmax-ce', clip: [0, 1], seed: 2 });
  assert.ok(accuracy(strong.x) < accuracy(x));
});

test('deterministic per (seed, sample id): a row attacked alone equals the same row in a batch; another seed differs', () => {
  const sizes = [10, 6, 3];
  const params = randomParams(sizes, 8);
  const x = randomInputs(5, sizes[0], 8, true);
  const y = [0, 1, 2, 0, 1];
  const ids = [101, 7, 55, 3, 999];
  const opts: AttackOptions = { kind: 'pgd-l2', eps: 0.5, loss: 'softmax-ce', clip: [0, 1], seed: 4, steps: 3, restarts: 2 };
  const all = attackBatch(params, x, y, opts, ids);
  assert.deepEqual(attackBatch(params, x, y, opts, ids), all);
  const n = sizes[0];
  const alone = attackBatch(params, x.slice(2 * n, 3 * n), [y[2]], opts, [ids[2]]);
  assert.deepEqual(alone.x, all.x.slice(2 * n, 3 * n));
  const other = attackBatch(params, x, y, { ...opts, seed: 5 }, ids);
  assert.notDeepEqual(other.x, all.x);
});

test('restarts keep the worst case: the loss with 4 restarts is at least each single start\'s', () => {
  const sizes = [10, 6, 3];
  const params = randomParams(sizes, 11);
  const rows = 20;
  const x = randomInputs(rows, sizes[0], 11, true);
  const y = Array.from({ length: rows }, (_, r) => r % 3);
  const opts: AttackOptions = { kind: 'pgd-linf', eps: 0.1, loss: 'softmax-ce', clip: [0, 1], seed: 3, steps: 5 };
  const four = attackBatch(params, x, y, { ...opts, restarts: 4 });
  // The first restart of four draws what a single start draws.
  const one = attackBatch(params, x, y, { ...opts, restarts: 1 });
  for (let r = 0; r < rows; r++) assert.ok(four.loss[r] >= one.loss[r]);
  // The reported loss is the loss of the returned input (recomputed in float64 from the float32 row up to rounding).
  const net = networkOf(params, 'softmax-ce');
  const scratch = new Float64Array(3);
  for (let r = 0; r < rows; r++) {
    const l = lossAt(net, four.x.subarray(r * 10, r * 10 + 10), y[r], scratch);
    assert.ok(Math.abs(l - four.loss[r]) < 1e-5 * Math.max(1, l));
  }
});

test('APGD\'s checkpoints are the paper\'s p_j = 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99 of 100 iterations', () => {
  // p₁ = 0.22; p₂ = 0.22 + max(0.22 − 0 − 0.03, 0.06) = 0.41; p₃ = 0.41 + 0.16 = 0.57; then +0.13,
  // +0.10, +0.07, +0.06 (the floor), +0.06 → 0.99; the next, 1.05, is past the end.
  assert.deepEqual(apgdCheckpoints(100), [22, 41, 57, 70, 80, 87, 93, 99]);
  assert.deepEqual(apgdCheckpoints(1), []);
});

/**
 * APGD without random start: its first step, P(x + 2ε·sign ∇), is FGSM's point (2ε overshoots
 * the ball and is projected back to x ± ε), and it returns the best point among x₀ = x, x₁, …;
 * so per sample its loss is at least FGSM's and at least the clean loss.
 */
test('APGD-CE (no random start, select: loss) is never below FGSM nor the clean loss, per sample', () => {
  let above = 0;
  let total = 0;
  for (const [loss, sizes, clip] of [['softmax-ce', [12, 8, 6, 4], [0, 1]], ['mse', [9, 6, 1], null]] as [LossName, number[], [number, number] | null][]) {
    for (let seed = 1; seed <= 3; seed++) {
      const params = randomParams(sizes, seed);
      const rows = 40;
      const x = randomInputs(rows, sizes[0], seed, clip !== null);
      const rng = new Rng(seed, 'targets');
      const y = Array.from({ length: rows }, () => (loss === 'mse' ? rng.normal() : rng.int(sizes[sizes.length - 1])));
      const net = networkOf(params, loss);
      const scratch = new Float64Array(net.nOutputs);
      for (const eps of [0.03, 0.3]) {
        const fgsm = attackBatch(params, x, y, { kind: 'fgsm', eps, loss, clip, seed });
        const apgd = attackBatch(params, x, y, { kind: 'apgd-ce', eps, loss, clip, seed, steps: 30, randomStart: false, select: 'loss' });
        for (let r = 0; r < rows; r++) {
          const clean = lossAt(net, x.subarray(r * sizes[0], (r + 1) * sizes[0]), y[r], scratch);
          assert.ok(apgd.loss[r] >= fgsm.loss[r], `row ${r}: APGD ${apgd.loss[r]} < FGSM ${fgsm.loss[r]}`);
          assert.ok(apgd.loss[r] >= clean);
          if (apgd.loss[r] > fgsm.loss[r]) above++;
          total++;
        }
      }
    }
  }
  assert.ok(above > total / 8, `APGD above FGSM on only ${above} of ${total}`);
});

/**
 * With select 'error-then-loss' (the classification default) the same first-step argument
 * orders (misclassified, loss) lexicographically: FGSM's point is an iterate of PGD (α = ε, no
 * random start) and of APGD, so each returns a misclassified point whenever FGSM's is, with a
 * loss at least FGSM's then; and accuracy under them is never above accuracy under FGSM.
 */
test('select error-then-loss: per sample, PGD and APGD are never behind FGSM in (misclassified, loss); accuracy never above FGSM\'s', () => {
  const sizes = [12, 8, 6, 4];
  let differs = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const params = randomParams(sizes, seed);
    const rows = 60;
    const x = randomInputs(rows, 12, seed, true);
    const rng = new Rng(seed, 'targets');
    const y = Array.from({ length: rows }, () => rng.int(4));
    const net = networkOf(params, 'softmax-ce');
    const wrong = (xs: Float32Array, r: number) => {
      for (let i = 0; i < 12; i++) net.acts[0][i] = xs[r * 12 + i];
      net.forward();
      return argmax(net.output, 4) !== y[r];
    };
    for (const eps of [0.05, 0.2]) {
      const base: AttackOptions = { kind: 'fgsm', eps, loss: 'softmax-ce', clip: [0, 1], seed };
      const fgsm = attackBatch(params, x, y, base);
      const byLoss = attackBatch(params, x, y, { ...base, kind: 'pgd-linf', steps: 10, stepSize: eps, randomStart: false, select: 'loss' });
      for (const opts of [{ kind: 'pgd-linf', steps: 10, stepSize: eps }, { kind: 'apgd-ce', steps: 30 }] as const) {
        const att = attackBatch(params, x, y, { ...base, ...opts, randomStart: false });
        let wrongAtt = 0;
        let wrongFgsm = 0;
        for (let r = 0; r < rows; r++) {
          const wa = wrong(att.x, r);
          const wf = wrong(fgsm.x, r);
          wrongAtt += +wa;
          wrongFgsm += +wf;
          if (wf) assert.ok(wa && att.loss[r] >= fgsm.loss[r], `${opts.kind} seed ${seed} row ${r}: FGSM misclassifies, the attack returned ${wa ? 'a lower loss' : 'a correct point'}`);
          else if (!wa) assert.ok(att.loss[r] >= fgsm.loss[r]);
          if (opts.kind === 'pgd-linf' && wa !== wrong(byLoss.x, r)) differs++;
        }
        assert.ok(wrongAtt >= wrongFgsm);
      }
    }
  }
  // The two selections do pick different points on some samples here (else the option is moot).
  assert.ok(differs > 0);
});

test('bad options are refused naming the option', () => {
  const base: AttackOptions = { kind: 'pgd-linf', eps: 0.1, loss: 'softmax-ce', clip: null, seed: 1 };
  assert.throws(() => resolveAttack({ ...base, eps: -1 }), /attack eps/);
  assert.throws(() => resolveAttack({ ...base, eps: NaN }), /attack eps/);
  assert.throws(() => resolveAttack({ ...base, steps: 0 }), /attack steps/);
  assert.throws(() => resolveAttack({ ...base, restarts: 1.5 }), /attack restarts/);
  assert.throws(() => resolveAttack({ ...base, kind: 'apgd' as never }), /attack kind/);
  assert.throws(() => resolveAttack({ ...base, clip: [1, 0] }), /attack clip/);
  // Defaults: 20 steps of 2.5·ε/20, one random start.
  assert.deepEqual(resolveAttack(base), { ...base, steps: 20, stepSize: (2.5 * 0.1) / 20, restarts: 1, randomStart: true, select: 'error-then-loss' });
  assert.equal(resolveAttack({ ...base, loss: 'mse' }).select, 'loss');
  assert.throws(() => resolveAttack({ ...base, loss: 'mse', select: 'error-then-loss' }), /attack select/);
  assert.throws(() => attackBatch(randomParams([4, 2], 1), new Float32Array(7), [0, 0], base), /whole number of rows/);
  // APGD: 100 iterations, its own step size 2ε to start.
  assert.deepEqual(resolveAttack({ ...base, kind: 'apgd-ce' }), { ...base, kind: 'apgd-ce', steps: 100, stepSize: 0.2, restarts: 1, randomStart: true, select: 'error-then-loss' });
});
