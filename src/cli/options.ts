// Options are data: one table per command registers its flags with commander and generates
// the README's flag table for it (between `<!-- flags:NAME -->` and `<!-- /flags:NAME -->`),
// so `--help` and the README cannot drift apart (options.test.ts checks, `npm run docs` fixes).

import { Command, Option } from 'commander';
import { RULE_INFO, type ParamSpec } from '../core/rules/index.js';

export interface OptionSpec {
  /** Commander syntax, e.g. '-c, --config <file>' or '--resume'. */
  flags: string;
  description: string;
  default?: string | boolean;
  /** Collects every use into a list. */
  repeatable?: boolean;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Positional arguments in commander syntax, e.g. ['<dir...>', 'what it is']. */
  args?: [string, string][];
  options: OptionSpec[];
  examples: string[];
}

const QUIET: OptionSpec = { flags: '-q, --quiet', description: 'no progress output', default: false };
const MSE_SCALE: OptionSpec = { flags: '--mse-scale <n>', description: 'MSE in the figures in target units (1, the default) or ×10⁴ as the paper prints it (10000)' };
const ROBUST_BASELINE: OptionSpec = { flags: '--robust-baseline <method>', description: 'the method whose corruption errors CE and mCE are divided by in ROBUSTNESS.md (a study evaluated on corruptions; default sgd, else the first method)' };
const CORRECTION: OptionSpec = { flags: '--correction <method>', description: 'how each family of comparisons is corrected: bh (Benjamini–Hochberg, the default), by (Benjamini–Yekutieli) or holm', default: 'bh' };
const LOG_Y: OptionSpec = { flags: '--log-y', description: 'a logarithmic metric axis in the plots', default: false };
const PRINT_ONE: OptionSpec = { flags: '--print-config', description: 'print the resolved config (YAML; with --json JSON) and run nothing', default: false };
const PRINT_ALL: OptionSpec = { flags: '--print-config', description: 'print the resolved config of every run (YAML documents; with --json JSON) and run nothing', default: false };
const SAVE_WEIGHTS: OptionSpec = { flags: '--save-weights', description: 'also save every run\'s initial and final parameters and its training order (as --set saveWeights=true)', default: false };
const ALLOW_LARGE: OptionSpec = { flags: '--allow-large', description: 'run even when a run needs more memory than the documented limit (README › Limits)', default: false };
const json = (what: string): OptionSpec => ({ flags: '--json', description: `print one JSON object ${what} on stdout, nothing else there`, default: false });

/** The scale-out flags of compare and sweep. */
function scaleOut(): OptionSpec[] {
  return [
    { flags: '--dry-run', description: 'list the runs, their ids and their share of the estimated cost, and the estimated wall time with --workers on this machine; run nothing', default: false },
    { flags: '--shard <K/N>', description: 'run only the K-th of N fixed, cost-balanced slices of the runs (merge with node bin/dwgd.js report)' },
    { flags: '--emit <target>', description: 'write job scripts instead of running: slurm (a job array, one shard per task, and a report job)' },
    { flags: '--shards <n>', description: 'with --emit slurm: array tasks (default: about 4 runs per CPU of a task, at most 1000)' },
    { flags: '--sbatch <option=value>', description: `with --emit slurm: an #SBATCH option of the array job, e.g. time=02:00:00 or cpus-per-task=8 (repeatable)`, repeatable: true },
    { flags: '--sbatch-report <option=value>', description: 'with --emit slurm: an #SBATCH option of the report job (repeatable)', repeatable: true },
    { flags: '--setup <command>', description: `with --emit slurm: a shell line every job runs before starting dwgd, e.g. 'module load nodejs/20' (repeatable)`, repeatable: true },
    { flags: '--dwgd <command>', description: `with --emit slurm: the command the jobs start dwgd with (default: this node and this installation's bin/dwgd.js, absolute; DWGD in a job's environment overrides it)` },
  ];
}

export const TRAIN: CommandSpec = {
  name: 'train',
  description: 'run one experiment: every method of the config from one initial network, evaluated after each turn',
  options: [
    { flags: '-c, --config <file>', description: 'experiment config (YAML or JSON), e.g. configs/quickstart.yaml', required: true },
    { flags: '-s, --set <key=value>', description: 'override a config key, dotted for nested ones, e.g. --set trainSize=100 or --set noise.sigma=0.5; values are read as YAML, so [a, b] is a list (repeatable)', repeatable: true },
    { flags: '-o, --out <dir>', description: 'results folder', default: 'results' },
    SAVE_WEIGHTS,
    ALLOW_LARGE,
    { flags: '--download', description: 'if the dataset, or a benchmark set evaluate.benchmark reads, is not found, download it (checked) into datasets/<name>/ first', default: false },
    json('with the results'),
    QUIET,
    PRINT_ONE,
  ],
  examples: ['node bin/dwgd.js train --config configs/quickstart.yaml', 'node bin/dwgd.js train --config configs/paper/mnist-2layer.yaml --set trainSize=100 --json'],
};

export const COMPARE: CommandSpec = {
  name: 'compare',
  description: 'run a grid of experiments over several seeds across worker threads; aggregate, test against sgd and write a report',
  options: [
    { flags: '-c, --config <file...>', description: 'grid files or experiment configs, e.g. configs/paper/all.yaml', required: true },
    { flags: '--seeds <n>', description: 'seeds per experiment: seed s of N is the config seed + s (default: the grid file\'s seeds, else 1)' },
    { flags: '--workers <n>', description: 'worker threads (default: one per core; 0 runs in this thread)' },
    { flags: '--only <key=value>', description: 'keep runs whose config has this value, e.g. dataset=mnist, arch=2-layer, trainSize=100,500 (repeatable)', repeatable: true },
    { flags: '-s, --set <key=value>', description: 'override a config key; on a grid key it replaces the axis; a,b makes an axis (on an evaluation axis, noise.sigma, mask.fraction, corruption (names, or all), severity, attack (names, or all) or eps: evaluation only, no extra training) (repeatable)', repeatable: true },
    SAVE_WEIGHTS,
    ALLOW_LARGE,
    { flags: '--resume', description: 'reuse finished runs made by the same code from the same config and data', default: false },
    ...scaleOut(),
    { flags: '-o, --out <dir>', description: 'results folder (the report goes to <dir>/compare/<name>/)', default: 'results' },
    { flags: '--name <name>', description: 'results folder name (default: the grid\'s name)' },
    json('with the outcome'),
    QUIET,
    PRINT_ALL,
    CORRECTION,
    MSE_SCALE,
  ],
  examples: [
    'node bin/dwgd.js compare --config configs/paper/all.yaml --seeds 5',
    'node bin/dwgd.js compare --config configs/paper/all.yaml --only dataset=mnist --set stepsPerTurn=500 --seeds 2 --resume',
    'node bin/dwgd.js compare --config configs/paper/all.yaml --seeds 10 --emit slurm --out /scratch/me/dwgd --sbatch time=02:00:00',
  ],
};

export const SWEEP: CommandSpec = {
  name: 'sweep',
  description: 'run a sweep: a grid of experiments × seeds (any key with a list of values), with plots and an HTML report; shardable across machines',
  options: [
    { flags: '-c, --config <file>', description: 'study file (base:, grid:, optionally evaluate: and metrics:), e.g. configs/sweeps/mnist-sparsity.yaml', required: true },
    { flags: '-s, --set <key=value>', description: 'override a config key; a,b makes an axis (on an evaluation axis, noise.sigma, mask.fraction, corruption (names, or all), severity, attack (names, or all) or eps: evaluation only, no extra training) (repeatable)', repeatable: true },
    { flags: '--seeds <n>', description: 'seeds per point: seed s of N is the config seed + s (default: the file\'s seeds, else 1)' },
    { flags: '--workers <n>', description: 'worker threads (default: one per core; 0 runs in this thread)' },
    { flags: '--only <key=value>', description: 'keep runs whose config has this value, e.g. dataset=mnist, arch=2-layer, trainSize=100,500 (repeatable)', repeatable: true },
    SAVE_WEIGHTS,
    ALLOW_LARGE,
    { flags: '--resume', description: 'reuse finished runs made by the same code from the same config and data', default: false },
    ...scaleOut(),
    { flags: '-o, --out <dir>', description: 'results folder (the sweep goes to <dir>/sweeps/<name>/)', default: 'results' },
    { flags: '--name <name>', description: 'results folder name (default: the study file\'s name)' },
    json(''),
    QUIET,
    PRINT_ALL,
    CORRECTION,
    MSE_SCALE,
    LOG_Y,
    ROBUST_BASELINE,
  ],
  examples: [
    'node bin/dwgd.js sweep --config configs/sweeps/mnist-label-noise.yaml --dry-run',
    'node bin/dwgd.js sweep --config configs/sweeps/mnist-sparsity.yaml --set trainSize=50,500,5000 --seeds 3',
    'node bin/dwgd.js sweep --config configs/sweeps/mnist-test-noise.yaml --shard 2/4 --resume',
    'node bin/dwgd.js sweep --config configs/robustness/images-attacks.yaml --only dataset=mnist --name attacks-mnist --seeds 2 --dry-run',
    'node bin/dwgd.js sweep --config configs/sweeps/mnist-imbalance.yaml --emit slurm --shards 8 --sbatch time=01:00:00',
  ],
};

export const TUNE: CommandSpec = {
  name: 'tune',
  description: 'compare methods with an equal tuning budget: every method gets the same trials (its tune: search space) selected on a validation split, then its default and its chosen setting are retrained on fresh seeds and judged on the test set',
  options: [
    { flags: '-c, --config <file>', description: 'study file with base: (validation: set), grid: and tune:, e.g. configs/fair/images.yaml', required: true },
    { flags: '--stage <stage>', description: 'both (default), tuning (the trials only) or final (the retraining; needs the finished tuning stage); one stage at a time with --shard or --emit slurm', default: 'both' },
    { flags: '--seeds <n>', description: 'fresh seeds of the final stage (default: tune.finalSeeds; the tuning seeds are tune.seeds)' },
    { flags: '--workers <n>', description: 'worker threads (default: one per core; 0 runs in this thread)' },
    { flags: '--only <key=value>', description: 'keep runs whose config has this value, e.g. dataset=mnist, trainSize=100 (repeatable)', repeatable: true },
    { flags: '-s, --set <key=value>', description: 'override a key of base: or an axis of grid: (repeatable)', repeatable: true },
    ALLOW_LARGE,
    { flags: '--resume', description: 'reuse finished runs made by the same code from the same config and data', default: false },
    ...scaleOut(),
    { flags: '-o, --out <dir>', description: 'results folder (the stages go to <dir>/tune/<name>/tuning/ and …/final/)', default: 'results' },
    { flags: '--name <name>', description: 'results folder name (default: the study\'s name)' },
    { flags: '--tuning <dir>', description: 'with --stage final: the finished tuning stage to take the chosen settings from (a …/tune/<name>/tuning folder whose runs are this study file\'s tuning runs, e.g. the same study without its evaluate:), instead of <out>/tune/<name>/tuning' },
    json('with the outcome'),
    QUIET,
    CORRECTION,
    { flags: '--robust-baseline <method>', description: 'the final stage\'s method whose corruption errors CE and mCE are divided by in its ROBUSTNESS.md (a study whose evaluate: scores corruptions; default sgd-default, else the first method)' },
  ],
  examples: [
    'node bin/dwgd.js tune --config configs/fair/smoke.yaml',
    'node bin/dwgd.js tune --config configs/fair/images.yaml --dry-run',
    'node bin/dwgd.js tune --config configs/fair/images.yaml --stage tuning --emit slurm --out /scratch/me/dwgd --sbatch time=04:00:00',
    'node bin/dwgd.js tune --config configs/fair/smoke.yaml --stage final --tuning results/tune/fair-smoke/tuning --out results/smoke-again',
  ],
};

export const REPORT: CommandSpec = {
  name: 'report',
  description: 'merge the run folders of a compare or sweep computed in shards (on any number of machines) into one report, the same bytes as a single-machine run; given one folder, re-render its report from its run records',
  args: [['<dir...>', 'compare or sweep folders (results/compare/<name>, results/sweeps/<name>) holding study.json and runs/']],
  options: [
    { flags: '-o, --out <dir>', description: 'where to write the merged report (default: the first folder)' },
    json(''),
    CORRECTION,
    MSE_SCALE,
    LOG_Y,
    ROBUST_BASELINE,
  ],
  examples: [],
};

export const PLAN_SEEDS: CommandSpec = {
  name: 'plan-seeds',
  description: 'from a finished compare or sweep (the pilot), estimate how many seeds each comparison needs for 80 % power at its observed effect, and to show equivalence within its margin; prints its assumptions',
  args: [['<dir>', 'a compare or sweep folder holding study.json and table.csv']],
  options: [
    { flags: '--power <p>', description: 'the power to plan for (default 0.8)' },
    { flags: '--all', description: 'list every comparison, not only those the data could not decide', default: false },
    CORRECTION,
    json('with the plan'),
  ],
  examples: ['node bin/dwgd.js plan-seeds docs/reproduction'],
};

export const COMMANDS = [TRAIN, COMPARE, SWEEP, TUNE, REPORT, PLAN_SEEDS];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `spec` to `program` as a subcommand with its options; the caller adds the action. */
export function registerCommand(program: Command, spec: CommandSpec): Command {
  const cmd = program.command(spec.name).description(spec.description);
  for (const [name, description] of spec.args ?? []) cmd.argument(name, description);
  for (const o of spec.options) {
    const opt = new Option(o.flags, o.description.replace(/ {2,}/g, ' '));
    if (o.repeatable) opt.argParser(collect).default([]);
    else if (o.default !== undefined) opt.default(o.default);
    if (o.required) opt.makeOptionMandatory();
    cmd.addOption(opt);
  }
  if (spec.examples.length) cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`);
  if (['train', 'compare', 'sweep'].includes(spec.name)) cmd.addHelpText('after', `\n${methodsHelp()}`);
  return cmd;
}

/** A hyperparameter's range as text: [0, 1), (0, ∞), 0 or 1. */
function range(p: ParamSpec): string {
  if (p.flag) return '0 or 1';
  const hi = p.max === Infinity ? '∞)' : `${p.max}${p.maxOpen ? ')' : ']'}`;
  return `${p.minOpen ? '(' : '['}${p.min}, ${hi}`;
}

/** The learning rules and their hyperparameters (name=default in range: meaning), for --help. */
export function methodsHelp(): string {
  const lines = ['Methods (config `methods:`: a rule name, `l2-<λ>` / `weight-decay-<λ>`, or an object', '{name, rule, lr, params, train}; see README "Methods"):'];
  for (const r of RULE_INFO) {
    lines.push(`  ${r.name.padEnd(16)} ${r.summary}`);
    for (const p of r.params) lines.push(`  ${''.padEnd(16)}   ${p.name}=${p.default} in ${range(p)}: ${p.meaning}`);
  }
  return lines.join('\n');
}

/** The README's methods table (between <!-- methods --> markers), from the rule registry. */
export function methodsTable(): string {
  const rows = RULE_INFO.map((r) => `| \`${r.name}\` | ${r.summary} | ${r.params.length ? r.params.map((p) => `\`${p.name}\` = ${p.default} in ${range(p)}: ${p.meaning}`).join('; ') : '–'} |`);
  return ['| rule | what it is | hyperparameters (`params:`), default, range |', '|---|---|---|', ...rows].join('\n');
}

/** '-c, --config <file...>' → '-c, --config FILE…'. */
function flagCell(flags: string): string {
  return flags.replace(/<([^>]+?)(\.\.\.)?>/g, (_m, name: string, more?: string) => (/^[a-z-]+$/.test(name) ? name.toUpperCase() : name) + (more ? '…' : ''));
}

/** The Markdown flag table of a command, as the README shows it. */
export function flagTable(spec: CommandSpec): string {
  const rows = spec.options.map((o) => {
    const extra = typeof o.default === 'string' ? ` (default \`${o.default}\`)` : '';
    const cell = o.description.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;') + extra + (o.required ? '; required' : '');
    return `| \`${flagCell(o.flags)}\` | ${cell} |`;
  });
  return ['| flag | meaning |', '|---|---|', ...rows].join('\n');
}

/** `readme` with every `<!-- flags:NAME -->…<!-- /flags:NAME -->` block regenerated from the tables. */
export function syncReadme(readme: string): string {
  return readme.replace(/(<!-- methods -->)[\s\S]*?(<!-- \/methods -->)/, (_w, open: string, close: string) => `${open}\n${methodsTable()}\n${close}`).replace(/(<!-- flags:([a-z-]+) -->)[\s\S]*?(<!-- \/flags:\2 -->)/g, (_whole, open: string, name: string, close: string) => {
    const spec = COMMANDS.find((c) => c.name === name);
    if (!spec) throw new Error(`README: no command ${name} for its flag table`);
    return `${open}\n${flagTable(spec)}\n${close}`;
  });
}
