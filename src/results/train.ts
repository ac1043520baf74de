// The `dwgd train` pipeline, callable without the CLI: one experiment (a plan of one point, so
// the same override applier, run id and run record as compare and sweep), run off the main
// thread, stored as a run folder. The caller renders: it passes hooks for the download and the
// run's progress and prints the outcome.

import { resolve } from 'node:path';
import { parseOverride } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { fetchMissing } from '../data/index.js';
import type { FetchEvents } from '../data/fetch.js';
import { type BackgroundEvents, runInBackground } from '../experiment/background.js';
import { dataLocator } from '../experiment/locate-data.js';
import { datasetKey, loadExperiment, planWarnings, type Identify, type RunSpec } from '../experiment/plan.js';
import { recordOf } from '../experiment/pool.js';
import { codeIdentity, type Provenance, provenance } from '../experiment/provenance.js';
import type { RunResult } from '../experiment/run.js';
import { lockFolder } from './lock.js';
import { checkOutDir, estimateRunOutputBytes, saveWithRescue } from './out-dir.js';
import { readStoredRun, type SavedWeights, type StoredRun, storedRun, writeRunFolder } from './run-record.js';

export interface TrainFlags {
  config: string;
  set: string[];
  out: string;
  saveWeights: boolean;
  download: boolean;
}

export interface TrainHooks {
  /** A notice for the user (a warning, a folder about to be replaced). */
  log?(line: string): void;
  /** What to tell while a missing dataset is downloaded; `stop` when done. */
  fetching?(): { events: FetchEvents; stop(): void };
  /** The run's progress display for this config; `stop` when the run ends (also on failure). */
  progress?(config: ExperimentConfig): { events: BackgroundEvents; stop(): void };
}

export interface TrainOutcome {
  spec: RunSpec;
  stored: StoredRun;
  provenance: Provenance;
  /** Where the run folder went (a rescue folder when the results folder failed after training). */
  dir: string;
  /** Set when the folder could not be written where asked: what failed and where it went instead. */
  problem?: string;
}

/** The run one experiment is: its config resolved; the data are looked for only with `identify`. */
export function trainSpec(flags: Pick<TrainFlags, 'config' | 'set' | 'saveWeights' | 'download'>, identify?: Identify): RunSpec {
  const overrides = flags.set.map(parseOverride);
  if (flags.saveWeights) overrides.push(parseOverride('saveWeights=true'));
  if (flags.download) overrides.push(parseOverride('dataset.download=true'));
  return loadExperiment(flags.config, overrides, identify);
}

export async function runTrain(flags: TrainFlags, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const draft = trainSpec(flags);
  checkOutDir(flags.out, estimateRunOutputBytes(draft.config));
  // dataset.download: fetch what is missing, then find and identify the files (the run id covers them).
  const fetching = hooks.fetching?.();
  await fetchMissing([draft.config.dataset], { events: fetching?.events }).finally(() => fetching?.stop());
  const data = dataLocator();
  const spec = trainSpec(flags, data.identify);
  const config = spec.config;
  const dir = resolve(flags.out, config.name!, spec.id);
  using _lock = lockFolder(resolve(flags.out, config.name!), `train ${config.name}`, spec.id); // this run, not the folder's others
  for (const w of planWarnings({ runs: [spec] })) hooks.log?.(`warning: ${w}`);
  const code = codeIdentity();
  const before = readStoredRun(dir);
  if (before?.code && before.code.fingerprint !== code.fingerprint) {
    hooks.log?.(`${dir} holds a run made by other code (fingerprint ${before.code.fingerprint}, dwgd ${before.code.version}); it will be replaced by this code's (${code.fingerprint})`);
  }

  const started = new Date();
  const progress = hooks.progress?.(config);
  let result: RunResult;
  try {
    result = await runInBackground(config, { keepParams: config.saveWeights, events: progress?.events });
  } finally {
    progress?.stop();
  }
  const stored = storedRun(spec, code, recordOf(config, result));
  const where = data.where.get(datasetKey(config));
  const prov = provenance({ started, ended: new Date(), dataPaths: where?.paths ?? [], dataOrigin: result.origin });
  let weights: SavedWeights | undefined;
  if (config.saveWeights) {
    weights = { split: result.split, order: result.order, methods: {} };
    for (const [m, r] of Object.entries(result.methods)) if (r.initial && r.final) weights.methods[m] = { initial: r.initial, final: r.final };
  }
  const saved = saveWithRescue(dir, (d) => writeRunFolder(d, stored, prov, weights));
  return { spec, stored, provenance: prov, dir: saved.dir, problem: saved.problem };
}
