// Where the protocol gets its models. The reference engine is the plain Model (the
// straightforward implementation, kept as the reference); the fast engine runs the same
// algebra in WebAssembly SIMD kernels (src/core/fast), in float64 (its accuracy takes the first
// layer in float32 where a bound proves the float64 class: docs/METHOD.md, "Evaluation
// precision"), and agrees with the
// reference to within 1e-5 relative per weight (fast-model.test.ts; over 10,000 MNIST steps:
// src/experiment/fast-engine-mnist.slow.test.ts). fast32 is the same kernels with float32
// layer-0 weights: faster, within 1e-5 of each matrix's largest weight over 1,000 steps, but
// plain dwm can drift much further over longer runs (see the fast32 test on MNIST), so it is
// opt-in. All implement Trainable.

import { FastModel } from './fast/fast-model.js';
import { Model, type Trainable } from './model.js';
import type { Network } from './network.js';
import type { LearningRule } from './rules/rule.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from './train-options.js';

export const ENGINE_NAMES = ['reference', 'fast', 'fast32'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** fast passed the equivalence test (src/core/fast/fast-model.test.ts), so it is the default. */
export const DEFAULT_ENGINE: EngineName = 'fast';

/** The class that implements each engine. */
const ENGINES: Record<EngineName, { readonly module: string }> = { reference: Model, fast: FastModel, fast32: FastModel };

/**
 * Where this module and each engine are defined (module URLs, by engine name). The code
 * fingerprint of a run does not follow this module's imports of every engine; it adds the
 * modules of the engines the run's methods run on (engineFor).
 */
export const ENGINE_MODULES: { registry: string; members: Readonly<Record<EngineName, string>> } = {
  registry: import.meta.url,
  members: Object.fromEntries(ENGINE_NAMES.map((e) => [e, ENGINES[e].module])) as Record<EngineName, string>,
};

/**
 * The engine a rule actually runs on when `requested` is asked for: the requested one, or
 * `reference` when the rule has no fast kernel (callers compare the two to warn once).
 */
export function engineFor(rule: LearningRule<any>, requested: EngineName = DEFAULT_ENGINE): EngineName {
  return requested !== 'reference' && !rule.kernel ? 'reference' : requested;
}

/**
 * A model for method `id` that starts from a copy of `initial`'s weights, on
 * engineFor(rule, engine); the model's `engine` field says which. `train` are the method's
 * training-time options (docs/METHOD.md §7), applied alike by every engine; their random
 * streams come from `seed` (the run's) and `id`.
 */
export function createModel(
  id: string, initial: Network, rule: LearningRule<any>, engine: EngineName = DEFAULT_ENGINE,
  train: TrainOptions = NO_TRAIN_OPTIONS, seed = 0,
): Trainable {
  const used = engineFor(rule, engine);
  if (used === 'reference') return new Model(id, initial.clone(), rule, train, seed);
  return new FastModel(id, initial, rule, { precision: used === 'fast32' ? 32 : 64, train, seed });
}
