// Adversarial attacks on a trained model's effective network (docs/METHOD.md, "Adversarial
// attacks"). Every method ends as an ordinary MLP with weights W and biases b (for the
// dual-weight rules W = W1 − W2), so the attacks read only W and b, rebuild a reference
// `Network`, and use the exact gradient of the loss with respect to the input:
//   ∂L/∂x = W₀ᵀ δ₀, with δ₀ = ∂L/∂z₀ from back-propagation through the ReLU layers,
// where L is the softmax cross-entropy of the true label (classification) or the squared error
// (y − t)² (regression). The attacks maximise L:
//   fgsm       x' = clip(x + ε·sign(∇))                                        (L∞, one step)
//   pgd-linf   x ← Π(x + α·sign(∇)), Π onto {‖x' − x‖∞ ≤ ε} ∩ clip range, `steps` times
//   pgd-l2     x ← Π(x + α·∇/‖∇‖₂), Π: scale δ onto {‖δ‖₂ ≤ ε}, then clip, `steps` times
// PGD starts from a random point of the ball (randomStart) or from x, runs `restarts` times and
// keeps, per sample, the input of highest loss among every iterate of every restart (the clean
// input not included; for classification a misclassified iterate first, see `select`). Random
// numbers come from the stream `attack:<id>` of the seed, one per sample id, so a sample's
// perturbation does not depend on the batch it is in.

import { argmax, type LossName } from './loss.js';
import { Network } from './network.js';
import { Rng } from './rng.js';
import type { LayerParams } from './rules/rule.js';

export const ATTACK_KINDS = ['fgsm', 'pgd-linf', 'pgd-l2', 'apgd-ce'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** Defaults of PGD: iterations, and the step size as a multiple of ε/steps (Madry et al.'s 2.5). */
export const PGD_DEFAULT_STEPS = 20;
export const PGD_DEFAULT_STEP_FACTOR = 2.5;
/**
 * APGD (Croce & Hein 2020, Algorithm 1): iterations by default (the paper's 100), momentum α,
 * the share ρ of loss-raising steps below which the step size is halved at a checkpoint, and the
 * checkpoints' positions p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06).
 */
export const APGD_DEFAULT_STEPS = 100;
export const APGD_MOMENTUM = 0.75;
export const APGD_RHO = 0.75;

export interface AttackOptions {
  kind: AttackKind;
  /** Radius of the ball (L∞ for fgsm and pgd-linf, L2 for pgd-l2), in input units; ≥ 0. */
  eps: number;
  /** The loss the attack maximises: the network's own (cross-entropy of the label, or squared error). */
  loss: LossName;
  /**
   * The valid input range [lo, hi] every attacked input is clipped to: [0, 1] for images;
   * null for z-scored tables, whose features have no bound (nothing is clipped).
   */
  clip: readonly [number, number] | null;
  /** PGD iterations (default PGD_DEFAULT_STEPS). */
  steps?: number;
  /** PGD step size α (default PGD_DEFAULT_STEP_FACTOR · ε / steps). */
  stepSize?: number;
  /** PGD runs per sample, the worst kept (default 1). */
  restarts?: number;
  /** PGD starts at a uniform point of the ball (default true) or at the clean input. */
  randomStart?: boolean;
  /** The seed of the random starts. */
  seed: number;
  /**
   * Which iterate PGD and APGD return per sample: `loss`, the one of highest loss; or
   * `error-then-loss` (the default for softmax-ce), a misclassified one if any iterate is
   * misclassified (the highest-loss such), else the highest-loss one. Cross-entropy and
   * accuracy do not always agree (a point can have a higher loss and still be classified
   * right), and robust accuracy counts a sample as broken when any iterate broke it.
   * Regression has only `loss`.
   */
  select?: 'loss' | 'error-then-loss';
}

/** Options with every default filled in and checked. */
export interface ResolvedAttack {
  kind: AttackKind;
  eps: number;
  loss: LossName;
  clip: readonly [number, number] | null;
  steps: number;
  stepSize: number;
  restarts: number;
  randomStart: boolean;
  seed: number;
  select: 'loss' | 'error-then-loss';
}

/** Fills in PGD's defaults and checks every option (RangeError naming the option). */
export function resolveAttack(o: AttackOptions): ResolvedAttack {
  if (!ATTACK_KINDS.includes(o.kind)) throw new RangeError(`attack kind: one of ${ATTACK_KINDS.join(', ')}, got '${String(o.kind)}'`);
  if (!(o.eps >= 0) || !Number.isFinite(o.eps)) throw new RangeError(`attack eps: a finite number ≥ 0, got ${o.eps}`);
  const steps = o.kind === 'fgsm' ? 1 : o.steps ?? (o.kind === 'apgd-ce' ? APGD_DEFAULT_STEPS : PGD_DEFAULT_STEPS);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`attack steps: a whole number ≥ 1, got ${o.steps}`);
  // APGD sets its own step size: 2ε at the start, halved at checkpoints.
  const stepSize = o.kind === 'fgsm' ? o.eps : o.kind === 'apgd-ce' ? 2 * o.eps : o.stepSize ?? (PGD_DEFAULT_STEP_FACTOR * o.eps) / steps;
  if (!(stepSize >= 0) || !Number.isFinite(stepSize)) throw new RangeError(`attack stepSize: a finite number ≥ 0, got ${o.stepSize}`);
  const restarts = o.kind === 'fgsm' ? 1 : o.restarts ?? 1;
  if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError(`attack restarts: a whole number ≥ 1, got ${o.restarts}`);
  if (o.clip && !(o.clip[0] <= o.clip[1])) throw new RangeError(`attack clip: lo ≤ hi, got [${o.clip[0]}, ${o.clip[1]}]`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`attack seed: a safe integer, got ${o.seed}`);
  const select = o.select ?? (o.loss === 'softmax-ce' ? 'error-then-loss' : 'loss');
  if (select !== 'loss' && select !== 'error-then-loss') throw new RangeError(`attack select: 'loss' or 'error-then-loss', got '${String(select)}'`);
  if (select === 'error-then-loss' && o.loss !== 'softmax-ce') throw new RangeError(`attack select: 'error-then-loss' needs classes (loss softmax-ce)`);
  return {
    kind: o.kind, eps: o.eps, loss: o.loss, clip: o.clip, steps, stepSize, restarts,
    randomStart: o.kind === 'fgsm' ? false : o.randomStart ?? true, seed: o.seed, select,
  };
}

/** A reference network holding a trained model's effective W and b (layer sizes read from them). */
export function networkOf(params: readonly LayerParams[], loss: LossName): Network {
  if (params.length === 0) throw new RangeError('a network needs at least one layer');
  const sizes = [params[0].W.length / params[0].b.length, ...params.map((p) => p.b.length)];
  const net = new Network(sizes, loss);
  params.forEach((p, l) => {
    if (p.W.length !== net.layers[l].W.length) throw new RangeError(`layer ${l}: W has ${p.W.length} entries, expected ${net.layers[l].W.length}`);
    net.layers[l].W.set(p.W);
    net.layers[l].b.set(p.b);
  });
  return net;
}

/**
 * The loss of input `x` with target `target` (label or value), and its exact gradient ∂L/∂x
 * written to `grad` (length n_in). Uses the network's buffers.
 */
export function inputGradient(net: Network, x: ArrayLike<number>, target: number, grad: Float64Array): number {
  const input = net.acts[0];
  const n = net.nInputs;
  for (let i = 0; i < n; i++) input[i] = x[i];
  net.forward();
  const loss = net.backward(target);
  // ∂L/∂x_i = Σ_j W₀[j, i] δ₀[j] (the input has no ReLU before it).
  const { W, nOut } = net.layers[0];
  const d0 = net.deltas[0];
  grad.fill(0, 0, n);
  for (let j = 0; j < nOut; j++) {
    const d = d0[j];
    if (d === 0) continue;
    const row = j * n;
    for (let i = 0; i < n; i++) grad[i] += W[row + i] * d;
  }
  return loss;
}

/** The loss of input `x` (forward pass only). */
export function lossAt(net: Network, x: ArrayLike<number>, target: number, scratch: Float64Array): number {
  const input = net.acts[0];
  for (let i = 0; i < net.nInputs; i++) input[i] = x[i];
  return net.lossOf(target, scratch);
}

/**
 * The candidate an attack returns for one sample: offered every iterate right after a forward
 * pass on it (so the network's output is the iterate's), it keeps the better by `select`. The
 * first offer is always taken, so a non-finite loss still leaves an input.
 */
class Candidate {
  loss = -Infinity;
  wrong = false;
  taken = false;

  constructor(private readonly errorFirst: boolean) {}

  offer(net: Network, loss: number, target: number, point: Float64Array, out: Float64Array): void {
    const wrong = this.errorFirst && argmax(net.output, net.nOutputs) !== target;
    const better = !this.taken || (wrong && !this.wrong) || (wrong === this.wrong && (loss > this.loss || Number.isNaN(this.loss)));
    if (!better) return;
    this.loss = loss;
    this.wrong = wrong;
    this.taken = true;
    out.set(point.subarray(0, out.length));
  }
}

/** Sign as the attacks use it: −1, 0 or 1 (0 for a zero gradient component). */
function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/**
 * Attacks one sample: writes the adversarial input to `out` and returns its loss. `x` is the
 * clean input, `id` the sample's id (its random stream). Work buffers come from `ws`.
 */
export function attackOne(net: Network, a: ResolvedAttack, x: ArrayLike<number>, target: number, id: number, out: Float64Array, ws: AttackWorkspace): number {
  const n = net.nInputs;
  const lo = a.clip ? a.clip[0] : -Infinity;
  const hi = a.clip ? a.clip[1] : Infinity;
  const { cur, grad, scratch } = ws;
  if (a.kind === 'apgd-ce') return apgd(net, a, x, target, id, out, ws, lo, hi);
  if (a.kind === 'fgsm') {
    inputGradient(net, x, target, grad);
    for (let i = 0; i < n; i++) out[i] = clamp(x[i] + a.eps * sign(grad[i]), lo, hi);
    return lossAt(net, out, target, scratch);
  }
  const rng = a.randomStart ? new Rng(a.seed, `attack:${id}`) : null;
  const best = new Candidate(a.select === 'error-then-loss');
  for (let r = 0; r < a.restarts; r++) {
    // Start: x, or a uniform point of the ball (L∞: each feature U(−ε, ε); L2: a uniform
    // direction at radius ε·U^(1/n)), clipped to the range.
    if (rng) {
      if (a.kind === 'pgd-linf') {
        for (let i = 0; i < n; i++) cur[i] = clamp(x[i] + a.eps * (2 * rng.uniform() - 1), lo, hi);
      } else {
        let norm = 0;
        for (let i = 0; i < n; i++) {
          grad[i] = rng.normal();
          norm += grad[i] * grad[i];
        }
        const radius = a.eps * Math.pow(rng.uniform(), 1 / n);
        const c = norm > 0 ? radius / Math.sqrt(norm) : 0;
        for (let i = 0; i < n; i++) cur[i] = clamp(x[i] + c * grad[i], lo, hi);
      }
    } else for (let i = 0; i < n; i++) cur[i] = x[i];
    // Iterates 1 … steps are the candidates; the gradient pass at an iterate also gives its
    // loss, so only the last one needs a forward pass of its own.
    for (let s = 0; s < a.steps; s++) {
      const l = inputGradient(net, cur, target, grad);
      if (s > 0) best.offer(net, l, target, cur, out);
      if (a.kind === 'pgd-linf') {
        for (let i = 0; i < n; i++) {
          const v = cur[i] + a.stepSize * sign(grad[i]);
          // The ball and the range are both boxes: their intersection is a box.
          const xi = x[i];
          cur[i] = clamp(clamp(v, xi - a.eps, xi + a.eps), lo, hi);
        }
      } else {
        let g2 = 0;
        for (let i = 0; i < n; i++) g2 += grad[i] * grad[i];
        const c = g2 > 0 ? a.stepSize / Math.sqrt(g2) : 0;
        let d2 = 0;
        for (let i = 0; i < n; i++) {
          cur[i] += c * grad[i];
          const d = cur[i] - x[i];
          d2 += d * d;
        }
        // Onto the L2 ball, then into the range (clipping only moves a feature toward x, which
        // lies in the range, so the step stays in the ball).
        const shrink = d2 > a.eps * a.eps ? a.eps / Math.sqrt(d2) : 1;
        for (let i = 0; i < n; i++) cur[i] = clamp(shrink === 1 ? cur[i] : x[i] + (cur[i] - x[i]) * shrink, lo, hi);
      }
    }
    best.offer(net, lossAt(net, cur, target, scratch), target, cur, out);
  }
  return best.loss;
}

/**
 * APGD's checkpoints for `steps` iterations, in whole iterations as AutoAttack's code schedules
 * them (free of rounding in p_j·steps): the first after h = ⌊0.22·steps⌋, then each h later
 * with h ← max(h − ⌊0.03·steps⌋, ⌊0.06·steps⌋) (each term at least 1); those below `steps`.
 */
export function apgdCheckpoints(steps: number): number[] {
  const out: number[] = [];
  const decrease = Math.max(Math.floor(0.03 * steps), 1);
  const least = Math.max(Math.floor(0.06 * steps), 1);
  let h = Math.max(Math.floor(0.22 * steps), 1);
  for (let w = h; w < steps; ) {
    out.push(w);
    h = Math.max(h - decrease, least);
    w += h;
  }
  return out;
}

/**
 * APGD in L∞ (Croce & Hein 2020, Algorithm 1) on the network's loss (cross-entropy: APGD-CE;
 * squared error for regression). Per restart: x₀ (random start or x), x₁ = P(x₀ + η∇-sign step)
 * with η = 2ε, then x_{k+1} = P(x_k + α(z − x_k) + (1 − α)(x_k − x_{k−1})), z = P(x_k + η·sign ∇);
 * at each checkpoint w_j, η is halved and the iterate restarted from the best point when fewer
 * than ρ of the steps since w_{j−1} raised the loss, or when η was not halved at w_{j−1} and the
 * best loss has not risen since. The step-size rule follows the loss; the point returned is the
 * best by `select` over x₀ … x_steps of every restart.
 */
function apgd(net: Network, a: ResolvedAttack, x: ArrayLike<number>, target: number, id: number, out: Float64Array, ws: AttackWorkspace, lo: number, hi: number): number {
  const n = net.nInputs;
  const { cur, grad, prev, z, xmax } = ws;
  const eps = a.eps;
  const project = (v: number, i: number) => clamp(clamp(v, x[i] - eps, x[i] + eps), lo, hi);
  const checkpoints = apgdCheckpoints(a.steps);
  const rng = a.randomStart ? new Rng(a.seed, `attack:${id}`) : null;
  const best = new Candidate(a.select === 'error-then-loss');
  for (let r = 0; r < a.restarts; r++) {
    if (rng) for (let i = 0; i < n; i++) cur[i] = clamp(x[i] + eps * (2 * rng.uniform() - 1), lo, hi);
    else for (let i = 0; i < n; i++) cur[i] = x[i];
    let eta = a.stepSize;
    let f = inputGradient(net, cur, target, grad);
    best.offer(net, f, target, cur, out);
    let fmax = f;
    xmax.set(cur);
    prev.set(cur);
    let successes = 0;
    let lastCheck = 0;
    let fmaxAtLastCheck = fmax;
    let halvedAtLastCheck = true;
    let c = 0;
    for (let k = 0; k < a.steps; k++) {
      // x_{k+1} from x_k (cur), x_{k−1} (prev) and ∇ at x_k (grad); the first step has no momentum.
      for (let i = 0; i < n; i++) z[i] = project(cur[i] + eta * sign(grad[i]), i);
      if (k === 0) {
        prev.set(cur);
        cur.set(z);
      } else {
        for (let i = 0; i < n; i++) {
          const v = project(cur[i] + APGD_MOMENTUM * (z[i] - cur[i]) + (1 - APGD_MOMENTUM) * (cur[i] - prev[i]), i);
          prev[i] = cur[i];
          cur[i] = v;
        }
      }
      const fNext = inputGradient(net, cur, target, grad);
      best.offer(net, fNext, target, cur, out);
      if (fNext > f) successes++;
      f = fNext;
      if (fNext > fmax) {
        fmax = fNext;
        xmax.set(cur);
      }
      if (c < checkpoints.length && k + 1 === checkpoints[c]) {
        const w = checkpoints[c];
        const tooFewRises = successes < APGD_RHO * (w - lastCheck);
        const stalled: boolean = !halvedAtLastCheck && fmaxAtLastCheck === fmax;
        halvedAtLastCheck = tooFewRises || stalled;
        if (halvedAtLastCheck) {
          eta /= 2;
          // Back to the best point, with no momentum from before.
          cur.set(xmax);
          prev.set(xmax);
          f = inputGradient(net, cur, target, grad);
        }
        successes = 0;
        lastCheck = w;
        fmaxAtLastCheck = fmax;
        c++;
      }
    }
  }
  return best.loss;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Work buffers of attackOne for inputs of n features and m outputs. */
export interface AttackWorkspace {
  cur: Float64Array;
  grad: Float64Array;
  scratch: Float64Array;
  /** APGD: the previous iterate, the step's target z, the restart's best point. */
  prev: Float64Array;
  z: Float64Array;
  xmax: Float64Array;
}

export function attackWorkspace(net: Network): AttackWorkspace {
  const n = net.nInputs;
  return {
    cur: new Float64Array(n), grad: new Float64Array(n), scratch: new Float64Array(net.nOutputs),
    prev: new Float64Array(n), z: new Float64Array(n), xmax: new Float64Array(n),
  };
}

export interface AttackBatchResult {
  /** The attacked inputs, row-major like `inputs`, rounded to float32 as every stored input is. */
  x: Float32Array;
  /** The loss of each attacked input (in float64, before the rounding to float32). */
  loss: Float64Array;
}

/**
 * Attacks every row of `inputs` (row-major, n_in features per row) against its target in
 * `targets` (class label or regression value), with the model's effective parameters.
 * `ids` names each row's random stream (default: its row number); pass pool indices so that a
 * sample's attack is the same in any batch. Deterministic per (seed, id).
 */
export function attackBatch(
  params: readonly LayerParams[], inputs: Float32Array, targets: ArrayLike<number>, options: AttackOptions, ids?: ArrayLike<number>,
): AttackBatchResult {
  const a = resolveAttack(options);
  const net = networkOf(params, a.loss);
  const n = net.nInputs;
  if (inputs.length % n !== 0) throw new RangeError(`inputs: ${inputs.length} values is not a whole number of rows of ${n} features`);
  const rows = inputs.length / n;
  if (targets.length < rows) throw new RangeError(`targets: ${targets.length} for ${rows} rows`);
  if (ids && ids.length < rows) throw new RangeError(`ids: ${ids.length} for ${rows} rows`);
  const ws = attackWorkspace(net);
  const out = new Float64Array(n);
  const x = new Float32Array(inputs.length);
  const loss = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const clean = inputs.subarray(r * n, (r + 1) * n);
    loss[r] = attackOne(net, a, clean, targets[r], ids ? ids[r] : r, out, ws);
    x.set(out, r * n);
  }
  return { x, loss };
}
