// What every dataset adapter declares about itself: shape, pool, preparation, where its
// canonical files live upstream (with size and sha256), how to find and how to load it.
// `dwgd datasets list|info|fetch|verify` and the registry work from these declarations.

import type { Located } from './sources.js';
import type { RawDataset, Task } from './types.js';

export interface DatasetOptions {
  name: string;
  path?: string;
  pool?: string | string[];
  variant?: string;
  /** Allow a checked download into datasets/<name>/ when the data are not found. */
  download?: boolean;
  /** name: csv only (csv-dataset.ts): the target column, feature columns, task and separator. */
  target?: string;
  features?: string[];
  task?: string;
  delimiter?: string;
}

/** One file as its publisher distributes it: checked by size and sha256 after a fetch. */
export interface CanonicalFile {
  /** File name in datasets/<name>/ (the upstream name). */
  name: string;
  /** Where to get it, tried in order (the first is the canonical location, later ones mirrors). */
  urls: string[];
  size: number;
  sha256: string;
  /** The md5 its publisher lists (Zenodo does), for reference; the check is size and sha256. */
  md5?: string;
  /** A large archive: a broken download keeps its bytes and the next fetch resumes (download.ts). */
  resumable?: boolean;
}

export interface DatasetSpec {
  name: string;
  /**
   * The module that defines the spec (its `import.meta.url`): the code fingerprint of a run
   * (experiment/provenance.ts) covers it and what it imports (its file formats).
   */
  module: string;
  title: string;
  task: Task;
  kind: 'image' | 'tabular';
  nInputs: number;
  nOutputs: number;
  /** Size of the default (the paper's) pool. */
  poolSize: number;
  /** One line on the default pool. */
  poolText: string;
  /** One line on the config choices (`dataset.pool`, `dataset.variant`). */
  choices: string;
  /** docs/METHOD.md §6 in one line. */
  preparation: string;
  /** Upstream, citation. */
  origin: string;
  canonical: CanonicalFile[];
  /** Other files with a recorded size and sha256 (e.g. the batches inside CIFAR-10's archive). */
  knownFiles?: Record<string, { size: number; sha256: string }>;
  /** The option sets `dwgd datasets verify` checks (default: the paper's, `{}`). */
  verifyChoices?: { label: string; options: Partial<DatasetOptions> }[];
  /** The licence the publisher gives, when it names one (shown by `dwgd datasets list` and `info`). */
  licence?: string;
  /**
   * After `dwgd datasets fetch` has the canonical files in `dir` (verified): unpack what the
   * loader reads from them (an archive's members) into `dir`, unless already there.
   */
  extract?(dir: string): Promise<void>;
  /** Where else the data may already be on the machine (shown by `dwgd datasets info`). */
  packageHint?: string;
  /** Finds the files the given options need, without reading them. */
  locate(opts: DatasetOptions, env?: NodeJS.ProcessEnv): Located;
  load(opts: DatasetOptions): RawDataset;
}

/** The command that gets a dataset, as README writes every command: run in the checkout after `npm ci`, no registry involved. */
export function fetchCommand(name: string): string {
  return `node bin/dwgd.js datasets fetch ${name}`;
}
