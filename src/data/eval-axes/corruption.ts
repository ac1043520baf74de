// Corruptions at test (data/corruptions/, docs/METHOD.md "Corruptions"): a named axis,
// `corruption`, and the axis `severity` (1–5) it is scored at. On an image dataset the names
// are the image corruptions with MNIST-C's constants for grey images and CIFAR-10-C's for colour;
// on a table the four table corruptions at dwgd's own five strengths (TABULAR_SEVERITIES), which
// need the training list's per-feature statistics (missing features take the training mean).
// A corrupted input depends only on (dataset, corruption, severity, seed, pool index): its random
// numbers come from corruptionRng(seed, corruption, pool index), so every run that needs it gets
// the same bytes, and evaluate.ts generates each corrupted test set once per worker process.
// `corruption: none` or `severity: 0` is the clean input.

import {
  IMAGE_CORRUPTIONS, TABULAR_CORRUPTIONS, TABULAR_SEVERITIES, corruptionRng, imageCorruption, tabularCorruption, type ImageShape,
} from '../corruptions/index.js';
import { seededSubsample } from './subsample.js';
import type { AxisValue, EvalAxisDef, EvalPoint } from './types.js';

const FIVE = (c: { levels: number }) => c.levels === 5;
const SEVERITY = 'severity';

function severityOf(point: EvalPoint): number {
  const s = point[SEVERITY];
  return typeof s === 'number' ? s : 0;
}

/** Height × width × channels of a flattened square image: 3 channels when nInputs/3 is a square, else 1. */
export function squareImageShape(nInputs: number): ImageShape {
  const side3 = Math.round(Math.sqrt(nInputs / 3));
  if (nInputs % 3 === 0 && side3 * side3 * 3 === nInputs) return { height: side3, width: side3, channels: 3 };
  const side = Math.round(Math.sqrt(nInputs));
  if (side * side === nInputs) return { height: side, width: side, channels: 1 };
  throw new RangeError(`corruption: an image of ${nInputs} values is not square (n×n or n×n×3)`);
}

export const corruptionAxis: EvalAxisDef = {
  key: 'corruption',
  module: import.meta.url,
  title: 'test-input corruption',
  kind: 'categorical',
  identity: 'none',
  max: 0,
  optional: true,
  stream: 'corruption',
  perSample: true,
  testSubset: corruptedSubsample,
  choices: (kind) => (kind === 'image' ? IMAGE_CORRUPTIONS : TABULAR_CORRUPTIONS).map((c) => c.id),
  known: () => [...IMAGE_CORRUPTIONS, ...TABULAR_CORRUPTIONS].map((c) => c.id),
  all: (kind) => (kind === 'image' ? IMAGE_CORRUPTIONS.filter(FIVE) : TABULAR_CORRUPTIONS).map((c) => c.id),
  inert: (point) => severityOf(point) === 0,
  check(evaluate) {
    const names = evaluate.corruption;
    const severities = evaluate[SEVERITY];
    if (names && !severities) return 'severity: list the severities (1–5) to score evaluate.corruption at';
    if (severities && !names && !evaluate.benchmark) return 'corruption: list the corruptions (or all, or evaluate.benchmark\'s published ones) that evaluate.severity applies to';
    if (!names || !severities) return null;
    const top = Math.max(...severities.map(Number));
    for (const n of names) {
      const c = typeof n === 'string' ? imageCorruption(n) : undefined;
      if (c && c.levels < top) return `corruption: ${n} has ${c.levels} severity level${c.levels === 1 ? '' : 's'}; score it in a study whose severities stop at ${c.levels}`;
    }
    return null;
  },
  prepare(nInputs, image, ctx) {
    const severity = severityOf(ctx.point);
    if (image) {
      const shape = squareImageShape(nInputs);
      // The corruption is looked up once per value, not once per input.
      let last: AxisValue | undefined;
      let c: ReturnType<typeof imageCorruption>;
      return (row, value, _rng, sample) => {
        if (value !== last) {
          c = imageCorruption(String(value));
          last = value;
        }
        if (!c) throw new RangeError(`corruption: '${String(value)}' is not an image corruption`);
        c.apply(row, row, shape, severity, corruptionRng(ctx.seed, c.id, sample));
      };
    }
    return (row, value, _rng, sample) => {
      const c = tabularCorruption(String(value));
      if (!c) throw new RangeError(`corruption: '${String(value)}' is not a table corruption`);
      if (!ctx.stats) throw new RangeError(`corruption: ${c.id} needs the training list's feature statistics`);
      c.apply(row, row, TABULAR_SEVERITIES[c.id][severity - 1], corruptionRng(ctx.seed, c.id, sample), ctx.stats);
    };
  },
};

/** The severity a corruption is applied at; it transforms nothing by itself. */
export const severityAxis: EvalAxisDef = {
  key: SEVERITY,
  module: import.meta.url,
  title: 'corruption severity',
  identity: 0,
  max: 5,
  integer: true,
  optional: true,
  stream: 'severity',
  inert: () => true,
  prepare: () => () => {},
};

export function isCorruptionName(v: AxisValue): boolean {
  return typeof v === 'string' && (imageCorruption(v) !== undefined || tabularCorruption(v) !== undefined);
}

/**
 * The test samples a corrupted point (corruption × severity, or a published benchmark's images)
 * is scored on under config `corrupted.subsample`: seededSubsample from the stream
 * 'corrupted-subsample'. The same for every such point, every method and every run with the
 * same seed and test list, so the per-process store of corrupted test sets serves them all.
 */
export function corruptedSubsample(test: Int32Array, size: number | undefined, seed: number): Int32Array {
  return seededSubsample(test, size, seed, 'corrupted-subsample');
}
