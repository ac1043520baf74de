// Prints the paper grid's wall time per seed as if every training step were at least as fast as
// the C loop at 128 bits (bench/walltime.ts gridAtCRate), from a whole bench's bench.json (the
// training rates) and a bench.json with a wall-time part (the cells), e.g. the published
//   node scripts/grid-at-c-rate.mjs docs/performance/bench-2026-12-04-quiet.json docs/performance/walltime-2026-12-05.json
// Needs `npm run build` first (it reads the compiled bench code).

import { readFileSync } from 'node:fs';
import { gridAtCRate, hours } from '../dist/bench/walltime.js';

const [ratesFile, wallFile] = process.argv.slice(2);
if (!ratesFile || !wallFile) {
  process.stderr.write('usage: node scripts/grid-at-c-rate.mjs RATES.json WALLTIME.json\n');
  process.exit(2);
}
const rates = JSON.parse(readFileSync(ratesFile, 'utf8'));
const wall = JSON.parse(readFileSync(wallFile, 'utf8')).wallTime;
const r = gridAtCRate(wall, { train: rates.train, anchorTrain: rates.anchor.train ?? [] }, 'fast');
if (!r) {
  process.stderr.write('grid-at-c-rate: a grid shape lacks a fast-engine or 128-bit C rate in the first file\n');
  process.exit(2);
}
process.stdout.write(`a seed's work ${r.boundWorkSeconds.toFixed(0)} s instead of ${r.workSeconds.toFixed(0)}; ≈ ${r.perSeedSeconds.toFixed(0)} s (${hours(r.perSeedSeconds)}) a seed with 2 workers\n`);
