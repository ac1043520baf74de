// `npm test` (the fast suite: unit tests on synthetic data) and `npm run test:slow` (`--slow`:
// end-to-end, real-data and browser tests, the files named *.slow.test.ts), found under src/
// and bench/. Both compile first (scripts/build.mjs: incrementally, after deleting compiled files
// whose source is gone, so a test whose source was deleted cannot linger there and run). Other
// arguments go to `node --test` (e.g. --test-name-pattern=…).
//
// The slow suite runs each file in a process of its own, two at a time. The fast suite runs in
// two processes, each importing half of its files (dealt in turn, in name order) and running
// their tests one file after another: a process started and the program loaded twice instead of
// once per file takes a third less CPU time. So a fast test must leave no global state behind
// (environment variables, the working folder, signal handlers); its hooks are top-level `after`
// (clean-up) or a `before` that only it needs.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from './build.mjs';

const slow = process.argv.includes('--slow');
const passOn = process.argv.slice(2).filter((a) => a !== '--slow');
const PROCESSES = 2;

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
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
if (slow) run(['--test', `--test-concurrency=${PROCESSES}`, ...passOn, ...files]);
else {
  // Static imports: every file's tests are registered before the first one runs.
  const shards = join('dist', '.test-shards');
  rmSync(shards, { recursive: true, force: true });
  mkdirSync(shards, { recursive: true });
  const entries = Array.from({ length: PROCESSES }, (_, k) => {
    const entry = join(shards, `shard-${k + 1}-of-${PROCESSES}.test.mjs`);
    writeFileSync(entry, files.filter((_, i) => i % PROCESSES === k).map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(''));
    return entry;
  });
  run(['--test', `--test-concurrency=${PROCESSES}`, ...passOn, ...entries]);
}
