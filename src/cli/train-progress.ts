// What `dwgd train` shows while it runs (on stderr). On a terminal: one bar per method with
// percent, turn, steps/s (training time only), an ETA for the whole run's training and
// evaluations, and the last clean test metric, or "evaluating turn t…" while that turn's test
// pass runs; then a bar for the noisy evaluation with its elapsed time. Elsewhere: one line
// per turn and one for the noisy evaluation. The run itself is on a worker thread, so the
// bars redraw while it computes.

import { performance } from 'node:perf_hooks';
import type cliProgress from 'cli-progress';
import { archName, type ExperimentConfig } from '../config/schema.js';
import type { RunEventSink } from '../experiment/pool.js';
import { formatMetric } from '../results/format.js';
import { err, formatRate, multiBar } from './ui.js';
import { methodIds } from '../config/methods.js';
import { evaluateProducts } from '../data/eval-axes/index.js';

/** "45s", "3m 05s", "1h 02m". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "σ=0.3" or "σ ∈ {0, 0.5} × mask.fraction ∈ {0, 0.25}": the evaluation axes of a config (products of a list joined by " + "). */
function pointsText(config: ExperimentConfig): string {
  const products = evaluateProducts(config.evaluate).filter((e) => Object.keys(e).length > 0);
  if (products.length === 0) return `σ=${config.noise.sigma}`;
  return products.map((e) => Object.entries(e).map(([k, v]) => `${k === 'noise.sigma' ? 'σ' : k} ∈ {${v.join(', ')}}`).join(' × ')).join(' + ');
}

export interface TrainProgress {
  events: RunEventSink;
  /** Ends the display (also after a failure). */
  stop(): void;
}

export function trainProgress(config: ExperimentConfig, useBars: boolean, log: (line: string) => void): TrainProgress {
  const multi = useBars ? multiBar() : null;
  const bars = new Map<string, cliProgress.SingleBar>();
  const stepsTotal = config.turns * config.stepsPerTurn;
  const allSteps = stepsTotal * config.methods.length;
  let metric: 'accuracy' | 'mse' = 'accuracy';
  let runStart = 0;
  let methodIndex = 0;
  // Steps/s counts training time only: the per-turn evaluation is left out.
  let segmentStart = 0;
  let trainedMs = 0;
  let lastMetric = '–';
  let noisy: { bar: cliProgress.SingleBar | null; start: number; timer: NodeJS.Timeout | null } | null = null;
  const label = (v: number) => formatMetric(metric, v) + (metric === 'accuracy' ? '%' : '');

  const endNoisy = () => {
    if (!noisy) return;
    if (noisy.timer) clearInterval(noisy.timer);
    noisy.bar?.update(1, { last: `done in ${((performance.now() - noisy.start) / 1000).toFixed(1)} s` });
    noisy = null;
  };

  const events: RunEventSink = {
    onDataset(info) {
      metric = info.task === 'classification' ? 'accuracy' : 'mse';
      log(err.dim(`dataset ${info.name}: ${info.description}, ${info.size.toLocaleString('en-US')} samples, from ${info.origin.kind} ${info.origin.location}`));
      log(err.dim(`${archName(config.hidden)} ${[info.nInputs, ...config.hidden, info.nOutputs].join('-')}, n=${config.trainSize}, ` +
        `${config.turns}×${config.stepsPerTurn.toLocaleString('en-US')} steps, lr ${config.lr}, seed ${config.seed}, methods ${methodIds(config).join(', ')}`));
    },
    onMethodStart(method, index) {
      const now = performance.now();
      if (index === 0) runStart = now;
      methodIndex = index;
      segmentStart = now;
      trainedMs = 0;
      lastMetric = '–';
      bars.set(method, multi?.create(stepsTotal, 0, {
        method: method.padEnd(12), turn: 0, turns: config.turns, rate: '–', remaining: '–', last: 'test –',
      }) as cliProgress.SingleBar);
    },
    onProgress(method, turn, done) {
      const now = performance.now();
      const turnEnd = done === turn * config.stepsPerTurn;
      const ms = trainedMs + (now - segmentStart);
      if (turnEnd) trainedMs = ms;
      const overall = methodIndex * stepsTotal + done;
      const elapsed = (now - runStart) / 1000;
      const remaining = formatEta((elapsed * (allSteps - overall)) / overall);
      bars.get(method)?.update(done, {
        turn, rate: formatRate(done / (ms / 1000)), remaining, last: turnEnd ? `evaluating turn ${turn}…` : `test ${lastMetric}`,
      });
    },
    onTurn(method, turn, value) {
      segmentStart = performance.now();
      // NaN: a turn whose test set testEvery does not score.
      lastMetric = Number.isNaN(value) ? 'not scored (testEvery)' : label(value);
      const bar = bars.get(method);
      if (bar) bar.update({ last: `test ${lastMetric}` });
      else log(`${method} turn ${turn}/${config.turns}: test ${Number.isNaN(value) ? lastMetric : `${metric} ${lastMetric}`}`);
    },
    onNoisyStart(points) {
      const what = `evaluation of ${config.methods.length} method${config.methods.length > 1 ? 's' : ''} at ${points} point${points === 1 ? '' : 's'} (${pointsText(config)})`;
      const start = performance.now();
      if (!multi) {
        log(err.dim(`${what}…`));
        return;
      }
      const bar = multi.create(1, 0, { method: 'noisy eval'.padEnd(12), last: `${what}…` }, { format: ' {method} |{bar}| {last}' });
      const timer = setInterval(() => bar.update({ last: `${what}… ${((performance.now() - start) / 1000).toFixed(1)} s` }), 200);
      noisy = { bar, start, timer };
    },
  };
  return {
    events,
    stop() {
      endNoisy();
      multi?.stop();
    },
  };
}
