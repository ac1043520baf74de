// Floors that need no network (issue 22, point 3): fitted on a run's training list, scored on its
// test set with its metric, so a study can show how much an MLP adds. Nothing on the run path
// imports this folder, so it leaves every run's code fingerprint alone. Typical use, with the
// run's prepared dataset and split (experiment/run.ts: normalize(), drawSplit()):
//
//   const scores = scoreFloors(data, split.train, split.test);          // clean test
//   const floor = fitFloor('knn', data, split.train);
//   evaluateAt([asTrainable(floor)], data, split.test, 'accuracy', { 'noise.sigma': 0.3 }, seed);
//
// The last line scores a floor on exactly the noisy inputs the run's networks saw.

import type { Trainable } from '../../core/model.js';
import type { Dataset, Task } from '../../data/types.js';
import type { Metric } from '../evaluate.js';
import { metricOf } from './list.js';
import { fitConstant, fitKnn, fitNearestCentroid, type KnnOptions } from './neighbours.js';
import { fitRidge, type RidgeOptions } from './ridge.js';
import type { Floor, FloorId } from './types.js';

export type { Floor, FloorId } from './types.js';
export { fitConstant, fitKnn, fitNearestCentroid, KNN_KS, type KnnOptions } from './neighbours.js';
export { fitRidge, fitRidgeModel, RIDGE_LAMBDAS, type RidgeModel, type RidgeOptions } from './ridge.js';

export interface FloorOptions {
  ridge?: RidgeOptions;
  knn?: KnnOptions;
}

/** The floors of a task, cheapest first. Regression has no nearest centroid. */
export function floorIds(task: Task): FloorId[] {
  return task === 'classification' ? ['constant', 'nearest-centroid', 'ridge', 'knn'] : ['constant', 'ridge', 'knn'];
}

/** Fits one floor on the training list (pool indices, repeats kept) of a prepared dataset. */
export function fitFloor(id: FloorId, data: Dataset, train: Int32Array, opts: FloorOptions = {}): Floor {
  switch (id) {
    case 'constant':
      return fitConstant(data, train);
    case 'nearest-centroid':
      return fitNearestCentroid(data, train);
    case 'ridge':
      return fitRidge(data, train, opts.ridge);
    case 'knn':
      return fitKnn(data, train, opts.knn);
  }
}

export interface FloorScore {
  id: FloorId;
  metric: Metric;
  /** Accuracy (a fraction) or MSE (target units) on the test indices. */
  value: number;
  settings: Readonly<Record<string, number>>;
  selection?: Floor['selection'];
}

/** Every floor of the dataset's task (or those in `ids`), fitted on `train` and scored on `test`. */
export function scoreFloors(data: Dataset, train: Int32Array, test: Int32Array, opts: FloorOptions = {}, ids: FloorId[] = floorIds(data.task)): FloorScore[] {
  if (test.length === 0) throw new RangeError('floors: the test set is empty');
  const metric = metricOf(data);
  return ids.map((id) => {
    const floor = fitFloor(id, data, train, opts);
    const value = floor.score(data.x, test, test.length, data.y, metric) / test.length;
    return { id, metric, value, settings: floor.settings, selection: floor.selection };
  });
}

/**
 * A floor as a Trainable, for the scorers that take models (experiment/evaluate.ts: evaluate,
 * evaluateAt). It cannot be trained by steps and has no parameters to save.
 */
export function asTrainable(floor: Floor): Trainable {
  return {
    id: `floor:${floor.id}`,
    engine: 'reference',
    step: () => {
      throw new Error(`floor ${floor.id}: a floor is fitted, not trained by steps`);
    },
    score: (x, indices, count, y, metric) => floor.score(x, indices, count, y, metric),
    params: () => {
      throw new Error(`floor ${floor.id}: a floor has no network parameters`);
    },
  };
}
