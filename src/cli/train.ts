// `dwgd train`: the study pipeline (results/study.ts) with the train preset (one training
// point, run on one worker thread so the progress redraws); renders progress on stderr, the
// table or one JSON object on stdout.

import { archName } from '../config/schema.js';
import { runStudyCommand } from '../results/study.js';
import { methodStatus, pointText, runTable } from '../results/run-record.js';
import { isIdentity } from '../data/eval-axes/index.js';
import { isNoisyTest } from '../results/protocol.js';
import { fetchProgress } from './datasets.js';
import { printConfigs } from './print-config.js';
import { studyOptions, type RawStudyFlags } from './study-options.js';
import { trainProgress } from './train-progress.js';
import { barsWanted, err } from './ui.js';

export interface TrainFlags extends RawStudyFlags {
  json: boolean;
  quiet: boolean;
  /** Print the resolved config and run nothing. */
  printConfig?: boolean;
}

export async function train(flags: TrainFlags): Promise<number> {
  if (flags.printConfig) return printConfigs('train', flags);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  let display: ReturnType<typeof trainProgress> | null = null;
  // Ctrl-C: say what is lost and how to run it again (a run is stored only when it finishes).
  const onSignal = (signal: NodeJS.Signals) => {
    display?.stop();
    process.stderr.write(`\ninterrupted: the run had not finished, so nothing was stored; run the same command again to start it over\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: Awaited<ReturnType<typeof runStudyCommand>>;
  try {
    outcome = await runStudyCommand(studyOptions('train', flags), {
      log: (line) => (line.startsWith('warning: ') ? process.stderr.write(`${err.yellow('warning:')} ${line.slice(9)}\n`) : log(err.dim(line))),
      fetching: () => fetchProgress(flags.quiet),
      runEvents: (spec) => {
        display = trainProgress(spec.config, barsWanted(flags.quiet), log);
        return display.events;
      },
    });
  } finally {
    (display as ReturnType<typeof trainProgress> | null)?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const spec = outcome.study.runs[0];
  const { dir, stored, provenance: prov } = outcome.stored!.get(spec.id)!;
  const config = spec.config;
  const record = stored.record;
  const broken = Object.entries(record.methods).filter(([, x]) => x.diverged || x.collapsed);

  if (flags.json) {
    // Non-finite numbers (a diverged method's) become null through the replacer below.
    const points = record.points.map((p, k) => ({ p, k })).filter(({ p }) => !isIdentity(p));
    const noisyK = record.points.findIndex((p) => isNoisyTest(p, config.noise.sigma));
    const methods: Record<string, unknown> = {};
    for (const [m, r] of Object.entries(record.methods)) {
      methods[m] = {
        perTurn: r.perTurn, clean: r.clean, noisy: noisyK >= 0 ? r.at[noisyK].value : null,
        evaluations: points.map(({ p, k }) => ({ point: p, label: pointText(p), value: r.at[k].value })),
        status: r.diverged ? 'diverged' : r.collapsed ? 'collapsed' : 'ok',
        diverged: r.diverged ?? null, collapsed: r.collapsed ?? null,
      };
    }
    process.stdout.write(JSON.stringify({
      runDir: dir, runId: spec.id, dataset: record.dataset, arch: archName(config.hidden), trainSize: record.trainSize,
      seed: config.seed, normalize: record.normalize, metric: record.metric, methods, code: stored.code, wallSeconds: prov?.wallSeconds ?? null,
    }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  } else {
    process.stdout.write('\n' + runTable(stored) + '\n');
    for (const [m, x] of broken) process.stderr.write(`${err.yellow('warning:')} ${m} ${methodStatus(x)}; its numbers are not a result of the method\n`);
    process.stdout.write(`results: ${dir}${prov ? ` (${prov.wallSeconds}s)` : ''}\n`);
  }
  for (const p of outcome.problems) process.stderr.write(`${err.red('error:')} ${p}\n`);
  return outcome.problems.length ? 2 : 0;
}
