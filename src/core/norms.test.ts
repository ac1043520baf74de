// The spectral norm by power iteration against hand-worked singular values, a closed form for
// two-row matrices, and the bounds every matrix obeys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frobenius, spectralNorm } from './norms.js';
import { Rng } from './rng.js';

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('hand-worked cases: 2×2, 3×3 diagonal, 2×3, rank one, zero', () => {
  // [[3, 0], [4, 5]]: WᵀW = [[25, 20], [20, 25]], eigenvalues 45 and 5, σ = √45; ‖W‖_F = √50.
  const a = Float64Array.of(3, 0, 4, 5);
  close(spectralNorm(a, 2, 2), Math.sqrt(45));
  close(frobenius(a, 4), Math.sqrt(50));
  // diag(2, −3, 1): σ = 3.
  close(spectralNorm(Float64Array.of(2, 0, 0, 0, -3, 0, 0, 0, 1), 3, 3), 3);
  // [[1, 1, 0], [0, 1, 1]]: WWᵀ = [[2, 1], [1, 2]], eigenvalues 3 and 1, σ = √3.
  close(spectralNorm(Float64Array.of(1, 1, 0, 0, 1, 1), 2, 3), Math.sqrt(3));
  // u vᵀ with u = (1, 2), v = (2, −1, 2): σ = ‖u‖‖v‖ = 3√5 = ‖W‖_F.
  const r1 = Float64Array.of(2, -1, 2, 4, -2, 4);
  close(spectralNorm(r1, 2, 3), 3 * Math.sqrt(5));
  close(frobenius(r1, 6), 3 * Math.sqrt(5));
  assert.equal(spectralNorm(new Float64Array(6), 2, 3), 0);
  assert.ok(Number.isNaN(spectralNorm(Float64Array.of(1, NaN), 1, 2)));
});

test('a row orthogonal to the first start vector still gets its norm', () => {
  // The start is ∝ (1, 1.5); W = [1.5, −1] maps it to 0. σ = ‖(1.5, −1)‖ = √3.25.
  close(spectralNorm(Float64Array.of(1.5, -1), 1, 2), Math.sqrt(3.25));
});

test('random two-row matrices: σ² is the larger eigenvalue of the 2×2 Gram matrix (closed form)', () => {
  const rng = new Rng(3, 'norms');
  for (let k = 0; k < 50; k++) {
    const n = 2 + rng.int(30);
    const W = Float64Array.from({ length: 2 * n }, () => rng.normal());
    let p = 0;
    let q = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      p += W[i] * W[i];
      q += W[n + i] * W[n + i];
      r += W[i] * W[n + i];
    }
    const top = (p + q) / 2 + Math.sqrt(((p - q) / 2) ** 2 + r * r);
    close(spectralNorm(W, 2, n), Math.sqrt(top), 1e-8);
    // And its transpose (n × 2) has the same.
    const T = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      T[i * 2] = W[i];
      T[i * 2 + 1] = W[n + i];
    }
    close(spectralNorm(T, n, 2), Math.sqrt(top), 1e-8);
  }
});

test('random matrices: largest row and column norm ≤ σ ≤ ‖W‖_F, and ‖W x‖ ≤ σ‖x‖', () => {
  const rng = new Rng(4, 'norms');
  for (let k = 0; k < 30; k++) {
    const m = 1 + rng.int(20);
    const n = 1 + rng.int(40);
    const W = Float64Array.from({ length: m * n }, () => rng.normal());
    const s = spectralNorm(W, m, n);
    assert.ok(s <= frobenius(W, W.length) * (1 + 1e-12));
    for (let j = 0; j < m; j++) {
      let row = 0;
      for (let i = 0; i < n; i++) row += W[j * n + i] ** 2;
      assert.ok(Math.sqrt(row) <= s * (1 + 1e-9));
    }
    for (let i = 0; i < n; i++) {
      let col = 0;
      for (let j = 0; j < m; j++) col += W[j * n + i] ** 2;
      assert.ok(Math.sqrt(col) <= s * (1 + 1e-9));
    }
    for (let t = 0; t < 10; t++) {
      const x = Float64Array.from({ length: n }, () => rng.normal());
      let wx = 0;
      for (let j = 0; j < m; j++) {
        let z = 0;
        for (let i = 0; i < n; i++) z += W[j * n + i] * x[i];
        wx += z * z;
      }
      assert.ok(Math.sqrt(wx) <= s * Math.sqrt(x.reduce((a, v) => a + v * v, 0)) * (1 + 1e-9));
    }
  }
});

test('the spectral norm is the bits of the power iteration with one row dot product at a time', () => {
  // The straightforward iteration, written out here: u_j one row at a time, then v = Wᵀu.
  const plain = (W: Float64Array, nOut: number, nIn: number): number => {
    const nrm = (a: Float64Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
    const v = Float64Array.from({ length: nIn }, (_, i) => 1 + i / nIn);
    let n0 = nrm(v);
    for (let i = 0; i < nIn; i++) v[i] /= n0;
    const u = new Float64Array(nOut);
    let sigma = 0;
    for (let it = 0; it < 5000; it++) {
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        for (let i = 0; i < nIn; i++) s += W[j * nIn + i] * v[i];
        u[j] = s;
      }
      const next = nrm(u);
      const done = next - sigma <= 1e-10 * next;
      sigma = Math.max(sigma, next);
      if (done) return sigma;
      v.fill(0);
      for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) v[i] += W[j * nIn + i] * u[j];
      n0 = nrm(v);
      for (let i = 0; i < nIn; i++) v[i] /= n0;
    }
    return sigma;
  };
  const rng = new Rng(31, 'spectral');
  for (const [nOut, nIn] of [[64, 300], [7, 5], [10, 20], [1, 9], [3, 3], [33, 17]]) {
    const W = Float64Array.from({ length: nOut * nIn }, () => rng.normal());
    assert.equal(spectralNorm(W, nOut, nIn), plain(W, nOut, nIn), `${nOut}×${nIn}`);
  }
});
