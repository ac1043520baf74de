// The fast engine: one WebAssembly instance (SIMD kernels compiled from kernels.as) per
// model. Same algebra as the reference path (src/core/model.ts + rules), different layout:
// see kernels.as. This file moves weights in and out of the instance and implements the
// Trainable interface the protocol uses. Which kernel runs is the rule's `kernel` field.

import type { ListedRows, Trainable } from '../model.js';
import type { Network } from '../network.js';
import { anyTrainOption, checkTrainOptions, TrainDraws } from '../regularizers.js';
import type { LayerParams, LearningRule } from '../rules/rule.js';
import { NO_TRAIN_OPTIONS, type TrainOptions } from '../train-options.js';
import { isDualKernel } from './kernel-methods.js';
import { KERNELS32_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.js';

// The few WebAssembly JS-API types used here (the ES2022 lib this project compiles with has none).
interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
interface WasmModule { readonly kind?: 'module' }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
};

/** Rows copied into the instance per evaluation block. */
const EVAL_ROWS = 256;
/** Rows of at most this many inputs are copied into the instance element by element. */
const SMALL_ROW = 64;

/** trainSteps copies the training list's rows into the instance when they take at most this many bytes (else it steps per sample). */
const MAX_TABLE_BYTES = 64 * 2 ** 20;
/** Bytes of pre-drawn noisy inputs and dropout masks per trainSteps call into the instance. */
const DRAW_BYTES = 4 * 2 ** 20;

/** Default: fold a DWM row scale back into its vector when it drops below this. */
export const DEFAULT_RENORM_BELOW = 2 ** -40;

interface Exports {
  memory: WasmMemory;
  begin(layers: number): void;
  setLayer(l: number, nIn: number, nOut: number): void;
  init(method: number, loss: number, lambda: number, renorm: number, evalRows: number): void;
  /** Builds from before momentum and adam lack it. */
  setParams?(p0: number, p1: number, p2: number, p3: number): void;
  tablePtr(): number;
  /** Absent in modules built before the table grew past 80 bytes a row (the bit-identity baseline). */
  tableRowBytes?(): number;
  inputPtr(): number;
  rowsPtr(): number;
  rowsYPtr(): number;
  getSigma(): number;
  /** Builds from before the training-time options lack it; they train only without them. */
  setTrain?(dropout: boolean, smoothing: number, maxNorm: number): void;
  /** Builds from before the masks were drawn in the module lack it; FastModel then draws them (TrainDraws) and copies them in. */
  setDropStream?(a: number, b: number, c: number, d: number, p: number, keep: number): void;
  layer0Bytes(): number;
  ready(): void;
  step(target: number, lr: number): number;
  /** Builds from before the turn-in-one-call lack these two; FastModel then steps one sample per call. */
  reserve?(bytes: number): number;
  /** `first` (the run's index of the first step, for the progress cell) is new; older builds ignore it. */
  trainSteps?(entries: number, targets: number, rows: number, count: number, lr: number, lossSum: number, noisy: number, masks: number, first: number): number;
  /** The address of trainSteps' progress cell; builds from before the shared memory lack it. */
  progressAt?(): number;
  /** Applies the last step's deferred layer-0 update; builds from before deferral lack it (nothing is ever pending there). */
  flush?(): void;
  prepareEval(): void;
  scoreRows(count: number, metric: number): number;
  /** Builds from before the mixed-precision evaluation lack it; they score in float64. */
  classifyRows?(count: number): number;
  /** Builds from before the listed rows lack these four; FastModel then copies the rows themselves. */
  classifyListedRows?(count: number): number;
  csrOffPtr?(): number;
  csrIdxPtr?(): number;
  csrValPtr?(): number;
  classifyCounts(which: number): number;
  traceRow(r: number, dense: boolean): number;
  tracePtr(): number;
}

const compiled = new Map<Layer0Precision, WasmModule>();

/** Layer-0 lane type: 64 = float64 throughout (`fast`), 32 = float32 layer-0 weights (`fast32`). */
export type Layer0Precision = 64 | 32;

function wasmModule(precision: Layer0Precision): WasmModule {
  let m = compiled.get(precision);
  if (!m) {
    const b64 = precision === 64 ? KERNELS_WASM_BASE64 : KERNELS32_WASM_BASE64;
    m = new WebAssembly.Module(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    compiled.set(precision, m);
  }
  return m;
}

// Layer-table fields (byte offsets, as in kernels.as).
const F = { nIn: 0, nOut: 4, P: 8, nInP: 12, W: 16, W1: 20, W2: 24, b: 28, s1: 44, s2: 48, mask: 76, st: 80 } as const;
/** The table row of one layer, in bytes, in modules that do not say (kernels.as before tableRowBytes). */
const OLD_ROW = 80;

export interface FastOptions {
  /** Fold DWM row scales below this back into their vectors (tests raise it to exercise the fold). */
  renormBelow?: number;
  /** Layer-0 lane type (default 64: float64 everywhere, like the reference). */
  precision?: Layer0Precision;
  /** Another build of kernels.as (same exports), for comparing kernel variants. */
  wasm?: Uint8Array;
  /** How accuracy is computed (default 'mixed'; see Evaluation). */
  evaluation?: Evaluation;
  /** Training-time options (docs/METHOD.md §7); default none. */
  train?: TrainOptions;
  /** The run's seed, from which the options' random streams are derived with the model's id. */
  seed?: number;
}

/**
 * 'mixed': layer 0 in float32 where a bound proves the class is the float64 path's, the other
 * samples in float64 (docs/METHOD.md, "Evaluation precision"); the counts equal 'float64''s by
 * construction. 'float64': every sample in float64. MSE is always float64.
 */
export type Evaluation = 'mixed' | 'float64';

export class FastModel implements Trainable {
  /** Where the fast engines are defined (for the code fingerprint, model-factory.ts). */
  static readonly module = import.meta.url;
  readonly id: string;
  readonly engine: 'fast' | 'fast32';
  private readonly ex: Exports;
  /** Bytes of one layer's row of the module's table. */
  private readonly row: number;
  private readonly sizes: number[];
  private readonly dual: boolean;
  private readonly nIn: number;
  private readonly layer0Bytes: number;
  /** Views over the instance's memory, renewed after it grows (see bindViews). */
  private input!: Float32Array;
  private rows!: Float32Array;
  private rowsY!: Float32Array;
  /** The module's block of rows by their non-zero inputs (float64 lanes only; else null). */
  private listedOff: Int32Array | null = null;
  private listedIdx: Int32Array | null = null;
  private listedVal: Float64Array | null = null;
  /** Layer-0 weights changed since evalW was last materialised. */
  private evalStale = true;
  evaluation: Evaluation;
  /** The training-time options' draws; null when every option is 0 (the paper's step). */
  private draws: TrainDraws | null;
  /** What the model was built from, for setUp() and restart(). */
  private readonly setup: { initial: Network; rule: LearningRule<any>; opts: FastOptions };
  /** Views of the hidden layers' dropout multipliers in the instance (renewed with the others). */
  private masks: Float64Array[] = [];
  private readonly hidden: number[];
  /** Whether this side draws the dropout masks (a module without setDropStream), or the module does. */
  private maskDraws = true;
  /** trainSteps' copy of the run's training rows, targets and sample order in the instance, and what it was copied from. */
  private table: { x: Float32Array; list: Int32Array; entries: Int32Array; targets: Float32Array; rows: number; tg: number; en: number } | null = null;
  /** trainSteps' room for pre-drawn noisy inputs and dropout masks: its address and how many steps it holds. */
  private drawRoom: { ptr: number; steps: number } | null = null;

  constructor(id: string, initial: Network, rule: LearningRule<any>, opts: FastOptions = {}) {
    const kernel = rule.kernel;
    if (!kernel) throw new Error(`fast engine: no kernel for method '${rule.id}'`);
    this.id = id;
    this.sizes = [...initial.sizes];
    this.hidden = this.sizes.slice(1, -1);
    this.nIn = initial.nInputs;
    this.dual = isDualKernel(kernel.method);
    const module = opts.wasm ? new WebAssembly.Module(opts.wasm) : wasmModule(opts.precision ?? 64);
    const instance = new WebAssembly.Instance(module, {
      env: { abort: () => { throw new Error('fast engine: wasm abort'); } },
    });
    this.ex = instance.exports as unknown as Exports;
    this.row = this.ex.tableRowBytes?.() ?? OLD_ROW;
    this.layer0Bytes = this.ex.layer0Bytes();
    this.engine = this.layer0Bytes === 4 ? 'fast32' : 'fast';
    this.evaluation = this.ex.classifyRows ? opts.evaluation ?? 'mixed' : 'float64';
    checkTrainOptions(id, opts.train ?? NO_TRAIN_OPTIONS, initial.loss);
    this.setup = { initial, rule, opts };
    this.draws = this.setUp();
  }

  /**
   * Lays the model out in the module and writes the initial network; returns the training-time
   * options' draws, started from their seeds (null when every option is 0).
   */
  private setUp(): TrainDraws | null {
    const { initial, rule, opts } = this.setup;
    const kernel = rule.kernel!;
    const L = initial.layers.length;
    this.ex.begin(L);
    for (let l = 0; l < L; l++) this.ex.setLayer(l, initial.layers[l].nIn, initial.layers[l].nOut);
    this.ex.init(kernel.method, initial.loss === 'mse' ? 1 : 0, kernel.lambda, opts.renormBelow ?? DEFAULT_RENORM_BELOW, EVAL_ROWS);
    if (kernel.params) {
      if (!this.ex.setParams) throw new Error(`fast engine: this wasm build has no kernel parameters for method '${rule.id}'`);
      this.ex.setParams(...kernel.params);
    }
    this.writeInitial(initial);
    this.ex.ready();
    const train = opts.train ?? NO_TRAIN_OPTIONS;
    const draws = anyTrainOption(train) ? new TrainDraws(train, opts.seed ?? 0, this.id) : null;
    this.maskDraws = true;
    if (draws) {
      if (!this.ex.setTrain) throw new Error('fast engine: this kernel build has no training-time options');
      this.ex.setTrain(train.dropout !== 0, train.labelSmoothing, train.maxNorm);
      if (train.dropout !== 0 && this.ex.setDropStream) {
        // The module draws the masks from the same stream, in the same order (kernels.as fillMasks).
        const { state, p, keepScale } = draws.dropoutStream();
        this.ex.setDropStream(state[0], state[1], state[2], state[3], p, keepScale);
        this.maskDraws = false;
      }
    }
    this.evalStale = true;
    this.draws = draws;
    this.bindViews();
    return draws;
  }

  /**
   * Back to the state the model was built in, in the same instance: laid out afresh (the memory
   * it used before is not given back), the initial network written again and the training-time
   * streams started over; trainSteps' copy of the training rows is kept. What a new FastModel of
   * the same arguments would be, to the bit (bench/stepper.test.ts), without a new instance: the
   * bench (bench/pools.ts benchStepper) restarts its models this way every LIFETIME steps.
   */
  restart(): void {
    this.setUp();
  }

  /**
   * Makes the long-lived views over the instance's current memory. Growing an unshared WebAssembly
   * memory (the frozen baseline modules') replaces its buffer and detaches the old one (its views
   * then have length 0), so step() and score() call this again when they find a view detached; a
   * shared memory (this build's) stays where it is, and views of its old buffer stay valid. The kernels allocate only in
   * init(), but a write must never go to a stale view whatever grows the memory. Views made per
   * call (field, f64, lanes0) read the current buffer anyway.
   */
  private bindViews(): void {
    const buf = this.ex.memory.buffer;
    this.input = new Float32Array(buf, this.ex.inputPtr(), this.nIn);
    this.rows = new Float32Array(buf, this.ex.rowsPtr(), EVAL_ROWS * this.nIn);
    this.rowsY = new Float32Array(buf, this.ex.rowsYPtr(), EVAL_ROWS);
    if (this.ex.classifyListedRows && this.layer0Bytes === 8) {
      this.listedOff = new Int32Array(buf, this.ex.csrOffPtr!(), EVAL_ROWS + 1);
      this.listedIdx = new Int32Array(buf, this.ex.csrIdxPtr!(), EVAL_ROWS * this.nIn);
      this.listedVal = new Float64Array(buf, this.ex.csrValPtr!(), EVAL_ROWS * this.nIn);
    }
    if (this.draws?.options.dropout) {
      this.masks = this.hidden.map((n, l) => new Float64Array(buf, this.field(l, F.mask), n));
    }
  }

  private field(l: number, f: number): number {
    return new Int32Array(this.ex.memory.buffer, this.ex.tablePtr() + l * this.row + f, 1)[0];
  }

  private f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.ex.memory.buffer, ptr, n);
  }

  /** A view of n layer-0 lanes (float64 or float32, as the module was built). */
  private lanes0(ptr: number, n: number): Float64Array | Float32Array {
    return this.layer0Bytes === 8 ? new Float64Array(this.ex.memory.buffer, ptr, n) : new Float32Array(this.ex.memory.buffer, ptr, n);
  }

  /** Writes the initial effective weights: W1 = W, W2 = 0 for DWM (docs/METHOD.md §2), biases. */
  private writeInitial(net: Network): void {
    for (let l = 0; l < net.layers.length; l++) {
      const { nIn, nOut, W, b } = net.layers[l];
      const P = this.field(l, F.P);
      this.f64(this.field(l, F.b), nOut).set(b);
      if (l === 0) {
        const stride = this.dual ? 2 * P : P;
        const V = this.lanes0(this.field(0, F.W), nIn * stride);
        for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) V[i * stride + j] = W[j * nIn + i];
      } else {
        const nInP = this.field(l, F.nInP);
        const targets = this.dual ? [F.W, F.W1] : [F.W];
        for (const f of targets) {
          const M = this.f64(this.field(l, f), P * nInP);
          for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) M[j * nInP + i] = W[j * nIn + i];
        }
      }
    }
  }

  step(x: Float32Array, index: number, target: number, lr: number): number {
    const base = index * this.nIn;
    if (this.input.length === 0) this.bindViews();
    const draws = this.draws;
    if (draws === null) {
      this.input.set(x.subarray(base, base + this.nIn));
    } else {
      // The same draws, in the same order, as the reference Model's step.
      if (draws.options.inputNoise !== 0) draws.noisyInput(x, base, this.nIn, this.input);
      else this.input.set(x.subarray(base, base + this.nIn));
      if (draws.options.dropout !== 0 && this.maskDraws) draws.fillMasks(this.masks, this.hidden);
    }
    this.evalStale = true;
    return this.ex.step(target, lr);
  }

  /**
   * Steps [from, to) of the run's order inside the instance (Trainable.trainSteps): the training
   * rows, their targets and the order are copied in once per run, and the steps run in one call
   * (in chunks of DRAW_BYTES of pre-drawn noisy inputs and masks when those options are on: the
   * same draws, from the same streams, in the same order as step()'s). Falls back to step()
   * when the module predates trainSteps or the rows would take more than MAX_TABLE_BYTES.
   */
  trainSteps(x: Float32Array, list: Int32Array, entries: Int32Array, targets: Float32Array, lr: number, from: number, to: number, lossSum: number): number {
    const ex = this.ex;
    const n = this.nIn;
    if (!ex.trainSteps || !ex.reserve || list.length * n * 4 > MAX_TABLE_BYTES) {
      // Stepped from here, so the progress cell is written from here, as the module writes it.
      const cell = this.progressView();
      if (cell) Atomics.store(cell, 0, from);
      let sum = lossSum;
      for (let s = from; s < to; s++) {
        sum += this.step(x, list[entries[s]], targets[entries[s]], lr);
        if (cell && ((s - from + 1) & 255) === 0) Atomics.store(cell, 0, s + 1);
      }
      if (cell) Atomics.store(cell, 0, to);
      return sum;
    }
    const t = this.tableFor(x, list, entries, targets);
    const draws = this.draws;
    this.evalStale = true;
    if (draws === null) return ex.trainSteps(t.en + from * 4, t.tg, t.rows, to - from, lr, lossSum, 0, 0, from);
    const noise = draws.options.inputNoise !== 0;
    const drop = draws.options.dropout !== 0 && this.maskDraws;
    const maskCount = drop ? this.hidden.reduce((a, b) => a + b, 0) : 0;
    const noiseBytes = noise ? n * 4 : 0;
    const perStep = noiseBytes + maskCount * 8;
    if (perStep === 0) return ex.trainSteps(t.en + from * 4, t.tg, t.rows, to - from, lr, lossSum, 0, 0, from);
    const chunk = Math.max(1, Math.min(to - from, Math.floor(DRAW_BYTES / perStep)));
    if (!this.drawRoom || this.drawRoom.steps < chunk) {
      this.drawRoom = { ptr: ex.reserve(chunk * perStep + 8), steps: chunk };
      this.bindViews();
    }
    const room = this.drawRoom.ptr;
    const noisyAt = room; // chunk × n float32, then the masks (f64) from the next 8-byte boundary
    const masksAt = room + (noise ? chunk * noiseBytes : 0);
    const maskBase = masksAt + ((8 - (masksAt % 8)) % 8);
    let sum = lossSum;
    for (let a = from; a < to; a += chunk) {
      const b = Math.min(to, a + chunk);
      const buf = ex.memory.buffer;
      if (noise) {
        const out = new Float32Array(buf, noisyAt, (b - a) * n);
        for (let s = a; s < b; s++) draws.noisyInput(x, list[entries[s]] * n, n, out.subarray((s - a) * n, (s - a + 1) * n));
      }
      if (drop) {
        const all = new Float64Array(buf, maskBase, (b - a) * maskCount);
        const views: Float64Array[] = [];
        for (let s = a; s < b; s++) {
          let off = (s - a) * maskCount;
          views.length = 0;
          for (const h of this.hidden) {
            views.push(all.subarray(off, off + h));
            off += h;
          }
          draws.fillMasks(views, this.hidden);
        }
      }
      sum = ex.trainSteps(t.en + a * 4, t.tg, t.rows, b - a, lr, sum, noise ? noisyAt : 0, drop ? maskBase : 0, a);
    }
    return sum;
  }

  /**
   * Trainable.progressCell: the module's progress cell in its shared memory, where trainSteps
   * keeps the run's index of the next step to train (atomic stores at the start of a call, after
   * every 256th step and at the end), so another thread can follow a call while it runs. null
   * for a module whose memory is not shared (the frozen baselines of the bit-identity tests).
   */
  progressCell(): { buffer: SharedArrayBuffer; byteOffset: number } | null {
    const buf = this.ex.memory.buffer;
    return this.ex.progressAt && buf instanceof SharedArrayBuffer ? { buffer: buf, byteOffset: this.ex.progressAt() } : null;
  }

  private progressView(): Int32Array | null {
    const c = this.progressCell();
    return c ? new Int32Array(c.buffer, c.byteOffset, 1) : null;
  }

  /** The instance's copy of the run's training rows, targets and order (made on first use, again if the caller passes others). */
  private tableFor(x: Float32Array, list: Int32Array, entries: Int32Array, targets: Float32Array): NonNullable<FastModel['table']> {
    const t = this.table;
    if (t && t.x === x && t.list === list && t.entries === entries && t.targets === targets) return t;
    const n = this.nIn;
    const rows = this.ex.reserve!(list.length * n * 4);
    const tg = this.ex.reserve!(targets.length * 4);
    const en = this.ex.reserve!(entries.length * 4);
    const buf = this.ex.memory.buffer;
    const R = new Float32Array(buf, rows, list.length * n);
    for (let k = 0; k < list.length; k++) R.set(x.subarray(list[k] * n, list[k] * n + n), k * n);
    new Float32Array(buf, tg, targets.length).set(targets);
    new Int32Array(buf, en, entries.length).set(entries);
    this.bindViews();
    this.table = { x, list, entries, targets, rows, tg, en };
    return this.table;
  }

  /** Materialises the evaluation copies when training changed the weights; renews detached views. */
  private prepareEval(): void {
    if (this.evalStale) {
      this.ex.flush?.(); // the last step's layer-0 update waits for the next forward pass
      this.ex.prepareEval();
      this.evalStale = false;
    }
    if (this.rows.length === 0) this.bindViews();
  }

  score(x: Float32Array, indices: Int32Array, count: number, y: Float32Array, metric: 'accuracy' | 'mse', listed?: ListedRows): number {
    const n = this.nIn;
    const mixed = metric === 'accuracy' && this.evaluation === 'mixed';
    const code = metric === 'accuracy' ? 0 : 1;
    this.prepareEval();
    let total = 0;
    // Rows listed in a row (evaluate.ts lays the test set out in the order it is scored) go in
    // as one block per chunk; the same rows in the same order as one at a time.
    const first = indices[0];
    let block = count > 0;
    for (let k = 1; block && k < count; k++) block = indices[k] === first + k;
    const byList = block && mixed && listed !== undefined && this.listedOff !== null;
    for (let start = 0; start < count; start += EVAL_ROWS) {
      const m = Math.min(EVAL_ROWS, count - start);
      // A block of rows by their non-zero inputs, when classifyRows would take each of them the
      // one-row way (no group of four mostly non-zero): the lists where gather() would make them.
      if (byList && this.listedBlock(listed, first + start, m, y)) {
        total += this.ex.classifyListedRows!(m);
        continue;
      }
      const rows = this.rows;
      if (block) {
        const i = first + start;
        rows.set(x.subarray(i * n, (i + m) * n));
        this.rowsY.set(y.subarray(i, i + m));
      } else {
        for (let k = 0; k < m; k++) {
          const i = indices[start + k];
          // Narrow rows (tabular) element by element: a subarray per row costs more than the copy.
          if (n <= SMALL_ROW) for (let f = 0, src = i * n, dst = k * n; f < n; f++) rows[dst + f] = x[src + f];
          else rows.set(x.subarray(i * n, i * n + n), k * n);
          this.rowsY[k] = y[i];
        }
      }
      total += mixed ? this.ex.classifyRows!(m) : this.ex.scoreRows(m, code);
    }
    return total;
  }

  /**
   * Copies rows i … i + m − 1 of `listed` and their targets into the module when none of the
   * block's groups of four (rows 4g … 4g + 3 from i, as classifyRows groups them) has at least
   * half its inputs non-zero; false (nothing copied) otherwise.
   */
  private listedBlock(listed: ListedRows, i: number, m: number, y: Float32Array): boolean {
    const { offsets, index, value } = listed;
    const half = 2 * this.nIn; // half of a group's four rows
    for (let g = 0; g + 4 <= m; g += 4) if (offsets[i + g + 4] - offsets[i + g] >= half) return false;
    const from = offsets[i];
    const to = offsets[i + m];
    const off = this.listedOff!;
    for (let k = 0; k <= m; k++) off[k] = offsets[i + k] - from;
    this.listedIdx!.set(index.subarray(from, to));
    this.listedVal!.set(value.subarray(from, to));
    this.rowsY.set(y.subarray(i, i + m));
    return true;
  }

  /**
   * For tests of the bound (kernels.as traceRow): sample `index` of x through the float32 path
   * (dense: the four samples `group` in the dense kernel, `index` among them) and the float64 one.
   */
  traceMixed(x: Float32Array, group: number[], index: number, dense: boolean): { z32: Float64Array; affine: Float64Array; sample: Float64Array; z64: Float64Array; certain: number } {
    this.prepareEval();
    const n = this.nIn;
    group.forEach((i, k) => this.rows.set(x.subarray(i * n, i * n + n), k * n));
    const certain = this.ex.traceRow(group.indexOf(index), dense);
    const nOut = this.sizes[this.sizes.length - 1];
    const L = this.sizes.length - 2;
    const stride = this.field(L, F.P);
    const v = (k: number) => this.f64(this.ex.tracePtr() + k * stride * 8, nOut).slice();
    return { z32: v(0), affine: v(1), sample: v(2), z64: v(3), certain };
  }

  /**
   * For tests: a copy of the optimiser state of every layer's weights (momentum: [velocity | unused
   * second half]; adam: [m | v]), layer 0 in its lane type and laid out as its U (input-major, P
   * lanes a row), the others float64 row-major; an empty list for rules without such state.
   */
  optimizerState(): (Float64Array | Float32Array)[] {
    this.ex.flush?.();
    const out: (Float64Array | Float32Array)[] = [];
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const st = this.field(l, F.st);
      if (st === 0) return [];
      const lanes = 2 * this.field(l, F.P) * (l === 0 ? this.nIn : this.field(l, F.nInP));
      out.push((l === 0 ? this.lanes0(st, lanes) : this.f64(st, lanes)).slice());
    }
    return out;
  }

  /** Samples classified the 'mixed' way since the model was made, and how many of them were recomputed in float64. */
  mixedCounts(): { samples: number; recomputed: number } {
    return { samples: this.ex.classifyCounts(0), recomputed: this.ex.classifyCounts(1) };
  }

  /** Parameters in the reference layout (row-major n_out × n_in), scales folded in. */
  params(): LayerParams[] {
    const out: LayerParams[] = [];
    this.ex.flush?.();
    const sigma = this.ex.getSigma();
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const P = this.field(l, F.P);
      const b = this.f64(this.field(l, F.b), nOut).slice();
      const W = new Float64Array(nOut * nIn);
      if (l === 0) {
        if (this.dual) {
          const V = this.lanes0(this.field(0, F.W), nIn * 2 * P);
          const s1 = this.f64(this.field(0, F.s1), nOut);
          const s2 = this.f64(this.field(0, F.s2), nOut);
          const W1 = new Float64Array(nOut * nIn);
          const W2 = new Float64Array(nOut * nIn);
          for (let j = 0; j < nOut; j++) {
            for (let i = 0; i < nIn; i++) {
              W1[j * nIn + i] = s1[j] * V[i * 2 * P + j];
              W2[j * nIn + i] = s2[j] * V[i * 2 * P + P + j];
              W[j * nIn + i] = W1[j * nIn + i] - W2[j * nIn + i];
            }
          }
          out.push({ W1, W2, W, b });
        } else {
          const U = this.lanes0(this.field(0, F.W), nIn * P);
          for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) W[j * nIn + i] = sigma * U[i * P + j];
          out.push({ W, b });
        }
      } else {
        const nInP = this.field(l, F.nInP);
        const read = (f: number) => {
          const M = this.f64(this.field(l, f), P * nInP);
          const R = new Float64Array(nOut * nIn);
          for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) R[j * nIn + i] = M[j * nInP + i];
          return R;
        };
        out.push(this.dual ? { W1: read(F.W1), W2: read(F.W2), W: read(F.W), b } : { W: read(F.W), b });
      }
    }
    return out;
  }
}
