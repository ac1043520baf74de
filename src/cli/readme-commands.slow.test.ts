// Every command the README shows in a code block, and every example in a `--help` text, runs as
// written after `npm ci`: it is `node bin/dwgd.js …` (never a bare `dwgd`, which npm ci does not
// put on the PATH, nor `npx dwgd`, which may ask the registry for a package called dwgd), and its
// dry form exits 0: `--print-config` for train, compare and sweep (the config, the overrides and
// every flag are checked, nothing is trained), the command itself for quick read-only ones,
// `--help` for the rest (downloads, long checks, folders that exist only after a run).
// And the README's form asks no registry: run with npm's registry and proxies pointed at a
// server that counts connections, from the checkout, from another folder and before `npm ci`.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The dwgd invocations of a command line (`npm ci && node bin/dwgd.js …` holds one), env prefixes kept. */
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
    if (words.includes('dwgd') && (words[0] === 'npx' || (words[0] === 'npm' && words[1] === 'exec'))) assert.fail(`${source}: dwgd through npm (it may ask the registry): ${line.trim()}`);
    if (words[0] === 'node' && words[1] === 'bin/dwgd.js') out.push({ env, args: words.slice(2), source: `${source}: ${line.trim()}` });
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
  return [command, ...(command === 'datasets' || command === 'runs' ? [sub].filter((s) => s && !s.startsWith('-') && (command !== 'runs' || ['show', 'diff', 'tag', 'note'].includes(s))) : []), '--help'];
}

function run(inv: Invocation): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...dryForm(inv.args)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...inv.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr };
}

test('the README shows no bare dwgd in its code blocks, and its set-up commands are the two of issue 13', () => {
  const lines = readmeShellLines();
  assert.ok(lines.includes('npm ci && node bin/dwgd.js train --config configs/quickstart.yaml'));
  assert.ok(lines.includes('npm ci && npm test'));
  const all = lines.flatMap((l) => invocations(l, 'README'));
  assert.ok(all.length >= 25, `${all.length} dwgd commands found`);
  // The package's bin is the same file (what `npm link` puts on the PATH).
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
  const commands = [[], ['train'], ['compare'], ['sweep'], ['tune'], ['report'], ['datasets'], ['runs'], ['export']];
  const failures: string[] = [];
  let examples = 0;
  for (const c of commands) {
    const help = spawnSync(process.execPath, [BIN, ...c, '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(help.status, 0, `dwgd ${c.join(' ')} --help`);
    assert.doesNotMatch(help.stdout, /^\s+(npx )?dwgd (train|compare|sweep|report|datasets|runs|export)\b/m, `dwgd ${c.join(' ')} --help shows a bare or npx dwgd command`);
    for (const line of help.stdout.split('\n').filter((l) => /^\s+node bin\/dwgd\.js /.test(l))) {
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

/** A stand-in registry and proxy: a local TCP server that records every connection and answers none. */
async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const { createServer } = await import('node:net');
  let n = 0;
  const server = createServer((socket) => {
    n++;
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, connections: () => n, close: () => new Promise((done) => server.close(() => done())) };
}

/** The environment of a machine whose every npm registry and proxy is the counting server, npm offline. */
function registryEnv(url: string): NodeJS.ProcessEnv {
  return {
    ...process.env, NO_COLOR: '1', npm_config_registry: url, npm_config_offline: 'true',
    npm_config_proxy: url, npm_config_https_proxy: url, HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '', no_proxy: '',
  };
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/**
 * A process run without blocking this one (the counting server must go on accepting while it
 * runs; spawnSync would hold its connections in the backlog, uncounted, and npm would wait).
 */
function runAsync(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ status: null, stdout, stderr, error });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

/** A README line's dwgd command, run by the shell as written (`npm ci && ` left off: that install is the setting). */
function shellRun(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return runAsync('sh', ['-c', line.replace(/^npm ci && /, '')], { cwd, env });
}

test('the README\'s form asks no registry: from the checkout, from another folder and before npm ci (one line then), with npm offline and every registry and proxy a counting server', async () => {
  const quickstart = readmeShellLines().find((l) => l.startsWith('npm ci && node bin/dwgd.js train '));
  assert.ok(quickstart, 'the README\'s first command');
  const registry = await countingServer();
  try {
    const env = registryEnv(registry.url);
    // From the checkout, as written (dry: the config resolved and checked, nothing trained).
    const r = await shellRun(`${quickstart} --print-config`, ROOT, env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^trainSize: 1000$/m);
    assert.equal((await shellRun('node bin/dwgd.js --version', ROOT, env)).stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    // From another folder: the same file by its path.
    const elsewhere = mkdtempSync(join(tmpdir(), 'dwgd-elsewhere-'));
    const far = await runAsync(process.execPath, [BIN, 'train', '--config', join(ROOT, 'configs', 'quickstart.yaml'), '--print-config'], { cwd: elsewhere, env });
    assert.equal(far.status, 0, far.stderr);
    // Before npm ci: a clone with no dist/ and no node_modules says so in one line, exit 2.
    const clone = mkdtempSync(join(tmpdir(), 'dwgd-clone-'));
    cpSync(join(ROOT, 'bin'), join(clone, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
    cpSync(join(ROOT, 'configs'), join(clone, 'configs'), { recursive: true });
    const early = await shellRun(quickstart, clone, env);
    assert.equal(early.status, 2);
    assert.equal(early.stderr, `error: dwgd is not compiled yet (no dist/ in ${clone}): run \`npm ci\` there first\n`);
    assert.equal(registry.connections(), 0, 'no connection to the registry or a proxy');
    // The check can fail: npx outside the checkout does ask the registry for dwgd.
    const npxEnv = { ...process.env, npm_config_registry: registry.url, npm_config_fetch_retries: '0', npm_config_fetch_timeout: '5000' };
    const npx = await runAsync('npm', ['exec', '--no', '--', 'dwgd', '--version'], { cwd: elsewhere, env: npxEnv, timeout: 60_000 });
    if (npx.error === undefined) {
      assert.notEqual(npx.status, 0);
      assert.ok(registry.connections() > 0, 'npx dwgd outside the checkout asked the registry');
    }
  } finally {
    await registry.close();
  }
});
