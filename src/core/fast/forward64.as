// The forward pass of the float64 reference network (src/core/network.ts Network.forward) in
// WebAssembly SIMD, for the diagnostics of every trained model (src/experiment/diagnostics.ts:
// output margins, dead units; health.ts: the collapse check). It gives Network.forward's bits:
// each unit's sum starts from its bias and adds, in ascending order of i, the products
// W[j,i]·a[i] of the non-zero inputs only, one IEEE multiply then one IEEE add per term (no fused
// multiply-add exists in this target), and a hidden unit's output is z if z > 0, else +0. The
// vectors run across units: lane j of an accumulator is unit j's own sum, so vectorising changes
// no order of operations. Two dense inputs (at least half their features non-zero) share each
// weight load in the first layer; everything else goes one input at a time over its list of
// non-zero inputs, as Network.forward does. (Which inputs go two at a time changes no bit.)
//
// The memory layout is the caller's (src/core/fast/forward64.ts), in bytes from 0:
//   table: per layer 4 × i32: nIn, nPad (nOut rounded up to a multiple of 8), W, b
//   W of a layer: nPad / 8 blocks of nIn rows of 8 float64, block k row i = W[8k .. 8k+8, i]
//                 (padding units have weight 0)
//   b of a layer: nPad float64 (padding 0)
//   rows: float32 inputs, count × nIn of the first layer
//   out: float64, count × nPad of the last layer
//   alive: one byte per hidden unit, layer after layer (nOut of each, not nPad): set to 1 when
//          the unit's z > 0 for an input (0 = not asked)
//   scratch: 4 × width float64 (width = max over the layers of nIn and nPad) and 2 × width i32

const ROW: usize = 64; // bytes of one row of a block: 8 float64

/** z = b + Σ W[:, i]·a[i] over the non-zero a[i], ascending i; writes z[0 .. nPad). */
function layerSparse(a: usize, n: i32, W: usize, b: usize, nPad: i32, z: usize, idx: usize): void {
  let nnz: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    if (load<f64>(a + (<usize>i << 3)) != 0) {
      store<i32>(idx + (<usize>nnz << 2), i);
      nnz++;
    }
  }
  layerListed(a, n, W, b, nPad, z, idx, nnz);
}

/** z = b + Σ W[:, i]·a[i] over the nnz inputs listed (ascending) in idx; writes z[0 .. nPad). */
function layerListed(a: usize, n: i32, W: usize, b: usize, nPad: i32, z: usize, idx: usize, nnz: i32): void {
  for (let jb: i32 = 0; jb < nPad; jb += 8) {
    const block = W + <usize>jb * <usize>n * 8;
    const bj = b + (<usize>jb << 3);
    let s0 = v128.load(bj, 0);
    let s1 = v128.load(bj, 16);
    let s2 = v128.load(bj, 32);
    let s3 = v128.load(bj, 48);
    for (let k: i32 = 0; k < nnz; k++) {
      const i = load<i32>(idx + (<usize>k << 2));
      const v = f64x2.splat(load<f64>(a + (<usize>i << 3)));
      const p = block + <usize>i * ROW;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(p, 0), v));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(p, 16), v));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(p, 32), v));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(p, 48), v));
    }
    const zj = z + (<usize>jb << 3);
    v128.store(zj, s0, 0);
    v128.store(zj, s1, 16);
    v128.store(zj, s2, 32);
    v128.store(zj, s3, 48);
  }
}

/** layerSparse for two inputs at once, each weight row loaded once for both; a zero input adds nothing to its sample. */
function layerPair(a0: usize, a1: usize, n: i32, W: usize, b: usize, nPad: i32, z0: usize, z1: usize): void {
  for (let jb: i32 = 0; jb < nPad; jb += 8) {
    const block = W + <usize>jb * <usize>n * 8;
    const bj = b + (<usize>jb << 3);
    let s0 = v128.load(bj, 0);
    let s1 = v128.load(bj, 16);
    let s2 = v128.load(bj, 32);
    let s3 = v128.load(bj, 48);
    let t0 = s0;
    let t1 = s1;
    let t2 = s2;
    let t3 = s3;
    for (let i: i32 = 0; i < n; i++) {
      const p = block + <usize>i * ROW;
      const w0 = v128.load(p, 0);
      const w1 = v128.load(p, 16);
      const w2 = v128.load(p, 32);
      const w3 = v128.load(p, 48);
      const x0 = load<f64>(a0 + (<usize>i << 3));
      const x1 = load<f64>(a1 + (<usize>i << 3));
      if (x0 != 0) {
        const v = f64x2.splat(x0);
        s0 = f64x2.add(s0, f64x2.mul(w0, v));
        s1 = f64x2.add(s1, f64x2.mul(w1, v));
        s2 = f64x2.add(s2, f64x2.mul(w2, v));
        s3 = f64x2.add(s3, f64x2.mul(w3, v));
      }
      if (x1 != 0) {
        const v = f64x2.splat(x1);
        t0 = f64x2.add(t0, f64x2.mul(w0, v));
        t1 = f64x2.add(t1, f64x2.mul(w1, v));
        t2 = f64x2.add(t2, f64x2.mul(w2, v));
        t3 = f64x2.add(t3, f64x2.mul(w3, v));
      }
    }
    const zj = z0 + (<usize>jb << 3);
    v128.store(zj, s0, 0);
    v128.store(zj, s1, 16);
    v128.store(zj, s2, 32);
    v128.store(zj, s3, 48);
    const yj = z1 + (<usize>jb << 3);
    v128.store(yj, t0, 0);
    v128.store(yj, t1, 16);
    v128.store(yj, t2, 32);
    v128.store(yj, t3, 48);
  }
}

/**
 * The float32 input row at `row` widened into `a`, and the indices of its non-zero features
 * listed (ascending) in idx; returns how many there are.
 */
function widen(row: usize, n: i32, a: usize, idx: usize): i32 {
  let nz: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v = <f64>load<f32>(row + (<usize>i << 2));
    store<f64>(a + (<usize>i << 3), v);
    store<i32>(idx + (<usize>nz << 2), i);
    nz += i32(v != 0);
  }
  return nz;
}

/** a = max(z, 0) as Network.forward's relu (z > 0 ? z : +0), over n units; marks alive units. */
function relu(z: usize, n: i32, a: usize, alive: usize): void {
  for (let j: i32 = 0; j < n; j++) {
    const v = load<f64>(z + (<usize>j << 3));
    if (v > 0) {
      store<f64>(a + (<usize>j << 3), v);
      if (alive != 0) store<u8>(alive + <usize>j, 1);
    } else store<f64>(a + (<usize>j << 3), 0);
  }
}

/** The hidden layers and the output layer of one input whose first layer's z is at z (scratch a, z2 free). */
function rest(table: usize, L: i32, z: usize, a: usize, z2: usize, idx: usize, out: usize, alive: usize): void {
  let cur = z;
  let other = z2;
  let mark = alive;
  for (let l: i32 = 1; l < L; l++) {
    const nOutPrev = load<i32>(table + (<usize>l << 4)); // this layer's nIn = the last one's nOut
    relu(cur, nOutPrev, a, mark);
    if (mark != 0) mark += <usize>nOutPrev;
    const t = table + (<usize>l << 4);
    layerSparse(a, load<i32>(t), <usize>load<i32>(t, 8), <usize>load<i32>(t, 12), load<i32>(t, 4), other, idx);
    const swap = cur;
    cur = other;
    other = swap;
  }
  memory.copy(out, cur, <usize>load<i32>(table + (<usize>(L - 1) << 4), 4) << 3);
}

/**
 * Runs `count` inputs (float32 rows at `rows`) through the L-layer network of `table`, writing
 * each input's output layer (nPad float64 of the last layer) to `out` and marking alive hidden
 * units in `alive` (0: do not mark). `scratch` holds 4 × width float64, then 2 × width i32.
 */
export function forward(table: usize, L: i32, rows: usize, count: i32, out: usize, alive: usize, scratch: usize, width: i32): void {
  const w8 = <usize>width << 3;
  const a0 = scratch;
  const a1 = scratch + w8;
  const z0 = scratch + 2 * w8;
  const z1 = scratch + 3 * w8;
  const idx = scratch + 4 * w8;
  const idx1 = idx + (<usize>width << 2);
  const n = load<i32>(table);
  const nPad0 = load<i32>(table, 4);
  const W0 = <usize>load<i32>(table, 8);
  const b0 = <usize>load<i32>(table, 12);
  const nPadL = load<i32>(table + (<usize>(L - 1) << 4), 4);
  const outStride = <usize>nPadL << 3;
  const rowStride = <usize>n << 2;
  let s: i32 = 0;
  while (s < count) {
    const r0 = rows + <usize>s * rowStride;
    const o0 = out + <usize>s * outStride;
    const nz0 = widen(r0, n, a0, idx);
    if (s + 1 < count && nz0 * 2 >= n) {
      const nz1 = widen(r0 + rowStride, n, a1, idx1);
      if (nz1 * 2 >= n) {
        // Both dense: the first layer of the pair together, the rest one at a time.
        layerPair(a0, a1, n, W0, b0, nPad0, z0, z1);
        rest(table, L, z0, a0, a1, idx, o0, alive);
        rest(table, L, z1, a0, a1, idx, o0 + outStride, alive);
        s += 2;
        continue;
      }
    }
    layerListed(a0, n, W0, b0, nPad0, z0, idx, nz0);
    rest(table, L, z0, a0, z1, idx, o0, alive);
    s += 1;
  }
}
