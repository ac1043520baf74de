// Checks of the numeric command-line values the pipelines take as text (--seeds, --workers, …).

import { UserError } from '../errors.js';

/** `text` as a whole number ≥ min; undefined when not given; a UserError naming the flag otherwise. */
export function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag} ${text}: expected a whole number ≥ ${min}`);
  return n;
}
