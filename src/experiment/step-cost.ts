// What one training step of one method costs on the fast engine, counted from what its kernel
// does (src/core/fast/kernels.as), for the planner's cost estimate (plan.ts runCost): --dry-run's
// wall time, the live ETA, the order the worker pool takes runs in and the balance of --shard
// and --emit slurm. Nothing here runs or changes a run; it only prices one.
//
// The unit is one simple WebAssembly SIMD instruction (a 128-bit load, store, add or multiply:
// two float64 lanes, four float32 ones). Each pass of a step is priced as the number of such
// instructions its inner loop executes per 128-bit vector of a weight row, times the vectors it
// visits, counted from the kernel's code (the counts below say which function they come from;
// loop control is not counted). What is not an inner loop of simple instructions is priced in
// the same unit from a measurement on the development machine (AMD EPYC, 2 cores, Node 20,
// 4 Dec 2026, CPU time while other work shared the machine): the square root and division of
// adam, the JavaScript-side random draws of input noise and dropout, the fixed cost of a step,
// and the float64 reference network that the diagnostics of every trained model run on. Each
// is its time there divided by UNIT_NS, the time a counted unit took there.
//
// Which rules touch which weights (kernels.as, "updates"):
// - sgd, l2 and weight-decay (and the training options built on sgd) skip the zero inputs of
//   the first layer twice: the forward pass sums only the rows of non-zero inputs, and the
//   update of those rows is deferred into the next forward pass (fused with its read when the
//   inputs are dense, applied two rows at a time first when they are sparse). Their decay is a
//   scale, not a pass.
// - dwm and dwm-stable do the same over twice as wide rows ([V1 | V2]); their update visits the
//   vectors of [c1 | c2] with a non-zero pull, about six in ten (kernels.as, `defer`).
// - momentum, adam and sgd-gated-decay update every weight of every layer at every step: their
//   state (velocity, moments) moves whatever the input, and the gated decay scales whole rows.
//   Adam adds a square root and a division per vector. Its first moment m of a unit that no
//   longer gets a gradient (a dead ReLU unit: δ = 0 for every input) decays by β1 a step into
//   the subnormal floats, after about 6,724 steps at β1 = 0.9, and stays there (0.9 × 4·2⁻¹⁰⁷⁴
//   rounds back to 4·2⁻¹⁰⁷⁴); from then on every step works on subnormal operands, which this
//   CPU does slowly (SUBNORMAL). Momentum's velocity decays the same way at β = 0.9.
// - Noise-augmented inputs are dense (every input non-zero), and each value is drawn outside the
//   kernel (src/core/fast/normals.ts) and copied in; dropout draws one number per hidden unit per step; max-norm recomputes every
//   unit's row norm of every layer after every step, in scalar code.
// The layers above the first are dense for every rule (forward, backward, update).

import type { MethodSpec } from '../config/methods.js';

/**
 * Nanoseconds a counted unit takes on the development machine: the median, over the methods
 * whose steps are counted instructions only (sgd, l2, label smoothing, dwm, dwm-stable, momentum,
 * sgd-gated-decay), of a step's measured CPU time over its units, on 784-20-10, 784-64-32-10,
 * 3072-20-10 and 3072-64-32-10 (MNIST, CIFAR-10; 0.089–0.125, median 0.100). A micro-benchmark
 * of adam's vector update without its square root and division ran at 0.076 ns an instruction,
 * with everything in the L1 cache; the steps also wait for memory.
 */
export const UNIT_NS = 0.1;

/** Instructions per vector of a row in each pass (kernels.as, the function named). */
export const PASS = {
  /** sumRows: per 4 rows × 2 vectors, 8 weight loads, 8 multiplies, 6 adds, 2 loads + 2 adds + 2 stores of the sums (28 / 8). */
  forward0: 3.5,
  /** applyPending (sparse inputs): per vector of 2 rows, the offset and coefficient loads and 2 × (load, multiply, add, store) (10 / 2). */
  deferredPairs: 5,
  /**
   * sumGroupApplying (dense inputs): per vector of 4 rows, the offset and coefficient loads and
   * 4 × (load, multiply, add, store) (18 / 4 = 4.5), less the weight load the sums then take from
   * the register (forward0 counts it): 3.5 on top of forward0.
   */
  deferredFused: 3.5,
  /** forwardDense (layers ≥ 1): per 2 rows × 2 vectors, 2 input loads, 4 weight loads, 4 multiplies, 4 adds (14 / 4). */
  forwardDense: 3.5,
  /** backwardDense: load the row, multiply, load δ, add, store. */
  backwardDense: 5,
  /** updateDense, sgd: load the row and the input, multiply, add, store. */
  updateSgd: 5,
  /** updateDense, l2 and weight-decay (keep ≠ 1): the above plus the decay multiply and the norm's multiply-add. */
  updateDecay: 8,
  /** pullRow (dwm): load, multiply, load the input, multiply, add, store, load the other side, subtract, store W. */
  updateDual: 9,
  /** updateDenseOpt / momentumRows: the gradient (multiply; layers ≥ 1 also load the input), momentumVec's 8. */
  momentum0: 9.5,
  momentumDense: 10,
  /** adamVec's 22 plus the gradient's load and multiply; the square root and division are SQRT_DIV. */
  adam: 24,
  /** updateLayer0Opt, gated: load δ, multiply, load the keep factor, load the row, 2 multiplies, add, store. */
  gated0: 8,
  /** updateDenseOpt, gated: load the row, multiply, load the input, multiply, subtract, store. */
  gatedDense: 6,
} as const;

/** gather: per 4 inputs, load, compare, bitmask, table load, 2 swizzles, 4 stores, 2 promotes and a shuffle, popcount, add (14 / 4). */
export const GATHER_PER_INPUT = 3.5;
/** The dense layer-0 updates splat each input from float32 (load, convert, splat). */
export const SPLAT_PER_INPUT = 3;
/** Share of [c1 | c2]'s vectors a dwm update visits (kernels.as, `defer`: about 4 in 10 are zero in float64). */
export const DUAL_ACTIVE = 0.6;
/** Max-norm, scalar code per weight (kernels.as maxNorm): layer 0 load, σ·w, w², load, add, store; dwm's layer 0 reads both sides and both scales; layers ≥ 1 load, multiply, add. */
export const MAX_NORM = { plain0: 6, dual0: 11, dense: 3 } as const;

// Measured on the development machine, in units (ns ÷ UNIT_NS):
/** adam's f64x2 square root and division: 1.70 ns per vector more than two multiplies would take (micro-benchmark of adamVec's loop, both ways). */
export const SQRT_DIV = Math.round(1.7 / UNIT_NS);
/**
 * Steps once a rule's state of dead units can have decayed into subnormals (subnormalFrom), per
 * vector of the first layer's update: adam about 4 ns more (2–7 ns: a CIFAR-10 3072-64-32-10
 * step went from 410–430 µs to 630–1,100 µs from step 7,000 on, in three runs with 5 to 92 % of
 * the units dead, and back to 415–428 µs when the subnormal moments were set to 0;
 * 784-64-32-10 from about 110 to 180 µs); momentum about 0.8 ns more (3072-64-32-10 from
 * 125–140 µs to 185–200 µs with 5 to 89 % dead, back to 126–135 µs when set to 0; 141 to 280 µs
 * over a full 60,000-step trial). The cost hardly depends on how many units are dead, so it is
 * priced per vector of the layer.
 */
export const SUBNORMAL = { adam: Math.round(4 / UNIT_NS), momentum: Math.round(0.8 / UNIT_NS) } as const;
/**
 * One noisy input value (a Box–Muller draw of src/core/fast/normals.ts, added, rounded to float32
 * and copied in): about 27 ns, the median over MNIST's, Fashion-MNIST's and CIFAR-10's two shapes
 * of noise-trained SGD's step less SGD's, per input (21–38 ns; `npm run bench -- --only
 * walltime`, 5 Dec 2026, docs/performance/walltime-2026-12-05-normals.json). It was about 50 ns
 * (39–61) while the draws were made one call to Rng.normal at a time.
 */
export const NOISE_PER_INPUT = Math.round(27 / UNIT_NS);
/** One dropout draw per hidden unit and step, with its copy into the instance: about 45 ns, from dropout's steps less SGD's. */
export const DROPOUT_PER_UNIT = Math.round(45 / UNIT_NS);
/** A step's cost besides the arithmetic (the sample, the calls between layers, the loss): about 0.2 µs, an SGD step of 8-20-1. */
export const STEP_FIXED = Math.round(200 / UNIT_NS);
/**
 * The diagnostics' float64 forward pass (src/core/fast/forward64.as, the bits of the reference
 * network on WebAssembly SIMD, two lanes of units at a time): about 0.3 ns a multiply-add, and
 * about 1 ns per input feature to copy, widen and list the non-zero ones. Measured 5 Dec 2026 on
 * 4,000 inputs, best of 5, one core: 3072-64-32-10 dense 47 µs an input, 3072-20-10 21 µs,
 * 784-64-32-10 and 784-20-10 at a fifth non-zero 3.5 and 1.6 µs, 11-64-32-1 0.8 µs (the
 * JavaScript network before took about 1.5 ns a multiply-add).
 */
export const REFERENCE_MAC = Math.round(0.3 / UNIT_NS);
export const REFERENCE_FEATURE = Math.round(1 / UNIT_NS);

/**
 * Share of non-zero input values in each dataset's pool, as its images are stored (pixel / 255,
 * not normalised: data/prepare.ts leaves images alone), counted once over every value of the
 * pool (4 Dec 2026): MNIST 0.1912 (the paper's pool, training images 5,000–59,999; 34 to 351 of
 * 784 a sample), Fashion-MNIST 0.4979 (54 to 725), CIFAR-10 0.9975 (1,396 to 3,072 of 3,072).
 * The tabular sets are standardised per column, so a zero is a coincidence: 1. A dataset not
 * listed (csv) counts as dense. The test in step-cost.test.ts recounts them when the data are
 * there.
 */
export const INPUT_DENSITY: Readonly<Record<string, number>> = {
  mnist: 0.1912,
  'fashion-mnist': 0.4979,
  'cifar-10': 0.9975,
};

export function inputDensity(dataset: string): number {
  return INPUT_DENSITY[dataset] ?? 1;
}

/** The parts of a step that a method's rule and options decide, for a network of layer sizes `sizes` (inputs first). */
export interface StepCost {
  /** The sample's gather, the forward pass of every layer. */
  forward: number;
  /** δ of the hidden layers. */
  backward: number;
  /** The rule's update of every layer. */
  update: number;
  /** Training options: noise draws, dropout draws, max-norm. */
  options: number;
  /** STEP_FIXED. */
  fixed: number;
  total: number;
}

type Method = Pick<MethodSpec, 'rule' | 'train'>;

const DUAL_RULES = new Set(['dwm', 'dwm-stable']);

function padTo(n: number, k: number): number {
  return Math.ceil(n / k) * k;
}

/** Lanes of a first-layer vector (fast32: four float32, else two float64) and the padded width of a first-layer row of h units (one 64-byte block of lanes, kernels.as setLayer). */
function layer0(h: number, engine: string): { lanes: number; padded: number } {
  const lanes = engine === 'fast32' ? 4 : 2;
  return { lanes, padded: padTo(h, 4 * lanes) };
}

/**
 * The units of one training step of `method` on a network of `sizes` ([inputs, …hidden, outputs])
 * whose inputs are non-zero at share `density`, on engine `engine` (fast32: four lanes a vector
 * in the first layer; the reference engine is priced as fast, which it is not).
 */
export function stepCost(sizes: readonly number[], method: Method, density: number, engine = 'fast'): StepCost {
  const rule = method.rule;
  const train = method.train;
  const dual = DUAL_RULES.has(rule);
  const n = sizes[0];
  const h = sizes[1];
  const { lanes: lanes0, padded: P0 } = layer0(h, engine);
  const v0 = P0 / lanes0; // vectors in a layer-0 row
  const nnz = train.inputNoise > 0 ? n : Math.min(n, density * n);
  const sparse = 2 * nnz < n; // sumRows applies the deferred update before reading when fewer than half the inputs are non-zero

  let forward = GATHER_PER_INPUT * n + nnz * (dual ? 2 * v0 : v0) * PASS.forward0;
  let backward = 0;
  let update: number;
  if (rule === 'adam') update = n * (SPLAT_PER_INPUT + v0 * (PASS.adam + SQRT_DIV));
  else if (rule === 'momentum') update = n * (SPLAT_PER_INPUT + Math.ceil(h / lanes0) * PASS.momentum0);
  else if (rule === 'sgd-gated-decay') update = n * (SPLAT_PER_INPUT + v0 * PASS.gated0);
  else update = nnz * (dual ? DUAL_ACTIVE * 2 * v0 : v0) * (sparse ? PASS.deferredPairs : PASS.deferredFused);

  // Layers ≥ 1: float64, row-major, nOut rows of the previous layer's padded width.
  let inP = P0;
  let denseWeights = 0;
  for (let l = 1; l + 1 < sizes.length; l++) {
    const rows = sizes[l + 1];
    const vectors = rows * (inP / 2);
    forward += vectors * PASS.forwardDense;
    backward += vectors * PASS.backwardDense;
    update += vectors * denseUpdate(rule);
    denseWeights += rows * sizes[l];
    inP = padTo(rows, 8);
  }

  let options = 0;
  if (train.inputNoise > 0) options += n * NOISE_PER_INPUT;
  if (train.dropout > 0) options += sizes.slice(1, -1).reduce((a, b) => a + b, 0) * DROPOUT_PER_UNIT;
  if (train.maxNorm > 0) options += n * h * (dual ? MAX_NORM.dual0 : MAX_NORM.plain0) + denseWeights * MAX_NORM.dense;

  const total = forward + backward + update + options + STEP_FIXED;
  return { forward, backward, update, options, fixed: STEP_FIXED, total };
}

/** The first step t at which β^t < 2⁻¹⁰²², the smallest normal float64 (6,724 at β = 0.9); Infinity for β = 0. */
function firstSubnormal(beta: number): number {
  return beta > 0 ? Math.floor((1022 * Math.LN2) / -Math.log(beta)) + 1 : Infinity;
}

/**
 * The first step at which a state of a unit without gradient can be subnormal: adam's moments
 * (β1, β2), momentum's velocity (β). Infinity for the rules without such a state.
 */
export function subnormalFrom(method: Pick<MethodSpec, 'rule' | 'params'>): number {
  const p = method.params;
  if (method.rule === 'adam') return Math.min(firstSubnormal(p.beta1), firstSubnormal(p.beta2));
  if (method.rule === 'momentum') return firstSubnormal(p.beta);
  return Infinity;
}

/**
 * The units of `steps` training steps of `method` (stepCost each), plus subnormalUnits.
 */
export function trainingUnits(sizes: readonly number[], method: Pick<MethodSpec, 'rule' | 'train' | 'params'>, density: number, steps: number, engine = 'fast'): number {
  return steps * stepCost(sizes, method, density, engine).total + subnormalUnits(sizes, method, steps, engine);
}

/**
 * What `steps` steps of `method` cost beyond stepCost: from step subnormalFrom on, SUBNORMAL per
 * vector of the first layer's update and step (0 for the rules without such a state). The fast
 * engines set such state to 0 as it turns subnormal (kernels.as flushSubnormal), so only the
 * reference engine pays it.
 */
export function subnormalUnits(sizes: readonly number[], method: Pick<MethodSpec, 'rule' | 'params'>, steps: number, engine = 'fast'): number {
  if (engine !== 'reference') return 0;
  const late = Math.max(0, steps - subnormalFrom(method));
  if (late === 0) return 0;
  const { lanes, padded } = layer0(sizes[1], engine);
  // adam updates every padded vector of a row, momentum the vectors of live units (stepCost).
  const perRow = method.rule === 'adam' ? padded / lanes : Math.ceil(sizes[1] / lanes);
  const extra = method.rule === 'adam' ? SUBNORMAL.adam : SUBNORMAL.momentum;
  return late * sizes[0] * perRow * extra;
}

function denseUpdate(rule: string): number {
  if (DUAL_RULES.has(rule)) return PASS.updateDual;
  if (rule === 'adam') return PASS.adam + SQRT_DIV;
  if (rule === 'momentum') return PASS.momentumDense;
  if (rule === 'sgd-gated-decay') return PASS.gatedDense;
  if (rule === 'l2' || rule === 'weight-decay') return PASS.updateDecay;
  return PASS.updateSgd;
}

/**
 * Units per input scored by an evaluation pass (test or validation): a third of a dense SGD
 * step's first layer, as the planner has always priced it (forward0 + deferredFused per vector
 * over two lanes: 3.5 units per weight of the first layer). Measured: CIFAR-10 3072-64-32-10
 * 16.6 µs a sample and MNIST 784-64-32-10 4.5 µs (bench walltime, perSample), against 17.4 and
 * 4.5 µs from this at UNIT_NS.
 */
export function evalUnitsPerInput(sizes: readonly number[]): number {
  return ((PASS.forward0 + PASS.deferredFused) / 2) * sizes[0] * (sizes[1] ?? 1) / 3;
}

/**
 * Units of the diagnostics of one trained model (src/experiment/diagnostics.ts, health.ts): for
 * classification the output margins on at most 10,000 test inputs, then the collapse check on
 * at most 500 and the dead units on the training inputs, each a forward pass of the float64
 * reference network (REFERENCE_MAC per multiply-add, zero inputs of the first layer skipped, and
 * REFERENCE_FEATURE per input feature). They run after training whatever testEvery says. The
 * spectral norms are left out (their power iteration stops when it converges).
 */
export function diagnosticUnits(sizes: readonly number[], density: number, testSize: number, trainSize: number, classification = true): number {
  let macs = density * sizes[0] * sizes[1];
  for (let l = 1; l + 1 < sizes.length; l++) macs += sizes[l] * sizes[l + 1];
  const margins = classification ? Math.min(10000, testSize) : 0;
  return (margins + Math.min(500, testSize) + trainSize) * (macs * REFERENCE_MAC + sizes[0] * REFERENCE_FEATURE);
}
