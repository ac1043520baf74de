// The noisy test's rows (eval-axes/noise.ts at σ = 0.3, a run's noisy point): each value of a test
// input plus σ times a standard normal draw, clamped to [0, 1] for images, rounded to float32.
// `npm run bench -- --only evaluation` times the two ways dwgd has computed it, in turns, on rows of
// a pool: the formula in JavaScript over a row's draws (nextNormals, then a loop: the way the axis
// wrote a row into the chunk before the module did it), and normals.ts fillNoisy (the draws and the
// formula in WebAssembly, normals.as `noisy`), and checks that both give the same bits.

import { performance } from 'node:perf_hooks';
import { fillNoisy, nextNormals } from '../src/core/fast/normals.js';
import { Rng } from '../src/core/rng.js';

export interface NoisyRowsRow {
  inputs: string;
  nInputs: number;
  /** Values per timed pass (rows × nInputs). */
  values: number;
  /** ns per value: the formula in JavaScript, then fillNoisy. */
  jsNs: number;
  wasmNs: number;
  /** The two ways' outputs are the same float32 bits. */
  same: boolean;
}

const SIGMA = 0.3;

/** Best of `repeats` passes of each way over the first `rows` rows of `x` (n values each), in turns. */
export function noisyRows(inputs: string, x: Float32Array, n: number, rows: number, repeats: number): NoisyRowsRow {
  const values = rows * n;
  const js = new Float32Array(values);
  const wasm = new Float32Array(values);
  let jsNs = Infinity;
  let wasmNs = Infinity;
  for (let r = 0; r < repeats; r++) {
    let rng = new Rng(r, 'noise');
    let t0 = performance.now();
    for (let k = 0; k < rows; k++) {
      const z = nextNormals(rng, n);
      const at = k * n;
      for (let i = 0; i < n; i++) {
        const v = x[at + i] + SIGMA * z[i];
        js[at + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    jsNs = Math.min(jsNs, ((performance.now() - t0) * 1e6) / values);
    rng = new Rng(r, 'noise');
    t0 = performance.now();
    for (let k = 0; k < rows; k++) fillNoisy(rng, x, k * n, wasm, k * n, n, SIGMA, true);
    wasmNs = Math.min(wasmNs, ((performance.now() - t0) * 1e6) / values);
  }
  let same = true;
  for (let i = 0; i < values; i++) if (!Object.is(js[i], wasm[i])) same = false;
  return { inputs, nInputs: n, values, jsNs, wasmNs, same };
}
