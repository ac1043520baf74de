// Every command the README shows in a code block, and every example in a `--help` text, runs as
// written after `npm ci`: it is `npx dwgd …` (never a bare `dwgd`, which npm ci does not put on
// the PATH), and its dry form exits 0: `--print-config` for train, compare and sweep (the config,
// the overrides and every flag are checked, nothing is trained), the command itself for quick
// read-only ones, `--help` for the rest (downloads, long checks, folders that exist only after
// a run). Commands run with node on bin/dwgd.js, which is what `npx dwgd` starts here (the
// package's bin; npx itself may consult the registry, which a test should not).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT } from '../experiment/testing/paths.js';


/** Shell words of one command line: quotes respected, a `#` comment after a space dropped. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '#' && !inWord) break;
    else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The lines of every sh code block of the README. */
function readmeShellLines(): string[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out: string[] = [];
  // A line ending in a backslash continues on the next, as in a shell.
  for (const m of text.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```/gm)) out.push(...m[1].replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')));
  return out;
}

interface Invocation {
  env: Record<string, string>;
  args: string[];
  source: string;
}

/** The dwgd invocations of a command line (`npm ci && npx dwgd …` holds one), env prefixes kept. */
function invocations(line: string, source: string): Invocation[] {
  const out: Invocation[] = [];
  // Commands joined with && or piped into another (`… --dry-run | head`): each on its own.
  for (const part of line.split(/&&|\|/)) {
    const words = shellWords(part);
    const env: Record<string, string> = {};
    while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
      const [k, ...v] = words.shift()!.split('=');
      env[k] = v.join('=');
    }
    if (words[0] === 'dwgd') assert.fail(`${source}: bare \`dwgd\` (npm ci puts no dwgd on the PATH): ${line.trim()}`);
    if (words[0] === 'npx' && words[1] === 'dwgd') out.push({ env, args: words.slice(2), source: `${source}: ${line.trim()}` });
  }
  return out;
}

/** The check of one invocation: its args in dry form. */
function dryForm(args: string[]): string[] {
  const [command, sub] = args;
  if (args.includes('--help')) return args;
  if (command === 'train' || command === 'compare' || command === 'sweep') return [...args, '--print-config'];
  if (command === 'datasets' && (sub === 'list' || sub === 'info')) return args;
  if (command === '--version') return args;
  // fetch downloads, verify reads every dataset, report/runs/export need folders a run makes.
  return [command, ...(command === 'datasets' || command === 'runs' ? [sub].filter((s) => s && !s.startsWith('-') && (command !== 'runs' || ['show', 'diff'].includes(s))) : []), '--help'];
}

function run(inv: Invocation): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...dryForm(inv.args)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...inv.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr };
}

test('the README shows no bare dwgd in its code blocks, and its set-up commands are the two of issue 13', () => {
  const lines = readmeShellLines();
  assert.ok(lines.includes('npm ci && npx dwgd train --config configs/quickstart.yaml'));
  assert.ok(lines.includes('npm ci && npm test'));
  const all = lines.flatMap((l) => invocations(l, 'README'));
  assert.ok(all.length >= 25, `${all.length} dwgd commands found`);
  // `npx dwgd` in the project runs the package's own bin.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin.dwgd, 'bin/dwgd.js');
});

test('every dwgd command in the README code blocks runs as written (in its dry form), exit 0', () => {
  const failures: string[] = [];
  for (const inv of readmeShellLines().flatMap((l) => invocations(l, 'README'))) {
    const r = run(inv);
    if (r.code !== 0) failures.push(`${inv.source}\n  → dwgd ${dryForm(inv.args).join(' ')}: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
  }
  assert.deepEqual(failures, []);
});

test('every example in the --help texts runs as written (in its dry form), exit 0', () => {
  const commands = [[], ['train'], ['compare'], ['sweep'], ['report'], ['datasets'], ['runs'], ['export']];
  const failures: string[] = [];
  let examples = 0;
  for (const c of commands) {
    const help = spawnSync(process.execPath, [BIN, ...c, '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(help.status, 0, `dwgd ${c.join(' ')} --help`);
    assert.doesNotMatch(help.stdout, /^\s+dwgd (train|compare|sweep|report|datasets|runs|export)\b/m, `dwgd ${c.join(' ')} --help shows a bare dwgd command`);
    for (const line of help.stdout.split('\n').filter((l) => /^\s+npx dwgd /.test(l))) {
      for (const inv of invocations(line, `dwgd ${c.join(' ')} --help`)) {
        // Placeholders (`s5-…`, run ids) stand for a run of the reader's: check the command's --help.
        const args = inv.args.some((a) => a.includes('…') || /^s\d+-/.test(a)) ? [inv.args[0], ...(inv.args[0] === 'runs' ? [inv.args[1]] : []), '--help'] : inv.args;
        examples++;
        const r = run({ ...inv, args });
        if (r.code !== 0) failures.push(`${inv.source}: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
      }
    }
  }
  assert.ok(examples >= 8, `${examples} examples`);
  assert.deepEqual(failures, []);
});
