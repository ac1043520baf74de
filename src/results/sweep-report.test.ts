// The names a sweep report gives its plots: file names of letters, digits, '-' and '_' only,
// one per plot; swept keys in words in titles and headings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricKind } from '../experiment/plan.js';
import { keyName, plotSlug, slugText } from './sweep-report.js';

test('plot slugs of a sweep over lr = 0.001, 0.01 and noise.sigma: no dots or spaces, all distinct', () => {
  const taken: string[] = [];
  for (const kind of ['clean', 'noisy', 'balanced-noisy'] as MetricKind[]) {
    for (const lr of [0.001, 0.01]) taken.push(plotSlug(kind, 'noise.sigma', { lr }, taken));
  }
  for (const s of taken) assert.match(s, /^[A-Za-z0-9_-]+$/, s);
  assert.equal(new Set(taken).size, taken.length);
  assert.ok(taken.includes('noisy-vs-noise_sigma-lr-0p01'), taken.join(' '));
  // Values that meet in one slug still give distinct files.
  const a = plotSlug('clean', 'trainSize', { tag: '0.1' }, []);
  assert.equal(a, 'clean-vs-trainSize-tag-0p1');
  assert.equal(plotSlug('clean', 'trainSize', { tag: '0p1' }, [a]), `${a}_2`);
  assert.equal(slugText('a b/c.d 1.5'), 'a_b_c_d_1p5');
});

test('swept keys in words, evaluation axes by their registry title', () => {
  assert.equal(keyName('noise.sigma'), 'test input noise σ');
  assert.equal(keyName('lr'), 'learning rate η');
  assert.equal(keyName('trainSize'), 'training-set size n');
  assert.equal(keyName('some.unknown'), 'some.unknown');
});
