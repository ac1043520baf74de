import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { defaultEntries, expandTrials, finalEntries, parseTune, radicalInverse, selectTrials, trialSettings, type Trial } from './tuning.js';

test('radical inverse: the Halton coordinates worked by hand (base 2: 1/2, 1/4, 3/4; base 3: 1/3, 2/3, 1/9, 4/9)', () => {
  assert.deepEqual([1, 2, 3].map((i) => radicalInverse(i, 2)), [0.5, 0.25, 0.75]);
  const b3 = [1, 2, 3, 4].map((i) => radicalInverse(i, 3));
  [1 / 3, 2 / 3, 1 / 9, 4 / 9].forEach((v, k) => assert.ok(Math.abs(b3[k] - v) < 1e-15, `${b3[k]} vs ${v}`));
});

test('one log range: an even log grid from end to end; one trial takes the geometric middle', () => {
  assert.deepEqual(trialSettings({ lr: { log: [1e-4, 1e-1] } }, 4).map((s) => s.lr), [1e-4, 1e-3, 1e-2, 1e-1]);
  assert.deepEqual(trialSettings({ lr: { log: [1e-4, 1e-2] } }, 1).map((s) => s.lr), [1e-3]);
  assert.deepEqual(trialSettings({ 'train.dropout': { linear: [0, 0.5] } }, 3).map((s) => s['train.dropout']), [0, 0.25, 0.5]);
});

test('choices whose product is the budget: the full grid; otherwise Halton points mapped into each dimension', () => {
  const grid = trialSettings({ lr: [0.01, 0.1], 'params.beta': [0.5, 0.9] }, 4);
  assert.deepEqual(grid, [{ lr: 0.01, 'params.beta': 0.5 }, { lr: 0.01, 'params.beta': 0.9 }, { lr: 0.1, 'params.beta': 0.5 }, { lr: 0.1, 'params.beta': 0.9 }]);
  // Two dimensions, 3 trials: keys sorted (lr, params.lambda) take bases 2 and 3.
  const h = trialSettings({ 'params.lambda': { log: [1e-4, 1] }, lr: { log: [1e-3, 1e-1] } }, 3);
  const expectLr = [0.5, 0.25, 0.75].map((u) => Number((1e-3 * 100 ** u).toPrecision(4)));
  const expectLambda = [1 / 3, 2 / 3, 1 / 9].map((u) => Number((1e-4 * 1e4 ** u).toPrecision(4)));
  assert.deepEqual(h.map((s) => s.lr), expectLr);
  assert.deepEqual(h.map((s) => s['params.lambda']), expectLambda);
  // A choice dimension among ranges takes choice ⌊u·k⌋.
  const mixed = trialSettings({ lr: { log: [1e-3, 1e-1] }, 'params.nesterov': [0, 1] }, 3);
  assert.deepEqual(mixed.map((s) => s['params.nesterov']), [1 / 3, 2 / 3, 1 / 9].map((u) => [0, 1][Math.floor(u * 2)]));
});

const SECTION = {
  trials: 3,
  methods: {
    sgd: { rule: 'sgd', space: { lr: { log: [1e-3, 1e-1] } } },
    adam: { rule: 'adam', defaults: { params: { beta2: 0.99 } }, space: { lr: { log: [1e-4, 1e-2] } } },
    noisy: { rule: 'sgd', defaults: { lr: 0.01 }, space: { 'train.inputNoise': [0.1, 0.2, 0.3] } },
  },
};

test('expandTrials: the same number of trials per method, entries in the object form of methods, ids <method>-t<k>', () => {
  const tune = parseTune(SECTION, 'test');
  assert.equal(tune.seeds, 2);
  assert.equal(tune.finalSeeds, 10);
  const trials = expandTrials(tune);
  assert.equal(trials.length, 9);
  for (const m of ['sgd', 'adam', 'noisy']) assert.equal(trials.filter((t) => t.method === m).length, 3);
  assert.deepEqual(trials[1].entry, { name: 'sgd-t2', rule: 'sgd', lr: 0.01 });
  assert.deepEqual(trials[3].entry, { name: 'adam-t1', rule: 'adam', lr: 1e-4, params: { beta2: 0.99 } });
  assert.deepEqual(trials[8].entry, { name: 'noisy-t3', rule: 'sgd', lr: 0.01, train: { inputNoise: 0.3 } });
  assert.deepEqual(defaultEntries(tune), [{ name: 'sgd-default', rule: 'sgd' }, { name: 'adam-default', rule: 'adam', params: { beta2: 0.99 } }, { name: 'noisy-default', rule: 'sgd', lr: 0.01 }]);
});

test('parseTune: one line naming the key for a bad space, a reversed range, overlapping final seeds', () => {
  const bad = (section: unknown, pattern: RegExp) => assert.throws(() => parseTune(section, 'cfg.yaml'), (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n'));
  bad({ ...SECTION, methods: { sgd: { rule: 'sgd', space: { momentum: [0.9] } } } }, /^cfg\.yaml: tune\.methods\.sgd\.space\.momentum: not a dimension: lr, params/);
  bad({ ...SECTION, methods: { sgd: { rule: 'sgd', space: { lr: { log: [0.1, 0.001] } } } } }, /tune\.methods\.sgd\.space\.lr: the range \[0\.1, 0\.001\] must go from low to high/);
  bad({ ...SECTION, methods: { sgd: { rule: 'sgd', space: { lr: [0.1, -1] } } } }, /learning rates must be positive/);
  bad({ ...SECTION, seeds: 5, finalSeedOffset: 3 }, /tune\.finalSeedOffset: 3 is below seeds \(5\)/);
  bad({ ...SECTION, trials: 0 }, /tune\.trials:/);
});

test('selectTrials: the best mean over seeds, ties to the lower index, a trial diverged at any seed never chosen', () => {
  const tune = parseTune(SECTION, 'test');
  const trials = expandTrials(tune);
  const t = (id: string) => trials.find((x) => x.entry.name === id)!;
  const scored = [
    { trial: t('sgd-t1'), scores: [0.80, 0.84] }, // mean 0.82
    { trial: t('sgd-t2'), scores: [0.90, NaN] }, // diverged at one seed
    { trial: t('sgd-t3'), scores: [0.83, 0.81] }, // mean 0.82: tie with t1, t1 kept
    { trial: t('adam-t1'), scores: [0.5, 0.7] },
    { trial: t('adam-t2'), scores: [0.7, 0.7] },
    { trial: t('adam-t3'), scores: [NaN, NaN] },
  ];
  const max = selectTrials(scored, 'max');
  assert.equal(max.find((s) => s.method === 'sgd')!.chosen!.entry.name, 'sgd-t1');
  assert.equal(max.find((s) => s.method === 'adam')!.chosen!.entry.name, 'adam-t2');
  const min = selectTrials(scored, 'min');
  assert.equal(min.find((s) => s.method === 'sgd')!.chosen!.entry.name, 'sgd-t1');
  assert.equal(min.find((s) => s.method === 'adam')!.chosen!.entry.name, 'adam-t1');
  assert.ok(Math.abs(max.find((s) => s.method === 'sgd')!.chosenMean - 0.82) < 1e-12);
});

test('finalEntries: <method>-default then <method>-tuned with the chosen setting; a method whose every trial diverged is named', () => {
  const tune = parseTune({ ...SECTION, methods: { sgd: SECTION.methods.sgd } }, 'test');
  const trials = expandTrials(tune);
  const chosen: Trial = trials[2];
  assert.deepEqual(finalEntries(tune, [{ method: 'sgd', trials: [], chosen, chosenMean: 0.9 }]), [{ name: 'sgd-default', rule: 'sgd' }, { name: 'sgd-tuned', rule: 'sgd', lr: 0.1 }]);
  assert.throws(() => finalEntries(tune, [{ method: 'sgd', trials: [], chosen: null, chosenMean: NaN }]), /every trial of sgd diverged/);
});
