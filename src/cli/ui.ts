// Terminal output helpers: colour (off for NO_COLOR and non-TTY), progress bars on stderr.

import cliProgress from 'cli-progress';

/** The styles dwgd uses, each a function from text to text (unchanged when colour is off). */
export interface Colour {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

// ANSI SGR codes (ECMA-48): the style's on and off. Bold and dim share their off (22).
const STYLES: Record<keyof Colour, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] };

/** Colour for a stream: on a terminal unless NO_COLOR is set (any value, https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream): Colour {
  const on = !('NO_COLOR' in process.env) && Boolean(stream.isTTY);
  const style = ([open, close]: [number, number]) => (text: string) =>
    // A style closed inside the text (a nested one) is opened again after it, so the rest stays styled.
    on && text !== '' ? `\x1b[${open}m${text.replaceAll(`\x1b[${close}m`, `\x1b[${close}m\x1b[${open}m`)}\x1b[${close}m` : text;
  return Object.fromEntries(Object.entries(STYLES).map(([k, v]) => [k, style(v)])) as unknown as Colour;
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
