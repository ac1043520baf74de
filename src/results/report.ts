// REPORT.md of `dwgd compare`: the paper's claims (docs/METHOD.md §8) checked against the data,
// then per dataset the effects (paired differences with CI, relative change, wins, verdict)
// followed by a table shaped like the paper's (mean ± sd over seeds, the authors' number where
// the protocol is theirs), and links to the learning-curve SVGs. Every sentence about the data
// is computed from it. Nothing here depends on the clock or the machine.

import type { Study } from '../experiment/plan.js';

type Plan = Pick<Study, 'name' | 'files' | 'seeds' | 'runs'>;
import { BASELINE, DUAL, effectIn, higherIsBetter, type Aggregate, type Comparison, type EvalKind, type ExperimentSummary, type MethodCell } from './aggregate.js';
import { conclusionLines, type Claim, type NotChecked } from './conclusions.js';
import { fmt, markdownTable, pct, pText } from './format.js';
import { SIGN_FLIP_DRAWS, SIGN_FLIP_EXACT_MAX } from './stats.js';
import { ALPHA, judgeFamily, type Judgement, type PairedEffect } from './verdicts.js';

export type { Claim, ClaimVerdict } from './conclusions.js';

const REGRESSION = ['california-housing', 'wine-quality'];
const IMAGES = ['mnist', 'fashion-mnist', 'cifar-10'];
const KINDS = ['clean', 'noisy'] as const;
/** "Few data": the paper's smallest training size, n = 100, or less. */
const FEW = 100;

export function slug(e: ExperimentSummary): string {
  const extra = Object.entries(e.extra).map(([k, v]) => `${k}-${v}`).join('-');
  return [e.dataset, e.arch, `n${e.trainSize}`, extra].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

function winner(e: ExperimentSummary, kind: EvalKind): string | null {
  let best: MethodCell | null = null;
  for (const c of e.cells) {
    if (c.eval !== kind || !Number.isFinite(c.spread.mean)) continue;
    if (!best || (higherIsBetter(e.metric) ? c.spread.mean > best.spread.mean : c.spread.mean < best.spread.mean)) best = c;
  }
  return best ? best.method : null;
}

function cellOf(e: ExperimentSummary, method: string, kind: EvalKind): MethodCell | undefined {
  return e.cells.find((c) => c.method === method && c.eval === kind);
}

function list(xs: string[]): string {
  return xs.length ? xs.join('; ') : 'none';
}

interface Member { e: ExperimentSummary; kind: EvalKind; method: string; baseline: string; effect: PairedEffect; judgement: Judgement }

/** Judges a claim's comparisons as one family; reuses the tables' effects where they exist. */
function claimFamily(id: string, wanted: { e: ExperimentSummary; kind: EvalKind; method: string; baseline: string }[]): Member[] {
  const effects = wanted.map((w) => w.e.comparisons.find((c) => c.eval === w.kind && c.method === w.method && c.baseline === w.baseline)?.effect
    ?? effectIn(w.e, w.method, w.baseline, w.kind)!);
  const judged = judgeFamily(`claim ${id}`, effects);
  return wanted.map((w, i) => ({ ...w, effect: effects[i], judgement: judged[i] }));
}

function countVerdicts(ms: Member[]): string {
  const n = (v: string) => ms.filter((m) => m.judgement.verdict === v).length;
  const parts = [['better', n('better')], ['worse', n('worse')], ['no difference', n('no difference')], ['too few seeds', n('too few seeds')], ['inconclusive', n('inconclusive')]]
    .filter(([, k]) => k).map(([w, k]) => `${k} ${w}`);
  return parts.join(', ');
}

function relRange(ms: Member[]): string {
  const r = ms.map((m) => m.effect.relChange).filter(Number.isFinite).sort((a, b) => a - b);
  if (!r.length) return '';
  return `relative change median ${pct(r[Math.floor(r.length / 2)])} (range ${pct(r[0])} … ${pct(r[r.length - 1])})`;
}

export interface ClaimCheck {
  claims: Claim[];
  notChecked: NotChecked[];
  /** Each checked claim's family, for --json. */
  families: Map<string, Member[]>;
}

/** Checks each claim of docs/METHOD.md §8 whose data are in the grid. */
export function checkClaims(agg: Aggregate): ClaimCheck {
  const claims: Claim[] = [];
  const notChecked: NotChecked[] = [];
  const families = new Map<string, Member[]>();
  const es = agg.experiments;

  // 1. dwm-stable lowest error on the regression sets.
  {
    const id = 'regression-dwm-stable';
    const claim = 'On the two regression sets dwm-stable has the lowest test error in 23 of the 24 cells (clean and noisy).';
    const reg = es.filter((e) => REGRESSION.includes(e.dataset) && e.methods.includes('dwm-stable') && e.methods.length > 1);
    if (!reg.length) notChecked.push({ id, claim, reason: 'no regression experiment with dwm-stable and another method in this grid' });
    else {
      const ms = claimFamily(id, reg.flatMap((e) => KINDS.flatMap((kind) => e.methods.filter((m) => m !== 'dwm-stable').map((b) => ({ e, kind, method: 'dwm-stable', baseline: b })))));
      families.set(id, ms);
      const cells = reg.flatMap((e) => KINDS.map((kind) => ({ e, kind, ms: ms.filter((m) => m.e === e && m.kind === kind) })));
      const won = cells.filter((c) => c.ms.every((m) => m.judgement.verdict === 'better'));
      const lost = cells.filter((c) => c.ms.some((m) => m.judgement.verdict === 'worse'));
      const lowest = cells.filter((c) => winner(c.e, c.kind) === 'dwm-stable').length;
      const allowed = Math.ceil(cells.length / 24);
      const verdict = won.length >= cells.length - allowed ? 'holds' : lost.length > allowed ? 'does not hold' : 'inconclusive';
      const vsSgd = ms.filter((m) => m.baseline === BASELINE);
      claims.push({
        id, claim, verdict,
        evidence: `dwm-stable is significantly lower than every other method in ${won.length} of ${cells.length} cells, and another method significantly lower in ${lost.length}` +
          (lost.length ? ` (${lost.map((c) => `${c.e.label} ${c.kind}: ${c.ms.filter((m) => m.judgement.verdict === 'worse').map((m) => m.baseline).join(', ')}`).join('; ')})` : '') +
          `; lowest mean in ${lowest} of ${cells.length}. Against sgd: ${countVerdicts(vsSgd)}${vsSgd.length ? `; ${relRange(vsSgd)}` : ''}. ` +
          `Family of ${ms.length} comparisons: ${countVerdicts(ms)}.`,
      });
    }
  }

  // 2. The exception, wine 3-layer n=100, goes to l2 λ=0.1.
  {
    const id = 'wine-exception';
    const claim = 'The exception, wine 3-layer n=100, goes to l2 λ=0.1.';
    const e = es.find((x) => x.dataset === 'wine-quality' && x.arch === '3-layer' && x.trainSize === 100 && x.methods.includes('l2-0.1') && x.methods.length > 1);
    if (!e) notChecked.push({ id, claim, reason: 'no wine-quality 3-layer n=100 experiment with l2-0.1 and another method in this grid' });
    else {
      const ms = claimFamily(id, KINDS.flatMap((kind) => e.methods.filter((m) => m !== 'l2-0.1').map((b) => ({ e, kind, method: 'l2-0.1', baseline: b }))));
      families.set(id, ms);
      const won = KINDS.filter((k) => ms.filter((m) => m.kind === k).every((m) => m.judgement.verdict === 'better'));
      const lost = KINDS.filter((k) => ms.some((m) => m.kind === k && m.judgement.verdict === 'worse'));
      const verdict = lost.length ? 'does not hold' : won.length ? 'holds' : 'inconclusive';
      const detail = KINDS.map((k) => `${k}: lowest mean ${winner(e, k)}, l2-0.1 ${fmt('mse', cellOf(e, 'l2-0.1', k)?.spread.mean)}, dwm-stable ${fmt('mse', cellOf(e, 'dwm-stable', k)?.spread.mean)}; ` +
        `l2-0.1 against the others: ${countVerdicts(ms.filter((m) => m.kind === k))}`);
      claims.push({ id, claim, verdict, evidence: `${detail.join('. ')}.` });
    }
  }

  // 3. l2 λ=0.1 regression models collapse to predicting the mean.
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

  // 4. Image sets: the methods lie within one to three points; the winner changes from cell to cell.
  {
    const id = 'images-close';
    const claim = 'On the image sets the five methods lie within about one to three points of accuracy of each other and the winner changes from cell to cell.';
    const img = es.filter((e) => IMAGES.includes(e.dataset) && e.methods.length > 1);
    if (!img.length) notChecked.push({ id, claim, reason: 'no image-set experiment with two or more methods in this grid' });
    else {
      const wanted = img.flatMap((e) => KINDS.flatMap((kind) => e.methods.flatMap((m, i) => e.methods.slice(i + 1).map((b) => ({ e, kind, method: m, baseline: b })))));
      const ms = claimFamily(id, wanted);
      families.set(id, ms);
      const cells = img.flatMap((e) => KINDS.map((kind) => ({ e, kind, ms: ms.filter((m) => m.e === e && m.kind === kind) })));
      // Within 3 points: every pair's 95 % CI inside ±3 points; beyond: some pair's CI wholly outside.
      const within = cells.filter((c) => c.ms.every((m) => Math.max(Math.abs(m.effect.ciLow), Math.abs(m.effect.ciHigh)) <= 0.03)).length;
      const beyond = cells.filter((c) => c.ms.some((m) => m.effect.ciLow > 0.03 || m.effect.ciHigh < -0.03)).length;
      const winners = new Map<string, number>();
      for (const c of cells) { const w = winner(c.e, c.kind); if (w) winners.set(w, (winners.get(w) ?? 0) + 1); }
      const top = Math.max(0, ...winners.values());
      const spreads = cells.map((c) => { const v = c.e.cells.filter((x) => x.eval === c.kind).map((x) => x.spread.mean).filter(Number.isFinite); return 100 * (Math.max(...v) - Math.min(...v)); })
        .filter(Number.isFinite).sort((a, b) => a - b);
      const varies = winners.size >= 2 && top <= 0.8 * cells.length;
      const verdict = within >= 0.8 * cells.length && varies ? 'holds' : beyond > 0.2 * cells.length || (cells.length >= 4 && winners.size === 1 && within >= 0.8 * cells.length) ? 'does not hold' : 'inconclusive';
      claims.push({
        id, claim, verdict,
        evidence: `Every pairwise difference's 95 % CI inside ±3 points in ${within} of ${cells.length} cells; some pair's CI wholly beyond 3 points in ${beyond}. ` +
          (spreads.length ? `Spread of the means (best − worst) median ${spreads[Math.floor(spreads.length / 2)].toFixed(2)}, max ${spreads[spreads.length - 1].toFixed(2)} points. ` : '') +
          `Best mean: ${[...winners.entries()].map(([m, n]) => `${m} ${n}`).join(', ')}. Family of ${ms.length} pairwise comparisons: ${countVerdicts(ms)}.`,
      });
    }
  }

  // 5–7. The dual-weight methods against sgd: few data, noisy inputs, class imbalance.
  const headline = (id: string, claim: string, pick: (e: ExperimentSummary, kind: EvalKind) => boolean, none: string) => {
    const wanted = es.flatMap((e) => (e.methods.includes(BASELINE) ? KINDS.filter((k) => pick(e, k)).flatMap((kind) => DUAL.filter((m) => e.methods.includes(m)).map((method) => ({ e, kind, method, baseline: BASELINE }))) : []));
    if (!wanted.length) { notChecked.push({ id, claim, reason: none }); return; }
    const ms = claimFamily(id, wanted);
    families.set(id, ms);
    const n = (v: string) => ms.filter((m) => m.judgement.verdict === v).length;
    const better = n('better'), worse = n('worse');
    const decided = better + worse + n('no difference');
    let verdict: Claim['verdict'] = 'inconclusive';
    if (decided * 2 >= ms.length && decided > 0) {
      if (better > worse && better * 2 >= decided) verdict = 'holds';
      else if (worse > 0 && worse >= better) verdict = 'does not hold';
    }
    claims.push({
      id, claim, verdict,
      evidence: `dwm and dwm-stable against sgd in ${ms.length} comparisons: ${countVerdicts(ms)}` +
        `; ahead on every seed in ${ms.filter((m) => m.effect.n > 0 && m.effect.wins === m.effect.n).length}; ${relRange(ms)}.`,
    });
  };
  headline('few-data', `The dual-weight methods generalise better than SGD when data are few (n ≤ ${FEW}, clean test).`,
    (e, k) => e.trainSize <= FEW && k === 'clean' && !e.config.imbalance, `no experiment with n ≤ ${FEW}, sgd and a dual-weight method in this grid`);
  headline('noisy', 'The dual-weight methods generalise better than SGD on noisy inputs (the noisy test).',
    (e, k) => k === 'noisy' && !e.config.imbalance, 'no experiment with sgd and a dual-weight method in this grid');
  headline('imbalance', 'The dual-weight methods are robust to class imbalance (abstract): better than SGD on an imbalanced training list.',
    (e) => e.config.imbalance !== undefined, 'no experiment in this grid has class imbalance (`imbalance`); the published code has none either');
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
    return [`${e.arch}${extra}`, String(e.trainSize), c.eval, `${c.method} − ${c.baseline}`, fmt(e.metric, x.meanDiff, true), ciText(e.metric, x.ciLow, x.ciHigh),
      pct(x.relChange), `${x.wins}/${x.n}${x.excluded ? ` (${x.excluded} diverged)` : ''}`, pText(x.p), pText(j.pAdjusted),
      x.signFlip ? pText(j.pSignFlipAdjusted) : '–', j.notes.some((s) => /disagree/.test(s)) ? `**${j.verdict}** ⚠` : `**${j.verdict}**`];
  });
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
  out.push(`Every comparison pairs two methods seed by seed (same initial network, same sample order): Δ = method − baseline per seed, its mean with a 95 % Student-t CI, ` +
    `the relative change (mean Δ / the baseline's mean) and the seeds on which the method is better (wins). ` +
    `The verdict comes from the paired t-test on the per-seed Δ, corrected with Benjamini–Hochberg at α = ${ALPHA} within its family ` +
    `(${agg.families.map((f) => `${f.name}: ${f.size}`).join(', ') || 'none'}; each claim below is a family of its own); never across the whole report. ` +
    `Beside it, a sign-flip permutation test of the mean Δ (exact over all 2^N sign patterns up to N = ${SIGN_FLIP_EXACT_MAX}, ` +
    `${SIGN_FLIP_DRAWS} fixed-seed Monte-Carlo patterns beyond, resolution 1/${SIGN_FLIP_DRAWS + 1}), corrected the same way, checks the verdict without assuming normality; ⚠ marks a disagreement. ` +
    'A method whose run diverged (non-finite loss or metric, or a weight beyond the bound of docs/METHOD.md §9) is left out of the statistics for that seed and counted in the cell; ' +
    'a comparison left with fewer than two pairs is inconclusive. Verdicts: better / worse (than the baseline) / no difference / too few seeds / inconclusive (docs/METHOD.md §10).', '');

  out.push('## The paper\'s claims (docs/METHOD.md §8)', '');
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
      out.push(markdownTable(['arch', 'n', 'test', 'comparison', 'Δ mean', '95 % CI', 'relative', 'wins', 'p (t)', 'p adj.', 'sign-flip p adj.', 'verdict'], rows,
        [false, true, false, false, true, true, true, true, true, true, true, false]));
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
