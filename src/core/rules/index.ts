// The registry of learning rules: a method id from a config → its rule.
// Adding a rule is one file in this folder and one line here.

import { dwm } from './dwm.js';
import { dwmStable } from './dwm-stable.js';
import { l2 } from './l2.js';
import type { LearningRule } from './rule.js';
import { sgd } from './sgd.js';
import { weightDecay } from './weight-decay.js';

export type { LayerParams, LearningRule } from './rule.js';

/** Parameterised rules take λ from the id's suffix: `l2-0.01`, `weight-decay-0.0001`. */
const withLambda: Record<string, (lambda: number) => LearningRule<any>> = {
  l2,
  'weight-decay': weightDecay,
};
const plain: Record<string, LearningRule<any>> = { sgd, dwm, 'dwm-stable': dwmStable };

export const METHOD_FORMS = ['sgd', 'dwm', 'dwm-stable', 'l2-<λ>', 'weight-decay-<λ>'] as const;

/** The rule for a method id, or an explanation of why the id is not one. */
export function ruleFor(id: string): LearningRule<any> | { error: string } {
  if (plain[id]) return plain[id];
  for (const [prefix, make] of Object.entries(withLambda)) {
    if (id.startsWith(prefix + '-')) {
      const text = id.slice(prefix.length + 1);
      const lambda = Number(text);
      if (text === '' || !Number.isFinite(lambda) || lambda < 0) {
        return { error: `${prefix} needs a non-negative number after '${prefix}-', got '${text}'` };
      }
      return make(lambda);
    }
  }
  return { error: `unknown method '${id}' (expected one of ${METHOD_FORMS.join(', ')})` };
}
