// The seed planner (`dwgd plan-seeds DIR`, docs/METHOD.md §10): from the runs of a finished
// compare or sweep (the pilot), how many seeds each comparison would need for its verdict to
// come out with 80 % probability, (a) "better"/"worse" if the true difference were the observed
// one, (b) "equivalent" within the declared margin if the true difference were 0. A pure
// function of the table, like the reports.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { evalPoints } from '../data/eval-axes/index.js';
import { parseStudyJson, STUDY_FILE, type Study } from '../experiment/plan.js';
import type { Aggregate } from './aggregate.js';
import { AUTHORS_FILE, compareAggregate, readAuthors } from './compare-report.js';
import { CORRECTION_NAMES, median, seedsForEquivalence, seedsForPower } from './stats.js';
import { sweepData } from './sweep-report.js';
import { hasTable, readTable, runViews } from './table.js';
import { ALPHA, MIN_T_PAIRS, type ComparisonVerdict, type StatsOptions } from './verdicts.js';

export interface SeedPlanRow {
  dataset: string;
  label: string;
  eval: string;
  method: string;
  baseline: string;
  family: string;
  verdict: ComparisonVerdict;
  /** Pilot pairs, mean and sd of the differences. */
  n: number;
  meanDiff: number;
  sdDiff: number;
  /** The level a discovery needs in its family now (the correction's cutoff). */
  level: number;
  /** Seeds for `power` at the observed mean difference (null: not computable, e.g. Δ = 0). */
  seedsForEffect: number | null;
  margin: number;
  /** Seeds for `power` to show equivalence within ±margin if the true difference were 0. */
  seedsForMargin: number | null;
}

export interface SeedPlan {
  name: string;
  power: number;
  correction: StatsOptions['correction'];
  rows: SeedPlanRow[];
  /** The assumptions, one sentence each, printed with every plan. */
  assumptions: string[];
}

/** The aggregate of a finished compare or sweep folder, read from its study.json and table.csv. */
export function readStudyAggregate(dir: string, stats: StatsOptions): { study: Study; agg: Aggregate } {
  const studyFile = join(dir, STUDY_FILE);
  if (!existsSync(studyFile)) throw new UserError(`plan-seeds ${dir}: no ${STUDY_FILE} here (give a compare or sweep folder, e.g. results/compare/<name>)`);
  const study = parseStudyJson(readFileSync(studyFile, 'utf8'), studyFile);
  if (study.preset === 'train') throw new UserError(`plan-seeds ${dir}: a train folder has one seed per run; give a compare or sweep folder`);
  if (!hasTable(dir)) throw new UserError(`plan-seeds ${dir}: no table.csv here (the study has not finished; finish it with --resume, or merge its shards with dwgd report)`);
  const table = readTable(dir);
  const views = runViews(table.text, table.file, { name: study.name, points: evalPoints });
  const agg = study.preset === 'compare' ? compareAggregate(study, views, readAuthors(AUTHORS_FILE).rows, stats) : sweepData(study, views, stats).main;
  return { study, agg };
}

export function planSeeds(name: string, agg: Aggregate, power = 0.8): SeedPlan {
  const { correction } = agg.stats;
  const rows = agg.comparisons.map((c) => {
    const e = agg.experiments.find((x) => x.experimentId === c.experimentId)!;
    const { level } = c.judgement;
    const x = c.effect;
    return {
      dataset: e.dataset, label: e.label, eval: c.eval, method: c.method, baseline: c.baseline, family: c.judgement.family, verdict: c.judgement.verdict,
      n: x.n, meanDiff: x.meanDiff, sdDiff: x.sdDiff, level,
      seedsForEffect: x.n >= 2 ? seedsForPower(x.meanDiff, x.sdDiff, level, power) : null,
      margin: x.margin,
      seedsForMargin: x.n >= 2 ? seedsForEquivalence(x.margin, x.sdDiff, level, power) : null,
    };
  });
  return {
    name, power, correction, rows,
    assumptions: [
      `The per-seed differences are normal with the pilot's sd (from the pilot's N seeds; with few seeds that sd is itself uncertain).`,
      `"For the effect": the true mean difference equals the pilot's mean; an effect that looked large in a small pilot is often smaller (the winner's curse), so read these as lower bounds.`,
      `"For the margin": the true difference is 0, and equivalence is shown when the ${Math.round(100 * (1 - 2 * ALPHA))} % CI lies inside ± the margin (TOST).`,
      `Each test is held to its family's current ${CORRECTION_NAMES[correction]} level (shown); more discoveries in a family raise it, more comparisons lower it.`,
      `Sizes come from the usual approximation with central t quantiles, √N·|Δ|/sd ≥ t(1 − level/2, N − 1) + t(power, N − 1); it gives G*Power's paired-t sizes for effect sizes 0.2, 0.5 and 1.`,
      `dwgd gives no t-test verdict below ${MIN_T_PAIRS} seeds, whatever the plan says.`,
    ],
  };
}

/** Median seeds over the rows with a verdict, for one line per verdict. */
export function planSummary(plan: SeedPlan): string[] {
  const lines: string[] = [];
  const byVerdict = new Map<string, SeedPlanRow[]>();
  for (const r of plan.rows) byVerdict.set(r.verdict, [...(byVerdict.get(r.verdict) ?? []), r]);
  for (const [v, rs] of byVerdict) {
    const eff = rs.map((r) => r.seedsForEffect).filter((k): k is number => k !== null);
    const mar = rs.map((r) => r.seedsForMargin).filter((k): k is number => k !== null);
    lines.push(`${rs.length} ${v}: median seeds for ${Math.round(plan.power * 100)} % power at the observed effect ${eff.length ? Math.max(MIN_T_PAIRS, Math.ceil(median(eff))) : '–'}` +
      `${eff.length < rs.length ? ` (${rs.length - eff.length} not computable)` : ''}; to show equivalence within the margin ${mar.length ? Math.max(MIN_T_PAIRS, Math.ceil(median(mar))) : '–'}`);
  }
  return lines;
}
