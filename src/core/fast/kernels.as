// AssemblyScript source of the fast engine's WebAssembly SIMD kernels (one model per
// instance). `npm run build:wasm` compiles it (src/core/fast/build-wasm.mjs) into the
// base64 module src/core/fast/kernels-wasm.ts. The algebra is docs/METHOD.md §2–4 exactly; what
// differs from the reference path (src/core/model.ts + rules) is only the layout:
//
// - Layer 0 is stored input-major: for input feature i one contiguous run of P weights
//   (P = n_out padded to a multiple of 8), so the sparse forward z += a_i·W[i,:] over the
//   non-zero inputs and the sparse update are contiguous SIMD multiply-adds.
// - DWM layer 0 keeps every row as scale × vector: W1[j,:] = s1_j·V1[:,j], W2 likewise.
//   The pull (1 − r)·row + r·a becomes s ← (1 − r)s, V ← V + (r/s)·a on the non-zero
//   inputs only. A scale below `renormBelow` is folded back into its vector. Per input i
//   the memory holds [V1[i, 0..P) | V2[i, 0..P)].
// - sgd / l2 / weight-decay layer 0 is σ·U with one scale σ per layer, so the decay of
//   l2 and weight-decay is one multiply; ‖U‖² is updated from the forward sum Uᵀa.
// - Layers ≥ 1 (small) are row-major n_out × nInP (nInP = previous P), effective weights
//   materialised, updated densely by rows as in the reference.
// - momentum, adam and sgd-gated-decay keep layer 0 as plain U (σ = 1) and update every layer
//   densely at every step, with no deferred update: their state (velocity, moments) moves every
//   weight whatever the input, and the gated decay scales whole rows. Their state lies beside
//   the weights in the same layout (F_ST).
// Everything is float64, as in the reference, except that layer 0's weights, inputs and
// update coefficients use the lane type L0: f64 in the `fast` module, f32 in `fast32`
// (build-wasm.mjs substitutes the type), which halves the memory traffic and doubles the
// lanes per SIMD operation at float32 rounding. Blocks are one 64-byte cache line.

type L0 = f64;
const LB: usize = sizeof<L0>(); // bytes per layer-0 lane
const BL: usize = 64 / LB; // layer-0 lanes per 64-byte block

// Method codes: the `method` argument of init(). kernel-methods.ts mirrors them for the rules'
// `kernel` fields; a test checks that the two agree.
const SGD: i32 = 0;
const L2: i32 = 1;
const WD: i32 = 2;
const DWM: i32 = 3;
const DWM_STABLE: i32 = 4;
const MOMENTUM: i32 = 5;
const ADAM: i32 = 6;
const GATED: i32 = 7;

// Layer table: 20 fields of 4 bytes per layer.
const F_NIN: usize = 0;
const F_NOUT: usize = 4;
const F_P: usize = 8;
const F_NINP: usize = 12;
const F_W: usize = 16; // layer 0: V (dwm) or U; layers ≥ 1: effective W
const F_W1: usize = 20;
const F_W2: usize = 24;
const F_B: usize = 28;
const F_Z: usize = 32;
const F_ACT: usize = 36; // output activations (ReLU of z; z itself for the last layer)
const F_DELTA: usize = 40;
const F_S1: usize = 44;
const F_S2: usize = 48;
const F_A: usize = 52;
const F_C1: usize = 56;
const F_C2: usize = 60;
const F_NORMSQ: usize = 64; // layers ≥ 1, l2: ‖W‖² (f64 at this address)
const F_WT: usize = 72; // layers ≥ 1: effective W transposed (input-major nInP × P) for evaluation
const F_MASK: usize = 76; // hidden layers: this step's dropout multipliers (P f64), written by the caller
const F_ST: usize = 80; // momentum / adam: the state [m | v] of W (layout of W), then [mb | vb] of b (P f64 each)
const ROW: usize = 88; // a multiple of 8, so F_NORMSQ stays 8-byte aligned in every row

let nLayers: i32 = 0;
let table: usize = 0;
let method: i32 = 0;
let lossKind: i32 = 0; // 0 softmax cross-entropy, 1 mse
let lambda: f64 = 0;
let renormBelow: f64 = 0;
let sigma: f64 = 1; // layer-0 scale of sgd-family models
let sumsq: f64 = 0; // ‖U‖² of layer 0 (l2)
let steps: i32 = 0;
// Training-time options (docs/METHOD.md §7), set by setTrain(); all off = the paper's step.
let dropout: bool = false; // multiply hidden activations and their δ by F_MASK
let smoothing: f64 = 0; // label smoothing ε of softmax cross-entropy
let maxNormC: f64 = 0; // max-norm bound on every unit's incoming row (0 = none)
let normSq: usize = 0; // max-norm scratch: one f64 per layer-0 unit
let normScale: usize = 0; // max-norm: per layer-0 lane the factor (f64), then whether it applies (i64 all ones or 0)
// Dropout masks drawn in the module (setDropStream): the model's dropout stream, a xoshiro128**
// generator whose state the caller takes from src/core/rng.ts (Rng.state()), drawn as
// TrainDraws.fillMasks draws (one uniform per hidden unit, layer by layer: 0 below p, else
// 1/(1 − p)). Off (the caller writes F_MASK, or trainSteps copies its masks) until set.
let drawMasks: bool = false;
let xa: u32 = 0;
let xb: u32 = 0;
let xc: u32 = 0;
let xd: u32 = 0;
let dropP: f64 = 0;
let keepScale: f64 = 1;
// Hyperparameters of momentum (h0 = β, h1 = nesterov 0/1) and adam (h0 = β1, h1 = β2, h2 = ε,
// h3 = decoupled weight decay), set by setParams() after init(); b1t, b2t = β1^t, β2^t.
let h0: f64 = 0;
let h1: f64 = 0;
let h2: f64 = 0;
let h3: f64 = 0;
let b1t: f64 = 1;
let b2t: f64 = 1;

let inputF32: usize = 0; // n_in float32: the sample the caller copies in
let sample: usize = 0; // the float32 sample the current step trains on: inputF32, or a row of trainSteps' table
// trainSteps' progress: the run's step index after the last step stored (an i32), written with
// atomic stores into the module's shared memory so that another thread (src/experiment/pool.ts)
// can read it while a call runs; progressAt() gives its address.
const progressCell: usize = memory.data(4, 4);
const PROGRESS_MASK: i32 = 255; // stored after every 256th step of a call, and at its start and end
let aC: usize = 0; // compacted non-zero input values (f64)
let idx: usize = 0; // their indices (i32)
let nnz: i32 = 0;
// The last step's layer-0 update V[i, :] += c·a_i, deferred so that the next forward pass,
// which reads the same rows, applies it to each row just before reading it: the row then
// comes from memory once per step instead of twice (layer 0 of CIFAR-10 shape does not fit
// in L2). Rows are independent and each gets exactly the operations it would have got, so
// the numbers do not change. Its input (values, indices) is the previous aC / idx, swapped
// out; its coefficients are layer 0's [c1 | c2] (or c) and their non-zero vectors `vecs`.
let aCP: usize = 0;
let idxP: usize = 0;
let pendRows: i32 = 0; // rows of aCP / idxP still owed the update (0: nothing pending)
let pendNext: i32 = 0; // the first of them not yet applied
let pendVec: i32 = 0; // how many vectors `vecs` lists
let pendC: usize = 0; // layer 0's coefficients [c1 | c2] or c
let pendM: usize = 0; // layer 0's matrix and its row stride in bytes
let pendStride: usize = 0;
let idle: usize = 0; // byte offsets of the 16-byte vectors of the coefficients that are all zero (i32)
let idleVec: i32 = 0;
// sgd-gated-decay moves every row of layer 0 at every step (keep·W − η δ·a). On wide dense inputs
// (layer 0 past DEFER_BYTES, this sample at least half non-zero, no max-norm) that update too is
// left to the next forward pass (pendDense; pendRows = n_in, pendNext the first row not yet
// moved), which moves each row, with exactly the operations of the immediate update, just before
// it reads it (sumRowsGated): U comes from memory once per step instead of twice. The update's
// input is the float32 sample it was computed on, copied to prevA; its coefficients are layer 0's
// C1 (−η·δ) and C2 (the keep factors 1 − η|δ|). (momentum and adam gain nothing from this: their
// step is bound by its arithmetic, not by the second pass over U; measured, not kept.)
let pendDense: bool = false;
let prevA: usize = 0;
const DEFER_BYTES: usize = 16384;
let liveBytes: usize = 0; // bytes of a layer-0 row that hold real units (n_out lanes), rounded up to 16
let acc: usize = 0; // layer-0 sums, [V1ᵀa | V2ᵀa] (dual) or Uᵀa: 2P f64
let vecs: usize = 0; // byte offsets of the 16-byte vectors with a non-zero update coefficient (i32)
let evalW: usize = 0; // layer-0 effective weights for evaluation, input-major n_in × P
let rowsF32: usize = 0; // evaluation block: rows × n_in float32
let rowsY: usize = 0; // evaluation block targets (f32)
// The evaluation block's rows by their non-zero inputs (classifyListedRows): row r's are entries
// csrOff[r] … csrOff[r + 1] − 1 of csrIdx (i32 input indices, ascending) and csrVal (f64 values).
let csrOff: usize = 0;
let csrIdx: usize = 0;
let csrVal: usize = 0;
let maxRows: i32 = 0;
let xs4: usize = 0; // evaluation, dense path: four input rows in L0 lanes
let z4: usize = 0; // their layer-0 sums, four × P0 L0 lanes
let zq: usize = 0; // narrow nets' evaluation four rows at a time (narrow4): two sets of four z vectors of the widest layer (f64)
let zqStride: usize = 0; // bytes of one z vector there
let hC: usize = 0; // evaluation, layers ≥ 1: positive activations (f64) and their indices (i32)
let hIdx: usize = 0;
let compress: usize = 0; // 16 shuffles of 16 bytes: lanes of a 4-bit mask moved to the front
// Classification in float32 with a float64 fallback (classifyRows; `fast` module only):
let evalW32: usize = 0; // evalW rounded to float32, same layout
let aC32: usize = 0; // the gathered non-zero inputs as float32 (indices in idx)
let sums32: usize = 0; // one block's float32 layer-0 sums (P0 lanes)
let sums64: usize = 0; // layer-0 sums of a recomputed dense row (P0 f64)
let bound: usize = 0; // (nLayers + 1) vectors of the output width: the bound's coefficients (see prepareMixed)
let bound0: usize = 0; // layer 0's bound per unit: α0 (per unit of ‖x‖), then c0 (constant), P0 f64 each
let boundTmp: usize = 0; // two scratch vectors of the widest layer
let widestBytes: usize = 0;
let trace: usize = 0; // traceRow's output: four vectors of the output width
let rowsClassified: f64 = 0; // rows classifyRows has scored, and those of them recomputed in float64
let rowsRecomputed: f64 = 0;

function fld(l: i32, f: usize): usize {
  return <usize>load<i32>(table + <usize>l * ROW + f);
}

/** Bytes per layer-0 lane: 8 in the `fast` module, 4 in `fast32`. */
export function layer0Bytes(): i32 { return <i32>LB; }

/**
 * Zeroed memory aligned to a 64-byte cache line, so an 8-lane f64 block is one line. Called
 * from begin(), init() and reserve() (trainSteps' tables, which the caller makes once per
 * model); a step or an evaluation never grows the memory.
 */
function alloc(bytes: usize): usize {
  const raw = heap.alloc(((bytes + 63) & ~63) + 64);
  const p = (raw + 63) & ~63;
  memory.fill(p, 0, bytes);
  return p;
}

/**
 * Zeroes `bytes` (a multiple of 16) at p. For the small buffers cleared every step or every
 * evaluated sample a loop of vector stores beats memory.fill, which V8 runs as a call out of the
 * module.
 */
function zero(p: usize, bytes: usize): void {
  const z = v128.splat<i32>(0);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(p + o, z);
}

export function begin(layers: i32): void {
  nLayers = layers;
  table = alloc(<usize>layers * ROW);
}

export function setLayer(l: i32, nIn: i32, nOut: i32): void {
  const t = table + <usize>l * ROW;
  store<i32>(t + F_NIN, nIn);
  store<i32>(t + F_NOUT, nOut);
  const pad = l == 0 ? <i32>BL : 8;
  store<i32>(t + F_P, (nOut + pad - 1) / pad * pad);
}

/** Lays out every buffer; weights start at 0 (the caller writes the initial network). */
export function init(methodCode: i32, loss: i32, lam: f64, renorm: f64, evalRows: i32): void {
  method = methodCode;
  lossKind = loss;
  lambda = lam;
  renormBelow = renorm;
  const dual = method == DWM || method == DWM_STABLE;
  const nIn0 = <usize>fld(0, F_NIN);
  inputF32 = alloc(nIn0 * 4);
  aC = alloc((nIn0 + 4) * LB); // + 4 lanes: gather stores whole 4-lane groups
  idx = alloc((nIn0 + 4) * 4);
  aCP = alloc((nIn0 + 4) * LB);
  idxP = alloc((nIn0 + 4) * 4);
  prevA = alloc(nIn0 * 4);
  pendRows = 0;
  pendNext = 0;
  pendDense = false;
  liveBytes = (<usize>fld(0, F_NOUT) * LB + 15) & ~15;
  let widest: usize = 0;
  for (let l = 0; l < nLayers; l++) widest = max(widest, <usize>fld(l, F_P));
  hC = alloc(widest * 8);
  hIdx = alloc(widest * 4);
  compress = alloc(256);
  for (let m = 0; m < 16; m++) {
    let lane = 0;
    for (let e = 0; e < 4; e++) {
      if ((m >> e) & 1) {
        for (let b = 0; b < 4; b++) store<u8>(compress + <usize>(m * 16 + lane * 4 + b), <u8>(e * 4 + b));
        lane++;
      }
    }
    for (; lane < 4; lane++) for (let b = 0; b < 4; b++) store<u8>(compress + <usize>(m * 16 + lane * 4 + b), 0xff);
  }
  const P0 = <usize>fld(0, F_P);
  acc = alloc(P0 * 2 * LB);
  vecs = alloc(P0 * LB * 2 / 16 * 4);
  idle = alloc(P0 * LB * 2 / 16 * 4);
  maxRows = evalRows;
  rowsF32 = alloc(<usize>evalRows * nIn0 * 4);
  rowsY = alloc(<usize>evalRows * 4);
  xs4 = alloc(4 * nIn0 * LB);
  z4 = alloc(4 * <usize>fld(0, F_P) * LB);
  zqStride = widest * 8;
  zq = alloc(8 * zqStride);
  if (LB == 8) {
    evalW32 = alloc(nIn0 * P0 * 4);
    aC32 = alloc((nIn0 + 4) * 4);
    sums32 = alloc(P0 * 4);
    sums64 = alloc(P0 * 8);
    bound = alloc(<usize>(nLayers + 1) * <usize>fld(nLayers - 1, F_P) * 8);
    bound0 = alloc(2 * P0 * 8);
    trace = alloc(4 * <usize>fld(nLayers - 1, F_P) * 8);
    boundTmp = alloc(2 * widest * 8);
    widestBytes = widest * 8;
  }
  for (let l = 0; l < nLayers; l++) {
    const t = table + <usize>l * ROW;
    const nIn = fld(l, F_NIN);
    const P = fld(l, F_P);
    const nInP = l == 0 ? nIn : fld(l - 1, F_P);
    store<i32>(t + F_NINP, <i32>nInP);
    if (l == 0) {
      store<i32>(t + F_W, <i32>alloc(nIn * P * LB * (dual ? 2 : 1)));
      evalW = alloc(nIn * P * LB);
    } else {
      store<i32>(t + F_W, <i32>alloc(P * nInP * 8));
      store<i32>(t + F_WT, <i32>alloc(P * nInP * 8));
      if (dual) {
        store<i32>(t + F_W1, <i32>alloc(P * nInP * 8));
        store<i32>(t + F_W2, <i32>alloc(P * nInP * 8));
      }
    }
    store<i32>(t + F_B, <i32>alloc(P * 8));
    store<i32>(t + F_Z, <i32>alloc(P * 8));
    store<i32>(t + F_ACT, l + 1 == nLayers ? load<i32>(t + F_Z) : <i32>alloc(P * 8));
    store<i32>(t + F_DELTA, <i32>alloc(P * 8));
    const s1 = alloc(P * 8);
    const s2 = alloc(P * 8);
    const A = alloc(P * 8);
    for (let j: usize = 0; j < P; j++) {
      store<f64>(s1 + j * 8, 1);
      store<f64>(s2 + j * 8, 1);
      store<f64>(A + j * 8, 1);
    }
    store<i32>(t + F_S1, <i32>s1);
    store<i32>(t + F_S2, <i32>s2);
    store<i32>(t + F_A, <i32>A);
    const c = alloc(P * 2 * LB); // layer 0 only: [c1 | c2] in L0 lanes
    store<i32>(t + F_C1, <i32>c);
    store<i32>(t + F_C2, <i32>(c + P * LB));
    store<i32>(t + F_MASK, <i32>alloc(P * 8));
    if (method == MOMENTUM || method == ADAM) {
      const wBytes = l == 0 ? nIn * P * LB : P * nInP * 8;
      store<i32>(t + F_ST, <i32>alloc(2 * wBytes + 2 * P * 8));
    }
  }
  normSq = alloc(P0 * 8);
  normScale = alloc(P0 * 16);
  if (LB == 8) {
    csrOff = alloc((<usize>evalRows + 1) * 4);
    csrIdx = alloc(<usize>evalRows * nIn0 * 4);
    csrVal = alloc(<usize>evalRows * nIn0 * 8);
  }
  dropout = false;
  drawMasks = false;
  smoothing = 0;
  maxNormC = 0;
  b1t = 1;
  b2t = 1;
  sigma = 1;
  steps = 0;
  rowsClassified = 0;
  rowsRecomputed = 0;
}

export function tablePtr(): usize { return table; }
/** Bytes of one layer's row of the table (FastModel reads fields at tablePtr() + l * tableRowBytes() + field). */
export function tableRowBytes(): i32 { return <i32>ROW; }
export function inputPtr(): usize { return inputF32; }
export function rowsPtr(): usize { return rowsF32; }
export function rowsYPtr(): usize { return rowsY; }
export function csrOffPtr(): usize { return csrOff; }
export function csrIdxPtr(): usize { return csrIdx; }
export function csrValPtr(): usize { return csrVal; }
export function getSigma(): f64 { return sigma; }

/**
 * Switches on the training-time options after init(): dropout (the caller writes each hidden
 * layer's multipliers at F_MASK before every step), label smoothing ε, max-norm bound c.
 */
export function setTrain(drop: bool, eps: f64, c: f64): void {
  dropout = drop;
  smoothing = eps;
  maxNormC = c;
}

/**
 * Dropout masks from here on drawn in the module, before every step, from the xoshiro128**
 * state (a, b, c, d) with drop probability p and kept-unit scale keep = 1/(1 − p) (the caller
 * computes it, so it is its float64 value).
 */
export function setDropStream(a: u32, b: u32, c: u32, d: u32, p: f64, keep: f64): void {
  xa = a;
  xb = b;
  xc = c;
  xd = d;
  dropP = p;
  keepScale = keep;
  drawMasks = true;
}

/** The dropout stream's state word k (0–3), for the caller to check or carry on the stream. */
export function dropState(k: i32): u32 {
  return k == 0 ? xa : k == 1 ? xb : k == 2 ? xc : xd;
}

/** Next unsigned 32-bit draw of xoshiro128** (src/core/rng.ts nextU32). */
@inline function nextU32(): u32 {
  const result = rotl<u32>(xb * 5, 7) * 9;
  const t = xb << 9;
  xc ^= xa;
  xd ^= xb;
  xb ^= xc;
  xa ^= xd;
  xc ^= t;
  xd = rotl<u32>(xd, 11);
  return result;
}

/** This step's dropout multipliers of every hidden layer into F_MASK (TrainDraws.fillMasks' draws). */
function fillMasks(): void {
  for (let l = 0; l + 1 < nLayers; l++) {
    const m = fld(l, F_MASK);
    const n = <usize>fld(l, F_NOUT);
    for (let j: usize = 0; j < n; j++) {
      // Rng.uniform: 27 high bits, then 26, as a double in [0, 1) (every step exact).
      const hi = <f64>(nextU32() >>> 5);
      const lo = <f64>(nextU32() >>> 6);
      const u = (hi * 67108864 + lo) / 9007199254740992;
      store<f64>(m + j * 8, u < dropP ? 0 : keepScale);
    }
  }
}

/** The hyperparameters of momentum (β, nesterov) or adam (β1, β2, ε, weight decay); after init(). */
export function setParams(p0: f64, p1: f64, p2: f64, p3: f64): void {
  h0 = p0;
  h1 = p1;
  h2 = p2;
  h3 = p3;
}

/** After the caller wrote the initial weights: norms the l2 rule needs. */
export function ready(): void {
  if (method == L2) {
    sumsq = sumSquaresL0(fld(0, F_W), fld(0, F_NIN) * fld(0, F_P));
    for (let l = 1; l < nLayers; l++) {
      const t = table + <usize>l * ROW;
      store<f64>(t + F_NORMSQ, sumSquares(fld(l, F_W), fld(l, F_P) * fld(l, F_NINP)));
    }
  }
}

function sumSquares(p: usize, n: usize): f64 {
  let acc = f64x2.splat(0);
  for (let k: usize = 0; k < n; k += 2) {
    const v = v128.load(p + k * 8);
    acc = f64x2.add(acc, f64x2.mul(v, v));
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Σ v² over n layer-0 lanes, summed in f64. */
function sumSquaresL0(p: usize, n: usize): f64 {
  let total: f64 = 0;
  for (let k: usize = 0; k < n; k++) {
    const v = <f64>load<L0>(p + k * LB);
    total += v * v;
  }
  return total;
}

// ---------------------------------------------------------------- forward

/**
 * Non-zero entries of the float32 sample at `src` (n values) into aC / idx, in input order.
 * Four inputs at a time: the bitmask of the non-zero lanes picks a shuffle that moves them
 * to the front; the whole group is stored and the write position advances by their count.
 */
function gather(src: usize, n: i32): void {
  let k = 0;
  let i = 0;
  const zero = f32x4.splat(0);
  let lanes = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const mask = i32x4.bitmask(f32x4.ne(v, zero));
    if (mask != 0) {
      const sh = v128.load(compress + (<usize>mask << 4));
      const cv = i8x16.swizzle(v, sh);
      v128.store(idx + (<usize>k << 2), i8x16.swizzle(lanes, sh));
      if (LB == 8) {
        v128.store(aC + (<usize>k << 3), f64x2.promote_low_f32x4(cv));
        v128.store(aC + (<usize>k << 3), f64x2.promote_low_f32x4(v128.shuffle<i32>(cv, cv, 2, 3, 2, 3)), 16);
      } else {
        v128.store(aC + (<usize>k << 2), cv);
      }
      k += <i32>popcnt<i32>(mask);
    }
    lanes = i32x4.add(lanes, four);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(src + (<usize>i << 2));
    if (v != 0) {
      store<L0>(aC + <usize>k * LB, <L0>v);
      store<i32>(idx + (<usize>k << 2), i);
      k++;
    }
  }
  nnz = k;
}

/**
 * out[0..width) = Σ_k aC[k]·M[idx[k]·stride + 0..width) in L0 lanes: streams each non-zero
 * input's row of the input-major matrix once, four rows per pass over the accumulator. In
 * training M is layer 0, and the last step's pending update is applied to every row before
 * the row is read (while it is in L1 for the read that follows), the rest at the end.
 */
function sumRows(M: usize, stride: usize, width: usize, out: usize): void {
  // A sparse input (MNIST) shares few rows with the last one: apply the update at once then.
  if (<usize>nnz * 2 < fld(0, F_NIN)) flush();
  zero(out, width * LB);
  const end = width * LB;
  let k = 0;
  for (; k + 4 <= nnz; k += 4) {
    const ik = idx + (<usize>k << 2);
    const ak = aC + <usize>k * LB;
    const r0 = M + <usize>load<i32>(ik) * stride;
    const r1 = M + <usize>load<i32>(ik, 4) * stride;
    const r2 = M + <usize>load<i32>(ik, 8) * stride;
    const r3 = M + <usize>load<i32>(ik, 12) * stride;
    if (pendNext < pendRows) {
      const first = load<i32>(ik);
      if (load<i32>(idxP + (<usize>pendNext << 2)) < first) applyPending(first - 1);
      // The next four pending rows are these four (dense inputs): update and read them in one pass.
      if (pendNext + 4 <= pendRows && i32x4.all_true(i32x4.eq(v128.load(ik), v128.load(idxP + (<usize>pendNext << 2))))) {
        sumGroupApplying(r0, r1, r2, r3, ak, out);
        continue;
      }
      applyPending(load<i32>(ik, 12));
    }
    sumFour(r0, r1, r2, r3, ak, out, 0, end);
  }
  for (; k < nnz; k++) {
    if (pendNext < pendRows) applyPending(load<i32>(idx + (<usize>k << 2)));
    sumOne(M + <usize>load<i32>(idx + (<usize>k << 2)) * stride, aC + <usize>k * LB, out, end);
  }
  flush();
}

/** out[from..end) (bytes) += the four rows r0..r3 times aC's four values at ak, in sumRows' order. */
// @ts-ignore: decorator
@inline
function sumFour(r0: usize, r1: usize, r2: usize, r3: usize, ak: usize, out: usize, from: usize, end: usize): void {
  const a0 = v128.splat<L0>(load<L0>(ak));
  const a1 = v128.splat<L0>(load<L0>(ak + LB));
  const a2 = v128.splat<L0>(load<L0>(ak + 2 * LB));
  const a3 = v128.splat<L0>(load<L0>(ak + 3 * LB));
  for (let j: usize = from; j < end; j += 32) {
    const t = v128.add<L0>(
      v128.add<L0>(v128.mul<L0>(v128.load(r0 + j), a0), v128.mul<L0>(v128.load(r1 + j), a1)),
      v128.add<L0>(v128.mul<L0>(v128.load(r2 + j), a2), v128.mul<L0>(v128.load(r3 + j), a3)));
    const u = v128.add<L0>(
      v128.add<L0>(v128.mul<L0>(v128.load(r0 + j, 16), a0), v128.mul<L0>(v128.load(r1 + j, 16), a1)),
      v128.add<L0>(v128.mul<L0>(v128.load(r2 + j, 16), a2), v128.mul<L0>(v128.load(r3 + j, 16), a3)));
    v128.store(out + j, v128.add<L0>(v128.load(out + j), t));
    v128.store(out + j, v128.add<L0>(v128.load(out + j, 16), u), 16);
  }
}

/** out[0..end) (bytes) += row r0 times the value at ak. */
// @ts-ignore: decorator
@inline
function sumOne(r0: usize, ak: usize, out: usize, end: usize): void {
  const a0 = v128.splat<L0>(load<L0>(ak));
  for (let j: usize = 0; j < end; j += 16) {
    v128.store(out + j, v128.add<L0>(v128.load(out + j), v128.mul<L0>(v128.load(r0 + j), a0)));
  }
}

/**
 * sumRows for sgd-gated-decay in training: the same sums, and the rows the last step's dense
 * update (pendDense) still owes are moved first: a group of four non-zero inputs that are the
 * next four rows owed is moved and summed in one pass (gatedGroup); rows
 * before a group are moved alone, and so is a group that is not four consecutive rows, before
 * it is summed; the rows after the last non-zero input, by flush() at the end.
 */
function sumRowsGated(M: usize, stride: usize, width: usize, out: usize): void {
  if (<usize>nnz * 2 < fld(0, F_NIN)) flush();
  zero(out, width * LB);
  const end = width * LB;
  let k = 0;
  for (; k + 4 <= nnz; k += 4) {
    const ik = idx + (<usize>k << 2);
    const ak = aC + <usize>k * LB;
    const i0 = load<i32>(ik);
    const i3 = load<i32>(ik, 12);
    if (pendNext < pendRows) {
      if (pendNext < i0) { gatedRows(<usize>pendNext, <usize>i0, prevA); pendNext = i0; }
      if (i3 == i0 + 3) {
        gatedGroup(M + <usize>i0 * stride, <usize>i0, ak, out);
        pendNext = i0 + 4;
        continue;
      }
      gatedRows(<usize>pendNext, <usize>i3 + 1, prevA);
      pendNext = i3 + 1;
    }
    sumFour(M + <usize>i0 * stride, M + <usize>load<i32>(ik, 4) * stride, M + <usize>load<i32>(ik, 8) * stride, M + <usize>i3 * stride, ak, out, 0, end);
  }
  for (; k < nnz; k++) {
    const i = load<i32>(idx + (<usize>k << 2));
    if (pendNext <= i && pendNext < pendRows) { gatedRows(<usize>pendNext, <usize>i + 1, prevA); pendNext = i + 1; }
    sumOne(M + <usize>i * stride, aC + <usize>k * LB, out, end);
  }
  flush();
}

/**
 * One group of sumRows whose four rows are also the next four pending rows: each vector with a
 * pending coefficient is updated (V += c·a_prev, stored) and then summed from the register, the
 * others are only summed; every lane gets the operations, in the order, of update-then-read.
 */
function sumGroupApplying(r0: usize, r1: usize, r2: usize, r3: usize, ak: usize, out: usize): void {
  const c = pendC;
  const ap = aCP + <usize>pendNext * LB;
  const a0 = v128.splat<L0>(load<L0>(ak));
  const a1 = v128.splat<L0>(load<L0>(ak + LB));
  const a2 = v128.splat<L0>(load<L0>(ak + 2 * LB));
  const a3 = v128.splat<L0>(load<L0>(ak + 3 * LB));
  const p0 = v128.splat<L0>(load<L0>(ap));
  const p1 = v128.splat<L0>(load<L0>(ap + LB));
  const p2 = v128.splat<L0>(load<L0>(ap + 2 * LB));
  const p3 = v128.splat<L0>(load<L0>(ap + 3 * LB));
  for (let q = 0; q < pendVec; q++) {
    const o = <usize>load<i32>(vecs + (<usize>q << 2));
    const g = v128.load(c + o);
    const v0 = v128.add<L0>(v128.load(r0 + o), v128.mul<L0>(g, p0));
    const v1 = v128.add<L0>(v128.load(r1 + o), v128.mul<L0>(g, p1));
    const v2 = v128.add<L0>(v128.load(r2 + o), v128.mul<L0>(g, p2));
    const v3 = v128.add<L0>(v128.load(r3 + o), v128.mul<L0>(g, p3));
    v128.store(r0 + o, v0);
    v128.store(r1 + o, v1);
    v128.store(r2 + o, v2);
    v128.store(r3 + o, v3);
    const t = v128.add<L0>(
      v128.add<L0>(v128.mul<L0>(v0, a0), v128.mul<L0>(v1, a1)),
      v128.add<L0>(v128.mul<L0>(v2, a2), v128.mul<L0>(v3, a3)));
    v128.store(out + o, v128.add<L0>(v128.load(out + o), t));
  }
  for (let q = 0; q < idleVec; q++) {
    const o = <usize>load<i32>(idle + (<usize>q << 2));
    const t = v128.add<L0>(
      v128.add<L0>(v128.mul<L0>(v128.load(r0 + o), a0), v128.mul<L0>(v128.load(r1 + o), a1)),
      v128.add<L0>(v128.mul<L0>(v128.load(r2 + o), a2), v128.mul<L0>(v128.load(r3 + o), a3)));
    v128.store(out + o, v128.add<L0>(v128.load(out + o), t));
  }
  pendNext += 4;
}

/**
 * Lists the 16-byte vectors of c[0..width) (L0 lanes) that hold a non-zero value in `vecs`, the
 * others in `idle` (idleVec of them); returns how many are non-zero.
 */
function activeVectors(c: usize, width: usize): i32 {
  let n = 0;
  let m = 0;
  const end = width * LB;
  for (let o: usize = 0; o < end; o += 16) {
    store<i32>(vecs + (<usize>n << 2), <i32>o);
    store<i32>(idle + (<usize>m << 2), <i32>o);
    const on = <i32>v128.any_true(v128.load(c + o));
    n += on;
    m += 1 - on;
  }
  idleVec = m;
  return n;
}

/**
 * Makes this step's layer-0 update V[idx[k]·stride + o] += c[o]·aC[k] (c = layer 0's [c1 | c2]
 * or c, the vectors o listed in `vecs`, `nVec` of them) pending: the next forward pass, or
 * flush(), applies it. Only the 16-byte vectors with a non-zero coefficient are visited: dead
 * units are skipped and, for DWM, where each unit's update goes to one side only, so are the
 * zero vectors of [c1 | c2] (about 4 in 10 in float64).
 */
function defer(nVec: i32): void {
  let t = aC; aC = aCP; aCP = t;
  t = idx; idx = idxP; idxP = t;
  pendRows = nnz;
  pendNext = 0;
  pendVec = nVec;
  pendC = fld(0, F_C1);
  pendM = fld(0, F_W);
  pendStride = <usize>fld(0, F_P) * LB * (method == DWM || method == DWM_STABLE ? 2 : 1);
}

/** Applies the pending update to its rows with index ≤ `limit` not yet done (rows in input order); two rows per pass. */
function applyPending(limit: i32): void {
  const M = pendM;
  const stride = pendStride;
  const c = pendC;
  const nVec = pendVec;
  let k = pendNext;
  for (; k + 2 <= pendRows && load<i32>(idxP + (<usize>k << 2), 4) <= limit; k += 2) {
    const ik = idxP + (<usize>k << 2);
    const ak = aCP + <usize>k * LB;
    const row0 = M + <usize>load<i32>(ik) * stride;
    const row1 = M + <usize>load<i32>(ik, 4) * stride;
    const a0 = v128.splat<L0>(load<L0>(ak));
    const a1 = v128.splat<L0>(load<L0>(ak + LB));
    for (let q = 0; q < nVec; q++) {
      const o = <usize>load<i32>(vecs + (<usize>q << 2));
      const g = v128.load(c + o);
      v128.store(row0 + o, v128.add<L0>(v128.load(row0 + o), v128.mul<L0>(g, a0)));
      v128.store(row1 + o, v128.add<L0>(v128.load(row1 + o), v128.mul<L0>(g, a1)));
    }
  }
  // At most one more row can qualify: the pair test failed on its partner or on the count.
  if (k < pendRows && load<i32>(idxP + (<usize>k << 2)) <= limit) {
    const row = M + <usize>load<i32>(idxP + (<usize>k << 2)) * stride;
    const av = v128.splat<L0>(load<L0>(aCP + <usize>k * LB));
    for (let q = 0; q < nVec; q++) {
      const o = <usize>load<i32>(vecs + (<usize>q << 2));
      v128.store(row + o, v128.add<L0>(v128.load(row + o), v128.mul<L0>(v128.load(c + o), av)));
    }
    k++;
  }
  pendNext = k;
}

/** Applies whatever layer-0 update is pending: before anything but the forward pass reads layer 0. */
export function flush(): void {
  if (pendRows == 0) return;
  if (pendDense) gatedRows(<usize>pendNext, <usize>pendRows, prevA);
  else applyPending(i32.MAX_VALUE);
  pendRows = 0;
  pendNext = 0;
  pendDense = false;
}

/** DWM layer 0: z = b + s1 ⊙ (V1ᵀa) − s2 ⊙ (V2ᵀa); one pass over [V1 | V2] rows. */
function forward0Dual(): void {
  const nOut = fld(0, F_NOUT);
  const P = fld(0, F_P);
  const b = fld(0, F_B);
  const s1 = fld(0, F_S1);
  const s2 = fld(0, F_S2);
  const z = fld(0, F_Z);
  sumRows(fld(0, F_W), P * 2 * LB, P * 2, acc);
  let j: usize = 0;
  if (LB == 8) {
    // Two units per f64x2, each lane (b + s1·Σ1) − s2·Σ2 as below.
    const acc2 = acc + P * 8;
    for (; j + 2 <= <usize>nOut; j += 2) {
      const o = j * 8;
      v128.store(z + o, f64x2.sub(f64x2.add(v128.load(b + o), f64x2.mul(v128.load(s1 + o), v128.load(acc + o))),
        f64x2.mul(v128.load(s2 + o), v128.load(acc2 + o))));
    }
  }
  for (; j < <usize>nOut; j++) {
    store<f64>(z + j * 8, load<f64>(b + j * 8) + load<f64>(s1 + j * 8) * <f64>load<L0>(acc + j * LB)
      - load<f64>(s2 + j * 8) * <f64>load<L0>(acc + (P + j) * LB));
  }
}

/** Layer 0 with one scale: z = b + scale·(Mᵀa). */
function forward0Scaled(M: usize, scale: f64): void {
  const P = fld(0, F_P);
  sumRows(M, P * LB, P, acc);
  setZ0(acc, scale);
}

/** Layer 0's z = b + scale·sums, from sums in L0 lanes. */
function setZ0(sums: usize, scale: f64): void {
  const nOut = fld(0, F_NOUT);
  const z = fld(0, F_Z);
  const b = fld(0, F_B);
  let j: usize = 0;
  if (LB == 8) {
    const sv = f64x2.splat(scale);
    for (; j + 2 <= <usize>nOut; j += 2) {
      const o = j * 8;
      v128.store(z + o, f64x2.add(v128.load(b + o), f64x2.mul(sv, v128.load(sums + o))));
    }
  }
  for (; j < <usize>nOut; j++) {
    store<f64>(z + j * 8, load<f64>(b + j * 8) + scale * <f64>load<L0>(sums + j * LB));
  }
}

function relu(l: i32): void {
  const P = fld(l, F_P);
  const z = fld(l, F_Z);
  const a = fld(l, F_ACT);
  const zv = f64x2.splat(0);
  // P is a multiple of 8; each lane v > 0 ? v : +0 (NaN and −0 give +0).
  for (let o: usize = 0; o < P * 8; o += 16) {
    const v = v128.load(z + o);
    v128.store(a + o, v128.and(v, f64x2.gt(v, zv)));
  }
}

/** Layers ≥ 1: z_j = b_j + W[j,:]·a, row-major, dense over the padded input; two rows per pass. */
function forwardDense(l: i32): void {
  const nOut = fld(l, F_NOUT);
  const nInP = fld(l, F_NINP);
  const W = fld(l, F_W);
  const b = fld(l, F_B);
  const z = fld(l, F_Z);
  const a = fld(l - 1, F_ACT);
  const rowBytes = nInP * 8;
  let j: usize = 0;
  for (; j + 2 <= nOut; j += 2) {
    const r0 = W + j * rowBytes;
    const r1 = r0 + rowBytes;
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let d0 = f64x2.splat(0);
    let d1 = f64x2.splat(0);
    let i: usize = 0;
    for (; i + 32 <= rowBytes; i += 32) {
      const x0 = v128.load(a + i);
      const x1 = v128.load(a + i, 16);
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r0 + i), x0));
      c1 = f64x2.add(c1, f64x2.mul(v128.load(r0 + i, 16), x1));
      d0 = f64x2.add(d0, f64x2.mul(v128.load(r1 + i), x0));
      d1 = f64x2.add(d1, f64x2.mul(v128.load(r1 + i, 16), x1));
    }
    for (; i < rowBytes; i += 16) {
      const x0 = v128.load(a + i);
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r0 + i), x0));
      d0 = f64x2.add(d0, f64x2.mul(v128.load(r1 + i), x0));
    }
    c0 = f64x2.add(c0, c1);
    d0 = f64x2.add(d0, d1);
    store<f64>(z + j * 8, load<f64>(b + j * 8) + (f64x2.extract_lane(c0, 0) + f64x2.extract_lane(c0, 1)));
    store<f64>(z + j * 8, load<f64>(b + j * 8, 8) + (f64x2.extract_lane(d0, 0) + f64x2.extract_lane(d0, 1)), 8);
  }
  for (; j < nOut; j++) {
    const row = W + j * rowBytes;
    let c0 = f64x2.splat(0);
    for (let i: usize = 0; i < rowBytes; i += 16) c0 = f64x2.add(c0, f64x2.mul(v128.load(row + i), v128.load(a + i)));
    store<f64>(z + j * 8, load<f64>(b + j * 8) + (f64x2.extract_lane(c0, 0) + f64x2.extract_lane(c0, 1)));
  }
}

/**
 * Evaluation, layers ≥ 1: z = b + Σ_i a_i·Wᵀ[i,:] over the inputs with a_i > 0 (ReLU zeros
 * skipped), from the transposed copy prepareEval() made; four vectors of z in registers.
 */
function forwardEvalDense(l: i32): void {
  const nIn = <usize>fld(l, F_NIN);
  const P = fld(l, F_P);
  const WT = fld(l, F_WT);
  const b = fld(l, F_B);
  const z = fld(l, F_Z);
  const a = fld(l - 1, F_ACT);
  const stride = P * 8;
  // The inputs with a positive activation, compacted once for all chunks.
  let m = 0;
  for (let i: usize = 0; i < nIn; i++) {
    // Branch-free: always write, advance only past a positive activation.
    const v = load<f64>(a + i * 8);
    store<f64>(hC + (<usize>m << 3), v);
    store<i32>(hIdx + (<usize>m << 2), <i32>i);
    m += <i32>(v > 0);
  }
  // Only the vectors that hold real units (the padding lanes of z are read by nothing).
  const need = (<usize>(fld(l, F_NOUT) + 1) >> 1) << 4;
  let j: usize = 0;
  for (; j + 64 <= need; j += 64) {
    const o = b + j;
    let c0 = v128.load(o); let c1 = v128.load(o, 16); let c2 = v128.load(o, 32); let c3 = v128.load(o, 48);
    for (let k = 0; k < m; k++) {
      const r = WT + <usize>load<i32>(hIdx + (<usize>k << 2)) * stride + j;
      const av = f64x2.splat(load<f64>(hC + (<usize>k << 3)));
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r), av));
      c1 = f64x2.add(c1, f64x2.mul(v128.load(r, 16), av));
      c2 = f64x2.add(c2, f64x2.mul(v128.load(r, 32), av));
      c3 = f64x2.add(c3, f64x2.mul(v128.load(r, 48), av));
    }
    const q = z + j;
    v128.store(q, c0); v128.store(q, c1, 16); v128.store(q, c2, 32); v128.store(q, c3, 48);
  }
  for (; j < need; j += 16) {
    let c0 = v128.load(b + j);
    for (let k = 0; k < m; k++) {
      const r = WT + <usize>load<i32>(hIdx + (<usize>k << 2)) * stride + j;
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r), f64x2.splat(load<f64>(hC + (<usize>k << 3)))));
    }
    v128.store(z + j, c0);
  }
}

/** Evaluation, layers ≥ 1, once layer 0's z is set. */
function forwardEvalUpper(): void {
  for (let l = 1; l < nLayers; l++) {
    relu(l - 1);
    forwardEvalDense(l);
  }
}

/** Forward pass of the sample in aC / idx: training layout, or evaluation copies (evalW, Wᵀ). */
function forward(useEval: bool): void {
  if (useEval) {
    forward0Scaled(evalW, 1);
    forwardEvalUpper();
    return;
  }
  if (method == DWM || method == DWM_STABLE) forward0Dual();
  else if (method == GATED) {
    sumRowsGated(fld(0, F_W), <usize>fld(0, F_P) * LB, fld(0, F_P), acc);
    setZ0(acc, sigma);
  } else forward0Scaled(fld(0, F_W), sigma);
  for (let l = 1; l < nLayers; l++) {
    relu(l - 1);
    if (dropout) multiplyMask(fld(l - 1, F_ACT), l - 1);
    forwardDense(l);
  }
}

/** v[j] *= mask of hidden layer l, over its n_out units. */
function multiplyMask(v: usize, l: i32): void {
  const n = <usize>fld(l, F_NOUT);
  const m = fld(l, F_MASK);
  for (let j: usize = 0; j < n; j++) store<f64>(v + j * 8, load<f64>(v + j * 8) * load<f64>(m + j * 8));
}

// ---------------------------------------------------------------- backward

/** δ of the last layer from the loss; returns the loss (docs/METHOD.md §5). */
function lossDelta(target: f64): f64 {
  const L = nLayers - 1;
  const n = fld(L, F_NOUT);
  const z = fld(L, F_Z);
  const d = fld(L, F_DELTA);
  if (lossKind == 1) {
    const e = load<f64>(z) - target;
    store<f64>(d, 2 * e);
    return e * e;
  }
  let max = -Infinity;
  for (let i: usize = 0; i < n; i++) {
    const v = load<f64>(z + i * 8);
    if (v > max) max = v;
  }
  let sum: f64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const e = Math.exp(load<f64>(z + i * 8) - max);
    store<f64>(d + i * 8, e);
    sum += e;
  }
  for (let i: usize = 0; i < n; i++) store<f64>(d + i * 8, load<f64>(d + i * 8) / sum);
  const label = <usize>(<i32>target);
  if (smoothing != 0) return smoothedDelta(z, d, n, label, max, sum);
  const p = load<f64>(d + label * 8);
  store<f64>(d + label * 8, p - 1);
  return -Math.log(p > 0 ? p : 5e-324);
}

/**
 * Label smoothing: d holds exp(z − max) / sum; δ_k = p_k − t_k with t = (1 − ε)·onehot + ε/K,
 * loss −Σ t_k·((z_k − max) − log sum) (the reference's softmaxCrossEntropySmoothed).
 */
function smoothedDelta(z: usize, d: usize, n: usize, label: usize, max: f64, sum: f64): f64 {
  const logSum = Math.log(sum);
  const off = smoothing / <f64>n;
  let loss: f64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const t = i == label ? 1 - smoothing + off : off;
    store<f64>(d + i * 8, load<f64>(d + i * 8) - t);
    loss -= t * (load<f64>(z + i * 8) - max - logSum);
  }
  return loss;
}

/** δ_{l−1} = (Wᵀδ_l) ⊙ 1[z_{l−1} > 0], with the weights before the step; rows with δ = 0 skipped. */
function backwardDense(l: i32): void {
  const nOut = fld(l, F_NOUT);
  const nInP = fld(l, F_NINP);
  const W = fld(l, F_W);
  const d = fld(l, F_DELTA);
  const dIn = fld(l - 1, F_DELTA);
  const zIn = fld(l - 1, F_Z);
  zero(dIn, nInP * 8);
  const rowBytes = nInP * 8;
  let j: usize = 0;
  for (; j + 2 <= <usize>nOut; j += 2) {
    const d0 = load<f64>(d + j * 8);
    const d1 = load<f64>(d + j * 8, 8);
    if (d0 == 0 || d1 == 0) {
      // Rows with δ = 0 are skipped (an add of w·0 could change a NaN or −0): one at a time.
      backwardRow(W + j * rowBytes, d0, dIn, rowBytes);
      backwardRow(W + (j + 1) * rowBytes, d1, dIn, rowBytes);
      continue;
    }
    // Row j then row j + 1 into each vector of δ_in, as two passes would add them.
    const dv0 = f64x2.splat(d0);
    const dv1 = f64x2.splat(d1);
    const r0 = W + j * rowBytes;
    const r1 = r0 + rowBytes;
    for (let i: usize = 0; i < rowBytes; i += 16) {
      v128.store(dIn + i, f64x2.add(f64x2.add(v128.load(dIn + i), f64x2.mul(v128.load(r0 + i), dv0)), f64x2.mul(v128.load(r1 + i), dv1)));
    }
  }
  for (; j < <usize>nOut; j++) backwardRow(W + j * rowBytes, load<f64>(d + j * 8), dIn, rowBytes);
  const nIn = fld(l, F_NIN);
  const zv = f64x2.splat(0);
  let i: usize = 0;
  for (; i + 2 <= <usize>nIn; i += 2) {
    // δ where z > 0, else +0 (as the store of 0 below).
    v128.store(dIn + i * 8, v128.and(v128.load(dIn + i * 8), f64x2.gt(v128.load(zIn + i * 8), zv)));
  }
  for (; i < <usize>nIn; i++) if (!(load<f64>(zIn + i * 8) > 0)) store<f64>(dIn + i * 8, 0);
  if (dropout) multiplyMask(dIn, l - 1);
}

/** δ_in += row·δ_j over rowBytes, unless δ_j = 0. */
// @ts-ignore: decorator
@inline
function backwardRow(row: usize, dj: f64, dIn: usize, rowBytes: usize): void {
  if (dj == 0) return;
  const dv = f64x2.splat(dj);
  for (let i: usize = 0; i < rowBytes; i += 16) v128.store(dIn + i, f64x2.add(v128.load(dIn + i), f64x2.mul(v128.load(row + i), dv)));
}

// ---------------------------------------------------------------- updates

/** The pull r of neuron j for |δ| = mag (docs/METHOD.md §2, §3). */
function pull(A: usize, j: usize, mag: f64, lr: f64): f64 {
  if (method == DWM_STABLE) return lr * Math.min((0.1 * mag) / load<f64>(A + j * 8), 1);
  return lr * mag;
}

/** Folds the scale of column j of one side of the DWM layer 0 into its vector: V[:,j] *= s; s = 1. */
function foldColumn(side: usize, s: usize, j: usize, P: usize, nIn: usize, extra: f64, keepDense: f64): void {
  // extra/keepDense let the overshoot path (r ≥ 1/2) apply (1 − r) densely at the same time.
  const c = load<f64>(s + j * 8) * keepDense;
  const stride = P * 2 * LB;
  for (let i: usize = 0; i < nIn; i++) {
    const p = side + i * stride + j * LB;
    store<L0>(p, <L0>(<f64>load<L0>(p) * c));
  }
  store<f64>(s + j * 8, 1);
  if (extra != 0) {
    for (let k = 0; k < nnz; k++) {
      const i = <usize>load<i32>(idx + (<usize>k << 2));
      const p = side + i * stride + j * LB;
      store<L0>(p, <L0>(<f64>load<L0>(p) + extra * <f64>load<L0>(aC + <usize>k * LB)));
    }
  }
}

/**
 * One unit j of the DWM layer-0 update (the scalar form): bias step, pull r, the scale of the
 * pulled side and its coefficient r/s in [c1 | c2], or the dense overshoot path; dwm-stable's A.
 */
function unitDual(j: usize, lr: f64): void {
  const P = fld(0, F_P);
  const d = fld(0, F_DELTA);
  const b = fld(0, F_B);
  const A = fld(0, F_A);
  const dj = load<f64>(d + j * 8);
  store<f64>(b + j * 8, load<f64>(b + j * 8) - lr * dj);
  if (dj == 0) return;
  const mag = dj < 0 ? -dj : dj;
  const r = pull(A, j, mag, lr);
  const s = dj < 0 ? fld(0, F_S1) : fld(0, F_S2);
  const c = dj < 0 ? fld(0, F_C1) : fld(0, F_C2);
  const side = dj < 0 ? fld(0, F_W) : fld(0, F_W) + P * LB;
  const keep = 1 - r;
  if (keep < 0.5) {
    // Overshoot (plain DWM with η|δ| > 1/2): apply the pull densely, no scale trick.
    foldColumn(side, s, j, P, fld(0, F_NIN), r, keep);
  } else {
    const sNew = load<f64>(s + j * 8) * keep;
    store<f64>(s + j * 8, sNew);
    store<L0>(c + j * LB, <L0>(r / sNew));
  }
  if (method == DWM_STABLE) store<f64>(A + j * 8, (1 - lr) * load<f64>(A + j * 8) + lr * mag);
}

/**
 * The DWM layer-0 update. Units go two at a time in f64x2 lanes, each lane with exactly
 * unitDual's operations (δ < 0 pulls side 1, any other non-zero δ, NaN included, side 2; a
 * unit with δ = 0 only moves its bias); a pair with an overshoot lane, and an odd last unit,
 * take unitDual itself. Units are independent, so the order among them changes nothing.
 */
function updateLayer0Dual(lr: f64): void {
  const nIn = fld(0, F_NIN);
  const nOut = fld(0, F_NOUT);
  const P = fld(0, F_P);
  const V = fld(0, F_W);
  const d = fld(0, F_DELTA);
  const s1 = fld(0, F_S1);
  const s2 = fld(0, F_S2);
  const A = fld(0, F_A);
  const c1 = fld(0, F_C1);
  const c2 = fld(0, F_C2);
  const b = fld(0, F_B);
  zero(c1, P * 2 * LB); // c1 and c2
  const stable = method == DWM_STABLE;
  const lrv = f64x2.splat(lr);
  const keepA = f64x2.splat(1 - lr);
  const zv = f64x2.splat(0);
  const one = f64x2.splat(1);
  const half = f64x2.splat(0.5);
  const tenth = f64x2.splat(0.1);
  const rb = f64x2.splat(renormBelow);
  // Whether a scale may now be below renormBelow. Every scale is ≥ renormBelow (or NaN) when a
  // step starts (init sets 1, a fold sets 1, max-norm folds its own), so only the scales this
  // step moved can be below: the pairs track theirs, unitDual counts as a maybe.
  let low = v128.splat<i32>(0);
  let scalar = false;
  let j: usize = 0;
  for (; j + 2 <= <usize>nOut; j += 2) {
    const o = j * 8;
    const dv = v128.load(d + o);
    const active = f64x2.ne(dv, zv); // NaN is active (and pulls side 2), as in unitDual
    if (!v128.any_true(active)) {
      v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(lrv, dv)));
      continue;
    }
    const neg = f64x2.lt(dv, zv);
    const pos = v128.andnot(active, neg);
    const mag = f64x2.abs(dv); // dj < 0 ? −dj : dj (only a NaN's sign bit can differ, and it is never observed)
    const Av = v128.load(A + o);
    const r = stable ? f64x2.mul(lrv, f64x2.min(f64x2.div(f64x2.mul(tenth, mag), Av), one)) : f64x2.mul(lrv, mag);
    const keep = f64x2.sub(one, r);
    if (v128.any_true(v128.and(active, f64x2.lt(keep, half)))) {
      // An overshoot lane: both units the scalar way.
      unitDual(j, lr);
      unitDual(j + 1, lr);
      scalar = true;
      continue;
    }
    v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(lrv, dv)));
    const s1v = v128.load(s1 + o);
    const s2v = v128.load(s2 + o);
    const sNew = f64x2.mul(v128.bitselect(s1v, s2v, neg), keep);
    v128.store(s1 + o, v128.bitselect(sNew, s1v, neg));
    v128.store(s2 + o, v128.bitselect(sNew, s2v, pos));
    low = v128.or(low, f64x2.lt(sNew, rb));
    const c = f64x2.div(r, sNew);
    if (LB == 8) {
      v128.store(c1 + o, v128.and(c, neg));
      v128.store(c2 + o, v128.and(c, pos));
    } else {
      // Rounded to the lane type as unitDual's store (+0 stays +0).
      v128.store64_lane(c1 + j * LB, f32x4.demote_f64x2_zero(v128.and(c, neg)), 0);
      v128.store64_lane(c2 + j * LB, f32x4.demote_f64x2_zero(v128.and(c, pos)), 0);
    }
    if (stable) v128.store(A + o, v128.bitselect(f64x2.add(f64x2.mul(keepA, Av), f64x2.mul(lrv, mag)), Av, active));
  }
  for (; j < <usize>nOut; j++) {
    unitDual(j, lr);
    scalar = true;
  }
  // V[i, :] += [c1 | c2]·a_i over the non-zero inputs (c2 lies right after c1), pending.
  defer(activeVectors(c1, P * 2));
  if (!scalar && !v128.any_true(low)) return;
  // Fold scales that became small (the product s·V stays exact in value, only rescaled).
  for (let j: usize = 0; j < nOut; j++) {
    if (load<f64>(s1 + j * 8) < renormBelow) { flush(); foldColumn(V, s1, j, P, nIn, 0, 1); }
    if (load<f64>(s2 + j * 8) < renormBelow) { flush(); foldColumn(V + P * LB, s2, j, P, nIn, 0, 1); }
  }
}

function rescaleLayer0(): void {
  // σ folded back into U: U ← σU, σ = 1.
  const n = fld(0, F_NIN) * fld(0, F_P);
  const U = fld(0, F_W);
  const s = sigma;
  if (method == L2) {
    // The fold and l2's recount of ‖U‖² (sumSquaresL0's sum, in its order) in one pass.
    let total: f64 = 0;
    for (let k: usize = 0; k < n; k++) {
      const v = <L0>(<f64>load<L0>(U + k * LB) * s);
      store<L0>(U + k * LB, v);
      const w = <f64>v;
      total += w * w;
    }
    sigma = 1;
    sumsq = total;
    return;
  }
  let k: usize = 0;
  if (LB == 8) {
    const sv = f64x2.splat(s);
    for (; k + 2 <= n; k += 2) v128.store(U + k * 8, f64x2.mul(v128.load(U + k * 8), sv));
  }
  for (; k < n; k++) store<L0>(U + k * LB, <L0>(<f64>load<L0>(U + k * LB) * s));
  sigma = 1;
}

function updateLayer0Plain(lr: f64): void {
  const nOut = fld(0, F_NOUT);
  const P = fld(0, F_P);
  const U = fld(0, F_W);
  const d = fld(0, F_DELTA);
  const c = fld(0, F_C1);
  const b = fld(0, F_B);
  // Decay first (it acts on the pre-step W, as δ was computed with it), then the data step.
  if (method == WD) sigma *= 1 - lr * lambda;
  else if (method == L2) {
    const norm = sigma * Math.sqrt(sumsq);
    if (norm > 0) sigma *= 1 - (lr * lambda) / norm;
  }
  zero(c, P * LB);
  const inv = -lr / sigma;
  let j: usize = 0;
  // Two units per f64x2: b − η·δ, and c = (−η/σ)·δ where δ ≠ 0 (+0 elsewhere, as zero() left it).
  const lrv = f64x2.splat(lr);
  const invv = f64x2.splat(inv);
  const zv = f64x2.splat(0);
  for (; j + 2 <= <usize>nOut; j += 2) {
    const o = j * 8;
    const dv = v128.load(d + o);
    v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(lrv, dv)));
    const cv = v128.and(f64x2.mul(invv, dv), f64x2.ne(dv, zv));
    if (LB == 8) v128.store(c + o, cv);
    else v128.store64_lane(c + j * LB, f32x4.demote_f64x2_zero(cv), 0); // rounded as the scalar store below
  }
  for (; j < <usize>nOut; j++) {
    const dj = load<f64>(d + j * 8);
    store<f64>(b + j * 8, load<f64>(b + j * 8) - lr * dj);
    if (dj != 0) store<L0>(c + j * LB, <L0>(inv * dj));
  }
  const nVec = activeVectors(c, P);
  if (method == L2) {
    // ‖U + a cᵀ‖² − ‖U‖² = 2 c·(Uᵀa) + ‖a‖²‖c‖² (rows of distinct inputs), and Uᵀa is the
    // forward pass's sum in acc, taken with this very U (the decay only moved σ).
    let cu: f64 = 0;
    let cc: f64 = 0;
    for (let j: usize = 0; j < nOut; j++) {
      const cj = <f64>load<L0>(c + j * LB);
      cu += cj * <f64>load<L0>(acc + j * LB);
      cc += cj * cj;
    }
    let aa: f64 = 0;
    for (let k = 0; k < nnz; k++) {
      const ak = <f64>load<L0>(aC + <usize>k * LB);
      aa += ak * ak;
    }
    sumsq += 2 * cu + aa * cc;
  }
  defer(nVec);
  // An exact recount now and then keeps the running sum from drifting.
  if (method == L2 && (steps & 4095) == 4095) {
    flush();
    sumsq = sumSquaresL0(U, fld(0, F_NIN) * P);
  }
  if (sigma < 0.5) {
    flush();
    rescaleLayer0();
  }
}

/** Row j of `target` pulled toward a: target ← (1 − r)·target + r·a; eff row ← W1 − W2. */
function pullRow(target: usize, W1: usize, W2: usize, eff: usize, off: usize, n: usize, r: f64, a: usize): void {
  const kv = f64x2.splat(1 - r);
  const rv = f64x2.splat(r);
  if (target == W1) {
    for (let i: usize = 0; i < n; i += 2) {
      const p = off + i * 8;
      const v = f64x2.add(f64x2.mul(kv, v128.load(W1 + p)), f64x2.mul(rv, v128.load(a + i * 8)));
      v128.store(W1 + p, v);
      v128.store(eff + p, f64x2.sub(v, v128.load(W2 + p)));
    }
  } else {
    for (let i: usize = 0; i < n; i += 2) {
      const p = off + i * 8;
      const v = f64x2.add(f64x2.mul(kv, v128.load(W2 + p)), f64x2.mul(rv, v128.load(a + i * 8)));
      v128.store(W2 + p, v);
      v128.store(eff + p, f64x2.sub(v128.load(W1 + p), v));
    }
  }
}

function updateDense(l: i32, lr: f64): void {
  const nOut = fld(l, F_NOUT);
  const nInP = fld(l, F_NINP);
  const W = fld(l, F_W);
  const b = fld(l, F_B);
  const d = fld(l, F_DELTA);
  const a = fld(l - 1, F_ACT);
  const rowBytes = nInP * 8;
  if (method == DWM || method == DWM_STABLE) {
    const W1 = fld(l, F_W1);
    const W2 = fld(l, F_W2);
    const A = fld(l, F_A);
    for (let j: usize = 0; j < nOut; j++) {
      const dj = load<f64>(d + j * 8);
      if (dj == 0) continue;
      const mag = dj < 0 ? -dj : dj;
      const r = pull(A, j, mag, lr);
      pullRow(dj < 0 ? W1 : W2, W1, W2, W, j * rowBytes, nInP, r, a);
      if (method == DWM_STABLE) store<f64>(A + j * 8, (1 - lr) * load<f64>(A + j * 8) + lr * mag);
    }
  } else {
    let keep: f64 = 1;
    const t = table + <usize>l * ROW;
    if (method == WD) keep = 1 - lr * lambda;
    else if (method == L2) {
      const norm = Math.sqrt(load<f64>(t + F_NORMSQ));
      if (norm > 0) keep = 1 - (lr * lambda) / norm;
    }
    const kv = f64x2.splat(keep);
    let nsq = f64x2.splat(0);
    for (let j: usize = 0; j < nOut; j++) {
      const dj = load<f64>(d + j * 8);
      const row = W + j * rowBytes;
      if (keep == 1) {
        if (dj == 0) continue;
        const cv = f64x2.splat(-lr * dj);
        for (let i: usize = 0; i < nInP; i += 2) {
          v128.store(row + i * 8, f64x2.add(v128.load(row + i * 8), f64x2.mul(cv, v128.load(a + i * 8))));
        }
      } else {
        // W ← keep·W − η δ aᵀ in one pass; for l2 also ‖W‖² of the result (next step's norm).
        const cv = f64x2.splat(-lr * dj);
        for (let i: usize = 0; i < nInP; i += 2) {
          const v = f64x2.add(f64x2.mul(kv, v128.load(row + i * 8)), f64x2.mul(cv, v128.load(a + i * 8)));
          v128.store(row + i * 8, v);
          nsq = f64x2.add(nsq, f64x2.mul(v, v));
        }
      }
    }
    if (method == L2) {
      // keep == 1 only when ‖W‖ = 0, where nothing was accumulated: recount then.
      store<f64>(t + F_NORMSQ, keep == 1 ? sumSquares(W, fld(l, F_P) * nInP) : f64x2.extract_lane(nsq, 0) + f64x2.extract_lane(nsq, 1));
    }
  }
  for (let j: usize = 0; j < nOut; j++) store<f64>(b + j * 8, load<f64>(b + j * 8) - lr * load<f64>(d + j * 8));
}

// momentum, adam, sgd-gated-decay (docs/METHOD.md §4.2): every weight moves every step (the
// state decays even where the gradient is 0), so these update densely, layer 0 included, with
// σ = 1 and nothing deferred. The arithmetic is the reference rules' (src/core/rules/), in the
// same order; `g` is δ_j·a_i.

/**
 * The per-step constants of momentum / adam in lane type T, splatted once per layer: β (momentum)
 * or β1, 1 − β1, β2, 1 − β2, the bias corrections c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t), ε, the
 * decay λ, and η.
 */
class Consts {
  k0: v128 = v128.splat<i32>(0);
  k1: v128 = v128.splat<i32>(0);
  k2: v128 = v128.splat<i32>(0);
  k3: v128 = v128.splat<i32>(0);
  c1: v128 = v128.splat<i32>(0);
  c2: v128 = v128.splat<i32>(0);
  eps: v128 = v128.splat<i32>(0);
  wd: v128 = v128.splat<i32>(0);
  lr: v128 = v128.splat<i32>(0);
}

// @ts-ignore: decorator
@inline
function consts<T>(k: Consts, lr: f64, c1: f64, c2: f64): void {
  k.k0 = v128.splat<T>(<T>h0);
  k.k1 = v128.splat<T>(<T>(1 - h0));
  k.k2 = v128.splat<T>(<T>h1);
  k.k3 = v128.splat<T>(<T>(1 - h1));
  k.c1 = v128.splat<T>(<T>c1);
  k.c2 = v128.splat<T>(<T>c2);
  k.eps = v128.splat<T>(<T>h2);
  k.wd = v128.splat<T>(<T>h3);
  k.lr = v128.splat<T>(<T>lr);
}

/**
 * x with its subnormal lanes set to +0 (NaN, infinities and normal numbers kept). The optimiser
 * state of a unit that stays dead (gradient exactly 0) decays geometrically into the subnormals,
 * where every multiply costs a microcode assist (adam's CIFAR-10 step about 2× slower); a step
 * computed from a subnormal state is below half an ulp of any weight of normal size, so the
 * weights are the same bits either way (checked over whole runs: src/core/fast/subnormal.slow.test.ts).
 */
// @ts-ignore: decorator
@inline
function flushSubnormal<T>(x: v128): v128 {
  const tiny = v128.splat<T>(<T>(sizeof<T>() == 8 ? 2.2250738585072014e-308 : 1.1754943508222875e-38));
  return v128.bitselect(v128.splat<T>(<T>0), x, v128.lt<T>(v128.abs<T>(x), tiny));
}

/**
 * flushSubnormal by the bits: |x| is below the smallest normal number exactly when the exponent
 * field is 0 (±0 included, which become +0 there too), so the lanes whose exponent bits are all 0
 * are cleared; the same result in three operations where flushSubnormal takes about seven.
 * momentum's step runs about 9 % faster with it (CIFAR-10 and MNIST shapes, measured side by side
 * in one process); adam's runs about 25 % slower (its loop already holds nine constants, and the
 * exponent mask is one more), so adam keeps flushSubnormal.
 */
// @ts-ignore: decorator
@inline
function flushSubnormalBits<T>(x: v128): v128 {
  if (sizeof<T>() == 8) return v128.andnot(x, i64x2.eq(v128.and(x, i64x2.splat(0x7ff0000000000000)), i64x2.splat(0)));
  return v128.andnot(x, i32x4.eq(v128.and(x, i32x4.splat(0x7f800000)), i32x4.splat(0)));
}

/**
 * Which momentum a loop runs, as a type argument (N of momentumVec and its callers), so that the
 * choice is made when the module is compiled: Nesterov's or the heavy ball. A run-time flag
 * passed down does not do it: the compiler inlines both branches' loops as the same code with the
 * flag in a local and folds them into one loop that tests the flag at every vector (seen in the
 * compiled code; that cost momentum's layer-0 step about a tenth).
 */
type Nesterov = i8;
type HeavyBall = u8;

/** One vector of a momentum step: v ← βv + g; W ← W − η·(N = Nesterov ? g + βv : v). */
// @ts-ignore: decorator
@inline
function momentumVec<T, N>(w: usize, m: usize, g: v128, beta: v128, lrv: v128): void {
  const mv = flushSubnormalBits<T>(v128.add<T>(v128.mul<T>(beta, v128.load(m)), g));
  v128.store(m, mv);
  let stepv = mv;
  if (isSigned<N>()) stepv = v128.add<T>(g, v128.mul<T>(beta, mv));
  v128.store(w, v128.sub<T>(v128.load(w), v128.mul<T>(lrv, stepv)));
}

/** One vector of an adam step (docs/METHOD.md §4.2), in the reference's order of operations. */
// @ts-ignore: decorator
@inline
function adamVec<T>(w: usize, m: usize, v: usize, g: v128, k: Consts): void {
  adamVals<T>(w, m, v, g, k.k0, k.k1, k.k2, k.k3, k.c1, k.c2, k.eps, k.wd, k.lr);
}

/** adamVec with its constants passed as values (β1, 1 − β1, β2, 1 − β2, c1, c2, ε, λ, η). */
// @ts-ignore: decorator
@inline
function adamVals<T>(w: usize, m: usize, v: usize, g: v128, k0: v128, k1: v128, k2: v128, k3: v128, kc1: v128, kc2: v128, eps: v128, wd: v128, lrv: v128): void {
  const mv = flushSubnormal<T>(v128.add<T>(v128.mul<T>(k0, v128.load(m)), v128.mul<T>(k1, g)));
  const vv = flushSubnormal<T>(v128.add<T>(v128.mul<T>(k2, v128.load(v)), v128.mul<T>(k3, v128.mul<T>(g, g))));
  v128.store(m, mv);
  v128.store(v, vv);
  const mh = v128.mul<T>(mv, kc1);
  const den = v128.add<T>(v128.sqrt<T>(v128.mul<T>(vv, kc2)), eps);
  const wv = v128.load(w);
  const stepv = v128.add<T>(v128.div<T>(mh, den), v128.mul<T>(wd, wv));
  v128.store(w, v128.sub<T>(wv, v128.mul<T>(lrv, stepv)));
}

const K64 = new Consts();
const KL0 = new Consts();

/** Biases of layer l under momentum / adam (g = δ), and the gated rule's plain bias step. */
function optBias(l: i32, lr: f64, c1: f64, c2: f64): void {
  const P = fld(l, F_P);
  const b = fld(l, F_B);
  const d = fld(l, F_DELTA);
  if (method == GATED) {
    for (let j: usize = 0; j < <usize>fld(l, F_NOUT); j++) store<f64>(b + j * 8, load<f64>(b + j * 8) - lr * load<f64>(d + j * 8));
    return;
  }
  const st = fld(l, F_ST);
  const wBytes = l == 0 ? <usize>fld(0, F_NIN) * P * LB : P * fld(l, F_NINP) * 8;
  const mb = st + 2 * wBytes;
  const vb = mb + P * 8;
  const k = K64;
  consts<f64>(k, lr, c1, c2);
  if (method == ADAM) {
    for (let j: usize = 0; j < P; j += 2) adamVec<f64>(b + j * 8, mb + j * 8, vb + j * 8, v128.load(d + j * 8), k);
  } else if (h1 != 0) {
    for (let j: usize = 0; j < P; j += 2) momentumVec<f64, Nesterov>(b + j * 8, mb + j * 8, v128.load(d + j * 8), k.k0, k.lr);
  } else {
    for (let j: usize = 0; j < P; j += 2) momentumVec<f64, HeavyBall>(b + j * 8, mb + j * 8, v128.load(d + j * 8), k.k0, k.lr);
  }
}

/**
 * Momentum on layer 0 (U, velocity at st, δ in L0 lanes at cd): every input row, two at a time
 * (one load of δ serves both), over the lanes of real units only (`live` bytes of each row;
 * the padding lanes are 0 and a step leaves them 0, so skipping them changes nothing). Each
 * lane gets exactly momentumVec's operations.
 */
// @ts-ignore: decorator
@inline
function momentumRows<N>(U: usize, st: usize, cd: usize, nIn: usize, rowBytes: usize, live: usize): void {
  const beta = KL0.k0;
  const lrv = KL0.lr;
  let i: usize = 0;
  for (; i + 2 <= nIn; i += 2) {
    const a0 = v128.splat<L0>(<L0>load<f32>(sample + (i << 2)));
    const a1 = v128.splat<L0>(<L0>load<f32>(sample + ((i + 1) << 2)));
    const r0 = i * rowBytes;
    const r1 = r0 + rowBytes;
    for (let o: usize = 0; o < live; o += 16) {
      const dv = v128.load(cd + o);
      momentumVec<L0, N>(U + r0 + o, st + r0 + o, v128.mul<L0>(dv, a0), beta, lrv);
      momentumVec<L0, N>(U + r1 + o, st + r1 + o, v128.mul<L0>(dv, a1), beta, lrv);
    }
  }
  for (; i < nIn; i++) {
    const av = v128.splat<L0>(<L0>load<f32>(sample + (i << 2)));
    const r0 = i * rowBytes;
    for (let o: usize = 0; o < live; o += 16) momentumVec<L0, N>(U + r0 + o, st + r0 + o, v128.mul<L0>(v128.load(cd + o), av), beta, lrv);
  }
}

/**
 * The gated decay on layer 0, rows [from, to) with inputs from the float32 sample at `a`:
 * keep·W − (η δ)·a, as the reference (−η·δ is exact, so (−η δ)·a = −(η δ·a)), with the keep
 * factors 1 − η|δ_j| in C2 and −η·δ in C1, the same for every row; only the lanes of real units
 * (a padding lane keeps 1·0 + (−0)·a = 0). Two rows at a time.
 */
function gatedRows(from: usize, to: usize, a: usize): void {
  const U = fld(0, F_W);
  const ck = fld(0, F_C2);
  const cv = fld(0, F_C1);
  const rowBytes = <usize>fld(0, F_P) * LB;
  const live = liveBytes;
  let i = from;
  for (; i + 2 <= to; i += 2) {
    const a0 = v128.splat<L0>(<L0>load<f32>(a + (i << 2)));
    const a1 = v128.splat<L0>(<L0>load<f32>(a + ((i + 1) << 2)));
    const row0 = U + i * rowBytes;
    const row1 = row0 + rowBytes;
    for (let o: usize = 0; o < live; o += 16) {
      const k = v128.load(ck + o);
      const c = v128.load(cv + o);
      v128.store(row0 + o, v128.add<L0>(v128.mul<L0>(k, v128.load(row0 + o)), v128.mul<L0>(c, a0)));
      v128.store(row1 + o, v128.add<L0>(v128.mul<L0>(k, v128.load(row1 + o)), v128.mul<L0>(c, a1)));
    }
  }
  for (; i < to; i++) {
    const av = v128.splat<L0>(<L0>load<f32>(a + (i << 2)));
    const row = U + i * rowBytes;
    for (let o: usize = 0; o < live; o += 16) {
      v128.store(row + o, v128.add<L0>(v128.mul<L0>(v128.load(ck + o), v128.load(row + o)), v128.mul<L0>(v128.load(cv + o), av)));
    }
  }
}

/**
 * One group of sumRowsGated: rows i0 … i0 + 3 of U (from r0, consecutive) are the next four rows
 * the pending gated update owes and the next four non-zero inputs (values at ak): each vector of
 * real units is moved (gatedRows' operations, stored) and then summed from the register; every
 * lane gets the operations, in the order, of move-then-read. The padding lanes of `out` are left
 * as they are (setZ0 reads only real units).
 */
function gatedGroup(r0: usize, i0: usize, ak: usize, out: usize): void {
  const rowBytes = <usize>fld(0, F_P) * LB;
  const r1 = r0 + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  const ck = fld(0, F_C2);
  const cv = fld(0, F_C1);
  const live = liveBytes;
  const pa = prevA + (i0 << 2);
  const p0 = v128.splat<L0>(<L0>load<f32>(pa));
  const p1 = v128.splat<L0>(<L0>load<f32>(pa, 4));
  const p2 = v128.splat<L0>(<L0>load<f32>(pa, 8));
  const p3 = v128.splat<L0>(<L0>load<f32>(pa, 12));
  const a0 = v128.splat<L0>(load<L0>(ak));
  const a1 = v128.splat<L0>(load<L0>(ak + LB));
  const a2 = v128.splat<L0>(load<L0>(ak + 2 * LB));
  const a3 = v128.splat<L0>(load<L0>(ak + 3 * LB));
  for (let o: usize = 0; o < live; o += 16) {
    const k = v128.load(ck + o);
    const c = v128.load(cv + o);
    const w0 = v128.add<L0>(v128.mul<L0>(k, v128.load(r0 + o)), v128.mul<L0>(c, p0));
    const w1 = v128.add<L0>(v128.mul<L0>(k, v128.load(r1 + o)), v128.mul<L0>(c, p1));
    const w2 = v128.add<L0>(v128.mul<L0>(k, v128.load(r2 + o)), v128.mul<L0>(c, p2));
    const w3 = v128.add<L0>(v128.mul<L0>(k, v128.load(r3 + o)), v128.mul<L0>(c, p3));
    v128.store(r0 + o, w0);
    v128.store(r1 + o, w1);
    v128.store(r2 + o, w2);
    v128.store(r3 + o, w3);
    addFour(out + o, w0, w1, w2, w3, a0, a1, a2, a3);
  }
}

/** out[o] += ((w0·a0 + w1·a1) + (w2·a2 + w3·a3)), the lane order of sumFour. */
// @ts-ignore: decorator
@inline
function addFour(out: usize, w0: v128, w1: v128, w2: v128, w3: v128, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const t = v128.add<L0>(
    v128.add<L0>(v128.mul<L0>(w0, a0), v128.mul<L0>(w1, a1)),
    v128.add<L0>(v128.mul<L0>(w2, a2), v128.mul<L0>(w3, a3)));
  v128.store(out, v128.add<L0>(v128.load(out), t));
}

/**
 * Layer 0 (input-major U, σ = 1) of momentum / adam / sgd-gated-decay: every input row. The gated
 * decay's rows are left to the next forward pass (pendDense) when layer 0 is wide and the input
 * dense.
 */
function updateLayer0Opt(lr: f64, c1: f64, c2: f64): void {
  const nIn = fld(0, F_NIN);
  const nOut = fld(0, F_NOUT);
  const P = fld(0, F_P);
  const U = fld(0, F_W);
  const d = fld(0, F_DELTA);
  const cd = fld(0, F_C1); // δ in L0 lanes; the gated decay: −η·δ
  const ck = fld(0, F_C2); // gated: the keep factor 1 − η|δ_j| in L0 lanes
  const rowBytes = P * LB;
  const live = liveBytes;
  const gated = method == GATED;
  let j: usize = 0;
  if (LB == 8) {
    // δ copied two units at a time (the gated keep factor 1 − η|δ| per lane); the padding below.
    const one = f64x2.splat(1);
    const lrv = f64x2.splat(lr);
    for (; j + 2 <= <usize>nOut; j += 2) {
      const dv = v128.load(d + j * 8);
      v128.store(cd + j * 8, dv);
      if (gated) v128.store(ck + j * 8, f64x2.sub(one, f64x2.mul(lrv, f64x2.abs(dv))));
    }
  }
  for (; j < <usize>P; j++) {
    const dj = j < <usize>nOut ? load<f64>(d + j * 8) : 0;
    store<L0>(cd + j * LB, <L0>dj);
    if (gated) store<L0>(ck + j * LB, <L0>(1 - lr * (dj < 0 ? -dj : dj)));
  }
  if (gated) {
    // −η·δ in L0 lanes, made once: the coefficient of a in every row.
    const nlr = v128.splat<L0>(<L0>(-lr));
    for (let o: usize = 0; o < rowBytes; o += 16) v128.store(cd + o, v128.mul<L0>(nlr, v128.load(cd + o)));
    if (<usize>nnz * 2 >= <usize>nIn && <usize>nIn * rowBytes >= DEFER_BYTES && maxNormC == 0) {
      memory.copy(prevA, sample, <usize>nIn << 2);
      pendDense = true;
      pendRows = nIn;
      pendNext = 0;
    } else {
      gatedRows(0, nIn, sample);
    }
  } else {
    const st = fld(0, F_ST);
    const vOff = nIn * rowBytes;
    const k = KL0;
    consts<L0>(k, lr, c1, c2);
    const nesterov = h1 != 0;
    if (method == ADAM) {
      // The constants as locals (read from the Consts object inside the loop they would be loaded
      // again for every vector: the stores to U and the state might alias them), and only the
      // lanes of real units (`live` bytes of a row), as momentumRows: the padding lanes of U, m
      // and v are 0 and an adam step leaves them 0.
      const k0 = k.k0; const k1 = k.k1; const k2 = k.k2; const k3 = k.k3;
      const kc1 = k.c1; const kc2 = k.c2; const eps = k.eps; const wd = k.wd; const lrv = k.lr;
      for (let i: usize = 0; i < nIn; i++) {
        const av = v128.splat<L0>(<L0>load<f32>(sample + (i << 2)));
        const row = i * rowBytes;
        for (let o: usize = 0; o < live; o += 16) {
          adamVals<L0>(U + row + o, st + row + o, st + vOff + row + o, v128.mul<L0>(v128.load(cd + o), av), k0, k1, k2, k3, kc1, kc2, eps, wd, lrv);
        }
      }
    } else if (nesterov) {
      momentumRows<Nesterov>(U, st, cd, nIn, rowBytes, live);
    } else {
      momentumRows<HeavyBall>(U, st, cd, nIn, rowBytes, live);
    }
  }
  optBias(0, lr, c1, c2);
}

/** Layers ≥ 1 (row-major, effective W) of momentum / adam / sgd-gated-decay. */
function updateDenseOpt(l: i32, lr: f64, c1: f64, c2: f64): void {
  const nOut = fld(l, F_NOUT);
  const nInP = fld(l, F_NINP);
  const P = fld(l, F_P);
  const W = fld(l, F_W);
  const d = fld(l, F_DELTA);
  const a = fld(l - 1, F_ACT);
  const rowBytes = nInP * 8;
  if (method == GATED) {
    for (let j: usize = 0; j < nOut; j++) {
      const dj = load<f64>(d + j * 8);
      const kv = f64x2.splat(1 - lr * (dj < 0 ? -dj : dj));
      const cv = f64x2.splat(lr * dj);
      const row = W + j * rowBytes;
      for (let i: usize = 0; i < nInP; i += 2) {
        v128.store(row + i * 8, f64x2.sub(f64x2.mul(kv, v128.load(row + i * 8)), f64x2.mul(cv, v128.load(a + i * 8))));
      }
    }
  } else {
    const st = fld(l, F_ST);
    const vOff = P * rowBytes;
    const k = K64;
    consts<f64>(k, lr, c1, c2);
    // The constants as locals: read from the Consts object inside the loop they would be loaded
    // again for every vector (the stores to W and the state might alias them).
    if (method == ADAM) {
      const k0 = k.k0; const k1 = k.k1; const k2 = k.k2; const k3 = k.k3;
      const kc1 = k.c1; const kc2 = k.c2; const eps = k.eps; const wd = k.wd; const lrv = k.lr;
      for (let j: usize = 0; j < nOut; j++) {
        const dv = f64x2.splat(load<f64>(d + j * 8));
        const row = j * rowBytes;
        for (let i: usize = 0; i < nInP; i += 2) {
          adamVals<f64>(W + row + i * 8, st + row + i * 8, st + vOff + row + i * 8, f64x2.mul(dv, v128.load(a + i * 8)), k0, k1, k2, k3, kc1, kc2, eps, wd, lrv);
        }
      }
    } else if (h1 != 0) {
      momentumDense<Nesterov>(W, st, d, a, nOut, rowBytes, k.k0, k.lr);
    } else {
      momentumDense<HeavyBall>(W, st, d, a, nOut, rowBytes, k.k0, k.lr);
    }
  }
  optBias(l, lr, c1, c2);
}

/**
 * Momentum on a row-major layer ≥ 1: two rows per pass (one load of a serves both), each lane
 * exactly momentumVec's operations with g = δ_j·a_i.
 */
// @ts-ignore: decorator
@inline
function momentumDense<N>(W: usize, st: usize, d: usize, a: usize, nOut: usize, rowBytes: usize, beta: v128, lrv: v128): void {
  let j: usize = 0;
  for (; j + 2 <= nOut; j += 2) {
    const d0 = f64x2.splat(load<f64>(d + j * 8));
    const d1 = f64x2.splat(load<f64>(d + j * 8, 8));
    const r0 = j * rowBytes;
    const r1 = r0 + rowBytes;
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const av = v128.load(a + i);
      momentumVec<f64, N>(W + r0 + i, st + r0 + i, f64x2.mul(d0, av), beta, lrv);
      momentumVec<f64, N>(W + r1 + i, st + r1 + i, f64x2.mul(d1, av), beta, lrv);
    }
  }
  for (; j < nOut; j++) {
    const dv = f64x2.splat(load<f64>(d + j * 8));
    const r0 = j * rowBytes;
    for (let i: usize = 0; i < rowBytes; i += 16) momentumVec<f64, N>(W + r0 + i, st + r0 + i, f64x2.mul(dv, v128.load(a + i)), beta, lrv);
  }
}

/** One training step on the sample the caller copied to inputPtr(); returns the loss. */
export function step(target: f64, lr: f64): f64 {
  sample = inputF32;
  if (drawMasks) fillMasks();
  return stepOn(target, lr);
}

/** Memory for trainSteps' tables: `bytes` zeroed bytes, 64-byte aligned (may grow the memory). */
export function reserve(bytes: i32): usize {
  return alloc(<usize>bytes);
}

/**
 * `count` training steps in one call, each exactly step()'s: step k trains on row
 * entries[k] of the float32 table `rows` (n_in values a row) with target targets[entries[k]]
 * (f32), or, when `noisy` is not 0, on the k-th n_in float32 values at `noisy` (the caller's
 * noisy inputs, drawn in its order). When `masks` is not 0 it holds each step's dropout
 * multipliers, hidden layer by hidden layer (n_out f64 each), copied to F_MASK before the step.
 * Returns lossSum plus the steps' losses, added one by one in step order (so the sum is the
 * caller's loop's to the last bit). `first` is the run's index of the first step: the progress
 * cell (progressAt) holds first + the steps done, stored at the start, after every 256th step
 * and at the end.
 */
export function trainSteps(entries: usize, targets: usize, rows: usize, count: i32, lr: f64, lossSum: f64, noisy: usize, masks: usize, first: i32): f64 {
  const rowBytes = <usize>fld(0, F_NIN) << 2;
  let sum = lossSum;
  let mk = masks;
  atomic.store<i32>(progressCell, first);
  for (let k = 0; k < count; k++) {
    const e = <usize>load<i32>(entries + (<usize>k << 2));
    sample = noisy != 0 ? noisy + <usize>k * rowBytes : rows + e * rowBytes;
    if (drawMasks) fillMasks();
    else if (mk != 0) {
      for (let l = 0; l + 1 < nLayers; l++) {
        const bytes = <usize>fld(l, F_NOUT) << 3;
        memory.copy(fld(l, F_MASK), mk, bytes);
        mk += bytes;
      }
    }
    sum += stepOn(<f64>load<f32>(targets + (e << 2)), lr);
    if ((k & PROGRESS_MASK) == PROGRESS_MASK) atomic.store<i32>(progressCell, first + k + 1);
  }
  atomic.store<i32>(progressCell, first + count);
  sample = inputF32;
  return sum;
}

/** The address of trainSteps' progress cell (an i32 in the shared memory). */
export function progressAt(): usize { return progressCell; }

function stepOn(target: f64, lr: f64): f64 {
  gather(sample, fld(0, F_NIN));
  forward(false);
  const loss = lossDelta(target);
  for (let l = nLayers - 1; l > 0; l--) backwardDense(l);
  if (method >= MOMENTUM) {
    b1t *= h0;
    b2t *= h1;
    const c1 = method == ADAM ? 1 / (1 - b1t) : 1;
    const c2 = method == ADAM ? 1 / (1 - b2t) : 1;
    for (let l = nLayers - 1; l > 0; l--) updateDenseOpt(l, lr, c1, c2);
    updateLayer0Opt(lr, c1, c2);
  } else {
    for (let l = nLayers - 1; l > 0; l--) updateDense(l, lr);
    if (method == DWM || method == DWM_STABLE) updateLayer0Dual(lr);
    else updateLayer0Plain(lr);
  }
  if (maxNormC > 0) maxNorm();
  steps++;
  return loss;
}

// ---------------------------------------------------------------- max-norm

/**
 * Max-norm (docs/METHOD.md §7): every unit's incoming row of W whose L2 norm exceeds c is
 * scaled by c/‖row‖, bias excluded. Dual layers scale the row of W1 and of W2 by the same factor
 * (layer 0: the two row scales s1, s2; above: the rows, then W = W1 − W2 again), so W = W1 − W2
 * still holds. Layer 0 of the sgd family scales its column of U (σ is shared by all units).
 */
function maxNorm(): void {
  const c = maxNormC;
  flush();
  const nIn = <usize>fld(0, F_NIN);
  const nOut = <usize>fld(0, F_NOUT);
  const P = <usize>fld(0, F_P);
  const M = fld(0, F_W);
  const dual = method == DWM || method == DWM_STABLE;
  zero(normSq, P * 8);
  // ‖row_j‖² = Σ_i w_ij², summed over the inputs in order, each unit in its own lane: two units
  // per f64x2 (the padding lanes too: their weights are 0 and nobody reads their sums).
  if (dual) {
    const s1 = fld(0, F_S1);
    const s2 = fld(0, F_S2);
    const stride = P * 2 * LB;
    for (let i: usize = 0; i < nIn; i++) {
      const r = M + i * stride;
      for (let j: usize = 0; j < P; j += 2) {
        const w = f64x2.sub(f64x2.mul(v128.load(s1 + j * 8), lanes2(r + j * LB)), f64x2.mul(v128.load(s2 + j * 8), lanes2(r + (P + j) * LB)));
        v128.store(normSq + j * 8, f64x2.add(v128.load(normSq + j * 8), f64x2.mul(w, w)));
      }
    }
    for (let j: usize = 0; j < nOut; j++) {
      const norm = Math.sqrt(load<f64>(normSq + j * 8));
      if (!(norm > c)) continue;
      const f = c / norm;
      store<f64>(s1 + j * 8, load<f64>(s1 + j * 8) * f);
      store<f64>(s2 + j * 8, load<f64>(s2 + j * 8) * f);
      if (load<f64>(s1 + j * 8) < renormBelow) foldColumn(M, s1, j, P, nIn, 0, 1);
      if (load<f64>(s2 + j * 8) < renormBelow) foldColumn(M + P * LB, s2, j, P, nIn, 0, 1);
    }
  } else {
    const sv = f64x2.splat(sigma);
    for (let i: usize = 0; i < nIn; i++) {
      const r = M + i * P * LB;
      for (let j: usize = 0; j < P; j += 2) {
        const w = f64x2.mul(sv, lanes2(r + j * LB));
        v128.store(normSq + j * 8, f64x2.add(v128.load(normSq + j * 8), f64x2.mul(w, w)));
      }
    }
    // The units over the bound: factor c/‖row‖ in their lanes of `scale` and all-ones in `over`.
    let any = false;
    const scale = normScale;
    const over = normScale + P * 8;
    for (let j: usize = 0; j < P; j++) {
      const norm = j < nOut ? Math.sqrt(load<f64>(normSq + j * 8)) : 0;
      const on = norm > c;
      store<f64>(scale + j * 8, on ? c / norm : 1);
      store<i64>(over + j * 8, on ? -1 : 0);
      any = any || on;
    }
    if (any) {
      if (LB == 8) {
        // Row by row, only the vectors that hold such a unit (listed in `vecs`, free here): w·f in
        // the lanes of those units, the other lanes kept as they are.
        let n = 0;
        for (let o: usize = 0; o < P * 8; o += 16) {
          if (!v128.any_true(v128.load(over + o))) continue;
          store<i32>(vecs + (<usize>n << 2), <i32>o);
          n++;
        }
        for (let i: usize = 0; i < nIn; i++) {
          const r = M + i * P * 8;
          for (let q = 0; q < n; q++) {
            const o = <usize>load<i32>(vecs + (<usize>q << 2));
            const w = v128.load(r + o);
            v128.store(r + o, v128.bitselect(f64x2.mul(w, v128.load(scale + o)), w, v128.load(over + o)));
          }
        }
      } else {
        for (let j: usize = 0; j < nOut; j++) {
          if (load<i64>(over + j * 8) == 0) continue;
          const f = load<f64>(scale + j * 8);
          for (let i: usize = 0; i < nIn; i++) {
            const p = M + (i * P + j) * LB;
            store<L0>(p, <L0>(<f64>load<L0>(p) * f));
          }
        }
      }
      if (method == L2) sumsq = sumSquaresL0(M, nIn * P);
    }
  }
  for (let l = 1; l < nLayers; l++) maxNormDense(l, c);
}

/** Two layer-0 lanes at p as an f64x2 (exact: float32 lanes are promoted). */
// @ts-ignore: decorator
@inline
function lanes2(p: usize): v128 {
  if (LB == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Max-norm on the row-major rows of layer l ≥ 1. */
function maxNormDense(l: i32, c: f64): void {
  const nOut = <usize>fld(l, F_NOUT);
  const nIn = <usize>fld(l, F_NIN);
  const nInP = <usize>fld(l, F_NINP);
  const W = fld(l, F_W);
  const dual = method == DWM || method == DWM_STABLE;
  let any = false;
  for (let j: usize = 0; j < nOut; j++) {
    const row = W + j * nInP * 8;
    let s: f64 = 0;
    for (let i: usize = 0; i < nIn; i++) {
      const w = load<f64>(row + i * 8);
      s += w * w;
    }
    const norm = Math.sqrt(s);
    if (!(norm > c)) continue;
    any = true;
    const f = c / norm;
    if (dual) {
      const r1 = fld(l, F_W1) + j * nInP * 8;
      const r2 = fld(l, F_W2) + j * nInP * 8;
      for (let i: usize = 0; i < nIn; i++) {
        const a = load<f64>(r1 + i * 8) * f;
        const b = load<f64>(r2 + i * 8) * f;
        store<f64>(r1 + i * 8, a);
        store<f64>(r2 + i * 8, b);
        store<f64>(row + i * 8, a - b);
      }
    } else {
      for (let i: usize = 0; i < nIn; i++) store<f64>(row + i * 8, load<f64>(row + i * 8) * f);
    }
  }
  if (any && method == L2) store<f64>(table + <usize>l * ROW + F_NORMSQ, sumSquares(W, fld(l, F_P) * nInP));
}

// ---------------------------------------------------------------- evaluation

/** Materialises layer 0's effective weights (input-major) in evalW for score(). */
export function prepareEval(): void {
  const nIn = fld(0, F_NIN);
  const P = fld(0, F_P);
  const M = fld(0, F_W);
  if (method == DWM || method == DWM_STABLE) {
    const s1 = fld(0, F_S1);
    const s2 = fld(0, F_S2);
    for (let i: usize = 0; i < nIn; i++) {
      const src = M + i * P * 2 * LB;
      const dst = evalW + i * P * LB;
      for (let j: usize = 0; j < P; j++) {
        store<L0>(dst + j * LB, <L0>(load<f64>(s1 + j * 8) * <f64>load<L0>(src + j * LB)
          - load<f64>(s2 + j * 8) * <f64>load<L0>(src + (P + j) * LB)));
      }
    }
  } else {
    for (let k: usize = 0; k < nIn * P; k++) store<L0>(evalW + k * LB, <L0>(sigma * <f64>load<L0>(M + k * LB)));
  }
  // Layers ≥ 1: Wᵀ (input-major, P lanes per input; padding stays 0).
  for (let l = 1; l < nLayers; l++) {
    const nOutL = <usize>fld(l, F_NOUT);
    const nInL = <usize>fld(l, F_NIN);
    const PL = <usize>fld(l, F_P);
    const nInP = <usize>fld(l, F_NINP);
    const W = fld(l, F_W);
    const WT = fld(l, F_WT);
    for (let j: usize = 0; j < nOutL; j++) {
      for (let i: usize = 0; i < nInL; i++) store<f64>(WT + (i * PL + j) * 8, load<f64>(W + (j * nInP + i) * 8));
    }
  }
  if (LB == 8) prepareMixed();
}

/** Layer-0 matrices larger than this stream from beyond L2; evaluation then takes four rows per pass. */
const DENSE_EVAL_BYTES: usize = 512 * 1024;

/**
 * Layer-0 sums of the four rows at rowsF32 + row0 into z4, when they are mostly non-zero
 * (returns false otherwise, leaving them to the sparse path). evalW is read once for the four
 * rows, in tiles of inputs that stay in L2 while every column block of them is done.
 */
function layer0x4(row0: i32): bool {
  if (!mostlyNonZero(row0)) return false;
  const nIn = <usize>fld(0, F_NIN);
  const stride = <usize>fld(0, F_P) * LB;
  const src = rowsF32 + <usize>row0 * nIn * 4;
  for (let i: usize = 0; i < 4 * nIn; i++) store<L0>(xs4 + i * LB, <L0>load<f32>(src + i * 4));
  zero(z4, 4 * stride);
  const tile = max<usize>(16, (256 * 1024) / stride);
  const x1 = xs4 + nIn * LB;
  const x2 = x1 + nIn * LB;
  const x3 = x2 + nIn * LB;
  for (let i0: usize = 0; i0 < nIn; i0 += tile) {
    const i1 = min(nIn, i0 + tile);
    for (let j: usize = 0; j < stride; j += 32) {
      const o = z4 + j;
      let a0 = v128.load(o); let b0 = v128.load(o, 16);
      let a1 = v128.load(o + stride); let b1 = v128.load(o + stride, 16);
      let a2 = v128.load(o + 2 * stride); let b2 = v128.load(o + 2 * stride, 16);
      let a3 = v128.load(o + 3 * stride); let b3 = v128.load(o + 3 * stride, 16);
      for (let i = i0; i < i1; i++) {
        const w = evalW + i * stride + j;
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        const k = i * LB;
        const v0 = v128.load_splat<L0>(xs4 + k);
        const v1 = v128.load_splat<L0>(x1 + k);
        const v2 = v128.load_splat<L0>(x2 + k);
        const v3 = v128.load_splat<L0>(x3 + k);
        a0 = v128.add<L0>(a0, v128.mul<L0>(w0, v0)); b0 = v128.add<L0>(b0, v128.mul<L0>(w1, v0));
        a1 = v128.add<L0>(a1, v128.mul<L0>(w0, v1)); b1 = v128.add<L0>(b1, v128.mul<L0>(w1, v1));
        a2 = v128.add<L0>(a2, v128.mul<L0>(w0, v2)); b2 = v128.add<L0>(b2, v128.mul<L0>(w1, v2));
        a3 = v128.add<L0>(a3, v128.mul<L0>(w0, v3)); b3 = v128.add<L0>(b3, v128.mul<L0>(w1, v3));
      }
      v128.store(o, a0); v128.store(o, b0, 16);
      v128.store(o + stride, a1); v128.store(o + stride, b1, 16);
      v128.store(o + 2 * stride, a2); v128.store(o + 2 * stride, b2, 16);
      v128.store(o + 3 * stride, a3); v128.store(o + 3 * stride, b3, 16);
    }
  }
  return true;
}

/** Whether the four rows at rowsF32 + row0 are at least half non-zero (evaluation then takes them four per pass). */
function mostlyNonZero(row0: i32): bool {
  const n = <usize>fld(0, F_NIN) * 4;
  const p = rowsF32 + <usize>row0 * (n >> 2) * 4;
  let count = i32x4.splat(0);
  const zero = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) count = i32x4.sub(count, f32x4.ne(v128.load(p + i * 4), zero)); // a true lane is −1
  let c = <usize>(i32x4.extract_lane(count, 0) + i32x4.extract_lane(count, 1) + i32x4.extract_lane(count, 2) + i32x4.extract_lane(count, 3));
  for (; i < n; i++) c += <usize>(load<f32>(p + i * 4) != 0);
  return c * 2 >= n;
}

/** The score of one evaluated row: 1 for a correct class (metric 0) or the squared error. */
function rowScore(r: i32, metric: i32): f64 {
  const L = nLayers - 1;
  const nOut = fld(L, F_NOUT);
  const z = fld(L, F_Z);
  const y = <f64>load<f32>(rowsY + (<usize>r << 2));
  if (metric == 0) {
    let best: usize = 0;
    for (let i: usize = 1; i < nOut; i++) if (load<f64>(z + i * 8) > load<f64>(z + best * 8)) best = i;
    return <f64>best == y ? 1 : 0;
  }
  const e = load<f64>(z) - y;
  return e * e;
}

/**
 * Sum over the `count` rows at rowsPtr() of 1 for a correct class (metric 0) or the squared
 * error (metric 1), targets at rowsYPtr(). prepareEval() must have run since the last step.
 */
export function scoreRows(count: i32, metric: i32): f64 {
  const nIn = fld(0, F_NIN);
  const stride = fld(0, F_P) * LB;
  const dense = nIn * stride > DENSE_EVAL_BYTES;
  const narrow = LB == 8 && nIn <= <usize>NARROW_INPUTS;
  let total: f64 = 0;
  let r = 0;
  while (r < count) {
    if (narrow && r + 4 <= count && allNonZero(r)) {
      total = narrow4(r, metric, total);
      r += 4;
      continue;
    }
    if (dense && r + 4 <= count && layer0x4(r)) {
      for (let q = 0; q < 4; q++) {
        setZ0(z4 + <usize>q * stride, 1);
        forwardEvalUpper();
        total += rowScore(r + q, metric);
      }
      r += 4;
      continue;
    }
    gather(rowsF32 + <usize>r * nIn * 4, <i32>nIn);
    forward(true);
    total += rowScore(r, metric);
    r++;
  }
  return total;
}

/**
 * Layer l ≥ 1 of one row for narrow4: z of layer l − 1 at zin, z of layer l to zout; exactly
 * forwardEvalDense's operations (the inputs with z > 0, i.e. ReLU(z) > 0, compacted in order).
 */
function upperRow(l: i32, zin: usize, zout: usize): void {
  const nIn = <usize>fld(l, F_NIN);
  const stride = <usize>fld(l, F_P) * 8;
  const WT = fld(l, F_WT);
  const b = fld(l, F_B);
  let m = 0;
  for (let i: usize = 0; i < nIn; i++) {
    const v = load<f64>(zin + i * 8);
    store<f64>(hC + (<usize>m << 3), v);
    store<i32>(hIdx + (<usize>m << 2), <i32>i);
    m += <i32>(v > 0);
  }
  const need = (<usize>(fld(l, F_NOUT) + 1) >> 1) << 4;
  let j: usize = 0;
  for (; j + 64 <= need; j += 64) {
    const o = b + j;
    let c0 = v128.load(o); let c1 = v128.load(o, 16); let c2 = v128.load(o, 32); let c3 = v128.load(o, 48);
    for (let k = 0; k < m; k++) {
      const r = WT + <usize>load<i32>(hIdx + (<usize>k << 2)) * stride + j;
      const av = f64x2.splat(load<f64>(hC + (<usize>k << 3)));
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r), av));
      c1 = f64x2.add(c1, f64x2.mul(v128.load(r, 16), av));
      c2 = f64x2.add(c2, f64x2.mul(v128.load(r, 32), av));
      c3 = f64x2.add(c3, f64x2.mul(v128.load(r, 48), av));
    }
    const q = zout + j;
    v128.store(q, c0); v128.store(q, c1, 16); v128.store(q, c2, 32); v128.store(q, c3, 48);
  }
  for (; j < need; j += 16) {
    let c0 = v128.load(b + j);
    for (let k = 0; k < m; k++) {
      const r = WT + <usize>load<i32>(hIdx + (<usize>k << 2)) * stride + j;
      c0 = f64x2.add(c0, f64x2.mul(v128.load(r), f64x2.splat(load<f64>(hC + (<usize>k << 3)))));
    }
    v128.store(zout + j, c0);
  }
}

/** Nets with at most this many inputs are evaluated four rows at a time when the four have no 0 input (narrow4). */
const NARROW_INPUTS: i32 = 64;

/** Whether none of the n_in inputs of the four rows at rowsF32 + row0 is 0 (gather would then keep them all). */
function allNonZero(row0: i32): bool {
  const n = <usize>fld(0, F_NIN) * 4;
  const p = rowsF32 + <usize>row0 * (n >> 2) * 4;
  const zero = f32x4.splat(0);
  let all = i32x4.splat(-1);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) all = v128.and(all, f32x4.ne(v128.load(p + i * 4), zero));
  if (!i32x4.all_true(all)) return false;
  for (; i < n; i++) if (load<f32>(p + i * 4) == 0) return false;
  return true;
}

/**
 * Four rows of a narrow net (every input non-zero) scored at once, added to `total` row by row;
 * returns the new total. Each row gets exactly the operations of its own pass through gather,
 * sumRows, setZ0 and forwardEvalDense (which is why the rows must have no 0 input: then gather
 * keeps every input and the groups of four are the same for the four rows): layer 0 per vector
 * of units, groups of four inputs ((w0·a0 + w1·a1) + (w2·a2 + w3·a3)) added from +0, the inputs
 * past the last group one by one, z = b + 1·sum; layers ≥ 1 from Wᵀ, z = b then + w·a for each
 * input with a > 0 in input order (a masked add here). Each weight vector is loaded once for
 * the four rows.
 */
function narrow4(r0: i32, metric: i32, total: f64): f64 {
  const nIn = <usize>fld(0, F_NIN);
  const stride = <usize>fld(0, F_P) * 8;
  const src = rowsF32 + <usize>r0 * nIn * 4;
  for (let i: usize = 0; i < 4 * nIn; i++) store<f64>(xs4 + i * 8, <f64>load<f32>(src + i * 4));
  const x1 = xs4 + nIn * 8;
  const x2 = x1 + nIn * 8;
  const x3 = x2 + nIn * 8;
  const zv = f64x2.splat(0);
  const one = f64x2.splat(1);
  let zin = zq;
  let zout = zq + 4 * zqStride;
  {
    const b = fld(0, F_B);
    const need = (<usize>(fld(0, F_NOUT) + 1) >> 1) << 4;
    for (let o: usize = 0; o < need; o += 16) {
      let c0 = zv; let c1 = zv; let c2 = zv; let c3 = zv;
      let k: usize = 0;
      for (; k + 4 <= nIn; k += 4) {
        const w = evalW + k * stride + o;
        const w0 = v128.load(w);
        const w1 = v128.load(w + stride);
        const w2 = v128.load(w + 2 * stride);
        const w3 = v128.load(w + 3 * stride);
        const q = k * 8;
        c0 = f64x2.add(c0, f64x2.add(f64x2.add(f64x2.mul(w0, v128.load_splat<f64>(xs4 + q)), f64x2.mul(w1, v128.load_splat<f64>(xs4 + q + 8))),
          f64x2.add(f64x2.mul(w2, v128.load_splat<f64>(xs4 + q + 16)), f64x2.mul(w3, v128.load_splat<f64>(xs4 + q + 24)))));
        c1 = f64x2.add(c1, f64x2.add(f64x2.add(f64x2.mul(w0, v128.load_splat<f64>(x1 + q)), f64x2.mul(w1, v128.load_splat<f64>(x1 + q + 8))),
          f64x2.add(f64x2.mul(w2, v128.load_splat<f64>(x1 + q + 16)), f64x2.mul(w3, v128.load_splat<f64>(x1 + q + 24)))));
        c2 = f64x2.add(c2, f64x2.add(f64x2.add(f64x2.mul(w0, v128.load_splat<f64>(x2 + q)), f64x2.mul(w1, v128.load_splat<f64>(x2 + q + 8))),
          f64x2.add(f64x2.mul(w2, v128.load_splat<f64>(x2 + q + 16)), f64x2.mul(w3, v128.load_splat<f64>(x2 + q + 24)))));
        c3 = f64x2.add(c3, f64x2.add(f64x2.add(f64x2.mul(w0, v128.load_splat<f64>(x3 + q)), f64x2.mul(w1, v128.load_splat<f64>(x3 + q + 8))),
          f64x2.add(f64x2.mul(w2, v128.load_splat<f64>(x3 + q + 16)), f64x2.mul(w3, v128.load_splat<f64>(x3 + q + 24)))));
      }
      for (; k < nIn; k++) {
        const w0 = v128.load(evalW + k * stride + o);
        const q = k * 8;
        c0 = f64x2.add(c0, f64x2.mul(w0, v128.load_splat<f64>(xs4 + q)));
        c1 = f64x2.add(c1, f64x2.mul(w0, v128.load_splat<f64>(x1 + q)));
        c2 = f64x2.add(c2, f64x2.mul(w0, v128.load_splat<f64>(x2 + q)));
        c3 = f64x2.add(c3, f64x2.mul(w0, v128.load_splat<f64>(x3 + q)));
      }
      const bv = v128.load(b + o);
      v128.store(zout + o, f64x2.add(bv, f64x2.mul(one, c0)));
      v128.store(zout + zqStride + o, f64x2.add(bv, f64x2.mul(one, c1)));
      v128.store(zout + 2 * zqStride + o, f64x2.add(bv, f64x2.mul(one, c2)));
      v128.store(zout + 3 * zqStride + o, f64x2.add(bv, f64x2.mul(one, c3)));
    }
  }
  for (let l = 1; l < nLayers; l++) {
    const t = zin;
    zin = zout;
    zout = t;
    const m = <usize>fld(l, F_NIN);
    const strideL = <usize>fld(l, F_P) * 8;
    const WT = fld(l, F_WT);
    const b = fld(l, F_B);
    const need = (<usize>(fld(l, F_NOUT) + 1) >> 1) << 4;
    if (need > 32) {
      // A wider layer: row by row over the inputs with z > 0 only, as forwardEvalDense.
      for (let q: usize = 0; q < 4; q++) upperRow(l, zin + q * zqStride, zout + q * zqStride);
      continue;
    }
    // One or two vectors of units: the four rows at once, each input's add masked by z > 0.
    for (let o: usize = 0; o < need; o += 16) {
      const bv = v128.load(b + o);
      let c0 = bv; let c1 = bv; let c2 = bv; let c3 = bv;
      for (let i: usize = 0; i < m; i++) {
        const w = v128.load(WT + i * strideL + o);
        // ReLU(z) > 0 exactly when z > 0, and then it is z.
        const a0 = v128.load_splat<f64>(zin + i * 8);
        const a1 = v128.load_splat<f64>(zin + zqStride + i * 8);
        const a2 = v128.load_splat<f64>(zin + 2 * zqStride + i * 8);
        const a3 = v128.load_splat<f64>(zin + 3 * zqStride + i * 8);
        c0 = v128.bitselect(f64x2.add(c0, f64x2.mul(w, a0)), c0, f64x2.gt(a0, zv));
        c1 = v128.bitselect(f64x2.add(c1, f64x2.mul(w, a1)), c1, f64x2.gt(a1, zv));
        c2 = v128.bitselect(f64x2.add(c2, f64x2.mul(w, a2)), c2, f64x2.gt(a2, zv));
        c3 = v128.bitselect(f64x2.add(c3, f64x2.mul(w, a3)), c3, f64x2.gt(a3, zv));
      }
      v128.store(zout + o, c0);
      v128.store(zout + zqStride + o, c1);
      v128.store(zout + 2 * zqStride + o, c2);
      v128.store(zout + 3 * zqStride + o, c3);
    }
  }
  const L = nLayers - 1;
  const z = fld(L, F_Z);
  const nOut = <usize>fld(L, F_NOUT);
  let sum = total;
  for (let q = 0; q < 4; q++) {
    memory.copy(z, zout + <usize>q * zqStride, nOut * 8);
    sum += rowScore(r0 + q, metric);
  }
  return sum;
}

// ---------------------------------------------------------------- classification in float32

// classifyRows() computes layer 0 in float32 and keeps a float64 sample only when a rigorous
// bound cannot show that the float64 path (scoreRows) picks the same class; the derivation is in
// docs/METHOD.md, "Evaluation precision". In short, for the exact network output z* (real
// arithmetic on the float64 weights), per output unit i and sample x:
//   |z32_i − z*_i| + |z64_i − z*_i| ≤ D_i = α_i‖x‖ + Σ_k β_k,i‖h_k‖ + c_i,
// h_k the float32 path's hidden activations, α, β, c computed once per prepareEval():
// - layer 0, unit j: both paths' rounding is ≤ c0·Σ_i|w_ij x_i| ≤ c0‖w_j‖‖x‖ (Cauchy–Schwarz),
//   plus 2u64|b_j| for the bias additions and 2⁻¹⁴⁸(n + √n‖x‖) for underflow;
// - layer l ≥ 1 (float64 in both paths, the same code on different inputs; ReLU is
//   1-Lipschitz): D_l ≤ (1 + g_l)|W_l|D_{l−1} + 2g_l(‖W_l,j‖‖h_{l−1}‖ + |b_j|) + m·2⁻¹⁰⁷⁴,
//   g_l = γ(m + 1) in float64, m inputs.
// The class is kept when every other logit is more than D_best + D_i below the best one, all
// of layer 0's float32 sums are finite (an overflow there would make the bound meaningless) and
// D < 2⁵⁰⁰ (so no float64 sum of either path can overflow); otherwise the sample is recomputed
// by the float64 path. NaN anywhere fails the comparisons and so falls back too.

/** Non-zero inputs per float32 block on the sparse path. */
const SPARSE_BLOCK: i32 = 128;
/** Inputs per float32 block on the dense path. */
const DENSE_BLOCK: usize = 64;
/**
 * The most float32 additions a product goes through inside one block: DENSE_BLOCK on the dense
 * path (one at a time into a register), SPARSE_BLOCK/4 + 5 on the sparse path (two in
 * (p0 + p1) + (p2 + p3), then one per group of four and per leftover input into the block sum).
 */
const F32_DEPTH: f64 = <f64>max<i32>(<i32>DENSE_BLOCK, SPARSE_BLOCK / 4 + 5);

/** 2^e for −1022 ≤ e ≤ 1023, exactly. */
function pow2(e: i32): f64 {
  return reinterpret<f64>(<u64>(1023 + e) << 52);
}

/** γ(m) = m·unit/(1 − m·unit), the relative bound of m roundings (∞ when m·unit ≥ 1/2). */
function gamma(m: f64, unit: f64): f64 {
  const mu = m * unit;
  return mu < 0.5 ? mu / (1 - mu) : Infinity;
}

/** evalW in float32 and the bound's coefficients; called by prepareEval(). */
function prepareMixed(): void {
  const nIn = <usize>fld(0, F_NIN);
  const nOut = <usize>fld(0, F_NOUT);
  const P = <usize>fld(0, F_P);
  const v = boundTmp; // Σ_i w_ij², then α for layer 0
  zero(v, P * 8);
  for (let i: usize = 0; i < nIn; i++) {
    for (let j: usize = 0; j < P; j++) {
      const w = load<f64>(evalW + (i * P + j) * 8);
      store<f32>(evalW32 + (i * P + j) * 4, <f32>w);
      store<f64>(v + j * 8, load<f64>(v + j * 8) + w * w);
    }
  }
  const u = pow2(-24);
  const e = pow2(-53);
  const n = <f64>nIn;
  // Float32 path: the weight's rounding to float32, the product's, the block's additions, the
  // float64 additions of the blocks. Float64 path: the product's rounding and any order of n
  // additions (n + 4 covers the four-per-pass tree of the sparse path for every n).
  const c32 = (1 + u) * (1 + u) * (1 + gamma(F32_DEPTH, u)) * (1 + gamma(n + 4, e)) - 1;
  const c64 = (1 + e) * (1 + gamma(n + 4, e)) - 1;
  // Both bias additions: e·|b + sum| each, |sum| ≤ (1 + c)·Σ|w x|.
  const c0 = c32 + c64 + e * (2 + c32 + c64);
  const tiny = pow2(-148);
  const b = fld(0, F_B);
  for (let j: usize = 0; j < nOut; j++) {
    store<f64>(bound0 + j * 8, c0 * Math.sqrt(load<f64>(v + j * 8)) + tiny * Math.sqrt(n));
    store<f64>(bound0 + (P + j) * 8, 2 * e * Math.abs(load<f64>(b + j * 8)) + tiny * n);
  }
  memory.copy(v, bound0, nOut * 8);
  propagate(0, 0, false);
  memory.copy(v, bound0 + P * 8, nOut * 8);
  propagate(0, nLayers, true);
  // β_{l−1}: layer l's own float64 rounding, 2g_l‖W_l,j‖ per unit of ‖h_{l−1}‖.
  for (let l = 1; l < nLayers; l++) {
    const W = fld(l, F_W);
    const nInP = <usize>fld(l, F_NINP);
    const g = gamma(<f64>fld(l, F_NIN) + 1, e);
    for (let j: usize = 0; j < <usize>fld(l, F_NOUT); j++) {
      let sq: f64 = 0;
      for (let i: usize = 0; i < <usize>fld(l, F_NIN); i++) {
        const w = load<f64>(W + (j * nInP + i) * 8);
        sq += w * w;
      }
      store<f64>(v + j * 8, 2 * g * Math.sqrt(sq));
    }
    propagate(l, l, false);
  }
}

/**
 * Carries the vector at boundTmp (one entry per unit of layer `from`) to the output layer,
 * D ← (1 + g_l)|W_l|·D for l = from + 1 … (with `own`, also adding layer l's own bias and
 * underflow terms), and stores it as the bound's coefficient vector `slot`.
 */
function propagate(from: i32, slot: i32, own: bool): void {
  const e = pow2(-53);
  let src = boundTmp;
  let dst = boundTmp + widestBytes;
  for (let l = from + 1; l < nLayers; l++) {
    const nIn = <usize>fld(l, F_NIN);
    const nInP = <usize>fld(l, F_NINP);
    const W = fld(l, F_W);
    const b = fld(l, F_B);
    const g = gamma(<f64>nIn + 1, e);
    for (let j: usize = 0; j < <usize>fld(l, F_NOUT); j++) {
      let s: f64 = 0;
      for (let i: usize = 0; i < nIn; i++) s += Math.abs(load<f64>(W + (j * nInP + i) * 8)) * load<f64>(src + i * 8);
      s *= 1 + g;
      if (own) s += 2 * g * Math.abs(load<f64>(b + j * 8)) + <f64>nIn * reinterpret<f64>(<u64>1);
      store<f64>(dst + j * 8, s);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  const L = nLayers - 1;
  memory.copy(bound + <usize>slot * <usize>fld(L, F_P) * 8, src, <usize>fld(L, F_NOUT) * 8);
}

/**
 * The output layer's argmax when the bound proves it is the float64 path's class, else −1.
 * xn: an upper bound on ‖x‖₂. Reads the float32 path's z and activations. The affine bound
 * (coefficients from prepareMixed) is tried first; when it is too loose, the per-sample one.
 */
function certainClass(xn: f64): i32 {
  const n0 = <usize>fld(0, F_NOUT);
  const z0 = fld(0, F_Z);
  for (let j: usize = 0; j < n0; j++) {
    const s = load<f64>(z0 + j * 8);
    if (s - s != 0) return -1; // Inf or NaN
  }
  const L = nLayers - 1;
  const nOut = <usize>fld(L, F_NOUT);
  const z = fld(L, F_Z);
  let best: usize = 0;
  for (let i: usize = 1; i < nOut; i++) if (load<f64>(z + i * 8) > load<f64>(z + best * 8)) best = i;
  if (separated(affineBound(xn), best)) return <i32>best;
  if (separated(sampleBound(xn), best)) return <i32>best;
  return -1;
}

/** Whether every other logit lies more than D_best + D_i below logit `best` (and D < 2⁵⁰⁰). */
function separated(D: usize, best: usize): bool {
  const L = nLayers - 1;
  const nOut = <usize>fld(L, F_NOUT);
  const z = fld(L, F_Z);
  const Db = load<f64>(D + best * 8);
  const zb = load<f64>(z + best * 8);
  const limit = pow2(500);
  if (!(Db < limit)) return false;
  for (let i: usize = 0; i < nOut; i++) {
    if (i == best) continue;
    const Di = load<f64>(D + i * 8);
    if (!(Di < limit && zb - load<f64>(z + i * 8) > Db + Di)) return false;
  }
  return true;
}

// (1 + 2⁻²⁰) and 2⁻¹⁰⁰⁰ cover the rounding and underflow of computing a bound itself.
@inline function grown(d: f64): f64 {
  return d * (1 + pow2(-20)) + pow2(-1000);
}

/** D_i = α_i‖x‖ + Σ_k β_k,i‖h_k‖ + c_i per output unit, into boundTmp; returns boundTmp. */
function affineBound(xn: f64): usize {
  const L = nLayers - 1;
  const nOut = <usize>fld(L, F_NOUT);
  const stride = <usize>fld(L, F_P) * 8;
  const D = boundTmp;
  for (let i: usize = 0; i < nOut; i++) {
    store<f64>(D + i * 8, load<f64>(bound + i * 8) * xn + load<f64>(bound + <usize>nLayers * stride + i * 8));
  }
  for (let k = 0; k < L; k++) {
    const h = fld(k, F_ACT);
    let sq: f64 = 0;
    for (let j: usize = 0; j < <usize>fld(k, F_NOUT); j++) {
      const a = load<f64>(h + j * 8);
      sq += a * a;
    }
    const hn = Math.sqrt(sq);
    const beta = bound + <usize>(k + 1) * stride;
    for (let i: usize = 0; i < nOut; i++) store<f64>(D + i * 8, load<f64>(D + i * 8) + load<f64>(beta + i * 8) * hn);
  }
  for (let i: usize = 0; i < nOut; i++) store<f64>(D + i * 8, grown(load<f64>(D + i * 8)));
  return D;
}

/**
 * The bound carried through this sample's activations: layer 0's D_j = α0_j‖x‖ + c0_j; a hidden
 * unit whose float32 z is below −D_j is 0 after ReLU on both paths, so its difference E_j is 0
 * (else E_j = D_j); layer l ≥ 1: D_j = Σ_k |W_jk|((1 + g)E_k + 2g·h_k) + 2g|b_j| + m·2⁻¹⁰⁷⁴, the
 * float32 path's h. Returns the output layer's D (in boundTmp).
 */
function sampleBound(xn: f64): usize {
  const P0 = <usize>fld(0, F_P);
  const e = pow2(-53);
  let E = boundTmp;
  let out = boundTmp + widestBytes;
  const z0 = fld(0, F_Z);
  for (let j: usize = 0; j < <usize>fld(0, F_NOUT); j++) {
    const d = grown(load<f64>(bound0 + j * 8) * xn + load<f64>(bound0 + (P0 + j) * 8));
    store<f64>(E + j * 8, nLayers > 1 && load<f64>(z0 + j * 8) < -d ? 0 : d);
  }
  for (let l = 1; l < nLayers; l++) {
    const m = <usize>fld(l, F_NIN);
    const P = <usize>fld(l, F_P);
    const WT = fld(l, F_WT);
    const b = fld(l, F_B);
    const h = fld(l - 1, F_ACT);
    const g = gamma(<f64>m + 1, e);
    for (let j: usize = 0; j < P; j++) store<f64>(out + j * 8, 2 * g * Math.abs(load<f64>(b + j * 8)) + <f64>m * reinterpret<f64>(<u64>1));
    for (let k: usize = 0; k < m; k++) {
      const v = (1 + g) * load<f64>(E + k * 8) + 2 * g * load<f64>(h + k * 8);
      if (v == 0) continue;
      const vv = f64x2.splat(v);
      const row = WT + k * P * 8;
      for (let j: usize = 0; j < P; j += 2) {
        v128.store(out + j * 8, f64x2.add(v128.load(out + j * 8), f64x2.mul(f64x2.abs(v128.load(row + j * 8)), vv)));
      }
    }
    const z = fld(l, F_Z);
    const hidden = l + 1 < nLayers;
    for (let j: usize = 0; j < <usize>fld(l, F_NOUT); j++) {
      const d = grown(load<f64>(out + j * 8));
      store<f64>(out + j * 8, hidden && load<f64>(z + j * 8) < -d ? 0 : d);
    }
    const t = E;
    E = out;
    out = t;
  }
  return E;
}

/**
 * An upper bound on Σx² over the n float32 values at p, computed in float32 lanes: each lane sums
 * about n/4 rounded squares, so the computed sum is at least (1 − γ)·Σx² less underflow.
 */
function sumSquaresBound32(p: usize, n: usize): f64 {
  let acc = f32x4.splat(0);
  let i: usize = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(p + i * 4);
    acc = f32x4.add(acc, f32x4.mul(x, x));
  }
  let s = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const x = <f64>load<f32>(p + i * 4);
    s += x * x; // exact square
  }
  return s * (1 + 2 * gamma(<f64>(n >> 2) + 2, pow2(-24))) + <f64>n * pow2(-149);
}

/** Σx² of the gathered non-zero inputs (aC, float64: the squares of float32 values are exact). */
function sumSquaresGathered(): f64 {
  let s: f64 = 0;
  for (let k = 0; k < nnz; k++) {
    const x = load<f64>(aC + (<usize>k << 3));
    s += x * x;
  }
  return s;
}

/**
 * Layer-0 sums of the gathered sample (aC, idx) over evalW32 into sums64 (P float64 lanes):
 * blocks of SPARSE_BLOCK non-zero inputs summed in float32, four inputs per pass, each block's
 * sums then added into sums64 in float64.
 */
function sumRows32(P: usize): void {
  const stride = P * 4;
  zero(sums64, P * 8);
  for (let kb = 0; kb < nnz; kb += SPARSE_BLOCK) {
    const ke = min(nnz, kb + SPARSE_BLOCK);
    zero(sums32, stride);
    let k = kb;
    for (; k + 4 <= ke; k += 4) {
      const ik = idx + (<usize>k << 2);
      const ak = aC + (<usize>k << 3);
      const r0 = evalW32 + <usize>load<i32>(ik) * stride;
      const r1 = evalW32 + <usize>load<i32>(ik, 4) * stride;
      const r2 = evalW32 + <usize>load<i32>(ik, 8) * stride;
      const r3 = evalW32 + <usize>load<i32>(ik, 12) * stride;
      const a0 = f32x4.splat(<f32>load<f64>(ak)); // exact: the values came from float32
      const a1 = f32x4.splat(<f32>load<f64>(ak, 8));
      const a2 = f32x4.splat(<f32>load<f64>(ak, 16));
      const a3 = f32x4.splat(<f32>load<f64>(ak, 24));
      for (let j: usize = 0; j < stride; j += 32) {
        const t = f32x4.add(
          f32x4.add(f32x4.mul(v128.load(r0 + j), a0), f32x4.mul(v128.load(r1 + j), a1)),
          f32x4.add(f32x4.mul(v128.load(r2 + j), a2), f32x4.mul(v128.load(r3 + j), a3)));
        const t2 = f32x4.add(
          f32x4.add(f32x4.mul(v128.load(r0 + j, 16), a0), f32x4.mul(v128.load(r1 + j, 16), a1)),
          f32x4.add(f32x4.mul(v128.load(r2 + j, 16), a2), f32x4.mul(v128.load(r3 + j, 16), a3)));
        v128.store(sums32 + j, f32x4.add(v128.load(sums32 + j), t));
        v128.store(sums32 + j, f32x4.add(v128.load(sums32 + j, 16), t2), 16);
      }
    }
    for (; k < ke; k++) {
      const r0 = evalW32 + <usize>load<i32>(idx + (<usize>k << 2)) * stride;
      const a0 = f32x4.splat(<f32>load<f64>(aC + (<usize>k << 3)));
      for (let j: usize = 0; j < stride; j += 16) {
        v128.store(sums32 + j, f32x4.add(v128.load(sums32 + j), f32x4.mul(v128.load(r0 + j), a0)));
      }
    }
    for (let j: usize = 0; j < stride; j += 16) addBlock(sums64 + j * 2, v128.load(sums32 + j));
  }
}

/** dst[0..4) (float64) += the four float32 lanes of v. */
@inline function addBlock(dst: usize, v: v128): void {
  v128.store(dst, f64x2.add(v128.load(dst), f64x2.promote_low_f32x4(v)));
  v128.store(dst, f64x2.add(v128.load(dst, 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3))), 16);
}

/**
 * Float32 layer-0 sums of the four rows at rowsF32 + row0 into z4 (P float64 lanes per row):
 * evalW32 is read once for the four rows; each block of DENSE_BLOCK inputs is summed in float32
 * registers, eight units at a time, then added into z4 in float64.
 */
function layer0x4f32(row0: i32): void {
  const nIn = <usize>fld(0, F_NIN);
  const P = <usize>fld(0, F_P);
  const stride = P * 4;
  const zStride = P * 8;
  zero(z4, 4 * zStride);
  const x0 = rowsF32 + <usize>row0 * nIn * 4;
  const x1 = x0 + nIn * 4;
  const x2 = x1 + nIn * 4;
  const x3 = x2 + nIn * 4;
  for (let i0: usize = 0; i0 < nIn; i0 += DENSE_BLOCK) {
    const i1 = min(nIn, i0 + DENSE_BLOCK);
    for (let j: usize = 0; j < stride; j += 32) {
      let a0 = f32x4.splat(0); let b0 = f32x4.splat(0);
      let a1 = f32x4.splat(0); let b1 = f32x4.splat(0);
      let a2 = f32x4.splat(0); let b2 = f32x4.splat(0);
      let a3 = f32x4.splat(0); let b3 = f32x4.splat(0);
      let w = evalW32 + i0 * stride + j;
      const wEnd = evalW32 + i1 * stride + j;
      let k = i0 * 4;
      for (; w < wEnd; w += stride) {
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        const v0 = v128.load_splat<f32>(x0 + k);
        const v1 = v128.load_splat<f32>(x1 + k);
        const v2 = v128.load_splat<f32>(x2 + k);
        const v3 = v128.load_splat<f32>(x3 + k);
        a0 = f32x4.add(a0, f32x4.mul(w0, v0)); b0 = f32x4.add(b0, f32x4.mul(w1, v0));
        a1 = f32x4.add(a1, f32x4.mul(w0, v1)); b1 = f32x4.add(b1, f32x4.mul(w1, v1));
        a2 = f32x4.add(a2, f32x4.mul(w0, v2)); b2 = f32x4.add(b2, f32x4.mul(w1, v2));
        a3 = f32x4.add(a3, f32x4.mul(w0, v3)); b3 = f32x4.add(b3, f32x4.mul(w1, v3));
        k += 4;
      }
      const o = z4 + j * 2;
      addBlock(o, a0); addBlock(o + 32, b0);
      addBlock(o + zStride, a1); addBlock(o + zStride + 32, b1);
      addBlock(o + 2 * zStride, a2); addBlock(o + 2 * zStride + 32, b2);
      addBlock(o + 3 * zStride, a3); addBlock(o + 3 * zStride + 32, b3);
    }
  }
}

/**
 * One dense row's float64 layer-0 sums into sums64, bit for bit as layer0x4 computes them (each
 * lane adds its products in input order, one at a time, from +0).
 */
function layer0Seq64(x: usize): void {
  const nIn = <usize>fld(0, F_NIN);
  const stride = <usize>fld(0, F_P) * 8;
  let j: usize = 0;
  // Eight independent lanes pairs per pass (each lane's sum stays one chain, in input order).
  for (; j + 64 <= stride; j += 64) {
    let a0 = f64x2.splat(0); let a1 = f64x2.splat(0); let a2 = f64x2.splat(0); let a3 = f64x2.splat(0);
    let w = evalW + j;
    for (let i: usize = 0; i < nIn; i++) {
      const v = f64x2.splat(<f64>load<f32>(x + i * 4));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w, 16), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(w, 32), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(w, 48), v));
      w += stride;
    }
    v128.store(sums64 + j, a0); v128.store(sums64 + j, a1, 16); v128.store(sums64 + j, a2, 32); v128.store(sums64 + j, a3, 48);
  }
  for (; j < stride; j += 32) {
    let a0 = f64x2.splat(0); let a1 = f64x2.splat(0);
    let w = evalW + j;
    for (let i: usize = 0; i < nIn; i++) {
      const v = f64x2.splat(<f64>load<f32>(x + i * 4));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w, 16), v));
      w += stride;
    }
    v128.store(sums64 + j, a0); v128.store(sums64 + j, a1, 16);
  }
}

/**
 * The number of correctly classified rows among the `count` at rowsPtr() (labels at rowsYPtr()),
 * equal to scoreRows(count, 0) by construction: layer 0 in float32, and every row whose class
 * the bound cannot certify recomputed as scoreRows computes it. The `fast32` module has no
 * float64 layer 0 to fall back on and just calls scoreRows.
 */
export function classifyRows(count: i32): f64 {
  if (LB != 8) return scoreRows(count, 0);
  const nIn = <usize>fld(0, F_NIN);
  const P = <usize>fld(0, F_P);
  let correct: f64 = 0;
  let r = 0;
  while (r < count) {
    // Four mostly non-zero rows (every CIFAR-10 image, a corrupted MNIST one) at a time, whatever
    // the width of layer 0: each float32 weight is loaded once for the four. A row the bound
    // cannot certify is recomputed in float64 in input order (layer0Seq64), which sums what
    // scoreRows' paths sum in the same order (the zero inputs they skip add ±0), so its class is
    // scoreRows' class. Sparse rows (clean MNIST) go one at a time, as in scoreRows.
    if (r + 4 <= count && mostlyNonZero(r)) {
      layer0x4f32(r);
      for (let q = 0; q < 4; q++) {
        const x = rowsF32 + <usize>(r + q) * nIn * 4;
        setZ0(z4 + <usize>q * P * 8, 1);
        forwardEvalUpper();
        if (certainClass(Math.sqrt(sumSquaresBound32(x, nIn))) < 0) {
          layer0Seq64(x);
          setZ0(sums64, 1);
          forwardEvalUpper();
          rowsRecomputed++;
        }
        correct += rowScore(r + q, 0);
      }
      r += 4;
      continue;
    }
    // A group of four that is mostly zeros (clean MNIST) goes one row at a time, and the next
    // group starts after it: each row is counted by mostlyNonZero once.
    const end = r + 4 <= count ? r + 4 : r + 1;
    for (; r < end; r++) correct += classifySparseRow(r, nIn, P);
  }
  rowsClassified += count;
  return correct;
}

/** classifyRows' one-row path: layer 0 over the row's non-zero inputs in float32, float64 when the bound cannot certify. */
function classifySparseRow(r: i32, nIn: usize, P: usize): f64 {
  gather(rowsF32 + <usize>r * nIn * 4, <i32>nIn);
  return classifyGathered(r, P);
}

/**
 * classifyRows for a block none of whose groups of four (rows 4g … 4g + 3) is mostly non-zero, the
 * rows given by their non-zero inputs (csrOffPtr() …, as gather() would list them): every row
 * goes classifyRows' one-row way, reading its list where it lies instead of gathering it from
 * rowsPtr(), so the same sums in the same order and the same class. Float64 lanes only.
 */
export function classifyListedRows(count: i32): f64 {
  const P = <usize>fld(0, F_P);
  const aC0 = aC;
  const idx0 = idx;
  let correct: f64 = 0;
  for (let r = 0; r < count; r++) {
    const from = load<i32>(csrOff + (<usize>r << 2));
    aC = csrVal + (<usize>from << 3);
    idx = csrIdx + (<usize>from << 2);
    nnz = load<i32>(csrOff + (<usize>(r + 1) << 2)) - from;
    correct += classifyGathered(r, P);
  }
  aC = aC0;
  idx = idx0;
  rowsClassified += count;
  return correct;
}

/** Row r (its non-zero inputs at aC, idx, nnz of them) the one-row way: its score (1 for the right class). */
function classifyGathered(r: i32, P: usize): f64 {
  sumRows32(P);
  setZ0(sums64, 1);
  forwardEvalUpper();
  if (certainClass(Math.sqrt(sumSquaresGathered())) < 0) {
    forward(true);
    rowsRecomputed++;
  }
  return rowScore(r, 0);
}

/** Rows classifyRows() has scored (which = 0) and recomputed in float64 (which = 1) since init. */
export function classifyCounts(which: i32): f64 {
  return which == 0 ? rowsClassified : rowsRecomputed;
}

/**
 * For tests of the bound: row r of the rows at rowsPtr() taken the float32 way (dense: with the
 * other rows of its group of four) and the float64 way, writing to tracePtr() four vectors of
 * the output width: the float32 path's logits, the affine bound, the per-sample bound, the
 * float64 path's logits. Returns certainClass() of the float32 pass.
 */
export function traceRow(r: i32, dense: bool): i32 {
  if (LB != 8) return -1;
  const nIn = <usize>fld(0, F_NIN);
  const P = <usize>fld(0, F_P);
  const L = nLayers - 1;
  const nOut = <usize>fld(L, F_NOUT);
  const stride = <usize>fld(L, F_P) * 8;
  const z = fld(L, F_Z);
  const x = rowsF32 + <usize>r * nIn * 4;
  let xn: f64;
  if (dense) {
    layer0x4f32(r & ~3);
    setZ0(z4 + <usize>(r & 3) * P * 8, 1);
    xn = Math.sqrt(sumSquaresBound32(x, nIn));
  } else {
    gather(x, <i32>nIn);
    sumRows32(P);
    setZ0(sums64, 1);
    xn = Math.sqrt(sumSquaresGathered());
  }
  forwardEvalUpper();
  memory.copy(trace, z, nOut * 8);
  memory.copy(trace + stride, affineBound(xn), nOut * 8);
  memory.copy(trace + 2 * stride, sampleBound(xn), nOut * 8);
  const c = certainClass(xn);
  if (dense) {
    layer0Seq64(x);
    setZ0(sums64, 1);
    forwardEvalUpper();
  } else forward(true);
  memory.copy(trace + 3 * stride, z, nOut * 8);
  return c;
}

export function tracePtr(): usize { return trace; }
