// `dwgd train`: parses nothing itself (main.ts does), calls the train pipeline
// (results/train.ts) and renders: progress on stderr, the table or one JSON object on stdout.

import { join } from 'node:path';
import { archName } from '../config/schema.js';
import { runTrain, trainSpec, type TrainFlags as PipelineFlags } from '../results/train.js';
import { methodStatus, runTable } from '../results/run-record.js';
import { fetchProgress } from './datasets.js';
import { printPlanConfigs } from './print-config.js';
import { trainProgress } from './train-progress.js';
import { barsWanted, err } from './ui.js';

export interface TrainFlags extends PipelineFlags {
  json: boolean;
  quiet: boolean;
  /** Print the resolved config and run nothing. */
  printConfig?: boolean;
}

export async function train(flags: TrainFlags): Promise<number> {
  if (flags.printConfig) return printPlanConfigs({ runs: [trainSpec(flags)] }, flags.json, true);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  const outcome = await runTrain(flags, {
    log: (line) => (line.startsWith('warning: ') ? process.stderr.write(`${err.yellow('warning:')} ${line.slice(9)}\n`) : log(err.dim(line))),
    fetching: () => fetchProgress(flags.quiet),
    progress: (config) => trainProgress(config, barsWanted(flags.quiet), log),
  });
  const { spec, stored, provenance: prov } = outcome;
  const config = spec.config;
  const id = spec.id;
  const record = stored.record;
  const broken = Object.entries(record.methods).filter(([, x]) => x.diverged || x.collapsed);

  if (flags.json) {
    // Non-finite numbers (a diverged method's) become null through the replacer below.
    const methods: Record<string, { perTurn: number[]; clean: number; noisy: number; status: string; diverged: unknown; collapsed: unknown }> = {};
    for (const [m, r] of Object.entries(record.methods)) {
      methods[m] = {
        perTurn: r.perTurn, clean: r.clean, noisy: r.noisy, status: r.diverged ? 'diverged' : r.collapsed ? 'collapsed' : 'ok',
        diverged: r.diverged ?? null, collapsed: r.collapsed ?? null,
      };
    }
    process.stdout.write(JSON.stringify({
      runDir: outcome.dir, runId: id, dataset: record.dataset, arch: archName(config.hidden), trainSize: record.trainSize,
      seed: config.seed, normalize: record.normalize, metric: record.metric, methods, code: stored.code, wallSeconds: prov.wallSeconds,
    }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  } else {
    process.stdout.write('\n' + runTable(stored) + '\n');
    for (const [m, x] of broken) process.stdout.write(`warning: ${m} ${methodStatus(x)}; its numbers are not a result of the method\n`);
    process.stdout.write(`results: ${join(outcome.dir)} (${prov.wallSeconds}s)\n`);
  }
  if (outcome.problem) process.stderr.write(`${err.red('error:')} ${outcome.problem}\n`);
  return outcome.problem ? 2 : 0;
}
