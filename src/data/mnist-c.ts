// MNIST-C (Mu & Gilmer, 2019, arXiv:1906.02337): the MNIST images under 15 corruptions, plus
// `identity` (the images unchanged), one fixed severity each; published on Zenodo (record
// 3239543, version 1.0, CC BY 4.0) as mnist_c.zip holding mnist_c/<corruption>/
// {train,test}_{images,labels}.npy: images uint8 N × 28 × 28 × 1, labels int64 (60,000
// training and 10,000 test images per corruption). `dwgd datasets fetch mnist-c` downloads the
// zip (resumable, checked) and unpacks it beside itself; the loader reads the unpacked .npy
// files, or the members of the zip in place when only the zip is there. Pixels / 255, flattened
// 28×28 row-major: the same inputs as data/mnist.ts gives for the same image.
//
// As a dataset (`dataset.name: mnist-c`), `dataset.pool` names the corruption and split:
// `fog` (the test images), `fog/train`; default `identity`. Evaluation code should call
// benchmark-sets.ts instead.

import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { extractOnce, extractZip, readZipMembers } from './formats/archives.js';
import { checkCorruption, imageRows, labelRows, parseMember, type CorruptedImages } from './corrupted-images.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';
import { MNIST_C_CORRUPTIONS } from './benchmark-names.js';

export { MNIST_C_CORRUPTIONS };

export const MNIST_C_ARCHIVE = 'mnist_c.zip';
const TOP = 'mnist_c';


/**
 * Zenodo record 3239543 (MNIST-C v1.0): the record the authors' README links since 7 June 2019
 * (google-research/mnist-c commit bba57e4; from 4 June it had linked 3237938, an earlier record)
 * and TFDS downloads. Size and sha256 as TensorFlow Datasets records them
 * (url_checksums/mnist_corrupted.txt); the same sha256 is pinned by independent download
 * scripts; md5 as Zenodo lists it (and torchvision-style loaders check it).
 */
export const MNIST_C_CANONICAL: CanonicalFile[] = [{
  name: MNIST_C_ARCHIVE,
  urls: ['https://zenodo.org/records/3239543/files/mnist_c.zip?download=1'],
  size: 246_661_575,
  sha256: 'af9ee8c6a815870c7fdde5af84c7bf8db0bcfa1f41056db83871037fba70e493',
  md5: '4b34b33045869ee6d424616cd3a65da3',
  resumable: true,
}];

export interface MnistCPool {
  corruption: string;
  split: 'test' | 'train';
}

/** `dataset.pool` → corruption and split (default: identity, test). */
export function mnistCPool(pool: string | string[] | undefined): MnistCPool {
  if (pool === undefined) return { corruption: 'identity', split: 'test' };
  if (typeof pool !== 'string') throw new UserError(`dataset.pool: mnist-c takes one corruption name (e.g. fog or fog/train), got ${JSON.stringify(pool)}`);
  const [name, split = 'test', ...rest] = pool.split('/');
  if (rest.length || (split !== 'test' && split !== 'train')) throw new UserError(`dataset.pool: '${pool}' is not <corruption> or <corruption>/train (e.g. fog/train)`);
  return { corruption: checkCorruption('mnist-c', MNIST_C_CORRUPTIONS, name, 'dataset.pool'), split };
}

function members(p: MnistCPool): [string, string] {
  return [`${p.corruption}/${p.split}_images.npy`, `${p.corruption}/${p.split}_labels.npy`];
}

export function locateMnistC(opts: { path?: string; pool?: string | string[] } = {}, env: NodeJS.ProcessEnv = process.env): Located {
  const [images, labels] = members(mnistCPool(opts.pool));
  return locate({
    dataset: 'mnist-c',
    // Unpacked under mnist_c/ (as the zip holds them), or a folder that is mnist_c/ itself.
    files: [[`${TOP}/${images}`, images], [`${TOP}/${labels}`, labels]],
    altFiles: [[[MNIST_C_ARCHIVE]]],
    explicitPath: opts.path,
    fetchHint: fetchCommand('mnist-c'),
  }, env);
}

/** The images and labels of one corruption (MNIST-C has one severity). */
export function loadMnistC(corruption: string, opts: { path?: string; split?: 'test' | 'train'; env?: NodeJS.ProcessEnv } = {}): CorruptedImages {
  const pool: MnistCPool = { corruption: checkCorruption('mnist-c', MNIST_C_CORRUPTIONS, corruption, 'corruption'), split: opts.split ?? 'test' };
  const found = locateMnistC({ path: opts.path, pool: pool.split === 'train' ? `${corruption}/train` : corruption }, opts.env);
  const [imagesName, labelsName] = members(pool);
  let parts: { file: string; bytes: Uint8Array }[];
  if (found.paths.length === 1) {
    const zip = found.paths[0];
    const got = readZipMembers(zip, [`${TOP}/${imagesName}`, `${TOP}/${labelsName}`]);
    parts = [...got].map(([name, bytes]) => ({ file: `${zip}:${name}`, bytes }));
  } else {
    parts = found.paths.map((file) => ({ file, bytes: readFileSync(file) }));
  }
  const images = parseMember(parts[0].bytes, parts[0].file, 'mnist-c');
  const labels = parseMember(parts[1].bytes, parts[1].file, 'mnist-c');
  const size = images.shape[0];
  const shape = images.shape.length === 3 ? [28, 28] : [28, 28, 1];
  const x = imageRows(images, parts[0].file, 'mnist-c', shape, 0, size);
  if (labels.shape[0] !== size) throw new UserError(`${parts[1].file}: holds ${labels.shape[0]} labels but ${parts[0].file} holds ${size} images; fetch it again with \`${fetchCommand('mnist-c')}\``);
  const y = labelRows(labels, parts[1].file, 'mnist-c', Array.from({ length: size }, (_, i) => i));
  return {
    set: 'mnist-c', corruption, severity: 1, split: pool.split, size, nInputs: 784, nOutputs: 10, x, y, origin: found.origin,
    description: `MNIST-C ${corruption}, ${size.toLocaleString('en-US')} ${pool.split} images`,
  };
}

function loadAsDataset(opts: DatasetOptions): RawDataset {
  const p = mnistCPool(opts.pool);
  const c = loadMnistC(p.corruption, { path: opts.path, split: p.split });
  return { name: 'mnist-c', kind: 'image', task: 'classification', size: c.size, nInputs: c.nInputs, nOutputs: 10, x: c.x, y: c.y, origin: c.origin, description: c.description };
}

export const mnistCSpec: DatasetSpec = {
  name: 'mnist-c',
  module: import.meta.url,
  title: 'MNIST-C: MNIST under 15 corruptions (a benchmark test set)',
  task: 'classification',
  kind: 'image',
  nInputs: 784,
  nOutputs: 10,
  poolSize: 10_000,
  poolText: 'the 10,000 test images of one corruption (default identity: unchanged)',
  choices: `pool: <corruption> (test images) | <corruption>/train; corruptions: ${MNIST_C_CORRUPTIONS.join(', ')}`,
  preparation: 'pixel / 255, flattened 28×28 (as mnist)',
  origin: 'Mu & Gilmer (2019), arXiv:1906.02337; zenodo.org/records/3239543 (v1.0)',
  licence: 'CC BY 4.0',
  canonical: MNIST_C_CANONICAL,
  verifyChoices: [{ label: 'identity, test images', options: {} }],
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateMnistC(o, env),
  load: loadAsDataset,
  extract: async (dir: string) => { await extractOnce(`${dir}/${MNIST_C_ARCHIVE}`, extractZip); },
};
