// What an evaluation axis is: a way of changing only how a trained model is measured (never the
// trained weights), with one number per point. A study's evaluation points are the product of
// its axes' values; every trained model is scored at each point on the same transformed inputs.

import type { Rng } from '../../core/rng.js';

export interface EvalAxisDef {
  /** The key in configs and in the tidy table, e.g. 'noise.sigma'. */
  key: string;
  /** Words for figure titles and reports, e.g. 'test input noise σ'. */
  title: string;
  /** The value that leaves every input unchanged (the clean evaluation). */
  identity: number;
  /** The largest value a config may ask for. */
  max: number;
  /** The named random stream the axis draws from (fresh from its start at every point). */
  stream: string;
  /** Where a config states the axis's single value when the study does not sweep it (else identity). */
  fromConfig?(config: { noise: { sigma: number } }): number;
  /**
   * Makes the transform for inputs of `nInputs` features (`image`: pixel values in [0, 1]):
   * it changes one test input in place, drawing from `rng`. Called for non-identity values only.
   */
  prepare(nInputs: number, image: boolean): (row: Float64Array, value: number, rng: Rng) => void;
}
