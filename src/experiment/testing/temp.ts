// Tests write their configs into a fresh temporary folder; this is the one helper for that.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new temporary folder holding `name` with `text` (no file when text is undefined). */
export function tempFile(name: string, text?: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-test-'));
  const file = join(dir, name);
  if (text !== undefined) writeFileSync(file, text);
  return { dir, file };
}
