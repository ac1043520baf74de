// `--print-config` on train, compare and sweep: the resolved config of every run the command
// would start (defaults filled in, overrides and axes applied by the one planner), as YAML or
// (--json) JSON; nothing runs and nothing is written. The data are not looked for: printing a
// config needs no dataset on the machine.

import { stringify as toYaml } from 'yaml';
import { planStudy, type Preset } from '../experiment/plan.js';
import { studyOptions, type RawStudyFlags } from './study-options.js';

export function printConfigs(preset: Preset, flags: RawStudyFlags & { json?: boolean }): number {
  const o = studyOptions(preset, flags);
  const study = planStudy({ preset, files: o.files, sets: o.sets, only: o.only, seeds: o.seeds, name: o.name, allowLarge: o.allowLarge });
  if (preset === 'train') {
    const config = study.runs[0].config;
    process.stdout.write(flags.json ? JSON.stringify(config) + '\n' : toYaml(config));
    return 0;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify({ name: study.name, runs: study.runs.map((r) => ({ label: r.label, seed: r.config.seed, config: r.config })) }) + '\n');
    return 0;
  }
  // One YAML document per run, each headed by a comment naming it.
  process.stdout.write(study.runs.map((r) => `# ${study.name}: ${r.label}, seed ${r.config.seed}\n${toYaml(r.config)}`).join('---\n'));
  return 0;
}
