// Losses (docs/METHOD.md §5): the loss value of one sample and δ = ∂L/∂z of the output layer.

export type LossName = 'mse' | 'softmax-ce';

/** Regression, one linear output: L = (y − t)², δ = 2(y − t). */
export function mseLoss(z: Float64Array, target: number, delta: Float64Array): number {
  const e = z[0] - target;
  delta[0] = 2 * e;
  return e * e;
}

/** Classification: L = −log softmax(z)[label], δ = softmax(z) − onehot(label). */
export function softmaxCrossEntropy(z: Float64Array, n: number, label: number, delta: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(z[i] - max);
    delta[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) delta[i] /= sum;
  const p = delta[label];
  delta[label] -= 1;
  return -Math.log(p > 0 ? p : Number.MIN_VALUE);
}

/** Index of the largest entry (the first one on ties). */
export function argmax(z: Float64Array, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (z[i] > z[best]) best = i;
  return best;
}

/**
 * Classification with label smoothing ε: target t = (1 − ε)·onehot(label) + ε/K over K classes,
 * L = −Σ_k t_k log softmax(z)_k, δ = softmax(z) − t. log softmax is taken as (z_k − max) − log Σ,
 * so a vanishing probability gives a finite loss.
 */
export function softmaxCrossEntropySmoothed(z: Float64Array, n: number, label: number, eps: number, delta: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(z[i] - max);
    delta[i] = e;
    sum += e;
  }
  const logSum = Math.log(sum);
  const off = eps / n;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const t = i === label ? 1 - eps + off : off;
    delta[i] = delta[i] / sum - t;
    loss -= t * (z[i] - max - logSum);
  }
  return loss;
}
