// REPORT.md of `dwgd compare`: the paper's claims (docs/METHOD.md §8) checked against the data,
// then per dataset the effects (paired differences with CI, relative change, wins, verdict)
// followed by a table shaped like the paper's (mean ± sd over seeds, the authors' number where
// the protocol is theirs), and links to the learning-curve SVGs. Every sentence about the data
// is computed from it. Nothing here depends on the clock or the machine.

import type { Study } from '../experiment/plan.js';

type Plan = Pick<Study, 'name' | 'files' | 'seeds' | 'runs'>;
import { BASELINE, DUAL, higherIsBetter, type Aggregate, type Comparison, type EvalKind, type ExperimentSummary, type MethodCell } from './aggregate.js';
import { conclusionLines, type Claim, type ClaimVerdict, type NotChecked } from './conclusions.js';
import { fmt, markdownTable, pct, pText } from './format.js';
import { isPaperMethod } from './protocol.js';
import { CORRECTION_NAMES, median, SIGN_FLIP_DRAWS, SIGN_FLIP_EXACT_MAX } from './stats.js';
import { ALPHA, MIN_T_PAIRS, VERDICTS, verdictText, type ComparisonVerdict } from './verdicts.js';

export type { Claim, ClaimVerdict } from './conclusions.js';

const REGRESSION = ['california-housing', 'wine-quality'];
const IMAGES = ['mnist', 'fashion-mnist', 'cifar-10'];
const KINDS = ['clean', 'noisy'] as const;

export function slug(e: ExperimentSummary): string {
  const extra = Object.entries(e.extra).map(([k, v]) => `${k}-${v}`).join('-');
  return [e.dataset, e.arch, `n${e.trainSize}`, extra].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

function winner(e: ExperimentSummary, kind: EvalKind, among: (method: string) => boolean = () => true): string | null {
  let best: MethodCell | null = null;
  for (const c of e.cells) {
    if (c.eval !== kind || !among(c.method) || !Number.isFinite(c.spread.mean)) continue;
    if (!best || (higherIsBetter(e.metric) ? c.spread.mean > best.spread.mean : c.spread.mean < best.spread.mean)) best = c;
  }
  return best ? best.method : null;
}

function cellOf(e: ExperimentSummary, method: string, kind: EvalKind): MethodCell | undefined {
  return e.cells.find((c) => c.method === method && c.eval === kind);
}

/**
 * One comparison a claim rests on, seen from the claim's side (`method` against `baseline`). It
 * is always a comparison of the tables, judged once in its table family (comparisonPairs): a
 * claim never re-tests or re-corrects, so no comparison carries two verdicts in one report.
 */
export interface Member {
  e: ExperimentSummary;
  kind: EvalKind;
  method: string;
  baseline: string;
  /** The table's comparison (possibly baseline − method). */
  comparison: Comparison;
  /** Whether the table's comparison runs the other way (baseline − method). */
  flipped: boolean;
  /** The verdict from the claim's side: `better` means `method` is better. */
  verdict: ComparisonVerdict;
  /** Relative gain of `method` over `baseline` (positive = better), against the table's baseline. */
  gain: number;
  /** Effect of method − baseline (the table's, negated when flipped). */
  effect: { n: number; wins: number; meanDiff: number; ciLow: number; ciHigh: number };
}

const MIRROR: Partial<Record<ComparisonVerdict, ComparisonVerdict>> = { better: 'worse', worse: 'better' };

/** The table comparison of `method` and `baseline` in one cell, in either direction. */
export function member(e: ExperimentSummary, kind: EvalKind, method: string, baseline: string): Member {
  const find = (a: string, b: string) => e.comparisons.find((c) => c.eval === kind && c.method === a && c.baseline === b);
  const direct = find(method, baseline);
  const c = direct ?? find(baseline, method);
  if (!c) throw new Error(`no table comparison of ${method} and ${baseline} in ${e.label} ${kind} (comparisonPairs must cover every claim's pairs)`);
  const flipped = !direct;
  const x = c.effect;
  const v = c.judgement.verdict;
  return {
    e, kind, method, baseline, comparison: c, flipped,
    verdict: flipped ? MIRROR[v] ?? v : v,
    gain: flipped ? -x.gain : x.gain,
    effect: flipped
      ? { n: x.n, wins: x.n - x.wins - x.diffs.filter((d) => d === 0).length, meanDiff: -x.meanDiff, ciLow: -x.ciHigh, ciHigh: -x.ciLow }
      : { n: x.n, wins: x.wins, meanDiff: x.meanDiff, ciLow: x.ciLow, ciHigh: x.ciHigh },
  };
}

const COUNTED: readonly ComparisonVerdict[] = VERDICTS;
/** Verdicts that come from a test (the others could not be tested). */
const TESTED: readonly ComparisonVerdict[] = ['better', 'worse', 'equivalent', 'not significant'];

export function countVerdicts(ms: readonly Member[]): string {
  const parts = COUNTED.map((v) => [v, ms.filter((m) => m.verdict === v).length] as const).filter(([, k]) => k).map(([v, k]) => `${k} ${v}`);
  return parts.join(', ') || 'none';
}

function relRange(ms: readonly Member[]): string {
  const r = ms.map((m) => m.gain).filter(Number.isFinite).sort((a, b) => a - b);
  if (!r.length) return '';
  return `relative gain median ${pct(median(r))} (range ${pct(r[0])} … ${pct(r[r.length - 1])})`;
}

export interface ClaimCheck {
  claims: Claim[];
  notChecked: NotChecked[];
  /** Each checked claim's comparisons, for --json. */
  families: Map<string, Member[]>;
}

/**
 * docs/METHOD.md §11, the headline rule of C5–C7 against one baseline (or all): holds when
 * "better" outnumbers "worse" and makes up at least half of the tested comparisons; does not
 * hold when "worse" is at least as frequent as "better" and not zero; inconclusive otherwise,
 * and whenever fewer than half the comparisons could be tested.
 */
export function headlineRule(ms: readonly Member[]): ClaimVerdict {
  const better = ms.filter((m) => m.verdict === 'better').length;
  const worse = ms.filter((m) => m.verdict === 'worse').length;
  const tested = ms.filter((m) => TESTED.includes(m.verdict)).length;
  if (tested === 0 || tested * 2 < ms.length) return 'inconclusive';
  if (better > worse && better * 2 >= tested) return 'holds';
  if (worse > 0 && worse >= better) return 'does not hold';
  return 'inconclusive';
}

/**
 * docs/METHOD.md §11, C6 and C7 (and C5 against more than one baseline): the headline rule
 * against each baseline separately; holds when it holds against every one, does not hold when
 * it does not hold against any, inconclusive otherwise.
 */
export function everyBaselineRule(perBaseline: readonly ClaimVerdict[]): ClaimVerdict {
  if (!perBaseline.length) return 'inconclusive';
  if (perBaseline.includes('does not hold')) return 'does not hold';
  return perBaseline.every((v) => v === 'holds') ? 'holds' : 'inconclusive';
}

/** docs/METHOD.md §11, C1: at most ⌈cells/24⌉ cells not won → holds; more than that many lost → does not hold. */
export function c1Rule(cells: number, won: number, lost: number): ClaimVerdict {
  const allowed = Math.ceil(cells / 24);
  return won >= cells - allowed ? 'holds' : lost > allowed ? 'does not hold' : 'inconclusive';
}

/**
 * docs/METHOD.md §11, C4. `within`: cells where every pair's 95 % CI lies inside ±3 points;
 * `beyond`: cells where some pair's CI lies wholly beyond 3 points; `winners`: cells won (best
 * mean) per method. Holds when within ≥ 80 % of cells and at least two methods hold a best mean,
 * none in more than 80 % of cells; does not hold when beyond > 20 % of cells, or when one method
 * has the best mean in every cell of four or more; inconclusive otherwise.
 */
export function c4Rule(cells: number, within: number, beyond: number, winners: ReadonlyMap<string, number>): ClaimVerdict {
  const top = Math.max(0, ...winners.values());
  if (beyond > 0.2 * cells || (cells >= 4 && winners.size === 1 && top === cells)) return 'does not hold';
  if (within >= 0.8 * cells && winners.size >= 2 && top <= 0.8 * cells) return 'holds';
  return 'inconclusive';
}

/** Checks each claim of docs/METHOD.md §8 whose data are in the grid, by the rules of §11. */
export function checkClaims(agg: Aggregate): ClaimCheck {
  const claims: Claim[] = [];
  const notChecked: NotChecked[] = [];
  const families = new Map<string, Member[]>();
  const es = agg.experiments;

  // C1. dwm-stable lowest error on the regression sets.
  {
    const id = 'regression-dwm-stable';
    const claim = 'On the two regression sets dwm-stable has the lowest test error in 23 of the 24 cells (clean and noisy).';
    const reg = es.filter((e) => REGRESSION.includes(e.dataset) && e.methods.includes('dwm-stable') && e.methods.length > 1);
    if (!reg.length) notChecked.push({ id, claim, reason: 'no regression experiment with dwm-stable and another method in this grid' });
    else {
      const ms = reg.flatMap((e) => KINDS.flatMap((kind) => e.methods.filter((m) => m !== 'dwm-stable').map((b) => member(e, kind, 'dwm-stable', b))));
      families.set(id, ms);
      const cells = reg.flatMap((e) => KINDS.map((kind) => ({ e, kind, ms: ms.filter((m) => m.e === e && m.kind === kind) })));
      const won = cells.filter((c) => c.ms.every((m) => m.verdict === 'better'));
      const lost = cells.filter((c) => c.ms.some((m) => m.verdict === 'worse'));
      const lowest = cells.filter((c) => winner(c.e, c.kind) === 'dwm-stable').length;
      // The authors' own count, from their numbers in the same cells (one seed each).
      const authorsCells = cells.filter((c) => c.e.cells.filter((x) => x.eval === c.kind).every((x) => x.authors !== null));
      const authorsLowest = authorsCells.filter((c) => {
        const xs = c.e.cells.filter((x) => x.eval === c.kind);
        const best = Math.min(...xs.map((x) => x.authors!));
        return xs.find((x) => x.method === 'dwm-stable')!.authors === best && xs.filter((x) => x.authors === best).length === 1;
      }).length;
      const vsSgd = ms.filter((m) => m.baseline === BASELINE);
      claims.push({
        id, claim, verdict: c1Rule(cells.length, won.length, lost.length),
        evidence: `dwm-stable is significantly lower than every other method in ${won.length} of ${cells.length} cells, and another method significantly lower in ${lost.length}` +
          (lost.length ? ` (${lost.map((c) => `${c.e.label} ${c.kind}: ${c.ms.filter((m) => m.verdict === 'worse').map((m) => m.baseline).join(', ')}`).join('; ')})` : '') +
          `; lowest mean in ${lowest} of ${cells.length}` +
          (authorsCells.length ? `; in the authors' own numbers (one seed) lowest in ${authorsLowest} of ${authorsCells.length}` : '') +
          `. Against sgd: ${countVerdicts(vsSgd)}${vsSgd.length ? `; ${relRange(vsSgd)}` : ''}. ` +
          `All ${ms.length} comparisons: ${countVerdicts(ms)}.`,
      });
    }
  }

  // C2. The exception, wine 3-layer n=100, goes to l2 λ=0.1.
  {
    const id = 'wine-exception';
    const claim = 'The exception, wine 3-layer n=100, goes to l2 λ=0.1.';
    const e = es.find((x) => x.dataset === 'wine-quality' && x.arch === '3-layer' && x.trainSize === 100 && x.methods.includes('l2-0.1') && x.methods.length > 1);
    if (!e) notChecked.push({ id, claim, reason: 'no wine-quality 3-layer n=100 experiment with l2-0.1 and another method in this grid' });
    else {
      const ms = KINDS.flatMap((kind) => e.methods.filter((m) => m !== 'l2-0.1').map((b) => member(e, kind, 'l2-0.1', b)));
      families.set(id, ms);
      const won = KINDS.filter((k) => ms.filter((m) => m.kind === k).every((m) => m.verdict === 'better'));
      const lost = KINDS.filter((k) => ms.some((m) => m.kind === k && m.verdict === 'worse'));
      const verdict = lost.length ? 'does not hold' : won.length ? 'holds' : 'inconclusive';
      const detail = KINDS.map((k) => `${k}: lowest mean ${winner(e, k)}, l2-0.1 ${fmt('mse', cellOf(e, 'l2-0.1', k)?.spread.mean)}, dwm-stable ${fmt('mse', cellOf(e, 'dwm-stable', k)?.spread.mean)}; ` +
        `l2-0.1 against the others: ${countVerdicts(ms.filter((m) => m.kind === k))}`);
      claims.push({ id, claim, verdict, evidence: `${detail.join('. ')}.` });
    }
  }

  // C3. l2 λ=0.1 regression models collapse to predicting the mean.
  {
    const id = 'l2-collapse';
    const reg = es.filter((e) => REGRESSION.includes(e.dataset) && e.methods.includes('l2-0.1'));
    const scales = [...new Set(reg.map((e) => e.config.dataset.targetScale))];
    const variance = scales.length === 1 ? scales[0] ** 2 : NaN;
    const claim = `l2 λ=0.1 regression models collapse to predicting the mean (MSE ≈ targetScale²${Number.isFinite(variance) ? ` = ${variance.toFixed(4)}` : ''}, the variance of the scaled target).`;
    if (!reg.length) notChecked.push({ id, claim, reason: 'no regression experiment with l2-0.1 in this grid' });
    else {
      const cells = reg.map((e) => {
        const c = cellOf(e, 'l2-0.1', 'clean')!;
        const v = e.config.dataset.targetScale ** 2;
        const lo = 0.9 * v, hi = 1.1 * v;
        const ok = c.ok.filter(Boolean).length;
        const flagged = c.collapsed.filter((x) => !c.diverged.some((d) => d.seed === x.seed)).length;
        const ci = Number.isFinite(c.spread.ciLow);
        const inside = ci ? c.spread.ciLow >= lo && c.spread.ciHigh <= hi : false;
        const outside = ci ? c.spread.ciHigh < lo || c.spread.ciLow > hi : false;
        const state = ok === 0 ? 'no evidence' : (ok > 0 && flagged === ok) || inside ? 'collapsed' : flagged === 0 && outside ? 'not collapsed' : 'undecided';
        return { e, c, state, flagged, ok, ratio: c.spread.mean / v };
      });
      const count = (s: string) => cells.filter((x) => x.state === s).length;
      const ratios = cells.map((x) => x.ratio).filter(Number.isFinite);
      const verdict = count('collapsed') === cells.length ? 'holds' : count('not collapsed') * 2 > cells.length ? 'does not hold' : 'inconclusive';
      claims.push({
        id, claim, verdict,
        evidence: `Of ${cells.length} regression experiments: collapsed in ${count('collapsed')} (every usable run flagged as a constant predictor, or the 95 % CI of its clean MSE inside ±10 % of targetScale²), ` +
          `not collapsed in ${count('not collapsed')}, undecided in ${count('undecided')}${count('no evidence') ? `, no usable run in ${count('no evidence')}` : ''}. ` +
          `Runs flagged collapsed: ${cells.reduce((s, x) => s + x.flagged, 0)} of ${cells.reduce((s, x) => s + x.ok, 0)}` +
          (ratios.length ? `; mean clean MSE / targetScale² from ${Math.min(...ratios).toFixed(3)} to ${Math.max(...ratios).toFixed(3)}.` : '.'),
      });
    }
  }

  // C4. Image sets: the methods lie within one to three points; the winner changes from cell to cell.
  {
    const id = 'images-close';
    const claim = 'On the image sets the five methods lie within about one to three points of accuracy of each other and the winner changes from cell to cell.';
    const img = es.filter((e) => IMAGES.includes(e.dataset) && e.methods.filter(isPaperMethod).length > 1);
    if (!img.length) notChecked.push({ id, claim, reason: 'no image-set experiment with two or more of the paper\'s methods in this grid' });
    else {
      const ms = img.flatMap((e) => {
        const paper = e.methods.filter(isPaperMethod);
        return KINDS.flatMap((kind) => paper.flatMap((m, i) => paper.slice(i + 1).map((b) => member(e, kind, m, b))));
      });
      families.set(id, ms);
      // A cell counts only when all its comparisons could be tested (enough usable pairs).
      const cells = img.flatMap((e) => KINDS.map((kind) => ({ e, kind, ms: ms.filter((m) => m.e === e && m.kind === kind) })))
        .filter((c) => c.ms.every((m) => TESTED.includes(m.verdict)));
      const within = cells.filter((c) => c.ms.every((m) => Math.max(Math.abs(m.effect.ciLow), Math.abs(m.effect.ciHigh)) <= 0.03)).length;
      const beyond = cells.filter((c) => c.ms.some((m) => m.effect.ciLow > 0.03 || m.effect.ciHigh < -0.03)).length;
      const untested = img.length * KINDS.length - cells.length;
      const winners = new Map<string, number>();
      for (const c of cells) { const w = winner(c.e, c.kind, isPaperMethod); if (w) winners.set(w, (winners.get(w) ?? 0) + 1); }
      const spreads = cells.map((c) => { const v = c.e.cells.filter((x) => x.eval === c.kind && isPaperMethod(x.method)).map((x) => x.spread.mean).filter(Number.isFinite); return 100 * (Math.max(...v) - Math.min(...v)); })
        .filter(Number.isFinite).sort((a, b) => a - b);
      claims.push({
        id, claim, verdict: cells.length ? c4Rule(cells.length, within, beyond, winners) : 'inconclusive',
        evidence: `Every pairwise difference's 95 % CI inside ±3 points in ${within} of ${cells.length} tested cells; some pair's CI wholly beyond 3 points in ${beyond}` +
          (untested ? `; ${untested} cell${untested === 1 ? '' : 's'} with a comparison too thin to test (fewer than ${MIN_T_PAIRS} usable pairs) not counted` : '') + '. ' +
          (spreads.length ? `Spread of the means (best − worst) median ${median(spreads).toFixed(2)}, max ${spreads[spreads.length - 1].toFixed(2)} points. ` : '') +
          `Best mean: ${[...winners.entries()].map(([m, n]) => `${m} ${n}`).join(', ')}. All ${ms.length} pairwise comparisons: ${countVerdicts(ms)}.`,
      });
    }
  }

  // C5–C7. The dual-weight methods against every baseline present: few data, noisy inputs, class imbalance.
  const baselinesOf = (e: ExperimentSummary) => e.methods.filter((m) => m === BASELINE || m.startsWith('l2-'));
  const onlySgd = (e: ExperimentSummary) => e.methods.filter((m) => m === BASELINE);
  const headline = (id: string, claim: string, vs: (e: ExperimentSummary) => string[], pick: (e: ExperimentSummary, kind: EvalKind) => boolean, none: string, split: (m: Member) => string, splitName: string) => {
    const ms = es.flatMap((e) => KINDS.filter((k) => pick(e, k)).flatMap((kind) => DUAL.filter((m) => e.methods.includes(m)).flatMap((method) => vs(e).map((b) => member(e, kind, method, b)))));
    if (!ms.length) { notChecked.push({ id, claim, reason: none }); return; }
    families.set(id, ms);
    const baselines = [...new Set(ms.map((m) => m.baseline))];
    const per = baselines.map((b) => ({ b, ms: ms.filter((m) => m.baseline === b) }));
    const verdicts = per.map((x) => headlineRule(x.ms));
    const groups = [...new Set(ms.map(split))];
    claims.push({
      id, claim, verdict: everyBaselineRule(verdicts),
      evidence: per.map((x, i) => `against ${x.b}: ${countVerdicts(x.ms)} (${verdicts[i]}); ahead on every seed in ${x.ms.filter((m) => m.effect.n > 0 && m.effect.wins === m.effect.n).length}; ${relRange(x.ms)}`).join('. ') +
        (groups.length > 1 ? `. By ${splitName}, against ${BASELINE}: ${groups.map((g) => { const gs = ms.filter((m) => m.baseline === BASELINE && split(m) === g); return gs.length ? `${g}: ${countVerdicts(gs)}, ${relRange(gs)}` : ''; }).filter(Boolean).join('; ')}` : '') + '.',
    });
  };
  headline('few-data', 'The dual-weight methods generalise better than SGD when data are few (clean test, every training size, shown per size).', onlySgd,
    (e, k) => k === 'clean' && !e.config.imbalance && e.methods.includes(BASELINE), 'no experiment with sgd and a dual-weight method in this grid',
    (m) => `n = ${m.e.trainSize}`, 'training size');
  headline('noisy', 'The dual-weight methods generalise better than the other methods on noisy inputs (the noisy test, against every baseline).', baselinesOf,
    (e, k) => k === 'noisy' && !e.config.imbalance && baselinesOf(e).length > 0, 'no experiment with a baseline and a dual-weight method in this grid',
    (m) => m.e.dataset, 'dataset');
  headline('imbalance', 'The dual-weight methods are robust to class imbalance (abstract): better than the other methods on an imbalanced training list.', baselinesOf,
    (e) => e.config.imbalance !== undefined && baselinesOf(e).length > 0, 'no experiment in this grid has class imbalance (`imbalance`); the published code has none either',
    (m) => m.e.dataset, 'dataset');
  return { claims, notChecked, families };
}

export interface ReportInput {
  plan: Plan;
  agg: Aggregate;
  check: ClaimCheck;
  /** The authors-results.json source line. */
  authorsSource: string;
}

function ciText(metric: string, lo: number, hi: number): string {
  return Number.isFinite(lo) ? `[${fmt(metric, lo, true)}, ${fmt(metric, hi, true)}]` : '–';
}

/** Markers after a cell: diverged and collapsed seeds. */
function flags(c: MethodCell): string {
  const n = c.seeds.length;
  return (c.diverged.length ? ` ✗ ${c.diverged.length}/${n} diverged` : '') + (c.collapsed.length ? ` ⊘ ${c.collapsed.length}/${n} collapsed` : '');
}

function effectRows(e: ExperimentSummary, cs: Comparison[]): string[][] {
  const extra = Object.entries(e.extra).map(([k, v]) => ` ${k}=${v}`).join('');
  return cs.map((c) => {
    const x = c.effect, j = c.judgement;
    const verdict = `**${verdictText(j.verdict, x.margin, e.metric)}**`;
    return [`${e.arch}${extra}`, String(e.trainSize), c.eval, `${c.method} − ${c.baseline}`, fmt(e.metric, x.meanDiff, true), ciText(e.metric, x.ciLow, x.ciHigh),
      pct(x.gain), `${x.wins}/${x.n}${x.excluded ? ` (${x.excluded} diverged)` : ''}`, pText(x.p), pText(j.pAdjusted), pText(j.pTostAdjusted),
      x.signFlip ? pText(j.pSignFlipAdjusted) : '–', j.notes.some((s) => /disagree/.test(s)) ? `${verdict} ⚠` : verdict];
  });
}

/** The paragraph that says how verdicts are reached, shared by compare's and sweep's reports. */
export function judgedText(agg: Aggregate): string {
  const corr = CORRECTION_NAMES[agg.stats.correction];
  const assumption = agg.stats.correction === 'bh'
    ? 'Benjamini–Hochberg controls the false discovery rate when the tests are independent or positively dependent (PRDS); comparisons of one dataset share seeds, training lists and baselines, which we take to be positive dependence but cannot prove: `--correction by` (Benjamini–Yekutieli, valid under any dependence) or `--correction holm` (family-wise) are the stricter choices. '
    : agg.stats.correction === 'by' ? 'Benjamini–Yekutieli controls the false discovery rate under any dependence between the tests. ' : 'Holm controls the chance of any false verdict in the family, under any dependence. ';
  return `Every comparison pairs two methods seed by seed (same initial network, same sample order): Δ = method − baseline per seed, its mean with a 95 % Student-t CI, ` +
    `the relative gain (mean Δ / the baseline's mean, signed so that positive means the method is better) and the seeds on which the method is better (wins). ` +
    `Each comparison is judged once, in one family per dataset × evaluation (${agg.families.map((f) => `${f.name}: ${f.size}`).join(', ') || 'none'}); the claims below count these same verdicts. ` +
    `The paired t-test on the per-seed Δ and two one-sided tests of equivalence (TOST) within the declared margin (default ±1 accuracy point, ±5 % of the baseline's MSE; config key \`equivalence\`) are each corrected with ${corr} at α = ${ALPHA} within the family. ${assumption}` +
    `Verdicts: **better** / **worse** (than the baseline): the adjusted t-test p ≤ α, by the sign of Δ in the metric's direction; **equivalent**: not significantly different, and the adjusted TOST p ≤ α (the difference lies within the margin); ` +
    `**not significant**: neither, which says the data cannot tell, not that the methods are alike (see the CI); **too few seeds**: fewer than ${MIN_T_PAIRS} pairs, below which dwgd gives no t-test verdict; **inconclusive**: divergence left fewer than ${MIN_T_PAIRS} usable pairs (docs/METHOD.md §10). ` +
    `Beside the verdict, a sign-flip permutation test of the mean Δ (exact over all 2^N sign patterns up to N = ${SIGN_FLIP_EXACT_MAX}, ` +
    `${SIGN_FLIP_DRAWS} fixed-seed Monte-Carlo patterns beyond, resolution 1/${SIGN_FLIP_DRAWS + 1}), corrected the same way, checks it without assuming normality; ⚠ marks a disagreement. ` +
    'A method whose run diverged (non-finite loss or metric, or a weight beyond the bound of docs/METHOD.md §9) is left out of the statistics for that seed and counted in the cell. ' +
    '`dwgd plan-seeds DIR` estimates how many seeds a comparison would need.';
}

export function buildReport({ plan, agg, check, authorsSource }: ReportInput): string {
  const configs = plan.runs.map((r) => r.config);
  const seedsList = [...new Set(configs.map((c) => c.seed))].sort((a, b) => a - b);
  const out: string[] = [];
  out.push(`# Comparison \`${plan.name}\``, '');
  const ne = agg.experiments.length;
  out.push(`${ne} experiment${ne === 1 ? '' : 's'} × ${plan.seeds} seed${plan.seeds === 1 ? '' : 's'} = ${plan.runs.length} runs ` +
    `from ${plan.files.map((f) => `\`${f}\``).join(', ')}. Seed s of ${plan.seeds} runs with the config's seed + s (seeds ${seedsList.join(', ')}); ` +
    'every run trains all methods from one initial network on one sample order (docs/METHOD.md §7).', '');
  const protocol = (get: (c: (typeof configs)[number]) => unknown) => [...new Set(configs.map((c) => { const v = get(c); return typeof v === 'string' ? v : JSON.stringify(v); }))].join(' / ');
  out.push(`Protocol: ${protocol((c) => c.turns)} turns × ${protocol((c) => c.stepsPerTurn)} steps, lr ${protocol((c) => c.lr)}, ` +
    `noisy test σ ${protocol((c) => c.noise.sigma)}, normalisation ${protocol((c) => c.dataset.normalize)}, engine ${protocol((c) => c.engine)}. ` +
    'Accuracy in percent (differences in points); MSE in target units (target = z-scored label × targetScale).', '');
  const anyAuthors = agg.experiments.some((e) => e.cells.some((c) => c.authors !== null));

  out.push('## Verdicts at a glance', '');
  out.push(...conclusionLines(agg, check).map((l) => `- ${l}`), '');
  out.push(`Authors' numbers: \`configs/paper/authors-results.json\` (${authorsSource}); shown only for experiments that follow the paper's protocol on every key that changes the numbers (docs/METHOD.md §7).`, '');

  out.push('## How the numbers are judged', '');
  out.push(judgedText(agg), '');

  out.push('## The paper\'s claims (docs/METHOD.md §8, tested by the rules of §11)', '');
  if (agg.experiments.some((e) => e.departures.length)) out.push('Some experiments depart from the paper\'s protocol (see above): these verdicts judge this grid as run.', '');
  if (check.claims.length) out.push(markdownTable(['claim', 'evidence', 'verdict'], check.claims.map((c) => [c.claim, c.evidence, `**${c.verdict}**`])));
  else out.push('No claim can be checked on this grid.', '');
  if (check.notChecked.length) out.push(`Not checked here: ${check.notChecked.map((c) => `${c.id} (${c.reason})`).join('; ')}.`, '');

  const datasets = [...new Set(agg.experiments.map((e) => e.dataset))];
  const far: string[] = [];
  for (const ds of datasets) {
    const es = agg.experiments.filter((e) => e.dataset === ds);
    const metric = es[0].metric;
    const methods = [...new Set(es.flatMap((e) => e.methods))];
    out.push(`## ${ds} (${metric === 'accuracy' ? 'test accuracy, %' : 'test MSE, target units'})`, '');
    const rows = es.flatMap((e) => effectRows(e, e.comparisons));
    if (rows.length) {
      out.push(`Effects (${metric === 'accuracy' ? 'points' : 'target units'}; ${metric === 'accuracy' ? 'higher' : 'lower'} is better):`, '');
      out.push(markdownTable(['arch', 'n', 'test', 'comparison', 'Δ mean', '95 % CI', 'relative gain', 'wins', 'p (t)', 'p adj.', 'TOST p adj.', 'sign-flip p adj.', 'verdict'], rows,
        [false, true, false, false, true, true, true, true, true, true, true, true, false]));
    } else out.push(`No comparisons: no experiment of ${ds} has \`${BASELINE}\` or two dual/l2 methods.`, '');
    const mrows: string[][] = [];
    for (const e of es) {
      for (const kind of KINDS) {
        const best = winner(e, kind);
        const cells = methods.map((m) => {
          const c = cellOf(e, m, kind);
          if (!c) return '';
          let s = fmt(metric, c.spread.mean);
          if (best === m) s = `**${s}**`;
          if (Number.isFinite(c.spread.sd)) s += ` ± ${fmt(metric, c.spread.sd)}`;
          s += flags(c);
          if (c.authors !== null) {
            const diff = c.spread.mean - c.authors;
            const beyond = Number.isFinite(c.spread.sd) && c.spread.sd > 0 && Math.abs(diff) > 3 * c.spread.sd;
            s += `<br>paper ${fmt(metric, c.authors)} (Δ ${fmt(metric, diff, true)}${beyond ? ' ‼' : ''})`;
            if (beyond) far.push(`${e.label} ${kind} ${m}: ours ${fmt(metric, c.spread.mean)} ± ${fmt(metric, c.spread.sd)}, paper ${fmt(metric, c.authors)} (${(Math.abs(diff) / c.spread.sd).toFixed(1)} sd)`);
          }
          return s;
        });
        const extra = Object.entries(e.extra).map(([k, v]) => ` ${k}=${v}`).join('');
        mrows.push([`${e.arch}${extra}`, String(e.trainSize), kind, ...cells]);
      }
    }
    out.push(`Means over the seeds that did not diverge:`, '');
    out.push(markdownTable(['arch', 'n', 'test', ...methods], mrows, [false, true, false, ...methods.map(() => true)]));
    out.push('Mean ± sd over seeds; bold: best mean in the row; ✗: seeds whose run diverged (left out); ⊘: seeds whose model collapsed to a constant answer (kept).' +
      (es.some((e) => e.cells.some((c) => c.authors !== null)) ? ' Below a cell: the authors\' single-seed number and our mean minus it' + (plan.seeds > 1 ? '; ‼ marks a difference above three of our standard deviations.' : '.') : ''), '');
    const drawn = es.some((e) => e.curves.some((c) => c.authors !== null && c.authors.length === e.turns));
    const band = plan.seeds < 2 ? 'one seed, no band' : plan.seeds < 5 ? 'band ±1 standard error' : 'band 95 % CI';
    out.push(`Learning curves (clean test metric per turn, mean over seeds, ${band}${drawn ? '; thin lines with open markers: the authors\' curves' : ''}):`, '');
    for (const e of es) out.push(`![${e.label}](curves/${slug(e)}.svg)`);
    out.push('');
  }

  if (anyAuthors) {
    out.push('## Cells more than three standard deviations from the authors\' numbers', '');
    if (plan.seeds < 2) out.push('Not computable with one seed (no standard deviation).', '');
    else if (far.length) out.push(...far.map((f) => `- ${f}`), '');
    else out.push('None.', '');
  }
  return out.join('\n');
}
