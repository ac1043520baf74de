// What an evaluation axis is: a way of changing only how a trained model is measured (never the
// trained weights), with one value per point: a number (σ, a fraction, a severity) or a name (a
// corruption). A study's evaluation points are the product of its axes' values; every trained
// model is scored at each point on the same transformed inputs.
//
// Three kinds of transform, applied in this order to each test input:
//  1. `perSample`: the transformed input depends only on (dataset, value, seed, pool index) —
//     the corruptions. The whole transformed test set is generated once per point and cached
//     within the worker process (evaluate.ts), so runs sharing a test set do not regenerate it.
//  2. streamed (the default): `prepare`'s transform draws from the axis's own stream, fresh at
//     every point, input by input in test-set order (test noise σ, features zeroed).
//  3. model-dependent (`perModel`): the transform needs the model being scored, e.g. an
//     adversarial attack at ε (FGSM, PGD) that follows the model's input gradient. Each model
//     gets its own copy of every chunk of inputs built by 1 and 2, transformed by this hook,
//     and is scored on it; the inputs of one model never reach another.

import type { LossName } from '../../core/loss.js';
import type { Trainable } from '../../core/model.js';
import type { Rng } from '../../core/rng.js';
import type { FeatureStats } from '../corruptions/tabular.js';

/** The value of one axis at one point. */
export type AxisValue = number | string;

export type { FeatureStats };

/** What a transform may know besides the input: the run's seed, the whole point, the training statistics. */
export interface EvalContext {
  seed: number;
  /** The point being evaluated (every axis's value: a transform may read another axis, as the corruption reads its severity). */
  point: EvalPoint;
  /** Per-feature statistics of the run's training list (null when the run gave none). */
  stats: FeatureStats | null;
  /** The loss of the models being scored (what an attack maximises); absent: softmax-ce. */
  loss?: LossName;
  /** The config's `attack:` section (model-dependent attack axes). */
  attack?: AttackSettings;
}

/** The config's `attack:` section with defaults filled in (docs/METHOD.md). */
export interface AttackSettings {
  /** PGD iterations (APGD: its iterations); default 20 (PGD) or 100 (APGD). */
  steps?: number;
  /** PGD step size as a multiple of ε/steps (default 2.5). */
  stepFactor?: number;
  /** Runs per sample from new random starts, the worst kept (default 1). */
  restarts?: number;
  /** PGD and APGD start from a uniform point of the ball (default true). */
  randomStart?: boolean;
  /** Attacked points are scored on this many test samples (a seeded subsample); default: the whole test set. */
  subsample?: number;
}


/** One test input in place; `sample` is its index in the pool it was loaded from. */
export type RowTransform = (row: Float64Array, value: AxisValue, rng: Rng, sample: number) => void;

/**
 * A streamed transform that reads a float32 input and writes its result, rounded to float32:
 * row src[from … from + nInputs) transformed into dst[to … to + nInputs), the numbers the
 * axis's RowTransform gives on the row widened to float64, drawn the same way.
 */
export type RowTransformInto = (src: Float32Array, from: number, dst: Float32Array, to: number, value: AxisValue, rng: Rng, sample: number) => void;

/**
 * A model-dependent transform of `count` inputs (rows 0 … count−1 of `xs`, nInputs each, in
 * place) whose targets are `ys[0 … count−1]` and pool indices `samples[0 … count−1]`, for the
 * model about to be scored on them.
 */
export type ModelTransform = (model: Trainable, xs: Float32Array, ys: Float32Array, count: number, value: AxisValue, rng: Rng, samples: Int32Array) => void;

export interface EvalAxisDef {
  /** The key in configs and in the tidy table, e.g. 'noise.sigma'. */
  key: string;
  /**
   * Where the axis is defined (`import.meta.url`): a run's code fingerprint counts this module,
   * and what it imports, only when the run uses the axis (experiment/provenance.ts).
   */
  module: string;
  /** Words for figure titles and reports, e.g. 'test input noise σ'. */
  title: string;
  /** 'numeric' (the default): numbers from 0 to `max`; 'categorical': names from `choices`. */
  kind?: 'numeric' | 'categorical';
  /** The value that leaves every input unchanged (the clean evaluation). */
  identity: AxisValue;
  /** Numeric axes: the largest value a config may ask for. */
  max: number;
  /** Numeric axes: only whole numbers. */
  integer?: boolean;
  /** Categorical axes: the names a config may give for a dataset of this kind (identity excluded). */
  choices?(kind: 'image' | 'tabular'): readonly string[];
  /** Categorical axes: every name it may give for the kind (what `all` and the did-you-mean search). */
  known?(): readonly string[];
  /** Categorical axes: what `all` stands for on a dataset of this kind (and name, when it depends on it). */
  all?(kind: 'image' | 'tabular', dataset?: string): readonly string[];
  /**
   * The axis changes no input but replaces the test set at its active points (the published
   * benchmark sets: run.ts scores those points on the benchmark's images); evaluateAt skips it.
   */
  replacesTestSet?: boolean;
  /**
   * A problem of the whole `evaluate` mapping that involves this axis (e.g. a corruption without
   * severities), as "key: message", or null.
   */
  check?(evaluate: Record<string, readonly AxisValue[]>, kind: 'image' | 'tabular' | undefined): string | null;
  /**
   * Listed only when a study uses it: the axis is left out of points, point ids and the tidy
   * table's columns unless `evaluate` names it (so tables and records without it keep their bytes).
   */
  optional?: boolean;
  /** The named random stream the axis draws from (fresh from its start at every point). */
  stream: string;
  /** Where a config states the axis's single value when the study does not sweep it (else identity). */
  fromConfig?(config: { noise: { sigma: number } }): number;
  /** Whether the axis changes nothing at this point although its value is not the identity (severity 0). */
  inert?(point: EvalPoint): boolean;
  /** Transform kind 1 (see above): deterministic per (seed, sample); `rng` is unused. */
  perSample?: boolean;
  /**
   * Makes the transform for inputs of `nInputs` features (`image`: pixel values in [0, 1]):
   * it changes one test input in place, drawing from `rng` (or its own per-sample stream).
   * Called for active values only (not the identity, not inert). Model-dependent axes give
   * `perModel` instead and a `prepare` that is never called.
   */
  prepare(nInputs: number, image: boolean, ctx: EvalContext): RowTransform;
  /**
   * Optionally, `prepare`'s transform from a float32 row into another (evaluate.ts uses it when
   * the point has this one transform and nothing else, saving the row's round trip through
   * float64): the same numbers as `prepare`'s, from the same draws.
   */
  prepareInto?(nInputs: number, image: boolean, ctx: EvalContext): RowTransformInto;
  /**
   * The hook of model-dependent axes (adversarial attacks): made once per point like `prepare`,
   * called for every model on its own copy of each chunk of test inputs, after the other axes'
   * transforms. Each model gets its own `rng`: the axis's stream, fresh from its start at the
   * point, so every model's attack draws the same numbers whatever the other models do.
   */
  perModel?(nInputs: number, image: boolean, ctx: EvalContext): ModelTransform;
  /**
   * The test samples a point where this axis is active is scored on, out of the list `test` the
   * run would score it on: a seeded subsample of `size` (the attacks' `attack.subsample`), or
   * `test` itself when `size` is absent. run.ts calls it through the registry.
   */
  testSubset?(test: Int32Array, size: number | undefined, seed: number): Int32Array;
}

/** An evaluation point: a value for every axis it involves. */
export type EvalPoint = Record<string, AxisValue>;
