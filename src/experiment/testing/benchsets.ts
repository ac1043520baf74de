// The fixture archives of MNIST-C and CIFAR-10-C (src/data/testing/benchsets/, written by
// scripts/benchset-fixtures.py) in a data folder of a test's own, for the tests of the pre-flight
// and of a run's data identity: where they are looked for (DWGD_DATA_DIR) and a hash cache apart.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cifar10CSpec } from '../../data/cifar-10-c.js';
import { forgetHashCache } from '../../data/identity.js';
import { mnistCSpec } from '../../data/mnist-c.js';

export const BENCHSET_FIXTURES = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..'), 'src', 'data', 'testing', 'benchsets');

/**
 * A new folder under `parent` laid out as DWGD_DATA_DIR: <set>/ holding the set's fixture archive,
 * or with `unpack` its members as `dwgd datasets fetch` unpacks them (and no archive).
 */
export async function benchsetDataDir(parent: string, sets: ('mnist-c' | 'cifar-10-c')[], unpack: boolean): Promise<string> {
  const dir = mkdtempSync(join(parent, 'data-'));
  for (const set of sets) {
    const [file, spec] = set === 'mnist-c' ? ['mnist_c.zip', mnistCSpec] : ['CIFAR-10-C.tar', cifar10CSpec];
    mkdirSync(join(dir, set));
    copyFileSync(join(BENCHSET_FIXTURES, file), join(dir, set, file));
    if (unpack) {
      await spec.extract!(join(dir, set));
      rmSync(join(dir, set, file));
    }
  }
  return dir;
}

/** Runs `f` with DWGD_DATA_DIR at `dir` and a hash cache of its own (in `dir`), restoring both after. */
export async function withDataDir<T>(dir: string, f: () => T | Promise<T>): Promise<T> {
  const saved = { data: process.env.DWGD_DATA_DIR, cache: process.env.DWGD_CACHE_DIR };
  process.env.DWGD_DATA_DIR = dir;
  process.env.DWGD_CACHE_DIR = join(dir, '.cache');
  forgetHashCache();
  try {
    return await f();
  } finally {
    for (const [k, v] of [['DWGD_DATA_DIR', saved.data], ['DWGD_CACHE_DIR', saved.cache]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    forgetHashCache();
  }
}
