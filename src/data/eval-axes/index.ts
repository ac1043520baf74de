// The registry of evaluation axes: one line per axis. Their order is the order in which a
// point's transforms are applied to an input (noise first, then zeroing, so zeroed features are
// exactly 0) and the order of the axes in an evaluation point's id and in the tidy table.

import { maskAxis } from './mask.js';
import { noiseAxis } from './noise.js';
import type { EvalAxisDef } from './types.js';

export type { EvalAxisDef } from './types.js';

export const EVAL_AXES: readonly EvalAxisDef[] = [noiseAxis, maskAxis];

export function evalAxis(key: string): EvalAxisDef | undefined {
  return EVAL_AXES.find((a) => a.key === key);
}

export function isEvalKey(key: string): boolean {
  return EVAL_AXES.some((a) => a.key === key);
}

/** An evaluation point: a value for every registered axis. */
export type EvalPoint = Record<string, number>;

/** Whether every axis is at its identity (the clean evaluation). */
export function isIdentity(point: EvalPoint): boolean {
  return EVAL_AXES.every((a) => (point[a.key] ?? a.identity) === a.identity);
}

/** "noise.sigma=0.3 mask.fraction=0": every axis, in registry order. */
export function pointId(point: EvalPoint): string {
  return EVAL_AXES.map((a) => `${a.key}=${point[a.key] ?? a.identity}`).join(' ');
}

/**
 * The evaluation points of a run. Without `evaluate`, one point: each axis at its config value
 * (`fromConfig`: the paper's noisy test at noise.sigma) or its identity. With `evaluate`, the
 * product of its axes' values (first axis slowest), every axis it does not list at its identity.
 */
export function evalPoints(config: { noise: { sigma: number }; evaluate?: Record<string, number[]> }): EvalPoint[] {
  let points: EvalPoint[] = [{}];
  const swept = config.evaluate !== undefined && Object.keys(config.evaluate).length > 0;
  for (const a of EVAL_AXES) {
    const values = config.evaluate?.[a.key] ?? [!swept && a.fromConfig ? a.fromConfig(config) : a.identity];
    points = points.flatMap((p) => values.map((v) => ({ ...p, [a.key]: v })));
  }
  return points;
}
