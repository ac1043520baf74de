// ROBUSTNESS.md, robustness.csv and the figures of the corruption suite, from robustness.ts's
// data: what the field reports (error per corruption and severity, CE/mCE against a declared
// baseline, relative mCE, effective robustness) with dwgd's verdicts, and the diagnostics a
// reader needs to judge whether robustness goes with smaller weights. Same data → same bytes.

import { csvNumber, csvText } from './aggregate.js';
import { fmt, markdownTable, pText } from './format.js';
import { bandKind, bandOf, bandText, type PlotInput } from './plots.js';
import { logit, type AttackCell, type RobustCell, type RobustExperiment, type RobustMetric, type RobustnessData } from './robustness.js';
import { verdictText } from './verdicts.js';

export interface RobustPlot {
  slug: string;
  caption: string;
  input: PlotInput;
}

function slugOf(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** A ratio (CE, mCE) as a percentage, as Hendrycks & Dietterich print it. */
function ratio(v: number, signed = false): string {
  if (!Number.isFinite(v)) return '–';
  const s = (100 * v).toFixed(1);
  return signed && v >= 0 ? `+${s}` : s;
}

function num(v: number, signed = false): string {
  if (!Number.isFinite(v)) return '–';
  const s = v.toFixed(3);
  return signed && v >= 0 ? `+${s}` : s;
}

/** The figures: accuracy (or MSE) vs severity per corruption, mCE and relative mCE per method, the clean-vs-shifted scatter. */
export function robustnessPlots(d: RobustnessData, seeds: number): RobustPlot[] {
  const plots: RobustPlot[] = [];
  const band = bandKind(seeds);
  const many = d.experiments.length > 1;
  for (const e of d.experiments) {
    const prefix = many ? `${slugOf(e.experimentId)}-` : '';
    const where = many ? ` (${e.label})` : '';
    const acc = e.metric === 'accuracy';
    for (const c of e.corruptions) {
      const points = e.errors.filter((x) => x.corruption === c || x.severity === 0).map((x) => {
        const s = acc ? x.accuracy! : x.spread;
        const k = acc ? 100 : 1;
        const [lo, hi] = bandOf(s, band);
        return { x: x.severity, method: x.method, mean: s.mean * k, lo: lo * k, hi: hi * k };
      });
      plots.push({
        slug: `${prefix}severity-${slugOf(c)}`, caption: `${c}: ${acc ? 'accuracy' : 'MSE'} vs severity${where}`,
        input: {
          title: `${e.dataset}: test ${acc ? 'accuracy' : 'MSE'} under ${c} vs severity${where}`, subtitle: bandText(band, seeds, 'band'),
          xTitle: 'severity (0 = clean test)', yTitle: acc ? 'test accuracy (%)' : 'test MSE (target units)', log: false, style: 'band', methods: e.methods, points,
        },
      });
    }
    for (const a of e.attacks) {
      const points = e.attackCells.filter((x) => x.attack === a).map((x) => {
        const k = acc ? 100 : 1;
        const [lo, hi] = bandOf(x.spread, band);
        return { x: x.eps, method: x.method, mean: x.spread.mean * k, lo: lo * k, hi: hi * k };
      });
      plots.push({
        slug: `${prefix}attack-${slugOf(a)}`, caption: `${a}: ${acc ? 'accuracy' : 'MSE'} under attack vs ε${where}`,
        input: {
          title: `${e.dataset}: test ${acc ? 'accuracy' : 'MSE'} under ${a} vs ε${where}`, subtitle: bandText(band, seeds, 'band'),
          xTitle: 'ε (0 = clean test)', yTitle: acc ? 'accuracy under attack (%)' : 'MSE under attack (target units)', log: false, style: 'band', methods: e.methods, points,
        },
      });
    }
    if (!e.corruptions.length) continue;
    const labels = Object.fromEntries(e.methods.map((m, i) => [i + 1, m]));
    for (const metric of ['mCE', 'relative mCE'] as const) {
      const points = e.methods.map((m, i) => {
        const cell = e.cells.find((x) => x.metric === metric && x.method === m)!;
        const [lo, hi] = bandOf(cell.spread, band);
        return { x: i + 1, method: m, mean: 100 * cell.spread.mean, lo: 100 * lo, hi: 100 * hi };
      });
      plots.push({
        slug: `${prefix}${metric === 'mCE' ? 'mce' : 'relative-mce'}`, caption: `${metric} per method (${e.baseline} = 100)${where}`,
        input: {
          title: `${e.dataset}: ${metric} over ${e.corruptions.length} corruption${e.corruptions.length === 1 ? '' : 's'}, ${e.baseline} = 100 %${where}`,
          subtitle: bandText(band, seeds, 'bars'), xTitle: 'trained method', yTitle: `${metric} (% of ${e.baseline}'s; lower is more robust)`,
          log: false, style: 'bars', methods: e.methods, points, xLabels: labels,
        },
      });
    }
    const line = e.line;
    if (line && !line.why) {
      // One point per method and seed: its clean logit and the mean of its shifted logits. The
      // least-squares line through every (run, corruption point) of the fitted methods is the
      // line through these means, since each run contributes the same points at one clean x.
      const bySeed = new Map<string, { method: string; x: number; ys: number[] }>();
      for (const q of line.points) {
        const key = `${q.method}\u0000${q.seed}`;
        const entry = bySeed.get(key) ?? { method: q.method, x: logit(q.clean, line.clamp), ys: [] };
        entry.ys.push(logit(q.shifted, line.clamp));
        bySeed.set(key, entry);
      }
      const points = [...bySeed.values()].map((p) => ({ x: p.x, method: p.method, mean: p.ys.reduce((a, b) => a + b, 0) / p.ys.length, lo: NaN, hi: NaN }));
      const xs = points.map((p) => p.x);
      const lo = Math.min(...xs), hi = Math.max(...xs);
      plots.push({
        slug: `${prefix}effective-robustness`, caption: `clean vs shifted accuracy in logit space, with the line fitted to ${line.methods.join(', ')}${where}`,
        input: {
          title: `${e.dataset}: clean vs corrupted accuracy (logit), line fitted to ${line.methods.join(', ')}${where}`,
          subtitle: `one point per method and seed: mean over its ${e.corruptions.length * e.severities.length} corruption points; dashed: the fitted line`,
          xTitle: 'logit(clean test accuracy)', yTitle: 'mean logit(corrupted test accuracy)', log: false, style: 'bars', connect: false,
          methods: e.methods, points, reference: [lo, hi].map((x) => ({ x, y: line.intercept + line.slope * x })),
        },
      });
    }
  }
  return plots;
}

function verdictCell(c: RobustCell, metric: string): string {
  if (!c.judgement || !c.effect) return '';
  return `**${verdictText(c.judgement.verdict, c.effect.margin, metric)}**${c.judgement.notes.some((n) => /disagree/.test(n)) ? ' ⚠' : ''}`;
}

function effectRows(e: RobustExperiment, metric: RobustMetric, show: (v: number, signed?: boolean) => string): string[][] {
  return e.cells.filter((c) => c.metric === metric && c.effect).map((c) => [
    c.corruption || '(all)', c.method, show(c.spread.mean), show(c.effect!.meanDiff, true),
    Number.isFinite(c.effect!.ciLow) ? `[${show(c.effect!.ciLow, true)}, ${show(c.effect!.ciHigh, true)}]` : '–',
    `${c.effect!.wins}/${c.effect!.n}`, pText(c.judgement!.pAdjusted), verdictCell(c, 'ratio'),
  ]);
}

/** A sentence naming the methods whose clean accuracy lies (on average) outside the fitted range: there the line is extrapolated. */
function outside(e: RobustExperiment): string {
  const l = e.line!;
  const [lo, hi] = l.xRange;
  const out = e.methods.filter((m) => {
    const xs = [...new Set(l.points.filter((q) => q.method === m).map((q) => logit(q.clean, l.clamp)))];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.length > 0 && (mean < lo || mean > hi);
  });
  return out.length ? ` The mean clean logit of ${out.join(', ')} lies outside the fitted range [${num(lo)}, ${num(hi)}]: for ${out.length === 1 ? 'it' : 'them'} the line is extrapolated.` : '';
}

/** The accuracy-under-attack table and verdicts of one experiment. */
function attackSection(out: string[], e: RobustExperiment): void {
  const acc = e.metric === 'accuracy';
  const show = (v: number) => fmt(e.metric, v);
  out.push(`### ${acc ? 'Accuracy' : 'MSE'} under attack vs ε`, '');
  out.push(`Mean over seeds [95 % CI] (${acc ? 'accuracy, %' : 'target units'}) of each method under each attack at each radius ε, the attack run on each model with its own input gradient ` +
    `(${acc ? 'maximising the cross-entropy of the label' : 'maximising the squared error'}; docs/METHOD.md, "Adversarial attacks"). ` +
    `ε = 0 is the clean test on the whole test set; ε > 0 ${e.attackTestSize !== undefined ? `on the run's seeded subsample of ${e.attackTestSize} test samples` : 'on the test set'}. ` +
    'An attack gives an upper bound on robust accuracy (a stronger attack may find more), see METHOD.md\'s caveat.', '');
  const rows: string[][] = [];
  for (const a of e.attacks) {
    for (const eps of e.epsilons) {
      const cells = e.methods.map((m) => e.attackCells.find((x) => x.method === m && x.attack === a && x.eps === eps));
      if (cells.every((c) => !c)) continue;
      rows.push([a, String(eps), ...cells.map((x) => {
        if (!x) return '';
        const ci = Number.isFinite(x.spread.ciLow) ? ` [${show(x.spread.ciLow)}, ${show(x.spread.ciHigh)}]` : '';
        const v = x.judgement?.verdict;
        return `${show(x.spread.mean)}${ci}${v === 'better' ? ' ▲' : v === 'worse' ? ' ▼' : ''}`;
      })]);
    }
  }
  out.push(markdownTable(['attack', 'ε', ...e.methods], rows, [false, true, ...e.methods.map(() => true)]));
  const k = acc ? 100 : 1;
  const d = (v: number, signed = false) => (Number.isFinite(v) ? `${signed && v >= 0 ? '+' : ''}${(k * v).toFixed(acc ? 2 : 4)}` : '–');
  const erows = e.attackCells.filter((c) => c.effect).map((c: AttackCell) => [
    c.attack, String(c.eps), c.method, d(c.spread.mean), d(c.effect!.meanDiff, true),
    Number.isFinite(c.effect!.ciLow) ? `[${d(c.effect!.ciLow, true)}, ${d(c.effect!.ciHigh, true)}]` : '–',
    `${c.effect!.wins}/${c.effect!.n}`, pText(c.judgement!.pAdjusted),
    c.judgement ? `**${verdictText(c.judgement.verdict, c.effect!.margin, acc ? 'accuracy' : 'mse')}**` : '',
  ]);
  if (erows.length) {
    out.push(`▲ / ▼: ${acc ? 'higher / lower accuracy' : 'lower / higher MSE'} than ${e.baseline} (the verdict below). Against ${e.baseline} at the same attack and ε (method − ${e.baseline}, ${acc ? 'percentage points' : 'target units'}; paired by seed, one family per dataset):`, '');
    out.push(markdownTable(['attack', 'ε', 'method', acc ? 'accuracy (%)' : 'MSE', 'Δ mean', '95 % CI', 'wins', 'p adj.', 'verdict'], erows, [false, true, false, true, true, true, true, true, false]));
  }
}

/** ROBUSTNESS.md. */
export function robustnessMarkdown(name: string, d: RobustnessData, plots: RobustPlot[], fair = false): string {
  const out: string[] = [];
  const anyCorruption = d.experiments.some((e) => e.corruptions.length > 0);
  const anyAttack = d.experiments.some((e) => e.attacks.length > 0);
  out.push(`# Robustness of \`${name}\` under ${anyCorruption ? 'the corruption suite' : ''}${anyCorruption && anyAttack ? ' and ' : ''}${anyAttack ? 'adversarial attacks' : ''}`, '');
  out.push(`Baseline of CE and mCE: **${d.baseline.used}** (${d.baseline.why}). ` +
    'Definitions (docs/METHOD.md, "Robustness metrics"): the error E is 1 − accuracy (classification) or the MSE (regression); ' +
    'CE_c = Σ_s E_{s,c} / Σ_s E^base_{s,c} over the severities s of corruption c (Hendrycks & Dietterich 2019), mCE its mean over corruptions; ' +
    'relative CE_c = Σ_s (E_{s,c} − E_clean) / Σ_s (E^base_{s,c} − E^base_clean), relative mCE its mean. ' +
    'All are computed per seed (the method and the baseline of one run share the initial network, the sample order and the corrupted inputs) ' +
    'and shown as mean over seeds; 100 % is the baseline\'s level.', '');
  out.push('Statistics (docs/METHOD.md §10): each method against the baseline, paired by seed: mean difference, 95 % CI, seeds on which the method is ahead (lower CE), ' +
    `adjusted p of the paired t-test and the verdict, corrected within one family per dataset × metric (${d.families.map((f) => `${f.name}: ${f.size}`).join('; ')}), ` +
    `${d.stats.correction === 'bh' ? 'Benjamini–Hochberg' : d.stats.correction === 'by' ? 'Benjamini–Yekutieli' : 'Holm'} at α = 0.05. ` +
    'No equivalence margin is declared for these ratios, so none is called "equivalent". Fewer than 5 usable seeds: "too few seeds".', '');
  if (!anyAttack) out.push('Not here: accuracy under adversarial attack vs ε: no run of this study was scored under an attack (evaluate: { attack: […], eps: […] }, docs/METHOD.md "Adversarial attacks as an evaluation axis").', '');
  for (const e of d.experiments) {
    const acc = e.metric === 'accuracy';
    if (d.experiments.length > 1) out.push(`## ${e.label}`, '');
    if (e.attacks.length) attackSection(out, e);
    if (!e.corruptions.length) continue;
    out.push(`${e.dataset}, ${e.seeds.length} seed${e.seeds.length === 1 ? '' : 's'} (${e.seeds.join(', ')}), ${e.corruptions.length} corruptions × severities ${e.severities.join(', ')}.`, '');

    out.push(`### ${acc ? 'Test error' : 'Test MSE'} per corruption and severity`, '');
    out.push(`Mean over seeds [95 % CI] (${acc ? 'error = 100 − accuracy, %' : 'target units'}); severity 0 is the clean test. ${fair ? 'REPORT.md compares each dual-weight method with every other method at the same budget on the mean of these errors over the corruptions and severities' : 'Each point\'s verdicts against sgd (on accuracy or MSE) are in REPORT.md'}; here the verdicts are on the summaries below.`, '');
    const rows: string[][] = [];
    const keys = [{ c: 'none', s: 0 }, ...e.corruptions.flatMap((c) => e.severities.map((s) => ({ c, s })))];
    for (const k of keys) {
      rows.push([k.c === 'none' ? 'clean' : k.c, String(k.s), ...e.methods.map((m) => {
        const x = e.errors.find((y) => y.method === m && y.corruption === k.c && y.severity === k.s)!;
        const ci = Number.isFinite(x.spread.ciLow) ? ` [${fmt(e.metric, x.spread.ciLow)}, ${fmt(e.metric, x.spread.ciHigh)}]` : '';
        return `${fmt(e.metric, x.spread.mean)}${ci}`;
      })]);
    }
    out.push(markdownTable(['corruption', 'severity', ...e.methods], rows, [false, true, ...e.methods.map(() => true)]));

    for (const [metric, per] of [['mCE', 'CE'], ['relative mCE', 'relative CE']] as const) {
      out.push(`### ${per} and ${metric} (% of ${e.baseline}'s)`, '');
      const trows = [...e.corruptions, ''].map((c) => [c || `**${metric}**`, ...e.methods.map((m) => {
        const x = e.cells.find((y) => y.metric === (c ? per : metric) && y.corruption === c && y.method === m)!;
        const v = x.judgement?.verdict;
        return `${ratio(x.spread.mean)}${Number.isFinite(x.spread.sd) ? ` ± ${ratio(x.spread.sd)}` : ''}${v === 'better' ? ' ▲' : v === 'worse' ? ' ▼' : ''}`;
      })]);
      out.push(markdownTable(['corruption', ...e.methods], trows, [false, ...e.methods.map(() => true)]));
      out.push(`Mean ± sd over seeds; ▲ / ▼: lower / higher than ${e.baseline} (the verdict below). ` +
        (metric === 'relative mCE' ? 'A relative CE compares degradations from each model\'s own clean error; it is undefined (±∞, NaN) where the baseline loses nothing.' : ''), '');
      const erows = [...effectRows(e, per, ratio), ...effectRows(e, metric, ratio)];
      if (erows.length) {
        out.push(`Against ${e.baseline} (method − ${e.baseline}, percentage points of ${e.baseline}'s error; negative is more robust):`, '');
        out.push(markdownTable(['corruption', 'method', per, 'Δ mean', '95 % CI', 'wins', 'p adj.', 'verdict'], erows, [false, false, true, true, true, true, true, false]));
      }
    }

    out.push('### Effective robustness', '');
    if (!e.line) out.push(`None on a regression set: effective robustness (Taori et al. 2020) is defined on accuracies (their logits); the MSE analogues above are the CE ratios of summed MSEs.`, '');
    else if (e.line.why) out.push(`No line: ${e.line.why}.`, '');
    else {
      const l = e.line;
      out.push(`Following Taori et al. (2020), a least-squares line is fitted in logit space, logit(shifted accuracy) = ${num(l.intercept)} + ${num(l.slope)} · logit(clean accuracy), ` +
        `to every (clean, corrupted) accuracy pair of the methods that are not dual-weight (${l.methods.join(', ')}): each of their seeds' clean accuracy against its accuracy at each of the ` +
        `${e.corruptions.length * e.severities.length} corruption points, n = ${l.n} points. Accuracies are clamped to [${l.clamp.toPrecision(3)}, 1 − ${l.clamp.toPrecision(3)}] ` +
        '(half a test sample) before the logit. A method\'s effective robustness is the mean vertical distance of its points above the line (logit units), per seed; ' +
        'the methods the line is fitted to are shown without a verdict (their distances average to 0 together). ' +
        'The methods differ little in clean accuracy, so the slope rests on the spread between seeds and methods and is itself uncertain.' +
        outside(e), '');
      const rows = e.methods.map((m) => {
        const c = e.cells.find((x) => x.metric === 'effective robustness' && x.method === m)!;
        const ci = Number.isFinite(c.spread.ciLow) ? `[${num(c.spread.ciLow, true)}, ${num(c.spread.ciHigh, true)}]` : '–';
        return [m, num(c.spread.mean, true), ci, c.effect ? `${c.effect.wins}/${c.effect.n}` : '', c.judgement ? pText(c.judgement.pAdjusted) : '',
          c.judgement ? `**${c.judgement.verdict === 'better' ? 'above the line' : c.judgement.verdict === 'worse' ? 'below the line' : c.judgement.verdict}**` : 'fitted'];
      });
      out.push(markdownTable(['method', 'effective robustness (logit)', '95 % CI', 'seeds above', 'p adj.', 'verdict'], rows, [false, true, true, true, true, false]));
    }

    out.push('### Diagnostics: are the robust models the ones with smaller weights?', '');
    if (!e.diagnostics.length) out.push('No diagnostics: the runs\' run.json files were not found or predate diagnostics.', '');
    else {
      const layers = Math.max(...e.diagnostics.map((x) => x.spectral.length));
      const rows = e.diagnostics.map((x) => {
        const m = e.cells.find((c) => c.metric === 'mCE' && c.method === x.method)!;
        return [x.method, String(x.n), num(x.lipschitz), ...Array.from({ length: layers }, (_, l) => num(x.spectral[l] ?? NaN)),
          Number.isFinite(x.dead) ? `${(100 * x.dead).toFixed(1)} %` : '–', num(x.margin), ratio(m.spread.mean)];
      });
      out.push('Means over seeds (docs/METHOD.md, "Diagnostics of a trained model"): the Lipschitz bound is the product of the layers\' spectral norms; ' +
        'dead: hidden units never active on the training list; margin: the median test margin (true-class output minus the largest other).', '');
      out.push(markdownTable(['method', 'seeds', 'Lipschitz bound', ...Array.from({ length: layers }, (_, l) => `σ_max(W), layer ${l + 1}`), 'dead units', 'median margin', 'mCE (%)'],
        rows, [false, true, true, ...Array.from({ length: layers }, () => true), true, true, true]));
    }
    out.push(...normMatchedSection(e));
  }
  if (d.ranking) {
    out.push('## Does the robustness ranking follow the norms?', '');
    out.push(`Spearman's rank correlation between a method's mCE and its Lipschitz bound (means over seeds), across methods × training points: ρ = ${num(d.ranking.rho)}, n = ${d.ranking.n}. ` +
      'Positive: the methods with the larger bound are the less robust. An association across a handful of methods, not a cause: the methods differ in more than their norms.' +
      (d.withinRun ? ` Within one run (the methods trained from one initial network on one sample order), the rank correlation between the methods' Lipschitz bounds and their mean corruption errors is ρ = ${num(d.withinRun.rho)} on average over ${d.withinRun.n} runs.` : '') +
      ' The norm-matched error of each training point (above) asks the sharper question: given its weights and its clean error, is a method more robust than the other methods are?', '');
  }
  if (plots.length) {
    out.push('## Figures', '');
    for (const p of plots) out.push(`![${p.input.title}](robustness/${p.slug}.svg)`, '', `${p.caption}: [PNG](robustness/${p.slug}.png)`, '');
  }
  out.push('## Files', '', `- \`robustness.csv\`: every number above, one row per experiment × metric × method × corruption × severity${anyAttack ? ' (rows "accuracy under attack" / "mse under attack": the attack in the corruption column, ε in the severity column)' : ''}`, '- `robustness/`: SVG and PNG of each figure', '');
  return out.join('\n');
}

/**
 * ROBUSTNESS.md's norm-matched error of one training point: each method's mean corruption error
 * against the plane fitted to the non-dual methods' models over ln(Lipschitz bound) and clean
 * error, per seed, with verdicts for the methods not fitted.
 */
function normMatchedSection(e: RobustExperiment): string[] {
  const f = e.normFit;
  if (!f) return [];
  const out = ['### Norm-matched corruption error: more robust than its weights predict?', ''];
  if (f.why) return [...out, `No plane: ${f.why}.`, ''];
  const pp = e.metric === 'accuracy';
  const show = (v: number, signed = false) => (pp ? (Number.isFinite(v) ? `${signed && v >= 0 ? '+' : ''}${(100 * v).toFixed(2)}` : '–') : num(v, signed));
  const unit = pp ? 'percentage points of error' : 'MSE';
  const err = pp ? 'error (1 − accuracy)' : 'MSE';
  const extrapolated = e.methods.filter((m) => {
    const c = e.cells.find((x) => x.metric === 'norm-matched error' && x.method === m);
    return c !== undefined && !f.methods.includes(m) && e.diagnostics.some((g) => g.method === m && (Math.log(g.lipschitz) < f.logLRange[0] || Math.log(g.lipschitz) > f.logLRange[1]));
  });
  out.push(`A model's mean corruption error is its mean ${err} over the ${e.corruptions.length * e.severities.length} corruption points. A least-squares plane is fitted to the models of the methods that are not dual-weight ` +
    `(${f.methods.join(', ')}; n = ${f.n} models): mean corruption error = ${show(f.a)} + ${show(f.bLogL)} · ln(Lipschitz bound) + ${num(f.bClean)} · clean ${err}${pp ? ' (the first two terms in percentage points)' : ''}. ` +
    `A method's norm-matched error is its mean corruption error minus the plane at its own Lipschitz bound and clean error, per seed (${unit}): negative, it is more robust than a model of those methods with the same weight norms and the same clean error; ` +
    'about 0, its norms and clean error account for its robustness. The fitted methods are shown without a verdict. Few methods span the plane, so it is a description of them, not a law.' +
    (extrapolated.length ? ` The mean Lipschitz bound of ${extrapolated.join(', ')} lies outside the fitted range [${num(Math.exp(f.logLRange[0]))}, ${num(Math.exp(f.logLRange[1]))}]: there the plane is extrapolated.` : ''), '');
  const rows = e.methods.flatMap((m) => {
    const c = e.cells.find((x) => x.metric === 'norm-matched error' && x.method === m);
    if (!c) return [];
    const ci = Number.isFinite(c.spread.ciLow) ? `[${show(c.spread.ciLow, true)}, ${show(c.spread.ciHigh, true)}]` : '–';
    const verdict = c.judgement ? `**${c.judgement.verdict === 'better' ? 'more robust than its norms predict' : c.judgement.verdict === 'worse' ? 'less robust than its norms predict' : c.judgement.verdict}**` : 'fitted';
    return [[m, show(c.spread.mean, true), ci, c.effect ? `${c.effect.wins}/${c.effect.n}` : '', c.judgement ? pText(c.judgement.pAdjusted) : '', verdict]];
  });
  out.push(markdownTable(['method', `norm-matched error (${pp ? 'pp' : 'MSE'})`, '95 % CI', 'seeds below', 'p adj.', 'verdict'], rows, [false, true, true, true, true, false]));
  return out;
}

/** robustness.csv: tidy, one row per experiment × metric × method × corruption × severity. */
export function robustnessCsv(d: RobustnessData): string {
  const lines = ['experiment,dataset,metric,method,corruption,severity,baseline,seeds,mean,sd,ci95_low,ci95_high,mean_diff,diff_ci95_low,diff_ci95_high,wins,pairs,p,p_adjusted,verdict,family'];
  const row = (e: RobustExperiment, metric: string, method: string, corruption: string, severity: string, s: { n: number; mean: number; sd: number; ciLow: number; ciHigh: number }, c?: RobustCell) => {
    const x = c?.effect, j = c?.judgement;
    lines.push([csvText(e.experimentId), e.dataset, csvText(metric), csvText(method), corruption, severity, e.baseline, s.n, csvNumber(s.mean), csvNumber(s.sd), csvNumber(s.ciLow), csvNumber(s.ciHigh),
      csvNumber(x?.meanDiff), csvNumber(x?.ciLow), csvNumber(x?.ciHigh), x ? x.wins : '', x ? x.n : '', csvNumber(x?.p), csvNumber(j?.pAdjusted), j?.verdict ?? '', csvText(j?.family ?? '')].join(','));
  };
  const one = (v: number) => ({ n: 1, mean: v, sd: NaN, ciLow: NaN, ciHigh: NaN });
  for (const e of d.experiments) {
    for (const x of e.errors) row(e, e.metric === 'accuracy' ? 'error' : 'mse', x.method, x.corruption, String(x.severity), x.spread);
    for (const c of e.cells) row(e, c.metric, c.method, c.corruption, '', c.spread, c);
    // Under attack: the attack in the corruption column, ε in the severity column.
    for (const c of e.attackCells) row(e, e.metric === 'accuracy' ? 'accuracy under attack' : 'mse under attack', c.method, c.attack, String(c.eps), c.spread, c as unknown as RobustCell);
    for (const g of e.diagnostics) {
      row(e, 'lipschitz', g.method, '', '', { ...one(g.lipschitz), n: g.n });
      g.spectral.forEach((v, l) => row(e, `spectral_layer${l + 1}`, g.method, '', '', { ...one(v), n: g.n }));
      row(e, 'dead', g.method, '', '', { ...one(g.dead), n: g.n });
      row(e, 'margin_median', g.method, '', '', { ...one(g.margin), n: g.n });
    }
  }
  return lines.join('\n') + '\n';
}
