// numpy's legacy global generator, as far as the authors' training lists need it
// (`split: authors`, authors-split.ts): `np.random.seed(s)` for an integer s and
// `np.random.randint(low, high, size)` with its default 64-bit integers. The generator is the
// Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998); an integer seed fills its 624-word
// state with the recurrence the reference code calls init_genrand (numpy's legacy seeding of an
// int; a list would go through init_by_array, which is not implemented here). randint draws
// `high − low − 1 = rng` by masked rejection: mask = the smallest 2^k − 1 ≥ rng, take
// 32-bit outputs (or, when rng needs more than 32 bits, 64-bit ones made of two 32-bit outputs,
// the first the high half), keep the masked value if it is ≤ rng, else draw again.
// Checked index by index against numpy's own output (testing/numpy-legacy.json, written by
// scripts/numpy-authors-lists.py).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/** MT19937 with numpy's legacy seeding of an integer. */
export class LegacyMT19937 {
  private readonly state = new Uint32Array(N);
  /** The next word of `state` to temper; N = the block is used up. */
  private pos = N;

  /** `np.random.seed(seed)`: a whole number in [0, 2³² − 1], as numpy requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`numpy's legacy seed must be a whole number in [0, 2^32 - 1], got ${seed}`);
    }
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1];
      s[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** The 624 words of the state (numpy: `np.random.get_state()[1]`), before any draw regenerates them. */
  words(): Uint32Array {
    return this.state.slice();
  }

  /** Regenerates the whole block of 624 words. */
  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER) | (s[(i + 1) % N] & LOWER);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.pos = 0;
  }

  /** The next 32-bit output, tempered. */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.state[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A 64-bit output: the first 32-bit output is the high half. */
  nextUint64(): bigint {
    const hi = BigInt(this.nextUint32());
    return (hi << 32n) | BigInt(this.nextUint32());
  }
}

/** The smallest 2^k − 1 that is ≥ `rng`. */
function maskOf(rng: bigint): bigint {
  let mask = rng;
  for (let shift = 1n; shift <= 32n; shift *= 2n) mask |= mask >> shift;
  return mask;
}

/**
 * `randint(low, high, size)` of numpy's legacy RandomState with the default dtype (int64):
 * `size` whole numbers in [low, high), drawn from `gen`. Bounds and their difference must be
 * safe integers (the results then are too). high − low = 1 consumes nothing, as in numpy.
 */
export function legacyRandint(gen: LegacyMT19937, low: number, high: number, size: number): number[] {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low || !Number.isSafeInteger(high - low)) {
    throw new RangeError(`randint needs safe integers low < high with a safe difference, got ${low}, ${high}`);
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`randint size must be a whole number ≥ 0, got ${size}`);
  const out = new Array<number>(size);
  const rng = high - low - 1;
  if (rng === 0) return out.fill(low);
  if (rng <= 0xffffffff) {
    // 32-bit draws: the mask and the comparison fit in unsigned 32-bit arithmetic.
    const mask = Number(maskOf(BigInt(rng)));
    for (let k = 0; k < size; k++) {
      let v: number;
      do v = (gen.nextUint32() & mask) >>> 0; while (v > rng);
      out[k] = low + v;
    }
    return out;
  }
  const big = BigInt(rng);
  const mask = maskOf(big);
  for (let k = 0; k < size; k++) {
    let v: bigint;
    do v = gen.nextUint64() & mask; while (v > big);
    out[k] = low + Number(v);
  }
  return out;
}
