// `npm test` (the fast suite: unit tests on synthetic data) and `npm run test:slow` (`--slow`:
// end-to-end, real-data and browser tests, the files named *.slow.test.ts), found under src/
// and bench/. Both compile first (scripts/build.mjs: incrementally, after deleting compiled files
// whose source is gone, so a test whose source was deleted cannot linger there and run). Other
// arguments go to `node --test` (e.g. --test-name-pattern=…).

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from './build.mjs';

const slow = process.argv.includes('--slow');
const passOn = process.argv.slice(2).filter((a) => a !== '--slow');

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const built = build();
if (built !== 0) process.exit(built);
const files = [...find(join('dist', 'src')), ...find(join('dist', 'bench'))].filter((f) => f.endsWith('.slow.test.js') === slow).sort();
run(['--test', '--test-concurrency=2', ...passOn, ...files]);
