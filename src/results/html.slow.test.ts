// index.html of a sweep and of a comparison, opened in headless Chromium (Debian's `chromium`,
// installed by .ci/run): the page renders its figures (with marks and legends) and tables
// within the window, with no console error and no request beyond the file itself. Skips,
// saying so, without chromium. Also the Markdown-to-HTML conversion on a hand-made report.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Preset } from '../experiment/plan.js';
import { inlineSvg, reportHtml } from './html.js';
import { runStudyCommand, type StudyOptions } from './study.js';
import { CHROMIUM_SKIP, launchChromium } from '../experiment/testing/chromium.js';

const LOADER = new URL('../experiment/testing/synthetic.js', import.meta.url).href;

/** A study run as the CLI runs it (2 seeds, serial, synthetic data). */
function study(preset: Preset, file: string, out: string): StudyOptions {
  return {
    preset, files: [file], sets: [], only: [], seeds: 2, allowLarge: false, out, workers: 0, resume: false, dryRun: false,
    shard: null, emit: null, loaderUrl: LOADER, figures: {},
  };
}

test('the report Markdown becomes one page: tables, inlined figures with prefixed ids, no scripts', () => {
  const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="c1"><rect/></clipPath></defs><g clip-path="url(#c1)"/></svg>';
  const md = '# Title `x`\n\nSome **bold** <b>raw</b> text.\n\n| a | b |\n| --- | ---: |\n| 1<br>2 | 3 |\n\n![fig one](plots/a.svg)\n\n![fig two](plots/a.svg)\n\n- item [link](plots/a.png)\n';
  const html = reportHtml(md, 'T & co', new Map([['plots/a.svg', svg]]));
  assert.match(html, /<title>T &amp; co<\/title>/);
  assert.match(html, /<h1>Title <code>x<\/code><\/h1>/);
  assert.match(html, /<p>Some <strong>bold<\/strong> &lt;b&gt;raw&lt;\/b&gt; text.<\/p>/);
  assert.match(html, /<th>a<\/th><th class="r">b<\/th>/);
  assert.match(html, /<td>1<br>2<\/td><td class="r">3<\/td>/);
  assert.match(html, /id="f1-c1".*url\(#f1-c1\)/s);
  assert.match(html, /id="f2-c1".*url\(#f2-c1\)/s);
  assert.ok(!html.includes('<?xml'));
  assert.ok(!/<script/i.test(html));
  assert.match(html, /<li>item <a href="plots\/a.png">link<\/a><\/li>/);
  assert.equal(inlineSvg('<svg><use href="#a"/></svg>', 'p'), '<svg><use href="#p-a"/></svg>');
});

test('the page has a table of contents linking every ## and ### heading, and each ## section is a <details>', () => {
  const md = '# Top\n\nIntro.\n\n## One\n\nA.\n\n### One a\n\nB.\n\n## Two [x](y)\n\nC.\n';
  const html = reportHtml(md, 't', new Map());
  const nav = /<nav class="toc"[^>]*>([\s\S]*?)<\/nav>/.exec(html);
  assert.ok(nav, 'a table of contents');
  assert.deepEqual([...nav[1].matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]), [['sec-1', 'One'], ['sec-2', 'One a'], ['sec-3', 'Two x']]);
  assert.ok(html.indexOf('<h1>Top</h1>') < html.indexOf('<nav'), 'contents after the title');
  assert.match(html, /<details open id="sec-1"><summary><h2>One<\/h2><\/summary>\n<p>A.<\/p>\n<h3 id="sec-2">One a<\/h3>\n<p>B.<\/p>\n<\/details>\n<details open id="sec-3">/);
  assert.equal((html.match(/<details/g) ?? []).length, (html.match(/<\/details>/g) ?? []).length);
});

test('index.html of a sweep and of a comparison render in headless Chromium with no console errors', {
  skip: CHROMIUM_SKIP,
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-html-'));
  const sweepFile = join(dir, 'sweep.yaml');
  writeFileSync(sweepFile, `name: page
base: { dataset: { name: mnist }, hidden: [8], trainSize: 60, turns: 2, stepsPerTurn: 100, methods: [dwm, sgd], seed: 5,
  imbalance: { profile: longtail, ratio: 1 } }
grid: { imbalance.ratio: [1, 0.1] }
metrics: [clean, balanced]
`);
  const s = await runStudyCommand(study('sweep', sweepFile, join(dir, 'out')));
  const gridFile = join(dir, 'grid.yaml');
  writeFileSync(gridFile, 'name: cmp\nbase: { dataset: { name: california-housing }, hidden: [8], trainSize: 50, turns: 2, stepsPerTurn: 100, seed: 5 }\n');
  const c = await runStudyCommand(study('compare', gridFile, join(dir, 'out')));

  const context = await launchChromium();
  try {
    for (const [name, outDir, figures] of [['sweep', s.dir, 2], ['compare', c.dir, 1]] as const) {
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(join(outDir, 'index.html')).href;
      await page.goto(url, { waitUntil: 'load' });
      assert.deepEqual(problems, [], `${name}: console`);
      assert.deepEqual(requests, [url], `${name}: only the page itself is loaded`);
      const boxes = await page.locator('figure > svg').evaluateAll((els) => els.map((e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; }));
      assert.ok(boxes.length >= figures, `${name}: ${boxes.length} figures`);
      for (const [w, h] of boxes) assert.ok(w > 200 && h > 150, `${name}: a figure is ${w}×${h}`);
      assert.ok(await page.locator('table').count() >= 2, `${name}: tables`);
      assert.equal(await page.locator('h1').innerText(), name === 'sweep' ? 'Sweep page' : 'Comparison cmp');
      // The figures drew their data: marks in every plot, and the methods named in its legend.
      const figureText = await page.locator('figure > svg').evaluateAll((els) => els.map((e) => ({
        marks: e.querySelectorAll('path, line, circle, rect, polygon').length,
        text: e.textContent ?? '',
      })));
      for (const f of figureText) {
        assert.ok(f.marks >= 10, `${name}: a figure with ${f.marks} marks`);
        if (name === 'sweep') for (const m of ['dwm', 'sgd']) assert.ok(f.text.includes(m), `${name}: legend lacks ${m}`);
      }
      // Every table has a header and data rows, and nothing is wider than the window.
      const tables = await page.locator('table').evaluateAll((els) => els.map((e) => [e.querySelectorAll('th').length, e.querySelectorAll('tbody tr, tr:not(:first-child)').length]));
      for (const [th, rows] of tables) assert.ok(th > 0 && rows > 0, `${name}: a table with ${th} header cells and ${rows} rows`);
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.ok(overflow <= 0, `${name}: the page is ${overflow} px wider than the window`);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('a figure whose caption holds brackets is inlined, and a line that only looks like a block is text (no endless loop)', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect id="r" width="1" height="1"/></svg>';
  const md = ['# T', '', '![accuracy, mnist hidden [64,32] n=100](plots/a.svg)', '', '![broken (no path', 'after'].join('\n');
  const html = reportHtml(md, 'T', new Map([['plots/a.svg', svg]]));
  assert.match(html, /<figure role="img" aria-label="accuracy, mnist hidden \[64,32\] n=100">/);
  assert.match(html, /<p>!\[broken \(no path after<\/p>/);
});
