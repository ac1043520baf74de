// The plan of a comparison as a file (compare.json beside runs/), so that `dwgd report` can
// rebuild it without the config files and without the data: the grid sources after --set,
// the --only filters, the name, the seeds and the identity of every dataset. The analogue of a
// sweep's sweep.json; shards of one comparison write the same bytes.

import { canonicalJson } from '../config/load.js';
import type { DataIdentity } from '../data/identity.js';
import { UserError } from '../errors.js';
import { planFromSources, readSources, type GridSource, type OnlyFilter, type Plan, type PlanOptions } from './plan.js';

export const COMPARE_FORMAT = 'dwgd-compare/1';

export interface ComparePlan {
  sources: GridSource[];
  only: OnlyFilter[];
  plan: Plan;
}

export function buildComparePlan(files: string[], opts: PlanOptions = {}): ComparePlan {
  const sources = readSources(files, opts.sets ?? []);
  return { sources, only: opts.only ?? [], plan: planFromSources(sources, files, opts) };
}

export function compareJson(cp: ComparePlan): string {
  const { plan } = cp;
  return JSON.stringify({
    format: COMPARE_FORMAT,
    name: plan.name,
    files: plan.files,
    sources: cp.sources.map(({ file, name, description, base, axes }) => ({ file, name, description: description ?? null, base, axes })),
    only: cp.only,
    seeds: plan.seeds,
    data: plan.data,
    runs: plan.runs.map((r) => ({ id: r.id, configHash: r.configHash })),
  }, null, 1) + '\n';
}

export function parseCompareJson(text: string, where: string): ComparePlan {
  let d: {
    format?: string; name?: string; files?: string[]; seeds?: number; only?: OnlyFilter[]; data?: Record<string, DataIdentity | null>;
    sources?: (Omit<GridSource, 'description' | 'seeds'> & { description: string | null })[]; runs?: { id: string; configHash: string }[];
  };
  try {
    d = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (d.format !== COMPARE_FORMAT || typeof d.name !== 'string' || !Array.isArray(d.files) || !Array.isArray(d.sources) || !Array.isArray(d.only) ||
      typeof d.seeds !== 'number' || !d.data || !Array.isArray(d.runs)) {
    throw new UserError(`${where}: not a ${COMPARE_FORMAT} file`);
  }
  const sources: GridSource[] = d.sources.map((s) => ({ file: s.file, name: s.name, description: s.description ?? undefined, base: s.base, axes: s.axes }));
  const plan = planFromSources(sources, d.files, { seeds: d.seeds, only: d.only, name: d.name, data: d.data });
  if (canonicalJson(d.runs) !== canonicalJson(plan.runs.map((r) => ({ id: r.id, configHash: r.configHash })))) {
    throw new UserError(`${where}: its runs do not match the plan this dwgd builds from it (written by another version?)`);
  }
  return { sources, only: d.only, plan };
}
