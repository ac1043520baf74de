// The code fingerprint reads code, not prose: comments and layout leave it alone, a change to
// what runs moves it. And it reads the code a run executes: a change to a rule, an engine or a
// dataset adapter the run does not use leaves its fingerprint alone. The edits below are made
// in a copy of the compiled tree, and every expected value is recomputed, never written down.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENGINE_NAMES } from '../core/model-factory.js';
import { DATASET_NAMES } from '../data/index.js';
import { axesUsed, EVAL_AXES, EVAL_AXIS_MODULES, evalPoints, pointId } from '../data/eval-axes/index.js';
import { ExperimentSchema } from '../config/schema.js';
import { codeIdentity, codeModules, codeScope, codeTokens, type CodeScope } from './provenance.js';

const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const DWM_MNIST: CodeScope = { engine: 'fast', methods: ['dwm', 'sgd'], dataset: { name: 'mnist' } };
const L2_MNIST: CodeScope = { engine: 'fast', methods: ['dwm', 'l2-0.1'], dataset: { name: 'mnist' } };
const L2_HOUSING: CodeScope = { engine: 'reference', methods: ['sgd', 'l2-0.01'], dataset: { name: 'california-housing' } };
const FASHION: CodeScope = { engine: 'fast32', methods: ['dwm-stable'], dataset: { name: 'fashion-mnist' } };
const CSV: CodeScope = { engine: 'fast', methods: ['weight-decay-0.001'], dataset: { name: 'csv' } };
const RUNS = { DWM_MNIST, L2_MNIST, L2_HOUSING, FASHION, CSV };

// Runs along evaluation axes (the paper's runs above use only noise σ and, at its identity, the
// zeroed fraction): generated corruptions on images and on a table, an attack, a published benchmark.
const CORRUPT_MNIST: CodeScope = { ...DWM_MNIST, evaluate: { corruption: ['gaussian-blur', 'rotate'], severity: [1, 5] } };
const CORRUPT_HOUSING: CodeScope = { ...L2_HOUSING, evaluate: { corruption: ['missing-features'], severity: [2] } };
const ATTACK_MNIST: CodeScope = { ...DWM_MNIST, evaluate: { attack: ['pgd-linf'], eps: [0, 0.1] } };
const BENCH_MNIST: CodeScope = { ...DWM_MNIST, evaluate: { benchmark: ['fog'], severity: [1] } };
const AXIS_RUNS = { DWM_MNIST, L2_HOUSING, CORRUPT_MNIST, CORRUPT_HOUSING, ATTACK_MNIST, BENCH_MNIST };

/** A copy of the compiled tree (its .js files), made once and removed after the tests. */
let copy: string | null = null;
function copyTree(): string {
  if (copy === null) {
    copy = mkdtempSync(join(tmpdir(), 'dwgd-fp-'));
    cpSync(SRC_DIR, copy, { recursive: true, filter: (p) => !p.endsWith('.map') });
  }
  return copy;
}
after(() => {
  if (copy !== null) rmSync(copy, { recursive: true, force: true });
});

/** Which of `runs` change fingerprint when `edit` rewrites `files` in the copy of the compiled tree (restored afterwards). */
function changedBy(files: string[], edit: (text: string) => string, runs: Record<string, CodeScope> = RUNS): string[] {
  const dir = copyTree();
  const before = unedited(runs, dir);
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
  try {
    files.forEach((f, i) => writeFileSync(join(dir, f), edit(texts[i])));
    return Object.entries(runs).filter(([name, run]) => codeIdentity(run, dir).fingerprint !== before[name]).map(([name]) => name);
  } finally {
    files.forEach((f, i) => writeFileSync(join(dir, f), texts[i]));
  }
}

/** The fingerprints of `runs` in the unedited copy (computed once per set of runs: every edit is undone). */
const uneditedPrints = new WeakMap<object, Record<string, string>>();
function unedited(runs: Record<string, CodeScope>, dir: string): Record<string, string> {
  let prints = uneditedPrints.get(runs);
  if (!prints) {
    prints = Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, codeIdentity(run, dir).fingerprint]));
    uneditedPrints.set(runs, prints);
  }
  return prints;
}

/** Adds a statement to a compiled module: a change to what runs. */
const addCode = (file: string, runs: Record<string, CodeScope> = RUNS) => changedBy([file], (text) => `${text}\nglobalThis.__dwgdEdited = 1;\n`, runs);

/** The compiled modules of a folder of the tree, read from the disk (tests excluded), as tree paths. */
function modulesIn(folder: string): string[] {
  return readdirSync(join(SRC_DIR, folder)).filter((f) => f.endsWith('.js') && !f.endsWith('.test.js')).map((f) => `${folder}/${f}`);
}

test('codeTokens ignores comments, layout, quote style, number spelling, parentheses and trailing commas', () => {
  const a = "const x = 1.0; // one\n/* note */ let y = 's//t';\nconst r = /ab+c/g;\nf(a, b,);\nconst t = `a${x}b`;\nconst z = a?.b !== undefined && c;\n";
  const b = 'const x=1;\n\n\nlet y = "s//t";  const r = /ab+c/g\nf(\n  a,\n  b\n)\nconst t = `a${x}b`;\nconst z = (a?.b !== undefined) && c;';
  assert.equal(codeTokens(a), codeTokens(b));
});

test('codeTokens changes with the code: a value, an operator, a name, a regular expression', () => {
  const base = 'const x = a + 1; const r = /ab/g; f(1n);';
  for (const other of ['const x = a + 2; const r = /ab/g; f(1n);', 'const x = a - 1; const r = /ab/g; f(1n);', 'const x = b + 1; const r = /ab/g; f(1n);', 'const x = a + 1; const r = /ab/i; f(1n);', 'const x = a + 1; const r = /ab/g; f(2n);']) {
    assert.notEqual(codeTokens(other), codeTokens(base), other);
  }
  // Parentheses that change the order of operations do count.
  assert.notEqual(codeTokens('x = (a + 1) * 2;'), codeTokens('x = a + 1 * 2;'));
});

test('codeIdentity: the package version and a 16-hex-digit fingerprint, the same on every call and in any method order', () => {
  const c = codeIdentity(DWM_MNIST);
  assert.match(c.fingerprint, /^[0-9a-f]{16}$/);
  assert.equal(c.version, JSON.parse(readFileSync(join(SRC_DIR, '..', '..', 'package.json'), 'utf8')).version);
  assert.equal(codeIdentity(DWM_MNIST).fingerprint, c.fingerprint);
  assert.equal(codeIdentity({ ...DWM_MNIST, methods: ['sgd', 'dwm'] }).fingerprint, c.fingerprint);
  assert.equal(codeScope({ ...DWM_MNIST, methods: ['sgd', 'dwm'] }), codeScope(DWM_MNIST));
  assert.notEqual(codeIdentity(L2_MNIST).fingerprint, c.fingerprint);
});

test('codeIdentity of a copy of the compiled tree equals that of the tree running: paths are relative to its root', () => {
  for (const run of Object.values(RUNS)) assert.equal(codeIdentity(run, copyTree()).fingerprint, codeIdentity(run).fingerprint);
});

test('codeModules: the protocol, the run\'s rules, engine and dataset adapter with its decoder; no other rule, engine or adapter', () => {
  const mods = codeModules(DWM_MNIST);
  for (const m of ['experiment/run.js', 'experiment/evaluate.js', 'experiment/health.js', 'data/prepare.js', 'core/rules/dwm.js', 'core/rules/sgd.js',
    'core/fast/fast-model.js', 'core/fast/kernels-wasm.js', 'data/mnist.js', 'data/idx-images.js', 'data/formats/idx.js']) {
    assert.ok(mods.includes(m), m);
  }
  for (const m of ['core/rules/l2.js', 'core/rules/dwm-stable.js', 'core/model.js', 'data/fashion-mnist.js', 'data/index.js', 'data/formats/csv.js', 'core/testing/kernels-baseline-wasm.js']) {
    assert.ok(!mods.includes(m), m);
  }
  assert.deepEqual(mods, [...mods].sort());
  // l2 computes its data step with sgd's: a rule a used rule imports is covered.
  assert.ok(codeModules(L2_HOUSING).includes('core/rules/sgd.js') && codeModules({ ...L2_HOUSING, methods: ['l2-0.01'] }).includes('core/rules/sgd.js'));
  // The reference engine is the plain model, the fast ones the WebAssembly model.
  assert.ok(codeModules(L2_HOUSING).includes('core/model.js') && !codeModules(L2_HOUSING).includes('core/fast/fast-model.js'));
  // Every engine and every registered dataset is found through its registry: a run on it
  // reads its adapter and no other.
  const adapters = DATASET_NAMES.map((name) => codeModules({ ...DWM_MNIST, dataset: { name } }).filter((m) => /^data\/[^/]+\.js$/.test(m)));
  assert.equal(new Set(adapters.map((a) => a.join())).size, DATASET_NAMES.length);
  for (const engine of ENGINE_NAMES) assert.match(codeIdentity({ ...DWM_MNIST, engine }).fingerprint, /^[0-9a-f]{16}$/);
  assert.throws(() => codeIdentity({ ...DWM_MNIST, engine: 'turbo' }), /unknown engine 'turbo'/);
  assert.throws(() => codeIdentity({ ...DWM_MNIST, methods: ['adamw'] }), /unknown method 'adamw'/);
  assert.throws(() => codeIdentity({ ...DWM_MNIST, dataset: { name: 'imagenet' } }), /unknown dataset 'imagenet'/);
});

test('an edit of a rule moves the fingerprints of the runs that use it only (l2 → not dwm + sgd)', () => {
  assert.deepEqual(addCode('core/rules/l2.js'), ['L2_MNIST', 'L2_HOUSING']);
  assert.deepEqual(addCode('core/rules/dwm.js'), ['DWM_MNIST', 'L2_MNIST', 'FASHION'], 'dwm-stable imports dwm');
});

test('an edit of the idx image decoder moves the MNIST and Fashion-MNIST runs, not the tabular ones', () => {
  assert.deepEqual(addCode('data/idx-images.js'), ['DWM_MNIST', 'L2_MNIST', 'FASHION']);
  assert.deepEqual(addCode('data/formats/idx.js'), ['DWM_MNIST', 'L2_MNIST', 'FASHION']);
  assert.deepEqual(addCode('data/formats/csv.js'), ['L2_HOUSING', 'CSV']);
});

test('an edit of an engine moves the runs on it: the fast model, not the reference runs', () => {
  assert.deepEqual(addCode('core/fast/fast-model.js'), ['DWM_MNIST', 'L2_MNIST', 'FASHION', 'CSV']);
  assert.deepEqual(addCode('core/model.js'), ['L2_HOUSING']);
});

test('an edit of the protocol (divergence and collapse, evaluation, preparation) moves every run', () => {
  const all = Object.keys(RUNS);
  assert.deepEqual(addCode('experiment/health.js'), all);
  assert.deepEqual(addCode('experiment/evaluate.js'), all);
  assert.deepEqual(addCode('data/prepare.js'), all);
  assert.deepEqual(addCode('core/rules/index.js'), all, 'the registry parses the method ids');
});

test('edits of code no run executes, and comment-only edits of code every run executes, move nothing', () => {
  assert.deepEqual(addCode('results/report.js'), []);
  assert.deepEqual(addCode('core/testing/kernels-baseline-wasm.js'), []);
  assert.deepEqual(addCode('data/index.js'), []);
  // Corruptions, attacks and the benchmark sets' names: none of these runs evaluates along their axes.
  assert.deepEqual(changedBy(['data/corruptions/blur.js', 'data/corruptions/tabular.js', 'core/attacks.js', 'data/benchmark-names.js', 'data/eval-axes/corruption.js', 'data/eval-axes/attack.js'],
    (text) => `${text}\nglobalThis.__dwgdEdited = 1;\n`), []);
  const comments = (text: string) => `/* edited: a comment */\n${text.replace(/;\n/g, ';   // note\n\n')}// the end\n`;
  assert.deepEqual(changedBy(['experiment/health.js', 'experiment/run.js', 'core/rules/l2.js', 'data/idx-images.js', 'core/fast/fast-model.js'], comments), []);
});

test('codeModules of a run without evaluation axes (the paper\'s): the axes registry, noise σ and zeroing, no corruption, attack or benchmark code', () => {
  const corruptions = modulesIn('data/corruptions');
  assert.ok(corruptions.length >= 5 && corruptions.includes('data/corruptions/blur.js'), corruptions.join());
  const absent = [...corruptions, 'core/attacks.js', 'data/benchmark-names.js', 'data/eval-axes/attack.js', 'data/eval-axes/benchmark.js', 'data/eval-axes/corruption.js'];
  for (const run of Object.values(RUNS)) {
    const mods = codeModules(run);
    for (const m of ['data/eval-axes/index.js', 'data/eval-axes/noise.js', 'data/eval-axes/mask.js']) assert.ok(mods.includes(m), m);
    for (const m of absent) assert.ok(!mods.includes(m), m);
  }
  // The same with an evaluate that lists only the axes every run has anyway.
  assert.deepEqual(codeModules({ ...DWM_MNIST, evaluate: { 'noise.sigma': [0, 0.3], 'mask.fraction': [0.5] } }), codeModules(DWM_MNIST));
  assert.equal(codeIdentity({ ...DWM_MNIST, evaluate: { 'noise.sigma': [0.1] } }).fingerprint, codeIdentity(DWM_MNIST).fingerprint);
});

test('codeModules of runs along evaluation axes: each adds its axis module and what it imports, nothing of the others', () => {
  const base = codeModules(DWM_MNIST);
  const added = (run: CodeScope) => codeModules(run).filter((m) => !base.includes(m));
  const corruptions = modulesIn('data/corruptions');
  assert.deepEqual(added(CORRUPT_MNIST), ['data/eval-axes/corruption.js', 'data/eval-axes/subsample.js', ...corruptions].sort());
  assert.deepEqual(added(ATTACK_MNIST), ['core/attacks.js', 'data/eval-axes/attack.js', 'data/eval-axes/subsample.js']);
  // severity is defined beside corruption (corruption.ts): a benchmark run takes that module too.
  assert.deepEqual(added(BENCH_MNIST), ['data/benchmark-names.js', 'data/eval-axes/benchmark.js', 'data/eval-axes/corruption.js', 'data/eval-axes/subsample.js', ...corruptions].sort());
  assert.deepEqual(codeModules(CORRUPT_HOUSING).filter((m) => !codeModules(L2_HOUSING).includes(m)), ['data/eval-axes/corruption.js', 'data/eval-axes/subsample.js', ...corruptions].sort());
  // The scope is the axes listed, not their values or order.
  assert.equal(codeScope({ ...DWM_MNIST, evaluate: { severity: [2], corruption: ['fog'] } }), codeScope(CORRUPT_MNIST));
  assert.equal(codeIdentity({ ...DWM_MNIST, evaluate: { severity: [2], corruption: ['fog'] } }).fingerprint, codeIdentity(CORRUPT_MNIST).fingerprint);
  for (const run of [CORRUPT_MNIST, ATTACK_MNIST, BENCH_MNIST]) {
    assert.notEqual(codeScope(run), codeScope(DWM_MNIST));
    assert.notEqual(codeIdentity(run).fingerprint, codeIdentity(DWM_MNIST).fingerprint);
  }
  assert.throws(() => codeIdentity({ ...DWM_MNIST, evaluate: { blur: [1] } }), /unknown evaluation axis 'blur'/);
});

test('an edit of a corruption moves the runs scored on corruptions only; an attack, the attacks\' runs; the registry and noise σ, every run', () => {
  assert.deepEqual(addCode('data/corruptions/blur.js', AXIS_RUNS), ['CORRUPT_MNIST', 'CORRUPT_HOUSING', 'BENCH_MNIST']);
  assert.deepEqual(addCode('data/corruptions/tabular.js', AXIS_RUNS), ['CORRUPT_MNIST', 'CORRUPT_HOUSING', 'BENCH_MNIST']);
  assert.deepEqual(addCode('core/attacks.js', AXIS_RUNS), ['ATTACK_MNIST']);
  assert.deepEqual(addCode('data/eval-axes/attack.js', AXIS_RUNS), ['ATTACK_MNIST']);
  assert.deepEqual(addCode('data/eval-axes/subsample.js', AXIS_RUNS), ['CORRUPT_MNIST', 'CORRUPT_HOUSING', 'ATTACK_MNIST', 'BENCH_MNIST'], 'the subsample draw: runs scored on corruptions or attacks');
  assert.deepEqual(addCode('data/benchmark-names.js', AXIS_RUNS), ['BENCH_MNIST']);
  assert.deepEqual(addCode('data/benchmark-sets.js', AXIS_RUNS), [], 'the loaders are handed to a run, not imported');
  const all = Object.keys(AXIS_RUNS);
  assert.deepEqual(addCode('data/eval-axes/index.js', AXIS_RUNS), all);
  assert.deepEqual(addCode('data/eval-axes/noise.js', AXIS_RUNS), all);
  assert.deepEqual(addCode('data/eval-axes/mask.js', AXIS_RUNS), all);
});

test('every registered evaluation axis names the module that defines it, and a run listing it counts that module', async () => {
  const root = pathToFileURL(`${SRC_DIR}/`).href;
  for (const axis of EVAL_AXES) {
    const url = EVAL_AXIS_MODULES.members[axis.key];
    assert.equal(typeof url, 'string', axis.key);
    assert.ok(url.startsWith(root), `${axis.key}: ${url} is in the compiled tree`);
    // The module at that URL exports this very definition.
    const exported = Object.values(await import(url));
    assert.ok(exported.includes(axis), `${axis.key}: ${url} exports it`);
    const file = url.slice(root.length);
    assert.ok(codeModules({ ...DWM_MNIST, evaluate: { [axis.key]: [axis.identity] } }).includes(file), `${axis.key}: ${file} is counted`);
  }
  assert.deepEqual(Object.keys(EVAL_AXIS_MODULES.members), EVAL_AXES.map((a) => a.key));
  // Every module the registry imports is an axis module, so the walk skips no other code there.
  const registry = readFileSync(fileURLToPath(EVAL_AXIS_MODULES.registry), 'utf8');
  const imported = [...registry.matchAll(/^import .* from '\.\/([^']+)';$/gm)].map((m) => `data/eval-axes/${m[1]}`);
  const members = new Set(Object.values(EVAL_AXIS_MODULES.members).map((u) => u.slice(root.length)));
  assert.deepEqual(new Set(imported), members);
});

test('axesUsed: the axes a run\'s evaluation points name (every key of evalPoints), whatever the values', () => {
  const configs: Record<string, (number | string)[]>[] = [{}, { 'noise.sigma': [0, 0.5] }, { corruption: ['fog'], severity: [0, 3] }, { attack: ['fgsm', 'pgd-l2'], eps: [0.1] }, { benchmark: ['fog'], severity: [1] }, { 'mask.fraction': [0.2], attack: ['fgsm'], eps: [0] }];
  for (const evaluate of configs) {
    const keys = new Set(evalPoints({ noise: { sigma: 0.3 }, evaluate }).flatMap((p) => Object.keys(p)));
    assert.deepEqual(new Set(axesUsed({ evaluate })), keys, JSON.stringify(evaluate));
  }
  assert.deepEqual(axesUsed({}), axesUsed({ evaluate: {} }));
});

test('--resume never reuses the points of a run along other axes: a listed categorical axis is named in every point, and its identity cannot be listed', () => {
  // verifiedRun compares a stored run's fingerprint with the one of the spec's config; that is
  // sound because a run whose axes differ from the spec's has none of the spec's points (it is
  // trained again before fingerprints are compared).
  const plain = new Set(evalPoints({ noise: { sigma: 0.3 }, evaluate: { 'noise.sigma': [0, 0.3], 'mask.fraction': [0, 0.5] } }).map(pointId));
  for (const evaluate of <Record<string, (number | string)[]>[]>[{ corruption: ['gaussian-noise'], severity: [0, 1] }, { attack: ['fgsm'], eps: [0, 0.1] }, { benchmark: ['fog'], severity: [0, 1] }]) {
    const ids = evalPoints({ noise: { sigma: 0.3 }, evaluate }).map(pointId);
    assert.ok(ids.every((id) => !plain.has(id)), ids.join(' | '));
  }
  for (const axis of EVAL_AXES.filter((a) => a.kind === 'categorical')) {
    const evaluate = { [axis.key]: [axis.identity], severity: [1], eps: [0.1] };
    assert.equal(ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, evaluate }).success, false, `${axis.key}: ${axis.identity} refused`);
  }
});
