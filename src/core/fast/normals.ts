// Rng.normal's draws in bulk (normals.as, WebAssembly): the same numbers as calling rng.normal()
// once for each, about three times as fast, for the loops that draw millions (the noisy test,
// the Gaussian corruptions, noise-augmented training inputs). The stream continues where it
// was: the draws leave the generator, the normal kept for its next call included, as that many
// rng.normal() calls would.

import type { Rng } from '../rng.js';
import { NORMALS_WASM_BASE64 } from './normals-wasm.js';

interface WasmMemory { readonly buffer: ArrayBuffer }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
};

interface NormalsExports {
  memory: WasmMemory;
  fill(count: number): void;
  noisy(count: number, sigma: number, image: number): void;
  noisyAt(): number;
  noisyMax(): number;
  outAt(): number;
  stateAt(): number;
  fdlog(x: number): number;
  fdsin(x: number): number;
  fdcos(x: number): number;
  drawLog(u0: number, u1: number): number;
  drawSinCos(x0: number, x1: number): number;
}

/** The module's one page (it never grows): the state, then the draws of one call. */
const PAGE = 65536;

let module: { ex: NormalsExports; words: Uint32Array; flag: Int32Array; spare: Float64Array; out: Float64Array; noisyIn: Float32Array; noisyOut: Float32Array } | null = null;

function instance(): NonNullable<typeof module> {
  if (!module) {
    const bytes = Uint8Array.from(atob(NORMALS_WASM_BASE64), (c) => c.charCodeAt(0));
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('normals: abort'); } } }).exports as unknown as NormalsExports;
    const buf = ex.memory.buffer;
    const at = ex.outAt();
    const st = ex.stateAt();
    if (buf.byteLength !== PAGE || at % 16 !== 0 || at >= PAGE / 2) throw new Error(`normals: unexpected module memory (${buf.byteLength} bytes, draws at ${at})`);
    const nAt = ex.noisyAt();
    const nMax = ex.noisyMax();
    if (nAt !== at + 8 * nMax || nAt + 8 * nMax > PAGE) throw new Error(`normals: unexpected noisy() buffers (${nMax} values at ${nAt})`);
    module = {
      ex, words: new Uint32Array(buf, st, 4), flag: new Int32Array(buf, st + 16, 1), spare: new Float64Array(buf, st + 24, 1), out: new Float64Array(buf, at, (PAGE - at) / 8),
      noisyIn: new Float32Array(buf, nAt, nMax), noisyOut: new Float32Array(buf, nAt + 4 * nMax, nMax),
    };
  }
  return module;
}

/** Fills out[from … from + count) with the next `count` draws of rng.normal(), as that many calls would; returns out. */
export function fillNormals(rng: Rng, out: Float64Array, from = 0, count = out.length - from): Float64Array {
  if (count <= 0) return out;
  const m = instance();
  const st = rng.normalState();
  m.words.set(st.words);
  m.flag[0] = st.spare === null ? 0 : 1;
  m.spare[0] = st.spare ?? 0;
  for (let done = 0; done < count;) {
    const k = Math.min(m.out.length, count - done);
    m.ex.fill(k);
    out.set(k === m.out.length ? m.out : m.out.subarray(0, k), from + done);
    done += k;
  }
  rng.setNormalState([m.words[0], m.words[1], m.words[2], m.words[3]], m.flag[0] !== 0 ? m.spare[0] : null);
  return out;
}

/**
 * dst[to + i] = src[from + i] + σ·z_i (i < count) for the next `count` draws z of rng.normal(), in
 * float64, clamped to [0, 1] when `image` (x < 0 ? 0 : x > 1 ? 1 : x), rounded once to float32:
 * the noise axis's formula (src/data/eval-axes/noise.ts) on float32 rows, computed in the module
 * (normals.as `noisy`) in pieces of at most its buffer's length. The stream continues as
 * fillNormals leaves it.
 */
export function fillNoisy(rng: Rng, src: Float32Array, from: number, dst: Float32Array, to: number, count: number, sigma: number, image: boolean): void {
  if (count <= 0) return;
  const m = instance();
  const st = rng.normalState();
  m.words.set(st.words);
  m.flag[0] = st.spare === null ? 0 : 1;
  m.spare[0] = st.spare ?? 0;
  const max = m.noisyIn.length;
  for (let done = 0; done < count;) {
    const k = Math.min(max, count - done);
    m.noisyIn.set(src.subarray(from + done, from + done + k));
    m.ex.noisy(k, sigma, image ? 1 : 0);
    dst.set(k === max ? m.noisyOut : m.noisyOut.subarray(0, k), to + done);
    done += k;
  }
  rng.setNormalState([m.words[0], m.words[1], m.words[2], m.words[3]], m.flag[0] !== 0 ? m.spare[0] : null);
}

/**
 * For tests (each must equal Math.log, Math.sin, Math.cos): fdlibm's ln, sin and cos as the module
 * computes them one argument at a time (`log`, `sin`, `cos`), and two at a time, one per lane, as
 * the draws do (`log2`: [ln u0, ln u1]; `sinCos2`: [sin x0, sin x1, cos x0, cos x1]; null where
 * the two-lane path leaves the pair to the one-at-a-time functions).
 */
export const fdlibm = {
  log: (x: number) => instance().ex.fdlog(x),
  sin: (x: number) => instance().ex.fdsin(x),
  cos: (x: number) => instance().ex.fdcos(x),
  log2(u0: number, u1: number): [number, number] | null {
    const m = instance();
    return m.ex.drawLog(u0, u1) ? [m.out[0], m.out[1]] : null;
  },
  sinCos2(x0: number, x1: number): [number, number, number, number] | null {
    const m = instance();
    return m.ex.drawSinCos(x0, x1) ? [m.out[0], m.out[1], m.out[2], m.out[3]] : null;
  },
};

let scratch = new Float64Array(0);

/**
 * The next `count` draws of rng.normal() in a scratch array of this module (at least `count`
 * long) that the next call overwrites: read them before calling again.
 */
export function nextNormals(rng: Rng, count: number): Float64Array {
  if (scratch.length < count) scratch = new Float64Array(Math.max(count, 2 * scratch.length));
  return fillNormals(rng, scratch, 0, count);
}
