// Tests call the pipelines as the CLI does: the flags parsed (study-options.ts), then the study
// pipeline with a preset; `dwgd report` with its figure options filled.

import { SYNTHETIC_LOADER } from '../../experiment/testing/paths.js';
import { runReport as runReportTyped, type ReportFlags } from '../../results/merge.js';
import { runStudyCommand, type StudyHooks, type StudyOutcome } from '../../results/study.js';
import { studyOptions, type RawStudyFlags } from '../study-options.js';

export type { RawStudyFlags } from '../study-options.js';

/** Flags of a quiet study on the synthetic datasets (experiment/testing/synthetic.ts), writing into `out`. */
export function testFlags(config: string | string[], out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return { config, set: [], only: [], out, loaderUrl: SYNTHETIC_LOADER, quiet: true, ...extra };
}

/** A small MNIST experiment (2 methods, 2 turns × 150 steps) that the study tests run in process. */
export const SMALL_CONFIG = `name: small
dataset: { name: mnist }
hidden: [6]
trainSize: 40
turns: 2
stepsPerTurn: 150
lr: 0.05
methods: [dwm, sgd]
seed: 5
`;

/** testFlags with no worker threads (the runs in this process). */
export function inProcessFlags(config: string, out: string, extra: Partial<RawStudyFlags> = {}): RawStudyFlags {
  return testFlags(config, out, { workers: '0', ...extra });
}

export async function runCompare(flags: RawStudyFlags, hooks: StudyHooks = {}): Promise<StudyOutcome> {
  return runStudyCommand(studyOptions('compare', flags), hooks);
}

export async function runSweep(flags: RawStudyFlags, hooks: StudyHooks = {}): Promise<StudyOutcome> {
  return runStudyCommand(studyOptions('sweep', flags), hooks);
}

export async function runTrain(flags: RawStudyFlags, hooks: StudyHooks = {}): Promise<StudyOutcome> {
  return runStudyCommand(studyOptions('train', flags), hooks);
}

export async function runReport(flags: Omit<ReportFlags, 'figures'> & { json?: boolean }) {
  const { json: _j, ...rest } = flags;
  return runReportTyped({ ...rest, figures: {} });
}
