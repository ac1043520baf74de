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

/**
 * Copies a published study folder, deletes its derived files, re-renders them with `dwgd report`
 * and requires the same file names and bytes as published. Returns the report's run count.
 */
async function rerendersIdentically(published: string): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'dwgd-repro-'));
  const dir = join(work, 'study');
  cpSync(published, dir, { recursive: true });
  for (const f of DERIVED) rmSync(join(dir, f), { recursive: true, force: true });
  const r = await runReport({ dirs: [dir], figures: {} });
  const want = files(published);
  const got = files(dir);
  assert.ok(want.has('REPORT.md') && want.has('index.html') && [...want.keys()].some((k) => k.startsWith('curves/')));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [name, bytes] of got) assert.ok(bytes.equals(want.get(name)!), `${name} differs from the published one`);
  rmSync(work, { recursive: true, force: true });
  return r.runs;
}

/** The run records of a published folder whose code fingerprint is not the one this code gives their config. */
function otherCode(published: string): string[] {
  return readdirSync(join(published, 'runs')).flatMap((id) => {
    const stored = JSON.parse(readFileSync(join(published, 'runs', id, 'run.json'), 'utf8'));
    const want = codeIdentity(stored.config).fingerprint;
    return stored.code.fingerprint === want ? [] : [`${id} (${stored.code.fingerprint}, this code: ${want})`];
  });
}

test('docs/reproduction re-renders from its run records to identical bytes', async () => {
  assert.equal(await rerendersIdentically(PUBLISHED), 300, '30 experiments × 10 seeds');
});

test('docs/reproduction/authors-lists (the image grid on the authors\' training lists) re-renders to identical bytes, from records made by this code', async () => {
  const published = join(PUBLISHED, 'authors-lists');
  assert.equal(await rerendersIdentically(published), 180, '18 experiments × 10 seeds');
  for (const id of readdirSync(join(published, 'runs'))) {
    assert.equal(JSON.parse(readFileSync(join(published, 'runs', id, 'run.json'), 'utf8')).config.split, 'authors', id);
  }
  assert.deepEqual(otherCode(published), [], 'records made by other code');
});

test('docs/reproduction was made by this code: every run record carries the code fingerprint of its config', () => {
  assert.equal(readdirSync(join(PUBLISHED, 'runs')).length, 300);
  assert.deepEqual(otherCode(PUBLISHED), [], 'records made by other code: rerun the reproduction (docs/reproduction/README.md)');
});
