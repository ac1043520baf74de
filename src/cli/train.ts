// `dwgd train`: one experiment from a config, with progress, a run folder and a table.

import { join, resolve } from 'node:path';
import { parseOverride } from '../config/load.js';
import { archName } from '../config/schema.js';
import { UserError } from '../errors.js';
import { runInBackground } from '../experiment/background.js';
import { dataLocator } from '../experiment/locate-data.js';
import { buildPlan, datasetKey, planWarnings, type Identify, type Plan } from '../experiment/plan.js';
import { recordOf } from '../experiment/pool.js';
import { codeIdentity, provenance } from '../experiment/provenance.js';
import type { RunResult } from '../experiment/run.js';
import { methodStatus, readStoredRun, runTable, storedRun, writeRunFolder, type SavedWeights } from '../results/run-record.js';
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
function trainPlan(flags: TrainFlags, identify?: Identify): Plan {
  const overrides = flags.set.map(parseOverride);
  if (flags.saveWeights) overrides.push(parseOverride('saveWeights=true'));
  if (flags.download) overrides.push(parseOverride('dataset.download=true'));
  for (const o of overrides) {
    if (o.values) throw new UserError(`--set ${o.path.join('.')}=${o.text}: a comma list is a sweep axis; use \`npx dwgd compare\` or \`npx dwgd sweep\`, or write [${o.text}] for a list value`);
  }
  const plan = buildPlan([flags.config], { sets: overrides, seeds: 1, identify });
  if (plan.runs.length !== 1) {
    throw new UserError(`config ${flags.config}: a grid of ${plan.runs.length} experiments; \`npx dwgd train\` runs one (use \`npx dwgd compare\` or \`npx dwgd sweep\`)`);
  }
  return plan;
}

export async function train(flags: TrainFlags): Promise<number> {
  if (flags.printConfig) return printPlanConfigs(trainPlan(flags), flags.json, true);
  const data = dataLocator();
  const plan = trainPlan(flags, data.identify);
  const spec = plan.runs[0];
  const config = spec.config;
  const id = spec.id;
  const dir = resolve(flags.out, config.name!, id);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  for (const w of planWarnings(plan)) process.stderr.write(`${err.yellow('warning:')} ${w}\n`);
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
  writeRunFolder(dir, stored, prov, weights);
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
      runDir: dir, runId: id, dataset: record.dataset, arch: archName(config.hidden), trainSize: record.trainSize,
      seed: config.seed, normalize: record.normalize, metric: record.metric, methods, code, wallSeconds: prov.wallSeconds,
    }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  } else {
    process.stdout.write('\n' + runTable(stored) + '\n');
    for (const [m, x] of broken) process.stdout.write(`warning: ${m} ${methodStatus(x)}; its numbers are not a result of the method\n`);
    process.stdout.write(`results: ${join(dir)} (${prov.wallSeconds}s)\n`);
  }
  return 0;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
