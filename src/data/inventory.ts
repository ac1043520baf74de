// What `dwgd datasets list | info | verify` report, as data: the CLI prints it as text or
// as JSON. Nothing here writes to the terminal.

import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { checkFile } from './fetch.js';
import { DATASET_SPECS, datasetSpec } from './index.js';
import { candidateDirs, DataNotFoundError, type Located } from './sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from './spec.js';
import type { DataOrigin } from './types.js';

export interface Found {
  kind: DataOrigin['kind'];
  location: string;
  paths: string[];
}

function tryLocate(spec: DatasetSpec, options: Partial<DatasetOptions> = {}): Found | null {
  try {
    const found: Located = spec.locate({ name: spec.name, ...options });
    return { ...found.origin, paths: found.paths };
  } catch (e) {
    if (e instanceof DataNotFoundError) return null;
    throw e;
  }
}

export interface DatasetRow {
  name: string;
  task: DatasetSpec['task'];
  poolSize: number;
  nInputs: number;
  nOutputs: number;
  /** Where the paper's pool was found, or null with the command that gets it. */
  found: Found | null;
  fetch: string;
  /** Bytes `dwgd datasets fetch` downloads (the canonical files). */
  downloadBytes: number;
  /** The publisher's licence, when the spec records one. */
  licence: string | null;
}

export function datasetRows(): DatasetRow[] {
  return DATASET_SPECS.map((spec) => ({
    name: spec.name, task: spec.task, poolSize: spec.poolSize, nInputs: spec.nInputs, nOutputs: spec.nOutputs,
    found: tryLocate(spec), fetch: fetchCommand(spec.name),
    downloadBytes: spec.canonical.reduce((a, f) => a + f.size, 0), licence: spec.licence ?? null,
  }));
}

export interface DatasetDetails extends Omit<DatasetRow, 'found'> {
  title: string;
  poolText: string;
  preparation: string;
  choices: string;
  origin: string;
  /** One entry per choice `verify` checks (e.g. MNIST's training and test files). */
  found: { label: string; found: Found | null }[];
  /** Folders searched after dataset.path, in order. */
  lookedIn: string[];
  packageHint?: string;
  canonical: CanonicalFile[];
  /** Other files with a recorded size and sha256 (a package's decompressed copies, archive members). */
  knownFiles: Record<string, { size: number; sha256: string }>;
}

export function datasetDetails(name: string): DatasetDetails {
  const spec = datasetSpec(name);
  const choices = spec.verifyChoices ?? [{ label: 'default', options: {} }];
  return {
    name: spec.name, task: spec.task, poolSize: spec.poolSize, nInputs: spec.nInputs, nOutputs: spec.nOutputs, fetch: fetchCommand(spec.name),
    downloadBytes: spec.canonical.reduce((a, f) => a + f.size, 0), licence: spec.licence ?? null,
    title: spec.title, poolText: spec.poolText, preparation: spec.preparation, choices: spec.choices, origin: spec.origin,
    found: choices.map((c) => ({ label: c.label, found: tryLocate(spec, c.options) })),
    lookedIn: candidateDirs({ dataset: spec.name, files: [] }).map((c) => c.dir),
    packageHint: spec.packageHint,
    canonical: spec.canonical,
    knownFiles: spec.knownFiles ?? {},
  };
}

export interface FileCheck {
  file: string;
  path: string;
  /**
   * ok: size and sha256 match the record; mismatch: they do not (a problem); repackaged: a
   * package's copy that differs from the published bytes (Debian recompresses), judged by
   * reading it; unrecorded: no checksum for this name, judged by reading it.
   */
  status: 'ok' | 'mismatch' | 'repackaged' | 'unrecorded';
  size?: number;
  problem?: string;
}

export interface VerifyEntry {
  dataset: string;
  /** Which choice of the dataset (e.g. "training files"), null when it has one. */
  choice: string | null;
  status: 'ok' | 'missing' | 'bad';
  found: Found | null;
  files: FileCheck[];
  /** After a full read: the pool's description, samples and inputs; or why it could not be read. */
  read?: { description: string; samples: number; inputs: number } | { error: string };
  /** For a missing dataset: the command that gets it. */
  fetch?: string;
}

export interface VerifyReport {
  entries: VerifyEntry[];
  checked: number;
  missing: number;
  bad: number;
  /** true when everything asked for is there and checks out. */
  ok: boolean;
}

/** Recorded size and sha256 for a file name, if this dataset has one. */
function recorded(spec: DatasetSpec, name: string): Pick<CanonicalFile, 'size' | 'sha256'> | null {
  return spec.canonical.find((f) => f.name === name) ?? spec.knownFiles?.[name] ?? null;
}

/**
 * Checks every file a dataset's choices need against the recorded checksums, then reads it.
 * `name` absent: every dataset, and a missing one counts against the result as a bad one does.
 */
export async function verifyDatasets(name?: string): Promise<VerifyReport> {
  const specs = name ? [datasetSpec(name)] : DATASET_SPECS;
  const entries: VerifyEntry[] = [];
  for (const spec of specs) {
    const choices = spec.verifyChoices ?? [{ label: 'paper pool', options: {} }];
    for (const choice of choices) {
      const found = tryLocate(spec, choice.options);
      const entry: VerifyEntry = { dataset: spec.name, choice: choices.length > 1 ? choice.label : null, status: 'ok', found, files: [] };
      entries.push(entry);
      if (!found) {
        entry.status = 'missing';
        entry.fetch = fetchCommand(spec.name);
        continue;
      }
      for (const p of found.paths) {
        const file = basename(p);
        const want = recorded(spec, file);
        if (!want) {
          entry.files.push({ file, path: p, status: 'unrecorded' });
          continue;
        }
        const check = await checkFile(p, { name: file, urls: [], ...want });
        if (check.ok) entry.files.push({ file, path: p, status: 'ok', size: want.size });
        else if (found.kind === 'package') entry.files.push({ file, path: p, status: 'repackaged', problem: check.problem });
        else {
          entry.status = 'bad';
          entry.files.push({ file, path: p, status: 'mismatch', problem: check.problem });
        }
      }
      try {
        const raw = spec.load({ name: spec.name, ...choice.options });
        let nan = 0;
        for (let i = 0; i < raw.x.length; i++) if (!Number.isFinite(raw.x[i])) nan++;
        for (let i = 0; i < raw.y.length; i++) if (!Number.isFinite(raw.y[i])) nan++;
        if (nan > 0) throw new UserError(`${nan} values are not finite numbers`);
        entry.read = { description: raw.description, samples: raw.size, inputs: raw.nInputs };
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        entry.status = 'bad';
        entry.read = { error: e.message };
      }
    }
  }
  const count = (s: VerifyEntry['status']) => entries.filter((e) => e.status === s).length;
  const missing = count('missing');
  const bad = count('bad');
  return { entries, checked: entries.length - missing, missing, bad, ok: missing === 0 && bad === 0 };
}
