// The corruptions, as lists; the evaluation axis `corruption` (eval-axes/corruption.ts) applies
// them (docs/METHOD.md, "Corruptions").

import { BLUR_CORRUPTIONS } from './blur.js';
import { DIGITAL_CORRUPTIONS } from './digital.js';
import { GEOMETRIC_CORRUPTIONS } from './geometric.js';
import { NOISE_CORRUPTIONS } from './noise.js';
import { OCCLUSION_CORRUPTIONS } from './occlusion.js';
import { TABULAR_CORRUPTIONS, TABULAR_SEVERITIES, type TabularCorruption } from './tabular.js';
import type { ImageCorruption } from './types.js';

export { corruptionRng } from './random.js';
export type { FeatureStats, TabularCorruption } from './tabular.js';
export { type Benchmark, benchmarkFor, type ImageCorruption, type ImageShape, type Pixels } from './types.js';

export const IMAGE_CORRUPTIONS: readonly ImageCorruption[] = [
  ...NOISE_CORRUPTIONS,
  ...BLUR_CORRUPTIONS,
  ...DIGITAL_CORRUPTIONS,
  ...GEOMETRIC_CORRUPTIONS,
  ...OCCLUSION_CORRUPTIONS,
];

export { TABULAR_CORRUPTIONS, TABULAR_SEVERITIES };

export function imageCorruption(id: string): ImageCorruption | undefined {
  return IMAGE_CORRUPTIONS.find((c) => c.id === id);
}

export function tabularCorruption(id: string): TabularCorruption | undefined {
  return TABULAR_CORRUPTIONS.find((c) => c.id === id);
}
