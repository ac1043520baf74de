// Extending dwgd is one file and one registry entry (plus the import of that file) for each of:
// a learning rule, a dataset, an evaluation axis, a statistical check and a reporter. The test
// copies the compiled program, adds a toy of each exactly that way, and runs a sweep that uses
// all five through the CLI, as a user's fork would. Nothing else of the program is edited.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../experiment/testing/paths.js';
const tmp = mkdtempSync(join(tmpdir(), 'dwgd-extend-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Adds `line` after the line that matches `anchor` (once), and `importLine` at the top. */
function register(file: string, importLine: string, anchor: RegExp, line: string): void {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => anchor.test(l));
  assert.ok(at >= 0, `${file}: no line matching ${anchor}`);
  lines.splice(at + 1, 0, line);
  writeFileSync(file, `${importLine}\n${lines.join('\n')}`);
}

/** Adds `item` as the first element of the array literal on the line matching `anchor`. */
function registerInline(file: string, importLine: string, anchor: RegExp, item: string): void {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => anchor.test(l));
  assert.ok(at >= 0, `${file}: no line matching ${anchor}`);
  lines[at] = lines[at].replace(/= \[/, `= [${item}, `);
  writeFileSync(file, `${importLine}\n${lines.join('\n')}`);
}

test('a toy rule, dataset, evaluation axis, statistical check and reporter each register in one file plus one entry', () => {
  // The program as installed: the compiled tree, bin/, package.json, and its node_modules.
  cpSync(join(ROOT, 'dist', 'src'), join(tmp, 'dist', 'src'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(tmp, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(tmp, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'));
  const src = join(tmp, 'dist', 'src');

  // 1. A learning rule: SGD at half the step, on the reference engine (no kernel).
  writeFileSync(join(src, 'core', 'rules', 'half-sgd.js'), `import { sgdStep } from './sgd.js';
import { plainParams } from './rule.js';
export const halfSgd = { id: 'half-sgd', module: import.meta.url, init: () => null, update: (net, _s, lr) => sgdStep(net, lr / 2), params: (net) => plainParams(net) };
`);
  register(join(src, 'core', 'rules', 'index.js'), "import { halfSgd } from './half-sgd.js';", /^const RULES = \[$/, "  { name: 'half-sgd', summary: 'sgd at half the step', params: [], make: () => halfSgd },");

  // 2. A dataset: two classes of 4-pixel images, read from one small file the spec locates.
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 2;
    const px = [0, 1, 2, 3].map((p) => ((p < 2) === (c === 0) ? 0.7 + ((i * 7 + p * 3) % 10) / 40 : ((i * 3 + p) % 10) / 50));
    lines.push([...px, c].join(','));
  }
  writeFileSync(join(tmp, 'toy.csv'), lines.join('\n') + '\n');
  writeFileSync(join(src, 'data', 'toy.js'), `import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
export const toySpec = {
  name: 'toy', module: import.meta.url, title: 'Toy images', task: 'classification', kind: 'image', nInputs: 4, nOutputs: 2, poolSize: 120,
  poolText: '120 rows of toy.csv', choices: 'path', preparation: 'none', origin: 'made by a test', canonical: [],
  locate: (opts) => { const p = resolve(opts.path ?? 'toy.csv'); return { paths: [p], origin: { kind: 'path', location: p } }; },
  load(opts) {
    const rows = readFileSync(resolve(opts.path ?? 'toy.csv'), 'utf8').trim().split('\\n').map((l) => l.split(',').map(Number));
    const x = new Float32Array(rows.length * 4), y = new Float32Array(rows.length);
    rows.forEach((r, i) => { x.set(r.slice(0, 4), i * 4); y[i] = r[4]; });
    return { name: 'toy', kind: 'image', task: 'classification', size: rows.length, nInputs: 4, nOutputs: 2, x, y,
      origin: { kind: 'path', location: resolve(opts.path ?? 'toy.csv') }, description: 'toy images' };
  },
};
`);
  registerInline(join(src, 'data', 'index.js'), "import { toySpec } from './toy.js';", /^export const DATASET_SPECS = \[/, 'toySpec');

  // 3. An evaluation axis: each pixel flipped (v → 1 − v) with probability p.
  writeFileSync(join(src, 'data', 'eval-axes', 'flip.js'), `export const flipAxis = {
  key: 'flip.fraction', module: import.meta.url, title: 'share of pixels flipped at test', identity: 0, max: 1, stream: 'flip',
  prepare: (n) => (row, p, rng) => { for (let i = 0; i < n; i++) if (rng.uniform() < p) row[i] = 1 - row[i]; },
};
`);
  registerInline(join(src, 'data', 'eval-axes', 'index.js'), "import { flipAxis } from './flip.js';", /^export const EVAL_AXES = \[/, 'flipAxis');

  // 4. A statistical check: the two-sided sign test on the paired differences.
  writeFileSync(join(src, 'results', 'sign-test.js'), `export const signTest = {
  id: 'signtest', title: 'sign test',
  test(d) {
    const n = d.filter((x) => x !== 0).length, k = d.filter((x) => x > 0).length;
    let tail = 0, c = 1;
    for (let i = 0; i <= n; i++) { if (Math.min(i, n - i) <= Math.min(k, n - k)) tail += c; c = (c * (n - i)) / (i + 1); }
    return { p: n ? Math.min(1, tail / 2 ** n) : 1, minP: n ? Math.min(1, 2 / 2 ** n) : 1, exact: true };
  },
};
`);
  registerInline(join(src, 'results', 'stat-checks.js'), "import { signTest } from './sign-test.js';", /^export const STAT_CHECKS = \[/, 'signTest');

  // 5. A reporter: one line per method with its mean clean accuracy, read from the table's views.
  writeFileSync(join(src, 'results', 'means-reporter.js'), `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
export const meansReporter = {
  id: 'means', presets: ['sweep'],
  async write({ dir, views }) {
    const methods = views[0].config.methods;
    const text = methods.map((m) => m + ' ' + (views.reduce((s, v) => s + v.record.methods[m].clean, 0) / views.length)).join('\\n') + '\\n';
    writeFileSync(join(dir, 'means.txt'), text);
    return { files: ['means.txt'], result: text };
  },
};
`);
  registerInline(join(src, 'results', 'reporters.js'), "import { meansReporter } from './means-reporter.js';", /^const REPORTERS = \[/, 'meansReporter');

  // A sweep that uses all five.
  writeFileSync(join(tmp, 'toy.yaml'), `name: toy
seeds: 3
base:
  dataset: { name: toy, path: toy.csv }
  hidden: [4]
  trainSize: 40
  turns: 2
  stepsPerTurn: 300
  lr: 0.05
  methods: [half-sgd, sgd]
grid:
  trainSize: [20, 40]
evaluate:
  flip.fraction: [0, 0.3]
`);
  const r = spawnSync(process.execPath, [join(tmp, 'bin', 'dwgd.js'), 'sweep', '--config', 'toy.yaml', '--workers', '1', '--out', 'out', '--json'],
    { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const outcome = JSON.parse(r.stdout) as { files: string[]; ran: number };
  assert.equal(outcome.ran, 2 * 3, 'two training points × three seeds; the flip axis adds no runs');
  const dir = join(tmp, 'out', 'sweeps', 'toy');
  // The rule trained, on the dataset, and every model was scored at every flip value.
  const table = readFileSync(join(dir, 'table.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const head = table[0];
  for (const col of ['eval.flip.fraction', 'eval.noise.sigma', 'dataset.name']) assert.ok(head.includes(col), `table.csv has ${col}`);
  const rows = table.slice(1);
  const at = (row: string[], c: string) => row[head.indexOf(c)];
  assert.ok(rows.some((x) => at(x, 'method') === 'half-sgd' && at(x, 'eval.flip.fraction') === '0.3' && at(x, 'metric') === 'accuracy'));
  assert.ok(rows.every((x) => at(x, 'dataset.name') === 'toy'));
  // Half the step is not the same rule: their training losses differ.
  const loss = (m: string) => rows.filter((x) => at(x, 'method') === m && at(x, 'turn') === '1' && at(x, 'metric') === 'train_loss').map((x) => at(x, 'value'));
  assert.equal(loss('half-sgd').length, 6);
  assert.ok(loss('half-sgd').every((v, i) => v !== loss('sgd')[i]));
  // The check has its columns in summary.csv; the reporter wrote its file and is listed.
  const summaryHead = readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[0].split(',');
  assert.ok(summaryHead.includes('p_signtest') && summaryHead.includes('p_signtest_adjusted'));
  assert.ok(outcome.files.includes('means.txt') && existsSync(join(dir, 'means.txt')));
  assert.match(readFileSync(join(dir, 'means.txt'), 'utf8'), /^half-sgd (0\.\d+|1)\nsgd (0\.\d+|1)\n$/);
  // The sweep report plots against the flip axis, titled in words.
  assert.match(readFileSync(join(dir, 'REPORT.md'), 'utf8'), /`flip\.fraction` ∈ \{0, 0\.3\} \(evaluation only\)/);
});
