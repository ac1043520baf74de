// The C anchor (bench/anchor.c): compiles it in float64 and float32 when a C compiler is
// present, writes the pool and initial network files it reads, and runs it. Files are
// little-endian, as typed arrays are on every machine Node runs the bench on here (x86-64);
// the layout is described at the top of anchor.c.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Network } from '../src/core/network.js';
import type { Pool } from './pools.js';

/**
 * The bench rows the anchor also runs with layer 0 in dwgd's arrangement (`METHOD@dwgd`, anchor.c):
 * the paper's rules and weight decay, whose layer 0 dwgd holds as scales and vectors, and the
 * comparators (momentum, adam, the gated decay), whose layer 0 it holds as padded input-major U
 * with the optimiser state beside it, flushed where it turns subnormal.
 */
export const DWGD_ARRANGED = ['dwm', 'dwm-stable', 'sgd', 'l2-0.01', 'l2-0.1', 'weight-decay-0.0001', 'momentum', 'adam', 'sgd-gated-decay'];

/** dist/bench/anchor.js → bench/anchor.c in the source tree. */
export const ANCHOR_SOURCE = fileURLToPath(new URL('../../bench/anchor.c', import.meta.url));
// -fno-math-errno: C's sqrt must set errno for a negative argument, so without it gcc keeps every
// square root scalar with a call for that case (adam's step has one per weight; its argument is
// never negative, so the results are the same either way).
export const ANCHOR_FLAGS = ['-O3', '-march=native', '-fopenmp-simd', '-fno-math-errno'];
/**
 * The same float64 loop held to 128-bit vectors and separate multiply and add, as WebAssembly
 * SIMD has them (two float64 lanes, no fused multiply-add): every AVX level and FMA switched off,
 * the SSE levels of the machine kept (V8 compiles wasm SIMD to them). x86-64 only.
 */
export const ANCHOR_FLAGS_128 = ['-O3', '-march=native', '-mno-avx', '-mno-avx2', '-mno-fma', '-mno-avx512f', '-fopenmp-simd', '-fno-math-errno'];

/**
 * The float64 loop compiled to WebAssembly SIMD by clang (wasm32-wasi, 128-bit SIMD, no relaxed
 * SIMD, hence no fused multiply-add) and run by this Node (bench/wasi-anchor.ts): not what the
 * hardware can do at two lanes, but what this engine does with a competent compiler's
 * WebAssembly for the same algebra, which is what dwgd's own WebAssembly can hope for.
 */
export const ANCHOR_FLAGS_WASM = ['--target=wasm32-wasi', '-O3', '-msimd128', '-fopenmp-simd', '-fno-math-errno'];

/** Where Debian's wasi-libc (and the wasi-sdk layout) put the WASI sysroot; $WASI_SYSROOT first. */
const WASI_SYSROOTS = [...(process.env.WASI_SYSROOT ? [process.env.WASI_SYSROOT] : []), '/usr/share/wasi-sysroot', '/opt/wasi-sdk/share/wasi-sysroot', '/usr'];

export interface AnchorBuild {
  dir: string;
  /** The C compiler's command ($CC, cc or gcc). */
  cc: string;
  /** The compiler's first `--version` line, e.g. `gcc (Debian 12.2.0-14) 12.2.0`. */
  compiler: string;
  flags: string;
  bin64: string;
  bin32: string;
  /** The float64 build at WebAssembly's width (ANCHOR_FLAGS_128), or why there is none. */
  narrow: { bin: string; flags: string; check: string } | { skipped: string };
  /** The float64 build in WebAssembly (ANCHOR_FLAGS_WASM) and its runner, or why there is none. */
  wasm: { bin: string; compiler: string; flags: string } | { skipped: string };
}

/**
 * What objdump finds in a binary that should hold no instruction wider than 128 bits: counts of
 * ymm/zmm registers, VEX/EVEX-encoded (v…) instructions and fused multiply-adds, and of the
 * packed-double SSE2 arithmetic that shows the loops are vectorised. `wide` is true when any
 * 256/512-bit register, VEX instruction or FMA is there; `null` without objdump.
 */
export function inspectNarrow(bin: string): { wide: boolean; text: string } | null {
  const r = spawnSync('objdump', ['-d', '--no-show-raw-insn', bin], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return null;
  const mnemonics = r.stdout.split('\n').map((l) => l.split('\t')[1]?.trim().split(/\s+/)[0] ?? '').filter((m) => m !== '');
  const wideRegs = (r.stdout.match(/%[yz]mm\d+/g) ?? []).length;
  const vex = mnemonics.filter((m) => /^v[a-z]/.test(m) && !m.startsWith('vfprintf')).length;
  const fma = mnemonics.filter((m) => /^vf(n?m(add|sub)|maddsub|msubadd)/.test(m)).length;
  const packed = mnemonics.filter((m) => /^(mul|add|sub|div)pd$/.test(m)).length;
  return {
    wide: wideRegs + vex + fma > 0,
    text: `objdump -d: ${wideRegs} ymm/zmm operands, ${vex} VEX/EVEX instructions, ${fma} fused multiply-adds; ${packed} packed-double mul/add/sub/div (xmm)`,
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Compiles bench/anchor.c with `cc` and `flags` (defines included) into `bin`; the compiler's first error line, or null. */
export function compileAnchor(cc: string, flags: string[], bin: string): string | null {
  const r = spawnSync(cc, [...flags, ANCHOR_SOURCE, '-lm', '-o', bin], { encoding: 'utf8' });
  return r.status === 0 ? null : firstLine(r.stderr || String(r.error));
}

/**
 * Compiles the anchor into a fresh temporary folder with $CC, `cc` or `gcc` (the first that
 * answers `--version`); `{ skipped }` says why not when none does or compiling fails.
 */
export function buildAnchor(): AnchorBuild | { skipped: string } {
  const candidates = [...(process.env.CC ? [process.env.CC] : []), 'cc', 'gcc'];
  const cc = candidates.find((c) => spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0);
  if (!cc) return { skipped: `no C compiler found (tried ${candidates.join(', ')})` };
  const compiler = firstLine(spawnSync(cc, ['--version'], { encoding: 'utf8' }).stdout);
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-anchor-'));
  const bins: string[] = [];
  for (const extra of [[], ['-DANCHOR_F32']]) {
    const bin = join(dir, extra.length ? 'anchor32' : 'anchor64');
    const error = compileAnchor(cc, [...ANCHOR_FLAGS, ...extra], bin);
    if (error !== null) {
      rmSync(dir, { recursive: true, force: true });
      return { skipped: `${cc} could not compile bench/anchor.c: ${error}` };
    }
    bins.push(bin);
  }
  return { dir, cc, compiler, flags: ANCHOR_FLAGS.join(' '), bin64: bins[0], bin32: bins[1], narrow: buildNarrow(cc, dir), wasm: buildWasmAnchor(dir) };
}

/** A string as one word of a POSIX shell command. */
function shellWord(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * The float64 anchor compiled to WebAssembly with the first clang ($WASM_CC, clang, clang-19 …
 * clang-14) and WASI sysroot (WASI_SYSROOTS, the first holding lib/wasm32-wasi/libc.a) that
 * compile it, and an executable script in `dir` that runs it under this Node (bench/wasi-anchor.ts)
 * with the native anchor's command line, so it is started like the native builds. On Debian:
 * `apt-get install clang lld wasi-libc libclang-rt-dev-wasm32` (clang 14: lld-14,
 * libclang-rt-14-dev-wasm32). `{ skipped }` says why there is none.
 */
export function buildWasmAnchor(dir: string, defines: string[] = [], name = 'anchor64'): AnchorBuild['wasm'] {
  const compilers = [...(process.env.WASM_CC ? [process.env.WASM_CC] : []), 'clang', ...[19, 18, 17, 16, 15, 14].map((v) => `clang-${v}`)];
  const cc = compilers.find((c) => spawnSync(c, ['--version'], { encoding: 'utf8' }).status === 0);
  const hint = 'on Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32';
  if (!cc) return { skipped: `no clang found for the WebAssembly build (tried ${compilers.join(', ')}; ${hint})` };
  const sysroot = WASI_SYSROOTS.find((d) => existsSync(join(d, 'lib', 'wasm32-wasi', 'libc.a')));
  if (!sysroot) return { skipped: `no WASI sysroot found (looked for lib/wasm32-wasi/libc.a under ${WASI_SYSROOTS.join(', ')}; ${hint})` };
  const wasm = join(dir, `${name}.wasm`);
  const flags = [...ANCHOR_FLAGS_WASM, `--sysroot=${sysroot}`, ...defines];
  const r = spawnSync(cc, [...flags, ANCHOR_SOURCE, '-lm', '-o', wasm], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `${cc} could not compile bench/anchor.c to WebAssembly: ${firstLine(r.stderr || String(r.error))} (${hint})` };
  const runner = fileURLToPath(new URL('./wasi-anchor.js', import.meta.url));
  const bin = join(dir, `${name}-wasm`);
  // --no-warnings: Node 20 prints an ExperimentalWarning for WASI on stderr, which the bench
  // would take for the anchor's own error line.
  writeFileSync(bin, `#!/bin/sh\nexec ${[process.execPath, '--no-warnings', runner, wasm].map(shellWord).join(' ')} "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, compiler: `${firstLine(spawnSync(cc, ['--version'], { encoding: 'utf8' }).stdout)} → wasm32-wasi (${sysroot})`, flags: flags.join(' ') };
}

/**
 * The float64 anchor at 128 bits (ANCHOR_FLAGS_128, then `defines` such as
 * -DDWGD_BLOCK_BYTES=32), checked with objdump when it is there.
 */
export function buildNarrow(cc: string, dir: string, defines: string[] = [], name = 'anchor64-128'): AnchorBuild['narrow'] {
  if (process.arch !== 'x64') return { skipped: `the 128-bit build is for x86-64; this is ${process.arch}` };
  const bin = join(dir, name);
  const error = compileAnchor(cc, [...ANCHOR_FLAGS_128, ...defines], bin);
  if (error !== null) return { skipped: `${cc} could not compile bench/anchor.c for 128 bits: ${error}` };
  const seen = inspectNarrow(bin);
  if (seen?.wide) return { skipped: `the 128-bit build still has wider instructions (${seen.text})` };
  return { bin, flags: [...ANCHOR_FLAGS_128, ...defines].join(' '), check: seen?.text ?? 'not checked (no objdump)' };
}

function writeParts(path: string, parts: ArrayBufferView[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const p of parts) {
      const bytes = new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    }
  } finally {
    closeSync(fd);
  }
}

/** The pool file: inputs, targets, training list, test list and sample order. */
export function writePoolFile(path: string, pool: Pool, order: Int32Array): void {
  const rows = pool.y.length;
  const header = Int32Array.of(0x4c4f4f50, 1, rows, pool.nInputs, pool.train.length, pool.test.length, order.length);
  writeParts(path, [header, pool.x.subarray(0, rows * pool.nInputs), pool.y, pool.train, pool.test, order]);
}

/** The network file: loss, sizes, then every layer's W (row-major) and every layer's b. */
export function writeNetFile(path: string, net: Network): void {
  const header = Int32Array.of(0x5754454e, 1, net.loss === 'mse' ? 1 : 0, net.sizes.length, ...net.sizes);
  writeParts(path, [header, ...net.layers.map((l) => l.W), ...net.layers.map((l) => l.b)]);
}

/**
 * One running `train` or `eval` command of the anchor: started (and warmed up) once, then
 * asked for one timed run at a time, so the caller can interleave them with its own.
 */
export class AnchorSession {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    private readonly stderr: string[],
    /** The ready line: precision and, for eval, the score of one pass over the test list. */
    readonly ready: Record<string, unknown>,
  ) {}

  static async start(bin: string, args: (string | number)[]): Promise<AnchorSession> {
    const child = spawn(bin, args.map(String), { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.on('error', (e) => stderr.push(String(e)));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const ready = await nextLine(child, lines, stderr, String(args[0]));
    return new AnchorSession(child, lines, stderr, ready);
  }

  /** One timed run of `seconds`; returns steps/s (train) or samples/s (eval). */
  async time(seconds: number): Promise<number> {
    this.child.stdin!.write(`${seconds}\n`);
    const r = await nextLine(this.child, this.lines, this.stderr, 'timed run');
    return (r.stepsPerSec ?? r.samplesPerSec) as number;
  }

  /** Ends the session; returns its closing line (checksums). */
  async end(): Promise<Record<string, unknown>> {
    this.child.stdin!.end();
    return nextLine(this.child, this.lines, this.stderr, 'closing line');
  }
}

async function nextLine(child: ChildProcess, lines: AsyncIterator<string>, stderr: string[], what: string): Promise<Record<string, unknown>> {
  const line = await lines.next();
  if (line.done) {
    const code = child.exitCode ?? (await new Promise((res) => child.once('close', res)));
    throw new Error(firstLine(stderr.join('')) || `the C anchor ended before its ${what} (exit ${code})`);
  }
  return JSON.parse(line.value) as Record<string, unknown>;
}

/**
 * Runs one anchor command and returns its JSON line; throws with its message when it fails. One
 * exception, for the WebAssembly build only: Node 20 sometimes dies of a signal while the module
 * exits, after the anchor has closed its output file and written its last line (bench/wasi-anchor.ts;
 * `check` of adam@dwgd on CIFAR-10's shape in most runs, of the other rows hardly ever). Then the
 * line is returned with the signal in `signalAtExit`, for the caller to report.
 */
export function runAnchor(bin: string, args: (string | number)[]): Record<string, unknown> {
  const r = spawnSync(bin, args.map(String), { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    const line = r.stdout.trim();
    if (r.signal && bin.endsWith('-wasm') && !line.includes('\n') && line.startsWith('{') && line.endsWith('}')) {
      return { ...(JSON.parse(line) as Record<string, unknown>), signalAtExit: r.signal };
    }
    throw new Error(firstLine(r.stderr) || `${bin} ${args[0]} failed (${r.error ?? (r.signal ? `signal ${r.signal}` : `status ${r.status}`)})`);
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/**
 * The anchor's `check` of METHOD for STEPS steps (restarting every LIFE) into `out`: its line
 * (without a Node exit signal, which is not the anchor's) and the parameters it wrote, for
 * comparing two builds' results byte for byte.
 */
export function checkedParams(bin: string, pool: string, net: string, method: string, lr: number, steps: number, life: number, out: string): { line: string; bytes: Buffer } {
  const line = runAnchor(bin, ['check', pool, net, method, lr, steps, out, life]);
  delete line.signalAtExit;
  return { line: JSON.stringify(line), bytes: readFileSync(out) };
}
