// The benchmark sets in the pre-flight and in a run's data identity, on the fixture archives of
// src/data/testing/benchsets/ (scripts/benchset-fixtures.py) placed in a DWGD_DATA_DIR made here:
// a study whose evaluation points read MNIST-C or CIFAR-10-C finds the files before any run (a
// missing set is one line naming it and its fetch command; --dry-run lists it;
// --only checks the sets of the runs it keeps), the files read follow the dataset's in the run's
// data identity (named in the release's layout, hashed here independently), the run id changes
// with their bytes, and a run without a benchmark axis keeps the id it had before. Every preset's
// pipeline: src/results/benchmark-preflight.test.ts.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runId } from '../config/identity.js';
import { parseOverride, validateExperiment } from '../config/load.js';
import type { DataIdentity } from '../data/identity.js';
import { forgetHashCache } from '../data/identity.js';
import { UserError } from '../errors.js';
import { dataLocator, runDataPaths } from './locate-data.js';
import { benchmarkNeed, parseOnly, parseStudyJson, planStudy, studyJson } from './plan.js';
import { BENCHSET_FIXTURES as FIX, benchsetDataDir, withDataDir } from './testing/benchsets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-benchpre-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => mkdtempSync(join(tmp, `d${n++}-`));

const dataDir = (sets: ('mnist-c' | 'cifar-10-c')[], unpack: boolean) => benchsetDataDir(tmp, sets, unpack);
const withData = withDataDir;

/** A stand-in identity for a dataset (the clean sets' real files are not needed here). */
const fakeIdentity = (d: { name: string; pool?: unknown }): DataIdentity => ({
  files: [{ name: `${d.name}.bin`, size: d.name.length, sha256: sha(`${d.name}/${(d.pool as string | undefined) ?? ''}`) }],
});

function studyFile(dir: string, body: string): string {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, body);
  return file;
}

const BASE = 'base: { dataset: { name: mnist, pool: paper }, hidden: [4], trainSize: 20, turns: 1, stepsPerTurn: 5, methods: [sgd], seed: 5 }';

function plan(file: string, extra: Partial<Parameters<typeof planStudy>[0]> = {}) {
  const located = dataLocator();
  return planStudy({ preset: 'compare', files: [file], identify: fakeIdentity, identifyBenchmark: located.identifyBenchmark, ...extra });
}

test('runs without a benchmark axis keep the ids the code before benchmark identities gave them', () => {
  // Computed with wave2's code (d6f6061) and this fakeIdentity: each config's run count, first id
  // and the first 16 hex digits of the sha-256 of its ids joined by spaces.
  const before: Record<string, [number, string, string]> = {
    'configs/paper/all.yaml': [30, 's5-e19c25d9a0', 'ea9115b7a40a21df'],
    'configs/quickstart.yaml': [1, 's5-e272e03dda', 'e3a022ae03277b55'],
    'configs/sweeps/mnist-test-noise.yaml': [20, 's5-403eb80a33', '89b6c4a0c92b8ae4'],
    'configs/robustness/mnist-suite.yaml': [3, 's5-1b58ba0596', 'e01a29b7c6b75b7c'],
    'configs/fair/images.yaml': [18, 's5-1c52b3658e', '98544033d8a6bce4'],
  };
  const never = () => assert.fail('no benchmark set is read by these runs');
  for (const [file, [count, first, digest]] of Object.entries(before)) {
    const ids = planStudy({ preset: 'compare', files: [join(ROOT, file)], identify: fakeIdentity, identifyBenchmark: never }).runs.map((r) => r.id);
    assert.deepEqual([ids.length, ids[0], sha(ids.join(' ')).slice(0, 16)], [count, first, digest], file);
  }
});

test('a benchmark run\'s data identity: the dataset\'s files, then each benchmark file it reads once, named in the release layout, in the set\'s order', async () => {
  const dir = await dataDir(['mnist-c', 'cifar-10-c'], true);
  const file = studyFile(dir, `${BASE}\nevaluate: { benchmark: [canny_edges, fog], severity: [0, 1] }\n`);
  const cifarFile = studyFile(dir, `${BASE.replace('{ name: mnist, pool: paper }', '{ name: cifar-10 }')}\nevaluate: { benchmark: [fog, gaussian_noise], severity: [0, 3] }\n`);
  await withData(dir, () => {
    const mnist = plan(file).runs[0];
    const bytes = (p: string) => readFileSync(join(dir, p));
    const entry = (name: string, p: string) => ({ name, size: bytes(p).length, sha256: sha(bytes(p)) });
    const mnistFiles = [
      entry('mnist_c/fog/test_images.npy', 'mnist-c/mnist_c/fog/test_images.npy'), entry('mnist_c/fog/test_labels.npy', 'mnist-c/mnist_c/fog/test_labels.npy'),
      entry('mnist_c/canny_edges/test_images.npy', 'mnist-c/mnist_c/canny_edges/test_images.npy'), entry('mnist_c/canny_edges/test_labels.npy', 'mnist-c/mnist_c/canny_edges/test_labels.npy'),
    ];
    assert.deepEqual(mnist.data, { files: [...fakeIdentity({ name: 'mnist', pool: 'paper' }).files, ...mnistFiles] });
    assert.equal(mnist.id, runId(mnist.config, mnist.data));
    assert.notEqual(mnist.id, runId(mnist.config, fakeIdentity({ name: 'mnist', pool: 'paper' })), 'not the id of the same training point without the benchmark');

    // CIFAR-10-C: its labels, shared by every corruption, once (after the first corruption read).
    const cifar = plan(cifarFile).runs[0];
    assert.deepEqual(cifar.data!.files.slice(1), [
      entry('CIFAR-10-C/gaussian_noise.npy', 'cifar-10-c/CIFAR-10-C/gaussian_noise.npy'), entry('CIFAR-10-C/labels.npy', 'cifar-10-c/CIFAR-10-C/labels.npy'),
      entry('CIFAR-10-C/fog.npy', 'cifar-10-c/CIFAR-10-C/fog.npy'),
    ]);
    assert.equal(cifar.id, runId(cifar.config, cifar.data));
  });
});

test('read from the archive in place: the archive is the one benchmark file; provenance paths follow the identity one for one', async () => {
  const dir = await dataDir(['mnist-c'], false);
  const file = studyFile(dir, `${BASE}\nevaluate: { benchmark: [fog, identity], severity: [1] }\n`);
  await withData(dir, () => {
    const located = dataLocator();
    const study = planStudy({ preset: 'compare', files: [file], identify: located.identify, identifyBenchmark: located.identifyBenchmark });
    const run = study.runs[0];
    const zip = readFileSync(join(FIX, 'mnist_c.zip'));
    const files = run.data!.files;
    assert.deepEqual(files.at(-1), { name: 'mnist_c.zip', size: zip.length, sha256: sha(zip) });
    assert.equal(files.filter((f) => f.name === 'mnist_c.zip').length, 1, 'the archive once for both corruptions');
    const where = runDataPaths(located, run.config)!;
    assert.equal(where.paths.length, files.length);
    assert.equal(where.paths.at(-1), join(dir, 'mnist-c', 'mnist_c.zip'));
    for (const [k, p] of where.paths.entries()) assert.equal(sha(readFileSync(p)), files[k].sha256, p);
  });
});

test('the run id changes when the bytes of a benchmark file it reads change; other runs keep theirs', async () => {
  const dir = await dataDir(['mnist-c'], true);
  const file = studyFile(dir, `${BASE}\ngrid: { trainSize: [20, 30] }\n`);
  const sets = ['benchmark=fog,identity', 'severity=0,1'].map(parseOverride);
  const fogSets = ['benchmark=fog', 'severity=0,1'].map(parseOverride);
  await withData(dir, () => {
    const plain = plan(file).runs.map((r) => r.id);
    const first = plan(file, { sets }).runs;
    const images = join(dir, 'mnist-c', 'mnist_c', 'fog', 'test_images.npy');
    const bytes = readFileSync(images);
    bytes[bytes.length - 1] ^= 1; // one pixel of the last image
    writeFileSync(images, bytes);
    utimesSync(images, new Date(), new Date(Date.now() + 5000));
    forgetHashCache();
    const second = plan(file, { sets }).runs;
    assert.equal(second.length, 2);
    for (let k = 0; k < 2; k++) {
      assert.notEqual(second[k].id, first[k].id);
      const changed = second[k].data!.files.filter((f, i) => f.sha256 !== first[k].data!.files[i].sha256);
      assert.deepEqual(changed, [{ name: 'mnist_c/fog/test_images.npy', size: bytes.length, sha256: sha(bytes) }]);
    }
    assert.deepEqual(plan(file).runs.map((r) => r.id), plain, 'no benchmark axis: the same ids');
    // A corruption not read (identity) changed: the run reading only fog keeps its id.
    const fogOnly = plan(file, { sets: fogSets }).runs[0].id;
    const other = join(dir, 'mnist-c', 'mnist_c', 'identity', 'test_images.npy');
    writeFileSync(other, Buffer.alloc(readFileSync(other).length, 0));
    forgetHashCache();
    assert.equal(plan(file, { sets: fogSets }).runs[0].id, fogOnly);
  });
});

test('benchmarkNeed: the corruptions at which the axis is active, in the set\'s order; none without an active point', () => {
  const config = (evaluate: Record<string, unknown>, dataset: Record<string, unknown> = { name: 'mnist', pool: 'paper' }) =>
    validateExperiment({ dataset, trainSize: 10, evaluate }, 't.yaml');
  assert.deepEqual(benchmarkNeed(config({ benchmark: ['zigzag', 'fog'], severity: [0, 1] })), { set: 'mnist-c', corruptions: ['fog', 'zigzag'], key: 'mnist-c:fog,zigzag' });
  assert.equal(benchmarkNeed(config({ benchmark: ['fog'], severity: [0] })), null, 'severity 0 only: the clean test');
  assert.equal(benchmarkNeed(config({ 'noise.sigma': [0, 0.1] })), null);
  assert.equal(benchmarkNeed(config({ benchmark: 'all', severity: [1] }))!.corruptions.length, 15);
  assert.deepEqual(benchmarkNeed(config({ benchmark: ['fog'], severity: [2] }, { name: 'cifar-10' })), { set: 'cifar-10-c', corruptions: ['fog'], key: 'cifar-10-c:fog' });
});

test('pre-flight: a missing set is one line naming it and its fetch command; a partly missing one names the corruptions not found; --dry-run lists it', async () => {
  const empty = fresh();
  const file = studyFile(empty, `${BASE}\nevaluate: { benchmark: [fog, zigzag], severity: [0, 1] }\n`);
  await withData(empty, () => {
    const err = (() => { try { plan(file); } catch (e) { return e; } return null; })();
    assert.ok(err instanceof UserError, `a UserError (exit code 2), got ${err}`);
    assert.match(err.message, new RegExp(`^mnist-c \\(evaluate\\.benchmark\\): data not found \\(looked for mnist_c/fog/test_images\\.npy, mnist_c/fog/test_labels\\.npy or mnist_c\\.zip in ${join(empty, 'mnist-c')}, .*\\); get it with \`node bin/dwgd\\.js datasets fetch mnist-c\`$`));
    const listed = plan(file, { missingOk: true });
    assert.deepEqual(listed.missing, [err.message]);
    assert.equal(listed.runs[0].data, null, 'not known: no identity');
  });
  // Only fog unpacked: zigzag is named.
  const partial = await dataDir(['mnist-c'], true);
  for (const c of ['identity', 'canny_edges']) rmSync(join(partial, 'mnist-c', 'mnist_c', c), { recursive: true });
  await withData(partial, () => {
    assert.throws(() => plan(file), (e: unknown) => e instanceof UserError && /^mnist-c \(evaluate\.benchmark: zigzag\): data not found \(looked for mnist_c\/zigzag\/test_images\.npy/.test(e.message) && !e.message.includes('\n'));
  });
});

test('pre-flight with --only: only the sets of the runs kept are looked for', async () => {
  const dir = await dataDir(['cifar-10-c'], false);
  const file = studyFile(dir, `${BASE}\ngrid: { dataset.name: [mnist, cifar-10] }\nevaluate: { benchmark: [fog], severity: [0, 1] }\n`);
  await withData(dir, () => {
    assert.throws(() => plan(file), (e: unknown) => e instanceof UserError && /^mnist-c \(evaluate\.benchmark\): data not found .*datasets fetch mnist-c`$/.test(e.message));
    const kept = plan(file, { only: [parseOnly('dataset=cifar-10')] });
    assert.deepEqual(kept.runs.map((r) => r.data!.files.at(-1)!.name), ['CIFAR-10-C.tar']);
  });
});

test('study.json keeps the benchmark identities (report rebuilds the same ids); a study without one has no such key', async () => {
  const dir = await dataDir(['mnist-c'], false);
  const file = studyFile(dir, `${BASE}\nevaluate: { benchmark: [fog], severity: [0, 1] }\n`);
  const plainFile = studyFile(dir, `${BASE}\n`);
  await withData(dir, () => {
    const { missing: _m, ...study } = plan(file);
    const text = studyJson(study);
    assert.deepEqual(Object.keys(JSON.parse(text).benchmarks), ['mnist-c:fog']);
    assert.deepEqual(parseStudyJson(text, 'study.json').runs.map((r) => r.id), study.runs.map((r) => r.id));
    const { benchmarks: _b, ...older } = JSON.parse(text);
    assert.throws(() => parseStudyJson(JSON.stringify(older), 'study.json'), (e: unknown) => e instanceof UserError && /no identity for the benchmark files it reads \(mnist-c:fog\)/.test(e.message));
    const { missing: _p, ...plainStudy } = plan(plainFile);
    assert.equal('benchmarks' in JSON.parse(studyJson(plainStudy)), false);
  });
});
