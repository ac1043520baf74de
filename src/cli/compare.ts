// `dwgd compare`: a grid of experiments × seeds run across worker threads, each finished run
// stored in its own folder, then aggregated into results.csv, summary.csv, REPORT.md and
// learning-curve SVGs under results/compare/<name>/, and index.html (the report as one page). --resume reuses verified run folders;
// the final files depend only on the runs' numbers, so they are the same bytes either way.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { parseOverride } from '../config/load.js';
import { UserError } from '../errors.js';
import { buildPlan, datasetKey, parseOnly, planWarnings, runCost, type Plan, type RunSpec } from '../experiment/plan.js';
import { DATASET_SPECS } from '../data/index.js';
import { dataLocator, type DataLocations } from '../experiment/locate-data.js';
import { defaultWorkers, runPool, RunFailure, type RunRecord } from '../experiment/pool.js';
import { codeIdentity, provenance, type CodeIdentity } from '../experiment/provenance.js';
import { aggregate, resultsCsv, summaryCsv, type AuthorsRow } from '../results/aggregate.js';
import { writeDirAtomic, writeFileAtomic } from '../results/atomic.js';
import { readStoredRun, removeLeftovers, roundTrip, runsDir, storedRun, verifiedRun, writeRunFolder } from '../results/run-record.js';
import { curvesSvg } from '../results/curves-svg.js';
import { reportHtml } from '../results/html.js';
import { buildReport, checkClaims, slug, type Claim } from '../results/report.js';
import { barsWanted, err } from './ui.js';

export const AUTHORS_FILE = fileURLToPath(new URL('../../../configs/paper/authors-results.json', import.meta.url));

export interface CompareFlags {
  config: string[];
  seeds?: string;
  workers?: string;
  only: string[];
  set: string[];
  resume: boolean;
  json: boolean;
  quiet: boolean;
  out: string;
  name?: string;
  /** Dataset loader module URL (tests inject synthetic data here). */
  loaderUrl?: string;
  /** Authors' numbers file (default: configs/paper/authors-results.json). */
  authorsFile?: string;
}

export function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag} ${text}: expected a whole number ≥ ${min}`);
  return n;
}

export function readAuthors(file: string): { rows: AuthorsRow[]; source: string } {
  if (!existsSync(file)) return { rows: [], source: 'not found' };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { source?: string; rows?: AuthorsRow[] };
    return { rows: Array.isArray(data.rows) ? data.rows : [], source: data.source ?? 'no source line' };
  } catch (e) {
    throw new UserError(`${file}: malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

export interface CompareOutcome {
  outDir: string;
  plan: Plan;
  claims: Claim[];
  ran: number;
  reused: number;
}

export async function runCompare(flags: CompareFlags): Promise<CompareOutcome> {
  const seeds = wholeNumber('--seeds', flags.seeds, 1);
  const workers = wholeNumber('--workers', flags.workers, 0) ?? Math.max(1, defaultWorkers());
  const data = dataLocator();
  const plan = buildPlan(flags.config, {
    seeds, sets: flags.set.map(parseOverride), only: flags.only.map(parseOnly), name: flags.name,
    identify: flags.loaderUrl ? undefined : data.identify,
  });
  const authors = readAuthors(flags.authorsFile ?? AUTHORS_FILE);
  const outDir = resolve(flags.out, 'compare', plan.name);
  const chatty = !flags.quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };

  for (const w of planWarnings(plan)) process.stderr.write(`${err.yellow('warning:')} ${w}\n`);
  const code = codeIdentity();
  const records = new Map<string, RunRecord>();
  if (flags.resume) {
    removeLeftovers(outDir);
    resumable(outDir, plan.runs, code, records);
  } else warnReplacing(outDir, plan.runs, code, log);
  const todo = plan.runs.filter((s) => !records.has(s.id));
  const reused = records.size;
  log(err.dim(`compare ${plan.name}: ${plan.experiments.length} experiments × ${plan.seeds} seed${plan.seeds === 1 ? '' : 's'} = ${plan.runs.length} runs` +
    (flags.resume ? `, ${reused} already done` : '') + `, ${Math.min(workers, todo.length) || 0} worker${workers === 1 ? '' : 's'} → ${relative(process.cwd(), outDir) || '.'}`));

  const progress = makeProgress(plan.runs.length, reused, chatty, log);
  await runAndStore(todo, { workers, loaderUrl: flags.loaderUrl, outDir, records, progress, code, data });

  const agg = aggregate(plan, records, authors.rows);
  const configs = plan.runs.map((r) => r.config);
  const claims = checkClaims(agg, plan.seeds, configs);
  writeFileAtomic(join(outDir, 'results.csv'), resultsCsv(plan, records));
  writeFileAtomic(join(outDir, 'summary.csv'), summaryCsv(agg));
  const figures = new Map<string, string>();
  for (const e of agg.experiments) figures.set(`curves/${slug(e)}.svg`, curvesSvg(e));
  writeDirAtomic(join(outDir, 'curves'), (dir) => {
    for (const [path, svg] of figures) writeFileSync(join(dir, path.slice('curves/'.length)), svg);
  });
  writeFileAtomic(join(outDir, 'plan.json'), JSON.stringify({
    name: plan.name, files: plan.files, seeds: plan.seeds,
    runs: plan.runs.map((r: RunSpec) => ({ id: r.id, label: r.label, seed: r.config.seed, configHash: r.configHash })),
  }, null, 1) + '\n');
  const report = buildReport({ plan, agg, claims, authorsSource: authors.source });
  writeFileAtomic(join(outDir, 'REPORT.md'), report);
  writeFileAtomic(join(outDir, 'index.html'), reportHtml(report, `dwgd compare ${plan.name}`, figures));
  return { outDir, plan, claims, ran: todo.length, reused };
}

/**
 * Runs `todo` on the pool with progress, storing each run's folder the moment it finishes (so
 * a kill loses only the runs in flight) and its record in `records`. A user error inside a
 * run becomes one UserError line; `beforeStore` runs before each store (e.g. to write a plan).
 */
export async function runAndStore(todo: RunSpec[], o: {
  workers: number; loaderUrl?: string; outDir: string; records: Map<string, RunRecord>; progress: Progress; beforeStore?: () => void;
  code: CodeIdentity; data: DataLocations;
}): Promise<void> {
  const { progress } = o;
  try {
    await runPool(todo, {
      workers: o.workers,
      loaderUrl: o.loaderUrl,
      cost: (spec) => runCost(spec, (name) => DATASET_SPECS.find((d) => d.name === name) ?? null),
      onStart: (spec, w) => progress.start(spec, w),
      onProgress: (spec, w, p) => progress.update(spec, w, p.methodIndex * p.stepsTotal + p.stepsDone, p.methods * p.stepsTotal, `${p.method} ${p.methodIndex + 1}/${p.methods}, turn ${p.turn}`),
      onDone: (spec, record, w, seconds) => {
        o.beforeStore?.();
        const stored = storedRun(spec, o.code, record);
        const ended = new Date();
        const where = o.data.where.get(datasetKey(spec.config));
        const prov = provenance({
          started: new Date(ended.getTime() - seconds * 1000), ended, worker: w + 1,
          dataPaths: where?.paths ?? [], dataOrigin: where?.origin ?? null,
        });
        writeRunFolder(join(runsDir(o.outDir), spec.id), stored, prov);
        o.records.set(spec.id, roundTrip(stored));
        progress.done(spec, w, seconds);
      },
    });
  } catch (e) {
    progress.stop();
    if (e instanceof RunFailure && e.userError) throw new UserError(e.message);
    throw e;
  }
  progress.stop();
}

/**
 * Fills `records` with the finished runs of `specs` stored under outDir. A finished run made by
 * code with another fingerprint is refused: mixing it in would report numbers of two programs
 * as one.
 */
export function resumable(outDir: string, specs: RunSpec[], code: CodeIdentity, records: Map<string, RunRecord>): void {
  const other: RunSpec[] = [];
  let otherCode = '';
  for (const spec of specs) {
    const v = verifiedRun(outDir, spec, code);
    if (!v) continue;
    if (v.ok) records.set(spec.id, v.stored.record);
    else {
      other.push(spec);
      otherCode = `${v.otherCode.code.fingerprint} (dwgd ${v.otherCode.code.version})`;
    }
  }
  if (other.length) {
    throw new UserError(`--resume: ${other.length} finished run${other.length === 1 ? '' : 's'} in ${runsDir(outDir)} (first: ${other[0].id}) ` +
      `were made by other code, fingerprint ${otherCode}; this dwgd is ${code.fingerprint} (dwgd ${code.version}). Rerun without --resume to replace them, or use another --out`);
  }
}

/** Says so when a fresh run is about to replace run folders that other code made. */
export function warnReplacing(outDir: string, specs: RunSpec[], code: CodeIdentity, log: (s: string) => void): void {
  const other = specs.filter((s) => {
    const stored = readStoredRun(join(runsDir(outDir), s.id));
    return stored?.code !== undefined && stored.code.fingerprint !== code.fingerprint;
  });
  if (other.length) log(err.dim(`${other.length} run folder${other.length === 1 ? '' : 's'} in ${runsDir(outDir)} made by other code will be replaced (this code: ${code.fingerprint})`));
}

export interface Progress {
  start(spec: RunSpec, worker: number): void;
  update(spec: RunSpec, worker: number, value: number, total: number, text: string): void;
  done(spec: RunSpec, worker: number, seconds: number): void;
  stop(): void;
}

/** One overall bar and a line per busy worker on a terminal; plain lines otherwise. */
export function makeProgress(total: number, already: number, chatty: boolean, log: (s: string) => void): Progress {
  let finished = already;
  const width = String(total).length;
  if (!barsWanted(!chatty)) {
    return {
      start() {},
      update() {},
      done(spec, w, seconds) {
        finished++;
        log(`[${String(finished).padStart(width)}/${total}] ${spec.label} seed ${spec.config.seed} done in ${seconds.toFixed(1)}s (worker ${w + 1})`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar({
    stream: process.stderr, hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 24, etaBuffer: 8,
    barCompleteChar: '█', barIncompleteChar: '░', format: ' {name} |{bar}| {value}/{total} runs | ETA {eta_formatted}',
  }, cliProgress.Presets.shades_classic);
  const overall = multi.create(total, already, { name: 'all runs ' });
  // Ctrl-C: put the cursor back; finished runs are already stored for --resume.
  const onInt = () => { multi.stop(); process.stderr.write('interrupted: finished runs are kept; rerun with --resume\n'); process.exit(130); };
  process.once('SIGINT', onInt);
  const lines = new Map<number, cliProgress.SingleBar>();
  const workerName = (w: number) => `worker ${String(w + 1).padEnd(2)}`;
  const line = (w: number) => {
    let b = lines.get(w);
    if (!b) {
      b = multi.create(1, 0, { name: workerName(w), run: 'idle', text: '' },
        { format: ' {name} |{bar}| {run} {text}' });
      lines.set(w, b);
    }
    return b;
  };
  return {
    start(spec, w) { line(w).start(1, 0, { name: workerName(w), run: `${spec.label} seed ${spec.config.seed}`, text: '' }); },
    update(_spec, w, value, tot, text) { const b = line(w); b.setTotal(tot); b.update(value, { text }); },
    done(_spec, w) { finished++; overall.update(finished); line(w).update(0, { run: 'idle', text: '' }); },
    stop() { process.off('SIGINT', onInt); multi.stop(); },
  };
}

export async function compare(flags: CompareFlags): Promise<number> {
  const outcome = await runCompare(flags);
  const { outDir, plan, claims, ran, reused } = outcome;
  if (flags.json) {
    process.stdout.write(JSON.stringify({
      outDir, name: plan.name, runs: plan.runs.length, ran, reused, seeds: plan.seeds,
      files: ['results.csv', 'summary.csv', 'REPORT.md', 'index.html', 'plan.json', 'curves/'],
      claims: claims.map((c) => ({ id: c.id, verdict: c.verdict, claim: c.claim, evidence: c.evidence })),
    }) + '\n');
  } else {
    process.stdout.write(`\nclaims (PAPER.md §8):\n`);
    for (const c of claims) process.stdout.write(`  ${c.verdict.padEnd(13)} ${c.claim}\n`);
    process.stdout.write(`\nreport: ${join(outDir, 'REPORT.md')} (${ran} runs trained, ${reused} reused)\n`);
  }
  return 0;
}
