// `dwgd report DIR…`: calls results/merge.ts (merge the shards of a compare or a sweep, or
// re-render one folder's report from its run records) and says what it wrote.

import { join } from 'node:path';
import { runReport, type ReportFlags } from '../results/merge.js';

export async function report(flags: ReportFlags): Promise<number> {
  const r = await runReport(flags);
  if (flags.json) process.stdout.write(JSON.stringify({ outDir: r.outDir, kind: r.kind, name: r.name, runs: r.runs, copied: r.copied, files: r.files }) + '\n');
  else process.stdout.write(`report: ${join(r.outDir, 'REPORT.md')} and index.html from ${r.runs} runs (${r.copied} run folders gathered from ${flags.dirs.length} folder${flags.dirs.length === 1 ? '' : 's'})\n`);
  return 0;
}
