// The messages the experiment schema gives a refused config, for tests of its checks.

import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../config/schema.js';

/** The schema's issues for an MNIST config of trainSize 10 with `overrides`, one `path: message` a line; fails when the config is accepted. */
export function configError(overrides: Record<string, unknown>): string {
  const r = ExperimentSchema.safeParse({ dataset: { name: 'mnist' }, trainSize: 10, ...overrides });
  assert.ok(!r.success, 'the config should be refused');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}
