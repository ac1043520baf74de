// The folder one `dwgd train` run leaves behind: results/<config name>/<run id>/ with the
// resolved config, metrics per turn per method (JSONL and CSV), summary.json, table.md and,
// when asked, the weights for replay. Written atomically.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { LayerParams } from '../core/rules/index.js';
import { archName, type ExperimentConfig } from '../config/schema.js';
import type { RunResult } from '../experiment/run.js';
import { writeDirAtomic } from './atomic.js';
import { formatMetric, markdownTable, metricLabel } from './format.js';

export const WEIGHTS_FORMAT = 'dwgd-weights/1';

export interface Summary {
  runId: string;
  name: string;
  dataset: string;
  datasetDescription: string;
  source: RunResult['origin'];
  normalize: RunResult['normalize'];
  arch: string;
  sizes: number[];
  trainSize: number;
  distinctTrain: number;
  testSize: number;
  seed: number;
  metric: RunResult['metric'];
  units: string;
  noiseSigma: number;
  /** How the test set was formed, and (classification) samples per class in it and in the training list. */
  testSet: RunResult['testSet'];
  trainClassCounts?: number[];
  testClassCounts?: number[];
  labelNoise?: ExperimentConfig['labelNoise'] & { corrupted: number };
  imbalance?: ExperimentConfig['imbalance'];
  methods: Record<string, {
    perTurn: number[]; clean: number; noisy: number; trainLoss: number[];
    perClass?: { clean: number[]; noisy: number[] }; balanced?: { clean: number; noisy: number };
  }>;
  wallSeconds: number;
}

export function buildSummary(config: ExperimentConfig, id: string, result: RunResult, wallSeconds: number): Summary {
  const methods: Summary['methods'] = {};
  for (const [m, r] of Object.entries(result.methods)) {
    methods[m] = { perTurn: r.perTurn, clean: r.clean, noisy: r.noisy, trainLoss: r.trainLoss, perClass: r.perClass, balanced: r.balanced };
  }
  return {
    runId: id,
    name: config.name!,
    dataset: result.dataset,
    datasetDescription: result.datasetDescription,
    source: result.origin,
    normalize: result.normalize,
    arch: archName(config.hidden),
    sizes: result.sizes,
    trainSize: result.trainSize,
    distinctTrain: result.distinctTrain,
    testSize: result.testSize,
    seed: config.seed,
    metric: result.metric,
    units: result.metric === 'accuracy' ? 'fraction correct' : 'mean squared error in target units',
    noiseSigma: config.noise.sigma,
    testSet: result.testSet,
    trainClassCounts: result.trainClassCounts,
    testClassCounts: result.testClassCounts,
    labelNoise: config.labelNoise ? { ...config.labelNoise, corrupted: result.corruptedLabels ?? 0 } : undefined,
    imbalance: config.imbalance,
    methods,
    wallSeconds,
  };
}

/** The Markdown table printed at the end of a run and saved as table.md. */
export function summaryTable(s: Summary): string {
  const turns = Object.values(s.methods)[0]?.perTurn.length ?? 0;
  const header = ['method', ...Array.from({ length: turns }, (_, t) => `turn ${t + 1}`), 'clean', `noisy σ=${s.noiseSigma}`];
  const rows = Object.entries(s.methods).map(([m, r]) => [
    m, ...r.perTurn.map((v) => formatMetric(s.metric, v)), formatMetric(s.metric, r.clean), formatMetric(s.metric, r.noisy),
  ]);
  if (s.imbalance) {
    header.push('balanced clean', 'balanced noisy');
    Object.values(s.methods).forEach((r, k) => rows[k].push(formatMetric(s.metric, r.balanced!.clean), formatMetric(s.metric, r.balanced!.noisy)));
  }
  const extras = [
    s.labelNoise ? `label noise ${s.labelNoise.fraction} (${s.labelNoise.corrupted} entries corrupted)` : '',
    s.imbalance ? `imbalance ${s.imbalance.profile} ratio ${s.imbalance.ratio}, test set ${s.testSet}` : '',
  ].filter(Boolean).join(', ');
  const title = `${s.dataset} ${s.arch} (${s.sizes.join('-')}), n=${s.trainSize} (${s.distinctTrain} distinct), ` +
    `test ${s.testSize}, seed ${s.seed}, normalize ${s.normalize}${extras ? ', ' + extras : ''}: test ${metricLabel(s.metric)}`;
  return `${title}\n\n${markdownTable(header, rows, header.map((_, i) => i > 0))}`;
}

function metricsRows(s: Summary): { method: string; eval: string; turn: number; metric: string; value: number; trainLoss: number | null }[] {
  const rows: { method: string; eval: string; turn: number; metric: string; value: number; trainLoss: number | null }[] = [];
  for (const [m, r] of Object.entries(s.methods)) {
    r.perTurn.forEach((v, t) => rows.push({ method: m, eval: 'clean', turn: t + 1, metric: s.metric, value: v, trainLoss: r.trainLoss[t] }));
    rows.push({ method: m, eval: 'noisy', turn: r.perTurn.length, metric: s.metric, value: r.noisy, trainLoss: null });
  }
  return rows;
}

function weightsJson(method: string, sizes: number[], initial: LayerParams[], final: LayerParams[]): string {
  const layer = (p: LayerParams) => {
    const out: Record<string, number[]> = {};
    if (p.W1) out.W1 = Array.from(p.W1);
    if (p.W2) out.W2 = Array.from(p.W2);
    out.W = Array.from(p.W);
    out.b = Array.from(p.b);
    return out;
  };
  return JSON.stringify({
    format: WEIGHTS_FORMAT,
    method,
    sizes,
    layout: 'layer l maps sizes[l] inputs to sizes[l+1] outputs; W, W1, W2 are row-major [out][in], entry (j,i) at j*sizes[l]+i; W = W1 - W2',
    initial: initial.map(layer),
    final: final.map(layer),
  });
}

export function writeRunFolder(dir: string, config: ExperimentConfig, summary: Summary, result: RunResult): void {
  writeDirAtomic(dir, (tmp) => {
    const write = (name: string, text: string) => writeFileSyncText(join(tmp, name), text);
    write('config.yaml', toYaml(config));
    const rows = metricsRows(summary);
    write('metrics.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    write('metrics.csv', 'method,eval,turn,metric,value,train_loss\n' +
      rows.map((r) => [r.method, r.eval, r.turn, r.metric, r.value, r.trainLoss ?? ''].join(',')).join('\n') + '\n');
    write('summary.json', JSON.stringify(summary, null, 2) + '\n');
    write('table.md', summaryTable(summary));
    if (config.saveWeights) {
      write('weights/order.json', JSON.stringify({
        format: WEIGHTS_FORMAT,
        trainList: Array.from(result.split.train),
        testCount: result.split.test.length,
        order: Array.from(result.order),
        note: 'trainList: pool indices drawn with replacement; order: the pool index trained on at each step, the same for every method; the test set is every pool index not in trainList',
      }) + '\n');
      for (const [m, r] of Object.entries(result.methods)) {
        if (r.initial && r.final) write(`weights/${m}.json`, weightsJson(m, result.sizes, r.initial, r.final) + '\n');
      }
    }
  });
}

function writeFileSyncText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
