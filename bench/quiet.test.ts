import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Canary, mainThreadCpus, parseCpuList, pickRounds, pinMainThread, QUIET_SHARE } from './quiet.js';

test('parseCpuList reads ranges and single CPUs, and refuses anything else', () => {
  assert.deepEqual(parseCpuList('0'), [0]);
  assert.deepEqual(parseCpuList('0,1'), [0, 1]);
  assert.deepEqual(parseCpuList('0-3,6,8-9'), [0, 1, 2, 3, 6, 8, 9]);
  assert.deepEqual(parseCpuList(' 2-2 \n'), [2]);
  for (const bad of ['', 'a', '3-1', '0,,1', '1-']) assert.throws(() => parseCpuList(bad), /not a CPU list/);
});

test('pickRounds takes each timer\'s best over the quiet rounds only', () => {
  const q = QUIET_SHARE;
  // Round 2 is the fastest for timer 0 but its canary was slow: it must not count.
  const picked = pickRounds([
    { rates: [10, 100], canaryShare: q + 0.05 },
    { rates: [30, 90], canaryShare: q - 0.2 },
    { rates: [12, 95], canaryShare: 1 },
  ]);
  assert.deepEqual(picked.rates, [12, 100]);
  assert.equal(picked.disturbed, false);
  assert.equal(picked.canaryShare, 1);
  // At exactly the threshold a round is quiet.
  assert.deepEqual(pickRounds([{ rates: [5], canaryShare: q }, { rates: [9], canaryShare: q - 1e-9 }]).rates, [5]);
});

test('pickRounds with no quiet round keeps the best of all and says disturbed', () => {
  const picked = pickRounds([
    { rates: [10, 7], canaryShare: 0.5 },
    { rates: [8, 9], canaryShare: 0.7 },
  ]);
  assert.deepEqual(picked.rates, [10, 9]);
  assert.equal(picked.disturbed, true);
  assert.equal(picked.canaryShare, 0.7);
  assert.throws(() => pickRounds([]), /no rounds/);
});

test('the canary measures a positive rate, keeps its fastest, and shares are against it', () => {
  const c = new Canary(3);
  assert.ok(c.best > 0);
  const r = c.measure();
  assert.ok(r > 0 && r <= c.best);
  assert.equal(c.share(c.best), 1);
  assert.equal(c.share(c.best / 2), 0.5);
  assert.ok(c.finite());
});

const hasTaskset = process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;

test('pinMainThread pins the main thread and restore gives the mask back', { skip: hasTaskset ? false : 'needs Linux with taskset' }, () => {
  const before = mainThreadCpus();
  assert.ok(before && before.length > 0);
  const cpu = before[0];
  const pin = pinMainThread(cpu);
  assert.ok('cpu' in pin, 'skipped' in pin ? pin.skipped : '');
  try {
    assert.deepEqual(mainThreadCpus(), [cpu]);
    // A process started now inherits the mask.
    const sh = spawnSync('sh', ['-c', 'taskset -pc $$'], { encoding: 'utf8' });
    assert.match(sh.stdout, new RegExp(`:\\s*${cpu}\\s*$`));
  } finally {
    pin.restore();
  }
  assert.deepEqual(mainThreadCpus(), before);
  // A CPU the process may not use is refused, not pinned.
  const refused = pinMainThread(Math.max(...before) + 1000);
  assert.ok('skipped' in refused && /not one this process may use/.test(refused.skipped));
  assert.deepEqual(mainThreadCpus(), before);
});
