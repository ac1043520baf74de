// What a comparison or sweep concludes, in the words every output shares: the lines on
// protocol departures, divergence, collapse and too few seeds (REPORT.md, the terminal summary
// and --json print the same ones), and the --json contract: `verdicts` (one row per comparison
// and family) and `claims` (README › "--json of compare and sweep").

import type { Aggregate, Comparison, ExperimentSummary } from './aggregate.js';
import { departuresText, type Departure } from './protocol.js';
import { CORRECTION_NAMES } from './stats.js';
import { VERDICTS, type ComparisonVerdict, type Judgement, type PairedEffect } from './verdicts.js';

export type ClaimVerdict = 'holds' | 'does not hold' | 'inconclusive';

export interface Claim {
  id: string;
  claim: string;
  evidence: string;
  verdict: ClaimVerdict;
}

export interface NotChecked {
  id: string;
  claim: string;
  reason: string;
}

export interface VerdictRow {
  dataset: string;
  arch: string;
  trainSize: number;
  /** Other grid or sweep axes of the experiment, key → value. */
  extra: Record<string, string>;
  eval: string;
  method: string;
  baseline: string;
  family: string;
  n: number;
  meanDiff: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  relChange: number | null;
  /** relChange signed so that positive means the method is better. */
  gain: number | null;
  wins: number;
  p: number | null;
  pAdjusted: number | null;
  pSignFlip: number | null;
  pSignFlipAdjusted: number | null;
  /** The equivalence margin (metric units) and the TOST p, raw and adjusted. */
  margin: number | null;
  pTost: number | null;
  pTostAdjusted: number | null;
  correction: string;
  verdict: ComparisonVerdict;
  /** The authors' value of `method` in this cell, or null (not their protocol, method or cell). */
  authors: number | null;
  /** Seeds left out because the method or the baseline diverged. */
  diverged: number;
  notes: string[];
}

const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

export function verdictRow(e: ExperimentSummary, kind: string, method: string, baseline: string, x: PairedEffect, j: Judgement): VerdictRow {
  const cell = e.cells.find((c) => c.method === method && c.eval === kind);
  return {
    dataset: e.dataset, arch: e.arch, trainSize: e.trainSize, extra: e.extra, eval: kind, method, baseline, family: j.family, n: x.n,
    meanDiff: num(x.meanDiff), ciLow: num(x.ciLow), ciHigh: num(x.ciHigh), relChange: num(x.relChange), gain: num(x.gain), wins: x.wins,
    p: num(x.p), pAdjusted: num(j.pAdjusted), pSignFlip: num(x.signFlip?.p), pSignFlipAdjusted: num(j.pSignFlipAdjusted),
    margin: num(x.margin), pTost: num(x.pTost), pTostAdjusted: num(j.pTostAdjusted), correction: j.correction,
    verdict: j.verdict, authors: cell?.authors ?? null, diverged: x.excluded, notes: j.notes,
  };
}

/** One row per comparison, each judged once in its table family (claims count these same rows). */
export function verdictRows(agg: Aggregate): VerdictRow[] {
  return agg.comparisons.map((c: Comparison) => verdictRow(agg.experiments.find((e) => e.experimentId === c.experimentId)!, c.eval, c.method, c.baseline, c.effect, c.judgement));
}

/** Experiments grouped by how they depart from the paper's protocol (none: not listed). */
export function protocolGroups(agg: Aggregate): { departures: Departure[]; labels: string[] }[] {
  const groups = new Map<string, { departures: Departure[]; labels: string[] }>();
  for (const e of agg.experiments) {
    if (!e.departures.length) continue;
    const key = departuresText(e.departures);
    const g = groups.get(key) ?? { departures: e.departures, labels: [] };
    g.labels.push(e.label);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function labelsText(labels: string[]): string {
  return labels.length <= 3 ? labels.join(', ') : `${labels.length} experiments (${labels.slice(0, 2).join(', ')}, …)`;
}

/**
 * The warnings every output prints: protocol departures (one line per distinct set of keys; not
 * for sweeps, which show no authors' numbers),
 * divergence and collapse, too few seeds, and per family how the verdicts fell.
 */
export function conclusionLines(agg: Aggregate, check?: { claims: Claim[] }, withAuthors = true): string[] {
  const lines: string[] = [];
  const groups = withAuthors ? protocolGroups(agg) : [];
  if (withAuthors && !groups.length) lines.push('Protocol: every experiment follows the paper\'s protocol, so the authors\' numbers are shown beside ours.');
  for (const g of groups) lines.push(`Departs from the paper's protocol: ${labelsText(g.labels)} on ${departuresText(g.departures)}; no authors' numbers are shown for ${g.labels.length === 1 ? 'it' : 'them'}.`);
  for (const e of agg.experiments) {
    for (const c of e.cells.filter((x) => x.eval === 'clean')) {
      if (c.diverged.length) {
        const turns = c.diverged.map((d) => (d.turn === null ? 'end' : `turn ${d.turn}`));
        lines.push(`Diverged: ${e.label} ${c.method} in ${c.diverged.length} of ${c.seeds.length} seeds (${c.diverged.map((d, i) => `seed ${d.seed} ${turns[i]}: ${d.reason}`).join('; ')}); left out of the statistics.`);
      }
      if (c.collapsed.length) lines.push(`Collapsed: ${e.label} ${c.method} in ${c.collapsed.length} of ${c.seeds.length} seeds (${c.collapsed[0].reason}).`);
    }
  }
  for (const f of agg.families) {
    const cs = agg.comparisons.filter((c) => c.judgement.family === f.name);
    const count = (v: ComparisonVerdict) => cs.filter((c) => c.judgement.verdict === v).length;
    const parts = VERDICTS.filter((v) => count(v)).map((v) => `${count(v)} ${v}`);
    lines.push(`${f.name} (${f.size} comparisons, ${CORRECTION_NAMES[agg.stats.correction]}): ${parts.join(', ')}.`);
    const few = new Map<string, number>();
    for (const c of cs) for (const n of c.judgement.notes) if (/too few seeds|cannot confirm/.test(n)) few.set(n, (few.get(n) ?? 0) + 1);
    for (const [note, k] of few) lines.push(`${f.name}: ${k} comparison${k === 1 ? '' : 's'}: ${note}.`);
    const disagree = cs.filter((c) => c.judgement.notes.some((n) => /disagree/.test(n))).length;
    if (disagree) lines.push(`${f.name}: the t-test and the sign-flip check disagree on ${disagree} comparison${disagree === 1 ? '' : 's'} (⚠ in the tables).`);
  }
  if (check) for (const c of check.claims) lines.push(`Claim ${c.id}: ${c.verdict}.`);
  return lines;
}
