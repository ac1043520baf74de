// Dense symmetric positive definite solves for the ridge floor: Cholesky factor, solves with
// several right-hand sides, and the diagonal of the inverse. Row-major Float64Arrays, n × n.

/**
 * Overwrites the lower triangle of the symmetric positive definite A (n × n, row-major; only the
 * lower triangle is read) with its Cholesky factor L, A = L Lᵀ. Throws when a pivot is not
 * positive (A is not positive definite to working precision).
 */
export function cholesky(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= A[rj + k] * A[rj + k];
    if (!(s > 0)) throw new RangeError(`cholesky: the matrix is not positive definite (pivot ${j} is ${s})`);
    const d = Math.sqrt(s);
    A[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = A[ri + j];
      for (let k = 0; k < j; k++) t -= A[ri + k] * A[rj + k];
      A[ri + j] = t / d;
    }
  }
}

/** Solves L Lᵀ X = B in place (B: n × m, row-major) with the factor from cholesky(). */
export function choleskySolve(L: Float64Array, n: number, B: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      for (let c = 0; c < m; c++) B[i * m + c] -= l * B[k * m + c];
    }
    const d = L[ri + i];
    for (let c = 0; c < m; c++) B[i * m + c] /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const l = L[k * n + i];
      if (l === 0) continue;
      for (let c = 0; c < m; c++) B[i * m + c] -= l * B[k * m + c];
    }
    const d = L[i * n + i];
    for (let c = 0; c < m; c++) B[i * m + c] /= d;
  }
}

/** ‖L⁻¹ v‖² for one vector v of length n (forward substitution), with the factor from cholesky(). */
export function forwardNorm2(L: Float64Array, n: number, v: ArrayLike<number>, scratch: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let t = v[i];
    for (let k = 0; k < i; k++) t -= L[ri + k] * scratch[k];
    t /= L[ri + i];
    scratch[i] = t;
    sum += t * t;
  }
  return sum;
}

/**
 * The diagonal of (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹: entry i is ‖L⁻¹ e_i‖², whose first i components are 0, so
 * each solve starts at row i (about n³/6 operations in all).
 */
export function inverseDiagonal(L: Float64Array, n: number): Float64Array {
  const diag = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let r = i; r < n; r++) {
      const rr = r * n;
      let t = r === i ? 1 : 0;
      for (let k = i; k < r; k++) t -= L[rr + k] * v[k];
      t /= L[rr + r];
      v[r] = t;
      sum += t * t;
    }
    diag[i] = sum;
  }
  return diag;
}
