// A floor: a model that needs no network, fitted on a run's training list and scored on its test
// set with the run's own metric, to show how much any MLP adds (issue 22).

import type { Task } from '../../data/types.js';
import type { Metric } from '../evaluate.js';

export type FloorId = 'constant' | 'nearest-centroid' | 'ridge' | 'knn';

export interface Floor {
  readonly id: FloorId;
  readonly task: Task;
  /** The hyperparameters it was fitted with (`lambda` for ridge, `k` for knn; none for the others). */
  readonly settings: Readonly<Record<string, number>>;
  /**
   * When a hyperparameter was chosen on the training list: the candidates, in order, and the
   * leave-one-out score of each (accuracy, or MSE).
   */
  readonly selection?: { key: string; candidates: number[]; looScores: number[] };
  /** The class (classification) or value (regression) for the input x[offset … offset + nInputs). */
  predictRow(x: ArrayLike<number>, offset: number): number;
  /**
   * As Trainable.score (core/model.ts): over the listed rows of x, the number of correct classes
   * ('accuracy') or the sum of squared errors ('mse'); divide by the count for the metric.
   */
  score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: Metric): number;
}
