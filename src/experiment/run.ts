// One experiment of docs/METHOD.md §7: draw the training list, build one initial network, train
// every method side by side from it on the same sample order, evaluate after every turn,
// then evaluate the trained models at every evaluation point (eval-axes/: corruptions, test noise σ, …). It reports through callbacks and writes nothing.

import { createModel } from '../core/model-factory.js';
import type { Trainable } from '../core/model.js';
import { Network } from '../core/network.js';
import { createHash } from 'node:crypto';
import { Rng } from '../core/rng.js';
import type { LayerParams } from '../core/rules/index.js';
import { methodSpecs, ruleOfSpec } from '../config/methods.js';
import type { ExperimentConfig } from '../config/schema.js';
import { authorsTrainList } from '../data/authors-split.js';
import {
  balanceTestSet, classWeights, corruptTargets, defaultValidationSize, drawImbalancedSplit, drawSplit, holdOutValidation, normalize,
  splitFromList, type Split,
} from '../data/prepare.js';
import type { Dataset, RawDataset } from '../data/types.js';
import { UserError } from '../errors.js';
import { evaluate, evaluateAt, forgetLayouts, splitByClass, type Metric } from './evaluate.js';
import type { CorruptedImages } from '../data/corrupted-images.js';
import { evalPoints, isActive, isIdentity, registeredAxis, type EvalPoint } from '../data/eval-axes/index.js';
import { collapse, divergence } from './health.js';
import { diagnose } from './diagnostics.js';
import type { MethodRecord, RunRecord } from './record.js';

// The two axes the protocol treats apart, taken from the registry rather than imported, so that
// a run's code fingerprint counts their code (the attacks, the benchmark sets' names) only when
// the run uses them (experiment/provenance.ts).
const attackAxis = registeredAxis('attack');
const benchmarkAxis = registeredAxis('benchmark');
const corruptionAxis = registeredAxis('corruption');

export interface RunEvents {
  /** Before training a method. */
  onMethodStart?(method: string, index: number, total: number): void;
  /**
   * Every `progressEvery` steps and at the end of each turn's training (before its evaluation);
   * within a turn announced by onSteps, only at its end.
   */
  onProgress?(method: string, turn: number, stepsDone: number, stepsTotal: number): void;
  /**
   * A listener on another thread sets this: the turn about to start runs in one call, and
   * `cell` (Trainable.progressCell) holds the run's index of the next step while it runs, for
   * that thread to read with Atomics.load; onProgress comes only at the turn's end. Without it
   * (or for a model without a progress cell), a turn that reports progress is cut into calls of
   * progressEvery steps.
   */
  onSteps?(method: string, turn: number, stepsTotal: number, cell: { buffer: SharedArrayBuffer; byteOffset: number }): void;
  /** After each turn's clean evaluation (NaN: a turn whose test set testEvery does not score). */
  onTurn?(method: string, turn: number, value: number): void;
  /** Before the evaluation of all methods at the evaluation points other than the clean one. */
  onNoisyStart?(points: number): void;
}

/** A method's numbers (the record's) and, when asked for, its initial and final parameters. */
export interface MethodResult extends MethodRecord {
  initial?: LayerParams[];
  final?: LayerParams[];
}

export interface RunResult extends Omit<RunRecord, 'methods'> {
  origin: RawDataset['origin'];
  split: Split;
  /** Pool index of every training step in order (the same for every method). */
  order: Int32Array;
  methods: Record<string, MethodResult>;
}

export interface RunOptions {
  events?: RunEvents;
  progressEvery?: number;
  /** Keep initial and final parameters (for --save-weights). */
  keepParams?: boolean;
  /** Replaces each model as it is made (tests: a wrapper that evaluates every test pass two ways). */
  wrapModel?: (model: Trainable) => Trainable;
  /**
   * Reads one corruption at one severity of the published benchmark set for models trained on
   * `dataset` (evaluate.benchmark): pool.ts passes data/benchmark-sets.ts's loadBenchmark of
   * benchmarkFor(dataset). Handed in rather than imported, so that the loaders of every image
   * set are not part of every run's code fingerprint.
   */
  loadBenchmark?: (dataset: string, corruption: string, severity: number) => CorruptedImages;
}

export function runExperiment(config: ExperimentConfig, raw: RawDataset, opts: RunOptions = {}): RunResult {
  const events = opts.events ?? {};
  const progressEvery = opts.progressEvery ?? 2000;
  if (config.trainSize > raw.size) {
    throw new UserError(`trainSize: ${config.trainSize} is larger than the ${raw.size} samples of ${raw.name}'s pool`);
  }

  // The last run's laid-out lists are not asked for again: this run's go where they were.
  forgetLayouts();
  const { split, groupOf, nGroups } = drawRunSplit(config, raw);
  if (split.test.length === 0) throw new UserError(`trainSize: ${config.trainSize} draws left no test samples in ${raw.name}'s pool`);
  const data = normalize(raw, config.dataset.normalize, split.train, config.dataset.targetScale);
  const metric: Metric = data.task === 'classification' ? 'accuracy' : 'mse';
  const readBenchmark = (p: EvalPoint) => {
    if (!opts.loadBenchmark) throw new Error('runExperiment: evaluate.benchmark needs opts.loadBenchmark');
    return opts.loadBenchmark(data.name, String(p.benchmark), Number(p.severity));
  };
  // A benchmark set (evaluate.benchmark) is read before training, so that a missing one fails
  // at once, naming its fetch command; the images of the first benchmark point are kept for it.
  const points = evalPoints(config);
  const firstPoint = points.find((p) => isActive(benchmarkAxis, p));
  const firstBenchmark = firstPoint
    ? { point: firstPoint, images: readBenchmark(firstPoint) }
    : null;

  const sizes = [data.nInputs, ...config.hidden, data.nOutputs];
  const initial = new Network(sizes, data.task === 'classification' ? 'softmax-ce' : 'mse');
  initial.initHeNormal(new Rng(config.seed, 'init'));

  // The training targets, one per entry of the training list, so label noise can corrupt
  // repeated samples independently.
  const targets = Float32Array.from(split.train, (i) => data.y[i]);
  const corruptedLabels = config.labelNoise
    ? corruptTargets(targets, data.task, data.nOutputs, config.labelNoise.fraction, config.labelNoise.sigma ?? 0, new Rng(config.seed, 'labels'))
    : undefined;
  const testByClass = groupOf ? splitByClass(split.test, groupOf, nGroups) : undefined;

  // One sample order for all methods: step s trains on entry entries[s] of the training list,
  // which is pool index order[s].
  const totalSteps = config.turns * config.stepsPerTurn;
  const entries = new Int32Array(totalSteps);
  const order = new Int32Array(totalSteps);
  const orderRng = new Rng(config.seed, 'order');
  for (let s = 0; s < totalSteps; s++) {
    entries[s] = orderRng.int(split.train.length);
    order[s] = split.train[entries[s]];
  }

  const models: Trainable[] = [];
  const results: Record<string, MethodResult> = {};
  const validation = split.validation;
  // testEvery (docs/METHOD.md, "Test passes"): which turns score the test set; the others hold NaN.
  const testEvery = config.testEvery ?? 'turn';
  const patience = config.earlyStopping?.patience;
  const specs = methodSpecs(config);
  specs.forEach((spec, mi) => {
    const id = spec.id;
    let rule: ReturnType<typeof ruleOfSpec>;
    try {
      rule = ruleOfSpec(spec);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const makeModel = () => {
      const made = createModel(spec.id, initial, rule, config.engine, spec.train, config.seed);
      return opts.wrapModel ? opts.wrapModel(made) : made;
    };
    let model = makeModel();
    const result: MethodResult = { perTurn: [], clean: NaN, trainLoss: [], at: [] };
    if (validation) result.val = [];
    if (opts.keepParams) result.initial = model.params();
    events.onMethodStart?.(id, mi, specs.length);
    const { x } = data;
    /** The steps of turns [from, to) on `m`; returns each turn's mean loss. */
    const train = (m: Trainable, from: number, to: number, report: boolean): number[] => {
      const losses: number[] = [];
      for (let turn = from; turn < to; turn++) {
        let lossSum = 0;
        const start = turn * config.stepsPerTurn;
        const spt = config.stepsPerTurn;
        const cell = m.trainSteps && report && events.onSteps ? m.progressCell?.() : null;
        if (m.trainSteps && cell) {
          // One call for the turn; the listener follows it in the progress cell.
          events.onSteps!(id, turn + 1, totalSteps, cell);
          lossSum = m.trainSteps(x, split.train, entries, targets, spec.lr, start, start + spt, lossSum);
        } else if (m.trainSteps) {
          // The engine runs the steps itself: one call per turn, or one per progressEvery steps
          // when progress is reported (the same reports at the same steps as the loop below).
          const every = report && events.onProgress ? progressEvery : spt;
          for (let k = 0; k < spt;) {
            const next = Math.min(spt, k + every);
            lossSum = m.trainSteps(x, split.train, entries, targets, spec.lr, start + k, start + next, lossSum);
            k = next;
            if (report && k % progressEvery === 0 && k < spt) events.onProgress?.(id, turn + 1, start + k, totalSteps);
          }
        } else {
          for (let k = 0; k < spt; k++) {
            const e = entries[start + k];
            lossSum += m.step(x, split.train[e], targets[e], spec.lr);
            if (report && (k + 1) % progressEvery === 0 && k + 1 < spt) events.onProgress?.(id, turn + 1, start + k + 1, totalSteps);
          }
        }
        losses.push(lossSum / config.stepsPerTurn);
      }
      return losses;
    };
    let best = -1;
    for (let turn = 0; turn < config.turns; turn++) {
      const start = turn * config.stepsPerTurn;
      const [lossMean] = train(model, turn, turn + 1, true);
      result.trainLoss.push(lossMean);
      events.onProgress?.(id, turn + 1, start + config.stepsPerTurn, totalSteps);
      const scored = testEvery === 'turn' || (testEvery === 'last' && turn === config.turns - 1);
      const scores = scored ? evaluate(model, data, split.test, metric, testByClass) : { value: NaN };
      result.perTurn.push(scores.value);
      if (scores.perClass) {
        result.perClass = scores.perClass;
        result.balanced = scores.balanced!;
      }
      const v = validation ? evaluate(model, data, validation, metric).value : NaN;
      if (!result.diverged) {
        // A turn whose test set is not scored is judged on its validation metric instead (or on
        // the loss and weights alone when there is none).
        const why = divergence(result.trainLoss[turn], scored ? scores.value : validation ? v : 0, model.params());
        if (why) result.diverged = { turn: turn + 1, reason: scored || !validation ? why : why.replace(/^test metric/, 'validation metric') };
      }
      if (validation) {
        result.val!.push(v);
        if (best < 0 || improves(v, result.val![best], metric)) best = turn;
      }
      events.onTurn?.(id, turn + 1, scores.value);
      if (patience !== undefined && turn - best >= patience) break;
    }
    if (patience !== undefined) {
      // Early stopping: the kept parameters are the best validation turn's. A fresh model
      // replays that turn's steps (the same order and targets, so the same parameters on every
      // engine, the fast one's internal scales included); its test scores replace the last trained
      // turn's, and the turns not trained repeat them.
      const trained = result.perTurn.length;
      if (best + 1 < trained) {
        model = makeModel();
        train(model, 0, best + 1, false);
      }
      // The kept parameters' test scores: under testEvery: last also when the loop scored no turn
      // (training stopped before the last).
      const rescore = testEvery === 'turn' ? best + 1 < trained : testEvery === 'last' && (best + 1 < trained || trained < config.turns);
      if (rescore) {
        const scores = evaluate(model, data, split.test, metric, testByClass);
        result.perTurn[trained - 1] = scores.value;
        if (scores.perClass) {
          result.perClass = scores.perClass;
          result.balanced = scores.balanced!;
        }
      }
      for (let t = trained; t < config.turns; t++) {
        result.perTurn.push(result.perTurn[trained - 1]);
        result.trainLoss.push(NaN);
      }
      result.earlyStop = { bestTurn: best + 1, turnsTrained: trained, stepsTrained: trained * config.stepsPerTurn };
    }
    models.push(model);
    result.clean = result.perTurn[result.perTurn.length - 1];
    const final = model.params();
    if (!result.diverged) {
      const why = collapse(final, sizes, data, split.test);
      if (why) result.collapsed = { reason: why };
    }
    if (opts.keepParams) result.final = final;
    results[id] = result;
  });

  // Every evaluation point: the clean one takes the last turn's clean scores; each other point
  // is one pass over the test set with each axis's stream from its start, all methods on the
  // same transformed inputs (so a point's value equals that of a run evaluated there alone).
  // testEvery: never scores no point (each holds NaN, not measured).
  const others = points.filter((p) => !isIdentity(p));
  if (others.length && testEvery !== 'never') events.onNoisyStart?.(others.length);
  // Attacked points are scored on one seeded subsample of the test list (config attack.subsample).
  const attacked = points.some((p) => isActive(attackAxis, p));
  const attackTest = attacked ? attackAxis.testSubset!(split.test, config.attack?.subsample, config.seed) : split.test;
  // Corrupted points (corruption × severity; a benchmark's from its own images) are scored on one
  // seeded subsample of the test list (config corrupted.subsample), the same for every run with
  // this seed and test list; an attacked point keeps the attack's subsample.
  const corruptedAt = (p: EvalPoint) => isActive(corruptionAxis, p) || isActive(benchmarkAxis, p);
  // The list the corrupted points were scored on, for the record (a benchmark's: drawn from its images).
  let corruptedList = null as Int32Array | null;
  const testListAt = (point: EvalPoint, all: Int32Array, attackList?: Int32Array): Int32Array => {
    if (isActive(attackAxis, point)) return attackList ?? attackAxis.testSubset!(all, config.attack?.subsample, config.seed);
    if (!corruptedAt(point)) return all;
    corruptedList = corruptionAxis.testSubset!(all, config.corrupted?.subsample, config.seed);
    return corruptedList;
  };
  // A corrupted point (generated or a benchmark's) records its value only, not per-class and
  // balanced accuracies: the suite has 75 such points, and their per-class figures for every
  // method made a run record of the fair comparison's 22 methods about 1 MB.
  // Benchmark points (evaluate.benchmark) are scored on the published set's images of that
  // corruption and severity, all of them (the schema refused a pool that holds their clean originals).
  const benchmarkScores = (point: EvalPoint) => {
    const b = firstBenchmark?.point === point ? firstBenchmark.images : readBenchmark(point);
    const bdata: Dataset = { ...data, x: b.x, y: b.y, size: b.size };
    const all = Int32Array.from({ length: b.size }, (_, i) => i);
    return evaluateAt(models, bdata, testListAt(point, all), metric, point, config.seed, null, nGroups, split.train, config.attack);
  };
  for (const point of points) {
    const scores = isIdentity(point) || testEvery === 'never'
      ? models.map((m) => ({ value: results[m.id].clean, perClass: results[m.id].perClass, balanced: results[m.id].balanced }))
      : isActive(benchmarkAxis, point) ? benchmarkScores(point)
      : evaluateAt(models, data, testListAt(point, split.test, attackTest), metric, point, config.seed, corruptedAt(point) ? null : groupOf, nGroups, split.train, config.attack);
    models.forEach((m, k) => {
      const r = results[m.id];
      const s = scores[k];
      r.at.push(s.perClass ? { value: s.value, balanced: s.balanced!, perClass: s.perClass } : { value: s.value });
      if (!r.diverged && testEvery !== 'never' && !Number.isFinite(s.value)) r.diverged = { turn: config.turns, reason: `test metric ${s.value} at ${Object.entries(point).map(([a, v]) => `${a}=${v}`).join(', ')}` };
    });
  }
  const distinct = new Set(split.train).size;
  // Diagnostics of every trained model (norms, dead units, margins); they change no number above.
  for (const m of models) results[m.id].diagnostics = diagnose(m.params(), sizes, data, split.train, split.test);

  return {
    dataset: data.name,
    datasetDescription: data.description,
    origin: data.origin,
    normalize: data.normalize,
    metric,
    sizes,
    poolSize: data.size,
    trainSize: config.trainSize,
    distinctTrain: distinct,
    testSize: split.test.length,
    split,
    order,
    trainClassCounts: groupOf ? classCounts(targetsOf(split.train, groupOf), nGroups) : undefined,
    testClassCounts: testByClass?.map((l) => l.length),
    corruptedLabels,
    ...(split.validation ? { validation: { size: split.validation.length, sha256: { train: listHash(split.train), validation: listHash(split.validation), test: listHash(split.test) } } } : {}),
    testSet: config.imbalance?.test === 'balanced' ? 'balanced' : 'complement',
    ...(attacked ? { attack: { ...config.attack, testSize: attackTest.length, sha256: listHash(attackTest) } } : {}),
    ...(config.corrupted && corruptedList ? { corrupted: { subsample: config.corrupted.subsample, testSize: corruptedList.length, sha256: listHash(corruptedList) } } : {}),
    points,
    ...(testEvery === 'turn' ? {} : { tested: testEvery }),
    methods: results,
  };
}

/**
 * The run's split of the pool (docs/METHOD.md §7 and "Validation"): the training list, the
 * validation set when the config has one, and the test set, with the groups (classes or target
 * bins) that imbalance and per-group scores use. A pure function of the config and the pool, so
 * the lists a record names by hash can be drawn again.
 */
export function drawRunSplit(config: ExperimentConfig, raw: RawDataset): { split: Split; groupOf: Float32Array | null; nGroups: number } {
  const classification = raw.task === 'classification';
  // Groups for imbalance and per-group scores: the classes, or for a regression set under
  // `imbalance`, equal-count bins of the target (bin 0 = the lowest targets).
  const nGroups = classification ? raw.nOutputs : config.imbalance ? config.imbalance.bins ?? 10 : 0;
  const groupOf = classification ? raw.y : config.imbalance ? targetBins(raw.y, raw.size, nGroups) : null;
  if (config.imbalance?.bins !== undefined && classification) throw new UserError(`imbalance.bins: ${raw.name} has classes; bins are for regression sets`);
  if (config.labelNoise && !classification && config.labelNoise.sigma === undefined) {
    throw new UserError(`labelNoise.sigma: ${raw.name} is a regression dataset; give the σ of the noise added to corrupted targets`);
  }
  // The training list: the authors' fixed one (split: authors, the same for every seed), or
  // drawn from the seed's own stream, by class weights under imbalance.
  const splitRng = new Rng(config.seed, 'split');
  const split = config.split === 'authors'
    ? splitFromList(authorsTrainList(config.dataset.name, raw.size, config.trainSize), raw.size)
    : config.imbalance && groupOf
      ? drawImbalancedSplit(groupOf, raw.size, config.trainSize,
        classWeights(config.imbalance.profile, config.imbalance.ratio, nGroups, config.imbalance.minority), splitRng)
      : drawSplit(raw.size, config.trainSize, splitRng);
  // The validation set (docs/METHOD.md, "Validation"): held out of the samples outside the
  // training list, from its own stream, so the training list is the one drawn without it.
  if (config.validation) {
    const size = config.validation.size ?? defaultValidationSize(raw.size);
    if (size >= split.test.length) {
      throw new UserError(`validation.size: ${size} samples leave no test set: ${raw.name}'s pool has ${split.test.length} samples outside the training list`);
    }
    const held = holdOutValidation(split.test, size, new Rng(config.seed, 'validation'));
    split.validation = held.validation;
    split.test = held.test;
  }
  if (config.imbalance?.test === 'balanced' && groupOf) split.test = balanceTestSet(split.test, groupOf, nGroups, new Rng(config.seed, 'test'));
  return { split, groupOf, nGroups };
}

/**
 * Equal-count bins of a regression target: pool indices ranked by target (ties by index), the
 * first N/K in bin 0 and so on. A sampling design over the pool, like class labels; it uses
 * no normalisation statistics.
 */
export function targetBins(y: Float32Array, size: number, bins: number): Float32Array {
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  const out = new Float32Array(size);
  order.forEach((i, rank) => (out[i] = Math.floor((rank * bins) / size)));
  return out;
}

/** Whether validation metric `v` is better than `best` (higher accuracy, lower MSE; a non-finite value never is, and any finite one beats it). */
export function improves(v: number, best: number, metric: Metric): boolean {
  if (!Number.isFinite(v)) return false;
  if (!Number.isFinite(best)) return true;
  return metric === 'accuracy' ? v > best : v < best;
}

/** sha-256 of a list of pool indices as little-endian 32-bit integers (hex): how the record names the lists of the split. */
export function listHash(list: Int32Array): string {
  const le = new DataView(new ArrayBuffer(list.length * 4));
  list.forEach((v, k) => le.setInt32(k * 4, v, true));
  return createHash('sha256').update(new Uint8Array(le.buffer)).digest('hex');
}

function targetsOf(indices: Int32Array, y: Float32Array): Float32Array {
  return Float32Array.from(indices, (i) => y[i]);
}

function classCounts(labels: Float32Array, nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (const c of labels) counts[c]++;
  return counts;
}
