// The dwgd command line: parse, call, render. User errors become one line and exit code 2.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { RunFailure } from '../experiment/pool.js';
import { registerDatasets } from './datasets.js';
import { registerExport } from './export.js';
import { registerRuns } from './runs.js';
import { train } from './train.js';
import { err } from './ui.js';

// compare, sweep and report pull in the statistics, plotting (vega) and PNG (resvg) code: they
// are imported when those commands run, so `train` and `--help` start quickly.

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dwgd')
    .description('Reproduce and extend the dual-weight method (Wang & Shimazaki, 2025): train, compare, sweep.')
    .version(packageVersion(), '-V, --version', 'print the version of dwgd')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('train')
    .description('run one experiment: every method of the config from one initial network, evaluated after each turn')
    .requiredOption('-c, --config <file>', 'experiment config (YAML or JSON), e.g. configs/quickstart.yaml')
    .option('-s, --set <key=value>', 'override a config key, e.g. --set trainSize=100 (repeatable)', collect, [])
    .option('-o, --out <dir>', 'results folder', 'results')
    .option('--save-weights', 'also save initial and final parameters and the training order', false)
    .option('--download', 'if the dataset is not found, download it (checked) into datasets/<name>/ first', false)
    .option('--json', 'print one JSON object with the results on stdout, nothing else there', false)
    .option('-q, --quiet', 'no progress output', false)
    .option('--print-config', 'print the resolved config (YAML; with --json JSON) and run nothing', false)
    .addHelpText('after', '\nExamples:\n  npx dwgd train --config configs/quickstart.yaml\n  npx dwgd train --config configs/paper/mnist-2layer.yaml --set trainSize=100 --json\n  npx dwgd train --config configs/quickstart.yaml --set lr=0.01 --print-config')
    .action(async (opts) => {
      process.exitCode = await train({
        config: opts.config, set: opts.set, out: opts.out, json: opts.json, quiet: opts.quiet, saveWeights: opts.saveWeights, download: opts.download,
        printConfig: opts.printConfig,
      });
    });

  registerDatasets(program);
  registerRuns(program);
  registerExport(program);

  program
    .command('compare')
    .description('run a grid of experiments over several seeds across worker threads; aggregate, test against sgd and write a report')
    .requiredOption('-c, --config <file...>', 'grid files or experiment configs, e.g. configs/paper/all.yaml')
    .option('--seeds <n>', 'seeds per experiment: seed s of N is the config seed + s (default: the grid file\'s seeds, else 1)')
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs in this thread)')
    .option('--only <key=value>', 'keep runs whose config has this value, e.g. dataset=mnist, arch=2-layer, trainSize=100,500 (repeatable)', collect, [])
    .option('-s, --set <key=value>', 'override a config key; on a grid key it replaces the axis; a,b makes an axis (repeatable)', collect, [])
    .option('--resume', 'reuse finished runs whose stored config hash matches', false)
    .option('-o, --out <dir>', 'results folder (the report goes to <dir>/compare/<name>/)', 'results')
    .option('--name <name>', 'results folder name (default: the grid\'s name)')
    .option('--json', 'print one JSON object with the outcome on stdout, nothing else there', false)
    .option('-q, --quiet', 'no progress output', false)
    .option('--print-config', 'print the resolved config of every run (YAML documents; with --json JSON) and run nothing', false)
    .addHelpText('after', '\nExamples:\n  npx dwgd compare --config configs/paper/all.yaml --seeds 5\n  npx dwgd compare --config configs/paper/all.yaml --only dataset=mnist --set stepsPerTurn=500 --seeds 2 --resume')
    .action(async (opts) => {
      if (opts.printConfig) return printConfigOf('compare', opts);
      const { compare } = await import('./compare.js');
      process.exitCode = await compare({
        config: opts.config, seeds: opts.seeds, workers: opts.workers, only: opts.only, set: opts.set, resume: opts.resume,
        json: opts.json, quiet: opts.quiet, out: opts.out, name: opts.name,
      });
    });

  program
    .command('sweep')
    .description('run a sweep: a grid of experiments × seeds (any key with a list of values), with plots and an HTML report; shardable across machines')
    .requiredOption('-c, --config <file>', 'sweep file (a grid file, optionally with evaluate: and metrics:), e.g. configs/sweeps/mnist-sparsity.yaml')
    .option('-s, --set <key=value>', 'override a config key; a,b makes an axis (on noise.sigma: an evaluation-only axis) (repeatable)', collect, [])
    .option('--seeds <n>', 'seeds per point: seed s of N is the config seed + s (default: the file\'s seeds, else 1)')
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs in this thread)')
    .option('--dry-run', 'list the expanded runs and their ids, run nothing', false)
    .option('--shard <K/N>', 'run only the K-th of N fixed slices of the runs (merge with npx dwgd report)')
    .option('--resume', 'reuse finished runs whose stored config hash matches', false)
    .option('--emit <target>', 'write a job script instead of running: slurm (a job array, one shard per task, and a report job)')
    .option('--shards <n>', 'with --emit slurm: array tasks (default: one per run, at most 1000)')
    .option('--sbatch <option=value>', 'with --emit slurm: an extra #SBATCH option, e.g. time=02:00:00 (repeatable)', collect, [])
    .option('-o, --out <dir>', 'results folder (the sweep goes to <dir>/sweeps/<name>/)', 'results')
    .option('--json', 'print one JSON object on stdout, nothing else there', false)
    .option('-q, --quiet', 'no progress output', false)
    .option('--print-config', 'print the resolved config of every run (YAML documents; with --json JSON) and run nothing', false)
    .addHelpText('after', '\nExamples:\n  npx dwgd sweep --config configs/sweeps/mnist-label-noise.yaml --dry-run\n  npx dwgd sweep --config configs/sweeps/mnist-sparsity.yaml --set trainSize=50,500,5000 --seeds 3\n  npx dwgd sweep --config configs/sweeps/mnist-test-noise.yaml --shard 2/4 --resume\n  npx dwgd sweep --config configs/sweeps/mnist-imbalance.yaml --emit slurm --shards 8 --sbatch time=01:00:00')
    .action(async (opts) => {
      if (opts.printConfig) return printConfigOf('sweep', opts);
      const { sweep } = await import('./sweep.js');
      process.exitCode = await sweep({
        config: opts.config, set: opts.set, seeds: opts.seeds, workers: opts.workers, dryRun: opts.dryRun, shard: opts.shard, resume: opts.resume,
        emit: opts.emit, shards: opts.shards, sbatch: opts.sbatch, json: opts.json, quiet: opts.quiet, out: opts.out,
      });
    });

  program
    .command('report')
    .description('merge the run folders of a sweep computed in shards (on any number of machines) into one report, the same bytes as a single-machine run')
    .argument('<dir...>', 'sweep folders (results/sweeps/<name>) holding sweep.json and runs/')
    .option('-o, --out <dir>', 'where to write the merged sweep (default: the first folder)')
    .option('--json', 'print one JSON object on stdout, nothing else there', false)
    .action(async (dirs: string[], opts) => {
      const { report } = await import('./sweep.js');
      process.exitCode = await report({ dirs, out: opts.out, json: opts.json });
    });

  return program;
}

async function printConfigOf(command: 'compare' | 'sweep', opts: { config: string[] | string; seeds?: string; set: string[]; only?: string[]; name?: string; json: boolean }): Promise<void> {
  const [{ printCompareConfigs, printSweepConfigs }, { wholeNumber }, { parseOverride }] = await Promise.all([import('./print-config.js'), import('./compare.js'), import('../config/load.js')]);
  const common = { seeds: wholeNumber('--seeds', opts.seeds, 1), set: opts.set.map(parseOverride), json: opts.json };
  process.exitCode = command === 'compare'
    ? printCompareConfigs({ ...common, config: opts.config as string[], only: opts.only ?? [], name: opts.name })
    : printSweepConfigs({ ...common, config: opts.config as string });
}

export async function main(argv: string[]): Promise<number> {
  // A reader that goes away (`dwgd … | head`) ends the output quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${err.red('error:')} ${e.message}\n`);
      return 2;
    }
    // A run that crashed inside a worker: one line naming the run, exit 1 (a bug, not bad input).
    if (e instanceof RunFailure) {
      process.stderr.write(`${err.red('error:')} ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
