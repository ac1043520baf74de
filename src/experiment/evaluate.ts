// Test metrics (docs/METHOD.md §5): accuracy as a fraction for classification, mean squared error
// in target units for regression, over the listed pool indices; and the noisy evaluation.
// Classification is scored class by class, so per-class and balanced accuracy come for free:
// the overall accuracy is the sum of the per-class correct counts over the test-set size.

import type { ListedRows, Trainable } from '../core/model.js';
import { Rng } from '../core/rng.js';
import type { Dataset } from '../data/types.js';
import { EVAL_AXES, isActive, pointId, type AttackSettings, type EvalAxisDef, type EvalContext, type EvalPoint } from '../data/eval-axes/index.js';
import type { FeatureStats } from '../data/corruptions/index.js';
import { columnStats } from '../data/prepare.js';
import { cachedTestSet } from './test-set-cache.js';

export type Metric = 'accuracy' | 'mse';

export interface Scores {
  /** Accuracy (fraction) or MSE over the whole test set. */
  value: number;
  /** Accuracy (or MSE) within each class or target bin (NaN for one absent from the test set). */
  perClass?: number[];
  /** The mean of the per-class values over the classes present (balanced accuracy or MSE). */
  balanced?: number;
}

/** Test indices of each class or group (ascending); `labels` maps a pool index to its group. */
export function splitByClass(indices: Int32Array, labels: Float32Array, nClasses: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: nClasses }, () => []);
  for (const i of indices) lists[labels[i]].push(i);
  return lists.map((l) => Int32Array.from(l));
}

function fromCounts(correct: ArrayLike<number>, totals: ArrayLike<number>, all: number): Scores {
  let sum = 0;
  const perClass: number[] = [];
  let present = 0;
  let balancedSum = 0;
  for (let c = 0; c < totals.length; c++) {
    sum += correct[c];
    const acc = totals[c] > 0 ? correct[c] / totals[c] : NaN;
    perClass.push(acc);
    if (totals[c] > 0) { present++; balancedSum += acc; }
  }
  return { value: sum / all, perClass, balanced: balancedSum / present };
}

/**
 * A list's rows laid out in the order evaluate() scores them (group after group, each in its
 * listed order) with their targets: `lists[c]` is group c's positions in `x`, consecutive. A run
 * scores the same lists with every model after every turn; laid out once, each pass hands a
 * model its rows in blocks (FastModel.score) instead of gathering them row by row from the pool.
 * The same rows in the same order, so the same sums.
 */
interface Layout {
  key: WeakRef<object>;
  from: WeakRef<Float32Array>;
  fromY: WeakRef<Float32Array>;
  x: Float32Array;
  y: Float32Array;
  lists: Int32Array[];
  /** The rows by their non-zero inputs, for a sparse list (listRows); else null. */
  listed: ListedRows | null;
}
/**
 * Memory a layout is written into, kept for the next lists: the first write to fresh memory
 * costs a page fault every 4 KB (about 0.6 s for an MNIST test list here, more than the layout
 * saves a short run), so a slot is sized for its pool's every list (all of the pool's rows: the
 * pages no list reaches are never touched) and reused by the runs after.
 */
interface Slot {
  x: Float32Array;
  y: Float32Array;
  index: Int32Array;
  value: Float64Array;
  /** What the slot holds now; null once released (forgetLayouts). */
  laid: Layout | null;
  used: number;
}
/** A run's test list and its validation list take one slot each. */
const slots: Slot[] = [];
const SLOTS = 2;
let clock = 0;
/** A list whose rows hold more floats than this (512 MB) is scored where it lies, not laid out again. */
const LAYOUT_LIMIT = 2 ** 27;

/**
 * Releases every layout (runExperiment, as a run starts: the last run's lists are not asked for
 * again), so that the run's lists go into the slots already written instead of fresh ones.
 */
export function forgetLayouts(): void {
  for (const s of slots) s.laid = null;
}

function layout(data: Dataset, key: object, lists: Int32Array[]): Layout | null {
  const held = slots.find((s) => s.laid && s.laid.key.deref() === key && s.laid.from.deref() === data.x && s.laid.fromY.deref() === data.y);
  if (held) {
    held.used = ++clock;
    return held.laid;
  }
  const n = data.nInputs;
  const total = lists.reduce((s, l) => s + l.length, 0);
  if (total * n > LAYOUT_LIMIT) return null;
  // A released slot (the roomiest), else a new one, else the least recently used.
  const free = slots.filter((s) => !s.laid);
  let slot = free.length ? free.reduce((a, b) => (a.x.length >= b.x.length ? a : b)) : null;
  if (!slot && slots.length < SLOTS) {
    slot = { x: new Float32Array(0), y: new Float32Array(0), index: new Int32Array(0), value: new Float64Array(0), laid: null, used: 0 };
    slots.push(slot);
  }
  slot ??= slots.reduce((a, b) => (a.used <= b.used ? a : b));
  if (slot.x.length < total * n || slot.y.length < total) {
    const rows = data.size * n <= LAYOUT_LIMIT ? Math.max(total, data.size) : total;
    slot.x = new Float32Array(rows * n);
    slot.y = new Float32Array(rows);
  }
  const x = slot.x.subarray(0, total * n);
  const y = slot.y.subarray(0, total);
  const placed: Int32Array[] = [];
  let at = 0;
  for (const list of lists) {
    const place = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      x.set(data.x.subarray(i * n, i * n + n), (at + k) * n);
      y[at + k] = data.y[i];
      place[k] = at + k;
    }
    placed.push(place);
    at += list.length;
  }
  slot.laid = { key: new WeakRef(key), from: new WeakRef(data.x), fromY: new WeakRef(data.y), x, y, lists: placed, listed: listRows(slot, x, total, n) };
  slot.used = ++clock;
  return slot.laid;
}

/** Rows at least this wide, at most this share of their inputs non-zero, are also listed by their non-zero inputs. */
const LIST_MIN_INPUTS = 64;
const LIST_MAX_DENSITY = 0.25;

/**
 * The `total` rows of x by their non-zero inputs (model.ts ListedRows), in the slot's memory, when
 * they are wide and sparse enough (clean MNIST: about a fifth of the pixels): an engine then reads
 * each row's list instead of scanning the row for it on every pass (FastModel.score). Else null.
 */
function listRows(slot: Slot, x: Float32Array, total: number, n: number): ListedRows | null {
  if (n < LIST_MIN_INPUTS) return null;
  // The count stops as soon as the list is too dense (Fashion-MNIST's half non-zero pixels are
  // found so within its first rows, not after all of them).
  const limit = LIST_MAX_DENSITY * total * n;
  let count = 0;
  for (let k = 0; k < total * n; k++) {
    if (x[k] !== 0 && ++count > limit) return null;
  }
  if (slot.index.length < count) {
    const room = Math.ceil(count * 1.25);
    slot.index = new Int32Array(room);
    slot.value = new Float64Array(room);
  }
  const offsets = new Int32Array(total + 1);
  const index = slot.index.subarray(0, count);
  const value = slot.value.subarray(0, count);
  let at = 0;
  for (let r = 0; r < total; r++) {
    offsets[r] = at;
    for (let f = 0, p = r * n; f < n; f++, p++) {
      const v = x[p];
      if (v !== 0) {
        index[at] = f;
        value[at++] = v;
      }
    }
  }
  offsets[total] = at;
  return { offsets, index, value };
}

/** Clean evaluation; with `byClass` (from splitByClass) it scores group by group. */
export function evaluate(model: Trainable, data: Dataset, indices: Int32Array, metric: Metric, byClass?: Int32Array[]): Scores {
  const groups = byClass ?? [indices];
  const laid = layout(data, byClass ?? indices, groups);
  const sums = groups.map((list, c) => laid
    ? model.score(laid.x, laid.lists[c], list.length, laid.y, metric, laid.listed ?? undefined)
    : model.score(data.x, list, list.length, data.y, metric));
  if (!byClass) return { value: sums[0] / indices.length };
  return fromCounts(sums, byClass.map((l) => l.length), indices.length);
}

const NOISY_CHUNK = 256;

/** Per-feature mean and sample sd (n − 1) of the listed rows of `data.x` (repeats counted): the training statistics in the model's units. */
export function featureStats(data: Dataset, rows: Int32Array): FeatureStats {
  const n = data.nInputs;
  const mean = new Float64Array(n);
  const sd = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const s = columnStats((i) => data.x[i * n + f], data.size, rows);
    mean[f] = s.mean;
    sd[f] = s.sd;
  }
  return { mean, sd };
}

/**
 * Scores every model at one evaluation point. Every model sees the same transformed copy of
 * each test input: the point's active axes are applied in registry order. The per-sample ones
 * (corruptions) make a whole transformed test set, generated once per process for a given pool,
 * test list, seed and point (test-set-cache.ts); the streamed ones then draw each from its own
 * stream (seeded by the run's seed, fresh from its start), input by input in test-set order, so
 * methods are compared on identical inputs; a model-dependent axis (eval-axes/types.ts,
 * `perModel`) last, on each model's own copy. Inputs are built in chunks of rows (stored as
 * float32, like the data) and scored per chunk (and per class within it). `train` (the run's
 * training list) gives the training statistics the table corruptions need.
 */
export function evaluateAt(
  models: Trainable[], data: Dataset, test: Int32Array, metric: Metric, point: EvalPoint, seed: number,
  groupOf: Float32Array | null = metric === 'accuracy' ? data.y : null, nGroups = data.nOutputs, train?: Int32Array, attack?: AttackSettings,
): Scores[] {
  const n = data.nInputs;
  const image = data.kind === 'image';
  const active = EVAL_AXES.filter((a) => isActive(a, point) && !a.replacesTestSet);
  let stats: FeatureStats | null = null;
  const ctx: EvalContext = {
    seed,
    point,
    loss: metric === 'accuracy' ? 'softmax-ce' : 'mse',
    attack,
    get stats() {
      if (!stats && train && !image) stats = featureStats(data, train);
      return stats;
    },
  };
  const make = (a: EvalAxisDef) => ({ apply: a.prepare(n, image, ctx), value: point[a.key], rng: new Rng(seed, a.stream) });
  const perSample = active.filter((a) => a.perSample).map(make);
  const transforms = active.filter((a) => !a.perSample && !a.perModel).map(make);
  // A point with one streamed transform that can write float32 rows itself (the noisy test) and
  // nothing else: each row goes from the pool to the chunk in one pass.
  const into = active.length === 1 && !active[0].perSample && !active[0].perModel && active[0].prepareInto
    ? { apply: active[0].prepareInto(n, image, ctx), value: transforms[0].value, rng: transforms[0].rng }
    : null;
  const perModel = active.filter((a) => a.perModel).map((a) => ({ apply: a.perModel!(n, image, ctx), value: point[a.key], stream: a.stream }));
  const base = perSample.length
    ? cachedTestSet(data, test, seed, pointId(point), image, () => {
      const out = new Float32Array(test.length * n);
      const r = new Float64Array(n);
      for (let k = 0; k < test.length; k++) {
        const i = test[k];
        for (let f = 0; f < n; f++) r[f] = data.x[i * n + f];
        for (const t of perSample) t.apply(r, t.value, t.rng, i);
        out.set(r, k * n);
      }
      return out;
    })
    : null;
  const classes = groupOf ? nGroups : 1;
  const row = new Float64Array(n);
  const xs = new Float32Array(NOISY_CHUNK * n);
  const ys = new Float32Array(NOISY_CHUNK);
  /** Each chunk row's pool index, for the per-model axes. */
  const samples = perModel.length ? new Int32Array(NOISY_CHUNK) : null;
  const at = new Int32Array(NOISY_CHUNK);
  const own = perModel.length ? new Float32Array(NOISY_CHUNK * n) : xs;
  const modelRngs = models.map(() => perModel.map((t) => new Rng(seed, t.stream)));
  const rowsOf = Array.from({ length: classes }, () => new Int32Array(NOISY_CHUNK));
  const rowCount = new Int32Array(classes);
  const classTotals = new Float64Array(classes);
  const sums = models.map(() => new Float64Array(classes));
  // A stored transformed set that nothing else changes is scored where it lies: the models read
  // its rows (row k: test input k) and the targets in the same order, in the same chunks and
  // groups as below, so every score adds up as it does there.
  const directY = base !== null && transforms.length === 0 && perModel.length === 0 ? Float32Array.from(test, (i) => data.y[i]) : null;
  for (let start = 0; start < test.length; start += NOISY_CHUNK) {
    const count = Math.min(NOISY_CHUNK, test.length - start);
    rowCount.fill(0);
    for (let k = 0; k < count; k++) {
      const c = groupOf ? groupOf[test[start + k]] : 0;
      rowsOf[c][rowCount[c]++] = k;
      classTotals[c]++;
    }
    if (base && directY) {
      for (let c = 0; c < classes; c++) for (let j = 0; j < rowCount[c]; j++) rowsOf[c][j] += start;
      for (let m = 0; m < models.length; m++) {
        for (let c = 0; c < classes; c++) {
          if (rowCount[c] > 0) sums[m][c] += models[m].score(base, rowsOf[c], rowCount[c], directY, metric);
        }
      }
      continue;
    }
    // Where row k of the chunk goes: in test order when a per-model axis takes the rows (it
    // draws row by row); else group after group, each in test order, so that a model is handed
    // each group as one block (FastModel.score). The same rows in the same order either way.
    if (perModel.length) for (let k = 0; k < count; k++) at[k] = k;
    else {
      let from = 0;
      for (let c = 0; c < classes; c++) {
        for (let j = 0; j < rowCount[c]; j++) {
          at[rowsOf[c][j]] = from + j;
          rowsOf[c][j] = from + j;
        }
        from += rowCount[c];
      }
    }
    for (let k = 0; k < count; k++) {
      const i = test[start + k];
      const p = at[k];
      if (into) into.apply(data.x, i * n, xs, p * n, into.value, into.rng, i);
      else {
        if (base) for (let f = 0; f < n; f++) row[f] = base[(start + k) * n + f];
        else {
          for (let f = 0; f < n; f++) row[f] = data.x[i * n + f];
          if (perSample.length) {
            // Not stored: the same transform here, rounded to float32 as a stored set is.
            for (const t of perSample) t.apply(row, t.value, t.rng, i);
            for (let f = 0; f < n; f++) row[f] = Math.fround(row[f]);
          }
        }
        for (const t of transforms) t.apply(row, t.value, t.rng, i);
        xs.set(row, p * n);
      }
      ys[p] = data.y[i];
      if (samples) samples[p] = i;
    }
    for (let m = 0; m < models.length; m++) {
      if (perModel.length) {
        own.set(xs.subarray(0, count * n));
        perModel.forEach((t, j) => t.apply(models[m], own, ys, count, t.value, modelRngs[m][j], samples!));
      }
      for (let c = 0; c < classes; c++) {
        if (rowCount[c] > 0) sums[m][c] += models[m].score(own, rowsOf[c], rowCount[c], ys, metric);
      }
    }
  }
  return sums.map((s) => (groupOf ? fromCounts(s, classTotals, test.length) : { value: s[0] / test.length }));
}
