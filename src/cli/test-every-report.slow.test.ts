// testEvery: last in a compare study (docs/METHOD.md, "Test passes"): the readers of the table
// (the aggregate's divergence check, the learning-curve figure) take the turns not scored for what
// they are, not for a divergence.

import assert from 'node:assert/strict';
import { test } from 'node:test';

test('testEvery last in a compare study: the report is written, its learning curve holds only the last turn, and no method counts as diverged', async () => {
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { runCompare, inProcessFlags, SMALL_CONFIG } = await import('./testing/pipelines.js');
  const { curvePlot } = await import('../results/compare-report.js');
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-test-every-'));
  try {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL_CONFIG + 'testEvery: last\n');
    const o = await runCompare(inProcessFlags(file, join(dir, 'out'), { seeds: '2' }));
    assert.ok(o.reported);
    const { agg } = o.reports.compare as { agg: { experiments: Parameters<typeof curvePlot>[0][] } };
    const e = agg.experiments[0];
    assert.deepEqual(e.cells.filter((c) => c.eval === 'clean').map((c) => c.diverged.length), [0, 0]);
    assert.deepEqual([...new Set(curvePlot(e).points.map((p) => p.x))], [2], 'the curve: turn 2 only');
    assert.match(readFileSync(join(o.dir, 'table.csv'), 'utf8'), /,testEvery/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
