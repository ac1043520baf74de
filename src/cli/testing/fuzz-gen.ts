// The generators of the property-based tests (fuzz.test.ts in process, fuzz-cli.slow.test.ts
// through the CLI): configs and wine-quality CSV files, valid, mutated and truncated, and how
// many cases a run draws (`npm test`: a fixed seed; `npm run fuzz`, DWGD_FUZZ=1: many, new ones).

import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { WINE_COLUMNS } from '../../data/wine-quality.js';

export const LONG = Boolean(process.env.DWGD_FUZZ);
export const RUNS = Number(process.env.DWGD_FUZZ_RUNS) || (LONG ? 5000 : 200);
export const CLI_RUNS = LONG ? 40 : 3;
// In `npm test` the cases are fixed (one seed), so CI sees the same inputs every run; `npm run fuzz`
// draws new ones each time.
export const SEED = process.env.DWGD_FUZZ_SEED ? Number(process.env.DWGD_FUZZ_SEED) : LONG ? undefined : 20261126;
export const params = (numRuns: number) => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });


// --- generators ---------------------------------------------------------------------------

export const number = fc.oneof(
  fc.double(), // includes NaN, ±Infinity, -0, subnormals
  fc.integer({ min: -10, max: 100_000 }),
  fc.constantFrom(0, 1, 1e-300, 1e15, 1e308, 2 ** 31, -1),
  fc.string({ maxLength: 5 }),
);
export const anything = fc.oneof(number, fc.boolean(), fc.constant(null), fc.array(number, { maxLength: 4 }));
export const key = fc.constantFrom('trainsize', 'stepsPerTrun', 'lR', 'hiden', 'base', 'grid', 'seeds', '', ' ', '.', '__proto__', 'constructor');

export const configValue = fc.record({
  dataset: fc.oneof(
    fc.record({
      name: fc.constantFrom('mnist', 'wine-quality', 'california-housing', 'cifar-10', 'fashion-mnist', 'imagenet', ''),
      targetScale: number, normalize: fc.constantFrom('paper', 'train', 'other'), pool: fc.oneof(fc.string({ maxLength: 6 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })),
    }, { requiredKeys: ['name'] }),
    anything,
  ),
  hidden: fc.oneof(fc.array(fc.oneof(fc.integer({ min: -3, max: 300_000 }), number), { maxLength: 4 }), anything),
  trainSize: number,
  turns: number,
  stepsPerTurn: number,
  lr: number,
  seed: number,
  methods: fc.oneof(fc.array(fc.constantFrom('dwm', 'dwm-stable', 'sgd', 'l2-0.1', 'l2-1e300', 'weight-decay-', 'adam'), { maxLength: 4 }), anything),
  noise: fc.oneof(fc.record({ sigma: number }, { requiredKeys: [] }), anything),
  evaluate: fc.oneof(fc.record({ 'noise.sigma': fc.array(number, { maxLength: 3 }), 'mask.fraction': fc.array(number, { maxLength: 3 }) }, { requiredKeys: [] }), anything),
  name: fc.oneof(fc.constantFrom('ok', '..', '.', 'a/b', ''), fc.string({ maxLength: 8 })),
  labelNoise: fc.record({ fraction: number, sigma: number }, { requiredKeys: [] }),
  imbalance: fc.record({ profile: fc.constantFrom('step', 'longtail', 'x'), ratio: number, bins: number }, { requiredKeys: [] }),
  engine: fc.constantFrom('fast', 'reference', 'fast32', 'gpu'),
}, { requiredKeys: [] });

/** A config's text: YAML or JSON of a generated value with stray keys, maybe cut short, or noise. */
export const configText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(configValue, fc.dictionary(key, anything, { maxKeys: 2 }), fc.boolean(), fc.nat()).map(([v, extra, json, cut]) => {
    const text = json ? JSON.stringify({ ...v, ...extra }) ?? '' : toYaml({ ...v, ...extra });
    return cut % 4 === 0 ? text.slice(0, cut % (text.length + 1)) : text;
  }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

export const cell = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', 'abc', '1e39', '-1e300', 'NaN', 'Infinity', '0x10', '1,5', '"', '3.4028234663852886e38') },
);
export const wineRow = fc.array(cell, { minLength: 11, maxLength: 13 }).map((cells) => cells.join(';'));
export const WINE_HEADER = WINE_COLUMNS.map((c) => `"${c}"`).join(';');

/** A wine-quality CSV: the real header or a mutated one, rows of generated cells, maybe cut short. */
export const wineCsv = fc.tuple(
  fc.oneof({ weight: 5, arbitrary: fc.constant(WINE_HEADER) }, { weight: 1, arbitrary: fc.constantFrom(WINE_HEADER.replace(/;/g, ','), WINE_HEADER.replace('pH', 'ph'), '') }),
  fc.array(wineRow, { maxLength: 40 }),
  fc.nat(),
).map(([header, rows, cut]) => {
  const text = [header, ...rows].join('\n') + '\n';
  return cut % 5 === 0 ? text.slice(0, cut % (text.length + 1)) : text;
});

// --- in-process properties -------------------------------------------------------------------

