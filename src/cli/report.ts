// `dwgd report DIR…`: calls results/merge.ts (merge the shards of a compare or a sweep, or
// re-render one folder's table and report from its run records) and says what it wrote.

import { join } from 'node:path';
import { UserError } from '../errors.js';
import { runReport } from '../results/merge.js';
import { parseMseScale } from '../results/plots.js';
import { parseCorrection } from './study-options.js';

export async function report(flags: { dirs: string[]; out?: string; json?: boolean; authorsFile?: string; logY?: boolean; mseScale?: string; correction?: string; robustBaseline?: string }): Promise<number> {
  if (flags.out !== undefined && flags.out.trim() === '') throw new UserError("--out '': an empty path; give a folder (e.g. --out results)");
  const r = await runReport({ dirs: flags.dirs, out: flags.out, authorsFile: flags.authorsFile, figures: { logY: flags.logY === true, mseScale: parseMseScale(flags.mseScale) }, stats: { correction: parseCorrection(flags.correction) }, robustBaseline: flags.robustBaseline });
  if (flags.json) process.stdout.write(JSON.stringify({ outDir: r.outDir, kind: r.kind, name: r.name, runs: r.runs, copied: r.copied, files: r.files }) + '\n');
  else process.stdout.write(`report: ${join(r.outDir, r.kind === 'tune' ? 'TUNING.md' : 'REPORT.md')} and index.html from ${r.runs} runs (${r.copied} run folders gathered from ${flags.dirs.length} folder${flags.dirs.length === 1 ? '' : 's'})\n`);
  return 0;
}
