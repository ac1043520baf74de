// The tuning stage's outcome, from its tidy table (docs/METHOD.md, "Tuning"): per training point
// and method, every trial's validation score over the tuning seeds, the chosen trial, and the
// sensitivity of the validation metric to the learning rate. Selection reads validation numbers
// only; the test numbers of the tuning runs are never looked at.

import { canonicalJson } from '../config/load.js';
import { archName } from '../config/schema.js';
import { selectTrials, type Direction, type Selection, type Trial } from '../experiment/tuning.js';
import { UserError } from '../errors.js';
import { markdownTable } from './format.js';
import type { PlotInput } from './plots.js';
import { describe } from './stats.js';
import type { RunView } from './table.js';

/** One training point of the tuning stage: its runs (one per tuning seed) and what was chosen there. */
export interface TunedCell {
  label: string;
  dataset: string;
  arch: string;
  trainSize: number;
  metric: 'accuracy' | 'mse';
  seeds: number[];
  selections: Selection[];
  /** The resolved config of the point's first tuning run (the final stage starts from it). */
  config: RunView['config'];
}

/**
 * The validation score a trial is selected by: the validation metric of the parameters the run
 * kept (the last turn's, or under early stopping the best turn's); NaN when the trial diverged or
 * has no validation numbers.
 */
export function validationScore(m: RunView['record']['methods'][string] | undefined): number {
  if (!m || m.diverged || !m.val || m.val.length === 0) return NaN;
  const turn = m.earlyStop ? m.earlyStop.bestTurn : m.val.length;
  return m.val[turn - 1] ?? NaN;
}

/**
 * A training point's key: its resolved config without the methods, the seed and the study name
 * (the tuning stage trains each method's trials in runs of their own, so one training point
 * spans one run per method and tuning seed).
 */
export function cellKey(config: RunView['config']): string {
  const { methods: _m, seed: _s, name: _n, ...rest } = config;
  return canonicalJson(rest);
}

/** Groups the tuning runs by training point and selects each method's trial there. */
export function tunedCells(views: RunView[], trials: Trial[]): TunedCell[] {
  const byCell = new Map<string, RunView[]>();
  for (const v of views) {
    const key = cellKey(v.config);
    byCell.set(key, [...(byCell.get(key) ?? []), v]);
  }
  const cells: TunedCell[] = [];
  for (const list of byCell.values()) {
    const missing = list.find((r) => Object.values(r.record.methods).some((m) => !m.val));
    if (missing) throw new UserError(`tuning run ${missing.run}: no validation set; tuning selects on validation only (set validation: in the study's base)`);
    const seeds = [...new Set(list.map((r) => r.seed))].sort((a, b) => a - b);
    const first = list[0];
    const metric = first.record.metric;
    const direction: Direction = metric === 'accuracy' ? 'max' : 'min';
    const scored = trials.map((trial) => {
      const id = trial.entry.name;
      return { trial, scores: seeds.map((seed) => validationScore(list.find((r) => r.seed === seed && id in r.record.methods)?.record.methods[id])) };
    });
    const c = first.config;
    const arch = archName(c.hidden);
    cells.push({
      dataset: c.dataset.name, arch, trainSize: c.trainSize, metric, seeds,
      label: `${c.dataset.name} ${arch} n=${c.trainSize}`, selections: selectTrials(scored, direction), config: c,
    });
  }
  return cells;
}

/** A setting as text: `lr 0.01, beta 0.9, dropout 0.2`. */
export function settingText(values: Record<string, number>): string {
  return Object.entries(values).map(([k, v]) => `${dimName(k)} ${v}`).join(', ');
}

/** A searched dimension as the reports name it: `params.lambda` → `lambda`, `train.dropout` → `dropout`. */
function dimName(key: string): string {
  return key.replace(/^(params|train)\./, '');
}

function scoreText(metric: 'accuracy' | 'mse', v: number): string {
  if (!Number.isFinite(v)) return '—';
  return metric === 'accuracy' ? `${(v * 100).toFixed(2)} %` : v.toPrecision(4);
}

/**
 * The searched dimensions whose chosen value is the lowest or the highest value the method's
 * trials tried (of a dimension with at least three distinct values): the best setting may lie
 * beyond the range searched there. In the chosen values' key order.
 */
export function atRangeEnds(s: Selection): { key: string; end: 'lowest' | 'highest' }[] {
  if (!s.chosen) return [];
  const out: { key: string; end: 'lowest' | 'highest' }[] = [];
  for (const [key, v] of Object.entries(s.chosen.values)) {
    const tried = [...new Set(s.trials.map((t) => t.trial.values[key]).filter((x): x is number => typeof x === 'number'))];
    if (tried.length < 3) continue;
    if (v === Math.min(...tried)) out.push({ key, end: 'lowest' });
    else if (v === Math.max(...tried)) out.push({ key, end: 'highest' });
  }
  return out;
}

/** A chosen setting as text, each value at an end of its searched range marked: `lr 0.0001 (lowest tried)`. */
function chosenText(s: Selection): string {
  if (!s.chosen) return 'none (every trial diverged)';
  const ends = new Map(atRangeEnds(s).map((e) => [e.key, e.end]));
  return Object.entries(s.chosen.values).map(([k, v]) => `${dimName(k)} ${v}${ends.has(k) ? ` (${ends.get(k)} tried)` : ''}`).join(', ');
}

/**
 * The tuning report: per training point, each method's chosen setting, its validation score,
 * and the spread over its trials (best − worst finite trial, and how many trials diverged) —
 * how forgiving the method is to tune.
 */
export function tuningMarkdown(name: string, cells: TunedCell[], trialsPerMethod: number): string {
  const out = [`# Tuning: ${name}`, '',
    `Every method had ${trialsPerMethod} trial${trialsPerMethod === 1 ? '' : 's'} and the same training steps per trial. A trial is scored by the`,
    'validation metric of the parameters its run kept, averaged over the tuning seeds; the best is chosen',
    '(a trial that diverged at any seed never is). The test set is not looked at here.', ''];
  const chosen = cells.flatMap((c) => c.selections.filter((s) => s.chosen).map((s) => ({ cell: c.label, method: s.method, ends: atRangeEnds(s) })));
  const atEnd = chosen.filter((x) => x.ends.length);
  if (atEnd.length) {
    const keys = [...new Set(atEnd.flatMap((x) => x.ends.map((e) => `${e.end} ${dimName(e.key)}`)))];
    out.push(`**At the end of the range.** ${atEnd.length} of ${chosen.length} chosen settings have a value at an end of the range its trials`,
      `searched (${keys.join(', ')}; marked "(lowest tried)" or "(highest tried)" below), where the best setting may lie`,
      `outside the range: ${atEnd.map((x) => `${x.method} on ${x.cell}`).join('; ')}.`, '');
  }
  for (const c of cells) {
    out.push(`## ${c.label}`, '', `Tuning seeds ${c.seeds.join(', ')}; validation ${c.metric}.`, '');
    const rows = c.selections.map((s) => {
      const finite = s.trials.filter((t) => Number.isFinite(t.mean)).map((t) => t.mean);
      const spread = finite.length >= 2 ? Math.max(...finite) - Math.min(...finite) : NaN;
      const failed = s.trials.length - finite.length;
      return [s.method, chosenText(s), scoreText(c.metric, s.chosenMean),
        Number.isFinite(spread) ? (c.metric === 'accuracy' ? `${(spread * 100).toFixed(2)} pts` : spread.toPrecision(3)) : '—', String(failed)];
    });
    out.push(markdownTable(['method', 'chosen setting', 'validation', 'best − worst trial', 'trials diverged'], rows, [false, false, true, true, true]), '');
  }
  return out.join('\n') + '\n';
}

/**
 * The dimensions a method's trials searched (the keys of their values: lr, params.x, train.x),
 * sorted.
 */
export function searchedDimensions(s: Selection): string[] {
  return [...new Set(s.trials.flatMap((t) => Object.keys(t.trial.values)))].sort();
}

/**
 * The sensitivity figure of one training point: the validation metric against the learning rate,
 * per method its trials (mean over tuning seeds, ±1 SE). A method that searched the learning rate
 * alone is a line through its trials; one whose space has other dimensions (or not the learning
 * rate) is unjoined markers, since its neighbours along the learning rate differ in the other
 * settings and a line through them would zigzag.
 */
export function sensitivityPlot(c: TunedCell): PlotInput | null {
  const points: PlotInput['points'] = [];
  for (const s of c.selections) {
    for (const t of s.trials) {
      const lr = t.trial.entry.lr;
      if (lr === undefined || !Number.isFinite(t.mean)) continue;
      const d = describe(t.scores.filter(Number.isFinite));
      const se = d.n >= 2 ? d.sd / Math.sqrt(d.n) : NaN;
      const f = c.metric === 'accuracy' ? 100 : 1;
      points.push({ x: lr, method: s.method, mean: t.mean * f, lo: (t.mean - se) * f, hi: (t.mean + se) * f });
    }
  }
  if (points.length === 0) return null;
  const unjoined = c.selections.filter((s) => searchedDimensions(s).join() !== 'lr').map((s) => s.method);
  const drawn = new Set(points.map((q) => q.method));
  return {
    title: `Validation ${c.metric} against learning rate: ${c.label}`,
    subtitle: `each trial's mean over ${c.seeds.length} tuning seed${c.seeds.length === 1 ? '' : 's'}; bars: ±1 standard error` +
      (unjoined.some((m) => drawn.has(m)) ? '; unconnected markers: trials of a multi-dimensional search (each at its learning rate, other hyperparameters varying)' : ''),
    xTitle: 'learning rate', yTitle: c.metric === 'accuracy' ? 'validation accuracy (%)' : 'validation MSE (target units)',
    log: true, style: 'bars', methods: c.selections.map((s) => s.method), points, ...(unjoined.length ? { unjoined } : {}),
  };
}

/** selection.json: what the final stage trains, and every trial's numbers. */
export function selectionJson(cells: TunedCell[]): string {
  return JSON.stringify({
    format: 'dwgd-selection/1',
    cells: cells.map((c) => ({
      label: c.label, metric: c.metric, seeds: c.seeds,
      methods: c.selections.map((s) => ({
        method: s.method,
        chosen: s.chosen ? { trial: s.chosen.entry.name, values: s.chosen.values, entry: s.chosen.entry } : null,
        validation: Number.isFinite(s.chosenMean) ? s.chosenMean : null,
        trials: s.trials.map((t) => ({ trial: t.trial.entry.name, values: t.trial.values, mean: Number.isFinite(t.mean) ? t.mean : null, scores: t.scores.map((v) => (Number.isFinite(v) ? v : null)) })),
      })),
    })),
  }, null, 1) + '\n';
}
