// Where a run's numbers come from. Two parts, kept apart on purpose:
// - `CodeIdentity` (in run.json): dwgd's version and a fingerprint of the code that turns a
//   loaded pool into numbers. Equal fingerprints mean the same arithmetic; --resume and
//   `dwgd report` mix only runs with equal fingerprints.
// - `Provenance` (in provenance.json, beside run.json): the machine, the time, the command line,
//   the git commit and where the data were found. It changes from machine to machine and from
//   minute to minute, so nothing compared for determinism or derived into a report reads it.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { parse } from 'acorn';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled tree (dist/src) this module runs from, and the project root above it. */
const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT_ROOT = resolve(SRC_DIR, '..', '..');

/**
 * The compiled modules whose code decides the numbers of a run once its pool is loaded: the
 * numeric core (reference and fast engines, the WebAssembly kernels inside the latter), the
 * protocol of one run, evaluation and data preparation (normalisation, split, noise).
 */
const NUMERIC_MODULES = ['core', 'experiment/run.js', 'experiment/evaluate.js', 'data/prepare.js'];

export interface CodeIdentity {
  version: string;
  /**
   * sha-256 (first 16 hex digits) over the version and the syntax trees of the compiled
   * numeric modules: comments and layout do not count, any change to the code does.
   */
  fingerprint: string;
}

export interface Provenance {
  dwgdVersion: string;
  /** The git commit of the checkout dwgd ran from, and whether it had uncommitted changes; null outside a checkout. */
  git: { commit: string; dirty: boolean } | null;
  node: string;
  platform: string;
  cpu: { model: string; cores: number };
  /** ISO 8601, UTC. */
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
  /** The command line that ran it. */
  command: string[];
  /** Where each data file was found on this machine (absolute paths, in run.json's data order). */
  dataPaths: string[];
  dataOrigin: { kind: string; location: string } | null;
  /** The worker thread that ran it (compare and sweep). */
  worker?: number;
}

let version: string | null = null;

export function dwgdVersion(): string {
  if (version === null) {
    try {
      version = String((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

function listModules(entry: string): string[] {
  const abs = join(SRC_DIR, entry);
  if (!existsSync(abs)) return [];
  if (entry.endsWith('.js')) return [abs];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') && !e.name.endsWith('.test.js')) out.push(p);
    }
  };
  walk(abs);
  return out;
}

let code: CodeIdentity | null = null;

export function codeIdentity(): CodeIdentity {
  if (code) return code;
  const hash = createHash('sha256').update(`dwgd ${dwgdVersion()}\n`);
  for (const file of NUMERIC_MODULES.flatMap(listModules)) {
    hash.update(relative(SRC_DIR, file).split('\\').join('/') + '\n');
    hash.update(codeTokens(readFileSync(file, 'utf8')) + '\n');
  }
  code = { version: dwgdVersion(), fingerprint: hash.digest('hex').slice(0, 16) };
  return code;
}

/**
 * A module's code as its syntax tree (acorn), without positions or source spellings:
 * comments, layout, quote style, redundant parentheses, trailing commas and how a number is
 * written do not count (a formatter changes them); any change to what runs does.
 */
export function codeTokens(source: string): string {
  const tree = parse(source, { ecmaVersion: 'latest', sourceType: 'module' });
  return JSON.stringify(tree, (key, value) => {
    if (key === 'start' || key === 'end' || key === 'loc' || key === 'range' || key === 'raw') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof RegExp) return String(value);
    return value;
  });
}

let gitInfo: Provenance['git'] | undefined;

export function gitState(): Provenance['git'] {
  if (gitInfo !== undefined) return gitInfo;
  gitInfo = null;
  if (existsSync(join(PROJECT_ROOT, '.git'))) {
    const head = spawnSync('git', ['-C', PROJECT_ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
    if (head.status === 0) {
      const status = spawnSync('git', ['-C', PROJECT_ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
      gitInfo = { commit: head.stdout.trim(), dirty: status.status !== 0 || status.stdout.trim() !== '' };
    }
  }
  return gitInfo;
}

export function provenance(o: {
  started: Date; ended: Date; dataPaths: string[]; dataOrigin: Provenance['dataOrigin']; worker?: number;
}): Provenance {
  const cpu = cpus();
  const p: Provenance = {
    dwgdVersion: dwgdVersion(),
    git: gitState(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: cpu[0]?.model?.trim() ?? 'unknown', cores: cpu.length },
    startedAt: o.started.toISOString(),
    endedAt: o.ended.toISOString(),
    wallSeconds: Math.round((o.ended.getTime() - o.started.getTime()) / 10) / 100,
    command: process.argv.slice(1),
    dataPaths: o.dataPaths,
    dataOrigin: o.dataOrigin,
  };
  if (o.worker !== undefined) p.worker = o.worker;
  return p;
}
