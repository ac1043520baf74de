// Config errors (issue 12): unknown keys with a did-you-mean, non-finite and out-of-range
// numbers, the YAML parser's position, grid files given to `train`, names from file names,
// and the documented size limits, each one line naming the file and the key.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../errors.js';
import { buildPlan, loadExperiment as loadSpec, readGridSource } from './plan.js';
import { checkRunLimits, estimateRunBytes, LIMITS } from '../config/limits.js';
import { validateExperiment } from '../config/load.js';
import { closest, editDistance } from '../config/suggest.js';

const loadExperiment = (f: string) => loadSpec(f).config;

const dir = mkdtempSync(join(tmpdir(), 'dwgd-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The UserError message of loading `text` as a config; fails if it loads. */
function loadError(text: string, name = 'c.yaml'): string {
  const p = file(name, text);
  try {
    loadExperiment(p);
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail(`loaded: ${text}`);
}

const OK = 'dataset: {name: mnist}\ntrainSize: 10\n';

test('edit distance: hand-worked values (kitten/sitting 3, one transposition 1, case ignored)', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('stepsPerTrun', 'stepsPerTurn'), 1);
  assert.equal(editDistance('trainsize', 'trainSize'), 0);
  assert.equal(closest('zzzzzz', ['trainSize', 'turns']), null);
});

test('an unknown key is named with a did-you-mean, together with the keys it left missing', () => {
  const m = loadError('trainsize: 10\n');
  assert.match(m, /trainsize: unknown key \(did you mean trainSize\?\)/);
  assert.match(m, /trainSize: missing/);
  assert.match(m, /dataset: missing/);
  assert.match(loadError(OK + 'stepsPerTrun: 5\n'), /stepsPerTrun: unknown key \(did you mean stepsPerTurn\?\)/);
  assert.match(loadError('dataset: {name: mnist, targetscale: 2}\ntrainSize: 10\n'), /dataset\.targetscale: unknown key \(did you mean dataset\.targetScale\?\)/);
});

test('.nan, .inf and 1e999 are "not a finite number", never "got null"', () => {
  assert.match(loadError(OK + 'lr: .nan\n'), /lr: expected number, got \.nan \(not a finite number\)/);
  assert.match(loadError(OK + 'lr: .inf\n'), /lr: expected number, got \.inf \(not a finite number\)/);
  assert.match(loadError(OK + 'noise: {sigma: -.inf}\n'), /noise\.sigma: expected number, got -\.inf/);
  const m = loadError(OK + 'hidden: [1e999]\n');
  assert.match(m, /hidden\[0\]: expected number, got \.inf \(not a finite number\)/);
  assert.doesNotMatch(m, /null/);
});

test('finite numbers outside the documented ranges are config errors', () => {
  assert.match(loadError(OK + 'lr: 1e308\n'), new RegExp(`lr: expected a number ≤ ${LIMITS.lr}, got 1e\\+308`));
  assert.match(loadError('dataset: {name: wine-quality, targetScale: 1e308}\ntrainSize: 10\n'), /dataset\.targetScale: expected a number ≤ 1000/);
  assert.match(loadError(OK + 'noise: {sigma: 1e6}\n'), /noise\.sigma: expected a number ≤ 1000/);
  assert.match(loadError(OK + 'methods: [l2-1e300]\n'), /λ of l2-1e300 is above 1000/);
  assert.match(loadError(OK + 'seed: 1e15\n'), /seed: expected a number ≤/);
});

test('a YAML syntax error shows the parser message with line and column, not a trailing ":"', () => {
  const m = loadError('dataset: {name: mnist}\ntrainSize: 10\nx: b: c\n');
  assert.match(m, /malformed YAML: line 3, column 4: Nested mappings are not allowed in compact mappings$/);
});

test('a grid file given to train says it is one and names compare and sweep', () => {
  const m = loadError('name: g\nbase: {dataset: {name: mnist}, trainSize: 10}\ngrid: {trainSize: [10, 20]}\n');
  assert.match(m, /a study file .*`node bin\/dwgd\.js compare --config …` or `node bin\/dwgd\.js sweep --config …`/);
  assert.doesNotMatch(m, /dataset: missing/);
});

test('a name derived from the file name passes the same check as name: ("...yaml" → "..")', () => {
  assert.match(loadError(OK, '...yaml'), /file name gives the results folder name '\.\.'/);
  assert.match(loadError(OK, '.hidden.yaml'), /'\.hidden'/);
  const p = file('...yaml', `base: {dataset: {name: mnist}, trainSize: 10}\ngrid: {trainSize: [10]}\n`);
  assert.throws(() => readGridSource(p), /results folder name '\.\.'/);
  assert.equal(loadExperiment(file('...yaml', OK + 'name: fine\n')).name, 'fine');
});

test('limits: a config file above 1 MiB is refused before it is parsed', () => {
  const p = file('huge.yaml', `hidden: [${new Array(600_000).fill('1').join(', ')}]\n`);
  const t0 = Date.now();
  assert.throws(() => loadExperiment(p), /MiB is larger than the 1\.0 MiB a config may be/);
  assert.ok(Date.now() - t0 < 500, 'refused without parsing');
});

test('limits: steps, widths and list lengths', () => {
  assert.match(loadError(OK + 'stepsPerTurn: 1e15\n'), /stepsPerTurn: expected a number ≤ 1000000000/);
  assert.match(loadError(OK + 'turns: 100000\nstepsPerTurn: 1000000\n'), /turns × stepsPerTurn = 1\.00e\+11 steps/);
  assert.match(loadError(OK + `hidden: [${new Array(65).fill(1).join(',')}]\n`), /hidden: expected a list of at most 64/);
  assert.match(loadError(OK + `evaluate: {noise.sigma: [${Array.from({ length: 1001 }, (_, i) => i / 1000).join(',')}]}\n`), /evaluate\.noise\.sigma: expected a list of at most 1000/);
});

test('limits: the memory estimate refuses a huge network before allocation, unless allowed', () => {
  // 784-100000-10: 784·100000 + 100000 + 100000·10 + 10 parameters.
  const params = 784 * 100000 + 100000 + 100000 * 10 + 10;
  const config = validateExperiment({ dataset: { name: 'mnist' }, trainSize: 10, hidden: [20] }, 'x');
  const big = { ...config, hidden: [100000] };
  assert.equal(estimateRunBytes(big, 784, 10).params, params);
  assert.equal(estimateRunBytes(big, 784, 10).bytes, 4 * 60000 + 8 * params * 6);
  assert.throws(() => checkRunLimits(big, 'config x', false), /784-100000-10 network \(79,500,010 parameters\).*3\.6 GiB.*--allow-large/);
  assert.doesNotThrow(() => checkRunLimits(big, 'config x', true));
  assert.match(loadError(OK + 'hidden: [100000, 100000]\n'), /needs about 451 GiB/);
  assert.doesNotThrow(() => checkRunLimits(config, 'config x'), 'the paper network passes');
});

test('limits: a plan of too many seeds or runs is refused before it is expanded', () => {
  const p = file('one.yaml', OK);
  const t0 = Date.now();
  assert.throws(() => buildPlan([p], { seeds: 100_000_000 }), /100,000,000 seeds; at most 10,000/);
  const g = file('grid.yaml', `base: {dataset: {name: mnist}, trainSize: 10}\ngrid: {trainSize: [${Array.from({ length: 400 }, (_, i) => i + 1).join(',')}], lr: [${Array.from({ length: 300 }, (_, i) => (i + 1) / 1000).join(',')}]}\n`);
  assert.throws(() => buildPlan([g], { seeds: 1 }), /120,000 runs; at most 100,000/);
  assert.ok(Date.now() - t0 < 2000);
});

test('split: authors is refused, one line naming split and the file, where the authors\' pool is not the loaded one', () => {
  const m = loadError('dataset: {name: csv, path: t.csv, target: y, task: regression}\ntrainSize: 10\nsplit: authors\n', 'authors.yaml');
  assert.match(m, /^config .*authors\.yaml: split: authors: the authors' training lists exist for california-housing, wine-quality, mnist, fashion-mnist, cifar-10, not for csv$/);
  assert.match(loadError('dataset: {name: mnist, pool: train}\ntrainSize: 10\nsplit: authors\n'), /c\.yaml: split: authors: the authors' lists index the paper pool of mnist; dataset\.pool is "train"$/);
  assert.match(loadError('dataset: {name: wine-quality, variant: red}\ntrainSize: 10\nsplit: authors\n'), /split: authors: the authors' lists index the white wines; dataset\.variant is red$/);
  assert.match(loadError(OK + 'split: authors\nimbalance: {profile: step, ratio: 0.1}\n'), /c\.yaml: split: authors: the authors' lists are fixed, imbalance draws its own; use one of the two$/);
  assert.match(loadError(OK + 'split: numpy\n'), /c\.yaml: split: expected one of "authors", got "numpy"$/);
  assert.equal(loadExperiment(file('ok.yaml', OK + 'split: authors\n')).split, 'authors');
  assert.equal(loadExperiment(file('ok2.yaml', 'dataset: {name: cifar-10, pool: paper}\ntrainSize: 10\nsplit: authors\n')).split, 'authors');
  // A grid point that leaves the authors' pool is refused as well, before anything runs.
  const g = file('grid-authors.yaml', 'base: {dataset: {name: mnist}, trainSize: 10, split: authors}\ngrid: {dataset.pool: [paper, test]}\n');
  assert.throws(() => buildPlan([g], { seeds: 1 }), (e: unknown) => e instanceof UserError && !e.message.includes('\n')
    && /grid-authors\.yaml.*split: authors: the authors' lists index the paper pool of mnist; dataset\.pool is "test"/.test(e.message));
});
