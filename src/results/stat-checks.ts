// The registry of checks reported beside each paired comparison's verdict (docs/METHOD.md §10).
// The verdict rests on the paired t-test (verdicts.ts); each check here tests the same seed-paired
// differences another way, is corrected with Benjamini–Hochberg in the same family, and a
// disagreement with the verdict is said in the comparison's notes. One file and one line in
// STAT_CHECKS per check.

import { signFlip } from './stats.js';

export interface CheckResult {
  /** Two-sided p-value. */
  p: number;
  /** The smallest p the check can give with this many differences (its resolution). */
  minP: number;
  /** Whether p is exact (not a Monte-Carlo estimate). */
  exact: boolean;
}

export interface StatCheck {
  /** Short id: a column prefix of summary.csv (p_<id>, p_<id>_adjusted) and a key in --json. */
  id: string;
  /** Words for notes, e.g. "sign-flip check". */
  title: string;
  test(diffs: readonly number[]): CheckResult;
}

/** The exact (or Monte-Carlo) sign-flip permutation test: no normality assumed (stats.ts). */
export const signFlipCheck: StatCheck = { id: 'signflip', title: 'sign-flip check', test: (d) => signFlip(d) };

export const STAT_CHECKS: readonly StatCheck[] = [signFlipCheck];

/** The checks beyond the sign-flip one, whose columns summary.csv appends. */
export function extraChecks(): StatCheck[] {
  return STAT_CHECKS.filter((c) => c !== signFlipCheck);
}
