// Downloads that start a process, against the local servers of testing/download-servers.ts:
// Ctrl-C during a download (a child process), and `dwgd datasets fetch` and `dwgd train
// --download` through the CLI (HTTPS through the CONNECT proxy, a mirror answering 404). The
// in-process download tests are in download.test.ts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BODY, cache, OPENSSL, SHA, startServers, type Servers } from './testing/download-servers.js';

let s: Servers;
before(async () => {
  s = await startServers();
});
after(() => s.close());


const skipTls = OPENSSL ? false : 'openssl is not installed';

test('Ctrl-C during a download leaves no partial file, no cache folder it created, and exits 130', async () => {
  const top = cache();
  const dir = join(top, 'new-cache');
  const downloadJs = fileURLToPath(new URL('../data/download.js', import.meta.url));
  const script = `import { download } from ${JSON.stringify(downloadJs)};
    download({ url: ${JSON.stringify(`${s.base}/slow`)}, dest: ${JSON.stringify(join(dir, 'slow.bin'))}, size: ${BODY.length}, sha256: '${SHA}' },
      { env: {}, onProgress: () => process.stdout.write('started\\n') });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolveStarted) => child.stdout.once('data', () => resolveStarted()));
  // The write stream opens its file asynchronously: wait (up to 5 s) for the temporary file.
  for (let k = 0; k < 100 && readdirSync(dir).length === 0; k++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(readdirSync(dir).length, 1, 'the temporary file exists while downloading');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.deepEqual(readdirSync(top), [], 'neither the partial file nor the folder the download created');
  rmSync(top, { recursive: true });
});

const CLI = fileURLToPath(new URL('../../../bin/dwgd.js', import.meta.url));
const WINE_CACHE = fileURLToPath(new URL('../../../datasets/wine-quality', import.meta.url));

test('CLI: datasets fetch -q through the proxy from DWGD_MIRROR: a bad file is one line, exit 2, no empty cache folder',
  { skip: skipTls || (existsSync(WINE_CACHE) ? 'datasets/wine-quality exists here; the test needs it absent' : false) }, async () => {
    const n = s.connects.length;
    const before = s.hits.length;
    // The mirror serves 404 for the wine files: the request must reach it through the tunnel.
    // (Spawned asynchronously: the servers answering it live in this process.)
    const child = spawn(process.execPath, [CLI, 'datasets', 'fetch', 'wine-quality', '-q'], {
      stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1', HTTPS_PROXY: s.proxyUrl, NO_PROXY: '', DWGD_MIRROR: `${s.httpsBase}/m`, NODE_EXTRA_CA_CERTS: s.certFile },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const r = { status, stderr };
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/m\/wine-quality\/winequality-white\.csv: HTTP 404\n$/);
    assert.deepEqual(s.connects.slice(n), [s.httpsBase.replace('https://', '')]);
    assert.deepEqual(s.hits.slice(before), ['/m/wine-quality/winequality-white.csv']);
    assert.ok(!existsSync(WINE_CACHE), 'no empty datasets/wine-quality/ left');
  });

test('CLI: train -q --download with a failing download prints exactly one line', { skip: existsSync(WINE_CACHE) ? 'datasets/wine-quality exists here' : false }, async () => {
  const dir = cache();
  writeFileSync(join(dir, 'wine.yaml'), 'dataset: {name: wine-quality}\ntrainSize: 10\nturns: 1\nstepsPerTurn: 10\n');
  const child = spawn(process.execPath, [CLI, 'train', '-q', '--download', '--config', join(dir, 'wine.yaml'), '--out', join(dir, 'out')], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', DWGD_DATA_DIR: join(dir, 'nothing'), DWGD_MIRROR: `${s.base}/m` },
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(status, 2, stderr);
  assert.match(stderr, /^error: http:\/\/127\.0\.0\.1:\d+\/m\/wine-quality\/winequality-white\.csv: HTTP 404\n$/);
  assert.ok(!existsSync(WINE_CACHE));
  assert.deepEqual(readdirSync(dir), ['wine.yaml'], 'nothing written');
  rmSync(dir, { recursive: true });
});
