// The one record of a finished run (what run.json keeps under `record`): enough to build the
// tidy table and every report, no weights. One shape, one module; run.ts produces it, the store
// writes and validates it, the table reads it.

import { z } from 'zod';
import type { EvalPoint } from '../data/eval-axes/index.js';

export type { EvalPoint } from '../data/eval-axes/index.js';

/** A metric's value (accuracy as a fraction, or MSE) with its per-class split when scored by class. */
export interface PointScore {
  value: number;
  /** Mean over the classes (or target bins) present: balanced accuracy or MSE. */
  balanced?: number;
  /** Per class or target bin (NaN for one absent from the test set). */
  perClass?: number[];
}

export interface MethodRecord {
  /** Clean test metric after each turn. */
  perTurn: number[];
  /** Clean test metric after the last turn (= perTurn's last). */
  clean: number;
  /** Mean training loss over each turn's steps. */
  trainLoss: number[];
  /** Clean, after the last turn, per class or target bin and their mean (when scored by group). */
  perClass?: number[];
  balanced?: number;
  /** The score at each of the record's evaluation points, in their order. */
  at: PointScore[];
  /**
   * Set when training broke down: the loss or a test metric became non-finite, or a weight grew
   * past MAX_WEIGHT (docs/METHOD.md). `turn` is the first turn (1-based) where it was seen; the
   * numbers after it are not evidence of anything.
   */
  diverged?: { turn: number; reason: string };
  /** Set when the trained model answers (almost) the same for every input after the last turn. */
  collapsed?: { reason: string };
  /** With a validation set: the validation metric after each turn trained. */
  val?: number[];
  /**
   * Under earlyStopping: the turn whose parameters were kept (1-based), how many turns and steps
   * were trained. perTurn from the last trained turn on, clean and every evaluation point are
   * the kept parameters' scores; trainLoss is NaN for the turns not trained.
   */
  earlyStop?: { bestTurn: number; turnsTrained: number; stepsTrained: number };
  /** The trained model's diagnostics (diagnostics.ts; absent in records made before them). */
  diagnostics?: ModelDiagnostics;
}

/** The validation set of a run: its size and the sha-256 of the three index lists (run.ts listHash). */
/** The attack settings of a run with attacked points (config `attack:`), and the subsample they were scored on. */
export interface AttackRecord {
  steps?: number;
  stepFactor?: number;
  restarts?: number;
  randomStart?: boolean;
  subsample?: number;
  /** Test samples every attacked point was scored on, and the sha-256 of their pool indices. */
  testSize: number;
  sha256: string;
}

export interface ValidationRecord {
  size: number;
  sha256: { train: string; validation: string; test: string };
}

/** Norms of one layer's weights, and for a hidden layer the share of its units never active on the training list. */
export interface LayerDiagnostics {
  frobenius: number;
  spectral: number;
  /** Dual-weight rules: the norms of W1 and W2 (W = W1 − W2). */
  frobeniusW1?: number;
  spectralW1?: number;
  frobeniusW2?: number;
  spectralW2?: number;
  /** Hidden layers only. */
  dead?: number;
}

/** Output margins on the test set (true-class output − the largest other): extremes, quantiles, mean, share below 0. */
export interface MarginSummary {
  min: number;
  q05: number;
  q25: number;
  median: number;
  q75: number;
  q95: number;
  max: number;
  mean: number;
  negative: number;
}

export interface ModelDiagnostics {
  layers: LayerDiagnostics[];
  /** Product of the layers' spectral norms: a bound on the L2 Lipschitz constant of the outputs. */
  lipschitz: number;
  /** Share of all hidden units never active on the training list (NaN without hidden layers). */
  dead: number;
  /** Classification only. */
  margin?: MarginSummary;
}

export interface RunRecord {
  dataset: string;
  datasetDescription: string;
  metric: 'accuracy' | 'mse';
  normalize: string;
  sizes: number[];
  poolSize: number;
  trainSize: number;
  distinctTrain: number;
  testSize: number;
  /** Classification (or regression under imbalance): training-list entries and test samples per class (bin). */
  trainClassCounts?: number[];
  testClassCounts?: number[];
  /** Training-list entries whose label was corrupted (labelNoise). */
  corruptedLabels?: number;
  /** With a validation set: held out of the samples outside the training list; testSize excludes it. */
  validation?: ValidationRecord;
  testSet: 'complement' | 'balanced';
  /**
   * With attacked evaluation points (eval-axes/attack.ts): the config's attack settings, and the
   * size and sha-256 of the seeded test subsample every attacked point is scored on.
   */
  attack?: AttackRecord;
  /**
   * With config `corrupted.subsample` and corrupted evaluation points (corruption × severity,
   * benchmark): the subsample's requested size, and the size and sha-256 of the test samples
   * (pool indices; a benchmark's image indices are drawn from its own list) they were scored on.
   */
  corrupted?: { subsample: number; testSize: number; sha256: string };
  /** The evaluation points every method was scored at after training (eval-axes/index.ts). */
  points: EvalPoint[];
  /**
   * Absent: the test set was scored after every turn. `last` (config testEvery: last): only
   * after the last turn, the earlier turns of perTurn are NaN (not measured). `never`: not at
   * all, every perTurn, clean and evaluation-point value is NaN (not measured); divergence was
   * judged on the training loss, the validation metric and the weights.
   */
  tested?: 'last' | 'never';
  methods: Record<string, MethodRecord>;
}

/** Any number, NaN and ±Infinity included (a diverged run's metrics are numbers too). */
const num = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });
const score = z.strictObject({ value: num, balanced: num.optional(), perClass: z.array(num).optional() });
const count = z.number().int().nonnegative();
const layerDiagnostics = z.strictObject({
  frobenius: num, spectral: num, frobeniusW1: num.optional(), spectralW1: num.optional(),
  frobeniusW2: num.optional(), spectralW2: num.optional(), dead: num.optional(),
});
const diagnostics = z.strictObject({
  layers: z.array(layerDiagnostics),
  lipschitz: num,
  dead: num,
  margin: z.strictObject({ min: num, q05: num, q25: num, median: num, q75: num, q95: num, max: num, mean: num, negative: num }).optional(),
});

/** What a stored record must look like (validated on every read; NaN and ±Infinity are numbers here). */
/** Whether turn `turn` (1-based) of a record's perTurn was measured (false: NaN meaning not scored, not a divergence). */
export function turnTested(r: Pick<RunRecord, 'tested'>, turn: number, turns: number): boolean {
  return r.tested === undefined || (r.tested === 'last' && turn === turns);
}

export const RunRecordSchema = z.strictObject({
  dataset: z.string().min(1),
  datasetDescription: z.string(),
  metric: z.enum(['accuracy', 'mse']),
  normalize: z.string(),
  sizes: z.array(z.number().int().positive()).min(2),
  poolSize: count,
  trainSize: count,
  distinctTrain: count,
  testSize: count,
  trainClassCounts: z.array(count).optional(),
  testClassCounts: z.array(count).optional(),
  corruptedLabels: count.optional(),
  validation: z.strictObject({
    size: count,
    sha256: z.strictObject({ train: z.string(), validation: z.string(), test: z.string() }),
  }).optional(),
  testSet: z.enum(['complement', 'balanced']),
  attack: z.strictObject({
    steps: count.optional(), stepFactor: num.optional(), restarts: count.optional(), randomStart: z.boolean().optional(),
    subsample: count.optional(), testSize: count, sha256: z.string(),
  }).optional(),
  corrupted: z.strictObject({ subsample: count, testSize: count, sha256: z.string() }).optional(),
  /** Each axis's value: a number, or a name for a categorical axis (corruption). */
  points: z.array(z.record(z.string(), z.union([num, z.string().max(100)]))).min(1),
  tested: z.enum(['last', 'never']).optional(),
  methods: z.record(z.string(), z.strictObject({
    perTurn: z.array(num).min(1),
    clean: num,
    trainLoss: z.array(num),
    perClass: z.array(num).optional(),
    balanced: num.optional(),
    at: z.array(score),
    diverged: z.strictObject({ turn: z.number().int().positive(), reason: z.string() }).optional(),
    collapsed: z.strictObject({ reason: z.string() }).optional(),
    val: z.array(num).optional(),
    earlyStop: z.strictObject({ bestTurn: z.number().int().positive(), turnsTrained: z.number().int().positive(), stepsTrained: count }).optional(),
    diagnostics: diagnostics.optional(),
  })),
}).superRefine((r, ctx) => {
  for (const [m, x] of Object.entries(r.methods)) {
    if (x.at.length !== r.points.length) ctx.addIssue({ code: 'custom', path: ['methods', m, 'at'], message: `${x.at.length} scores for ${r.points.length} evaluation points` });
    if (x.trainLoss.length !== x.perTurn.length) ctx.addIssue({ code: 'custom', path: ['methods', m, 'trainLoss'], message: 'not one per turn' });
  }
});

/**
 * One line saying what is wrong with a record, naming the key: "record.methods.dwm.clean is
 * \"high\", expected a number", "record.metric missing"; null when it is whole.
 */
export function recordProblem(value: unknown): string | null {
  const parsed = RunRecordSchema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const key = ['record', ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('');
  let v: unknown = value;
  for (const p of issue.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
  if (issue.code === 'custom' && issue.message === 'expected a number') {
    if (v === undefined) return `${key} missing`;
    const shown = JSON.stringify(v) ?? String(v);
    return `${key} is ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}, expected a number`;
  }
  if (issue.code === 'invalid_type') {
    if (v === undefined) return `${key} missing`;
    const shown = JSON.stringify(v) ?? String(v);
    return `${key} is ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}, expected ${issue.expected === 'number' ? 'a number' : issue.expected === 'array' ? 'a list' : `a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected}`}`;
  }
  if (issue.code === 'invalid_value') return `${key} is ${JSON.stringify(v)}, expected ${issue.values.map((x) => `'${String(x)}'`).join(' or ')}`;
  return `${key}: ${issue.message}`;
}
