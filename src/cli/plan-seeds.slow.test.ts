// `dwgd plan-seeds` on the published reproduction (docs/reproduction) and on bad input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { seedsForEquivalence, seedsForPower } from '../results/stats.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'dwgd.js');
const dwgd = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('plan-seeds prints a seed count per comparison with its assumptions; --json carries every row', () => {
  const text = dwgd('plan-seeds', 'docs/reproduction');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^plan-seeds paper: 600 comparisons from a pilot of 10 seeds; seeds for 80 % power$/m);
  assert.match(text.stdout, /\d+ not significant: median seeds for 80 % power at the observed effect \d+/);
  assert.match(text.stdout, /Assumptions:\n- The per-seed differences are normal/);
  const r = dwgd('plan-seeds', 'docs/reproduction', '--json', '--power', '0.9', '--correction', 'holm');
  assert.equal(r.status, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.equal(plan.rows.length, 600);
  assert.equal(plan.power, 0.9);
  assert.equal(plan.correction, 'holm');
  // Each row's numbers are the planner's at its own pilot mean, sd and level.
  for (const row of plan.rows.slice(0, 40)) {
    assert.equal(row.seedsForEffect, seedsForPower(row.meanDiff, row.sdDiff, row.level, 0.9), JSON.stringify(row));
    assert.equal(row.seedsForMargin, seedsForEquivalence(row.margin, row.sdDiff, row.level, 0.9), JSON.stringify(row));
    assert.ok(row.level <= 0.05 / 1 && row.level > 0);
  }
  assert.ok(plan.assumptions.length >= 5);
});

test('plan-seeds on a folder that is no study, or with a bad --power: one line, exit 2', () => {
  const empty = mkdtempSync(join(tmpdir(), 'dwgd-plan-'));
  const a = dwgd('plan-seeds', empty);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /^error: plan-seeds .*: no study\.json here \(give a compare or sweep folder, e\.g\. results\/compare\/<name>\)\n$/);
  const b = dwgd('plan-seeds', 'docs/reproduction', '--power', '1.5');
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--power "1\.5": give a probability from 0\.5 to below 1/);
  const c = dwgd('plan-seeds', 'docs/reproduction', '--correction', 'bonferroni');
  assert.equal(c.status, 2);
  assert.match(c.stderr, /--correction "bonferroni": give one of bh, by, holm/);
});
