// The authors' training lists (`split: authors`, docs/METHOD.md §7): their NNforshow.py draws
// every training list with `np.random.seed(5)` then `np.random.randint(0, high=MAXNUM,
// size=n)`, in the constructor of both model classes (Regression and Classification), with
// nothing drawn between the two calls; MAXNUM is the pool size each notebook sets. So the list
// depends only on the dataset and n, the n = 100 list is the head of the n = 500 one, and the
// 2- and 3-layer models share it. numpy-legacy.ts reproduces numpy's draw exactly.

import { UserError } from '../errors.js';
import { LegacyMT19937, legacyRandint } from './numpy-legacy.js';

/** The seed the authors give numpy before each draw. */
export const AUTHORS_SEED = 5;

export interface AuthorsPool {
  /** MAXNUM of the notebook: the size of the authors' pool. */
  maxnum: number;
  /** The notebook that sets it (github.com/Dataojitori/Dual-Weight-NN). */
  notebook: string;
}

/**
 * The datasets whose authors' pool dwgd loads in the same order: each one's `paper` pool
 * (docs/METHOD.md §6; wine-quality the white variant). MNIST: the old TensorFlow loader's
 * training split, canonical training images 5,000–59,999, is the authors' `mnist.train`.
 */
export const AUTHORS_POOLS: Readonly<Record<string, AuthorsPool>> = {
  'california-housing': { maxnum: 20_433, notebook: 'regression_house.ipynb' },
  'wine-quality': { maxnum: 4_898, notebook: 'regression_wine.ipynb' },
  mnist: { maxnum: 55_000, notebook: 'classification_mnist.ipynb' },
  'fashion-mnist': { maxnum: 60_000, notebook: 'classification_fashion.ipynb' },
  'cifar-10': { maxnum: 10_000, notebook: 'classification_cifar10.ipynb' },
};

/**
 * Why the dataset options do not give the authors' pool, or null when they do: the dataset must
 * have an authors' list, its pool be `paper` (or unset) and, for wine-quality, the variant white.
 */
export function authorsPoolProblem(dataset: { name: string; pool?: string | string[]; variant?: string }): string | null {
  if (!Object.hasOwn(AUTHORS_POOLS, dataset.name)) {
    return `the authors' training lists exist for ${Object.keys(AUTHORS_POOLS).join(', ')}, not for ${dataset.name}`;
  }
  if (dataset.pool !== undefined && dataset.pool !== 'paper') {
    return `the authors' lists index the paper pool of ${dataset.name}; dataset.pool is ${JSON.stringify(dataset.pool)}`;
  }
  if (dataset.variant !== undefined && dataset.variant !== 'white') {
    return `the authors' lists index the white wines; dataset.variant is ${dataset.variant}`;
  }
  return null;
}

/**
 * The authors' training list of `n` pool indices for `dataset`, in their draw order (repeats
 * stay). The loaded pool must hold exactly the authors' MAXNUM samples, else the indices would
 * name other samples.
 */
export function authorsTrainList(dataset: string, poolSize: number, n: number): Int32Array {
  const pool = Object.hasOwn(AUTHORS_POOLS, dataset) ? AUTHORS_POOLS[dataset] : undefined;
  if (!pool) throw new UserError(`split: authors: ${authorsPoolProblem({ name: dataset })}`);
  if (poolSize !== pool.maxnum) {
    throw new UserError(
      `split: authors: the loaded ${dataset} pool holds ${poolSize} samples, the authors' (MAXNUM in ${pool.notebook}) ${pool.maxnum}`,
    );
  }
  return Int32Array.from(legacyRandint(new LegacyMT19937(AUTHORS_SEED), 0, pool.maxnum, n));
}
