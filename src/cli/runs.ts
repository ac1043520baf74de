// `dwgd runs [DIR]` (the trained models under a results folder, filtered, sorted, with the
// parameters that differ between them; as text, --json, --csv or a self-contained --html page),
// `dwgd runs show ID`, `dwgd runs diff A B`, `dwgd runs tag RUN TAG…` and `dwgd runs note RUN
// TEXT` (results/run-index.ts has the facts, results/annotations.ts the tags and notes,
// results/run-browser.ts the page).

import { relative } from 'node:path';
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { quote } from '../config/quote.js';
import { UserError } from '../errors.js';
import type { Metric } from '../experiment/evaluate.js';
import { noteRun, readAnnotations, tagRun } from '../results/annotations.js';
import { writeFileAtomic } from '../results/atomic.js';
import { formatMetric } from '../results/format.js';
import { checkOutFile } from '../results/out-dir.js';
import { runBrowserHtml } from '../results/run-browser.js';
import { cellText, columnTitle, diffRuns, listingCsv, listModels, rowJson, runByRef, type Difference, type RunListing } from '../results/run-index.js';
import { runTable } from '../results/run-record.js';
import { err, out } from './ui.js';

const json = (v: unknown) => process.stdout.write(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)) + '\n');

/** Columns padded to their widths; those in `right` aligned right (numbers). */
function pad(rows: string[][], right: boolean[] = []): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

/** "2025-11-26 09:30" (UTC) from an ISO time. */
function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '–';
}

export interface ListFlags {
  json?: boolean;
  csv?: boolean;
  html?: string;
  where?: string;
  tag?: string[];
  sort?: string;
  desc?: boolean;
  columns?: string;
}

/** A comma list of keys (--sort, --columns); an empty entry is one line. */
function keyList(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const keys = text.split(',').map((k) => k.trim());
  if (keys.some((k) => k === '' || k === '-')) throw new UserError(`${flag} ${quote(text)}: an empty key; give keys separated by commas, e.g. ${flag} lr,clean`);
  return keys;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function listRuns(dir: string, flags: ListFlags = {}): number {
  const modes = [flags.json && '--json', flags.csv && '--csv', flags.html !== undefined && '--html'].filter((m): m is string => typeof m === 'string');
  if (modes.length > 1) throw new UserError(`${modes.join(' and ')}: give one of them`);
  if (flags.html !== undefined) checkOutFile(flags.html, '--html');
  const columns = keyList('--columns', flags.columns);
  const listing = listModels(dir, { where: flags.where, tags: flags.tag, sort: keyList('--sort', flags.sort), desc: flags.desc, columns });
  const { rows, damaged, warnings } = listing;
  if (flags.json) {
    json({ root: dir, where: flags.where ?? null, tags: flags.tag ?? [], differing: listing.differing, rows: rows.map(rowJson), damaged, warnings });
    return 0;
  }
  for (const w of warnings) process.stderr.write(`${err.yellow('warning:')} ${w}\n`);
  if (flags.csv) {
    process.stdout.write(listingCsv(listing, columns));
    return 0;
  }
  if (flags.html !== undefined) {
    writeFileAtomic(flags.html, runBrowserHtml(listing, { where: flags.where, tags: flags.tag }));
    process.stdout.write(`wrote ${flags.html} (${plural(rows.length, 'model')} of ${plural(new Set(rows.map((r) => r.dir)).size, 'run')})\n`);
    return 0;
  }
  process.stdout.write(listingText(listing, flags));
  return 0;
}

/** The listing as the terminal shows it: what every row shares, the table, and a count of what is shown. */
export function listingText(listing: RunListing, flags: ListFlags = {}): string {
  const { rows, damaged, root } = listing;
  // A damaged run folder is listed too, as the one line saying what is wrong with it.
  const damagedLines = damaged.map((d) => `damaged: ${d.problem}\n`).join('');
  const damagedNote = damaged.length ? `; ${plural(damaged.length, 'damaged run folder')} (listed above)` : '';
  if (listing.runCount === 0) return damaged.length ? `${damagedLines}0 runs under ${root}${damagedNote}\n` : `no runs under ${root}\n`;
  const filtered = flags.where !== undefined || (flags.tag ?? []).length > 0;
  const of = `${plural(listing.modelCount, 'model')} in ${plural(listing.runCount, 'run')} under ${root}`;
  if (rows.length === 0) return `${damagedLines}no model matches (of ${of})${damagedNote}\n`;
  const lines: string[] = [];
  if (listing.shared.length) lines.push(`same in every row: ${listing.shared.map((s) => `${s.key} ${s.value === null ? '–' : String(s.value)}`).join(' · ')}`);
  const table = [listing.columns.map((c) => columnTitle(c, rows)), ...rows.map((r) => listing.columns.map((c) => cellText(r, c)))];
  const right = listing.columns.map((_, c) => table.slice(1).every((r) => r[c] === '–' || /^-?[\d.]+(e[+-]?\d+)?$|^-?Infinity$|^NaN$/.test(r[c])));
  lines.push(pad(table, right));
  const runs = new Set(rows.map((r) => r.dir)).size;
  const count = filtered ? `${plural(rows.length, 'model')} of ${plural(runs, 'run')} shown (of ${of})` : `${plural(rows.length, 'model')} of ${plural(runs, 'run')} under ${root}`;
  const broken = rows.some((r) => r.status !== 'ok') && !listing.columns.includes('status') ? '; some diverged or collapsed (--columns …,status)' : '';
  return `${lines.join('\n')}\n${damagedLines}${count}${broken}${damagedNote}\n`;
}

export function showRun(dir: string, ref: string, asJson: boolean): number {
  const r = runByRef(ref, dir, 'runs show');
  const notes = readAnnotations(r.dir);
  if (asJson) {
    json({ dir: r.dir, run: r.stored, provenance: r.provenance, annotations: notes });
    return 0;
  }
  const { stored: s, provenance: p } = r;
  const lines = [`${out.bold(`run ${s.runId}`)}  ${relative(process.cwd(), r.dir) || '.'}`];
  if (p) {
    lines.push(`  started   ${shortTime(p.startedAt)} UTC, ${p.wallSeconds} s; dwgd ${p.dwgdVersion}` +
      (p.git ? ` (git ${p.git.commit.slice(0, 10)}${p.git.dirty ? ', uncommitted changes' : ''})` : '') + `; node ${p.node} on ${p.platform}, ${p.cpu.model}`);
    lines.push(`  command   ${p.command.join(' ')}`);
  }
  for (const f of s.data?.files ?? []) lines.push(`  data      ${f.name} (${f.size.toLocaleString('en-US')} bytes, sha256 ${f.sha256.slice(0, 16)}…)`);
  lines.push(`  code      fingerprint ${s.code?.fingerprint ?? '–'}, dwgd ${s.code?.version ?? '–'}; config hash ${s.configHash.slice(0, 16)}…`);
  if (notes.tags.length) lines.push(`  tags      ${notes.tags.join(', ')}`);
  if (notes.note) lines.push(`  note      ${notes.note.replace(/\n/g, '\n            ')}`);
  lines.push('', runTable(s), 'config:', toYaml(s.config).trimEnd().replace(/^/gm, '  '));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function diffCommand(dir: string, refA: string, refB: string, asJson: boolean): number {
  const a = runByRef(refA, dir, 'runs diff');
  const b = runByRef(refB, dir, 'runs diff');
  const d = diffRuns(a, b);
  if (asJson) {
    json(d);
    return 0;
  }
  const metricA = a.stored.record.metric;
  const metricB = b.stored.record.metric;
  const lines = [`a  ${d.a.runId}  ${relative(process.cwd(), d.a.dir) || '.'}`, `b  ${d.b.runId}  ${relative(process.cwd(), d.b.dir) || '.'}`];
  const section = (title: string, diffs: Difference[], showA: (d: Difference) => string, showB: (d: Difference) => string) => {
    lines.push('');
    if (diffs.length === 0) {
      lines.push(`${title}: the same`);
      return;
    }
    lines.push(pad([[title, 'a', 'b'], ...diffs.map((x) => [x.key, showA(x), showB(x)])]));
  };
  section('config', d.config, (x) => showValue(x.a), (x) => showValue(x.b));
  if (d.identity.length) section('data and code', d.identity, (x) => showValue(x.a), (x) => showValue(x.b));
  section('metrics', d.metrics, (x) => showMetric(x.key, x.a, metricA), (x) => showMetric(x.key, x.b, metricB));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function showValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Metric values in the tables' units (accuracy in %, MSE in target units). */
function showMetric(key: string, v: unknown, metric: Metric): string {
  if (typeof v === 'number') return formatMetric(metric, v);
  if (Array.isArray(v) && key.startsWith('perTurn.')) return v.map((x) => formatMetric(metric, Number(x))).join(' ');
  return showValue(v);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description('the trained models (one row per run × method) under a results folder, searched recursively: the parameters that differ between them, their clean (and noisy) test metric, tags and notes; filter, sort, choose columns, or write JSON, CSV or a self-contained HTML run browser')
    .argument('[dir]', 'results folder, searched recursively', 'results')
    .option('-w, --where <filter>', "only the models the filter holds for: comparisons (= != < <= > >=) of config keys (lr, noise.sigma), n, dataset, arch, method, seed, tag, status, started, the metrics clean, noisy, loss, val (validation metric of the kept parameters), best_turn and the diagnostics lipschitz, dead, margin, joined by and / or, e.g. 'method=dwm and n>=500'")
    .option('-t, --tag <tag>', 'only runs with this tag (repeatable: all of them)', collect)
    .option('--sort <keys>', 'sort by these keys, comma-separated; -KEY sorts that key descending, e.g. --sort -clean or --sort lr,-clean (default: oldest run first)')
    .option('--desc', 'sort the --sort keys without a sign descending', false)
    .option('--columns <keys>', 'show these columns, comma-separated, e.g. run,method,lr,clean; the diagnostics lipschitz (product of spectral norms), dead (share of hidden units never active on the training list) and margin (median test margin) are never shown by default (default: started, run, method, the parameters that differ, the metrics, and status, tags and note where any row has one)')
    .option('--json', 'print one JSON object on stdout: every model with its resolved config, metrics, curves, tags and note', false)
    .option('--csv', 'print CSV on stdout: one row per model, every metric and config key (or the --columns)', false)
    .option('--html <file>', 'write one self-contained HTML page: a sortable, filterable table of the models with their learning curves overlaid for the rows you tick')
    .addHelpText('after', "\nExamples:\n  node bin/dwgd.js runs\n  node bin/dwgd.js runs --where 'method=dwm and n>=500' --sort -clean\n  node bin/dwgd.js runs --html runs.html\n  node bin/dwgd.js runs show s5-1a2b\n  node bin/dwgd.js runs diff s5-1a2b s5-9f8e --json\n  node bin/dwgd.js runs tag s5-1a2b baseline good\n  node bin/dwgd.js runs note s5-1a2b 'lr too high?'")
    .action((dir: string, opts: ListFlags) => { process.exitCode = listRuns(dir, opts); });
  runs
    .command('show')
    .description('one run: when, how, on which data and code, its tags and note, its table and its resolved config')
    .argument('<id>', 'a run id, or a unique start of one, or a run folder')
    .option('-d, --dir <dir>', 'results folder to search', 'results')
    .option('--json', 'print one JSON object on stdout (run.json, provenance.json and the annotations)', false)
    .action((id: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals(); // --json may land on the parent `runs`, which has it too
      process.exitCode = showRun(opts.dir, id, opts.json);
    });
  runs
    .command('diff')
    .description('the config keys, data/code identity and metrics in which two runs differ (nothing else)')
    .argument('<a>', 'a run id (or unique start) or run folder')
    .argument('<b>', 'the other run')
    .option('-d, --dir <dir>', 'results folder to search', 'results')
    .option('--json', 'print one JSON object on stdout', false)
    .action((a: string, b: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      process.exitCode = diffCommand(opts.dir, a, b, opts.json);
    });
  runs
    .command('tag')
    .description('add tags to a run (kept beside it in annotations.json, never in run.json), or with --remove take them away; filter by them with --tag or --where tag=…')
    .argument('<run>', 'a run id, or a unique start of one, or a run folder')
    .argument('<tags...>', 'tags: a letter or digit, then letters, digits and . _ - : + /')
    .option('--remove', 'take these tags away instead', false)
    .option('-d, --dir <dir>', 'results folder to search', 'results')
    .action((ref: string, tags: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const run = runByRef(ref, opts.dir, 'runs tag');
      const now = tagRun(run.dir, tags, opts.remove);
      process.stdout.write(`${run.stored.runId}: tags ${now.length ? now.join(', ') : 'none'}\n`);
    });
  runs
    .command('note')
    .description("set a run's note (kept beside it in annotations.json, never in run.json); '' clears it")
    .argument('<run>', 'a run id, or a unique start of one, or a run folder')
    .argument('<text>', 'the note (quote it), at most 10,000 characters')
    .option('-d, --dir <dir>', 'results folder to search', 'results')
    .action((ref: string, text: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const run = runByRef(ref, opts.dir, 'runs note');
      noteRun(run.dir, text);
      process.stdout.write(`${run.stored.runId}: ${text === '' ? 'note cleared' : 'note set'}\n`);
    });
}
