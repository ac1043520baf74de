// Corruptions of tabular inputs (one row of features, in the units the model sees: z-scored for
// dwgd's tables). No benchmark defines severities here, so each takes a strength, 0 being the
// identity: feature noise (σ), missing features imputed by a given mean vector (the fraction
// missing), outliers (the probability per feature), and a shift of feature scale (the relative
// change of every feature's spread about its mean).

import type { Rng } from '../../core/rng.js';
import type { Pixels } from './types.js';
import { nextNormals } from '../../core/fast/normals.js';

/** Per-feature statistics of the training list, in the model's units (0 and 1 for z-scored tables). */
export interface FeatureStats {
  mean: ArrayLike<number>;
  sd: ArrayLike<number>;
}

export interface TabularCorruption {
  id: string;
  title: string;
  /** The strength's meaning, e.g. 'σ of the added noise, in feature sd'. */
  strength: string;
  /** The largest strength accepted. */
  max: number;
  /** Writes the corrupted row into `out` (which may be `row`); strength 0 copies it unchanged. */
  apply(row: Pixels, out: Pixels, strength: number, rng: Rng, stats: FeatureStats): void;
}

/** Outliers sit this many training sd from the feature's mean. */
export const OUTLIER_SD = 5;

function check(c: TabularCorruption, row: Pixels, out: Pixels, strength: number, stats: FeatureStats): void {
  if (!(Number.isFinite(strength) && strength >= (c.id === 'scale-shift' ? -1 : 0) && strength <= c.max)) {
    throw new RangeError(`${c.id}: strength must be from ${c.id === 'scale-shift' ? -1 : 0} to ${c.max}, got ${strength}`);
  }
  if (out.length !== row.length || stats.mean.length !== row.length || stats.sd.length !== row.length) {
    throw new RangeError(`${c.id}: a row of ${row.length} features needs an output, a mean and an sd of as many, got ${out.length}, ${stats.mean.length}, ${stats.sd.length}`);
  }
}

/** Each feature plus σ·sd·N(0, 1) (σ in units of the feature's training sd; 1 for z-scored tables). */
export const featureNoise: TabularCorruption = {
  id: 'feature-noise',
  title: 'feature noise',
  strength: "σ of Gaussian noise, in each feature's training sd",
  max: 1000,
  apply(row, out, sigma, rng, stats) {
    check(this, row, out, sigma, stats);
    const z = nextNormals(rng, row.length); // rng.normal() for each feature, the same numbers
    for (let j = 0; j < row.length; j++) out[j] = row[j] + sigma * stats.sd[j] * z[j];
  },
};

/**
 * round(fraction · features) features, a uniform choice without repeats made afresh for each row,
 * replaced by their training mean (mean imputation of missing values).
 */
export const missingFeatures: TabularCorruption = {
  id: 'missing-features',
  title: 'missing features, mean-imputed',
  strength: 'fraction of features missing',
  max: 1,
  apply(row, out, fraction, rng, stats) {
    check(this, row, out, fraction, stats);
    const d = row.length;
    if (out !== row) out.set(row);
    const k = Math.round(fraction * d);
    const perm = Int32Array.from({ length: d }, (_, i) => i);
    for (let j = 0; j < k; j++) {
      const r = j + rng.int(d - j);
      const t = perm[j];
      perm[j] = perm[r];
      perm[r] = t;
      out[perm[j]] = stats.mean[perm[j]];
    }
  },
};

/**
 * Each feature independently, with probability p, becomes an outlier: its training mean ±
 * OUTLIER_SD training sd, the sign at random. Two uniforms per feature whatever p, so a larger p
 * hits a superset of the features a smaller one hits.
 */
export const outliers: TabularCorruption = {
  id: 'outliers',
  title: 'per-feature outliers',
  strength: 'probability that a feature is an outlier',
  max: 1,
  apply(row, out, p, rng, stats) {
    check(this, row, out, p, stats);
    for (let j = 0; j < row.length; j++) {
      const hit = rng.uniform() < p;
      const sign = rng.uniform() < 0.5 ? -1 : 1;
      out[j] = hit ? stats.mean[j] + sign * OUTLIER_SD * stats.sd[j] : row[j];
    }
  },
};

/**
 * Every feature's spread about its training mean multiplied by 1 + s (s = 0.5: half as wide
 * again; s = −0.5: halved): a systematic shift of the features' scale, the same for every row,
 * drawing nothing.
 */
export const scaleShift: TabularCorruption = {
  id: 'scale-shift',
  title: 'feature-scale shift',
  strength: 'relative change of each feature’s spread about its mean (from −1)',
  max: 1000,
  apply(row, out, s, _rng, stats) {
    check(this, row, out, s, stats);
    // x + s·(x − mean) = mean + (1 + s)·(x − mean), written so that s = 0 gives x exactly.
    for (let j = 0; j < row.length; j++) out[j] = row[j] + s * (row[j] - stats.mean[j]);
  },
};

/**
 * Five severities for each table corruption, as an evaluation axis (eval-axes/corruption.ts)
 * asks for: no benchmark defines them, these are dwgd's own, chosen to run from barely visible
 * to severe in the z-scored units of dwgd's tables (docs/METHOD.md, "Corruptions").
 */
export const TABULAR_SEVERITIES: Record<string, readonly number[]> = {
  'feature-noise': [0.1, 0.25, 0.5, 0.75, 1],
  'missing-features': [0.1, 0.2, 0.3, 0.4, 0.5],
  outliers: [0.01, 0.02, 0.05, 0.1, 0.2],
  'scale-shift': [0.25, 0.5, 1, 1.5, 2],
};

export const TABULAR_CORRUPTIONS: readonly TabularCorruption[] = [featureNoise, missingFeatures, outliers, scaleShift];
