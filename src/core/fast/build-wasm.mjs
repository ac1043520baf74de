// `npm run build:wasm`: compiles kernels.as (AssemblyScript, WebAssembly SIMD) and writes
// the module as base64 into kernels-wasm.ts (and forward64.as, the diagnostics' float64
// forward pass, into forward64-wasm.ts, with its sha-256 in forward64.as.sha256; normals.as,
// Rng.normal's draws, into normals-wasm.ts and normals.as.sha256), so the engine needs no file I/O at run time
// and a plain `tsc` build works without this step; the sha-256 of the kernels.as it was built
// from goes beside it, into kernels.as.sha256 (outside the compiled code, so that a comment
// edit in kernels.as leaves the code fingerprint of run records alone). `--check` only
// verifies that both match kernels.as (exit 1 if not).
//
// The compiler is not a dependency of dwgd (it and binaryen are 100 MB that only this
// developer step needs): the exact version below is installed on first use into the user's
// cache ($DWGD_CACHE_DIR, else $XDG_CACHE_HOME/dwgd, else ~/.cache/dwgd, as the data-hash
// cache), and reused from there. An exact version, because another compiler may emit other
// bytes and `--check` compares bytes.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ASSEMBLYSCRIPT_VERSION = '0.28.20';

/** The pinned compiler's asc module, installed into the cache first if it is not there. */
async function loadAsc() {
  const env = process.env;
  const cache = env.DWGD_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dwgd');
  const dir = join(cache, `assemblyscript-${ASSEMBLYSCRIPT_VERSION}`);
  const entry = join(dir, 'node_modules', 'assemblyscript', 'dist', 'asc.js');
  if (!existsSync(entry)) {
    process.stderr.write(`build-wasm: installing assemblyscript@${ASSEMBLYSCRIPT_VERSION} into ${dir} (once; about 100 MB)\n`);
    mkdirSync(cache, { recursive: true });
    const tmp = mkdtempSync(join(cache, '.asc-'));
    writeFileSync(join(tmp, 'package.json'), '{"private":true}\n');
    // npm's own CLI when run through `npm run`, else npm from the PATH.
    const npm = env.npm_execpath ? [process.execPath, [env.npm_execpath]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
    const r = spawnSync(npm[0], [...npm[1], 'install', '--prefix', tmp, '--no-audit', '--no-fund', '--save-exact', `assemblyscript@${ASSEMBLYSCRIPT_VERSION}`], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      process.stderr.write(`build-wasm: could not install assemblyscript@${ASSEMBLYSCRIPT_VERSION} (npm exit ${r.status ?? r.error?.message})\n`);
      process.exit(2);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return (await import(pathToFileURL(entry).href)).default;
}

const asc = await loadAsc();

const here = dirname(fileURLToPath(import.meta.url));
// Resolve the source folder whether this runs from src/ or from a copy.
const srcDir = here.includes(`${join('dist', 'src')}`) ? here.replace(join('dist', 'src'), 'src') : here;
const arg = (name) => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
};
// --source FILE --wasm-out FILE: compile another variant to a raw .wasm (for experiments).
const source = arg('--source') ?? join(srcDir, 'kernels.as');
const wasmOut = arg('--wasm-out');
const target = join(srcDir, 'kernels-wasm.ts');
const shaTarget = join(srcDir, 'kernels.as.sha256');
const check = process.argv.includes('--check');

/**
 * Compiles AssemblyScript `text` as module `name` in `dir` (asc only reads .ts entry files; the
 * sources keep .as so that tsc leaves them alone) with the flags every module shares and `extra`;
 * returns the wasm bytes.
 */
async function ascCompile(text, name, dir, extra = []) {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, text);
  const out = join(dir, `${name}.wasm`);
  const { error, stderr } = await asc.main([
    entry, '-o', out, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--initialMemory', '1',
    ...extra,
    ...(process.env.DWGD_WASM_DEBUG ? ['--debug'] : []),
  ]);
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`build-wasm: ${error.message}`);
  }
  return readFileSync(out);
}

/** Compiles `file` (with layer-0 lane type `lane`) and returns the wasm bytes. */
async function compile(file, lane, dir) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('type L0 = f64;')) throw new Error(`build-wasm: ${file} has no 'type L0 = f64;' line`);
  return ascCompile(text.replace('type L0 = f64;', `type L0 = ${lane};`), `kernels${lane}`, dir, [
    // A shared memory, so that another thread can read trainSteps' progress cell while a call
    // runs (src/experiment/pool.ts). A shared memory needs a maximum: 65,536 pages, all of wasm32.
    '--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536',
  ]);
}

/**
 * The small modules beside the kernels, each compiled on its own with its own, unshared memory:
 * `name`.as into `name`-wasm.ts (the constant `constant`, documented as `doc`) and
 * `name`.as.sha256.
 */
const SMALL_MODULES = [
  { name: 'forward64', constant: 'FORWARD64_WASM_BASE64', doc: 'The float64 reference forward pass of the diagnostics.' },
  { name: 'normals', constant: 'NORMALS_WASM_BASE64', doc: "Rng.normal's draws in WebAssembly." },
];

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-wasm-'));
try {
  const f64 = await compile(source, 'f64', tmp);
  if (wasmOut) {
    writeFileSync(wasmOut, f64);
    writeFileSync(wasmOut.replace(/\.wasm$/, '') + '-f32.wasm', await compile(source, 'f32', tmp));
  } else {
    writeModule(f64, await compile(source, 'f32', tmp));
    for (const m of SMALL_MODULES) writeSmall(m, await ascCompile(readFileSync(join(srcDir, `${m.name}.as`), 'utf8'), m.name, tmp));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** In --check mode: exit 1 unless both files already hold these texts; else writes them. */
function emit(file, text, shaFile, shaText, what) {
  if (check) {
    const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
    if (read(file) !== text || read(shaFile) !== shaText) {
      process.stderr.write(`build-wasm: ${what} is stale; run \`npm run build:wasm\`\n`);
      process.exitCode = 1;
    } else process.stdout.write(`build-wasm: ${what} is up to date\n`);
  } else {
    writeFileSync(file, text);
    writeFileSync(shaFile, shaText);
    process.stdout.write(`build-wasm: wrote ${file}\n`);
  }
}

function writeSmall({ name, constant, doc }, bytes) {
  const sha = createHash('sha256').update(readFileSync(join(srcDir, `${name}.as`))).digest('hex');
  const text =
    `// Generated by \`npm run build:wasm\` from ${name}.as (whose sha-256 is in ${name}.as.sha256) — do not edit.\n` +
    `/** ${doc} */\n` +
    `export const ${constant} =\n` + lines(bytes) + ';\n';
  emit(join(srcDir, `${name}-wasm.ts`), text, join(srcDir, `${name}.as.sha256`), `${sha}  ${name}.as\n`, `${name}-wasm.ts or ${name}.as.sha256`);
}

function lines(bytes) {
  return (bytes.toString('base64').match(/.{1,100}/g) ?? []).map((l) => `  '${l}'`).join(' +\n');
}

function writeModule(f64, f32) {
  const sha = createHash('sha256').update(readFileSync(source)).digest('hex');
  const text =
    '// Generated by `npm run build:wasm` from kernels.as (whose sha-256 is in kernels.as.sha256) — do not edit.\n' +
    '/** Layer-0 lanes float64 (the `fast` engine). */\n' +
    'export const KERNELS_WASM_BASE64 =\n' + lines(f64) + ';\n' +
    '/** Layer-0 lanes float32 (the `fast32` engine). */\n' +
    'export const KERNELS32_WASM_BASE64 =\n' + lines(f32) + ';\n';
  emit(target, text, shaTarget, `${sha}  kernels.as\n`, 'kernels-wasm.ts or kernels.as.sha256');
}
