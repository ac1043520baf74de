// Runs the C anchor compiled to WebAssembly (anchor.ts buildWasmAnchor) under this Node's WASI:
// `node wasi-anchor.js ANCHOR.wasm COMMAND ARGS…` behaves as the native anchor with the same
// command and arguments (stdin, stdout, stderr, exit code), so the bench starts it as it starts
// the native builds. The whole file system is visible to it as `/` (the bench passes absolute
// paths). It is the yardstick "the same C loop, compiled by clang to WebAssembly SIMD and run by
// this engine": what V8 makes of a competent compiler's WebAssembly for the same algebra.

import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

// The WebAssembly JS API this uses (the ES2022 lib this project compiles with has none).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  instantiate: (module: object, imports: Record<string, Record<string, unknown>>) => Promise<object>;
};

const [wasm, ...args] = process.argv.slice(2);
if (!wasm) {
  process.stderr.write('usage: node wasi-anchor.js ANCHOR.wasm COMMAND ARGS…\n');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: ['anchor', ...args], env: {}, preopens: { '/': '/' }, returnOnExit: true });
// Instantiated asynchronously: Node 20 aborts without a word when `new WebAssembly.Instance`
// builds this module synchronously.
const instance = await WebAssembly.instantiate(new WebAssembly.Module(readFileSync(wasm)), wasi.getImportObject() as Record<string, Record<string, unknown>>);
// Ended with process.exit: when Node 20 was left to end on its own after the module returned,
// it crashed now and then after the last line was written (SIGSEGV or SIGTRAP, 7 of 80 `check`
// runs of dwm on MNIST's shape); ended this way, none of 175. It still does for one row: `check`
// of adam@dwgd on CIFAR-10's shape dies of SIGSEGV after its last line in about half the runs
// (5 Dec 2026: 4–7 of 10 whether the module was built with -O1, -O2, -O3 or without SIMD, with
// process.reallyExit, returnOnExit: false, without the trap handler or with --no-liftoff; plain
// adam, momentum@dwgd and dwm 0 of 8; the native builds under AddressSanitizer find nothing), so
// anchor.ts runAnchor takes such a run's last line and says so. The bench's timed sessions end
// with a line read before the process exits, and are not affected.
process.exit(wasi.start(instance));
