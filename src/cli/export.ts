// `dwgd export RUN [--method m] --format safetensors|npz [--dtype float64|float32] [--out FILE]`:
// a run's trained weights in a file other frameworks read (results/export.ts). RUN is a run
// folder, or a run id or a unique start of one, found under --dir as `dwgd runs show` finds it.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic.js';
import { checkOutFile } from '../results/out-dir.js';
import { resolveRunRef } from '../results/run-index.js';
import { EXPORT_DTYPES, EXPORT_FORMATS, exportWeights, savedMethods, type ExportDtype, type ExportFormat } from '../results/export.js';

export function exportCommand(ref: string, opts: { method?: string; format: string; dtype: string; out?: string; dir?: string }): number {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) throw new UserError(`--format ${opts.format}: expected ${EXPORT_FORMATS.join(' or ')}`);
  if (!(EXPORT_DTYPES as readonly string[]).includes(opts.dtype)) throw new UserError(`--dtype ${opts.dtype}: expected ${EXPORT_DTYPES.join(' or ')}`);
  if (opts.out !== undefined) checkOutFile(opts.out);
  const runDir = resolveRunRef(ref, opts.dir ?? 'results', 'export');
  const methods = opts.method ? [opts.method] : savedMethods(runDir);
  if (opts.out && methods.length > 1) throw new UserError(`--out: the run has weights for ${methods.length} methods (${methods.join(', ')}); give --method, or leave --out for one file each`);
  const runId = resolve(runDir).split(/[\\/]/).pop();
  // Build every file first, so a bad method writes nothing.
  const files = methods.map((m) => ({ path: opts.out ?? `${runId}-${m}.${opts.format}`, bytes: exportWeights(runDir, m, opts.format as ExportFormat, opts.dtype as ExportDtype) }));
  for (const f of files) {
    writeFileAtomic(f.path, f.bytes);
    process.stdout.write(`wrote ${f.path} (${f.bytes.length.toLocaleString('en-US')} bytes)\n`);
  }
  return 0;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a run\'s trained weights (W and b per layer, W1 and W2 for dual methods) as safetensors or npz, for PyTorch, NumPy or JAX; the run needs --save-weights')
    .argument('<run>', 'a run folder holding weights/ (made with --save-weights), or a run id or a unique start of one under --dir')
    .requiredOption('--format <format>', `${EXPORT_FORMATS.join(' | ')}`)
    .option('--method <method>', 'one method (default: every method, one file each)')
    .option('--dtype <dtype>', `${EXPORT_DTYPES.join(' | ')} (float64 is the exact trained values)`, 'float64')
    .option('-o, --out <file>', 'output file (default: <run id>-<method>.<format> in the current folder)')
    .option('-d, --dir <dir>', 'results folder to search for a run id, as dwgd runs show', 'results')
    .addHelpText('after', '\nExamples:\n  node bin/dwgd.js train --config configs/quickstart.yaml --save-weights\n  node bin/dwgd.js export results/quickstart/s5-… --method dwm --format safetensors\n  node bin/dwgd.js export s5-3f9e --format npz')
    .action((ref: string, opts) => { process.exitCode = exportCommand(ref, opts); });
}
