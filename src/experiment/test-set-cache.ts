// Transformed test sets kept within one process (one worker thread of the pool, or the process
// of `dwgd train`), so that runs sharing a test set — the same pool, the same test indices, the
// same seed — score a corruption's point on the stored inputs instead of generating them again.
// Only points whose every input transform is deterministic per (seed, sample) are stored (the
// corruptions, eval-axes `perSample`), and only for data whose inputs are shared between runs
// (image pools, passed on as loaded; a table's inputs are normalised run by run).
//
// Bound: CACHE_BYTES of float32 inputs per process (a 10,000-image MNIST test set is 31.4 MB,
// so 16 of them; a CIFAR-10 one of 10,000 is 123 MB, so 4). Sets are stored while the bound
// allows and then kept: no eviction. Runs walk their points in the same order, so evicting the
// oldest would throw away every set just before it is asked for again; keeping the first ones
// makes those hits certain and costs no more memory than the bound.

export const CACHE_BYTES = 512 * 1024 * 1024;
let bound = CACHE_BYTES;

interface Entry {
  test: Int32Array;
  xs: Float32Array;
}

const poolKeys = new WeakMap<Float32Array, string>();
const store = new Map<string, Entry[]>();
let used = 0;
let hits = 0;
let builds = 0;

/**
 * What identifies a loaded pool across runs: a worker receives the same shared memory under a
 * new array object for every run, so the key is the pool's name, description, origin and shape
 * with an FNV-1a hash of 4,096 evenly spaced input values (their float32 bits), computed once
 * per array object.
 */
function poolKey(pool: PoolIdentity): string {
  let key = poolKeys.get(pool.x);
  if (key === undefined) {
    const bits = new Uint32Array(pool.x.buffer, pool.x.byteOffset, pool.x.length);
    let h = 0x811c9dc5;
    const step = Math.max(1, Math.floor(bits.length / 4096));
    for (let i = 0; i < bits.length; i += step) {
      h = Math.imul(h ^ bits[i], 0x01000193);
    }
    key = JSON.stringify([pool.name, pool.description, pool.origin.location, pool.size, pool.nInputs, pool.x.length, h >>> 0]);
    poolKeys.set(pool.x, key);
  }
  return key;
}

/** The parts of a dataset that identify its pool. */
export interface PoolIdentity {
  name: string;
  description: string;
  origin: { location: string };
  size: number;
  nInputs: number;
  x: Float32Array;
}

function keyOf(pool: PoolIdentity, seed: number, pointKey: string): string {
  return `${poolKey(pool)}|${seed}|${pointKey}`;
}

function sameIndices(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The transformed inputs of `test` (test.length × nInputs, in test order) for the pool, the seed
 * and the point (its id): from the store, or made by `build` and stored when `shareable` and the
 * bound allows. null when the set is neither stored nor storable (a table, or no room left): the
 * caller then transforms each input as it scores it, so no set larger than the bound is ever
 * held (a CIFAR-10 paper-pool test set of ~49,000 images would be 600 MB).
 */
export function cachedTestSet(pool: PoolIdentity, test: Int32Array, seed: number, pointKey: string, shareable: boolean, build: () => Float32Array): Float32Array | null {
  builds++;
  if (!shareable) return null;
  const key = keyOf(pool, seed, pointKey);
  const list = store.get(key);
  const hit = list?.find((e) => sameIndices(e.test, test));
  if (hit) {
    builds--;
    hits++;
    return hit.xs;
  }
  const bytes = test.length * pool.nInputs * 4 + test.byteLength;
  if (used + bytes > bound) return null;
  const xs = build();
  used += bytes;
  const entry = { test: Int32Array.from(test), xs };
  if (list) list.push(entry);
  else store.set(key, [entry]);
  return xs;
}

/** How the store has done in this process (tests and the bench): `builds` counts the sets generated, stored or not. */
export function testSetCacheStats(): { hits: number; builds: number; bytes: number; sets: number } {
  let sets = 0;
  for (const l of store.values()) sets += l.length;
  return { hits, builds, bytes: used, sets };
}

/** Empties the store (the bench, to time generation). */
export function clearTestSetCache(): void {
  store.clear();
  used = 0;
  hits = 0;
  builds = 0;
}

/** Sets the bound (tests: 0 stores nothing); returns the one before. */
export function boundTestSetCache(bytes: number): number {
  const before = bound;
  bound = bytes;
  return before;
}
