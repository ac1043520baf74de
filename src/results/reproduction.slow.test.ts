// The published reproduction (docs/reproduction/: the paper's grid, 10 seeds) re-renders from
// its committed run records to exactly the committed report, CSVs and figures: what the
// repository says we found is what this code concludes from those numbers.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { codeIdentity } from '../experiment/provenance.js';
import { runReport } from './merge.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PUBLISHED = join(ROOT, 'docs', 'reproduction');
const DERIVED = ['REPORT.md', 'index.html', 'table.csv', 'summary.csv', 'plan.json', 'curves'];

function files(dir: string, base = dir, out = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'runs') files(p, base, out);
    } else out.set(relative(base, p), readFileSync(p));
  }
  return out;
}

test('docs/reproduction re-renders from its run records to identical bytes', async () => {
  const work = mkdtempSync(join(tmpdir(), 'dwgd-repro-'));
  const dir = join(work, 'paper');
  cpSync(PUBLISHED, dir, { recursive: true });
  for (const f of DERIVED) rmSync(join(dir, f), { recursive: true, force: true });
  const r = await runReport({ dirs: [dir], figures: {} });
  assert.equal(r.runs, 300, '30 experiments × 10 seeds');
  const want = files(PUBLISHED);
  const got = files(dir);
  assert.ok(want.has('REPORT.md') && want.has('index.html') && [...want.keys()].some((k) => k.startsWith('curves/')));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [name, bytes] of got) assert.ok(bytes.equals(want.get(name)!), `${name} differs from the published one`);
  rmSync(work, { recursive: true, force: true });
});

test('docs/reproduction/authors-lists (the image grid on the authors\' training lists) re-renders to identical bytes, from records made by this code', async () => {
  const published = join(PUBLISHED, 'authors-lists');
  const work = mkdtempSync(join(tmpdir(), 'dwgd-repro-'));
  const dir = join(work, 'lists');
  cpSync(published, dir, { recursive: true });
  for (const f of DERIVED) rmSync(join(dir, f), { recursive: true, force: true });
  const r = await runReport({ dirs: [dir], figures: {} });
  assert.equal(r.runs, 180, '18 experiments × 10 seeds');
  const want = files(published);
  const got = files(dir);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [name, bytes] of got) assert.ok(bytes.equals(want.get(name)!), `${name} differs from the published one`);
  for (const id of readdirSync(join(published, 'runs'))) {
    const stored = JSON.parse(readFileSync(join(published, 'runs', id, 'run.json'), 'utf8'));
    assert.equal(stored.config.split, 'authors', id);
    assert.equal(stored.code.fingerprint, codeIdentity(stored.config).fingerprint, `${id} was made by other code`);
  }
  rmSync(work, { recursive: true, force: true });
});

test('docs/reproduction was made by this code: every run record carries the code fingerprint of its config', () => {
  const runs = readdirSync(join(PUBLISHED, 'runs'));
  assert.equal(runs.length, 300);
  const other = runs.flatMap((id) => {
    const stored = JSON.parse(readFileSync(join(PUBLISHED, 'runs', id, 'run.json'), 'utf8'));
    const want = codeIdentity(stored.config).fingerprint;
    return stored.code.fingerprint === want ? [] : [`${id} (${stored.code.fingerprint}, this code: ${want})`];
  });
  assert.deepEqual(other, [], 'records made by other code: rerun the reproduction (docs/reproduction/README.md)');
});
