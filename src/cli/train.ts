// `dwgd train`: one experiment from a config, with progress, a run folder and a table.

import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type cliProgress from 'cli-progress';
import { loadExperiment, parseOverride, runId } from '../config/load.js';
import { archName } from '../config/schema.js';
import { fetchMissing, loadDataset } from '../data/index.js';
import { runExperiment } from '../experiment/run.js';
import { formatMetric } from '../results/format.js';
import { checkOutDir, estimateRunOutputBytes, saveWithRescue } from '../results/out-dir.js';
import { buildSummary, summaryTable, writeRunFolder } from '../results/run-folder.js';
import { fetchProgress } from './datasets.js';
import { barsWanted, err, formatRate, multiBar } from './ui.js';

export interface TrainFlags {
  config: string;
  set: string[];
  out: string;
  json: boolean;
  quiet: boolean;
  saveWeights: boolean;
  download: boolean;
}

export async function train(flags: TrainFlags): Promise<number> {
  const overrides = flags.set.map(parseOverride);
  const config = loadExperiment(flags.config, overrides);
  if (flags.saveWeights) config.saveWeights = true;
  if (flags.download) config.dataset.download = true;
  const id = runId(config);
  const dir = resolve(flags.out, config.name!, id);
  checkOutDir(flags.out, estimateRunOutputBytes(config));
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };

  const t0 = performance.now();
  const fetching = fetchProgress(flags.quiet);
  await fetchMissing([config.dataset], { events: fetching.events }).finally(fetching.stop);
  const raw = loadDataset({ ...config.dataset });
  log(err.dim(`dataset ${raw.name}: ${raw.description}, ${raw.size.toLocaleString('en-US')} samples, from ${raw.origin.kind} ${raw.origin.location}`));
  log(err.dim(`${archName(config.hidden)} ${[raw.nInputs, ...config.hidden, raw.nOutputs].join('-')}, n=${config.trainSize}, ` +
    `${config.turns}×${config.stepsPerTurn.toLocaleString('en-US')} steps, lr ${config.lr}, seed ${config.seed}, methods ${config.methods.join(', ')}`));

  const useBars = barsWanted(flags.quiet);
  const multi = useBars ? multiBar() : null;
  const bars = new Map<string, cliProgress.SingleBar>();
  // Steps/s counts training time only: the per-turn evaluation is left out.
  let segmentStart = 0;
  let trainedMs = 0;
  let lastMetric = '';
  const metricOf = raw.task === 'classification' ? 'accuracy' : 'mse';

  const result = runExperiment(config, raw, {
    keepParams: config.saveWeights,
    events: {
      onMethodStart(method) {
        segmentStart = performance.now();
        trainedMs = 0;
        lastMetric = '–';
        if (multi) {
          bars.set(method, multi.create(config.turns * config.stepsPerTurn, 0, {
            method: method.padEnd(12), turn: 0, turns: config.turns, rate: '–', last: 'test –',
          }));
        }
      },
      onProgress(method, turn, done) {
        const now = performance.now();
        const turnEnd = done === turn * config.stepsPerTurn;
        const ms = trainedMs + (now - segmentStart);
        if (turnEnd) trainedMs = ms;
        const rate = formatRate(done / (ms / 1000));
        bars.get(method)?.update(done, { turn, rate, last: `test ${lastMetric}` });
      },
      onTurn(method, turn, value) {
        segmentStart = performance.now();
        lastMetric = formatMetric(metricOf, value) + (metricOf === 'accuracy' ? '%' : '');
        const bar = bars.get(method);
        if (bar) bar.update({ last: `test ${lastMetric}` });
        else log(`${method} turn ${turn}/${config.turns}: test ${metricOf} ${lastMetric}`);
      },
      onNoisyStart() {
        multi?.stop();
        log(err.dim(`noisy evaluation (σ=${config.noise.sigma}) of all methods…`));
      },
    },
  });
  multi?.stop();
  const wall = (performance.now() - t0) / 1000;
  const summary = buildSummary(config, id, result, Math.round(wall * 10) / 10);
  const saved = saveWithRescue(dir, (d) => writeRunFolder(d, config, summary, result));

  if (flags.json) {
    const methods: Record<string, { perTurn: number[]; clean: number; noisy: number }> = {};
    for (const [m, r] of Object.entries(summary.methods)) methods[m] = { perTurn: r.perTurn, clean: r.clean, noisy: r.noisy };
    process.stdout.write(JSON.stringify({
      runDir: saved.dir, runId: id, dataset: summary.dataset, arch: summary.arch, trainSize: summary.trainSize,
      seed: summary.seed, normalize: summary.normalize, metric: summary.metric, methods, wallSeconds: summary.wallSeconds,
    }) + '\n');
  } else {
    process.stdout.write('\n' + summaryTable(summary) + '\n');
    process.stdout.write(`results: ${join(saved.dir)} (${summary.wallSeconds}s)\n`);
  }
  if (saved.problem) process.stderr.write(`${err.red('error:')} ${saved.problem}\n`);
  return saved.problem ? 2 : 0;
}
