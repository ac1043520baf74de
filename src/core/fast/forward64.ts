// The float64 reference network's forward pass (Network.forward) on WebAssembly SIMD
// (forward64.as), for the diagnostics of trained models: the same bits as Network.forward, many
// times faster (a CIFAR-10 3072-64-32-10 model's margins on 10,000 test inputs took seconds on
// the JavaScript network). One module instance per thread, grown to the largest network seen.

import type { LayerParams } from '../rules/index.js';
import { FORWARD64_WASM_BASE64 } from './forward64-wasm.js';

// The few WebAssembly JS-API types used here (the ES2022 lib this project compiles with has none).
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
};

interface Forward64Exports {
  memory: WasmMemory;
  forward(table: number, L: number, rows: number, count: number, out: number, alive: number, scratch: number, width: number): void;
}

/** Inputs per call: bounds the input and output buffers, not the result. */
const CHUNK = 512;
const PAGE = 65536;

let instance: Forward64Exports | null = null;

function exportsOf(): Forward64Exports {
  if (!instance) {
    const module = new WebAssembly.Module(Uint8Array.from(atob(FORWARD64_WASM_BASE64), (c) => c.charCodeAt(0)));
    instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('forward64: abort'); } } }).exports as unknown as Forward64Exports;
  }
  return instance;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const align = (n: number) => Math.ceil(n / 16) * 16;

/**
 * A network of effective weights W (row-major n_out × n_in) and biases b, loaded into the
 * module's memory, whose forward pass gives Network.forward's outputs bit for bit. Loading a
 * second RefForward replaces the first's weights: use one at a time.
 */
export class RefForward {
  private readonly ex: Forward64Exports;
  private readonly L: number;
  private readonly nIn: number;
  private readonly nOut: number;
  private readonly nPadOut: number;
  private readonly width: number;
  private readonly at: { table: number; rows: number; out: number; alive: number; scratch: number };
  private readonly hidden: number;

  constructor(params: readonly LayerParams[], sizes: readonly number[]) {
    this.ex = exportsOf();
    const L = sizes.length - 1;
    if (params.length !== L) throw new Error(`RefForward: ${params.length} layers of parameters for sizes ${sizes.join('-')}`);
    this.L = L;
    this.nIn = sizes[0];
    this.nOut = sizes[L];
    this.nPadOut = pad8(this.nOut);
    this.width = Math.max(...sizes.map(pad8));
    this.hidden = sizes.slice(1, L).reduce((s, n) => s + n, 0);
    // Layout: table, then per layer W (blocked) and b, then rows, out, alive, scratch.
    let p = align(16 * L);
    const layers = sizes.slice(0, L).map((nIn, l) => {
      const nPad = pad8(sizes[l + 1]);
      const W = p;
      p += align(nPad * nIn * 8);
      const b = p;
      p += align(nPad * 8);
      return { nIn, nPad, W, b };
    });
    const rows = p;
    p += align(CHUNK * this.nIn * 4);
    const out = p;
    p += align(CHUNK * this.nPadOut * 8);
    const alive = p;
    p += align(Math.max(1, this.hidden));
    const scratch = p;
    p += align(4 * this.width * 8 + 2 * this.width * 4);
    this.at = { table: 0, rows, out, alive, scratch };
    const have = this.ex.memory.buffer.byteLength;
    if (p > have) this.ex.memory.grow(Math.ceil((p - have) / PAGE));
    const buf = this.ex.memory.buffer;
    const table = new Int32Array(buf, 0, 4 * L);
    layers.forEach((d, l) => {
      table.set([d.nIn, d.nPad, d.W, d.b], 4 * l);
      const nOut = sizes[l + 1];
      const W = new Float64Array(buf, d.W, d.nPad * d.nIn);
      W.fill(0);
      const src = params[l].W;
      // Block k, row i holds the weights of units 8k … 8k+7 on input i.
      for (let j = 0; j < nOut; j++) {
        const base = (j >> 3) * d.nIn * 8 + (j & 7);
        const row = j * d.nIn;
        for (let i = 0; i < d.nIn; i++) W[base + i * 8] = src[row + i];
      }
      const b = new Float64Array(buf, d.b, d.nPad);
      b.fill(0);
      b.set(params[l].b.subarray(0, nOut));
    });
  }

  /**
   * Runs the listed rows of x (float32, n_in per row) and hands each input's output layer to
   * `each(k, z)` (k: position in rows; z: a view valid during the call only). With `alive`,
   * marks into it (one byte per hidden unit, layer after layer) the units with z > 0.
   */
  run(x: Float32Array, rows: ArrayLike<number>, each: ((k: number, z: Float64Array) => void) | null, alive?: Uint8Array): void {
    const n = this.nIn;
    const { rows: rowsAt, out, scratch } = this.at;
    const aliveAt = alive ? this.at.alive : 0;
    const buf = this.ex.memory.buffer;
    if (alive) new Uint8Array(buf, aliveAt, this.hidden).set(alive);
    const input = new Float32Array(buf, rowsAt, CHUNK * n);
    const outputs = new Float64Array(buf, out, CHUNK * this.nPadOut);
    for (let start = 0; start < rows.length; start += CHUNK) {
      const m = Math.min(CHUNK, rows.length - start);
      for (let k = 0; k < m; k++) {
        const i = rows[start + k];
        input.set(x.subarray(i * n, i * n + n), k * n);
      }
      this.ex.forward(this.at.table, this.L, rowsAt, m, out, aliveAt, scratch, this.width);
      if (each) for (let k = 0; k < m; k++) each(start + k, outputs.subarray(k * this.nPadOut, k * this.nPadOut + this.nOut));
    }
    if (alive) alive.set(new Uint8Array(buf, aliveAt, this.hidden));
  }
}
