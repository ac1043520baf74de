// Where the protocol gets its models. The reference engine is the plain Model (the
// straightforward implementation, kept as the reference); the fast engine runs the same
// algebra in WebAssembly SIMD kernels (src/core/fast), all in float64; fast32 is the same
// kernels with float32 layer-0 weights (faster, agrees with the reference to float32
// rounding, see src/core/fast/engine.test.ts). All implement Trainable.

import { FastModel, methodOf } from './fast/engine.js';
import { Model, type Trainable } from './model.js';
import type { Network } from './network.js';
import type { LearningRule } from './rules/rule.js';

export const ENGINE_NAMES = ['reference', 'fast', 'fast32'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** fast passed the equivalence test (src/core/fast/engine.test.ts), so it is the default. */
export const DEFAULT_ENGINE: EngineName = 'fast';

/**
 * A model for method `id` that starts from a copy of `initial`'s weights. A rule the fast
 * engine has no kernel for runs on the reference engine.
 */
export function createModel(id: string, initial: Network, rule: LearningRule<any>, engine: EngineName = DEFAULT_ENGINE): Trainable {
  if (engineFor(rule.id, engine) !== 'reference') {
    return new FastModel(id, initial, rule, { precision: engine === 'fast32' ? 32 : 64 });
  }
  return new Model(id, initial.clone(), rule);
}

/** The engine a method runs on when `engine` is asked for: the reference one if the fast engine has no kernel for it. */
export function engineFor(methodId: string, engine: EngineName): EngineName {
  return engine !== 'reference' && !methodOf(methodId) ? 'reference' : engine;
}

/** One warning line per method that falls back to the reference engine, or none. */
export function engineFallbacks(methods: readonly string[], engine: EngineName): string[] {
  return methods.filter((m) => engineFor(m, engine) !== engine)
    .map((m) => `${m} has no ${engine} kernel; it runs on the reference engine (the same numbers, slower)`);
}
