// One comparison = one method against one baseline in one cell, paired by seed (docs/METHOD.md
// §10). Its effect (mean difference, 95 % CI, relative gain, wins) does not depend on what else
// is tested; its verdict does: comparisons are judged in families (one per dataset × evaluation,
// aggregate.ts), each corrected on its own (Benjamini–Hochberg by default, --correction). The
// verdict rests on the paired t-test and, when that finds no significant difference, on two one-sided tests
// of equivalence within the declared margin (TOST); the sign-flip test is reported beside it as
// a check that assumes no normality, and disagreements are said.

import { pText } from './format.js';
import { signFlipCheck, STAT_CHECKS, type CheckResult } from './stat-checks.js';
import { adjustP, correctionCutoff, CORRECTION_NAMES, describe, mean, pairedT, tost, type Correction, type SignFlip } from './stats.js';

export const ALPHA = 0.05;

/**
 * The fewest usable pairs from which dwgd issues a t-test verdict (docs/METHOD.md §10): below
 * it the sd of the differences is too poorly known for the t-test's p to mean much, so the
 * comparison is shown with its effect and p but judged "too few seeds".
 */
export const MIN_T_PAIRS = 5;

export const VERDICTS = ['better', 'worse', 'equivalent', 'not significant', 'too few seeds', 'inconclusive'] as const;
export type ComparisonVerdict = (typeof VERDICTS)[number];

/**
 * The equivalence margin of a metric (docs/METHOD.md §10): `absolute` in the metric's units
 * (accuracy: 0.01 = one point), or `relative` to the baseline's mean (MSE: 0.05 = 5 %).
 */
export interface MarginSpec {
  kind: 'absolute' | 'relative';
  value: number;
}

/** The declared default margins: one accuracy point; 5 % of the baseline's MSE. */
export const DEFAULT_MARGINS: Record<'accuracy' | 'mse', MarginSpec> = {
  accuracy: { kind: 'absolute', value: 0.01 },
  mse: { kind: 'relative', value: 0.05 },
};

/** Options that decide verdicts, the same for every family of one report. */
export interface StatsOptions {
  correction: Correction;
}

export const DEFAULT_STATS: StatsOptions = { correction: 'bh' };

export interface PairedEffect {
  /** Seeds in the cell. */
  seeds: number;
  /** Pairs used: seeds where neither side diverged. */
  n: number;
  /** Seeds left out because the method, the baseline or both diverged. */
  excluded: number;
  /** method − baseline per used seed. */
  diffs: number[];
  meanDiff: number;
  /** Sample sd of the differences (NaN below two). */
  sdDiff: number;
  ciLow: number;
  ciHigh: number;
  baselineMean: number;
  /** meanDiff / baselineMean. */
  relChange: number;
  /** relChange in the metric's direction: positive always means the method is better. */
  gain: number;
  /** Seeds where the method is better, in the metric's direction. */
  wins: number;
  higherIsBetter: boolean;
  t: number;
  p: number;
  /** The equivalence margin in the metric's units (NaN when none is declared or computable). */
  margin: number;
  /** TOST p of equivalence within ±margin (NaN when untestable). */
  pTost: number;
  /** Absent when the check was not asked for (simulations that need only the verdict). */
  signFlip?: SignFlip;
  /** Every registered check's result (stat-checks.ts), by id; absent as signFlip is. */
  checks?: Record<string, CheckResult>;
}

/** A margin spec as a number in the metric's units, given the baseline's mean. */
export function marginOf(spec: MarginSpec | null, baselineMean: number): number {
  if (!spec) return NaN;
  return spec.kind === 'absolute' ? spec.value : spec.value * Math.abs(baselineMean);
}

/**
 * The effect of `method` against `baseline` over the seeds both trained without diverging
 * (`ok[i]` false drops seed i). Non-finite values count as diverged. `margin`: the equivalence
 * margin of the metric (null: no equivalence test).
 */
export function pairedEffect(method: readonly number[], baseline: readonly number[], ok: readonly boolean[], higherIsBetter: boolean, check = true, margin: MarginSpec | null = null): PairedEffect {
  const used: number[] = [];
  for (let i = 0; i < method.length; i++) if (ok[i] && Number.isFinite(method[i]) && Number.isFinite(baseline[i])) used.push(i);
  const diffs = used.map((i) => method[i] - baseline[i]);
  const d = describe(diffs);
  const baselineMean = mean(used.map((i) => baseline[i]));
  const t = pairedT(diffs);
  const checks = check ? Object.fromEntries(STAT_CHECKS.map((c) => [c.id, c.test(diffs)])) : undefined;
  const relChange = d.mean / baselineMean;
  const m = marginOf(margin, baselineMean);
  return {
    seeds: method.length, n: diffs.length, excluded: method.length - diffs.length, diffs,
    meanDiff: d.mean, sdDiff: d.sd, ciLow: d.ciLow, ciHigh: d.ciHigh, baselineMean, relChange, gain: higherIsBetter ? relChange : -relChange,
    wins: diffs.filter((x) => (higherIsBetter ? x > 0 : x < 0)).length, higherIsBetter,
    t: t.t, p: t.p, margin: m, pTost: tost(diffs, m).p,
    signFlip: checks ? { n: diffs.length, ...checks[signFlipCheck.id] } : undefined, checks,
  };
}

export interface Judgement {
  family: string;
  verdict: ComparisonVerdict;
  /** How the family was corrected. */
  correction: Correction;
  /** Adjusted t-test p within the family (NaN when untested). */
  pAdjusted: number;
  /** The level the correction held the family's t-tests to (correctionCutoff): what a discovery needs. */
  level: number;
  /** Adjusted TOST p within the family (NaN when untested). */
  pTostAdjusted: number;
  pSignFlipAdjusted: number;
  /** Each registered check's adjusted p within the family, by id. */
  checks: Record<string, number>;
  /** Sentences a reader needs beside the verdict: too few seeds, divergence, disagreement. */
  notes: string[];
}

/** The sign-flip check's resolution, said as what it is (not power): it cannot reach the level at this N. */
export function resolutionText(n: number, minP: number, level: number): string {
  return `cannot confirm at N = ${n}: its smallest attainable p is ${pText(minP)}, above the corrected level ${pText(level)} (its resolution, not the t-test's power)`;
}

/**
 * Verdicts for one family. A comparison with fewer than MIN_T_PAIRS usable pairs gets no t-test
 * verdict: "inconclusive" when divergence removed the pairs, "too few seeds" when the grid never
 * had them. The others are tested with the paired t-test and TOST, both corrected across the
 * family at ALPHA: significant → better or worse; else equivalent within the margin → equivalent;
 * else not significant.
 */
export function judgeFamily(family: string, effects: readonly PairedEffect[], opts: StatsOptions = DEFAULT_STATS): Judgement[] {
  const { correction } = opts;
  const tested = effects.map((e) => e.n >= MIN_T_PAIRS);
  const pT = effects.map((e, i) => (tested[i] ? e.p : NaN));
  const adjT = adjustP(pT, correction);
  const level = correctionCutoff(pT, ALPHA, correction);
  const adjE = adjustP(effects.map((e, i) => (tested[i] ? e.pTost : NaN)), correction);
  // Every registered check, corrected within the same family.
  const checkP = STAT_CHECKS.map((c) => effects.map((e, i) => (tested[i] && e.checks ? e.checks[c.id].p : NaN)));
  const checkAdj = checkP.map((p) => adjustP(p, correction));
  const checkCut = checkP.map((p) => correctionCutoff(p, ALPHA, correction));
  const flip = STAT_CHECKS.indexOf(signFlipCheck);
  const adjF = checkAdj[flip];
  const untested = { correction, level, pAdjusted: NaN, pTostAdjusted: NaN, pSignFlipAdjusted: NaN, checks: Object.fromEntries(STAT_CHECKS.map((c) => [c.id, NaN])) };
  const name = CORRECTION_NAMES[correction];
  return effects.map((e, i) => {
    const notes: string[] = [];
    if (e.excluded > 0) notes.push(`${e.excluded} of ${e.seeds} seeds left out: diverged`);
    if (!tested[i]) {
      const why = `${e.n} usable pair${e.n === 1 ? '' : 's'}; dwgd gives a t-test verdict from ${MIN_T_PAIRS} on (docs/METHOD.md §10)`;
      if (e.excluded > 0 && e.seeds >= MIN_T_PAIRS) return { family, verdict: 'inconclusive', ...untested, notes: [...notes, why] };
      return { family, verdict: 'too few seeds', ...untested, notes: [...notes, `too few seeds: ${why}`] };
    }
    const significant = adjT[i] <= ALPHA;
    const ahead = e.higherIsBetter ? e.meanDiff > 0 : e.meanDiff < 0;
    const equivalent = adjE[i] <= ALPHA;
    const verdict: ComparisonVerdict = significant ? (ahead ? 'better' : 'worse') : equivalent ? 'equivalent' : 'not significant';
    if (significant && equivalent) notes.push(`also equivalent within ±${e.margin.toPrecision(3)} (${name}-adjusted TOST p ${pText(adjE[i])}): a real difference smaller than the margin`);
    if (e.checks) {
      STAT_CHECKS.forEach((c, k) => {
        const r = e.checks![c.id];
        if (c === signFlipCheck && r.minP > checkCut[k]) notes.push(`${c.title}: ${resolutionText(e.n, r.minP, checkCut[k])}`);
        if ((checkAdj[k][i] <= ALPHA) !== significant) {
          notes.push(`the t-test (adjusted p ${pText(adjT[i])}) and the ${c.title} (adjusted p ${pText(checkAdj[k][i])}) disagree` +
            (significant ? '; the verdict rests on the t-test\'s normality' : ''));
        }
      });
    }
    return { family, verdict, correction, level, pAdjusted: adjT[i], pTostAdjusted: adjE[i], pSignFlipAdjusted: adjF[i], checks: Object.fromEntries(STAT_CHECKS.map((c, k) => [c.id, checkAdj[k][i]])), notes };
  });
}

/** A verdict as the tables print it: "equivalent (±1.00 points)" names its margin. */
export function verdictText(verdict: ComparisonVerdict, margin: number, metric: string): string {
  if (verdict !== 'equivalent') return verdict;
  return metric === 'accuracy' ? `equivalent (±${(100 * margin).toFixed(2)} pts)` : `equivalent (±${margin.toPrecision(3)})`;
}
