// `dwgd runs` (listing, --where, --sort, --columns, --json, --csv, --html in Chromium), `runs
// tag`/`note`, `runs show`, `runs diff` and `--print-config` as a user meets them, on run folders
// made by real (tiny) train runs; expected values read from their run.json files.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { tempFile } from '../experiment/testing/temp.js';
import { BIN, ROOT } from '../experiment/testing/paths.js';
import { CHROMIUM_SKIP, launchChromium } from '../experiment/testing/chromium.js';


function dwgd(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = `name: tiny
dataset: {name: mnist}
hidden: [6]
trainSize: 50
turns: 2
stepsPerTurn: 150
methods: [dwm, sgd]
`;

const { dir, file } = tempFile('tiny.yaml', CONFIG);
const results = join(dir, 'results');
for (const lr of ['0.001', '0.002']) {
  const r = dwgd(['train', '-c', file, '-o', results, '-q', '--set', `lr=${lr}`], dir);
  assert.equal(r.code, 0, r.stderr);
}
const trainIds = readdirSync(join(results, 'tiny')).sort();
// A compare/sweep run folder lives at <out>/compare/<name>/runs/<id>/: the index must find it there too.
cpSync(join(results, 'tiny', trainIds[0]), join(results, 'compare', 'grid', 'runs', trainIds[0]), { recursive: true });
const runJson = (id: string) => JSON.parse(readFileSync(join(results, 'tiny', id, 'run.json'), 'utf8')) as { config: { lr: number }; record: { methods: Record<string, { clean: number }> } };
const lrOf = (id: string) => runJson(id).config.lr;
const [idA, idB] = lrOf(trainIds[0]) === 0.001 ? trainIds : [trainIds[1], trainIds[0]];

interface JsonRow {
  run: string; method: string; dir: string; started: string; name: string; tags: string[]; note: string; metric: string; status: string;
  clean: number; noisy: number | null; loss: number; perTurn: number[]; trainLoss: number[]; config: Record<string, unknown>;
}
const listJson = (args: string[]) => {
  const r = dwgd(['runs', results, ...args, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { rows: JsonRow[]; differing: string[] };
};
const stored = (id: string) => JSON.parse(readFileSync(join(results, 'tiny', id, 'run.json'), 'utf8')) as {
  config: Record<string, unknown>; record: { methods: Record<string, { clean: number; perTurn: number[]; trainLoss: number[]; at: { value: number }[] }> };
};

test('runs --json: one row per run × method in train and compare layouts, each with the full resolved config, metrics and curves of its run.json', () => {
  const { rows, differing } = listJson([]);
  assert.equal(rows.length, 6, '3 run folders × 2 methods');
  assert.deepEqual(rows.map((x) => x.run).sort(), [trainIds[0], trainIds[0], trainIds[0], trainIds[0], trainIds[1], trainIds[1]].sort());
  assert.ok(rows.some((x) => x.dir.endsWith(join('compare', 'grid', 'runs', trainIds[0]))));
  assert.deepEqual(differing, ['lr'], 'only lr differs between the two training points');
  for (const x of rows) {
    const s = stored(x.run);
    assert.deepEqual(x.config, s.config);
    assert.equal(x.clean, s.record.methods[x.method].clean);
    assert.deepEqual(x.perTurn, s.record.methods[x.method].perTurn);
    assert.deepEqual(x.trainLoss, s.record.methods[x.method].trainLoss);
    assert.equal(x.noisy, s.record.methods[x.method].at[0].value, 'the paper\'s noisy test, the run\'s one evaluation point');
    assert.equal(x.loss, s.record.methods[x.method].trainLoss[1]);
    assert.match(x.started, /^\d{4}-\d\d-\d\dT\d\d:\d\d/);
  }
  const text = dwgd(['runs', results], dir);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'same in every row: name tiny · dataset mnist · hidden [6] · n 50 · seed 5 · turns 2 · stepsPerTurn 150');
  assert.match(lines[1], /^started \(UTC\) +run +method +lr +clean acc % +noisy acc %$/);
  const pct = (v: number) => (100 * v).toFixed(2);
  const b = stored(idB).record.methods.sgd;
  assert.match(text.stdout, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${idB}  sgd +0\\.002 +${pct(b.clean)} +${pct(b.at[0].value)}$`, 'm'));
  assert.equal(lines.at(-1), `6 models of 3 runs under ${results}`);
});

test('runs --where, --sort, --columns: the rows and order the run.json numbers give; a bad filter is one line, exit 2', () => {
  const { rows } = listJson(['--where', 'lr=0.002 and method=sgd']);
  assert.deepEqual(rows.map((x) => [x.run, x.method]), [[idB, 'sgd']]);
  const all = listJson([]).rows;
  const want = [...all].sort((x, y) => y.clean - x.clean).map((x) => `${x.run} ${x.method} ${(100 * x.clean).toFixed(2)}`);
  const sorted = dwgd(['runs', results, '--sort', '-clean', '--columns', 'run,method,clean'], dir);
  assert.equal(sorted.code, 0, sorted.stderr);
  const body = sorted.stdout.trimEnd().split('\n').slice(2, -1).map((l) => l.trim().split(/ +/).join(' '));
  // Ties (the copied run) may come in either folder's order; the values in sequence must match.
  assert.deepEqual(body.map((l) => l.split(' ')[2]), want.map((l) => l.split(' ')[2]));
  assert.deepEqual(body.map((l) => l.split(' ').slice(0, 2).join(' ')).sort(), want.map((l) => l.split(' ').slice(0, 2).join(' ')).sort());
  const bad = dwgd(['runs', results, '--where', "method=dwm and (lr<0.002"], dir);
  assert.deepEqual([bad.code, bad.stdout], [2, '']);
  assert.equal(bad.stderr, "error: --where 'method=dwm and (lr<0.002': expected ')' at the end to close the '(' at character 16, found nothing\n");
  const typo = dwgd(['runs', results, '--sort', 'clen'], dir);
  assert.deepEqual([typo.code, typo.stderr], [2, "error: --sort 'clen': unknown key 'clen' (did you mean clean?)\n"]);
  const two = dwgd(['runs', results, '--json', '--csv'], dir);
  assert.deepEqual([two.code, two.stderr], [2, 'error: --json and --csv: give one of them\n']);
});

test('runs tag and note: stored beside the run, listed, filtered, and kept when the run is trained again', () => {
  const t = dwgd(['runs', 'tag', join(results, 'tiny', idB), 'high-lr', 'good', '--dir', results], dir);
  assert.deepEqual([t.code, t.stdout], [0, `${idB}: tags high-lr, good\n`]);
  const n = dwgd(['runs', 'note', join(results, 'tiny', idB), 'lr too high? compare with 0.001', '--dir', results], dir);
  assert.deepEqual([n.code, n.stdout], [0, `${idB}: note set\n`]);
  const before = readFileSync(join(results, 'tiny', idB, 'run.json'), 'utf8');
  assert.ok(!before.includes('high-lr'), 'never inside run.json');
  // Trained again: the run folder is replaced, its annotations carried over.
  const again = dwgd(['train', '-c', file, '-o', results, '-q', '--set', 'lr=0.002'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(results, 'tiny', idB, 'run.json'), 'utf8'), before, 'the same numbers');
  const tagged = listJson(['--tag', 'good']).rows;
  assert.deepEqual(tagged.map((x) => [x.run, x.method, x.tags, x.note]), [[idB, 'dwm', ['high-lr', 'good'], 'lr too high? compare with 0.001'], [idB, 'sgd', ['high-lr', 'good'], 'lr too high? compare with 0.001']]);
  assert.deepEqual(listJson(['--where', 'tag!=good and lr=0.002']).rows, []);
  const show = dwgd(['runs', 'show', join(results, 'tiny', idB)], dir);
  assert.match(show.stdout, /^ {2}tags {6}high-lr, good$/m);
  assert.match(show.stdout, /^ {2}note {6}lr too high\? compare with 0\.001$/m);
  const bad = dwgd(['runs', 'tag', join(results, 'tiny', idB), 'no way'], dir);
  assert.deepEqual([bad.code, bad.stderr], [2, "error: tag 'no way': a tag is a letter or digit, then letters, digits and . _ - : + / (at most 64 characters)\n"]);
  const removed = dwgd(['runs', 'tag', join(results, 'tiny', idB), 'good', '--remove'], dir);
  assert.equal(removed.stdout, `${idB}: tags high-lr\n`);
  const csv = dwgd(['runs', results, '--csv', '--where', 'tag=high-lr'], dir);
  const lines = csv.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3, 'a header and two models');
  assert.ok(lines[0].startsWith('run,method,started,name,tags,note,metric,status,status_reason,clean,noisy,loss,per_turn,train_loss,dir,'));
  assert.ok(lines[1].startsWith(`${idB},dwm,`) && lines[1].includes(',high-lr,lr too high? compare with 0.001,accuracy,ok,,'));
});

test('runs --html: one self-contained page; in Chromium a click sorts, a typed filter filters, two ticked runs draw both curves', {
  skip: CHROMIUM_SKIP,
  timeout: 120_000,
}, async () => {
  const page = join(dir, 'browser', 'runs.html');
  const w = dwgd(['runs', results, '--html', page], dir);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, `wrote ${page} (6 models of 3 runs)\n`);
  const html = readFileSync(page, 'utf8');
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing loaded from elsewhere');
  const rowsJson = listJson([]).rows;

  const context = await launchChromium();
  try {
    const tab = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    tab.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    tab.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(page).href;
    await tab.goto(url, { waitUntil: 'load' });
    const shown = () => tab.locator('#runs tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-run')} ${tr.getAttribute('data-method')}`));
    const column = (key: string) => tab.locator('#runs thead th').evaluateAll((ths, k) => ths.findIndex((th) => th.getAttribute('data-key') === k), key);
    assert.equal((await shown()).length, 6);

    // Sort: a click on the clean heading orders the rows by their clean metric, a second click the other way.
    const cleanCol = await column('clean');
    const cleanCells = () => tab.locator('#runs tbody tr').evaluateAll((trs, c) => trs.map((tr) => tr.children[c].textContent), cleanCol);
    const ascending = [...rowsJson].sort((x, y) => x.clean - y.clean).map((x) => (100 * x.clean).toFixed(2));
    await tab.click('th[data-key="clean"]');
    assert.deepEqual(await cleanCells(), ascending);
    assert.equal(await tab.getAttribute('th[data-key="clean"]', 'aria-sort'), 'ascending');
    await tab.click('th[data-key="clean"]');
    assert.deepEqual(await cleanCells(), [...ascending].reverse());

    // Filter: the --where language; a bad filter says why and filters nothing.
    await tab.fill('#filter', 'method=sgd and lr>=0.002');
    assert.deepEqual(await shown(), [`${idB} sgd`]);
    assert.equal(await tab.textContent('#count'), '1 of 6 models shown, 0 ticked');
    await tab.fill('#filter', 'method=sgd and lr 0.002');
    assert.equal(await tab.textContent('#filter-error'), "expected an operator (=, !=, <, <=, >, >=) after 'lr' at character 19, found '0.002'");
    assert.equal((await shown()).length, 6);
    await tab.fill('#filter', 'method=dwm');
    assert.deepEqual((await shown()).map((x) => x.split(' ')[1]), ['dwm', 'dwm', 'dwm']);

    // Tick run A's and run B's dwm: both curves drawn, two points each (two turns), the better run higher up at the end.
    await tab.locator(`#runs tbody tr[data-run="${idA}"][data-method="dwm"] input`).first().check();
    await tab.locator(`#runs tbody tr[data-run="${idB}"][data-method="dwm"] input`).first().check();
    const curves = () => tab.locator('#curves path.curve').evaluateAll((ps) => ps.map((p) => ({
      run: p.getAttribute('data-run'), method: p.getAttribute('data-method'), points: Number(p.getAttribute('data-points')),
      ys: [...(p.getAttribute('d') ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1])),
    })));
    const drawn = await curves();
    assert.deepEqual(drawn.map((c) => [c.run, c.method, c.points, c.ys.length]), [[idA, 'dwm', 2, 2], [idB, 'dwm', 2, 2]]);
    const finalA = stored(idA).record.methods.dwm.clean;
    const finalB = stored(idB).record.methods.dwm.clean;
    if (finalA !== finalB) assert.equal(drawn[0].ys[1] < drawn[1].ys[1], finalA > finalB, 'the higher accuracy is drawn higher (smaller y)');
    const firstA = stored(idA).record.methods.dwm.perTurn[0];
    if (firstA !== finalA) assert.equal(drawn[0].ys[1] < drawn[0].ys[0], finalA > firstA, "run A's curve rises or falls as its numbers do");
    assert.equal(await tab.locator('#curves .legend li').count(), 2);
    await tab.selectOption('#y', 'loss');
    assert.deepEqual((await curves()).map((c) => c.run), [idA, idB], 'the training-loss curves of the same two');
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], 'only the page itself is loaded');
  } finally {
    await context.close();
  }
});

test('runs show: a unique start of the id prints that run; an ambiguous one names the matches, exit 2', () => {
  const r = dwgd(['runs', 'show', idB.slice(0, 7), '--dir', results], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^run ${idB}`));
  assert.match(r.stdout, /\| dwm \|/);
  assert.match(r.stdout, /lr: 0\.002/);
  const amb = dwgd(['runs', 'show', 's5-', '--dir', results], dir);
  assert.equal(amb.code, 2);
  assert.match(amb.stderr, /s5-: 3 runs match/);
  assert.equal(amb.stderr.trim().split('\n').length, 1);
  const json = dwgd(['runs', 'show', idA.slice(0, 8), '--dir', results, '--json'], dir);
  assert.equal(json.code, 2, 'the id of the copied run is in two folders: ambiguous');
  const byDir = dwgd(['runs', 'show', join(results, 'tiny', idA), '--json'], dir);
  assert.equal(byDir.code, 0, byDir.stderr);
  assert.equal((JSON.parse(byDir.stdout) as { run: { runId: string } }).run.runId, idA);
});

test('runs diff: only the keys that differ (lr) and the metrics that differ', () => {
  const r = dwgd(['runs', 'diff', join(results, 'tiny', idA), idB, '--dir', results, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as { config: { key: string; a: unknown; b: unknown }[]; identity: unknown[]; metrics: { key: string; a: unknown; b: unknown }[] };
  assert.deepEqual(d.config, [{ key: 'lr', a: 0.001, b: 0.002 }]);
  assert.deepEqual(d.identity, []);
  const storedA = runJson(idA).record.methods;
  const storedB = runJson(idB).record.methods;
  for (const m of ['dwm', 'sgd']) {
    const clean = d.metrics.find((x) => x.key === `clean.${m}`);
    if (storedA[m].clean === storedB[m].clean) assert.equal(clean, undefined);
    else assert.deepEqual(clean, { key: `clean.${m}`, a: storedA[m].clean, b: storedB[m].clean });
  }
  assert.ok(!d.metrics.some((x) => x.key.startsWith('status.')), 'both ok: no status line');
  const self = dwgd(['runs', 'diff', join(results, 'tiny', idA), join(results, 'tiny', idA), '--json'], dir);
  const none = JSON.parse(self.stdout) as { config: unknown[]; metrics: unknown[] };
  assert.deepEqual([none.config, none.metrics], [[], []]);
  const text = dwgd(['runs', 'diff', join(results, 'tiny', idA), idB, '--dir', results], dir);
  assert.match(text.stdout, /^lr +0\.001 +0\.002$/m);
});

test('runs: a folder that does not exist is one line, exit 2', () => {
  const r = dwgd(['runs', join(dir, 'nowhere')], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nowhere: no such folder/);
});

test('--print-config: train prints the resolved config (defaults, overrides) and writes nothing, even without the data', () => {
  const { dir: d2, file: cifar } = tempFile('c.yaml', 'dataset: {name: cifar-10, path: /nonexistent/cifar}\ntrainSize: 100\n');
  const r = dwgd(['train', '-c', cifar, '--set', 'lr=0.01', '--set', 'hidden=[64, 32]', '--print-config', '-o', join(d2, 'out')], d2);
  assert.equal(r.code, 0, r.stderr);
  const c = parseYaml(r.stdout) as Record<string, unknown>;
  assert.equal(c.lr, 0.01);
  assert.deepEqual(c.hidden, [64, 32]);
  assert.equal(c.turns, 6);
  assert.deepEqual(c.methods, ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1']);
  assert.equal(c.name, 'c');
  assert.ok(!existsSync(join(d2, 'out')));
  const j = dwgd(['train', '-c', cifar, '--print-config', '--json'], d2);
  assert.equal((JSON.parse(j.stdout) as { trainSize: number }).trainSize, 100);
  const bad = dwgd(['train', '-c', cifar, '--set', 'trainsize=5', '--print-config'], d2);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /trainsize: unknown key/);
});

test('--print-config: compare and sweep print one config per run of the plan', () => {
  const c = dwgd(['compare', '-c', join(ROOT, 'configs', 'paper', 'all.yaml'), '--only', 'dataset=wine-quality', '--seeds', '2', '--print-config', '--json'], dir);
  assert.equal(c.code, 0, c.stderr);
  const runs = (JSON.parse(c.stdout) as { runs: { config: { dataset: { name: string }; seed: number; trainSize: number } }[] }).runs;
  // wine-quality × 2 architectures × 3 training sizes × 2 seeds.
  assert.equal(runs.length, 12);
  assert.ok(runs.every((x) => x.config.dataset.name === 'wine-quality'));
  assert.deepEqual([...new Set(runs.map((x) => x.config.seed))].sort(), [5, 6]);
  const s = dwgd(['sweep', '-c', join(ROOT, 'configs', 'sweeps', 'mnist-test-noise.yaml'), '--set', 'trainSize=100', '--print-config'], dir);
  assert.equal(s.code, 0, s.stderr);
  const docs = s.stdout.split(/^---$/m);
  for (const doc of docs) assert.equal((parseYaml(doc) as { trainSize: number }).trainSize, 100);
});
