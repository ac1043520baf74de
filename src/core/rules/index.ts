// The registry of learning rules: a method id from a config → its rule. Adding a rule is one
// file in this folder and one entry in RULES; it then runs on the reference engine. To run it
// on the fast engine too, it also needs an update kernel in src/core/fast/kernels.as and a
// `kernel` field naming it (see rule.ts); without one the model factory falls back to the
// reference engine and says so.

import { dwm } from './dwm.js';
import { dwmStable } from './dwm-stable.js';
import { l2 } from './l2.js';
import type { LearningRule } from './rule.js';
import { sgd } from './sgd.js';
import { weightDecay } from './weight-decay.js';

export type { KernelForm, LayerParams, LearningRule } from './rule.js';

/** A rule by name, or a family of rules that takes λ from the id's suffix (`l2-0.01`). */
type Entry = { name: string; rule: LearningRule<any> } | { name: string; withLambda: (lambda: number) => LearningRule<any> };

const RULES: readonly Entry[] = [
  { name: 'sgd', rule: sgd },
  { name: 'dwm', rule: dwm },
  { name: 'dwm-stable', rule: dwmStable },
  { name: 'l2', withLambda: l2 },
  { name: 'weight-decay', withLambda: weightDecay },
];

/**
 * Where the registry and each entry are defined (module URLs, by entry name). The code
 * fingerprint of a run does not follow this module's imports of every rule; it adds the
 * modules of the rules the run uses (`ruleFor(id).module`).
 */
export const RULE_MODULES: { registry: string; members: Readonly<Record<string, string>> } = {
  registry: import.meta.url,
  members: Object.fromEntries(RULES.map((e) => [e.name, ('rule' in e ? e.rule : e.withLambda(0)).module])),
};

/** The paper's five methods (docs/METHOD.md §4), in its order. */
export const PAPER_METHODS: readonly string[] = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1'];
/** The method every other is compared against (the paper's plain gradient descent). */
export const BASELINE_METHOD = 'sgd';

/** Whether a method id names a dual-weight rule (the registry's `dual` flag). */
export function isDual(id: string): boolean {
  const rule = ruleFor(id);
  return !('error' in rule) && rule.dual === true;
}

/** The accepted method ids, as shown in messages and help: `sgd`, …, `l2-<λ>`. */
export const METHOD_FORMS: readonly string[] = RULES.map((e) => ('rule' in e ? e.name : `${e.name}-<λ>`));

/** The rule for a method id, or an explanation of why the id is not one. */
export function ruleFor(id: string): LearningRule<any> | { error: string } {
  for (const entry of RULES) {
    if ('rule' in entry) {
      if (id === entry.name) return entry.rule;
    } else if (id.startsWith(entry.name + '-')) {
      const text = id.slice(entry.name.length + 1);
      const lambda = Number(text);
      if (text === '' || !Number.isFinite(lambda) || lambda < 0) {
        return { error: `${entry.name} needs a non-negative number after '${entry.name}-', got '${text}'` };
      }
      return entry.withLambda(lambda);
    }
  }
  return { error: `unknown method '${id}' (expected one of ${METHOD_FORMS.join(', ')})` };
}
