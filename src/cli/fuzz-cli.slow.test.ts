// Property-based hardening (issue 12), through the CLI (the in-process half is fuzz.test.ts):
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
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { BIN } from '../experiment/testing/paths.js';

import { CLI_RUNS, params, WINE_HEADER, wineCsv } from './testing/fuzz-gen.js';

const dir = mkdtempSync(join(tmpdir(), 'dwgd-fuzz-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// --- through the CLI -----------------------------------------------------------------------

/** Non-finite results a run returned without a `diverged` flag (the test after the runs requires none). */
const unflagged: string[] = [];

test(`dwgd train on generated data and settings (${CLI_RUNS} runs): exit 0 with finite or flagged results, or exit 2 with one line and nothing written`, () => {
  const settings = fc.record({
    csv: fc.oneof({ weight: 2, arbitrary: fc.array(fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 12, maxLength: 12 }), { minLength: 30, maxLength: 60 }).map((rows) => [WINE_HEADER, ...rows.map((r) => r.join(';'))].join('\n') + '\n') }, { weight: 1, arbitrary: wineCsv }),
    lr: fc.constantFrom(0.001, 0.5, 10, 1e308, Number.NaN),
    trainSize: fc.constantFrom(5, 20, 100_000),
    normalize: fc.constantFrom('paper', 'train'),
  });
  let k = 0;
  unflagged.length = 0;
  fc.assert(fc.property(settings, (s) => {
    const work = join(dir, `cli-${k++}`);
    mkdirSync(join(work, 'data'), { recursive: true });
    mkdirSync(join(work, 'out'));
    writeFileSync(join(work, 'data', 'winequality-white.csv'), s.csv);
    writeFileSync(join(work, 'out', 'earlier.txt'), 'an earlier result');
    writeFileSync(join(work, 'run.yaml'), toYaml({
      name: 'fuzz', dataset: { name: 'wine-quality', path: join(work, 'data'), normalize: s.normalize },
      hidden: [4], trainSize: s.trainSize, turns: 1, stepsPerTurn: 50, lr: s.lr, methods: ['dwm', 'sgd'],
    }));
    const r = spawnSync(process.execPath, [BIN, 'train', '-q', '--json', '--config', join(work, 'run.yaml'), '--out', join(work, 'out')], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' },
    });
    assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace: ${r.stderr}`);
    assert.ok(r.status === 0 || r.status === 2, `exit ${r.status} (${r.signal ?? 'no signal'}): ${r.stderr}`);
    assert.equal(readFileSync(join(work, 'out', 'earlier.txt'), 'utf8'), 'an earlier result');
    assert.equal(readFileSync(join(work, 'data', 'winequality-white.csv'), 'utf8'), s.csv);
    if (r.status === 2) {
      assert.match(r.stderr, /^error: [^\n]+\n$/);
      assert.deepEqual(readdirSync(join(work, 'out')), ['earlier.txt'], 'nothing written');
    } else {
      const out = JSON.parse(r.stdout) as { runDir: string };
      const run = JSON.parse(readFileSync(join(out.runDir, 'run.json'), 'utf8')) as { record: { methods: Record<string, { clean: unknown; at: { value: unknown }[]; diverged?: unknown }> } };
      for (const [m, v] of Object.entries(run.record.methods)) {
        const finite = Number.isFinite(v.clean) && v.at.length > 0 && v.at.every((a) => Number.isFinite(a.value));
        if (v.diverged === undefined && !finite) unflagged.push(`${m} with lr ${s.lr}: ${JSON.stringify(v)}`);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }), { ...params(CLI_RUNS), endOnFailure: true }); // no shrinking: every try is a process
});

// run.json writes NaN and Infinity as strings; a method with such a value (after a turn or at an
// evaluation point) must be marked diverged.
test('dwgd train: non-finite results carry a divergence flag', () => {
  assert.deepEqual(unflagged, []);
});
