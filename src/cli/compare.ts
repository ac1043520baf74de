// `dwgd compare`: the study pipeline (results/study.ts) with the compare preset; renders
// progress bars or lines on stderr, the claims on stdout, or one JSON object with --json.

import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { RunSpec } from '../experiment/plan.js';
import type { PipelineHooks, Progress } from '../experiment/progress.js';
import { estimatedCost } from '../experiment/shard.js';
import type { CompareResult } from '../results/compare-reporter.js';
import { runStudyCommand, type StudyOutcome } from '../results/study.js';
import { conclusionLines, protocolGroups, verdictRows } from '../results/conclusions.js';
import { departuresText } from '../results/protocol.js';
import { printDryRun, printEmitted, printShardDone } from './scaleout.js';
import { studyOptions, type RawStudyFlags } from './study-options.js';
import { fetchProgress } from './datasets.js';
import { durationText, EtaEstimator } from './eta.js';
import { barsWanted, err } from './ui.js';

/** Dimmed notices and progress on stderr, unless quiet. */
export function pipelineHooks(quiet: boolean | undefined, workers = 1): PipelineHooks {
  const chatty = !quiet;
  const log = (line: string) => { if (chatty) process.stderr.write(line + '\n'); };
  return {
    log: (line) => log(err.dim(line)),
    progress: (total, already, todo) => makeProgress(total, already, chatty, log, todo, workers),
    fetching: () => fetchProgress(!chatty),
  };
}

/** The command line that continues an interrupted one: this one, with --resume once, each argument shell-quoted. */
export function resumeCommand(argv: string[] = process.argv): string {
  const args = argv.includes('--resume') ? argv : [...argv, '--resume'];
  return args.map(shellQuote).join(' ');
}

/** A word for a POSIX shell: as is when it holds only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One overall bar and a line per busy worker on a terminal; plain lines otherwise. */
export function makeProgress(total: number, already: number, chatty: boolean, log: (s: string) => void, todo: RunSpec[] = [], workers = 1): Progress {
  let finished = already;
  const width = String(total).length;
  // The overall ETA from the first line: the planner's cost of each run times a rate learned as runs go (eta.ts).
  const eta = new EtaEstimator(todo.reduce((a, s) => a + estimatedCost(s), 0), Math.max(1, Math.min(workers, todo.length)));
  const etaText = () => (finished >= total ? '0 s' : durationText(eta.remainingSeconds(Date.now())));
  // Ctrl-C (or a scheduler's SIGTERM): put the cursor back and say how to go on; finished runs are already stored.
  let bars: cliProgress.MultiBar | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    bars?.stop();
    process.stderr.write(`\ninterrupted: ${finished} finished run${finished === 1 ? ' is' : 's are'} kept; run the same command with --resume to continue where it stopped:\n  ${resumeCommand()}\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unhook = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };
  if (!barsWanted(!chatty)) {
    return {
      start(spec) { eta.start(spec.id, estimatedCost(spec), Date.now()); },
      update(spec, _w, value, tot) { eta.progress(spec.id, tot > 0 ? value / tot : 0); },
      done(spec, w, seconds) {
        finished++;
        eta.done(spec.id, seconds);
        log(`[${String(finished).padStart(width)}/${total}] ${spec.label} seed ${spec.config.seed} done in ${seconds.toFixed(1)}s (worker ${w + 1})` +
          (finished < total ? `; about ${etaText()} left` : ''));
      },
      stop: unhook,
    };
  }
  const multi = new cliProgress.MultiBar({
    stream: process.stderr, hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 24, etaBuffer: 8,
    barCompleteChar: '█', barIncompleteChar: '░', format: ' {name} |{bar}| {value}/{total} runs | ETA {eta_text}',
  }, cliProgress.Presets.shades_classic);
  bars = multi;
  const overall = multi.create(total, already, { name: 'all runs ', eta_text: etaText() });
  const lines = new Map<number, cliProgress.SingleBar>();
  // A worker evaluating after its training: the text its line shows, with the seconds since it began, ticked each second.
  const evaluatingSince = new Map<number, { points: number; since: number }>();
  const evalText = (e: { points: number; since: number }) => `evaluating ${e.points} point${e.points === 1 ? '' : 's'}… ${Math.floor((Date.now() - e.since) / 1000)} s`;
  const tick = setInterval(() => {
    for (const [w, e] of evaluatingSince) lines.get(w)?.update({ text: evalText(e) });
    overall.update({ eta_text: etaText() });
  }, 1000);
  tick.unref();
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
    start(spec, w) {
      eta.start(spec.id, estimatedCost(spec), Date.now());
      evaluatingSince.delete(w);
      line(w).start(1, 0, { name: workerName(w), run: `${spec.label} seed ${spec.config.seed}`, text: '' });
      overall.update({ eta_text: etaText() });
    },
    update(spec, w, value, tot, text) {
      eta.progress(spec.id, tot > 0 ? value / tot : 0);
      const b = line(w); b.setTotal(tot); b.update(value, { text });
    },
    evaluating(_spec, w, points) {
      const e = { points, since: Date.now() };
      evaluatingSince.set(w, e);
      line(w).update({ text: evalText(e) });
    },
    done(spec, w, seconds) {
      finished++;
      eta.done(spec.id, seconds);
      evaluatingSince.delete(w);
      overall.update(finished, { eta_text: etaText() });
      line(w).update(0, { run: 'idle', text: '' });
    },
    stop() { clearInterval(tick); unhook(); multi.stop(); },
  };
}

export async function compare(flags: RawStudyFlags): Promise<number> {
  const opts = studyOptions('compare', flags);
  const outcome = await runStudyCommand(opts, pipelineHooks(flags.quiet, opts.workers));
  const result = outcome.reports.compare as CompareResult | undefined;
  if (!outcome.reported || !result) return scaleOutSummary(flags, outcome, opts.workers);
  const { dir: outDir, study: plan, ran, reused } = outcome;
  const { agg, check } = result;
  if (flags.json) {
    process.stdout.write(JSON.stringify({
      outDir, name: plan.name, runs: plan.runs.length, ran, reused, seeds: plan.seeds,
      files: outcome.files,
      protocol: protocolGroups(agg).map((g) => ({ experiments: g.labels, departures: g.departures, text: departuresText(g.departures) })),
      families: agg.families,
      warnings: conclusionLines(agg),
      correction: agg.stats.correction,
      verdicts: verdictRows(agg),
      claims: check.claims.map((c) => ({
        id: c.id, claim: c.claim, verdict: c.verdict, evidence: c.evidence,
        comparisons: (check.families.get(c.id) ?? []).map((m) => ({
          experiment: m.e.experimentId, eval: m.kind, method: m.method, baseline: m.baseline, verdict: m.verdict,
          table: { method: m.comparison.method, baseline: m.comparison.baseline, verdict: m.comparison.judgement.verdict },
        })),
      })),
      notChecked: check.notChecked,
    }) + '\n');
  } else {
    process.stdout.write('\n');
    for (const line of conclusionLines(agg)) process.stdout.write(`${line}\n`);
    process.stdout.write('\nclaims (docs/METHOD.md §8):\n');
    for (const c of check.claims) process.stdout.write(`  ${c.verdict.padEnd(13)} ${c.claim}\n               ${c.evidence}\n`);
    if (check.notChecked.length) process.stdout.write(`  not checked: ${check.notChecked.map((c) => `${c.id} (${c.reason})`).join('; ')}\n`);
    process.stdout.write(`\nreport: ${join(outDir, 'REPORT.md')} (${ran} runs trained, ${reused} reused)\n`);
  }
  return 0;
}

/** The output of --dry-run, --emit and --shard (no report written). */
function scaleOutSummary(flags: RawStudyFlags, o: StudyOutcome, workers: number): number {
  const { study: plan, shard } = o;
  if (flags.dryRun) {
    printDryRun(o, workers, flags.json === true, {
      headline: `compare ${plan.name}: ${plan.runs.length} runs (${plan.experiments.length} experiments × ${plan.seeds} seed${plan.seeds === 1 ? '' : 's'})`,
    });
  } else if (flags.json) {
    process.stdout.write(JSON.stringify({
      outDir: o.dir, name: plan.name, runs: plan.runs.length, seeds: plan.seeds, shard: shard ? `${shard.k}/${shard.n}` : null,
      shardRuns: o.runs.length, ran: o.ran, reused: o.reused, reported: false, files: o.files,
    }) + '\n');
  } else if (flags.emit) printEmitted(o.dir, o.files);
  else printShardDone({ ...o, outDir: o.dir });
  return 0;
}
