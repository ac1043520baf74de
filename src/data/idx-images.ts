// What MNIST and Fashion-MNIST share: the idx file names, named pools (which file, which
// rows), and reading an image file with its label file into a pool (pixel / 255).

import { readFileSync } from 'node:fs';
import { DataError, UserError } from '../errors.js';
import { parseIdx } from './formats/idx.js';
import type { Located } from './sources.js';
import type { RawDataset } from './types.js';

export interface ImageOptions {
  path?: string;
  /** The name of one of the dataset's pools (MNIST_POOLS, FASHION_POOLS), default `paper`. */
  pool?: string | string[];
}

/** A pool of an idx image set: which files, which rows (`to` undefined: to the end), in words. */
export interface IdxPool {
  split: 'train' | 'test';
  from: number;
  to?: number;
  text: string;
}

/** The idx file names of MNIST and Fashion-MNIST, each plain or gzip-compressed (as published). */
export const IDX_FILES = {
  train: [
    ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte'],
    ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte.gz', 'train-labels.idx1-ubyte'],
  ],
  test: [
    ['t10k-images-idx3-ubyte', 't10k-images-idx3-ubyte.gz', 't10k-images.idx3-ubyte'],
    ['t10k-labels-idx1-ubyte', 't10k-labels-idx1-ubyte.gz', 't10k-labels.idx1-ubyte'],
  ],
};

/** Reads an idx image file and its label file into a pool of rows from..to (exclusive). */
export function readIdxImagePool(
  name: string, imagesPath: string, labelsPath: string, from: number, to: number | undefined,
): { x: Float32Array; y: Float32Array; size: number; nInputs: number } {
  const images = parseIdx(readFileSync(imagesPath), imagesPath, 3);
  const labels = parseIdx(readFileSync(labelsPath), labelsPath, 1);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError(labelsPath, `has ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  const end = to ?? count;
  if (from < 0 || end > count || from >= end) {
    throw new UserError(`${name}: pool ${from}…${end - 1} is outside the ${count} images of ${imagesPath}`);
  }
  const nInputs = rows * cols;
  const size = end - from;
  const x = new Float32Array(size * nInputs);
  const src = images.data.subarray(from * nInputs, end * nInputs);
  for (let i = 0; i < src.length; i++) x[i] = src[i] / 255;
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const label = labels.data[from + i];
    if (label > 9) throw new DataError(labelsPath, `label ${label} at record ${from + i} is not a digit 0–9`);
    y[i] = label;
  }
  return { x, y, size, nInputs };
}

/** The named pool of `pools` (default `paper`), or one line saying which names there are. */
export function pickPool(dataset: string, pools: Record<string, IdxPool>, opts: { pool?: string | string[] }): IdxPool {
  const name = opts.pool ?? 'paper';
  const pool = typeof name === 'string' ? pools[name] : undefined;
  if (!pool) throw new UserError(`dataset.pool: ${dataset} takes one of ${Object.keys(pools).join(', ')}, got ${JSON.stringify(opts.pool)}`);
  return pool;
}

/** An idx image set's pool (pixel / 255) read from the located image and label files. */
export function idxImageDataset(name: string, found: Located, pool: IdxPool): RawDataset {
  const { x, y, size, nInputs } = readIdxImagePool(name, found.paths[0], found.paths[1], pool.from, pool.to);
  return {
    name, kind: 'image', task: 'classification', size, nInputs, nOutputs: 10, x, y,
    origin: found.origin, description: pool.text,
  };
}
