// One comparison = one method against one baseline in one cell, paired by seed (docs/METHOD.md
// §10). Its effect (mean difference, 95 % CI, relative change, wins) does not depend on what
// else is tested; its verdict does: comparisons are judged in families, each corrected with
// Benjamini–Hochberg on its own. The verdict rests on the paired t-test; the sign-flip test is
// reported beside it as a check that assumes no normality, and disagreements are said.

import { pText } from './format.js';
import { signFlipCheck, STAT_CHECKS, type CheckResult } from './stat-checks.js';
import { benjaminiHochberg, bhCutoff, describe, mean, pairedT, signFlipMinP, SIGN_FLIP_DRAWS, SIGN_FLIP_EXACT_MAX, type SignFlip } from './stats.js';

export const ALPHA = 0.05;

export const VERDICTS = ['better', 'worse', 'no difference', 'too few seeds', 'inconclusive'] as const;
export type ComparisonVerdict = (typeof VERDICTS)[number];

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
  ciLow: number;
  ciHigh: number;
  baselineMean: number;
  /** meanDiff / baselineMean. */
  relChange: number;
  /** Seeds where the method is better, in the metric's direction. */
  wins: number;
  higherIsBetter: boolean;
  t: number;
  p: number;
  /** Absent when the check was not asked for (simulations that need only the verdict). */
  signFlip?: SignFlip;
  /** Every registered check's result (stat-checks.ts), by id; absent as signFlip is. */
  checks?: Record<string, CheckResult>;
}

/**
 * The effect of `method` against `baseline` over the seeds both trained without diverging
 * (`ok[i]` false drops seed i). Non-finite values count as diverged.
 */
export function pairedEffect(method: readonly number[], baseline: readonly number[], ok: readonly boolean[], higherIsBetter: boolean, check = true): PairedEffect {
  const used: number[] = [];
  for (let i = 0; i < method.length; i++) if (ok[i] && Number.isFinite(method[i]) && Number.isFinite(baseline[i])) used.push(i);
  const diffs = used.map((i) => method[i] - baseline[i]);
  const d = describe(diffs);
  const baselineMean = mean(used.map((i) => baseline[i]));
  const t = pairedT(diffs);
  const checks = check ? Object.fromEntries(STAT_CHECKS.map((c) => [c.id, c.test(diffs)])) : undefined;
  return {
    seeds: method.length, n: diffs.length, excluded: method.length - diffs.length, diffs,
    meanDiff: d.mean, ciLow: d.ciLow, ciHigh: d.ciHigh, baselineMean, relChange: d.mean / baselineMean,
    wins: diffs.filter((x) => (higherIsBetter ? x > 0 : x < 0)).length, higherIsBetter,
    t: t.t, p: t.p, signFlip: checks ? { n: diffs.length, ...checks[signFlipCheck.id] } : undefined, checks,
  };
}

export interface Judgement {
  family: string;
  verdict: ComparisonVerdict;
  /** Benjamini–Hochberg adjusted t-test p within the family (NaN when untested). */
  pAdjusted: number;
  pSignFlipAdjusted: number;
  /** Each registered check's Benjamini–Hochberg adjusted p within the family, by id. */
  checks: Record<string, number>;
  /** Sentences a reader needs beside the verdict: too few seeds, divergence, disagreement. */
  notes: string[];
}

/** The smallest number of seeds whose sign-flip resolution reaches `level`, or null if none does. */
export function seedsNeeded(level: number): number | null {
  for (let n = 1; n <= SIGN_FLIP_EXACT_MAX + 1; n++) if (signFlipMinP(n) <= level) return n;
  return null;
}

/** "too few seeds: with N = … the smallest attainable p is … > the corrected level …; need ≥ K seeds". */
export function tooFewSeedsText(n: number, minP: number, level: number, need: number | null): string {
  return `too few seeds: with N = ${n} the smallest attainable p is ${pText(minP)} > the corrected level ${pText(level)}; ` +
    (need === null ? `no number of seeds reaches it with ${SIGN_FLIP_DRAWS} Monte-Carlo sign patterns` : `need ≥ ${need} seeds`);
}

/**
 * Verdicts for one family. A comparison with fewer than two usable pairs cannot be tested: it
 * is "inconclusive" when divergence removed the pairs, "too few seeds" when the grid never had
 * two. The others are tested with the paired t-test, whose p has no floor from two pairs on,
 * and corrected with Benjamini–Hochberg across the family at ALPHA.
 */
export function judgeFamily(family: string, effects: readonly PairedEffect[]): Judgement[] {
  const tested = effects.map((e) => e.n >= 2);
  const pT = effects.map((e, i) => (tested[i] ? e.p : NaN));
  const adjT = benjaminiHochberg(pT);
  const cutT = bhCutoff(pT, ALPHA);
  // Every registered check, corrected within the same family.
  const checkP = STAT_CHECKS.map((c) => effects.map((e, i) => (tested[i] && e.checks ? e.checks[c.id].p : NaN)));
  const checkAdj = checkP.map((p) => benjaminiHochberg(p));
  const checkCut = checkP.map((p) => bhCutoff(p, ALPHA));
  const flip = STAT_CHECKS.indexOf(signFlipCheck);
  const adjF = checkAdj[flip];
  const untested = { pAdjusted: NaN, pSignFlipAdjusted: NaN, checks: Object.fromEntries(STAT_CHECKS.map((c) => [c.id, NaN])) };
  return effects.map((e, i) => {
    const notes: string[] = [];
    if (e.excluded > 0) notes.push(`${e.excluded} of ${e.seeds} seeds left out: diverged`);
    if (!tested[i]) {
      if (e.excluded > 0) return { family, verdict: 'inconclusive', ...untested, notes: [...notes, `${e.n} usable pair${e.n === 1 ? '' : 's'}: the t-test needs two`] };
      notes.push(tooFewSeedsText(e.n, 1, cutT, 2) + ' (the t-test needs two pairs)');
      return { family, verdict: 'too few seeds', ...untested, notes };
    }
    const significant = adjT[i] <= ALPHA;
    const ahead = e.higherIsBetter ? e.meanDiff > 0 : e.meanDiff < 0;
    const verdict: ComparisonVerdict = significant ? (ahead ? 'better' : 'worse') : 'no difference';
    if (e.checks) {
      STAT_CHECKS.forEach((c, k) => {
        const r = e.checks![c.id];
        if (c === signFlipCheck && r.minP > checkCut[k]) notes.push(`${c.title}: ${tooFewSeedsText(e.n, r.minP, checkCut[k], seedsNeeded(checkCut[k]))}`);
        if ((checkAdj[k][i] <= ALPHA) !== significant) {
          notes.push(`the t-test (adjusted p ${pText(adjT[i])}) and the ${c.title} (adjusted p ${pText(checkAdj[k][i])}) disagree` +
            (significant ? '; the verdict rests on the t-test\'s normality' : ''));
        }
      });
    }
    return { family, verdict, pAdjusted: adjT[i], pSignFlipAdjusted: adjF[i], checks: Object.fromEntries(STAT_CHECKS.map((c, k) => [c.id, checkAdj[k][i]])), notes };
  });
}
