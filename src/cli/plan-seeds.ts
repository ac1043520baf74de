// `dwgd plan-seeds DIR`: how many seeds each comparison of a finished compare or sweep would
// need (results/seed-plan.ts), with the assumptions printed beside the numbers.

import { UserError } from '../errors.js';
import { markdownTable, pText } from '../results/format.js';
import { planSeeds, planSummary, readStudyAggregate } from '../results/seed-plan.js';
import { parseCorrection } from './study-options.js';

export interface PlanSeedsFlags {
  power?: string;
  all?: boolean;
  json?: boolean;
  correction?: string;
}

function parsePower(text: string | undefined): number {
  if (text === undefined) return 0.8;
  const p = Number(text);
  if (!(p >= 0.5 && p < 1)) throw new UserError(`--power ${JSON.stringify(text)}: give a probability from 0.5 to below 1, e.g. 0.8`);
  return p;
}

const seeds = (k: number | null) => (k === null ? '–' : k > 9999 ? '> 9999' : String(k));

export function planSeedsCommand(dir: string, flags: PlanSeedsFlags): number {
  const power = parsePower(flags.power);
  const { study, agg } = readStudyAggregate(dir, { correction: parseCorrection(flags.correction) });
  const plan = planSeeds(study.name, agg, power);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...plan, summary: planSummary(plan) }) + '\n');
    return 0;
  }
  const pilot = [...new Set(plan.rows.map((r) => r.n))].sort((a, b) => a - b).join('/');
  process.stdout.write(`plan-seeds ${study.name}: ${plan.rows.length} comparisons from a pilot of ${pilot} seeds; seeds for ${Math.round(power * 100)} % power\n`);
  for (const line of planSummary(plan)) process.stdout.write(`  ${line}\n`);
  const shown = flags.all ? plan.rows : plan.rows.filter((r) => r.verdict === 'not significant' || r.verdict === 'too few seeds' || r.verdict === 'inconclusive');
  if (shown.length) {
    process.stdout.write(`\n${flags.all ? 'Every comparison' : 'The comparisons the data could not decide (--all for every one)'}:\n\n`);
    const rows = [...shown].sort((a, b) => (a.seedsForEffect ?? Infinity) - (b.seedsForEffect ?? Infinity)).map((r) => [
      r.label, r.eval, `${r.method} − ${r.baseline}`, r.verdict, String(r.n), r.meanDiff.toPrecision(3), r.sdDiff.toPrecision(3), pText(r.level),
      seeds(r.seedsForEffect), r.margin.toPrecision(3), seeds(r.seedsForMargin),
    ]);
    process.stdout.write(markdownTable(['experiment', 'test', 'comparison', 'verdict', 'N', 'mean Δ', 'sd Δ', 'level', 'seeds for the effect', '± margin', 'seeds for the margin'], rows,
      [false, false, false, false, true, true, true, true, true, true, true]) + '\n');
  }
  process.stdout.write('\nAssumptions:\n');
  for (const a of plan.assumptions) process.stdout.write(`- ${a}\n`);
  return 0;
}
