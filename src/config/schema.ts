// The experiment config (one run of docs/METHOD.md §7), validated with zod. Every number the paper
// has is a key here; the paper's values are the defaults where a default makes sense.

import { z } from 'zod';
import { DEFAULT_ENGINE, ENGINE_NAMES } from '../core/model-factory.js';
import { PAPER_METHODS, resolveParams, RULE_NAMES, ruleFor } from '../core/rules/index.js';
import { authorsPoolProblem } from '../data/authors-split.js';
import { DATASET_NAMES, DATASET_SPECS } from '../data/index.js';
import { EVAL_AXES, evalAxis, evaluateProducts, type AxisValue } from '../data/eval-axes/index.js';
import { benchmarkProblem } from '../data/benchmark-sets.js';
import { closest } from './suggest.js';
import { LIMITS } from './limits.js';

/** The registered datasets (src/data/index.ts): the paper's five, then `csv`. */
export { DATASET_NAMES };
/** What a name (and so a results folder) may look like: never '.', '..' or a path. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Keys that only `name: csv` takes (and the ones it requires). */
const CSV_ONLY = ['target', 'features', 'task', 'delimiter'] as const;
const CSV_REQUIRED = ['path', 'target', 'task'] as const;
export { PAPER_METHODS };

const methodId = z.string().superRefine((id, ctx) => {
  const rule = ruleFor(id);
  if ('error' in rule) ctx.addIssue({ code: 'custom', message: rule.error });
  else if (/^(l2|weight-decay)-/.test(id) && Number(id.replace(/^(l2|weight-decay)-/, '')) > LIMITS.lambda) {
    ctx.addIssue({ code: 'custom', message: `λ of ${id} is above ${LIMITS.lambda}` });
  }
});

/** Training options of an object-form method (core/train-options.ts); each defaults to 0 (none). */
export const TrainOptionsSchema = z.strictObject({
  dropout: z.number().min(0).lt(1).optional(),
  maxNorm: z.number().nonnegative().max(1e6).optional(),
  inputNoise: z.number().nonnegative().max(LIMITS.sigma).optional(),
  labelSmoothing: z.number().min(0).lt(1).optional(),
});

/**
 * An object-form method: its id in results (`name`), a registry rule, its own lr (default: the
 * config's), the rule's hyperparameters (each rule declares names, defaults and bounds) and its
 * training options.
 */
export const MethodObjectSchema = z.strictObject({
  name: z.string().max(100).regex(NAME_PATTERN, 'letters, digits, ".", "_" or "-"'),
  rule: z.string().refine((r) => RULE_NAMES.includes(r), { message: `not a rule (the rules are ${RULE_NAMES.join(', ')})` }),
  lr: z.number().positive().max(LIMITS.lr).optional(),
  params: z.record(z.string(), z.number()).optional(),
  train: TrainOptionsSchema.optional(),
}).superRefine((m, ctx) => {
  if (!('error' in ruleFor(m.name))) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `'${m.name}' is the id of a method of its own, which reports read as that method; choose another name` });
  }
  if (!RULE_NAMES.includes(m.rule)) return;
  for (const e of resolveParams(m.rule, m.params ?? {}).errors) ctx.addIssue({ code: 'custom', path: e.key ? ['params', e.key] : ['rule'], message: e.message });
  if ((m.rule === 'l2' || m.rule === 'weight-decay') && (m.params?.lambda ?? 0) > LIMITS.lambda) {
    ctx.addIssue({ code: 'custom', path: ['params', 'lambda'], message: `${m.params!.lambda} is above ${LIMITS.lambda}` });
  }
});

/** The dataset options marked with afterLoad. */
const afterLoading = new WeakSet<z.ZodType>();

/**
 * Marks a dataset option the loaders do not read: it acts on the pool once loaded (its
 * preparation) or decides only whether a download may happen first. Every option not marked
 * decides which pool is loaded (DATASET_LOAD_KEYS, config/identity.ts datasetKey), so a new
 * option is part of the key unless it is marked here.
 */
function afterLoad<T extends z.ZodType>(option: T): T {
  afterLoading.add(option);
  return option;
}

export const DatasetSchema = z.strictObject({
  name: z.enum(DATASET_NAMES),
  /** A folder holding the dataset's files (or the file itself when it is one file). */
  path: z.string().min(1).optional(),
  /**
   * Which part of the files forms the pool (dataset-specific): mnist and fashion-mnist
   * paper | train | test; cifar-10 paper (data_batch_1) | train | test or a list of batch names;
   * mnist-c a corruption (fog, fog/train); cifar-10-c <corruption>/<severity> (fog/3).
   */
  pool: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(LIMITS.listItems)]).optional(),
  /** wine-quality: white (the paper's) or red. */
  variant: z.enum(['white', 'red']).optional(),
  /** Tabular z-scoring: `paper` = statistics of the whole table (as the authors did), `train` = training list only. */
  normalize: afterLoad(z.enum(['paper', 'train']).default('train')),
  /** Regression target = z-scored label × targetScale (docs/METHOD.md §6: 0.1). */
  targetScale: afterLoad(z.number().positive().max(LIMITS.targetScale).default(0.1)),
  /** Allow a checked download into datasets/<name>/ when the data are not found (as `dwgd datasets fetch`). */
  download: afterLoad(z.boolean().default(false)),
  /** name: csv only: the target column's header name. */
  target: z.string().min(1).optional(),
  /** name: csv only: the feature columns in this order (default: every column but the target, in file order). */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** name: csv only: regression (numeric target) or classification (distinct values → classes 0 … K−1, sorted). */
  task: z.enum(['regression', 'classification']).optional(),
  /** name: csv only: the field separator, one character (default ','). */
  delimiter: z.string().length(1).optional(),
}).superRefine((d, ctx) => {
  const csv = d.name === 'csv';
  for (const key of CSV_ONLY) {
    if (!csv && d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only for name: csv (this dataset is ${d.name})` });
  }
  if (!csv) return;
  for (const key of CSV_REQUIRED) if (d[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `name: csv needs ${key}` });
  for (const key of ['pool', 'variant'] as const) if (d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'not for name: csv' });
});

/** The dataset options that decide which pool a loader returns: all but those marked afterLoad, in the schema's order. */
export const DATASET_LOAD_KEYS: readonly string[] = Object.entries(DatasetSchema.shape).filter(([, option]) => !afterLoading.has(option)).map(([key]) => key);

export const NoiseSchema = z.strictObject({
  /** σ of the Gaussian noise added to each test input at the noisy evaluation (the paper's 0.3). */
  sigma: z.number().nonnegative().max(LIMITS.sigma).default(0.3),
});

/**
 * Evaluation axes (src/data/eval-axes/): axis key → the values to score every trained model at,
 * after training. Points are the product of the axes; an axis not listed stays at its identity
 * (no noise, nothing zeroed, no corruption). Without `evaluate` the one point is the paper's
 * noisy test at noise.sigma. Numeric axes take numbers; the categorical axis `corruption` takes
 * names, or `all` (every five-level corruption for the dataset's kind), and needs `severity`.
 * Evaluation only: the trained models, and so the run id, do not depend on it.
 */
const EvaluateProductSchema = z.record(z.string(), z.preprocess(
  // `all` alone stands for a list (kept as ['all'] until the dataset is known, then expanded).
  (v) => (v === 'all' ? ['all'] : v),
  z.array(z.union([z.number(), z.string()])).min(1).max(LIMITS.listItems),
)).superRefine((e, ctx) => {
  for (const [key, values] of Object.entries(e)) {
    const axis = evalAxis(key);
    if (!axis) {
      const guess = closest(key, EVAL_AXES.map((a) => a.key));
      ctx.addIssue({ code: 'custom', path: [key], message: `not an evaluation axis (${guess ? `did you mean ${guess}? ` : ''}they are ${EVAL_AXES.map((a) => a.key).join(', ')})` });
      continue;
    }
    if (isAll(values)) {
      if (axis.kind !== 'categorical') ctx.addIssue({ code: 'custom', path: [key], message: 'all is for named axes (corruption); give a list of numbers' });
      continue;
    }
    if (axis.kind === 'categorical') {
      const known = axis.known?.() ?? [];
      for (const v of values) {
        if (typeof v !== 'string') {
          ctx.addIssue({ code: 'custom', path: [key], message: `${String(v)} is not a name (${key} takes names, or all)` });
        } else if (!known.includes(v)) {
          const guess = closest(v, known);
          ctx.addIssue({ code: 'custom', path: [key], message: `unknown ${key} '${v}'${guess ? ` (did you mean ${guess}?)` : ''}; known: ${known.join(', ')}` });
        }
      }
    } else {
      // One issue per bad value, at its place in the list (evaluate.noise.sigma.1: …).
      const bad = values.findIndex((v) => typeof v !== 'number' || v < 0);
      if (bad >= 0) {
        const v = values[bad];
        ctx.addIssue({ code: 'custom', path: [key, bad], message: typeof v === 'number' ? `expected a number ≥ 0, got ${v}` : `expected a number, got ${JSON.stringify(v)}` });
        continue;
      }
      const nums = values as number[];
      if (nums.some((v) => v > axis.max)) ctx.addIssue({ code: 'custom', path: [key], message: `values above ${axis.max}` });
      if (axis.integer && nums.some((v) => !Number.isInteger(v))) ctx.addIssue({ code: 'custom', path: [key], message: 'values must be whole numbers' });
    }
    if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: [key], message: 'values must not repeat' });
  }
});

/**
 * `evaluate`: one product of axes, or a list of products whose points are the union of theirs
 * (evalPoints), e.g. the paper's noisy test beside the corruption suite:
 *   evaluate: [{ noise.sigma: [0.3] }, { corruption: all, severity: [1, 2, 3, 4, 5] }]
 */
export const EvaluateSchema = z.union([EvaluateProductSchema, z.array(EvaluateProductSchema).min(1).max(LIMITS.evaluateProducts)]);

type EvaluateProduct = Record<string, AxisValue[]>;
type Evaluate = EvaluateProduct | EvaluateProduct[];

function isAll(values: readonly AxisValue[]): boolean {
  return values.length === 1 && values[0] === 'all';
}

/** The kind of a registered dataset's inputs (csv: tabular), or undefined for an unknown name. */
function datasetKind(name: string): 'image' | 'tabular' | undefined {
  if (name === 'csv') return 'tabular';
  return DATASET_SPECS.find((s) => s.name === name)?.kind;
}

/** A product of `evaluate` with `all` replaced by the dataset kind's list (the config as every reader sees it). */
function expandProduct(e: EvaluateProduct, kind: 'image' | 'tabular' | undefined, dataset?: string): EvaluateProduct {
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, isAll(v) ? [...(evalAxis(k)?.all?.(kind ?? 'image', dataset) ?? [])] : v]));
}

/** `evaluate` with every product's `all` expanded; a mapping stays a mapping (and so keeps its bytes in the config). */
function expandEvaluate(e: Evaluate, kind: 'image' | 'tabular' | undefined, dataset?: string): Evaluate {
  return Array.isArray(e) ? e.map((p) => expandProduct(p, kind, dataset)) : expandProduct(e, kind, dataset);
}

/** Checks of `evaluate` (each product, at its place in a list) that need the dataset or several axes at once. */
function checkEvaluate(e: Evaluate, dataset: { name: string; pool?: string | string[] }, ctx: z.RefinementCtx): void {
  if (!Array.isArray(e)) {
    checkProduct(e, ['evaluate'], dataset, ctx);
    return;
  }
  e.forEach((p, i) => checkProduct(p, ['evaluate', i], dataset, ctx));
}

function checkProduct(e: EvaluateProduct, at: (string | number)[], dataset: { name: string; pool?: string | string[] }, ctx: z.RefinementCtx): void {
  const datasetName = dataset.name;
  const kind = datasetKind(datasetName);
  const expanded = expandProduct(e, kind, datasetName);
  if (expanded.benchmark) {
    const problem = benchmarkProblem(datasetName, dataset.pool, expanded.benchmark, expanded.severity ?? []);
    if (problem) ctx.addIssue({ code: 'custom', path: [...at, 'benchmark'], message: problem });
  }
  for (const axis of EVAL_AXES) {
    const values = expanded[axis.key];
    if (axis.kind === 'categorical' && values && kind && axis.choices) {
      const allowed = axis.choices(kind);
      const wrong = values.filter((v) => typeof v === 'string' && !allowed.includes(v) && (axis.known?.() ?? []).includes(v));
      if (wrong.length) {
        ctx.addIssue({ code: 'custom', path: [...at, axis.key], message: `${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not for ${kind === 'image' ? 'images' : 'tables'}; ${datasetName} takes ${allowed.join(', ')}` });
      }
    }
    const problem = axis.check?.(expanded, kind);
    if (problem) {
      const [path, ...rest] = problem.split(': ');
      ctx.addIssue({ code: 'custom', path: [...at, path], message: rest.join(': ') });
    }
  }
}

export const ExperimentSchema = z.strictObject({
  /** Names the results folder; defaults to the config file's name. */
  name: z.string().max(100).regex(NAME_PATTERN, 'letters, digits, ".", "_" or "-"').optional(),
  description: z.string().max(10_000).optional(),
  dataset: DatasetSchema,
  /** Hidden layer widths: [20] is the paper's 2-layer net, [64, 32] its 3-layer net. */
  hidden: z.array(z.number().int().positive().max(LIMITS.hiddenWidth)).max(LIMITS.hiddenLayers).default([20]),
  /** n: training list size, drawn with replacement. */
  trainSize: z.number().int().positive().max(LIMITS.trainSize),
  turns: z.number().int().positive().max(LIMITS.turns).default(6),
  stepsPerTurn: z.number().int().positive().max(LIMITS.stepsPerTurn).default(10000),
  lr: z.number().positive().max(LIMITS.lr).default(0.001),
  /** Method ids (`dwm`, `l2-0.01`, `adam`) or objects (MethodObjectSchema); config/methods.ts resolves them. */
  methods: z.array(z.union([methodId, MethodObjectSchema])).min(1).max(LIMITS.methods).default([...PAPER_METHODS])
    .superRefine((ms, ctx) => {
      const ids = ms.map((m) => (typeof m === 'string' ? m : m.name));
      ids.forEach((id, i) => {
        if (ids.indexOf(id) < i) ctx.addIssue({ code: 'custom', path: [i], message: `methods must not repeat ('${id}' is also methods[${ids.indexOf(id)}])` });
      });
    }),
  noise: NoiseSchema.default({ sigma: 0.3 }),
  evaluate: EvaluateSchema.optional(),
  /**
   * Settings of the adversarial attacks of the evaluation axes `attack` × `eps`
   * (data/eval-axes/attack.ts; defaults in docs/METHOD.md): PGD/APGD iterations, PGD's step size
   * as a multiple of ε/steps, restarts, random start, and the size of the seeded test subsample
   * attacked points are scored on (default: the whole test set). Evaluation only: not in the run id.
   */
  attack: z.strictObject({
    steps: z.number().int().positive().max(10_000).optional(),
    stepFactor: z.number().positive().max(100).optional(),
    restarts: z.number().int().positive().max(100).optional(),
    randomStart: z.boolean().optional(),
    subsample: z.number().int().positive().max(LIMITS.trainSize).optional(),
  }).optional(),
  /**
   * Corrupted points (evaluate.corruption × severity, and the published benchmark sets'
   * evaluate.benchmark) are scored on a seeded subsample of this many test samples (run.json's
   * record.corrupted states its size and hash); the clean and noisy tests, and every other
   * point, keep the whole test set. Default: the whole test set. Evaluation only: not in the run id.
   */
  corrupted: z.strictObject({
    subsample: z.number().int().positive().max(LIMITS.trainSize),
  }).optional(),
  /**
   * Equivalence margins of the reports' TOST (docs/METHOD.md §10): two methods are called
   * equivalent when the CI of their difference lies within ± the margin. Accuracy in points
   * (default 1), MSE in percent of the baseline's mean (default 5). Report-only: not part of the
   * run id.
   */
  equivalence: z.strictObject({
    accuracyPoints: z.number().positive().max(100).optional(),
    msePercent: z.number().positive().max(1000).optional(),
  }).optional(),
  seed: z.number().int().min(-LIMITS.seed).max(LIMITS.seed).default(5),
  /** Also write initial and final parameters and the training order (see README, "Saved weights"). */
  saveWeights: z.boolean().default(false),
  /**
   * Label noise in the training list: each entry is corrupted with probability
   * `fraction`; a class label becomes a uniformly chosen other class, a regression target gets
   * N(0, sigma²) added (target units).
   */
  labelNoise: z.strictObject({
    fraction: z.number().min(0).max(1),
    sigma: z.number().nonnegative().max(LIMITS.sigma).optional(),
  }).optional(),
  /**
   * Class imbalance of the training list (on a regression set the classes are equal-count
   * bins of the target, see `bins`): draws follow class weights
   * `step` (the `minority` classes, by default the upper half, weigh `ratio`, the rest 1) or
   * `longtail` (class c weighs ratio^(c/(K−1))). The test set is the complement `as-is`, or
   * subsampled to equal class counts (`balanced`).
   */
  imbalance: z.strictObject({
    profile: z.enum(['step', 'longtail']),
    ratio: z.number().gt(0).max(1),
    minority: z.array(z.number().int().nonnegative().max(LIMITS.listItems)).min(1).max(LIMITS.listItems).optional(),
    test: z.enum(['as-is', 'balanced']).default('as-is'),
    /** Regression sets: the target is cut into this many equal-count bins, which play the classes (default 10). */
    bins: z.number().int().min(2).max(1000).optional(),
  }).optional(),
  /**
   * The training list: unset = drawn with the seed (docs/METHOD.md §7); `authors` = the list the
   * authors' code draws for this dataset and n (numpy seeded with 5, data/authors-split.ts), the
   * same for every seed (the seed still drives initialisation and sample order). Optional, so
   * that configs without it keep their run ids.
   */
  split: z.enum(['authors']).optional(),
  /**
   * Numeric engine (src/core/model-factory.ts): `fast` (WebAssembly SIMD, float64, within 1e-5
   * relative of `reference` per weight), `reference` (plain TypeScript), `fast32` (float32 layer 0).
   */
  engine: z.enum(ENGINE_NAMES).default(DEFAULT_ENGINE),
  /**
   * A validation set held out of the pool (docs/METHOD.md, "Validation"): `size` samples drawn,
   * from their own random stream, among the pool samples outside the training list; the test set
   * is what is left (it shrinks by `size`). The training list is the one drawn without it.
   * Default size: a tenth of the pool, at most 5,000. Absent = the paper's protocol (no
   * validation; run ids unchanged).
   */
  validation: z.strictObject({
    size: z.number().int().positive().max(LIMITS.trainSize).optional(),
  }).optional(),
  /**
   * Early stopping on the validation set, for every method: after each turn the validation
   * metric is taken; the parameters of the best turn are kept, training stops when `patience`
   * turns pass without improvement, and the test metrics are those of the kept parameters.
   * Needs `validation`.
   */
  earlyStopping: z.strictObject({
    patience: z.number().int().positive().max(LIMITS.turns),
  }).optional(),
  /**
   * When the test set is scored (docs/METHOD.md, "Test passes"): `turn` after every turn (the
   * default and the paper's protocol), `last` only after the last turn (the evaluation points as
   * usual), `never` not at all (no per-turn curve, no clean or evaluation-point scores: a run that
   * is judged on its validation set only, as the tuning stage of `dwgd tune`). The turns not
   * scored hold NaN and the record says `tested: last | never`. Absent or `turn`: run ids unchanged.
   */
  testEvery: z.enum(['turn', 'last', 'never']).optional(),
}).superRefine((c, ctx) => {
  if (c.testEvery === 'never' && !c.validation) ctx.addIssue({ code: 'custom', path: ['testEvery'], message: 'never: a run that scores no test set needs a validation set (add validation: {})' });
  if (c.earlyStopping && !c.validation) ctx.addIssue({ code: 'custom', path: ['earlyStopping'], message: 'needs a validation set: add validation: {} (or validation: { size: N })' });
  if (c.evaluate) checkEvaluate(c.evaluate, c.dataset, ctx);
  const products = evaluateProducts(c.evaluate);
  if (c.corrupted && !products.some((p) => p.corruption || p.benchmark)) ctx.addIssue({ code: 'custom', path: ['corrupted'], message: 'a subsample for corrupted points, but evaluate lists no corruption or benchmark (add evaluate: { corruption: [...], severity: [...] })' });
  if (c.attack && !products.some((p) => p.attack)) ctx.addIssue({ code: 'custom', path: ['attack'], message: 'settings of attacks, but evaluate lists no attack (add evaluate: { attack: [...], eps: [...] })' });
  if (c.split !== 'authors') return;
  const problem = authorsPoolProblem(c.dataset);
  if (problem) ctx.addIssue({ code: 'custom', path: ['split'], message: `authors: ${problem}` });
  else if (c.imbalance) ctx.addIssue({ code: 'custom', path: ['split'], message: 'authors: the authors\' lists are fixed, imbalance draws its own; use one of the two' });
}).transform((c) => {
  // `corruption: all` becomes the dataset's list, so every reader of a config sees names.
  if (!c.evaluate || !evaluateProducts(c.evaluate).some((p) => Object.values(p).some(isAll))) return c;
  return { ...c, evaluate: expandEvaluate(c.evaluate, datasetKind(c.dataset.name), c.dataset.name) };
});

export type ExperimentConfig = z.output<typeof ExperimentSchema>;

/** "2-layer" for one hidden layer, "3-layer" for two, … (the paper's names). */
export function archName(hidden: readonly number[]): string {
  return `${hidden.length + 1}-layer`;
}
