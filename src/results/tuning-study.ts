// `dwgd tune`: the two stages of a comparison with an equal tuning budget (experiment/tuning.ts),
// each an ordinary study run by the study pipeline (planned, sharded, resumed and reported like
// any other):
//
//   <out>/tune/<name>/tuning/   every trial of every method, one run per training point × method
//                               × tuning seed, scored on the validation split; its reporter
//                               writes selection.json, TUNING.md and the sensitivity figures
//   <out>/tune/<name>/final/    per training point, each method's default and chosen setting
//                               retrained on fresh seeds and scored at the study's evaluation
//                               points (evaluate:; the tuning runs score none); its reporters
//                               judge the comparisons (REPORT.md) and, when those points hold
//                               corruptions, write ROBUSTNESS.md
//
// The final stage is planned from the tuning stage's table, so it starts when that table exists
// (`--stage final` after the tuning shards were merged with `dwgd report`).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shownPath } from '../config/quote.js';
import { evalPoints } from '../data/eval-axes/index.js';
import { UserError } from '../errors.js';
import { fetchMissing } from '../data/index.js';
import { dataLocator, downloadsOf } from '../experiment/locate-data.js';
import { identifyStudy, parseStudyJson, readSources, STUDY_FILE, studyFromSources, type GridSource } from '../experiment/plan.js';
import { expandTrials, finalEntries, parseTune, type TuneSection } from '../experiment/tuning.js';
import { runStudyCommand, studyDir, type StudyHooks, type StudyOptions, type StudyOutcome } from './study.js';
import { hasTable, readTable, runViews, TABLE_FILE } from './table.js';
import { tunedCells, type TunedCell } from './tuning-report.js';

export const TUNE_STAGES = ['both', 'tuning', 'final'] as const;
export type TuneStage = (typeof TUNE_STAGES)[number];

export interface TuneOptions extends Omit<StudyOptions, 'preset' | 'sources'> {
  /** Which stages to run: both (default), or one (shards and Slurm run one stage at a time). */
  stage: TuneStage;
  /**
   * With stage final: the finished tuning stage to take the chosen settings from, instead of
   * <out>/tune/<name>/tuning (--tuning). Its runs must be this study file's tuning runs.
   */
  tuningDir?: string;
}

export interface TuneOutcome {
  tuning: StudyOutcome | null;
  final: StudyOutcome | null;
  /** The chosen settings (null when the tuning stage was not finished here). */
  cells: TunedCell[] | null;
}

/** The study file of a tune command, with its tune section checked. */
export function readTuneSource(o: Pick<TuneOptions, 'files' | 'sets'>): { src: GridSource; tune: TuneSection } {
  if (o.files.length !== 1) throw new UserError(`--config: dwgd tune takes one study file (got ${o.files.length})`);
  const [src] = readSources({ preset: 'compare', files: o.files, sets: o.sets });
  const where = `config ${shownPath(o.files[0])}`;
  if (src.tune === undefined) throw new UserError(`${where}: no tune: section (a study file for dwgd tune has base:, grid: and tune:; see configs/fair/)`);
  const tune = parseTune(src.tune, where);
  if (src.base.validation === undefined) {
    throw new UserError(`${where}: base.validation is not set; tuning selects on a validation split, never on the test set (add validation: {} for the default size)`);
  }
  return { src, tune };
}

/**
 * The keys of a study's base that only say how a trained model is scored beyond the clean and the
 * paper's noisy test: the evaluation axes (`evaluate`, the study file's `evaluate:` and any grid
 * key that is an evaluation axis) and the settings that only they use (the corrupted points'
 * subsample, the attacks'). The tuning stage leaves them out; the final stage scores them.
 */
export const FINAL_ONLY_KEYS = ['evaluate', 'corrupted', 'attack'] as const;

function withoutFinalOnly(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const k of FINAL_ONLY_KEYS) delete out[k];
  return out;
}

/**
 * The tuning stage's sources: one per method, its trials as the methods of every run. Selection
 * reads the validation split only, so the runs score no test set (testEvery: never: no per-turn
 * test pass, no evaluation points); their training and validation numbers are those of the same
 * runs with the test set scored. The study's evaluation axes are the final stage's (they are not
 * in a run's id, so the tuning runs of a study with and without them are the same runs, and
 * their configs the same too).
 */
export function tuningSources(src: GridSource, tune: TuneSection): GridSource[] {
  const trials = expandTrials(tune);
  return Object.keys(tune.methods).map((method) => ({
    ...src,
    base: { ...withoutFinalOnly(structuredClone(src.base)), testEvery: 'never', methods: trials.filter((t) => t.method === method).map((t) => t.entry) },
  }));
}

/**
 * The final stage's sources: one per training point, its config as the tuning stage resolved
 * it, with each method's default and chosen setting, seeds that start finalSeedOffset above
 * the point's first tuning seed (so never a tuning seed), and the study's evaluation axes and
 * their settings (FINAL_ONLY_KEYS, as the study file declares them now: a tuning stage made
 * before they were added, or with others, serves as well).
 */
export function finalSources(src: GridSource, tune: TuneSection, cells: TunedCell[]): GridSource[] {
  return cells.map((c) => {
    // The final runs score the test set as the study file says (the tuning stage's testEvery: never is its own).
    const { name: _n, testEvery: _t, ...rest } = structuredClone(c.config);
    const config = withoutFinalOnly(rest);
    if (src.base.testEvery !== undefined) config.testEvery = src.base.testEvery;
    for (const k of FINAL_ONLY_KEYS) if (src.base[k] !== undefined) config[k] = structuredClone(src.base[k]);
    return {
      file: src.file, name: src.name, description: src.description, grid: true, axes: [], tune: src.tune,
      base: { ...config, methods: finalEntries(tune, c.selections), seed: c.seeds[0] + tune.finalSeedOffset },
    };
  });
}

/** The tuning stage's chosen settings, read back from its folder (study.json and table.csv). */
export function readTunedCells(dir: string, tune: TuneSection): TunedCell[] {
  const studyFile = join(dir, STUDY_FILE);
  if (!existsSync(studyFile) || !hasTable(dir)) {
    throw new UserError(`${dir}: the tuning stage is not finished (no ${existsSync(studyFile) ? TABLE_FILE : STUDY_FILE}); run --stage tuning first (and \`node bin/dwgd.js report\` on its folder after shards)`);
  }
  const study = parseStudyJson(readFileSync(studyFile, 'utf8'), studyFile);
  const table = readTable(dir);
  const views = runViews(table.text, table.file, { name: study.name, points: evalPoints });
  return tunedCells(views, expandTrials(tune));
}

/**
 * --tuning: a finished tuning stage made elsewhere serves this study file's final stage only when
 * its runs are this file's tuning runs (same ids, so the same configs and data; a study that
 * differs only in its evaluation keys plans the same tuning runs). The tuning runs this file
 * plans (all of them, whatever --only keeps), identified with their data as the pipeline
 * identifies them, and no other must be in the folder's study.json. When data are missing the
 * ids cannot be known; the check is left to the final stage, which stops on the missing data.
 */
export function checkTuningFolder(dir: string, src: GridSource, tune: TuneSection, o: Pick<TuneOptions, 'files' | 'allowLarge' | 'loaderUrl'>, name: string): void {
  const studyFile = join(dir, STUDY_FILE);
  if (!existsSync(studyFile)) throw new UserError(`--tuning ${shownPath(dir)}: no ${STUDY_FILE} there (give the tuning folder of a finished tuning stage, …/tune/<name>/tuning)`);
  const theirs = new Set(parseStudyJson(readFileSync(studyFile, 'utf8'), studyFile).runs.map((r) => r.id));
  const draft = studyFromSources('tune', tuningSources(src, tune), { files: o.files, only: [], seeds: tune.seeds, name, allowLarge: o.allowLarge });
  const data = dataLocator();
  const { runs: mine, missing } = identifyStudy(draft, { identify: o.loaderUrl ? undefined : data.identify, identifyBenchmark: data.identifyBenchmark, missingOk: true });
  if (missing.length > 0) return;
  const mineIds = new Set(mine.map((r) => r.id));
  const absent = mine.filter((r) => !theirs.has(r.id));
  const extra = [...theirs].filter((id) => !mineIds.has(id));
  if (absent.length > 0 || extra.length > 0) {
    const what = absent.length > 0
      ? `${absent.length} of its ${mine.length} tuning runs are not there (e.g. ${absent[0].id}, ${absent[0].label})`
      : `the folder holds ${extra.length} tuning runs it does not plan (e.g. ${extra[0]})`;
    throw new UserError(`--tuning ${shownPath(dir)}: not the tuning stage of config ${shownPath(o.files[0])}: ${what}; the study files must agree on base:, grid: and tune: (evaluate:, corrupted: and attack: aside)`);
  }
}

/**
 * --robust-baseline of a tune command: one of the final stage's methods (`<method>-default` or
 * `<method>-tuned`), checked before anything runs (its default, sgd-default, needs no check:
 * the robustness report falls back to the first method and says so).
 */
export function checkRobustBaseline(asked: string | undefined, tune: TuneSection): void {
  if (asked === undefined) return;
  const methods = Object.keys(tune.methods).flatMap((m) => [`${m}-default`, `${m}-tuned`]);
  if (!methods.includes(asked)) throw new UserError(`--robust-baseline ${asked}: not a method of the final stage (its methods: ${methods.join(', ')})`);
}

/**
 * The data only the final stage reads (a published benchmark set its evaluate: scores), found
 * before the tuning stage trains anything, so that a missing set stops `dwgd tune` at once, as it
 * stops any other study, rather than after hours of tuning (with dataset.download it is fetched
 * now). The study file is planned as it stands, its evaluation axes included; returns what is
 * missing (a dry run lists it; otherwise a missing set is a UserError).
 */
async function finalDataPreflight(o: TuneOptions, src: GridSource, name: string, hooks: StudyHooks): Promise<string[]> {
  if (!FINAL_ONLY_KEYS.some((k) => src.base[k] !== undefined)) return [];
  const draft = studyFromSources('fair', [src], { files: o.files, only: o.only, seeds: 1, name, allowLarge: o.allowLarge });
  if (!o.dryRun && !o.emit) {
    const fetching = hooks.fetching?.();
    await fetchMissing(draft.runs.flatMap((r) => downloadsOf(r.config)), { events: fetching?.events }).finally(() => fetching?.stop());
  }
  const data = dataLocator();
  return identifyStudy(draft, { identify: o.loaderUrl ? undefined : data.identify, identifyBenchmark: data.identifyBenchmark, missingOk: o.dryRun }).missing;
}

export async function runTuneCommand(o: TuneOptions, hooks: StudyHooks = {}): Promise<TuneOutcome> {
  const { src, tune } = readTuneSource(o);
  checkRobustBaseline(o.robustBaseline, tune);
  const name = o.name ?? src.name;
  const common = { ...o, name };
  let tuning: StudyOutcome | null = null;
  if (o.stage !== 'final') {
    const finalMissing = await finalDataPreflight(o, src, name, hooks);
    tuning = await runStudyCommand({ ...common, preset: 'tune', sources: tuningSources(src, tune), seeds: tune.seeds }, hooks);
    for (const m of finalMissing) if (!tuning.missing.includes(m)) tuning.missing.push(m);
    if (o.stage === 'tuning' || !tuning.reported) return { tuning, final: null, cells: (tuning.reports.tune as TunedCell[] | undefined) ?? null };
  }
  if (o.tuningDir !== undefined) checkTuningFolder(o.tuningDir, src, tune, o, name);
  const cells = (tuning?.reports.tune as TunedCell[] | undefined) ?? readTunedCells(o.tuningDir ?? studyDir('tune', o.out, name), tune);
  const final = await runStudyCommand({ ...common, preset: 'fair', sources: finalSources(src, tune, cells), seeds: o.seeds ?? tune.finalSeeds }, hooks);
  return { tuning, final, cells };
}
