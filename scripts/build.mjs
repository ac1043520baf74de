// Compiles src/ and bench/ into dist/ with TypeScript, the one way every script builds
// (`npm ci` through `prepare`, `npm run build`, `npm test`, `npm run bench`, `npm run docs`):
//
// - Incrementally: tsc keeps what it knows in dist/tsconfig.tsbuildinfo and compiles only what
//   changed since (a second build with nothing changed checks and writes nothing new). Before
//   it, compiled files whose source is gone are deleted, so a test whose source was deleted
//   cannot linger in dist/ and run; when a compiled file is missing, tsc starts afresh.
// - It records which sources dist/ was compiled from (dist/.sources: a sha-256 over every
//   .ts file under src/ and bench/ and tsconfig.json).
//
// TypeScript is a dev dependency. Without it (`npm ci --omit=dev`, a runtime-only install),
// `--prepare` keeps a dist/ compiled before, says so in one line (and when it was compiled from
// other sources than these), and when there is none, says how to get one; both exit 0, so the
// install itself succeeds. Without `--prepare` a missing TypeScript is an error.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const SOURCE_DIRS = ['src', 'bench'];
const STAMP = join(DIST, '.sources');
const BUILD_INFO = join(DIST, 'tsconfig.tsbuildinfo');

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The TypeScript sources tsc compiles (every .ts under src/ and bench/ but declaration files). */
function sources() {
  return SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d))).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}

/** sha-256 over the sources (path and bytes) and tsconfig.json. */
export function sourcesHash() {
  const h = createHash('sha256');
  for (const f of [...sources(), join(ROOT, 'tsconfig.json')]) {
    h.update(relative(ROOT, f).split('\\').join('/'));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Deletes compiled files (.js, .js.map) in dist/src and dist/bench whose source .ts is gone;
 * returns whether every source has its compiled .js (if not, the incremental state is dropped).
 */
function pruneDist() {
  for (const d of SOURCE_DIRS) {
    for (const f of walk(join(DIST, d))) {
      const base = f.endsWith('.js.map') ? f.slice(0, -7) : f.endsWith('.js') ? f.slice(0, -3) : null;
      if (base === null) continue;
      const source = join(ROOT, relative(DIST, base)) + '.ts';
      if (!existsSync(source)) rmSync(f);
    }
  }
  return sources().every((f) => existsSync(join(DIST, relative(ROOT, f)).replace(/\.ts$/, '.js')));
}

function typescript() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/** Compiles (incrementally) and stamps dist/; returns tsc's exit code. */
export function build() {
  const tsc = typescript();
  if (!tsc) {
    process.stderr.write('build: TypeScript is not installed (it is a dev dependency): run `npm ci` to install it\n');
    return 1;
  }
  if (!pruneDist()) rmSync(BUILD_INFO, { force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json')], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) return r.status ?? 1;
  writeFileSync(STAMP, `${sourcesHash()}\n`);
  return 0;
}

/** `prepare`: build when TypeScript is there; otherwise keep (or ask for) a dist/ compiled elsewhere. */
function prepare() {
  if (typescript()) return build();
  const say = (line) => process.stderr.write(`dwgd: ${line}\n`);
  if (!existsSync(join(DIST, 'src', 'cli', 'main.js'))) {
    say('TypeScript is not installed (npm ci --omit=dev) and dist/ holds no compiled dwgd, so it cannot run yet: ' +
      'compile it once with `npm ci` (which installs TypeScript), then `npm ci --omit=dev` keeps dist/, or copy dist/ from such an install');
    return 0;
  }
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : null;
  if (stamp === sourcesHash()) say('TypeScript is not installed (npm ci --omit=dev); using dist/, compiled from these sources');
  else say('warning: TypeScript is not installed (npm ci --omit=dev) and dist/ was compiled from other sources than these (changed since?); it runs as compiled: `npm ci` compiles it afresh');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = process.argv.includes('--prepare') ? prepare() : build();
}
