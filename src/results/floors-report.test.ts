// The floors of a study load every dataset they still need before fitting any floor, so a
// missing dataset is named at once instead of after minutes of fitting the others.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentConfig } from '../config/schema.js';
import { studyFloors } from './floors-report.js';
import type { RunView } from './table.js';

test('studyFloors: a missing dataset is named before any floor is fitted', async () => {
  // Dataset "a" loads as an object that throws when anything reads it (fitting a floor would);
  // dataset "b" is missing. The runs of "a" come first.
  const loader = `data:text/javascript,${encodeURIComponent(`
    export function loadDataset(opts) {
      if (opts.name === 'b') throw new Error('b: data not found');
      return new Proxy({}, { get(_t, key) { if (key === 'then') return undefined; throw new Error('a was read: a floor was fitted before every dataset was loaded'); } });
    }`)}`;
  const view = (run: string, name: string) => ({ run, config: { dataset: { name } } as unknown as ExperimentConfig, record: { points: [] } }) as unknown as RunView;
  await assert.rejects(studyFloors([view('r1', 'a'), view('r2', 'a'), view('r3', 'b')], loader), /b: data not found/);
});
