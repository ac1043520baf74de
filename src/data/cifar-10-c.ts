// CIFAR-10-C (Hendrycks & Dietterich, ICLR 2019): the 10,000 CIFAR-10 test images under 19
// corruptions (the 15 of the benchmark and 4 extra ones), each at severities 1–5; published on
// Zenodo (record 2535967) as CIFAR-10-C.tar holding CIFAR-10-C/<corruption>.npy (uint8
// 50,000 × 32 × 32 × 3: severity 1's 10,000 images, then severity 2's, … 5's) and
// CIFAR-10-C/labels.npy (the 10,000 labels, repeated for each severity). `dwgd datasets fetch
// cifar-10-c` downloads the tar (2.9 GB; resumable, checked) and unpacks it beside itself; the
// loader reads the unpacked .npy files, or the members of the tar in place when only the tar is
// there. Pixels / 255 in height × width × channel order: the same inputs data/cifar-10.ts gives
// for the same image.
//
// As a dataset (`dataset.name: cifar-10-c`), `dataset.pool` is `<corruption>/<severity>`
// (e.g. fog/3); default gaussian_noise/5. Evaluation code should call benchmark-sets.ts.

import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { CIFAR_INPUTS, CIFAR_SIDE, readTarMembers } from './formats/cifar.js';
import { extractOnce, extractTar } from './formats/archives.js';
import { checkCorruption, imageRows, labelRows, parseMember, type CorruptedImages } from './corrupted-images.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';
import { CIFAR_10_C_BENCHMARK, CIFAR_10_C_CORRUPTIONS, CIFAR_10_C_EXTRA, CIFAR_10_C_SEVERITIES } from './benchmark-names.js';

export { CIFAR_10_C_BENCHMARK, CIFAR_10_C_CORRUPTIONS, CIFAR_10_C_EXTRA, CIFAR_10_C_SEVERITIES };

export const CIFAR_10_C_ARCHIVE = 'CIFAR-10-C.tar';
const TOP = 'CIFAR-10-C';

/**
 * Zenodo record 2535967 (v1, 9 January 2019). Size and sha256 as TensorFlow Datasets records
 * them (url_checksums/cifar10_corrupted.txt); md5 as Zenodo lists it.
 */
export const CIFAR_10_C_CANONICAL: CanonicalFile[] = [{
  name: CIFAR_10_C_ARCHIVE,
  urls: ['https://zenodo.org/records/2535967/files/CIFAR-10-C.tar?download=1'],
  size: 2_918_471_680,
  sha256: 'c72763e101c723b7c507b96205f7e938912a5d587376173b825850cf3cb876a7',
  md5: '56bf5dcef84df0e2308c6dcbcbbd8499',
  resumable: true,
}];

/** `dataset.pool` → corruption and severity (default gaussian_noise/5). */
export function cifar10CPool(pool: string | string[] | undefined): { corruption: string; severity: number } {
  if (pool === undefined) return { corruption: 'gaussian_noise', severity: 5 };
  const m = typeof pool === 'string' ? /^([a-z_]+)\/([1-5])$/.exec(pool) : null;
  if (!m) throw new UserError(`dataset.pool: cifar-10-c takes <corruption>/<severity 1–5> (e.g. fog/3), got ${JSON.stringify(pool)}`);
  return { corruption: checkCorruption('cifar-10-c', CIFAR_10_C_CORRUPTIONS, m[1], 'dataset.pool'), severity: Number(m[2]) };
}

export function locateCifar10C(opts: { path?: string; pool?: string | string[] } = {}, env: NodeJS.ProcessEnv = process.env): Located {
  const { corruption } = cifar10CPool(opts.pool);
  return locate({
    dataset: 'cifar-10-c',
    files: [[`${TOP}/${corruption}.npy`, `${corruption}.npy`], [`${TOP}/labels.npy`, 'labels.npy']],
    altFiles: [[[CIFAR_10_C_ARCHIVE]]],
    explicitPath: opts.path,
    fetchHint: fetchCommand('cifar-10-c'),
  }, env);
}

/** The images and labels of one corruption at one severity (1–5). */
export function loadCifar10C(corruption: string, severity: number, opts: { path?: string; env?: NodeJS.ProcessEnv } = {}): CorruptedImages {
  checkCorruption('cifar-10-c', CIFAR_10_C_CORRUPTIONS, corruption, 'corruption');
  if (!CIFAR_10_C_SEVERITIES.includes(severity as 1)) throw new UserError(`severity: cifar-10-c has severities 1–5, got ${severity}`);
  const found = locateCifar10C({ path: opts.path, pool: `${corruption}/${severity}` }, opts.env);
  let parts: { file: string; bytes: Uint8Array }[];
  if (found.paths.length === 1) {
    const tar = found.paths[0];
    const got = readTarMembers(tar, [`${corruption}.npy`, 'labels.npy']);
    parts = [`${corruption}.npy`, 'labels.npy'].map((name) => ({ file: `${tar}:${TOP}/${name}`, bytes: got.get(name)! }));
  } else {
    parts = found.paths.map((file) => ({ file, bytes: readFileSync(file) }));
  }
  const images = parseMember(parts[0].bytes, parts[0].file, 'cifar-10-c');
  const labels = parseMember(parts[1].bytes, parts[1].file, 'cifar-10-c');
  const total = images.shape[0];
  if (total % 5 !== 0) throw new UserError(`${parts[0].file}: ${total} images are not five equal severities; fetch it again with \`${fetchCommand('cifar-10-c')}\``);
  const per = total / 5;
  const from = (severity - 1) * per;
  const x = imageRows(images, parts[0].file, 'cifar-10-c', [CIFAR_SIDE, CIFAR_SIDE, 3], from, from + per);
  // labels.npy repeats the test labels once per severity; a file with them once serves too.
  const offset = labels.shape[0] === total ? from : 0;
  const y = labelRows(labels, parts[1].file, 'cifar-10-c', Array.from({ length: per }, (_, i) => offset + i));
  return {
    set: 'cifar-10-c', corruption, severity, split: 'test', size: per, nInputs: CIFAR_INPUTS, nOutputs: 10, x, y, origin: found.origin,
    description: `CIFAR-10-C ${corruption} severity ${severity}, ${per.toLocaleString('en-US')} test images`,
  };
}

function loadAsDataset(opts: DatasetOptions): RawDataset {
  const p = cifar10CPool(opts.pool);
  const c = loadCifar10C(p.corruption, p.severity, { path: opts.path });
  return { name: 'cifar-10-c', kind: 'image', task: 'classification', size: c.size, nInputs: c.nInputs, nOutputs: 10, x: c.x, y: c.y, origin: c.origin, description: c.description };
}

export const cifar10CSpec: DatasetSpec = {
  name: 'cifar-10-c',
  module: import.meta.url,
  title: 'CIFAR-10-C: CIFAR-10 test images under 19 corruptions × 5 severities (a benchmark test set)',
  task: 'classification',
  kind: 'image',
  nInputs: CIFAR_INPUTS,
  nOutputs: 10,
  poolSize: 10_000,
  poolText: 'the 10,000 test images under one corruption at one severity (default gaussian_noise/5)',
  choices: `pool: <corruption>/<severity 1–5>; corruptions: ${CIFAR_10_C_CORRUPTIONS.join(', ')}`,
  preparation: 'pixel / 255, laid out height × width × channel, flattened (as cifar-10)',
  origin: 'Hendrycks & Dietterich (2019), ICLR; zenodo.org/records/2535967',
  licence: 'CC BY 4.0 (unconfirmed)',
  canonical: CIFAR_10_C_CANONICAL,
  verifyChoices: [{ label: 'gaussian_noise, severity 5', options: {} }],
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateCifar10C(o, env),
  load: loadAsDataset,
  extract: async (dir: string) => { await extractOnce(`${dir}/${CIFAR_10_C_ARCHIVE}`, extractTar); },
};
