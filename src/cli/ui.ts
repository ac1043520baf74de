// Terminal output helpers: colour (off for NO_COLOR and non-TTY), progress bars on stderr.

import { Chalk, type ChalkInstance } from 'chalk';
import cliProgress from 'cli-progress';

export function colourFor(stream: NodeJS.WriteStream): ChalkInstance {
  const off = 'NO_COLOR' in process.env || !stream.isTTY;
  return new Chalk({ level: off ? 0 : 1 });
}

export const err = colourFor(process.stderr);
export const out = colourFor(process.stdout);

/** Bars only on a terminal; elsewhere callers print plain lines instead. */
export function barsWanted(quiet: boolean): boolean {
  return !quiet && Boolean(process.stderr.isTTY);
}

export function multiBar(): cliProgress.MultiBar {
  return new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: ' {method} |{bar}| {percentage}% | turn {turn}/{turns} | {rate} steps/s | ETA {remaining} | {last}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
}

export function formatRate(stepsPerSec: number): string {
  return Math.round(stepsPerSec).toLocaleString('en-US');
}
