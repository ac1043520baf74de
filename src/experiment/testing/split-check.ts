// One check of a run's split for the validation tests (fast and slow): the training list, the
// validation set and the test set lie in the pool and no sample is in two of them.

import assert from 'node:assert/strict';

/** Checks the three lists of a split against the pool, by a membership count independent of run.ts. */
export function checkSplit(poolSize: number, train: Int32Array, validation: Int32Array, testList: Int32Array, where: string): void {
  const seen = new Uint8Array(poolSize); // bit 1 train, 2 validation, 4 test
  for (const [list, bit] of [[train, 1], [validation, 2], [testList, 4]] as const) {
    for (const i of list) {
      assert.ok(Number.isInteger(i) && i >= 0 && i < poolSize, `${where}: index ${i} outside the pool of ${poolSize}`);
      if (bit !== 1) assert.equal(seen[i] & bit, 0, `${where}: index ${i} twice in one list`);
      seen[i] |= bit;
    }
  }
  for (let i = 0; i < poolSize; i++) {
    assert.ok(seen[i] === 0 || seen[i] === 1 || seen[i] === 2 || seen[i] === 4, `${where}: index ${i} in more than one list (${seen[i]})`);
  }
}
