// The layering of ARCHITECTURE.md, enforced on the sources: core < data < config < experiment
// < results < cli. A file may import its own layer, lower layers and src/errors.ts; no file
// below cli imports cli or starts the program (bin/dwgd.js). Tests count like any other file.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/src/architecture.test.js → src/
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const LAYERS = ['core', 'data', 'config', 'experiment', 'results', 'cli'] as const;

/**
 * Known violations, each removed by another point of issue 14; delete an entry when its fix
 * lands (the test fails on an entry that is no longer needed).
 */
const KNOWN: Record<string, string> = {
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Layer index of a path under src/ (-1: a shared root file such as src/errors.ts). */
function layerOf(rel: string): number {
  const top = rel.split('/')[1];
  const k = LAYERS.indexOf(top as (typeof LAYERS)[number]);
  if (k < 0 && rel.split('/').length > 2) throw new Error(`${rel}: folder '${top}' is in no layer (add it to ARCHITECTURE.md and LAYERS)`);
  return k;
}

/** Relative module specifiers a file depends on: imports, re-exports, import(), new URL(…, import.meta.url). */
function dependencies(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gm,
    /^\s*import\s+'(\.[^']+)'/gm,
    /\bimport\(\s*'(\.[^']+)'\s*\)/g,
    /new URL\(\s*'(\.[^']+\.js)'\s*,\s*import\.meta\.url\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

function violations(): string[] {
  const out: string[] = [];
  const root = dirname(SRC);
  for (const file of sources(SRC)) {
    const rel = relative(root, file).split('\\').join('/');
    const text = readFileSync(file, 'utf8');
    const layer = layerOf(rel);
    for (const spec of dependencies(text)) {
      const target = relative(root, resolve(dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
      if (!target.startsWith('src/')) continue;
      const to = layerOf(target);
      if (to > layer) out.push(`${rel} imports ${target}`);
    }
    // (This file names the program only to look for it.)
    // Starting the program = naming its entry point and starting a process (writing the path into
    // a job script, as the Slurm emitter does, starts nothing).
    const startsProcess = /\b(spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)\(/.test(text);
    if (LAYERS[layer] !== 'cli' && rel !== 'src/architecture.test.ts' && /bin\/dwgd\.js|'dwgd\.js'/.test(text) && startsProcess) out.push(`${rel} spawns bin/dwgd.js`);
  }
  return out.sort();
}

test('no layer imports a higher one; nothing below cli imports cli or starts the program', () => {
  const found = violations();
  const unexpected = found.filter((v) => !(v in KNOWN));
  assert.deepEqual(unexpected, [], 'see ARCHITECTURE.md for what each layer may import');
  const fixed = Object.keys(KNOWN).filter((k) => !found.includes(k));
  assert.deepEqual(fixed, [], 'these known violations are gone: delete them from KNOWN');
});

test('the scan sees imports, dynamic imports and worker URLs', () => {
  const text = [
    "import { a } from '../cli/x.js';",
    "export type { B } from './b.js';",
    "const m = await import('../results/plots.js');",
    "new Worker(new URL('./pool-worker.js', import.meta.url));",
    "import 'node:fs';",
  ].join('\n');
  assert.deepEqual(dependencies(text).sort(), ['../cli/x.js', '../results/plots.js', './b.js', './pool-worker.js']);
  assert.equal(layerOf('src/errors.ts'), -1);
  assert.equal(layerOf('src/experiment/testing/temp.ts'), LAYERS.indexOf('experiment'));
});
