// `dwgd train`: one experiment from a config, with progress, a run folder and a table.

import { join, resolve } from 'node:path';
import { parseOverride } from '../config/load.js';
import { archName } from '../config/schema.js';
import { fetchMissing } from '../data/index.js';
import { runInBackground } from '../experiment/background.js';
import { dataLocator } from '../experiment/locate-data.js';
import { datasetKey, loadExperiment, planWarnings, type Identify, type RunSpec } from '../experiment/plan.js';
import { recordOf } from '../experiment/pool.js';
import { codeIdentity, provenance } from '../experiment/provenance.js';
import type { RunResult } from '../experiment/run.js';
import { checkOutDir, estimateRunOutputBytes, saveWithRescue } from '../results/out-dir.js';
import { methodStatus, readStoredRun, runTable, storedRun, writeRunFolder, type SavedWeights } from '../results/run-record.js';
import { fetchProgress } from './datasets.js';
import { printPlanConfigs } from './print-config.js';
import { trainProgress } from './train-progress.js';
import { barsWanted, err } from './ui.js';

export interface TrainFlags {
  config: string;
  set: string[];
  out: string;
  json: boolean;
  quiet: boolean;
  saveWeights: boolean;
  download: boolean;
  /** Print the resolved config and run nothing. */
  printConfig?: boolean;
}

/**
 * One experiment is a plan of one point: the same override grammar and applier, the same run
 * id and the same run record as compare and sweep. `identify` absent: the data are not looked for.
 */
function trainSpec(flags: TrainFlags, identify?: Identify): RunSpec {
  const overrides = flags.set.map(parseOverride);
  if (flags.saveWeights) overrides.push(parseOverride('saveWeights=true'));
  if (flags.download) overrides.push(parseOverride('dataset.download=true'));
  return loadExperiment(flags.config, overrides, identify);
}

export async function train(flags: TrainFlags): Promise<number> {
  const draft = trainSpec(flags);
  if (flags.printConfig) return printPlanConfigs({ runs: [draft] }, flags.json, true);
  checkOutDir(flags.out, estimateRunOutputBytes(draft.config));
  // dataset.download: fetch what is missing, then find and identify the files (the run id covers them).
  const fetching = fetchProgress(flags.quiet);
  await fetchMissing([draft.config.dataset], { events: fetching.events }).finally(fetching.stop);
  const data = dataLocator();
  const spec = trainSpec(flags, data.identify);
  const config = spec.config;
  const id = spec.id;
  const dir = resolve(flags.out, config.name!, id);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  for (const w of planWarnings({ runs: [spec] })) process.stderr.write(`${err.yellow('warning:')} ${w}\n`);
  const code = codeIdentity();
  const before = readStoredRun(dir);
  if (before?.code && before.code.fingerprint !== code.fingerprint) {
    log(err.dim(`${dir} holds a run made by other code (fingerprint ${before.code.fingerprint}, dwgd ${before.code.version}); it will be replaced by this code's (${code.fingerprint})`));
  }

  const started = new Date();
  const progress = trainProgress(config, barsWanted(flags.quiet), log);
  let result: RunResult;
  try {
    result = await runInBackground(config, { keepParams: config.saveWeights, events: progress.events });
  } finally {
    progress.stop();
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
  const record = stored.record;
  const broken = Object.entries(record.methods).filter(([, x]) => x.diverged || x.collapsed);

  if (flags.json) {
    const methods: Record<string, { perTurn: number[]; clean: number | null; noisy: number | null; status: string; diverged: unknown; collapsed: unknown }> = {};
    for (const [m, r] of Object.entries(record.methods)) {
      methods[m] = {
        perTurn: r.perTurn, clean: finiteOrNull(r.clean), noisy: finiteOrNull(r.noisy), status: r.diverged ? 'diverged' : r.collapsed ? 'collapsed' : 'ok',
        diverged: r.diverged ?? null, collapsed: r.collapsed ?? null,
      };
    }
    process.stdout.write(JSON.stringify({
      runDir: saved.dir, runId: id, dataset: record.dataset, arch: archName(config.hidden), trainSize: record.trainSize,
      seed: config.seed, normalize: record.normalize, metric: record.metric, methods, code, wallSeconds: prov.wallSeconds,
    }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  } else {
    process.stdout.write('\n' + runTable(stored) + '\n');
    for (const [m, x] of broken) process.stdout.write(`warning: ${m} ${methodStatus(x)}; its numbers are not a result of the method\n`);
    process.stdout.write(`results: ${join(saved.dir)} (${prov.wallSeconds}s)\n`);
  }
  if (saved.problem) process.stderr.write(`${err.red('error:')} ${saved.problem}\n`);
  return saved.problem ? 2 : 0;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
