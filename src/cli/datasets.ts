// `dwgd datasets list | info NAME | fetch NAME… | verify [NAME]`: what the five datasets are,
// where each was found (or the one command that gets it), checked downloads, and checksums.

import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DATASET_SPECS, datasetSpec } from '../data/index.js';
import { checkFile, fetchDataset, type FetchEvents } from '../data/fetch.js';
import { candidateDirs, DataNotFoundError, type Located } from '../data/sources.js';
import { fetchCommand, type CanonicalFile, type DatasetOptions, type DatasetSpec } from '../data/spec.js';
import { UserError } from '../errors.js';
import { err, out } from './ui.js';

const n = (v: number) => v.toLocaleString('en-US');

function describeOrigin(found: Located): string {
  const label = { path: 'dataset.path', env: 'DWGD_DATA_DIR', cache: 'datasets/ cache', package: 'package', download: 'download' }[found.origin.kind];
  return `${label}: ${found.origin.location}`;
}

function tryLocate(spec: DatasetSpec, options: Partial<DatasetOptions> = {}): Located | null {
  try {
    return spec.locate({ name: spec.name, ...options });
  } catch (e) {
    if (e instanceof DataNotFoundError) return null;
    throw e;
  }
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

export function listDatasets(): number {
  const rows = [['dataset', 'task', 'pool', 'inputs → outputs', 'source']];
  for (const spec of DATASET_SPECS) {
    const found = tryLocate(spec);
    rows.push([
      spec.name, spec.task, n(spec.poolSize), `${n(spec.nInputs)} → ${spec.nOutputs}`,
      found ? describeOrigin(found) : `missing: run \`${fetchCommand(spec.name)}\``,
    ]);
  }
  process.stdout.write(pad(rows) + '\n');
  return 0;
}

export function datasetInfo(name: string): number {
  const spec = datasetSpec(name);
  const lines = [
    `${out.bold(spec.name)}: ${spec.title}`,
    `  task         ${spec.task}, ${n(spec.nInputs)} inputs → ${spec.nOutputs} output${spec.nOutputs > 1 ? 's' : ''}`,
    `  pool         ${n(spec.poolSize)}: ${spec.poolText}`,
    `  preparation  ${spec.preparation}`,
    `  choices      ${spec.choices}`,
    `  origin       ${spec.origin}`,
  ];
  const choices = spec.verifyChoices ?? [{ label: 'default', options: {} }];
  for (const choice of choices) {
    const found = tryLocate(spec, choice.options);
    const label = choices.length > 1 ? ` (${choice.label})` : '';
    if (found) {
      lines.push(`  found${label}`.padEnd(14) + ' ' + describeOrigin(found));
      for (const p of found.paths) lines.push(`               ${p}`);
    } else {
      lines.push(`  found${label}`.padEnd(14) + ' ' + `no: get it with \`${fetchCommand(spec.name)}\``);
    }
  }
  lines.push(`  looked in    dataset.path, then ${candidateDirs({ dataset: spec.name, files: [] }).map((c) => c.dir).join(', ')}` +
    (spec.packageHint ? `, then ${spec.packageHint}` : ''));
  lines.push('  canonical files (checked by `dwgd datasets fetch` and `verify`):');
  for (const f of spec.canonical) {
    lines.push(`    ${f.name}  ${n(f.size)} bytes  sha256 ${f.sha256}`);
    for (const url of f.urls) lines.push(`      ${url}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** Progress of a fetch on stderr: a line per file, a bar on a terminal; nothing when quiet. */
export function fetchProgress(quiet: boolean): { events: FetchEvents; stop(): void } {
  if (quiet) return { events: {}, stop() {} };
  const useBar = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const events: FetchEvents = {
    onStart(file, url) {
      started = performance.now();
      process.stderr.write(err.dim(`fetching ${url} (${mb(file.size)})\n`));
      if (useBar) {
        bar = new cliProgress.SingleBar({
          stream: process.stderr,
          format: ' {file} |{bar}| {percentage}% | {done}/{total_mb} | {speed}',
          barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, barsize: 30, clearOnComplete: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(file.size, 0, { file: file.name, done: mb(0), total_mb: mb(file.size), speed: '' });
      }
    },
    onProgress(_file, received) {
      const secs = (performance.now() - started) / 1000;
      bar?.update(received, { done: mb(received), speed: secs > 0 ? `${mb(received / secs)}/s` : '' });
    },
    onDone: stop,
    onNote(message) {
      stop();
      process.stderr.write(`${err.yellow('note:')} ${message}\n`);
    },
  };
  return { events, stop };
}

export async function fetchDatasets(names: string[], quiet = false): Promise<number> {
  const specs = names.map(datasetSpec);
  for (const spec of specs) {
    const progress = fetchProgress(quiet);
    const results = await fetchDataset(spec, { events: progress.events }).finally(progress.stop);
    for (const r of results) {
      process.stdout.write(`${spec.name}: ${r.dest} ${r.cached ? 'already there, verified' : 'downloaded, verified'} (${n(r.file.size)} bytes, sha256 ok)\n`);
    }
  }
  return 0;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

/** Recorded size and sha256 for a file name, if this dataset has one. */
function recorded(spec: DatasetSpec, name: string): Pick<CanonicalFile, 'size' | 'sha256'> | null {
  return spec.canonical.find((f) => f.name === name) ?? spec.knownFiles?.[name] ?? null;
}

/**
 * Checks every file a dataset's choices need against the recorded checksums, then reads it.
 * Package copies may be repackaged (Debian recompresses the .gz files): reading them is the check.
 */
export async function verifyDatasets(name?: string): Promise<number> {
  const specs = name ? [datasetSpec(name)] : DATASET_SPECS;
  let failures = 0;
  let checked = 0;
  for (const spec of specs) {
    const choices = spec.verifyChoices ?? [{ label: 'paper pool', options: {} }];
    for (const choice of choices) {
      const head = `${spec.name}${choices.length > 1 ? ` (${choice.label})` : ''}`;
      const found = tryLocate(spec, choice.options);
      if (!found) {
        process.stdout.write(`${head}: missing; get it with \`${fetchCommand(spec.name)}\`\n`);
        continue;
      }
      checked++;
      process.stdout.write(`${head}: ${describeOrigin(found)}\n`);
      for (const p of found.paths) {
        const file = basename(p);
        const want = recorded(spec, file);
        if (!want) {
          process.stdout.write(`  ${file}: no recorded checksum for this copy (content checked by reading it)\n`);
          continue;
        }
        const check = await checkFile(p, { name: file, urls: [], ...want });
        if (check.ok) process.stdout.write(`  ${file}: ${out.green('ok')} (${n(want.size)} bytes, sha256 matches)\n`);
        else if (found.origin.kind === 'package') process.stdout.write(`  ${file}: not the published bytes (${check.problem}); a package copy, content checked by reading it\n`);
        else {
          failures++;
          process.stdout.write(`  ${file}: ${out.red('MISMATCH')}: ${check.problem}\n`);
        }
      }
      try {
        const raw = spec.load({ name: spec.name, ...choice.options });
        let nan = 0;
        for (let i = 0; i < raw.x.length; i++) if (!Number.isFinite(raw.x[i])) nan++;
        for (let i = 0; i < raw.y.length; i++) if (!Number.isFinite(raw.y[i])) nan++;
        if (nan > 0) throw new UserError(`${nan} values are not finite numbers`);
        process.stdout.write(`  read: ${raw.description}; ${n(raw.size)} samples × ${n(raw.nInputs)} inputs\n`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        failures++;
        process.stdout.write(`  ${out.red('unreadable')}: ${e.message}\n`);
      }
    }
  }
  if (name && checked === 0) throw new UserError(`${name}: nothing to verify, the data are not on this machine; get them with \`${fetchCommand(name)}\``);
  process.stdout.write(failures === 0 ? `${checked} checked, all good\n` : `${failures} problem${failures > 1 ? 's' : ''} found\n`);
  return failures === 0 ? 0 : 1;
}

export function registerDatasets(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('the five datasets of the paper: where they are, what they hold, checked downloads');
  datasets
    .command('list')
    .description('name, task, pool size, inputs → outputs, and where each was found (or the command that gets it)')
    .action(() => { process.exitCode = listDatasets(); });
  datasets
    .command('info')
    .argument('<name>', `one of ${DATASET_SPECS.map((s) => s.name).join(', ')}`)
    .description('preparation, pool choices, where the files were found, canonical files with sizes and sha256')
    .action((name: string) => { process.exitCode = datasetInfo(name); });
  datasets
    .command('fetch')
    .argument('<name...>', 'dataset name(s)')
    .description('download the canonical files into datasets/<name>/, checked by size and sha256 (honours HTTPS_PROXY, NO_PROXY, DWGD_MIRROR)')
    .option('-q, --quiet', 'no progress output (errors are still one line)', false)
    .action(async (names: string[], opts: { quiet: boolean }) => { process.exitCode = await fetchDatasets(names, opts.quiet); });
  datasets
    .command('verify')
    .argument('[name]', 'one dataset (default: all found)')
    .description('compare the files found with the recorded sizes and sha256, then read them; exit 1 on a mismatch')
    .action(async (name?: string) => { process.exitCode = await verifyDatasets(name); });
}
