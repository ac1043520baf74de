// CIFAR-10 (Krizhevsky, 2009), binary version: loose batch files (data_batch_1.bin …,
// test_batch.bin) or the official cifar-10-binary.tar.gz read in place. Which batches form
// the pool is `dataset.pool`; the paper's is data_batch_1 alone (docs/METHOD.md §6). Pixels / 255,
// each image laid out height × width × channel, then flattened to 3,072 inputs.

import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { CIFAR_INPUTS, CIFAR_RECORD, checkCifarBatch, decodeCifarBatch, readTarMembers } from './formats/cifar.js';
import { locate, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { RawDataset } from './types.js';

export const CIFAR_ARCHIVE = 'cifar-10-binary.tar.gz';
/** The folder the official archive unpacks to. */
const ARCHIVE_DIR = 'cifar-10-batches-bin';
const TRAIN_BATCHES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'];

export const CIFAR_POOLS: Record<string, { batches: string[]; text: string }> = {
  paper: { batches: ['data_batch_1'], text: 'data_batch_1 (the paper\'s pool)' },
  train: { batches: TRAIN_BATCHES, text: 'the five training batches' },
  test: { batches: ['test_batch'], text: 'test_batch' },
};

export const CIFAR_CANONICAL: CanonicalFile[] = [{
  name: CIFAR_ARCHIVE,
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
  size: 170_052_171,
  sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
}];

/** The canonical batch files inside the archive (for `dwgd datasets verify` on loose files). */
export const CIFAR_BATCH_SHA256: Record<string, { size: number; sha256: string }> = {
  'data_batch_1.bin': { size: 30_730_000, sha256: 'cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5' },
  'data_batch_2.bin': { size: 30_730_000, sha256: 'a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed' },
  'data_batch_3.bin': { size: 30_730_000, sha256: 'bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67' },
  'data_batch_4.bin': { size: 30_730_000, sha256: '014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48' },
  'data_batch_5.bin': { size: 30_730_000, sha256: '755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add' },
  'test_batch.bin': { size: 30_730_000, sha256: '8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b' },
};

/** The batch names (without .bin) a `dataset.pool` value stands for. */
export function cifarBatches(pool: string | string[] | undefined): { batches: string[]; text: string } {
  if (pool === undefined) return CIFAR_POOLS.paper;
  if (typeof pool === 'string' && CIFAR_POOLS[pool]) return CIFAR_POOLS[pool];
  const names = (Array.isArray(pool) ? pool : [pool]).map((p) => p.replace(/\.bin$/, ''));
  for (const n of names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n)) {
      throw new UserError(`dataset.pool: '${n}' is not a CIFAR-10 batch name (use paper, train, test or batch names like data_batch_2)`);
    }
  }
  if (new Set(names).size !== names.length) throw new UserError(`dataset.pool: batch names repeat in ${JSON.stringify(pool)}`);
  return { batches: names, text: names.join(' + ') };
}

function isArchive(path: string): boolean {
  return /\.(tar\.gz|tgz|tar)$/.test(path);
}

export function locateCifar(opts: { path?: string; pool?: string | string[] } = {}, env: NodeJS.ProcessEnv = process.env): Located {
  const { batches } = cifarBatches(opts.pool);
  return locate({
    dataset: 'cifar-10',
    files: batches.map((b) => [`${b}.bin`, `${ARCHIVE_DIR}/${b}.bin`]),
    altFiles: [[[CIFAR_ARCHIVE]]],
    explicitPath: opts.path,
    fetchHint: fetchCommand('cifar-10'),
  }, env);
}

export function loadCifar10(opts: { path?: string; pool?: string | string[] } = {}): RawDataset {
  const { batches, text } = cifarBatches(opts.pool);
  const found = locateCifar(opts);
  const archive = found.paths.length === 1 && isArchive(found.paths[0]) ? found.paths[0] : null;
  const parts: { file: string; bytes: Uint8Array }[] = [];
  if (archive) {
    const members = readTarMembers(archive, batches.map((b) => `${b}.bin`));
    for (const b of batches) parts.push({ file: `${archive}:${b}.bin`, bytes: members.get(`${b}.bin`)! });
  } else {
    found.paths.forEach((p) => parts.push({ file: p, bytes: readFileSync(p) }));
  }
  const size = parts.reduce((n, p) => n + checkCifarBatch(p.bytes, p.file), 0);
  const x = new Float32Array(size * CIFAR_INPUTS);
  const y = new Float32Array(size);
  let row = 0;
  for (const p of parts) row += decodeCifarBatch(p.bytes, p.file, x, y, row);
  return {
    name: 'cifar-10', kind: 'image', task: 'classification', size, nInputs: CIFAR_INPUTS, nOutputs: 10, x, y,
    origin: found.origin, description: `${text}, ${size.toLocaleString('en-US')} images${archive ? ` read from ${CIFAR_ARCHIVE}` : ''}`,
  };
}

export const cifar10Spec: DatasetSpec = {
  name: 'cifar-10',
  module: import.meta.url,
  title: 'CIFAR-10 tiny images',
  task: 'classification',
  kind: 'image',
  nInputs: CIFAR_INPUTS,
  nOutputs: 10,
  poolSize: 10_000,
  poolText: CIFAR_POOLS.paper.text,
  choices: 'pool: paper (data_batch_1) | train (data_batch_1…5) | test (test_batch) | a list of batch names',
  preparation: `pixel / 255, each ${CIFAR_RECORD - 1}-byte R/G/B-plane record laid out height × width × channel, flattened`,
  origin: 'Krizhevsky (2009), www.cs.toronto.edu/~kriz/cifar.html',
  canonical: CIFAR_CANONICAL,
  knownFiles: CIFAR_BATCH_SHA256,
  locate: (o: DatasetOptions, env?: NodeJS.ProcessEnv) => locateCifar(o, env),
  load: (o: DatasetOptions) => loadCifar10(o),
};
