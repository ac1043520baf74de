// Where a run's numbers come from. Two parts, kept apart on purpose:
// - `CodeIdentity` (in run.json): dwgd's version and a fingerprint of the code that this run
//   executes to turn its data files into numbers. Equal fingerprints mean the same arithmetic
//   for that run; --resume and `dwgd report` compare a stored run with the fingerprint of its
//   own config.
// - `Provenance` (in provenance.json, beside run.json): the machine, the time, the command line,
//   the git commit and where the data were found. It changes from machine to machine and from
//   minute to minute, so nothing compared for determinism or derived into a report reads it.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { parse } from 'acorn';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_MODULES, ENGINE_NAMES, engineFor, type EngineName } from '../core/model-factory.js';
import { makeRule, RULE_MODULES, ruleFor } from '../core/rules/index.js';
import { DATASET_MODULES } from '../data/index.js';
import { axesUsed, EVAL_AXIS_MODULES, evaluateProducts, type EvaluateSpec } from '../data/eval-axes/index.js';

/** The compiled tree (dist/src) this module runs from, and the project root above it. */
const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT_ROOT = resolve(SRC_DIR, '..', '..');

/**
 * Where training and evaluation start: one run of docs/METHOD.md §7 (run.ts). What it imports
 * (evaluation, divergence and collapse, data preparation, the network, the registries) is
 * found by following its imports.
 */
const RUN_ENTRY = new URL('./run.js', import.meta.url).href;

/**
 * The registries: each imports all its members (every rule, engine, dataset adapter or
 * evaluation axis). The walk does not follow those imports; it adds the members a run uses instead.
 */
const REGISTRIES = [RULE_MODULES, ENGINE_MODULES, DATASET_MODULES, EVAL_AXIS_MODULES];

export interface CodeIdentity {
  version: string;
  /**
   * sha-256 (first 16 hex digits) over the version and the syntax trees of the compiled
   * modules a run executes (codeModules): comments and layout do not count, any change to
   * that code does; a change to code the run does not execute does not.
   */
  fingerprint: string;
}

/** What decides which code a run executes: its engine, its methods, its dataset and its evaluation axes (a part of ExperimentConfig). */
export interface CodeScope {
  engine: string;
  /** Method entries of a config: string ids, or objects naming a registry rule (config/methods.ts). */
  methods: readonly (string | { rule: string; params?: Readonly<Record<string, number>> })[];
  dataset: { name: string };
  /**
   * The config's evaluation axes (key → values): the run uses these and every axis that is not
   * optional (axesUsed); absent, only the latter (the paper's noisy test). A list of products:
   * the axes of any of them.
   */
  evaluate?: EvaluateSpec<readonly unknown[]>;
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

/**
 * The part of a config that decides which code runs, as one string: runs with the same scope
 * execute the same modules, so code that made them alike gives them one fingerprint.
 */
export function codeScope(run: CodeScope): string {
  return JSON.stringify([run.engine, run.methods.map((m) => (typeof m === 'string' ? m : m.rule)).sort(), run.dataset.name, scopeAxes(run)]);
}

/** The keys of the evaluation axes a run uses (axesUsed), its `evaluate` checked against the registry. */
function scopeAxes(run: CodeScope): string[] {
  const unknown = evaluateProducts(run.evaluate).flatMap((e) => Object.keys(e)).find((key) => !(key in EVAL_AXIS_MODULES.members));
  if (unknown !== undefined) throw new Error(`code fingerprint: unknown evaluation axis '${unknown}'`);
  return axesUsed(run);
}

/** A module URL of this tree as a path relative to its root, with `/`. */
function treePath(url: string): string {
  const rel = relative(SRC_DIR, fileURLToPath(url)).split(sep).join('/');
  if (rel.startsWith('../') || rel === '..') throw new Error(`code fingerprint: ${url} is outside the compiled tree ${SRC_DIR}`);
  return rel;
}

/** Where the walk starts for a run: the protocol, its methods' rules, the engines they run on, its dataset's adapter, its evaluation axes. */
function scopeEntries(run: CodeScope): string[] {
  if (!(ENGINE_NAMES as readonly string[]).includes(run.engine)) throw new Error(`code fingerprint: unknown engine '${run.engine}'`);
  const engine = run.engine as EngineName;
  const entries = [RUN_ENTRY];
  for (const m of run.methods) {
    const rule = typeof m === 'string' ? ruleFor(m) : makeRule(m.rule, m.params);
    if ('error' in rule) throw new Error(`code fingerprint: ${rule.error}`);
    entries.push(rule.module, ENGINE_MODULES.members[engineFor(rule, engine)]);
  }
  const dataset = DATASET_MODULES.members[run.dataset.name];
  if (dataset === undefined) throw new Error(`code fingerprint: unknown dataset '${run.dataset.name}'`);
  entries.push(dataset);
  for (const key of scopeAxes(run)) {
    const axis = EVAL_AXIS_MODULES.members[key];
    if (typeof axis !== 'string') throw new Error(`code fingerprint: the evaluation axis '${key}' names no module (give it module: import.meta.url)`);
    entries.push(axis);
  }
  return entries.map(treePath);
}

/** A compiled module's syntax tree as text (codeTokens) and the relative modules it imports. */
interface ModuleCode {
  tokens: string;
  imports: string[];
}

/** By registry module: the member modules it imports, which the walk does not follow from it. */
const MEMBER_EDGES = new Map<string, Set<string>>(REGISTRIES.map((r) => [treePath(r.registry), new Set(Object.values(r.members).map(treePath))]));

/**
 * The compiled modules a run of `run` executes, as paths relative to the tree root, sorted:
 * everything reachable from run.js, its rules, their engines, its dataset's adapter and its
 * evaluation axes through
 * relative `import`/`export … from` (and `import('…')` of a literal), except a registry's
 * imports of its members. `srcDir` is the compiled tree to read (default: the one running).
 */
export function codeModules(run: CodeScope, srcDir: string = SRC_DIR): string[] {
  return [...walk(run, srcDir).keys()].sort();
}

function walk(run: CodeScope, srcDir: string): Map<string, ModuleCode> {
  const seen = new Map<string, ModuleCode>();
  const todo = scopeEntries(run);
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const code = moduleCode(srcDir, file);
    seen.set(file, code);
    const members = MEMBER_EDGES.get(file);
    for (const spec of code.imports) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (target.startsWith('../')) throw new Error(`code fingerprint: ${file} imports ${spec}, outside the compiled tree`);
      if (!members?.has(target)) todo.push(target);
    }
  }
  return seen;
}

/** Parsed modules by absolute path, with the text they were parsed from (reused while it is unchanged). */
const parsed = new Map<string, { text: string; code: ModuleCode }>();

function moduleCode(srcDir: string, file: string): ModuleCode {
  const abs = join(srcDir, file);
  if (!existsSync(abs)) throw new Error(`code fingerprint: ${abs} is missing (run \`npm run build\`)`);
  const text = readFileSync(abs, 'utf8');
  const cached = parsed.get(abs);
  if (cached?.text === text) return cached.code;
  const code = parseModule(text);
  parsed.set(abs, { text, code });
  return code;
}

const codes = new Map<string, CodeIdentity>();

/**
 * dwgd's version and the fingerprint of the code a run of this config executes (codeModules).
 * Cached per scope (engine, methods in any order, dataset name, evaluation axes) for the running tree; another
 * tree (`srcDir`, for tests) is read afresh on every call.
 */
export function codeIdentity(run: CodeScope, srcDir: string = SRC_DIR): CodeIdentity {
  const key = codeScope(run);
  const cached = srcDir === SRC_DIR ? codes.get(key) : undefined;
  if (cached) return cached;
  const modules = walk(run, srcDir);
  const hash = createHash('sha256').update(`dwgd ${dwgdVersion()}\n`);
  for (const file of [...modules.keys()].sort()) {
    hash.update(file + '\n');
    hash.update(modules.get(file)!.tokens + '\n');
  }
  const code = { version: dwgdVersion(), fingerprint: hash.digest('hex').slice(0, 16) };
  if (srcDir === SRC_DIR) codes.set(key, code);
  return code;
}

/** Nodes whose `source` names another module. */
const IMPORTING = new Set(['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression']);

function parseModule(source: string): ModuleCode {
  const imports: string[] = [];
  const tree = parse(source, { ecmaVersion: 'latest', sourceType: 'module' });
  const tokens = JSON.stringify(tree, (key, value) => {
    if (key === 'start' || key === 'end' || key === 'loc' || key === 'range' || key === 'raw') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof RegExp) return String(value);
    if (value && typeof value === 'object' && IMPORTING.has(value.type)) {
      const from = value.source;
      if (from?.type === 'Literal' && typeof from.value === 'string' && (from.value.startsWith('./') || from.value.startsWith('../'))) imports.push(from.value);
    }
    return value;
  });
  return { tokens, imports };
}

/**
 * A module's code as its syntax tree (acorn), without positions or source spellings:
 * comments, layout, quote style, redundant parentheses, trailing commas and how a number is
 * written do not count (a formatter changes them); any change to what runs does.
 */
export function codeTokens(source: string): string {
  return parseModule(source).tokens;
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
