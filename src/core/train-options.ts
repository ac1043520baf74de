// Training-time options of a method that are not its update rule (docs/METHOD.md): every engine
// applies them the same way. All zero = the paper's protocol (and the numbers it gave).

export interface TrainOptions {
  /** Dropout probability of each hidden unit during training (inverted dropout; off at evaluation). 0 = none. */
  dropout: number;
  /** Max-norm constraint: after each update, every unit's incoming weight row is scaled to norm ≤ c. 0 = none. */
  maxNorm: number;
  /** σ of Gaussian noise added to each training input (noise-augmented training). 0 = none. */
  inputNoise: number;
  /** Label smoothing ε (classification): the target is (1 − ε)·one-hot + ε/K. 0 = none. */
  labelSmoothing: number;
}

export const NO_TRAIN_OPTIONS: TrainOptions = Object.freeze({ dropout: 0, maxNorm: 0, inputNoise: 0, labelSmoothing: 0 });
