// The registry of reporters: each turns a study and its tidy table (read back as run views) into
// files in the study's folder, and returns what the CLI prints from (an aggregate, claims). One
// file and one line here per reporter; a preset names the reporters it runs.

import type { Preset, Study } from '../experiment/plan.js';
import type { FigureOptions } from './plots.js';
import type { StatsOptions } from './verdicts.js';
import type { RunView } from './table.js';

export interface ReportOptions {
  /** Authors' numbers file for a comparison (default: configs/paper/authors-results.json). */
  authorsFile?: string;
  /** How the figures show the metric (--log-y, --mse-scale). */
  figures: FigureOptions;
  /** How verdicts are reached (--correction); default Benjamini–Hochberg. */
  stats?: StatsOptions;
  /** The method CE and mCE are normalised by (--robust-baseline); default sgd (a fair final stage: sgd-default). */
  robustBaseline?: string;
  /** The dataset loader of the runs (tests: a synthetic one); reporters that load data (the fair stage's floors) use it. */
  loaderUrl?: string;
}

export interface ReportContext {
  dir: string;
  study: Study;
  views: RunView[];
  options: ReportOptions;
}

export interface Reporter {
  id: string;
  /** The presets that run it. */
  presets: readonly Preset[];
  /** Writes its files into ctx.dir (atomically); returns their names and what callers may print. */
  write(ctx: ReportContext): Promise<{ files: string[]; result: unknown }>;
}

export type ReportResults = Record<string, unknown>;

// Loaded on first use: the statistics, vega and resvg code is not needed by `train`.
const REPORTERS: readonly Reporter[] = [
  { id: 'compare', presets: ['compare'], write: async (ctx) => (await import('./compare-reporter.js')).compareReporter.write(ctx) },
  { id: 'sweep', presets: ['sweep'], write: async (ctx) => (await import('./sweep-reporter.js')).sweepReporter.write(ctx) },
  { id: 'tune', presets: ['tune'], write: async (ctx) => (await import('./tuning-reporters.js')).tuneReporter.write(ctx) },
  { id: 'fair', presets: ['fair'], write: async (ctx) => (await import('./tuning-reporters.js')).fairReporter.write(ctx) },
  // After sweep and fair: its index.html is their REPORT.md followed by ROBUSTNESS.md.
  { id: 'robustness', presets: ['sweep', 'fair'], write: async (ctx) => (await import('./robustness-reporter.js')).robustnessReporter.write(ctx) },
];

/** The reporters a preset runs, in registry order. */
export function reportersFor(preset: Preset): Reporter[] {
  return REPORTERS.filter((r) => r.presets.includes(preset));
}
