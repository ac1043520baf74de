// The pre-flight of every preset's pipeline (train, compare, sweep, and tune, whose final stage's
// evaluation points are checked before its tuning stage trains anything) on a
// study whose evaluation points read MNIST-C, with no MNIST-C to be found: it stops before any run
// in one line naming the set and its fetch command, writing nothing; a dry run lists the line.
// The planner's side (identities, --only, study.json): src/experiment/benchmark-preflight.test.ts.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../errors.js';
import type { Preset } from '../experiment/plan.js';
import { withDataDir } from '../experiment/testing/benchsets.js';
import { runStudyCommand, type StudyOptions } from './study.js';
import { runTuneCommand, type TuneOptions } from './tuning-study.js';

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-benchpre-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const BASE = 'base: { dataset: { name: mnist, pool: paper }, hidden: [4], trainSize: 20, turns: 1, stepsPerTurn: 5, methods: [sgd], seed: 5 }';
let n = 0;
function studyFile(dir: string, body: string): string {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, body);
  return file;
}

test('every preset stops before any run on a missing set (nothing written), and a dry run lists it', async () => {
  const empty = mkdtempSync(join(tmp, 'empty-'));
  const plain = join(empty, 'one.yaml');
  writeFileSync(plain, 'dataset: { name: mnist, pool: paper }\nhidden: [4]\ntrainSize: 20\nturns: 1\nstepsPerTurn: 5\nmethods: [sgd]\nevaluate: { benchmark: [fog], severity: [1] }\n');
  const grid = studyFile(empty, `${BASE}\nevaluate: { benchmark: [fog], severity: [1] }\n`);
  const tuneFile = studyFile(empty, `${BASE.replace('seed: 5', 'seed: 5, validation: { size: 50 }')}\nevaluate: { benchmark: [fog], severity: [1] }\n` +
    'tune: { trials: 2, seeds: 1, finalSeeds: 1, methods: { sgd: { rule: sgd, space: { lr: { log: [0.001, 0.1] } } } } }\n');
  await withDataDir(empty, async () => {
    for (const [preset, file] of [['train', plain], ['compare', grid], ['sweep', grid], ['tune', tuneFile]] as [Preset, string][]) {
      const out = join(empty, `out-${preset}`);
      const o = { preset, files: [file], sets: [], only: [], allowLarge: false, out, workers: 1, resume: false, dryRun: false, shard: null, emit: null } as unknown as StudyOptions;
      // `dwgd tune`: the tuning stage scores no evaluation point; the final stage's set is looked for first.
      const run = (dryRun: boolean) => (preset === 'tune'
        ? runTuneCommand({ ...o, dryRun, stage: 'both' } as unknown as TuneOptions).then((t) => t.tuning!)
        : runStudyCommand({ ...o, dryRun }));
      await assert.rejects(run(false), (e: unknown) => e instanceof UserError && /^mnist-c \(evaluate\.benchmark\): data not found .*datasets fetch mnist-c`$/.test(e.message), preset);
      assert.ok(!existsSync(out), `${preset}: nothing written`);
      const dry = await run(true);
      assert.equal(dry.missing.length, 1, preset);
      assert.match(dry.missing[0], /^mnist-c \(evaluate\.benchmark\): data not found/);
    }
  });
});

