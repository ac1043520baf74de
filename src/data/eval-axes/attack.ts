// Adversarial attacks at test (core/attacks.ts, docs/METHOD.md "Adversarial attacks as an
// evaluation axis"): a named axis, `attack` (fgsm, pgd-linf, pgd-l2, apgd-ce), and the radius
// `eps` it is run at. Both are model-dependent (`perModel`): each trained model is attacked on
// its own copy of the test inputs with the exact input gradient of its own effective network,
// after every other axis's transform (so an attack on a corrupted set starts from the corrupted
// input). The loss the attack maximises is the network's: cross-entropy of the label, or the
// squared error on a regression set. Random starts come from the stream `attack:<pool index>`
// of the run's seed, so an attacked input depends only on (model, seed, sample, settings).
// `attack: none` or `eps: 0` is the clean input. The attack's settings (steps, step size,
// restarts, random start) and the test subsample attacked points are scored on come from the
// config's `attack:` section (AttackSettings); run.ts draws the subsample through the axis's
// `testSubset` (attackSubsample).

import { ATTACK_KINDS, PGD_DEFAULT_STEPS, PGD_DEFAULT_STEP_FACTOR, attackBatch, type AttackKind } from '../../core/attacks.js';
import type { Trainable } from '../../core/model.js';
import type { LayerParams } from '../../core/rules/rule.js';
import type { AttackSettings, EvalAxisDef, EvalPoint } from './types.js';
import { seededSubsample } from './subsample.js';

export type { AttackSettings };

const EPS = 'eps';

/** Images are in [0, 1]: an L∞ ball of radius 1 already covers the whole range. */
export const IMAGE_EPS_MAX = 1;
/** Z-scored tables: a radius beyond this many standard deviations is surely a typo. */
export const TABLE_EPS_MAX = 100;

function epsOf(point: EvalPoint): number {
  const e = point[EPS];
  return typeof e === 'number' ? e : 0;
}

export const attackAxis: EvalAxisDef = {
  key: 'attack',
  module: import.meta.url,
  title: 'adversarial attack',
  kind: 'categorical',
  identity: 'none',
  max: 0,
  optional: true,
  stream: 'attack',
  choices: () => ATTACK_KINDS,
  known: () => ATTACK_KINDS,
  all: () => ATTACK_KINDS,
  inert: (point) => epsOf(point) === 0,
  testSubset: attackSubsample,
  check(evaluate, kind) {
    const names = evaluate.attack;
    const radii = evaluate[EPS];
    if (names && !radii) return 'eps: list the radii ε to run evaluate.attack at (0 is the clean input)';
    if (radii && !names) return 'attack: list the attacks (fgsm, pgd-linf, pgd-l2, apgd-ce, or all) that evaluate.eps applies to';
    if (!radii) return null;
    // An L2 ball (pgd-l2) on an image may reach past 1: the cube [0, 1]^n is √n across.
    const l2 = names?.some((n) => n === 'pgd-l2' || n === 'all');
    const top = kind === 'tabular' || l2 ? TABLE_EPS_MAX : IMAGE_EPS_MAX;
    const over = radii.find((v) => typeof v === 'number' && v > top);
    if (over !== undefined) {
      return `eps: ${over} is out of range; ${kind === 'tabular' ? `a table's features are z-scored, ε ≤ ${TABLE_EPS_MAX}` : l2 ? `ε ≤ ${TABLE_EPS_MAX}` : `pixels are in [0, 1], an L∞ radius ε ≤ ${IMAGE_EPS_MAX}`}`;
    }
    return null;
  },
  prepare: () => {
    throw new Error('attack: a model-dependent axis has no prepare');
  },
  perModel(n, image, ctx) {
    const eps = epsOf(ctx.point);
    const s = ctx.attack ?? {};
    const loss = ctx.loss ?? 'softmax-ce';
    // Each model's effective W and b, read once per point.
    const paramsOf = new WeakMap<Trainable, LayerParams[]>();
    return (model, xs, ys, count, value, _rng, samples) => {
      const kind = String(value) as AttackKind;
      let params = paramsOf.get(model);
      if (!params) {
        params = model.params();
        paramsOf.set(model, params);
      }
      const steps = kind === 'fgsm' ? undefined : s.steps;
      const { x } = attackBatch(params, xs.subarray(0, count * n), ys.subarray(0, count), {
        kind, eps, loss, clip: image ? [0, 1] : null, seed: ctx.seed,
        steps,
        stepSize: kind === 'pgd-linf' || kind === 'pgd-l2' ? ((s.stepFactor ?? PGD_DEFAULT_STEP_FACTOR) * eps) / (s.steps ?? PGD_DEFAULT_STEPS) : undefined,
        restarts: kind === 'fgsm' ? undefined : s.restarts,
        randomStart: kind === 'fgsm' ? undefined : s.randomStart,
      }, samples.subarray(0, count));
      xs.set(x);
    };
  },
};

/** The radius an attack runs at; it transforms nothing by itself. */
export const epsAxis: EvalAxisDef = {
  key: EPS,
  module: import.meta.url,
  title: 'attack radius ε',
  identity: 0,
  max: TABLE_EPS_MAX,
  optional: true,
  stream: 'eps',
  inert: () => true,
  prepare: () => () => {},
};

/**
 * The test samples an attacked point is scored on: seededSubsample of the run's test list from
 * the stream 'attack-subsample'. Every attacked point of a run uses the same subsample, and it
 * depends only on (seed, test list, size).
 */
export function attackSubsample(test: Int32Array, size: number | undefined, seed: number): Int32Array {
  return seededSubsample(test, size, seed, 'attack-subsample');
}
