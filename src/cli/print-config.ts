// `--print-config` on train, compare and sweep: the resolved config of every run the command
// would start (defaults filled in, overrides and grid axes applied by the one plan builder),
// as YAML or (--json) JSON; nothing runs and nothing is written. The data are not looked for:
// printing a config needs no dataset on the machine.

import { stringify as toYaml } from 'yaml';
import type { Override } from '../config/load.js';
import { buildPlan, parseOnly, type Plan } from '../experiment/plan.js';
import { buildSweepPlan } from '../experiment/sweep-plan.js';

export function printPlanConfigs(plan: Pick<Plan, 'runs'> & Partial<Pick<Plan, 'name'>>, json: boolean, single: boolean): number {
  if (single) {
    const config = plan.runs[0].config;
    process.stdout.write(json ? JSON.stringify(config) + '\n' : toYaml(config));
    return 0;
  }
  if (json) {
    process.stdout.write(JSON.stringify({ name: plan.name, runs: plan.runs.map((r) => ({ label: r.label, seed: r.config.seed, config: r.config })) }) + '\n');
    return 0;
  }
  // One YAML document per run, each headed by a comment naming it.
  process.stdout.write(plan.runs.map((r) => `# ${plan.name}: ${r.label}, seed ${r.config.seed}\n${toYaml(r.config)}`).join('---\n'));
  return 0;
}

export function printCompareConfigs(opts: { config: string[]; seeds?: number; set: Override[]; only: string[]; name?: string; json: boolean }): number {
  const plan = buildPlan(opts.config, { seeds: opts.seeds, sets: opts.set, only: opts.only.map(parseOnly), name: opts.name });
  return printPlanConfigs(plan, opts.json, false);
}

export function printSweepConfigs(opts: { config: string; seeds?: number; set: Override[]; json: boolean }): number {
  const sp = buildSweepPlan(opts.config, { sets: opts.set, seeds: opts.seeds });
  return printPlanConfigs(sp.plan, opts.json, false);
}
