// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): idx files like MNIST's, usually gzipped.
// The paper's pool is the 60,000 training images, pixel / 255 (docs/METHOD.md §6). Debian's
// package dataset-fashion-mnist installs the .gz files under /usr/share/datasets/fashion-mnist/
// (recompressed: same images, other bytes than the published .gz).

import { IDX_FILES, idxImageDataset, pickPool, type IdxPool, type ImageOptions } from './idx-images.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';

export const FASHION_POOLS: Record<string, IdxPool> = {
  paper: { split: 'train', from: 0, text: 'all 60,000 training images (the paper\'s pool)' },
  train: { split: 'train', from: 0, text: 'all 60,000 training images' },
  test: { split: 'test', from: 0, text: 'the 10,000 test images' },
};

export const FASHION_PACKAGE_DIR = '/usr/share/datasets/fashion-mnist';

const FASHION_MIRRORS = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];
export const FASHION_CANONICAL: CanonicalFile[] = [
  { name: 'train-images-idx3-ubyte.gz', size: 26_421_880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  { name: 'train-labels-idx1-ubyte.gz', size: 29_515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  { name: 't10k-images-idx3-ubyte.gz', size: 4_422_102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  { name: 't10k-labels-idx1-ubyte.gz', size: 5_148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
].map((f) => ({ ...f, urls: FASHION_MIRRORS.map((base) => base + f.name) }));

function fashionPool(opts: { pool?: string | string[] }): IdxPool {
  return pickPool('fashion-mnist', FASHION_POOLS, opts);
}

export function locateFashion(opts: ImageOptions = {}, env: NodeJS.ProcessEnv = process.env): Located {
  return locate({
    dataset: 'fashion-mnist',
    files: IDX_FILES[fashionPool(opts).split],
    explicitPath: opts.path,
    packageDirs: [FASHION_PACKAGE_DIR],
    fetchHint: `${fetchCommand('fashion-mnist')}\` or \`apt-get install dataset-fashion-mnist`,
  }, env);
}

export function loadFashionMnist(opts: ImageOptions = {}): RawDataset {
  return idxImageDataset('fashion-mnist', locateFashion(opts), fashionPool(opts));
}

export const fashionMnistSpec: DatasetSpec = {
  name: 'fashion-mnist',
  module: import.meta.url,
  title: 'Fashion-MNIST clothing images',
  task: 'classification',
  kind: 'image',
  nInputs: 784,
  nOutputs: 10,
  poolSize: 60_000,
  poolText: FASHION_POOLS.paper.text,
  choices: 'pool: paper = train (all 60,000 training images) | test (10,000)',
  preparation: 'pixel / 255, flattened 28×28',
  origin: 'Xiao, Rasul & Vollgraf (2017), github.com/zalandoresearch/fashion-mnist (MIT)',
  canonical: FASHION_CANONICAL,
  verifyChoices: [{ label: 'training files', options: { pool: 'train' } }, { label: 'test files', options: { pool: 'test' } }],
  packageHint: `Debian package dataset-fashion-mnist (${FASHION_PACKAGE_DIR})`,
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateFashion(o, env),
  load: (o: DatasetOptions) => loadFashionMnist(o),
};
