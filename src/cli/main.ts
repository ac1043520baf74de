// The dwgd command line: parse, call, render. User errors become one line and exit code 2.

import { readFileSync } from 'node:fs';
import { Command, CommanderError, type ParseOptionsResult } from 'commander';
import { UserError } from '../errors.js';
import { RunFailure } from '../experiment/pool.js';
import { fsCause, isFsError } from '../results/out-dir.js';
import { registerDatasets } from './datasets.js';
import { registerExport } from './export.js';
import { COMPARE, methodsHelp, PLAN_SEEDS, registerCommand, REPORT, SWEEP, TRAIN, TUNE } from './options.js';
import { registerRuns } from './runs.js';
import type { RawStudyFlags } from './study-options.js';
import { train } from './train.js';
import { err } from './ui.js';

// compare, sweep and report pull in the statistics, plotting (vega) and PNG (resvg) code: they
// are imported when those commands run, so `train` and `--help` start quickly.

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Commander, with two changes to its error messages. An unknown option is named before a
 * missing required one (commander checks required options first, so `train --confg x.yaml`
 * said only that --config was missing). A did-you-mean goes on the error's own line.
 */
class DwgdCommand extends Command {
  private unknownArgs: string[] = [];

  override createCommand(name?: string): Command {
    return new DwgdCommand(name);
  }

  override parseOptions(argv: string[]): ParseOptionsResult {
    const parsed = super.parseOptions(argv);
    this.unknownArgs = parsed.unknown;
    return parsed;
  }

  // Commander's own (private) check, run after help and before the unknown-option check: a
  // command that runs (has an action) reports its unknown option first, as commander would next.
  _checkForMissingMandatoryOptions(): void {
    const self = this as unknown as { _actionHandler: unknown; unknownOption(flag: string): void };
    if (self._actionHandler && this.unknownArgs.length > 0) self.unknownOption(this.unknownArgs[0]);
    (Command.prototype as unknown as { _checkForMissingMandatoryOptions(this: Command): void })._checkForMissingMandatoryOptions.call(this);
  }
}

/** Commander's "\n(Did you mean x?)" as " (did you mean x?)" on the error's line. */
export function oneLineSuggestion(message: string): string {
  return message.replace(/\n\(Did you mean (.*?)\?\)/, ' (did you mean $1?)');
}

export function buildProgram(): Command {
  const program = new DwgdCommand();
  program
    .configureOutput({ outputError: (str, write) => write(oneLineSuggestion(str)) })
    .name('dwgd')
    .description('Reproduce and extend the dual-weight method (Wang & Shimazaki, 2025): train, compare, sweep.')
    .version(packageVersion(), '-V, --version', 'print the version of dwgd')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${methodsHelp()}`)
    .exitOverride();

  registerCommand(program, TRAIN).action(async (opts) => {
    process.exitCode = await train(opts);
  });

  registerDatasets(program);
  registerRuns(program);
  registerExport(program);

  registerCommand(program, COMPARE).action(async (opts) => {
    if (opts.printConfig) return printConfigOf('compare', opts);
    const { compare } = await import('./compare.js');
    process.exitCode = await compare(opts);
  });

  registerCommand(program, SWEEP).action(async (opts) => {
    if (opts.printConfig) return printConfigOf('sweep', opts);
    const { sweep } = await import('./sweep.js');
    process.exitCode = await sweep(opts);
  });

  registerCommand(program, TUNE).action(async (opts) => {
    const { tune } = await import('./tune.js');
    process.exitCode = await tune(opts);
  });

  registerCommand(program, REPORT).action(async (dirs: string[], opts) => {
    const { report } = await import('./report.js');
    process.exitCode = await report({ dirs, ...opts });
  });

  registerCommand(program, PLAN_SEEDS).action(async (dir: string, opts) => {
    const { planSeedsCommand } = await import('./plan-seeds.js');
    process.exitCode = planSeedsCommand(dir, opts);
  });

  return program;
}

/** --print-config of compare and sweep: the resolved config of every run, nothing run. */
async function printConfigOf(command: 'compare' | 'sweep', opts: RawStudyFlags & { json: boolean }): Promise<void> {
  const { printConfigs } = await import('./print-config.js');
  process.exitCode = printConfigs(command, opts);
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
    // The environment, not a bug: a write that failed (full disk, read-only folder) or an
    // allocation the machine cannot make. One line, exit 2.
    if (isFsError(e)) {
      process.stderr.write(`${err.red('error:')} cannot ${e.syscall} ${e.path ?? ''}: ${fsCause(e)}\n`.replace(' :', ':'));
      return 2;
    }
    if (e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer/.test(e.message)) {
      process.stderr.write(`${err.red('error:')} not enough memory for this run (${e.message}); make the network or the step count smaller\n`);
      return 2;
    }
    throw e;
  }
}
