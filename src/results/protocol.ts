// Where a resolved experiment config departs from the paper's protocol (docs/METHOD.md §6–7),
// on every key that changes the numbers. The authors' numbers are attached to an experiment
// only when this list is empty: otherwise they are numbers of a different experiment.
// Keys that do not change a paper method's numbers are not listed: the seed (the authors' is a
// numpy seed, ours another generator), the data location, extra evaluation points (`evaluate`),
// `saveWeights`, the `fast`/`reference` engine choice (equal to ~1e-12), and extra methods (each
// method trains alone from the shared initial network on the shared sample order).

import type { ExperimentConfig } from '../config/schema.js';
import { PAPER_METHODS } from '../config/schema.js';
import { canonicalJson } from '../config/load.js';
import { DATASET_SPECS } from '../data/index.js';
import { evalPoints, isIdentity, type EvalPoint } from '../data/eval-axes/index.js';

export interface Departure {
  key: string;
  /** The config's value, as text. */
  value: string;
  /** What the paper has, as text. */
  paper: string;
}

const PAPER_WIDTHS = [[20], [64, 32]];
const PAPER_SIZES = [100, 500, 1000];

function text(v: unknown): string {
  return v === undefined ? 'unset' : typeof v === 'string' ? v : canonicalJson(v);
}

/** The keys on which `c` departs from the paper's protocol, in a fixed order; [] when it follows it. */
export function protocolDepartures(c: ExperimentConfig): Departure[] {
  const out: Departure[] = [];
  const check = (key: string, value: unknown, ok: boolean, paper: string) => { if (!ok) out.push({ key, value: text(value), paper }); };
  const tabular = DATASET_SPECS.find((s) => s.name === c.dataset.name)?.kind === 'tabular';
  check('dataset.pool', c.dataset.pool, c.dataset.pool === undefined || c.dataset.pool === 'paper', 'paper');
  if (c.dataset.name === 'wine-quality') check('dataset.variant', c.dataset.variant, (c.dataset.variant ?? 'white') === 'white', 'white');
  if (tabular) {
    check('dataset.normalize', c.dataset.normalize, c.dataset.normalize === 'paper', 'paper');
    check('dataset.targetScale', c.dataset.targetScale, c.dataset.targetScale === 0.1, '0.1');
  }
  check('hidden', c.hidden, PAPER_WIDTHS.some((w) => canonicalJson(w) === canonicalJson(c.hidden)), '[20] or [64,32]');
  check('trainSize', c.trainSize, PAPER_SIZES.includes(c.trainSize), '100, 500 or 1000');
  check('turns', c.turns, c.turns === 6, '6');
  check('stepsPerTurn', c.stepsPerTurn, c.stepsPerTurn === 10000, '10000');
  check('lr', c.lr, c.lr === 0.001, '0.001');
  check('noise.sigma', c.noise.sigma, c.noise.sigma === 0.3, '0.3');
  // An evaluate list that leaves out the paper's noisy test (σ = 0.3, nothing else changed).
  const paperPoint = evalPoints(c).some((p) => isNoisyTest(p, 0.3));
  check('evaluate', c.evaluate, c.evaluate === undefined || paperPoint, 'a list holding the noisy test at σ = 0.3');
  check('labelNoise', c.labelNoise, !c.labelNoise || c.labelNoise.fraction === 0, 'none');
  check('imbalance', c.imbalance, !c.imbalance, 'none');
  check('engine', c.engine, c.engine !== 'fast32', 'fast or reference (float64)');
  // A validation set shrinks the test set; early stopping changes the models.
  check('validation', c.validation, !c.validation, 'none (the test set is every sample not drawn)');
  check('earlyStopping', c.earlyStopping, !c.earlyStopping, 'none');
  return out;
}

/** Whether `point` is the noisy test at σ: noise.sigma = σ, every other axis at its identity. */
export function isNoisyTest(point: EvalPoint, sigma: number): boolean {
  return point['noise.sigma'] === sigma && isIdentity({ ...point, 'noise.sigma': 0 });
}

/** Whether the authors ran this method (their five). */
export function isPaperMethod(method: string): boolean {
  return PAPER_METHODS.includes(method);
}

/** "hidden = [256] (paper: [20] or [64,32]); lr = 0.01 (paper: 0.001)". */
export function departuresText(ds: readonly Departure[]): string {
  return ds.map((d) => `${d.key} = ${d.value} (paper: ${d.paper})`).join('; ');
}
