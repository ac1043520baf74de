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
 * product of its axes' values (first axis slowest), every axis it does not list at its identity.
 * Optional axes (corruption, severity) appear in a point only when `evaluate` lists them.
 */
export function evalPoints(config: { noise: { sigma: number }; evaluate?: Record<string, readonly AxisValue[]> }): EvalPoint[] {
  let points: EvalPoint[] = [{}];
  const swept = config.evaluate !== undefined && Object.keys(config.evaluate).length > 0;
  for (const a of EVAL_AXES) {
    const listed = config.evaluate?.[a.key];
    if (!listed && a.optional) continue;
    const values = listed ?? [!swept && a.fromConfig ? a.fromConfig(config) : a.identity];
    points = points.flatMap((p) => values.map((v) => ({ ...p, [a.key]: v })));
  }
  return points;
}
