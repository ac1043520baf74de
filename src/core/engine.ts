// Where the protocol gets its models. The reference engine is the plain Model; faster
// engines plug in here without touching the learning rules or the protocol.

import { Model, type Trainable } from './model.js';
import type { Network } from './network.js';
import type { LearningRule } from './rules/rule.js';

export const ENGINE_NAMES = ['reference'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A model for method `id` that starts from a copy of `initial`'s weights. */
export function createModel(id: string, initial: Network, rule: LearningRule<any>, _engine: EngineName = 'reference'): Trainable {
  return new Model(id, initial.clone(), rule);
}
