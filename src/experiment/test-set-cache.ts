// Transformed test sets kept within one process (one worker thread of the pool, or the process
// of `dwgd train`), so that runs sharing a test set — the same pool, the same test indices, the
// same seed — score a corruption's point on the stored inputs instead of generating them again.
// Only points whose every input transform is deterministic per (seed, sample) are stored (the
// corruptions, eval-axes `perSample`), and only for data whose inputs are shared between runs
// (image pools, whose array is the loaded one; a table's inputs are normalised run by run).
//
// Bound: CACHE_BYTES of float32 inputs per process (a 10,000-image MNIST test set is 31.4 MB,
// so 16 of them; a CIFAR-10 one of 10,000 is 123 MB, so 4). Sets are stored while the bound
// allows and then kept: no eviction. Runs walk their points in the same order, so evicting the
// oldest would throw away every set just before it is asked for again; keeping the first ones
// makes those hits certain and costs no more memory than the bound.

export const CACHE_BYTES = 512 * 1024 * 1024;

interface Entry {
  test: Int32Array;
  xs: Float32Array;
}

const ids = new WeakMap<Float32Array, number>();
let nextId = 0;
const store = new Map<string, Entry[]>();
let used = 0;
let hits = 0;
let builds = 0;

function keyOf(x: Float32Array, seed: number, pointKey: string): string {
  let id = ids.get(x);
  if (id === undefined) {
    id = nextId++;
    ids.set(x, id);
  }
  return `${id}|${seed}|${pointKey}`;
}

function sameIndices(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The transformed inputs of `test` (test.length × nInputs, in test order) for the pool inputs
 * `x`, the seed and the point (its id): from the store, or made by `build` and stored if the
 * bound allows. `shareable` false skips the store (built every time).
 */
export function cachedTestSet(x: Float32Array, test: Int32Array, seed: number, pointKey: string, shareable: boolean, build: () => Float32Array): Float32Array {
  if (!shareable) {
    builds++;
    return build();
  }
  const key = keyOf(x, seed, pointKey);
  const list = store.get(key);
  const hit = list?.find((e) => sameIndices(e.test, test));
  if (hit) {
    hits++;
    return hit.xs;
  }
  builds++;
  const xs = build();
  const bytes = xs.byteLength + test.byteLength;
  if (used + bytes <= CACHE_BYTES) {
    used += bytes;
    const entry = { test: Int32Array.from(test), xs };
    if (list) list.push(entry);
    else store.set(key, [entry]);
  }
  return xs;
}

/** How the store has done in this process (tests and the bench). */
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
