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
