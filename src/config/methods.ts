// The methods of a config resolved into what trains them (docs/METHOD.md §4, README "Methods"):
// a `methods:` entry is a string id (`dwm`, `l2-0.01`, `adam`: the rule and its hyperparameters
// read from the id, the config's lr) or an object naming its id, rule, lr, hyperparameters and
// training options. Everything that needs a method's id, rule or lr goes through methodSpecs.

import { isDual, makeRule, paramsOfId, resolveParams, ruleFor, ruleNameOfId, type LearningRule } from '../core/rules/index.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from '../core/train-options.js';

/** An object-form `methods:` entry, as the schema accepts it. */
export interface MethodObject {
  name: string;
  rule: string;
  lr?: number;
  params?: Record<string, number>;
  train?: Partial<TrainOptions>;
}

export type MethodEntry = string | MethodObject;

export interface MethodSpec {
  /** The method's id in results: the string entry itself, or the object's `name`. */
  id: string;
  /** The registry rule name (`l2` for `l2-0.01`). */
  rule: string;
  lr: number;
  /** Every hyperparameter of the rule, defaults filled in. */
  params: Readonly<Record<string, number>>;
  train: TrainOptions;
}

/** The id of one entry. */
export function methodId(entry: MethodEntry): string {
  return typeof entry === 'string' ? entry : entry.name;
}

/** The ids of a config's methods, in order. */
export function methodIds(config: { methods: readonly MethodEntry[] }): string[] {
  return config.methods.map(methodId);
}

/** One entry resolved; throws on an entry the schema would have refused. */
export function methodSpec(entry: MethodEntry, lr: number): MethodSpec {
  if (typeof entry === 'string') {
    const rule = ruleNameOfId(entry);
    const params = paramsOfId(entry);
    if (rule === undefined || params === undefined) throw new Error(`methods: ${(ruleFor(entry) as { error: string }).error}`);
    return { id: entry, rule, lr, params, train: NO_TRAIN_OPTIONS };
  }
  const r = resolveParams(entry.rule, entry.params);
  if (r.errors.length) throw new Error(`methods: ${entry.name}: ${r.errors[0].key ? `${r.errors[0].key}: ` : ''}${r.errors[0].message}`);
  return { id: entry.name, rule: entry.rule, lr: entry.lr ?? lr, params: r.params, train: { ...NO_TRAIN_OPTIONS, ...entry.train } };
}

/** Every method of a config, resolved (string `l2-0.01` → rule l2, λ 0.01, the config's lr, no training options). */
export function methodSpecs(config: { methods: readonly MethodEntry[]; lr: number }): MethodSpec[] {
  return config.methods.map((m) => methodSpec(m, config.lr));
}

/** The learning rule of a spec (a string id's spec gives the rule ruleFor gives for the id). */
export function ruleOfSpec(spec: MethodSpec): LearningRule<any> {
  const r = makeRule(spec.rule, spec.params);
  if ('error' in r) throw new Error(`methods: ${spec.id}: ${r.error}`);
  return r;
}

/** Whether an entry is a dual-weight method (by its rule). */
export function isDualEntry(entry: MethodEntry): boolean {
  return typeof entry === 'string' ? isDual(entry) : isDual(entry.rule);
}

/**
 * What of an entry decides the numbers: a string entry as it is (so configs with string
 * entries keep their run ids), an object entry as its resolved spec.
 */
export function numbersOfEntry(entry: MethodEntry, lr: number): unknown {
  return typeof entry === 'string' ? entry : methodSpec(entry, lr);
}
