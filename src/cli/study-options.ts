// The flags of train, compare and sweep parsed once, here, into the typed options of the study
// pipeline (results/study.ts). Nothing below the CLI reads option text or the environment for
// an option.

import { resolve } from 'node:path';
import { wholeNumber } from '../config/flags.js';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { parseOnly, type Preset } from '../experiment/plan.js';
import { defaultWorkers } from '../experiment/pool.js';
import { parseShard } from '../experiment/shard.js';
import { parseMseScale } from '../results/plots.js';
import { CORRECTIONS, type Correction } from '../results/stats.js';
import type { StudyOptions } from '../results/study.js';

/** The options commander hands a study command (text as typed). */
export interface RawStudyFlags {
  config: string | string[];
  set?: string[];
  only?: string[];
  seeds?: string;
  workers?: string;
  name?: string;
  out: string;
  resume?: boolean;
  dryRun?: boolean;
  shard?: string;
  emit?: string;
  shards?: string;
  sbatch?: string[];
  sbatchReport?: string[];
  setup?: string[];
  dwgd?: string;
  allowLarge?: boolean;
  saveWeights?: boolean;
  download?: boolean;
  mseScale?: string;
  logY?: boolean;
  correction?: string;
  robustBaseline?: string;
  json?: boolean;
  quiet?: boolean;
  /** Tests: a dataset loader module and an authors' numbers file. */
  loaderUrl?: string;
  authorsFile?: string;
}

/** A results folder: a non-empty path (its kind is checked before anything runs). */
function outFlag(out: string): string {
  if (out.trim() === '') throw new UserError("--out '': an empty path; give a folder (e.g. --out results)");
  return out;
}

/** --correction: bh, by or holm (default bh). */
export function parseCorrection(text: string | undefined): Correction {
  if (text === undefined) return 'bh';
  if ((CORRECTIONS as readonly string[]).includes(text)) return text as Correction;
  throw new UserError(`--correction ${JSON.stringify(text)}: give one of ${CORRECTIONS.join(', ')}`);
}

export function studyOptions(preset: Preset, f: RawStudyFlags): StudyOptions {
  const files = Array.isArray(f.config) ? f.config : [f.config];
  const sets = (f.set ?? []).map(parseOverride);
  if (f.saveWeights) sets.push(parseOverride('saveWeights=true'));
  if (f.download) sets.push(parseOverride('dataset.download=true'));
  const shard = f.shard === undefined ? null : parseShard(f.shard);
  if (f.emit !== undefined && f.emit !== 'slurm') throw new UserError(`--emit ${f.emit}: the only target is slurm`);
  if (f.emit && shard) throw new UserError('--emit slurm: give no --shard; the script runs every shard');
  if (!f.emit) {
    for (const [set, name] of [[f.shards !== undefined, '--shards'], [(f.sbatch ?? []).length > 0, '--sbatch'], [(f.sbatchReport ?? []).length > 0, '--sbatch-report'],
      [(f.setup ?? []).length > 0, '--setup'], [f.dwgd !== undefined, '--dwgd']] as const) {
      if (set) throw new UserError(`${name}: only with --emit slurm`);
    }
  }
  const seeds = wholeNumber('--seeds', f.seeds, 1);
  const out = outFlag(f.out);
  const options: StudyOptions = {
    preset, files, sets, only: (f.only ?? []).map(parseOnly), seeds, name: f.name, allowLarge: f.allowLarge === true,
    out, workers: preset === 'train' ? 1 : wholeNumber('--workers', f.workers, 0) ?? Math.max(1, defaultWorkers()),
    resume: f.resume === true, dryRun: f.dryRun === true, shard, emit: null, loaderUrl: f.loaderUrl, authorsFile: f.authorsFile,
    figures: { logY: f.logY === true, mseScale: parseMseScale(f.mseScale) },
    stats: { correction: parseCorrection(f.correction) },
    ...(f.robustBaseline !== undefined ? { robustBaseline: f.robustBaseline } : {}),
  };
  if (f.emit === 'slurm') {
    const args = [preset, ...files.flatMap((c) => ['--config', c]), ...(seeds !== undefined ? ['--seeds', String(seeds)] : []),
      ...(f.only ?? []).flatMap((o) => ['--only', o]), ...(f.set ?? []).flatMap((s) => ['--set', s]),
      ...(f.name ? ['--name', f.name] : []), ...(f.saveWeights ? ['--save-weights'] : []), ...(f.allowLarge ? ['--allow-large'] : []), '--out', resolve(out)];
    options.emit = {
      args, shards: wholeNumber('--shards', f.shards, 1), sbatch: f.sbatch ?? [], sbatchReport: f.sbatchReport ?? [], setup: f.setup ?? [], dwgd: f.dwgd,
      dataDir: process.env.DWGD_DATA_DIR,
    };
  }
  return options;
}
