// Paths the tests share: the project root, the program's entry point (tests that start the CLI)
// and the synthetic dataset loader (tests that inject data into compare and sweep).

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/experiment/testing/ → the project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'dwgd.js');
export const SYNTHETIC_LOADER = new URL('./synthetic.js', import.meta.url).href;
