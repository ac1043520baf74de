// The registry of learning rules: a method id from a config → its rule. Adding a rule is one
// file in this folder and one entry in RULES; it then runs on the reference engine. To run it
// on the fast engine too, it also needs an update kernel in src/core/fast/kernels.as and a
// `kernel` field naming it (see rule.ts); without one the model factory falls back to the
// reference engine and says so.

import { adam } from './adam.js';
import { dwm } from './dwm.js';
import { dwmStable } from './dwm-stable.js';
import { l2 } from './l2.js';
import { momentum } from './momentum.js';
import type { LearningRule } from './rule.js';
import { sgd } from './sgd.js';
import { sgdGatedDecay } from './sgd-gated-decay.js';
import { weightDecay } from './weight-decay.js';

export type { KernelForm, LayerParams, LearningRule } from './rule.js';

/** One hyperparameter of a rule: its default, its bounds, what it means (for --help and errors). */
export interface ParamSpec {
  readonly name: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** The bound itself is excluded (e.g. β < 1). */
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
  /** Only 0 or 1 (a switch). */
  readonly flag?: boolean;
  readonly meaning: string;
}

/**
 * A rule by name: its hyperparameters and how to make it from them. `suffix` names the one
 * hyperparameter that a string id carries after the name (`l2-0.01`); without it the string id
 * is the name alone and takes the defaults.
 */
interface Entry {
  name: string;
  summary: string;
  params: readonly ParamSpec[];
  suffix?: string;
  make: (p: Readonly<Record<string, number>>) => LearningRule<any>;
}

const LAMBDA = (meaning: string): ParamSpec => ({ name: 'lambda', default: 0, min: 0, max: Infinity, meaning });
const BETA = (name: string, def: number, meaning: string): ParamSpec => ({ name, default: def, min: 0, max: 1, maxOpen: true, meaning });

const RULES: readonly Entry[] = [
  { name: 'sgd', summary: 'plain stochastic gradient descent', params: [], make: () => sgd },
  { name: 'dwm', summary: 'the dual-weight method (W = W1 − W2)', params: [], make: () => dwm },
  { name: 'dwm-stable', summary: 'dwm with the stabiliser', params: [], make: () => dwmStable },
  { name: 'l2', summary: 'sgd on loss + λ Σ‖W‖_F (un-squared)', params: [LAMBDA('penalty weight λ')], suffix: 'lambda', make: (p) => l2(p.lambda) },
  { name: 'weight-decay', summary: 'sgd with squared-L2 decay λW', params: [LAMBDA('decay λ')], suffix: 'lambda', make: (p) => weightDecay(p.lambda) },
  {
    name: 'momentum',
    summary: 'heavy-ball sgd',
    params: [
      BETA('beta', 0.9, 'velocity decay β'),
      { name: 'nesterov', default: 0, min: 0, max: 1, flag: true, meaning: '1 = Nesterov look-ahead form' },
    ],
    make: (p) => momentum(p.beta, p.nesterov === 1),
  },
  {
    name: 'adam',
    summary: 'Adam with bias correction (AdamW decay)',
    params: [
      BETA('beta1', 0.9, 'first-moment decay β1'),
      BETA('beta2', 0.999, 'second-moment decay β2'),
      { name: 'eps', default: 1e-8, min: 0, max: Infinity, minOpen: true, meaning: 'ε added to √v̂' },
      { name: 'weightDecay', default: 0, min: 0, max: Infinity, meaning: 'decoupled decay λ (AdamW)' },
    ],
    make: (p) => adam({ beta1: p.beta1, beta2: p.beta2, eps: p.eps, weightDecay: p.weightDecay }),
  },
  { name: 'sgd-gated-decay', summary: 'sgd plus an error-gated decay of the whole row (the ablation of dwm, METHOD.md §4.1)', params: [], make: () => sgdGatedDecay },
];

/** The rule names (the `rule:` of an object-form method). */
export const RULE_NAMES: readonly string[] = RULES.map((e) => e.name);

/** Each rule's name, one-line summary and hyperparameters, for --help and the README. */
export const RULE_INFO: readonly { name: string; summary: string; params: readonly ParamSpec[] }[] = RULES.map(({ name, summary, params }) => ({ name, summary, params }));

function defaults(e: Entry): Record<string, number> {
  return Object.fromEntries(e.params.map((p) => [p.name, p.default]));
}

/**
 * Where the registry and each entry are defined (module URLs, by entry name). The code
 * fingerprint of a run does not follow this module's imports of every rule; it adds the
 * modules of the rules the run uses (`ruleFor(id).module`).
 */
export const RULE_MODULES: { registry: string; members: Readonly<Record<string, string>> } = {
  registry: import.meta.url,
  members: Object.fromEntries(RULES.map((e) => [e.name, e.make(defaults(e)).module])),
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
export const METHOD_FORMS: readonly string[] = RULES.map((e) => (e.suffix ? `${e.name}-<λ>` : e.name));

/** The rule for a string method id, or an explanation of why the id is not one. */
export function ruleFor(id: string): LearningRule<any> | { error: string } {
  for (const entry of RULES) {
    if (!entry.suffix) {
      if (id === entry.name) return entry.make(defaults(entry));
    } else if (id.startsWith(entry.name + '-')) {
      const text = id.slice(entry.name.length + 1);
      const lambda = Number(text);
      if (text === '' || !Number.isFinite(lambda) || lambda < 0) {
        return { error: `${entry.name} needs a non-negative number after '${entry.name}-', got '${text}'` };
      }
      return entry.make({ [entry.suffix]: lambda });
    }
  }
  return { error: `unknown method '${id}' (expected one of ${METHOD_FORMS.join(', ')})` };
}

/**
 * The hyperparameters of a string method id (`l2-0.01` → { lambda: 0.01 }, `adam` → its
 * defaults), or undefined when the id is not a method.
 */
export function paramsOfId(id: string): Record<string, number> | undefined {
  if ('error' in ruleFor(id)) return undefined;
  const entry = RULES.find((e) => (e.suffix ? id.startsWith(e.name + '-') : id === e.name))!;
  return entry.suffix ? { [entry.suffix]: Number(id.slice(entry.name.length + 1)) } : defaults(entry);
}

/** The rule name of a string method id (`l2-0.01` → `l2`). */
export function ruleNameOfId(id: string): string | undefined {
  if ('error' in ruleFor(id)) return undefined;
  return RULES.find((e) => (e.suffix ? id.startsWith(e.name + '-') : id === e.name))!.name;
}

/** One problem with a rule's hyperparameters: which one (absent for an unknown rule) and what. */
export interface ParamError {
  key?: string;
  message: string;
}

/**
 * Problems with `params` for rule `name`, one line each (`beta1: 1.2 is above 1`; unknown
 * names, non-numbers, bounds, 0/1 switches), and the parameters with defaults filled in.
 */
export function resolveParams(name: string, params: Readonly<Record<string, unknown>> = {}): { errors: ParamError[]; params: Record<string, number> } {
  const entry = RULES.find((e) => e.name === name);
  if (!entry) return { errors: [{ message: `unknown rule '${name}' (expected one of ${RULE_NAMES.join(', ')})` }], params: {} };
  const errors: ParamError[] = [];
  const out = defaults(entry);
  for (const [k, v] of Object.entries(params)) {
    const spec = entry.params.find((p) => p.name === k);
    if (!spec) {
      errors.push({ key: k, message: `not a parameter of ${name} (${entry.params.length ? `it has ${entry.params.map((p) => p.name).join(', ')}` : 'it has none'})` });
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) errors.push({ key: k, message: `expected a number, got ${JSON.stringify(v)}` });
    else if (spec.flag && v !== 0 && v !== 1) errors.push({ key: k, message: `${v} is not 0 or 1` });
    else if (v < spec.min) errors.push({ key: k, message: `${v} is below ${spec.min}` });
    else if (spec.minOpen && v === spec.min) errors.push({ key: k, message: `${v} must be above ${spec.min}` });
    else if (v > spec.max) errors.push({ key: k, message: `${v} is above ${spec.max}` });
    else if (spec.maxOpen && v === spec.max) errors.push({ key: k, message: `${v} must be below ${spec.max}` });
    else out[k] = v;
  }
  return { errors, params: out };
}

/** The rule `name` with hyperparameters `params` (defaults for the ones left out), or why not. */
export function makeRule(name: string, params: Readonly<Record<string, unknown>> = {}): LearningRule<any> | { error: string } {
  const r = resolveParams(name, params);
  if (r.errors.length) return { error: `${r.errors[0].key ? `${r.errors[0].key}: ` : ''}${r.errors[0].message}` };
  return RULES.find((e) => e.name === name)!.make(r.params);
}
