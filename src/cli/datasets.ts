// `dwgd datasets list | info NAME | fetch NAME… | verify [NAME]`: what the datasets are (the
// paper's five and the corruption benchmarks MNIST-C and CIFAR-10-C),
// where each was found (or the one command that gets it), checked downloads, and checksums.
// The facts come from data/inventory.ts; this file prints them as text or (--json) JSON.

import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DATASET_SPECS, datasetSpec } from '../data/index.js';
import { fetchDataset, type FetchEvents } from '../data/fetch.js';
import { datasetDetails, datasetRows, verifyDatasets, type Found, type VerifyReport } from '../data/inventory.js';
import { err, out } from './ui.js';

const n = (v: number) => v.toLocaleString('en-US');

function describeOrigin(found: Found): string {
  const label = { path: 'dataset.path', env: 'DWGD_DATA_DIR', cache: 'datasets/ cache', package: 'package', download: 'download' }[found.kind];
  return `${label}: ${found.location}`;
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function listDatasets(json = false): number {
  const data = datasetRows();
  if (json) {
    printJson({ datasets: data });
    return 0;
  }
  const rows = [['dataset', 'task', 'pool', 'inputs → outputs', 'download', 'licence', 'source']];
  for (const d of data) {
    rows.push([
      d.name, d.task, n(d.poolSize), `${n(d.nInputs)} → ${d.nOutputs}`, mb(d.downloadBytes), d.licence ?? '-',
      d.found ? describeOrigin(d.found) : `missing: run \`${d.fetch}\``,
    ]);
  }
  process.stdout.write(pad(rows) + '\n');
  return 0;
}

export function datasetInfo(name: string, json = false): number {
  const d = datasetDetails(name);
  if (json) {
    printJson(d);
    return 0;
  }
  const lines = [
    `${out.bold(d.name)}: ${d.title}`,
    `  task         ${d.task}, ${n(d.nInputs)} inputs → ${d.nOutputs} output${d.nOutputs > 1 ? 's' : ''}`,
    `  pool         ${n(d.poolSize)}: ${d.poolText}`,
    `  preparation  ${d.preparation}`,
    `  choices      ${d.choices}`,
    `  origin       ${d.origin}`,
    ...(d.licence ? [`  licence      ${d.licence}`] : []),
  ];
  for (const choice of d.found) {
    const label = d.found.length > 1 ? ` (${choice.label})` : '';
    if (choice.found) {
      lines.push(`  found${label}`.padEnd(14) + ' ' + describeOrigin(choice.found));
      for (const p of choice.found.paths) lines.push(`               ${p}`);
    } else {
      lines.push(`  found${label}`.padEnd(14) + ' ' + `no: get it with \`${d.fetch}\``);
    }
  }
  lines.push(`  looked in    dataset.path, then ${d.lookedIn.join(', ')}` + (d.packageHint ? `, then ${d.packageHint}` : ''));
  lines.push('  canonical files (checked by `node bin/dwgd.js datasets fetch` and `verify`):');
  for (const f of d.canonical) {
    lines.push(`    ${f.name}  ${n(f.size)} bytes  sha256 ${f.sha256}${f.md5 ? `  (md5 ${f.md5})` : ''}${f.resumable ? '  resumable' : ''}`);
    for (const url of f.urls) lines.push(`      ${url}`);
  }
  const known = Object.entries(d.knownFiles);
  if (known.length) {
    lines.push('  other recorded files (checked by `verify`):');
    for (const [file, k] of known) lines.push(`    ${file}  ${n(k.size)} bytes  sha256 ${k.sha256}`);
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
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

/** Exit 0: everything asked for is there and checks out; 1: something is missing or bad. */
export async function verifyCommand(name: string | undefined, json = false): Promise<number> {
  const report = await verifyDatasets(name);
  if (json) printJson(report);
  else process.stdout.write(verifyText(report));
  return report.ok ? 0 : 1;
}

function verifyText(report: VerifyReport): string {
  const lines: string[] = [];
  for (const e of report.entries) {
    const head = `${e.dataset}${e.choice ? ` (${e.choice})` : ''}`;
    if (!e.found) {
      lines.push(`${head}: ${out.red('MISSING')}; get it with \`${e.fetch}\``);
      continue;
    }
    lines.push(`${head}: ${describeOrigin(e.found)}`);
    for (const f of e.files) {
      if (f.status === 'ok') lines.push(`  ${f.file}: ${out.green('ok')} (${n(f.size!)} bytes, sha256 matches)`);
      else if (f.status === 'unrecorded') lines.push(`  ${f.file}: no recorded checksum for this copy (content checked by reading it)`);
      else if (f.status === 'repackaged') lines.push(`  ${f.file}: not the published bytes (${f.problem}); a package copy, content checked by reading it`);
      else lines.push(`  ${f.file}: ${out.red('MISMATCH')}: ${f.problem}`);
    }
    if (e.read && 'error' in e.read) lines.push(`  ${out.red('unreadable')}: ${e.read.error}`);
    else if (e.read) lines.push(`  read: ${e.read.description}; ${n(e.read.samples)} samples × ${n(e.read.inputs)} inputs`);
  }
  const missing = report.entries.filter((e) => e.status === 'missing').map((e) => e.dataset + (e.choice ? ` (${e.choice})` : ''));
  const bad = report.entries.filter((e) => e.status === 'bad').map((e) => e.dataset + (e.choice ? ` (${e.choice})` : ''));
  if (report.ok) lines.push(`${report.checked} checked, all good`);
  else {
    const parts = [missing.length ? `missing: ${missing.join(', ')}` : '', bad.length ? `bad: ${bad.join(', ')}` : ''].filter(Boolean);
    lines.push(`${report.checked} checked; ${parts.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

export function registerDatasets(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('the five datasets of the paper and the benchmarks mnist-c, cifar-10-c: where they are, what they hold, checked downloads');
  datasets
    .command('list')
    .description('name, task, pool size, inputs → outputs, and where each was found (or the command that gets it)')
    .option('--json', 'print one JSON object on stdout', false)
    .action((opts) => { process.exitCode = listDatasets(opts.json); });
  datasets
    .command('info')
    .argument('<name>', `one of ${DATASET_SPECS.map((s) => s.name).join(', ')}`)
    .description('preparation, pool choices, where the files were found, canonical files with sizes and sha256')
    .option('--json', 'print one JSON object on stdout', false)
    .action((name: string, opts) => { process.exitCode = datasetInfo(name, opts.json); });
  datasets
    .command('fetch')
    .argument('<name...>', 'dataset name(s)')
    .description('download the canonical files into datasets/<name>/, checked by size and sha256 (honours HTTPS_PROXY, NO_PROXY, DWGD_MIRROR); the mnist-c and cifar-10-c archives resume a broken download and are unpacked beside themselves')
    .option('-q, --quiet', 'no progress output (errors are still one line)', false)
    .action(async (names: string[], opts: { quiet: boolean }) => { process.exitCode = await fetchDatasets(names, opts.quiet); });
  datasets
    .command('verify')
    .argument('[name]', 'one dataset (default: all)')
    .description('compare the files found with the recorded sizes and sha256, then read them; exit 1 when one asked for is missing, differs or cannot be read')
    .option('--json', 'print one JSON object on stdout', false)
    .action(async (name: string | undefined, opts) => { process.exitCode = await verifyCommand(name, opts.json); });
}
