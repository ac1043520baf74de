// The published corruption benchmarks as an evaluation axis (data/benchmark-sets.ts, docs/METHOD.md
// "Benchmark sets as an evaluation axis"): `benchmark` names a corruption of MNIST-C (for models
// trained on mnist) or CIFAR-10-C (on cifar-10), scored at `severity` (MNIST-C: 1 only;
// CIFAR-10-C: 1–5). Unlike the other axes it transforms no input: at its points the test set is
// the benchmark's 10,000 published images of that corruption and severity (run.ts loads them),
// not the run's own test list; the other axes (noise, zeroing, attacks) then apply to them as
// to any test input. `benchmark: none` or `severity: 0` is the run's clean test.

import { BENCHMARK_SETS, benchmarkFor } from '../benchmark-names.js';
import type { EvalAxisDef } from './types.js';

const SEVERITY = 'severity';

export const benchmarkAxis: EvalAxisDef = {
  key: 'benchmark',
  module: import.meta.url,
  title: 'published corruption benchmark',
  kind: 'categorical',
  identity: 'none',
  max: 0,
  optional: true,
  stream: 'benchmark',
  replacesTestSet: true,
  choices: (kind) => (kind === 'image' ? [...new Set(Object.values(BENCHMARK_SETS).flatMap((s) => s.corruptions))] : []),
  known: () => [...new Set(Object.values(BENCHMARK_SETS).flatMap((s) => s.corruptions))],
  all: (_kind, dataset) => {
    const set = dataset ? benchmarkFor(dataset) : null;
    return set ? BENCHMARK_SETS[set].benchmark : [];
  },
  inert: (point) => Number(point[SEVERITY] ?? 0) === 0,
  check(evaluate) {
    if (!evaluate.benchmark) return null;
    if (evaluate.corruption) return 'benchmark: not in one study with evaluate.corruption (the published images or generated ones: one source of corrupted inputs per study)';
    if (!evaluate[SEVERITY]) return 'severity: list the severities to score evaluate.benchmark at (MNIST-C: 1; CIFAR-10-C: 1–5)';
    return null;
  },
  prepare: () => {
    throw new Error('benchmark: replaces the test set; it has no transform');
  },
};
