// Upper bounds on what a config may ask for (README › "Limits"). A size that would exhaust the
// memory or the patience of the machine is refused at load, in one line, before anything is
// allocated. The schema (schema.ts) carries the per-key bounds; this module holds the numbers
// and the checks that need more than one key (the memory estimate, the plan size).

import { statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { DATASET_SPECS } from '../data/index.js';
import type { ExperimentConfig } from './schema.js';
import { shownPath } from './quote.js';

export const LIMITS = {
  /** Bytes of one config or grid file. */
  configFileBytes: 1_048_576,
  /** Hidden layers, and units in one hidden layer. */
  hiddenLayers: 64,
  hiddenWidth: 1_000_000,
  methods: 32,
  /** Entries of an evaluate axis, imbalance.minority. */
  listItems: 1000,
  /** Products in a list-form evaluate (their points are the union). */
  evaluateProducts: 32,
  trainSize: 10_000_000,
  turns: 100_000,
  stepsPerTurn: 1_000_000_000,
  /** turns × stepsPerTurn: the sample order is one 32-bit integer per step. */
  totalSteps: 2 ** 31 - 1,
  lr: 1000,
  targetScale: 1000,
  /** noise.sigma, labelNoise.sigma. */
  sigma: 1000,
  /** λ of l2-<λ> and weight-decay-<λ>. */
  lambda: 1000,
  /** |seed|; seeds of a comparison are seed … seed + seeds − 1. */
  seed: 1e12,
  seeds: 10_000,
  /** Runs of one compare or sweep plan (grid points × seeds). */
  runs: 100_000,
  /** Estimated memory of one run, above which it is refused unless --allow-large is given. */
  runBytes: 2 ** 30,
} as const;

export function checkConfigFileSize(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // the read that follows names the problem
  }
  if (size > LIMITS.configFileBytes) {
    throw new UserError(`config ${shownPath(file)}: ${mib(size)} is larger than the ${mib(LIMITS.configFileBytes)} a config may be`);
  }
}

/**
 * Bytes a run is expected to hold: the sample order (4 bytes a step) and, per network, 8 bytes
 * per parameter for each of about six copies (W, W1, W2, the update's scratch, the evaluation
 * copy, the initial network), plus initial and final copies per method when weights are kept.
 */
export function estimateRunBytes(config: ExperimentConfig, nInputs: number, nOutputs: number): { bytes: number; params: number } {
  const sizes = [nInputs, ...config.hidden, nOutputs];
  let params = 0;
  for (let l = 0; l + 1 < sizes.length; l++) params += sizes[l] * sizes[l + 1] + sizes[l + 1];
  const copies = 6 + (config.saveWeights ? 6 * config.methods.length : 0);
  return { bytes: 4 * config.turns * config.stepsPerTurn + 8 * params * copies, params };
}

/** The checks that need several keys; `where` names the config in the message. */
export function checkRunLimits(config: ExperimentConfig, where: string, allowLarge = false): void {
  const steps = config.turns * config.stepsPerTurn;
  if (steps > LIMITS.totalSteps) {
    throw new UserError(`${where}: turns × stepsPerTurn = ${steps.toExponential(2)} steps per method; at most ${LIMITS.totalSteps.toLocaleString('en-US')} (README › Limits)`);
  }
  const spec = DATASET_SPECS.find((s) => s.name === config.dataset.name);
  if (!spec || allowLarge) return;
  const { bytes, params } = estimateRunBytes(config, spec.nInputs, spec.nOutputs);
  if (bytes > LIMITS.runBytes) {
    const shape = [spec.nInputs, ...config.hidden, spec.nOutputs].join('-');
    throw new UserError(`${where}: a ${shape} network (${params.toLocaleString('en-US')} parameters) × ${steps.toLocaleString('en-US')} steps needs about ` +
      `${gib(bytes)} of memory, above the ${gib(LIMITS.runBytes)} limit; make it smaller, or pass --allow-large if you mean it`);
  }
}

/** Refuses a plan of more than LIMITS.runs runs before it is expanded. */
export function checkPlanSize(points: number, seeds: number, where: string): void {
  if (seeds > LIMITS.seeds) throw new UserError(`${where}: ${seeds.toLocaleString('en-US')} seeds; at most ${LIMITS.seeds.toLocaleString('en-US')} (README › Limits)`);
  const runs = points * seeds;
  if (runs > LIMITS.runs) {
    throw new UserError(`${where}: ${points.toLocaleString('en-US')} grid points × ${seeds.toLocaleString('en-US')} seeds = ${runs.toLocaleString('en-US')} runs; ` +
      `at most ${LIMITS.runs.toLocaleString('en-US')} in one plan (README › Limits)`);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 1 : 0)} GiB`;
}
