// The shape every dataset adapter produces, and that the protocol consumes.

export type Task = 'classification' | 'regression';

/** Where a dataset's bytes were found (DESIGN.md: sources, in this order). */
export interface DataOrigin {
  kind: 'path' | 'env' | 'cache' | 'package' | 'download';
  /** The folder or file the data came from. */
  location: string;
}

/**
 * A pool of samples as read from disk. `x` is row-major, size × nInputs.
 * - `image` data is final (pixel / 255, in [0, 1]); noisy inputs are clamped to [0, 1].
 * - `tabular` data is raw: prepare.ts z-scores features and target (docs/METHOD.md §6).
 * `y` holds class labels (0 … nClasses−1) or raw regression targets.
 */
export interface RawDataset {
  name: string;
  kind: 'image' | 'tabular';
  task: Task;
  size: number;
  nInputs: number;
  /** 10 for the image sets; 1 (one regression output) otherwise. */
  nOutputs: number;
  x: Float32Array;
  y: Float32Array;
  /** Feature names for tabular data (length nInputs) and the target's name. */
  columns?: string[];
  targetColumn?: string;
  origin: DataOrigin;
  /** One line on what the pool is, e.g. "training images 5,000–59,999". */
  description: string;
}

/** A pool ready for training: inputs and targets in the units the model sees. */
export interface Dataset extends RawDataset {
  /** How tabular columns were normalised, or 'none' for images. */
  normalize: 'paper' | 'train' | 'none';
}
