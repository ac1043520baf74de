// The registry of evaluation axes: one line per axis. Their order is the order in which a
// point's transforms are applied to an input (the benchmark set, which replaces the test set
// rather than transforming it, then the corruption, then noise, then zeroing,
// so zeroed features are exactly 0, then the adversarial attack at ε, which starts from the
// input the other axes made and needs the model, so it is applied last in any case) and the
// order of the axes in an evaluation point's id and in the tidy table.

import { attackAxis, epsAxis } from './attack.js';
import { benchmarkAxis } from './benchmark.js';
import { corruptionAxis, severityAxis } from './corruption.js';
import { maskAxis } from './mask.js';
import { noiseAxis } from './noise.js';
import type { AxisValue, EvalAxisDef, EvalPoint } from './types.js';

export type { AttackSettings, AxisValue, EvalAxisDef, EvalContext, EvalPoint, ModelTransform, RowTransform } from './types.js';

export const EVAL_AXES: readonly EvalAxisDef[] = [benchmarkAxis, corruptionAxis, severityAxis, noiseAxis, maskAxis, attackAxis, epsAxis];

export function evalAxis(key: string): EvalAxisDef | undefined {
  return EVAL_AXES.find((a) => a.key === key);
}

/** The axis of `key`, for code that names one (run.ts: the attack's subsample, the benchmark's test set); throws when none is registered. */
export function registeredAxis(key: string): EvalAxisDef {
  const axis = evalAxis(key);
  if (!axis) throw new Error(`eval-axes: no axis '${key}' is registered`);
  return axis;
}

/**
 * Where this registry and each axis are defined (module URLs, by axis key). The code
 * fingerprint of a run does not follow this module's imports of every axis; it adds the
 * modules of the axes the run uses (axesUsed), and with them what only they import: the
 * corruptions, the attacks, the benchmark sets' names.
 */
export const EVAL_AXIS_MODULES: { registry: string; members: Readonly<Record<string, string>> } = {
  registry: import.meta.url,
  members: Object.fromEntries(EVAL_AXES.map((a) => [a.key, a.module])),
};

/**
 * The keys of the axes a run of `config` uses, in registry order: the axes its evaluation points
 * name (evalPoints), that is every axis that is not optional (in every point, at its config
 * value or identity) and every axis `evaluate` lists.
 */
export function axesUsed(config: { evaluate?: EvaluateSpec<unknown> }): string[] {
  const products = evaluateProducts(config.evaluate);
  return EVAL_AXES.filter((a) => !a.optional || products.some((e) => e[a.key] !== undefined)).map((a) => a.key);
}

/**
 * A config's `evaluate`: one product of axes (a mapping, axis key → values) or a list of them,
 * whose points are the union of the products' points.
 */
export type EvaluateSpec<V = readonly AxisValue[]> = Readonly<Record<string, V>> | readonly Readonly<Record<string, V>>[];

/** The products of `evaluate`, as a list: [] without it, [it] for one mapping. */
export function evaluateProducts<V>(evaluate: EvaluateSpec<V> | undefined): Readonly<Record<string, V>>[] {
  if (evaluate === undefined) return [];
  return Array.isArray(evaluate) ? [...evaluate] : [evaluate as Readonly<Record<string, V>>];
}

export function isEvalKey(key: string): boolean {
  return EVAL_AXES.some((a) => a.key === key);
}

/** Whether the axis changes the inputs at this point (not at its identity, not inert there). */
export function isActive(a: EvalAxisDef, point: EvalPoint): boolean {
  return (point[a.key] ?? a.identity) !== a.identity && !a.inert?.(point);
}

/** Whether every axis leaves the inputs unchanged (the clean evaluation). */
export function isIdentity(point: EvalPoint): boolean {
  return EVAL_AXES.every((a) => !isActive(a, point));
}

/** The axes a point names: every axis but the optional ones it leaves at their identity. */
export function axesOf(point: EvalPoint): EvalAxisDef[] {
  return EVAL_AXES.filter((a) => !a.optional || (point[a.key] ?? a.identity) !== a.identity);
}

/** "noise.sigma=0.3 mask.fraction=0": every axis, in registry order (optional ones only when set). */
export function pointId(point: EvalPoint): string {
  return axesOf(point).map((a) => `${a.key}=${point[a.key] ?? a.identity}`).join(' ');
}

/**
 * The evaluation points of a run. Without `evaluate`, one point: each axis at its config value
 * (`fromConfig`: the paper's noisy test at noise.sigma) or its identity. With `evaluate`, the
 * product of its axes' values (first axis slowest), every axis it does not list at its identity;
 * with a list of products, their points in turn, a point already made by an earlier product
 * left out (so `[{noise.sigma: [0, 0.3]}, {corruption: all, severity: [1, 2, 3, 4, 5]}]` is the
 * clean and noisy tests and the 75 corruption points, not their product).
 * Optional axes (corruption, severity) appear in a point only when its product lists them.
 */
export function evalPoints(config: { noise: { sigma: number }; evaluate?: EvaluateSpec }): EvalPoint[] {
  if (!Array.isArray(config.evaluate)) return productPoints(config.noise, config.evaluate as Readonly<Record<string, readonly AxisValue[]>> | undefined);
  const seen = new Set<string>();
  const points: EvalPoint[] = [];
  for (const product of config.evaluate as readonly Readonly<Record<string, readonly AxisValue[]>>[]) {
    for (const p of productPoints(config.noise, product)) {
      const key = pointKey(p);
      if (seen.has(key)) continue;
      seen.add(key);
      points.push(p);
    }
  }
  return points;
}

/** The points of one product (or of no `evaluate`). */
function productPoints(noise: { sigma: number }, evaluate: Readonly<Record<string, readonly AxisValue[]>> | undefined): EvalPoint[] {
  let points: EvalPoint[] = [{}];
  const swept = evaluate !== undefined && Object.keys(evaluate).length > 0;
  for (const a of EVAL_AXES) {
    const listed = evaluate?.[a.key];
    if (!listed && a.optional) continue;
    const values = listed ?? [!swept && a.fromConfig ? a.fromConfig({ noise }) : a.identity];
    points = points.flatMap((p) => values.map((v) => ({ ...p, [a.key]: v })));
  }
  return points;
}

/** Which inputs a point scores: every axis at its value or identity, in registry order; every clean point (isIdentity) is one. */
function pointKey(point: EvalPoint): string {
  return isIdentity(point) ? 'clean' : JSON.stringify(EVAL_AXES.map((a) => point[a.key] ?? a.identity));
}
