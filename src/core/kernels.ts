// The numeric kernels of the reference path, in one place, over flat Float64Arrays.
// Weight matrices are row-major, n_out × n_in (row j = the weights of output neuron j),
// as in docs/METHOD.md §2. Faster kernels can replace these without touching the learning rules.

/** Writes the indices of the non-zero entries of a[0..n) into idx; returns how many. */
export function nonZeroIndices(a: Float64Array, n: number, idx: Int32Array): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (a[i] !== 0) idx[k++] = i;
  return k;
}

/** z = W a + b, summing only over the non-zero inputs listed in idx[0..nnz). */
export function forwardSparse(
  W: Float64Array, b: Float64Array, a: Float64Array, idx: Int32Array, nnz: number,
  nIn: number, nOut: number, z: Float64Array,
): void {
  for (let j = 0; j < nOut; j++) {
    const row = j * nIn;
    let s = b[j];
    for (let k = 0; k < nnz; k++) {
      const i = idx[k];
      s += W[row + i] * a[i];
    }
    z[j] = s;
  }
}

/** out = max(z, 0) elementwise. */
export function relu(z: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = z[i] > 0 ? z[i] : 0;
}

/**
 * δ_in = (Wᵀ δ_out) ⊙ 1[z_in > 0]: back-propagates through a dense layer and the ReLU before it.
 * Rows with δ_out[j] = 0 contribute nothing and are skipped.
 */
export function backwardRelu(
  W: Float64Array, deltaOut: Float64Array, zIn: Float64Array,
  nIn: number, nOut: number, deltaIn: Float64Array,
): void {
  deltaIn.fill(0, 0, nIn);
  for (let j = 0; j < nOut; j++) {
    const d = deltaOut[j];
    if (d === 0) continue;
    const row = j * nIn;
    for (let i = 0; i < nIn; i++) deltaIn[i] += W[row + i] * d;
  }
  for (let i = 0; i < nIn; i++) if (!(zIn[i] > 0)) deltaIn[i] = 0;
}

/** W[j,:] += c_j · a over the non-zero inputs, with c_j = -lr·δ_j (the SGD outer-product step). */
export function outerUpdateSparse(
  W: Float64Array, delta: Float64Array, lr: number, a: Float64Array, idx: Int32Array, nnz: number,
  nIn: number, nOut: number,
): void {
  for (let j = 0; j < nOut; j++) {
    const d = delta[j];
    if (d === 0) continue;
    const c = -lr * d;
    const row = j * nIn;
    for (let k = 0; k < nnz; k++) {
      const i = idx[k];
      W[row + i] += c * a[i];
    }
  }
}

/** b_j -= lr·δ_j. */
export function biasStep(b: Float64Array, delta: Float64Array, lr: number, nOut: number): void {
  for (let j = 0; j < nOut; j++) b[j] -= lr * delta[j];
}

/** target[row, :] ← (1 − r)·target[row, :] + r·a; then eff[row, :] ← W1[row, :] − W2[row, :]. */
export function dualRowPull(
  target: Float64Array, W1: Float64Array, W2: Float64Array, eff: Float64Array,
  row: number, r: number, a: Float64Array, nIn: number,
): void {
  const keep = 1 - r;
  const base = row * nIn;
  for (let i = 0; i < nIn; i++) {
    const p = base + i;
    target[p] = keep * target[p] + r * a[i];
    eff[p] = W1[p] - W2[p];
  }
}

/** Frobenius norm ‖W‖_F over n entries. */
export function frobenius(W: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += W[i] * W[i];
  return Math.sqrt(s);
}

/** W ← c·W over n entries. */
export function scale(W: Float64Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) W[i] *= c;
}
