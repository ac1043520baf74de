// `dwgd runs [DIR]`, `dwgd runs show ID`, `dwgd runs diff A B`: the runs under a results
// folder, one run, and what differs between two (results/run-index.ts has the facts).

import { relative } from 'node:path';
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { Metric } from '../experiment/evaluate.js';
import { formatMetric } from '../results/format.js';
import { diffRuns, findRun, indexRuns, summarize, type Difference, type RunSummary } from '../results/run-index.js';
import { runTable } from '../results/run-record.js';
import { out } from './ui.js';

const json = (v: unknown) => process.stdout.write(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)) + '\n');

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

/** "2025-11-26 09:30" (UTC) from an ISO time. */
function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '–';
}

function headline(s: RunSummary): string {
  return s.methods.map((m) => `${m} ${s.clean[m] === null ? '–' : formatMetric(s.metric as Metric, s.clean[m]!)}${s.broken.includes(m) ? '*' : ''}`).join(' · ');
}

export function listRuns(dir: string, asJson: boolean): number {
  const index = indexRuns(dir);
  const runs = index.runs.map(summarize);
  const { damaged } = index;
  if (asJson) {
    json({ root: dir, runs, damaged });
    return 0;
  }
  // A damaged run folder is listed too, as the one line saying what is wrong with it.
  const damagedLines = damaged.map((d) => `damaged: ${d.problem}\n`).join('');
  const damagedNote = damaged.length ? `; ${damaged.length} damaged run folder${damaged.length === 1 ? '' : 's'} (listed above)` : '';
  if (runs.length === 0) {
    process.stdout.write(damaged.length ? `${damagedLines}0 runs under ${dir}${damagedNote}\n` : `no runs under ${dir}\n`);
    return 0;
  }
  const rows = [['time (UTC)', 'name', 'dataset', 'arch', 'n', 'seed', 'metric', 'clean test metric per method', 'run id']];
  for (const s of runs) {
    rows.push([shortTime(s.startedAt), s.name, s.dataset, s.arch, String(s.trainSize), String(s.seed), s.metric === 'accuracy' ? 'acc %' : 'mse', headline(s), s.runId]);
  }
  process.stdout.write(pad(rows) + '\n' + damagedLines);
  const broken = runs.some((s) => s.broken.length > 0);
  process.stdout.write(`${runs.length} run${runs.length === 1 ? '' : 's'} under ${dir}${broken ? '; * diverged or collapsed' : ''}${damagedNote}\n`);
  return 0;
}

export function showRun(dir: string, ref: string, asJson: boolean): number {
  const r = findRun(dir, ref);
  if (asJson) {
    json({ dir: r.dir, run: r.stored, provenance: r.provenance });
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
  lines.push('', runTable(s), 'config:', toYaml(s.config).trimEnd().replace(/^/gm, '  '));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export function diffCommand(dir: string, refA: string, refB: string, asJson: boolean): number {
  const a = findRun(dir, refA);
  const b = findRun(dir, refB);
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

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description('list the runs under a results folder (train, compare and sweep run folders): time, name, dataset, arch, n, clean metric per method, run id')
    .argument('[dir]', 'results folder, searched recursively', 'results')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', '\nExamples:\n  node bin/dwgd.js runs\n  node bin/dwgd.js runs show s5-1a2b\n  node bin/dwgd.js runs diff s5-1a2b s5-9f8e --json')
    .action((dir: string, opts) => { process.exitCode = listRuns(dir, opts.json); });
  runs
    .command('show')
    .description('one run: when, how, on which data and code, its table and its resolved config')
    .argument('<id>', 'a run id, or a unique start of one, or a run folder')
    .option('-d, --dir <dir>', 'results folder to search', 'results')
    .option('--json', 'print one JSON object on stdout (run.json and provenance.json)', false)
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
}
