// What each runtime dependency adds to node_modules: run in a folder holding package.json,
// package-lock.json and the node_modules of `npm ci --omit=dev`. Each direct dependency's
// packages are the ones it reaches through package-lock.json (resolved as Node resolves them,
// nested folders first); a package reached from two direct dependencies is counted apart.
// Sizes are `du -sk` of each package's folder without its nested node_modules (disk blocks,
// as `du -sk node_modules` counts them), in KiB. Used for the README's dependency table.
//
//   node scripts/dep-sizes.mjs [folder]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const packages = lock.packages;

/** The lock entry a dependency `name` of the package at `from` resolves to. */
function resolve(from, name) {
  for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
    const at = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[at]) return at;
    if (!base) return undefined;
  }
}

/** The installed packages a direct dependency reaches, itself included. */
function reach(name) {
  const seen = new Set();
  const todo = [`node_modules/${name}`];
  while (todo.length) {
    const at = todo.pop();
    if (seen.has(at) || !existsSync(join(root, at))) continue;
    seen.add(at);
    const e = packages[at];
    for (const d of Object.keys({ ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies })) {
      const r = resolve(at, d);
      if (r) todo.push(r);
    }
  }
  return seen;
}

const kib = (at) => Number(execFileSync('du', ['-sk', '--exclude=node_modules', join(root, at)], { encoding: 'utf8' }).split('\t')[0]);
const direct = Object.keys(packages[''].dependencies ?? {});
const reached = new Map(direct.map((d) => [d, reach(d)]));
const owners = new Map();
for (const [d, set] of reached) for (const at of set) owners.set(at, [...(owners.get(at) ?? []), d]);
const rows = direct.map((d) => {
  const own = [...reached.get(d)].filter((at) => owners.get(at).length === 1);
  return { name: d, packages: own.length, kib: own.reduce((s, at) => s + kib(at), 0) };
}).sort((a, b) => b.kib - a.kib);
const shared = [...owners].filter(([, o]) => o.length > 1);
for (const r of rows) console.log(`${r.name}\t${r.packages} packages\t${r.kib} KiB\t${(r.kib / 1024).toFixed(2)} MB`);
for (const [at, o] of shared) console.log(`shared by ${o.join(', ')}: ${at} ${kib(at)} KiB`);
const total = rows.reduce((s, r) => s + r.kib, 0) + shared.reduce((s, [at]) => s + kib(at), 0);
const all = Number(execFileSync('du', ['-sk', join(root, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
console.log(`${owners.size} packages; their folders: ${total} KiB (${(total / 1024).toFixed(1)} MB); du -sk node_modules: ${all} KiB (${(all / 1024).toFixed(1)} MB)`);
