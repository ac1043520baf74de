// Property-based hardening (issue 12), with fast-check: generated configs and CSV data files,
// valid, mutated and truncated. The invariant: a config either loads with every number finite
// or fails with one UserError line; a data file either parses to finite float32 values that
// normalise to finite numbers or fails with one DataError line; and through the CLI, `train`
// ends with exit 0 and finite (or explicitly flagged) results, or exit 2 with one line and
// nothing written, never a stack trace or a hang, and files that existed before are unchanged.
//
// `npm test` runs a bounded number of cases (a few seconds); `npm run fuzz` (DWGD_FUZZ=1) runs
// many more, new ones each run; DWGD_FUZZ_RUNS=N sets the in-process count, DWGD_FUZZ_SEED=S
// replays a failure.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { loadExperiment } from '../experiment/plan.js';
import { parseNumericTable } from '../data/formats/csv.js';
import { normalize } from '../data/prepare.js';
import { tabularPool } from '../data/tabular.js';
import { WINE_COLUMNS, WINE_TARGET } from '../data/wine-quality.js';
import { DataError, UserError } from '../errors.js';

import { configText, params, RUNS, wineCsv } from './testing/fuzz-gen.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function numbersOf(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => numbersOf(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => numbersOf(x, out));
  return out;
}

test(`configs (${RUNS} generated): load with every number finite, or one UserError line`, () => {
  const file = join(dir, 'fuzz.yaml');
  fc.assert(fc.property(configText, (text) => {
    writeFileSync(file, text);
    let config: ReturnType<typeof loadExperiment>['config'];
    try {
      config = loadExperiment(file).config;
    } catch (e) {
      assert.ok(e instanceof UserError, `not a UserError: ${(e as Error).stack}`);
      assert.ok(e.message.length > 0 && !e.message.includes('\n'), `one line: ${JSON.stringify(e.message)}`);
      return;
    }
    for (const n of numbersOf(config)) assert.ok(Number.isFinite(n), `a non-finite number got through: ${JSON.stringify(config)}`);
  }), params(RUNS));
});

test(`wine CSV files (${RUNS} generated): finite float32 values that normalise to finite numbers, or one DataError line`, () => {
  fc.assert(fc.property(wineCsv, (text) => {
    let table: ReturnType<typeof parseNumericTable>;
    try {
      table = parseNumericTable(text, 'w.csv', { delimiter: ';', columns: WINE_COLUMNS, onMissing: 'error' });
    } catch (e) {
      assert.ok(e instanceof DataError, `not a DataError: ${(e as Error).stack}`);
      assert.ok(!e.message.includes('\n'), `one line: ${JSON.stringify(e.message)}`);
      return;
    }
    const raw = tabularPool('wine-quality', table, WINE_COLUMNS, WINE_TARGET, { kind: 'path', location: 'w.csv' }, 'fuzz');
    for (const v of raw.x) assert.ok(Number.isFinite(v));
    const data = normalize(raw, 'paper', null, 0.1);
    for (const v of data.x) assert.ok(Number.isFinite(v), 'normalised input not finite');
    for (const v of data.y) assert.ok(Number.isFinite(v), 'normalised target not finite');
  }), params(RUNS));
});

